"""Lemma 3.2 (eqs. 3–6): one-sided derivatives against the exact limit.

Along a ray the loss is a polynomial near ``t = 0⁺`` (:func:`raypoly.ray_poly`,
exact, cross-checked against direct loss evaluations), so the one-sided
derivative is its linear coefficient ``c₁``. For every neuron of every
generated point — zero and nonzero ``w_i``, neurons on kinks (``w_i ⟂ x_k``,
in d = 3 also on two kinks at once), any ``α±`` including ``α⁺ ≤ 0`` — the
paper's formulas are compared with ``c₁``:

* eq. (4): ``Δ = ±e_{h_ji}``: ``c₁ = ±w_i·d_ji``;
* eq. (5): ``Δw_i = w_i`` (the radial direction scaled by ``‖w_i‖``, which
  keeps everything rational): ``c₁ = Σ_j h_ji d_ji·w_i``, and the same with
  ``−w_i`` gives ``−c₁`` (the radial derivative is two-sided);
* eq. (6): ``Δw_i = v`` for tangential ``v`` (``v ⟂ w_i``; any v when
  ``w_i = 0``), including directions inside a kink hyperplane: ``c₁ =
  Σ_j h_ji d_ji^v·v`` with ``d_ji^v`` computed from its definition (eq. 3).

exactland's own ``neuron_data`` (``d``, ``∂L/∂h``, ``φ``, ``F``) is checked
against the same exact limits (it is the code under test there).
"""
from __future__ import annotations

from fractions import Fraction
from typing import Any, Callable


from .gen import random_nets
from .net import Net, dot, fmt, perp, zero_dir
from .raypoly import ray_poly
from .registry import Check, Method, Outcome, fails, holds, search

__all__ = ["CHECKS", "tangential_directions", "formula_errors"]

Formula = Callable[[Net, int, Any], Fraction]


def tangential_directions(net: Net, i: int) -> list[tuple[Fraction, ...]]:
    """Tangential test directions for neuron i (exact, not normalised)."""
    w = net.W[i]
    d = net.d
    out: list[tuple[Fraction, ...]] = []
    if net.is_zero_neuron(i):
        basis = [tuple(Fraction(int(a == b)) for b in range(d)) for a in range(d)]
        out += basis + [tuple(-c for c in e) for e in basis]
        for x in net.X:
            out += [tuple(x), tuple(-c for c in x)]
            if d == 2:
                out += [perp(x), tuple(-c for c in perp(x))]
        return [v for v in out if any(v)]
    ww = dot(w, w)
    cands: list[tuple[Fraction, ...]] = []
    if d == 2:
        cands = [perp(w)]
    else:
        for a in range(d):
            e = tuple(Fraction(int(a == b)) for b in range(d))
            cands.append(e)
        for k in net.kinks(i):  # directions staying inside the kink hyperplane too
            x = net.X[k]
            cands.append((w[1] * x[2] - w[2] * x[1], w[2] * x[0] - w[0] * x[2], w[0] * x[1] - w[1] * x[0]))
    for v in cands:
        t = tuple(c - dot(v, w) / ww * wc for c, wc in zip(v, w))
        if any(t):
            out += [t, tuple(-c for c in t)]
    return out


def _dir_w(net: Net, i: int, dw: Any) -> tuple[Any, Any]:
    dW, dH = zero_dir(net)
    dW[i] = list(dw)
    return dW, dH


def _eq6(net: Net, i: int, v: Any) -> Fraction:
    return sum((net.H[j][i] * dot(net.d_v(j, i, v), v) for j in range(net.J)), Fraction(0))


def _eq6_dropped_kinks(net: Net, i: int, v: Any) -> Fraction:
    """Broken: ``d_ji`` in place of ``d_ji^v`` (the kink samples' term dropped)."""
    return sum((net.H[j][i] * dot(net.d_vec(j, i), v) for j in range(net.J)), Fraction(0))


def _eq4(net: Net, j: int, i: int) -> Fraction:
    return net.dL_dh(j, i)


def _eq4_swapped(net: Net, j: int, i: int) -> Fraction:
    """Broken: α⁺ and α⁻ swapped in d_ji."""
    sw = Net(net.am, net.ap, net.X, net.Y, net.W, net.H)
    return dot(net.W[i], sw.d_vec(j, i)) if net.ap != net.am else net.dL_dh(j, i)


def _eq5(net: Net, i: int) -> Fraction:
    return net.dL_dr_scaled(i)


def _eq5_sign(net: Net, i: int) -> Fraction:
    """Broken: the sign of eq. (5) flipped."""
    return -net.dL_dr_scaled(i)


def formula_errors(net: Net, eq4: Any = _eq4, eq5: Any = _eq5, eq6: Any = _eq6,
                   with_exactland: bool = True, stats: dict | None = None) -> str | None:
    """First disagreement between eqs. (4)–(6) and the exact one-sided derivatives."""
    stats = {} if stats is None else stats
    nds = None
    if with_exactland:
        from flint import fmpq

        from exactland.core.kinks import neuron_data
        from exactland.core.network import evaluate

        ev = evaluate(net.to_problem())
        nds = [neuron_data(ev, i) for i in range(net.I)]
        to_f = lambda v: tuple(fmpq(c.numerator, c.denominator) for c in v)  # noqa: E731
    for i in range(net.I):
        for j in range(net.J):
            dW, dH = zero_dir(net)
            dH[j][i] = Fraction(1)
            c1 = ray_poly(net, dW, dH).coeffs[1]
            dH[j][i] = Fraction(-1)
            c1m = ray_poly(net, dW, dH).coeffs[1]
            stats["eq4"] = stats.get("eq4", 0) + 1
            if c1 != eq4(net, j, i) or c1m != -c1:
                return (f"eq. (4), neuron {i}, output {j}: exact dL/dh = {c1} (backwards {c1m}), "
                        f"formula {eq4(net, j, i)}")
            if nds is not None and Fraction(str(nds[i].dL_dh[j])) != c1:
                return f"exactland dL_dh[{j}] of neuron {i} = {nds[i].dL_dh[j]}, exact {c1}"
            if nds is not None and tuple(Fraction(str(c)) for c in nds[i].d[j]) != net.d_vec(j, i):
                return f"exactland d[{j}] of neuron {i} = {nds[i].d[j]}, eq. (3) gives {fmt(net.d_vec(j, i))}"
        if not net.is_zero_neuron(i):
            c1 = ray_poly(net, *_dir_w(net, i, net.W[i])).coeffs[1]
            c1m = ray_poly(net, *_dir_w(net, i, [-c for c in net.W[i]])).coeffs[1]
            stats["eq5"] = stats.get("eq5", 0) + 1
            if c1 != eq5(net, i) or c1m != -c1:
                return (f"eq. (5), neuron {i}: exact |w| dL/dr = {c1} (backwards {c1m}), "
                        f"formula {eq5(net, i)}")
        for v in tangential_directions(net, i):
            c1 = ray_poly(net, *_dir_w(net, i, v)).coeffs[1]
            on_kink = any(dot(v, net.X[k]) == 0 for k in net.kinks(i))
            stats["eq6"] = stats.get("eq6", 0) + 1
            if net.kinks(i):
                stats["eq6_kink"] = stats.get("eq6_kink", 0) + 1
            if on_kink:
                stats["eq6_inside_kink"] = stats.get("eq6_inside_kink", 0) + 1
            if c1 != eq6(net, i, v):
                return (f"eq. (6), neuron {i} (w = {fmt(net.W[i])}, kinks {list(net.kinks(i))}), "
                        f"v = {fmt(v)}: exact dL/ds = {c1}, formula {eq6(net, i, v)}")
            if nds is not None:
                fv = to_f(v)
                if Fraction(str(nds[i].F(fv))) != c1:
                    return f"exactland F_{i}({fmt(v)}) = {nds[i].F(fv)}, exact {c1}"
                for j in range(net.J):
                    if Fraction(str(nds[i].phi[j](fv))) != net.phi(j, i, v):
                        return f"exactland phi_{j}{i}({fmt(v)}) = {nds[i].phi[j](fv)}, eq. (3) {net.phi(j, i, v)}"
    return None


def _strategy() -> Any:
    return random_nets()


def _explicit() -> list[Net]:
    """A non-stationary kink point, the Section 4.1.1 final minimum (a neuron on a kink),
    its origin (zero neurons) and Lemma O.1's counterexample."""
    from .examples import final_minimum, kink_example, o1_counterexample, origin_saddle

    return [kink_example(), final_minimum(), origin_saddle(), o1_counterexample()]


def run(n: int) -> Outcome:
    res = search(_strategy(), lambda net, s: formula_errors(net, stats=s), n, explicit=_explicit())
    s = res.stats
    if res.counterexample is not None:
        return fails("a formula of Lemma 3.2 disagrees with the exact one-sided derivative",
                     f"{res.message}; at {res.counterexample}", instances=res.count)
    if not s.get("eq6_kink") or not s.get("eq6_inside_kink"):
        return fails("vacuous: no tangential direction at a kink was exercised", instances=res.count)
    return holds(
        "eqs. (4), (5), (6) equal the exact one-sided derivatives (linear coefficient of the "
        "loss polynomial along the ray); exactland's d, dL/dh, phi, F agree",
        [f"{s.get('eq4', 0)} output-weight, {s.get('eq5', 0)} radial and {s.get('eq6', 0)} "
         f"tangential derivatives ({s.get('eq6_kink', 0)} at neurons on kinks, "
         f"{s.get('eq6_inside_kink', 0)} along directions inside a kink hyperplane); "
         "zero neurons, d in {2, 3}, |J| in {1, 2}, alpha+ in {1, 2, -1, 1/2, 0}"],
        instances=res.count)


def broken(n: int) -> Outcome:
    mutants = [
        ("eq. (6) with d_ji instead of d_ji^v (kink term dropped)", dict(eq6=_eq6_dropped_kinks)),
        ("eq. (4) with alpha+ and alpha- swapped", dict(eq4=_eq4_swapped)),
        ("eq. (5) with its sign flipped", dict(eq5=_eq5_sign)),
    ]
    caught, lines, total = [], [], 0
    for label, kw in mutants:
        res = search(_strategy(), lambda net, s, kw=kw: formula_errors(net, with_exactland=False, **kw),
                     n, shrink=False, explicit=_explicit())
        total += res.count
        if res.counterexample is not None:
            caught.append(label)
            lines.append(f"{label}: {res.message}")
        else:
            lines.append(f"{label}: NOT detected")
    if len(caught) == len(mutants):
        return fails(f"all {len(mutants)} mutants detected", lines[0], lines, instances=total)
    return holds("a mutant went undetected", lines, instances=total)


CHECKS = (
    Check("3.2", "Lemma 3.2: one-sided derivatives (eqs. 3-6) vs the exact limit", Method.INSTANCES,
          run, broken, "d^v replaced by d (kink term dropped); alpha+/alpha- swapped in (4); "
          "sign of (5) flipped"),
)

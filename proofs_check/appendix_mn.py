"""Appendices L (eq. 23), M.1 (orthogonal units) and N (inactive propagation).

* **L, eq. (23)**: after replication, ``∂L/∂s`` of replica l equals
  ``γ_l ∂L/∂s_{i₀}`` (exact one-sided derivatives on generated replications).
  The printed first expression ``Σ_j h_{j i₀} d_{j i₀^l}·v`` has the original
  ``h_{j i₀}`` (no factor ``γ_l``) and ``d`` without the superscript ``v`` (the
  kink term is lost): it is compared literally and fails; the corrected
  ``Σ_j h_{j i₀^l} d^{v}_{j i₀^l}·v`` agrees.
* **M.1**: an orthogonal unit (``w·x_k = 0`` for all k) has ``∂L/∂h = ∂L/∂r = 0``;
  stationarity is kept when ``h = 0`` or the loss is 0, and is not kept in
  general (an exact counterexample is exhibited).
* **N**: a unit with ``h = 0`` has zero radial and tangential derivatives and
  ``∂L/∂h_j = w·d_j`` (eq. 37); ``w = 0`` or ``w = β w_i`` (β > 0) keeps
  stationarity, a generic ``w`` does not (exact counterexample).
"""
from __future__ import annotations

from fractions import Fraction
from typing import Any

from . import sampling as st
from .analysis2d import analyse_2d
from .examples import final_minimum
from .gen import rat, stationary_family
from .net import Net, dot, fmt, zero_dir
from .prop_4_9 import explicit_cases, replicate, replication_cases
from .raypoly import ray_poly
from .registry import Check, Method, Outcome, Status, corrected, fails, holds, search

__all__ = ["CHECKS"]


# ------------------------------------------------------------------ L, eq. (23)
def _prop23(which: str) -> Any:
    def prop(case: tuple, stats: dict) -> str | None:
        net, i0, beta, gamma = case
        new, idx = replicate(net, i0, beta, gamma)
        from .analysis2d import generators_2d

        for l, il in enumerate(idx):
            for v in generators_2d(net, i0):
                dW, dH = zero_dir(new)
                dW[il] = list(v)
                exact = ray_poly(new, dW, dH).coeffs[1]
                target = gamma[l] * net.F(i0, v)
                printed = sum(net.H[j][i0] * dot(new.d_vec(j, il), v) for j in range(net.J))
                fixed = sum(new.H[j][il] * new.phi(j, il, v) for j in range(net.J))
                stats["replica directions"] = stats.get("replica directions", 0) + 1
                if exact != target:
                    return f"replica {il}: dL/ds = {exact} but gamma_l dL/ds_i0 = {target} at {net}"
                val = {"printed": printed, "fixed": fixed}[which]
                if val != exact:
                    stats.setdefault("ce", f"replica {il} (gamma = {gamma[l]}), v = {fmt(v)}: {which} first "
                                     f"expression {val}, exact {exact} at {net}")
                    stats[which + " wrong"] = stats.get(which + " wrong", 0) + 1
        return None
    return prop


def run23(n: int) -> Outcome:
    fixed = search(replication_cases(), _prop23("fixed"), n, explicit=explicit_cases())
    if fixed.counterexample is not None:
        return fails("eq. (23)'s result gamma_l dL/ds_i0 is wrong", fixed.message, instances=fixed.count)
    if fixed.stats.get("fixed wrong"):
        return fails("even the corrected first expression of eq. (23) is wrong", fixed.stats["ce"])
    pr = search(replication_cases(), _prop23("printed"), n, explicit=explicit_cases())
    lines = [f"dL/ds of every replica = gamma_l dL/ds_i0 on {fixed.stats.get('replica directions', 0)} "
             "replica directions (exact one-sided derivatives)",
             "corrected first expression sum_j h_{j i0^l} d^v_{j i0^l}.v agrees everywhere"]
    if pr.stats.get("printed wrong"):
        lines.append(f"printed first expression sum_j h_{{j i0}} d_{{j i0^l}}.v is wrong in "
                     f"{pr.stats['printed wrong']} cases, e.g. {pr.stats['ce']}")
        return corrected("eq. (23)'s conclusion holds; its first expression should read "
                         "sum_j h_{j i0^l} d^{v}_{j i0^l} . v", lines, pr.stats["ce"],
                         instances=fixed.count + pr.count, errata=("E-L23",))
    return holds("eq. (23) holds as printed", lines, instances=fixed.count)


def broken23(n: int) -> Outcome:
    def prop(case: tuple, stats: dict) -> str | None:
        net, i0, beta, gamma = case
        new, idx = replicate(net, i0, beta, gamma)
        from .analysis2d import generators_2d

        for l, il in enumerate(idx):
            for v in generators_2d(net, i0):
                dW, dH = zero_dir(new)
                dW[il] = list(v)
                exact = ray_poly(new, dW, dH).coeffs[1]
                if exact != net.F(i0, v):  # gamma_l dropped from the conclusion
                    return f"replica {il}: dL/ds = {exact}, claimed {net.F(i0, v)}"
        return None
    res = search(replication_cases(), prop, n, shrink=False, explicit=explicit_cases())
    if res.counterexample is not None:
        return fails("without the factor gamma_l the conclusion of (23) is wrong", res.message,
                     instances=res.count)
    return holds("broken variant not detected", instances=res.count)


# ------------------------------------------------------------------ M.1 orthogonal units / N
def _add(net: Net, w: Any, h: list) -> Net:
    return net.with_params([list(r) for r in net.W] + [list(w)], [list(r) + [hj] for r, hj in zip(net.H, h)])


def _units(kind: str) -> Any:
    @st.composite
    def cases(draw: Any) -> tuple:
        net = draw(stationary_family())
        h = [draw(rat(-4, 4, 2)) for _ in range(net.J)]
        if kind == "N":
            mode = draw(st.sampled_from(["zero", "replica", "generic"]))
            if mode == "zero":
                w = (Fraction(0), Fraction(0))
            elif mode == "replica":
                i = draw(st.integers(0, net.I - 1))
                beta = draw(st.sampled_from([Fraction(1, 2), Fraction(2)]))
                w = tuple(beta * c for c in net.W[i])
            else:
                w = (draw(rat(-6, 6, 3)), draw(rat(-6, 6, 3)))
            return net, w, [Fraction(0)] * net.J, mode
        return net, (Fraction(0), Fraction(0)), h, "h=0" if not any(h) else "h!=0"
    return cases()


def _prop_units(kind: str, broken: bool) -> Any:
    def prop(case: tuple, stats: dict) -> str | None:
        net, w, h, mode = case
        a = analyse_2d(net)
        if not a.stationary:
            return None
        new = _add(net, w, h)
        if new.out != net.out:
            return None
        b = analyse_2d(new)
        u = new.I - 1
        stats[mode] = stats.get(mode, 0) + 1
        if kind == "M":
            if any(new.dL_dh(j, u) != 0 for j in range(new.J)) or new.dL_dr_scaled(u) != 0:
                return f"orthogonal unit with nonzero dL/dh or dL/dr at {net}"
            keep = (not any(h)) or net.loss == 0
            if broken:
                keep = True  # claim 'orthogonal units always keep stationarity'
            if keep and not b.stationary:
                return f"orthogonal unit h = {fmt(h)}: stationarity lost ({b.reason}) at {net}"
            if not b.stationary:
                stats.setdefault("counterexample", f"h = {fmt(h)}: {b.reason} at {net}")
        else:
            if any(F != 0 for F in (new.F(u, (Fraction(1), Fraction(0))), new.F(u, (Fraction(0), Fraction(1))))):
                return f"inactive-propagation unit with a nonzero tangential derivative at {net}"
            d37 = [dot(w, new.d_vec(j, u)) for j in range(new.J)]
            if d37 != [new.dL_dh(j, u) for j in range(new.J)]:
                return f"eq. (37) wrong at {net}"
            keep = mode in ("zero", "replica") or broken
            if keep and not b.stationary:
                return f"inactive propagation ({mode}, w = {fmt(w)}) loses stationarity ({b.reason}) at {net}"
            if not b.stationary:
                stats.setdefault("counterexample", f"w = {fmt(w)}: dL/dh = {fmt(d37)} at {net}")
        return None
    return prop


def _run_units(kind: str, broken: bool, n: int) -> Outcome:
    fm = final_minimum()
    explicit = ([(fm, (Fraction(0), Fraction(0)), [Fraction(0)], "h=0"),
                 (fm, (Fraction(0), Fraction(0)), [Fraction(1)], "h!=0"),
                 (fm, (Fraction(0), Fraction(0)), [Fraction(-1)], "h!=0")] if kind == "M" else
                [(fm, (Fraction(0), Fraction(0)), [Fraction(0)], "zero"),
                 (fm, tuple(2 * c for c in fm.W[0]), [Fraction(0)], "replica"),
                 (fm, (Fraction(1), Fraction(0)), [Fraction(0)], "generic")])
    res = search(_units(kind), _prop_units(kind, broken), n, shrink=not broken, explicit=explicit)
    if broken:
        if res.counterexample is not None:
            return fails("the over-general claim (always preserved) fails", res.message, instances=res.count)
        return holds("broken variant not detected", instances=res.count)
    if res.counterexample is not None:
        return fails(f"Appendix {kind} contradicted", res.message, instances=res.count)
    s = res.stats
    if "counterexample" not in s:
        return fails("no instance shows that stationarity is not preserved in general", instances=res.count)
    counts = "; ".join(f"{k}: {v}" for k, v in sorted(s.items()) if k != "counterexample")
    if kind == "M":
        return holds("orthogonal units: dL/dh = dL/dr = 0; stationarity kept when h = 0 or L = 0, "
                     "not in general", [counts, "not preserved: " + s["counterexample"]], instances=res.count)
    return holds("inactive propagation: zero radial/tangential derivatives, dL/dh = w.d (eq. 37); "
                 "w = 0 or w = beta w_i keeps stationarity, a generic w does not",
                 [counts, "not preserved: " + s["counterexample"]], instances=res.count)


CHECKS = (
    Check("L.23", "Appendix L, eq. (23): replica tangential derivative = gamma_l dL/ds_i0",
          Method.INSTANCES, run23, broken23, "factor gamma_l dropped", Status.CORRECTED),
    Check("M.1o", "Appendix M.1: orthogonal units (stationarity only in the trivial cases)",
          Method.INSTANCES, lambda n: _run_units("M", False, n), lambda n: _run_units("M", True, n),
          "claim widened to 'always preserved'"),
    Check("N", "Appendix N: inactive propagation (eq. 37; w = 0 or beta w_i keep stationarity)",
          Method.INSTANCES, lambda n: _run_units("N", False, n), lambda n: _run_units("N", True, n),
          "claim widened to 'always preserved'"),
)

"""Theorem 4.2, both directions for |J| = 1, on generated stationary points.

For every generated point (:func:`gen.stationary_family`: least-squares
constructions with a neuron on a kink and one-sided slopes, zero and dead
neurons, teacher constructions, origins; ``α±`` varied; |J| ∈ {1, 2}):

1. Definition 3.3 and Definition 4.1 are decided independently
   (:func:`analysis2d.analyse_2d`, d = 2, by evaluation on the arrangement's
   generators).
2. **Sufficiency** — stationary without escape neurons: the docs/mathematics.md §6 radius
   ``ρ = min(ρ_w, min_i c_i/|J|)`` is computed independently and must be
   ``> 0``; by the identity derived in :mod:`proofs_check.raywise` this proves
   ``L(P + δP) ≥ L(P)`` on the whole box ``‖δP‖_∞ < ρ`` (a local minimum —
   not merely along rays). Exact random perturbations in the box confirm it,
   and exactland's certificate must say ``type-1-minimum`` with the same radius.
3. **Necessity** (|J| = 1) — with an escape neuron the path of Appendix F.2
   (eq. 17) has, exactly, ``c₁ = 0`` and ``c₂ < 0``, and a point of strictly
   lower loss is exhibited: not a local minimum; exactland must say ``saddle``.
"""
from __future__ import annotations

from typing import Any

from .analysis2d import Analysis2D, analyse_2d
from .common import box_perturbations, certify, f2_path, perturbed, seed_of
from .examples import explicit_stationary
from .gen import stationary_family
from .net import Net, fmt
from .raypoly import strict_move
from .registry import Check, Method, Outcome, fails, holds, search

__all__ = ["CHECKS", "sufficiency", "necessity"]


def sufficiency(net: Net, a: Analysis2D, check_exactland: bool = True) -> str | None:
    """None if the no-escape stationary point is proven a local minimum."""
    if a.radius is not None and a.radius <= 0:
        return f"no positive radius (c = {fmt(a.c)}, rho_w = {a.rho_w}) at {net}"
    L0 = net.loss
    for dW, dH in box_perturbations(net, a.radius, 4, seed_of(net)):
        if perturbed(net, dW, dH).loss < L0:
            return f"a perturbation inside the radius {a.radius} lowers the loss at {net}"
    if check_exactland:
        cert = certify(net)
        if cert.verdict.value != "type-1-minimum":
            return f"exactland says {cert.verdict.value} for a type-1 minimum at {net}"
        want = "inf" if a.radius is None else str(a.radius)
        if str(cert.radius) != want:
            return f"exactland radius {cert.radius}, independent radius {want} at {net}"
    return None


def necessity(net: Net, a: Analysis2D, h_sign: int = -1, check_exactland: bool = True) -> str | None:
    """None if an escape neuron (|J| = 1) gives an exact strictly decreasing path."""
    i = a.escape[0]
    j, v, phi = a.witness[i]
    if net.H[0][i] != 0:
        return f"|J| = 1 escape neuron {i} with h = {net.H[0][i]} != 0 at {net}"
    path = f2_path(net, i, v, phi, h_sign=h_sign)
    c = path.rp.coeffs
    if c[1] != 0 or c[2] >= 0:
        return (f"Appendix F.2 path (neuron {i}, v = {fmt(v)}, a = 1, b = {path.b}) has "
                f"c1 = {c[1]}, c2 = {c[2]}: not a second-order descent, at {net}")
    w = strict_move(net, path.rp, -1)
    if w is None:
        return f"no point of lower loss on the F.2 path at {net}"
    if check_exactland and certify(net).verdict.value != "saddle":
        return f"exactland says {certify(net).verdict.value} for a saddle at {net}"
    return None


def _prop(broken: bool) -> Any:
    def prop(net: Net, stats: dict) -> str | None:
        a = analyse_2d(net)
        if not a.stationary:
            stats["not stationary (skipped)"] = stats.get("not stationary (skipped)", 0) + 1
            return None
        if broken and a.escape:
            # Definition 4.1 ignored: treat the point as escape-free and 'prove' minimality
            r = a.rho_w
            for c in a.c:
                if c is not None:
                    r = c / net.J if r is None else min(r, c / net.J)
            fake = Analysis2D(a.stationary, a.reason, (), {}, a.c, a.rho_w, r)
            return sufficiency(net, fake, check_exactland=False)
        if not a.escape:
            stats["type-1 minima"] = stats.get("type-1 minima", 0) + 1
            return sufficiency(net, a)
        if net.J == 1:
            stats["|J| = 1 saddles"] = stats.get("|J| = 1 saddles", 0) + 1
            return necessity(net, a)
        stats["|J| = 2 with escape neurons (no claim)"] = stats.get("|J| = 2 with escape neurons (no claim)", 0) + 1
        return None
    return prop


def run(n: int) -> Outcome:
    res = search(stationary_family(), _prop(False), n, explicit=explicit_stationary())
    if res.counterexample is not None:
        return fails("Theorem 4.2 contradicted", res.message, instances=res.count)
    s = res.stats
    if not s.get("type-1 minima") or not s.get("|J| = 1 saddles"):
        return fails(f"vacuous: {s}", instances=res.count)
    return holds(
        "no escape neurons => local minimum (positive docs/mathematics.md §6 radius, a box, not rays); "
        "|J| = 1 with an escape neuron => the eq. (17) path decreases (c1 = 0, c2 < 0)",
        ["; ".join(f"{k}: {v}" for k, v in sorted(s.items())),
         "exactland's verdicts and radii agree with the independent ones on every instance"],
        instances=res.count)


def broken(n: int) -> Outcome:
    res = search(stationary_family(J_values=(1,)), _prop(True), n, shrink=False,
                 explicit=explicit_stationary(J1_only=True))
    if res.counterexample is not None:
        return fails("with Definition 4.1's condition dropped, a saddle is 'proven' a minimum: "
                     "the proof breaks", res.message, instances=res.count)
    return holds("broken variant not detected", instances=res.count)


CHECKS = (
    Check("4.2", "Theorem 4.2: no escape neurons <=> local minimum (|J| = 1)", Method.INSTANCES,
          run, broken, "escape neurons ignored (every stationary point declared a minimum)"),
)

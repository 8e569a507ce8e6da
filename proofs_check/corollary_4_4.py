"""Corollary 4.4: second-order decrease at non-minimum stationary points (|J| = 1).

At every generated |J| = 1 stationary point that is not a local minimum
(decided independently: stationary with an escape neuron, Theorem 4.2), the
Appendix F.2 path gives ``ℓ = Δ/‖Δ‖`` and the exact loss polynomial
``L(P + δℓ) − L(P) = Σ_{n≥2} c_n (δ/‖Δ‖)ⁿ`` with ``c₁ = 0``; hence
``(L(P + δℓ) − L(P))/δ² → C = c₂/‖Δ‖² < 0`` — the corollary's constant, exact.
exactland's descent witness is re-derived the same way: its coefficients must
be the exact polynomial along its direction and its ``C_unit`` must be ``< 0``.
"""
from __future__ import annotations

from fractions import Fraction
from typing import Any

from .analysis2d import analyse_2d
from .common import certify, f2_path
from .examples import explicit_stationary
from .gen import stationary_family
from .net import Net
from .raypoly import ray_poly
from .registry import Check, Method, Outcome, fails, holds, search

__all__ = ["CHECKS"]


def _prop(h_sign: int) -> Any:
    def prop(net: Net, stats: dict) -> str | None:
        if net.J != 1:
            return None
        a = analyse_2d(net)
        if not a.stationary or not a.escape:
            return None
        stats["non-minimum stationary points"] = stats.get("non-minimum stationary points", 0) + 1
        i = a.escape[0]
        _, v, phi = a.witness[i]
        path = f2_path(net, i, v, phi, h_sign=h_sign)
        c = path.rp.coeffs
        C = c[2] / path.norm_sq
        if c[1] != 0 or not C < 0:
            return f"along the F.2 direction c1 = {c[1]}, C = c2/|D|^2 = {C} (not < 0) at {net}"
        if h_sign != -1:
            return None
        cert = certify(net)
        d = cert.descent
        if d is None or cert.verdict.value != "saddle":
            return f"exactland gives no saddle descent at {net}"
        dW = [[Fraction(0)] * net.d for _ in range(net.I)]
        dH = [[Fraction(0)] * net.I for _ in range(net.J)]
        dW[d.neuron] = [Fraction(str(x)) for x in d.dw]
        for j in range(net.J):
            dH[j][d.neuron] = Fraction(str(d.dh[j]))
        rp = ray_poly(net, dW, dH)
        if tuple(Fraction(str(x)) for x in d.coefficients) != rp.coeffs:
            return f"exactland's descent coefficients {d.coefficients} != exact {rp.coeffs} at {net}"
        cu = Fraction(str(d.corollary_4_4()[2]))
        if rp.coeffs[1] != 0 or cu != rp.coeffs[2] / (sum(x * x for r in dW for x in r) + sum(x * x for r in dH for x in r)) or not cu < 0:
            return f"exactland's Corollary 4.4 constant {cu} is wrong at {net}"
        return None
    return prop


def run(n: int) -> Outcome:
    res = search(stationary_family(J_values=(1,)), _prop(-1), n,
                 explicit=explicit_stationary(J1_only=True))
    if res.counterexample is not None:
        return fails("Corollary 4.4 contradicted", res.message, instances=res.count)
    k = res.stats.get("non-minimum stationary points", 0)
    if not k:
        return fails("vacuous: no non-minimum stationary point generated", instances=res.count)
    return holds(f"at {k} non-minimum stationary points the F.2 direction gives "
                 "L(P + d l) - L(P) = C d^2 + O(d^3) with C = c2/|D|^2 < 0 exactly; exactland's "
                 "witness and constant re-derived", instances=res.count)


def broken(n: int) -> Outcome:
    res = search(stationary_family(J_values=(1,)), _prop(+1), n, shrink=False,
                 explicit=explicit_stationary(J1_only=True))
    if res.counterexample is not None:
        return fails("with the sign of dh flipped the constant is positive", res.message,
                     instances=res.count)
    return holds("broken variant not detected", instances=res.count)


CHECKS = (
    Check("4.4", "Corollary 4.4: second-order decrease C d^2, C < 0 (|J| = 1)", Method.INSTANCES,
          run, broken, "dh = +sgn(phi) a instead of -sgn(phi) a"),
)

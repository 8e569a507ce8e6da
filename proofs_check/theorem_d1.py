"""Theorem D.1 (and Remark D.2): no local maximum where some ``ρ(w_i·x_k) ≠ 0``.

On generated arbitrary points (any ``α±``, kinks, zero neurons, |J| ≤ 2) with
some ``ρ(w_i·x_k) ≠ 0``: along ``±e_{h_ji}`` the exact loss polynomial must
have ``c₁ = ∂L/∂h_ji = Σ_k e_kj ρ(w_i·x_k)`` and ``c₂ = ½ ∂²L/∂h_ji² =
½ Σ_k ρ(w_i·x_k)²`` (the proof's two printed formulas), and a point of strictly
larger loss is exhibited exactly (sign of ``c₁``, or ``c₂ > 0`` when ``c₁ = 0``).
Remark D.2's consequence — a local maximum has ``ŷ_k = 0`` for all k — is the
contrapositive (``ŷ_k ≠ 0`` needs some ``ρ ≠ 0``), checked on the same points.
"""
from __future__ import annotations

from fractions import Fraction
from typing import Any

from . import sampling as st
from .examples import explicit_stationary
from .gen import random_nets, stationary_family
from .net import Net, fmt, unit_h
from .raypoly import ray_poly, strict_move
from .registry import Check, Method, Outcome, fails, holds, search

__all__ = ["CHECKS"]


def _prop(second_sign: int) -> Any:
    def prop(net: Net, stats: dict) -> str | None:
        active = [(i, k) for i in range(net.I) for k in range(net.K) if net.A[i][k] != 0]
        if any(o != 0 for row in net.out for o in row) and not active:
            return f"some output is nonzero but every rho(w.x) = 0 at {net}"
        if not active:
            return None
        stats["points with some rho != 0"] = stats.get("points with some rho != 0", 0) + 1
        i = active[0][0]
        for j in range(net.J):
            d1 = sum((net.E[k][j] * net.A[i][k] for k in range(net.K)), Fraction(0))
            d2 = second_sign * sum((net.A[i][k] ** 2 for k in range(net.K)), Fraction(0))
            rp = ray_poly(net, *unit_h(net, j, i))
            if rp.coeffs[1] != d1 or rp.coeffs[2] != d2 / 2:
                return (f"neuron {i}, output {j}: exact (c1, c2) = {fmt(rp.coeffs[1:3])}, printed "
                        f"dL/dh = {d1}, d2L/dh2 / 2 = {d2 / 2} at {net}")
            if d1 < 0:
                rp = ray_poly(net, *unit_h(net, j, i, -1))
            if strict_move(net, rp, +1) is None:
                return f"no strict ascent along h[{j}][{i}] at {net}"
            if d1 == 0:
                stats["ascent by the second derivative"] = stats.get("ascent by the second derivative", 0) + 1
        return None
    return prop


def _points() -> Any:
    """Arbitrary points and stationary ones (where c1 = 0 and c2 decides)."""
    return st.one_of(random_nets(), stationary_family())


def run(n: int) -> Outcome:
    res = search(_points(), _prop(+1), n, explicit=explicit_stationary())
    if res.counterexample is not None:
        return fails("Theorem D.1 contradicted", res.message, instances=res.count)
    s = res.stats
    if not s.get("points with some rho != 0") or not s.get("ascent by the second derivative"):
        return fails("vacuous", instances=res.count)
    return holds("wherever some rho(w_i.x_k) != 0 a strict ascent along h_ji exists (printed "
                 "first and second derivatives exact)", ["; ".join(f"{k}: {v}" for k, v in sorted(s.items()))],
                 instances=res.count)


def broken(n: int) -> Outcome:
    res = search(_points(), _prop(-1), n, shrink=False, explicit=explicit_stationary())
    if res.counterexample is not None:
        return fails("the second derivative with a flipped sign disagrees", res.message,
                     instances=res.count)
    return holds("broken variant not detected", instances=res.count)


CHECKS = (
    Check("D.1", "Theorem D.1 / Remark D.2: rarity of local maxima", Method.INSTANCES, run, broken,
          "d2L/dh2 = -sum rho^2 (sign flipped)"),
)

"""Curved witness paths ``P + tΔ₁ + t²Δ₂`` re-derived from the problem alone (docs/type2.md §6).

The checker's own plain :class:`~fractions.Fraction` forward pass evaluates the loss at points of the
curve; the validity bound is recomputed as

    min(1, min_{k∉K⁰(i)} |z_ik| / (|a_ik| + |c_ik|), min_{k∈K⁰(i), a_ik c_ik ≠ 0} |a_ik| / |c_ik|),

``a_ik = Δ₁w_i·x_k``, ``c_ik = Δ₂w_i·x_k``: below it no sample outside a kink set changes side and a
kink sample keeps the side of ``a_ik`` (of ``c_ik`` when ``a_ik = 0``), so the loss is one polynomial
of degree ≤ 8 there and nine exact evaluations determine it.
"""
from __future__ import annotations

from fractions import Fraction
from typing import Any

from exactland.checker.arith import fmt, interpolate

__all__ = ["curved_reasons"]


def _rows(m: Any) -> list[list[Fraction]]:
    rows = m.fractions() if hasattr(m, "fractions") else m
    return [[Fraction(x) for x in r] for r in rows]


def _vec(v: Any, n: int) -> list[Fraction]:
    return [Fraction(0)] * n if v is None else [Fraction(x) for x in v]


class _Curve:
    """The problem and the two directions, as Fractions."""

    def __init__(self, prob: dict, path: dict) -> None:
        self.X, self.Y = _rows(prob["X"]), _rows(prob["Y"])
        self.W, self.H = _rows(prob["W"]), _rows(prob["H"])
        self.ap, self.am = Fraction(prob["alpha_plus"]), Fraction(prob["alpha_minus"])
        J = len(self.H)
        self.b = None if prob.get("b") is None else _vec(prob["b"], J)
        d1, d2 = path["direction"], path["direction2"]
        self.d1 = (_rows(d1["W"]), _rows(d1["H"]), _vec(d1.get("b"), J))
        self.d2 = (_rows(d2["W"]), _rows(d2["H"]), _vec(d2.get("b"), J))

    def bound(self) -> Fraction:
        out = Fraction(1)
        for w, u1, u2 in zip(self.W, self.d1[0], self.d2[0]):
            for x in self.X:
                z = sum((p * q for p, q in zip(w, x)), Fraction(0))
                a = sum((p * q for p, q in zip(u1, x)), Fraction(0))
                c = sum((p * q for p, q in zip(u2, x)), Fraction(0))
                if z != 0 and (a != 0 or c != 0):
                    out = min(out, abs(z) / (abs(a) + abs(c)))
                elif z == 0 and a != 0 and c != 0:
                    out = min(out, abs(a) / abs(c))
        return out

    def loss(self, t: Fraction) -> Fraction:
        """L(P + tΔ₁ + t²Δ₂), a plain forward pass."""
        def mv(m: list, m1: list, m2: list) -> list:
            return [[p + t * q + t * t * r for p, q, r in zip(a, b, c)] for a, b, c in zip(m, m1, m2)]
        W, H = mv(self.W, self.d1[0], self.d2[0]), mv(self.H, self.d1[1], self.d2[1])
        b = None if self.b is None else mv([self.b], [self.d1[2]], [self.d2[2]])[0]
        total = Fraction(0)
        for x, y in zip(self.X, self.Y):
            act = []
            for w in W:
                z = sum((p * q for p, q in zip(w, x)), Fraction(0))
                act.append(self.ap * z if z >= 0 else self.am * z)
            for j, yj in enumerate(y):
                e = sum((H[j][i] * act[i] for i in range(len(W))), Fraction(0)) - yj + (b[j] if b else 0)
                total += e * e
        return total / 2


def curved_reasons(prob: dict, path: dict, w: str, L: Any, algebraic: bool) -> tuple[list | None, list[str]]:
    """Re-derive a curved descent PATH: ``(coefficients or None, reasons)``."""
    if algebraic:
        return None, [f"{w}.direction2: curved paths are checked for rational problems only"]
    cv, reasons = _Curve(prob, path), []
    bound, tmax = cv.bound(), path["t_max"]
    if tmax is None or not (0 < tmax <= bound):
        return None, [f"{w}.t_max: certificate says {fmt(tmax)}, but along the curve the sides are known "
                      f"to be fixed only for t < {fmt(bound)}"]
    tmax = Fraction(tmax)
    ts = [tmax * m / 10 for m in range(1, 10)]
    coeffs = interpolate(ts, [cv.loss(t) for t in ts], lambda a, b: Fraction(a) / Fraction(b))
    coeffs = [Fraction(c) for c in coeffs]
    if len(path["coefficients"]) != 9 or [Fraction(c) for c in path["coefficients"]] != coeffs:
        reasons.append(f"{w}.coefficients: certificate says {fmt(path['coefficients'])}, recomputed {fmt(coeffs)}")
    if coeffs[0] != L:
        reasons.append(f"{w}.coefficients[0]: {fmt(coeffs[0])} is not the loss {fmt(L)}")
    order = next((n for n in range(1, 9) if coeffs[n] != 0), None)
    if path["order"] != order:
        reasons.append(f"{w}.order: certificate says {path['order']}, recomputed {order}")
    if order is None or coeffs[order] >= 0:
        reasons.append(f"{w}: the first nonzero coefficient after c0 is not negative")
    t = path["t"]
    if not (0 < t < tmax):
        reasons.append(f"{w}.t: certificate says {fmt(t)}, not in (0, t_max = {fmt(tmax)})")
    else:
        Lt = cv.loss(Fraction(t))
        if Fraction(path["loss"]) != Lt:
            reasons.append(f"{w}.loss: certificate says {fmt(path['loss'])}, recomputed {fmt(Lt)}")
        if not Lt < L:
            reasons.append(f"{w}.loss: L(P + tΔ₁ + t²Δ₂) = {fmt(Lt)} is not strictly below L(P) = {fmt(L)}")
    if path["corollary_4_4"] is not None:
        reasons.append(f"{w}.corollary_4_4: must be null for a curved path")
    return coeffs, reasons

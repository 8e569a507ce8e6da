"""The exact loss polynomial along a ray ``P + tΔ`` near ``t = 0⁺``.

Along a ray every pre-activation is affine in ``t``; while no sample outside a
neuron's kink set changes side (``0 ≤ t < t_max``) every activation is
``slope · (z + t Δz)`` with a fixed slope, so every output is a quadratic and
the loss a quartic polynomial in ``t``. :func:`ray_poly` computes it in closed
form *and* by exact interpolation of five direct loss evaluations inside
``(0, t_max)``; the two must agree, which makes the polynomial (and hence
every one-sided derivative read from it: its linear coefficient, no finite
differences) exact.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Sequence

from .net import InternalError, Mat, Net, dot, mat, sign

__all__ = ["RayPoly", "ray_poly", "poly_eval", "moved", "strict_move"]


def poly_eval(c: Sequence[Fraction], t: Fraction) -> Fraction:
    """``Σ c_n tⁿ`` (Horner)."""
    acc = Fraction(0)
    for x in reversed(c):
        acc = acc * t + x
    return acc


def _interpolate(ts: Sequence[Fraction], vals: Sequence[Fraction]) -> list[Fraction]:
    """Coefficients of the degree < n polynomial through ``(t, v)`` (exact Lagrange)."""
    n = len(ts)
    coeffs = [Fraction(0)] * n
    for a, (ta, va) in enumerate(zip(ts, vals)):
        basis = [Fraction(1)]
        den = Fraction(1)
        for b, tb in enumerate(ts):
            if b == a:
                continue
            basis = [Fraction(0)] + basis
            for m in range(len(basis) - 1):
                basis[m] -= tb * basis[m + 1]
            den *= ta - tb
        for m in range(n):
            coeffs[m] += va * basis[m] / den
    return coeffs


@dataclass(frozen=True)
class RayPoly:
    """``L(P + tΔ) = Σ c_n tⁿ`` for ``0 ≤ t < t_max`` (``t_max`` None: every t ≥ 0)."""

    coeffs: tuple[Fraction, ...]
    t_max: Fraction | None
    dW: Mat = field(repr=False)
    dH: Mat = field(repr=False)

    @property
    def order(self) -> int | None:
        """First ``n ≥ 1`` with ``c_n != 0`` (None: constant along the ray)."""
        return next((n for n in range(1, 5) if self.coeffs[n] != 0), None)

    @property
    def leading(self) -> Fraction:
        o = self.order
        return Fraction(0) if o is None else self.coeffs[o]

    def sample_t(self) -> Fraction:
        return self.t_max / 2 if self.t_max is not None else Fraction(1)


def ray_poly(net: Net, dW: Sequence[Sequence[Any]], dH: Sequence[Sequence[Any]]) -> RayPoly:
    """The exact loss polynomial along ``P + tΔ`` near ``t = 0⁺``.

    Computed twice — in closed form from the fixed sides, and by interpolating
    five direct evaluations of the loss (eq. 2) inside ``(0, t_max)`` — and the
    two must agree (:class:`InternalError` otherwise).
    """
    dWm, dHm = mat(dW), mat(dH)
    t_max: Fraction | None = None
    a = [[Fraction(0)] * net.K for _ in range(net.I)]
    b = [[Fraction(0)] * net.K for _ in range(net.I)]
    for i in range(net.I):
        for k in range(net.K):
            z = net.Z[i][k]
            dz = dot(dWm[i], net.X[k])
            s = sign(z) if z != 0 else sign(dz)
            sl = net.slope(s)
            a[i][k], b[i][k] = sl * z, sl * dz
            if z != 0 and sign(dz) == -sign(z):
                flip = abs(z) / abs(dz)
                t_max = flip if t_max is None or flip < t_max else t_max
    c = [Fraction(0)] * 5
    for k in range(net.K):
        for j in range(net.J):
            e0, e1, e2 = -net.Y[k][j], Fraction(0), Fraction(0)
            for i in range(net.I):
                h, dh = net.H[j][i], dHm[j][i]
                e0 += h * a[i][k]
                e1 += h * b[i][k] + dh * a[i][k]
                e2 += dh * b[i][k]
            c[0] += e0 * e0 / 2
            c[1] += e0 * e1
            c[2] += e1 * e1 / 2 + e0 * e2
            c[3] += e1 * e2
            c[4] += e2 * e2 / 2
    top = t_max if t_max is not None else Fraction(1)
    ts = [top * Fraction(n, 7) for n in range(1, 6)]
    vals = [moved(net, dWm, dHm, t).loss for t in ts]
    interp = _interpolate(ts, vals)
    if interp != c or c[0] != net.loss:
        raise InternalError("closed-form ray polynomial disagrees with direct loss evaluations")
    return RayPoly(tuple(c), t_max, dWm, dHm)


def moved(net: Net, dW: Mat, dH: Mat, t: Fraction) -> Net:
    """The point ``P + tΔ``."""
    W = [[w + t * x for w, x in zip(rw, rd)] for rw, rd in zip(net.W, dW)]
    H = [[h + t * x for h, x in zip(rh, rd)] for rh, rd in zip(net.H, dH)]
    return net.with_params(W, H)


def strict_move(net: Net, rp: RayPoly, want: int) -> tuple[Fraction, Fraction] | None:
    """A ``t ∈ (0, t_max)`` with ``sign(L(P + tΔ) − L(P)) = want``, checked by a
    direct loss evaluation; None if the first nonzero coefficient has the other
    sign (or none exists)."""
    if rp.order is None or sign(rp.leading) != want:
        return None
    t = rp.sample_t()
    for _ in range(400):
        val = moved(net, rp.dW, rp.dH, t).loss
        if sign(val - net.loss) == want:
            return t, val
        t /= 2
    raise InternalError("leading coefficient has the right sign but no witness point found")

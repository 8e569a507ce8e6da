"""Curved witness paths ``P(t) = P + tΔ₁ + t²Δ₂`` with their exact degree-8 polynomial (docs/type2.md §6).

Along the curve ``z_ik(t) = z_ik + t a_ik + t² c_ik`` with ``a_ik = Δ₁w_i·x_k`` and
``c_ik = Δ₂w_i·x_k``. For ``0 ≤ t < t_max`` with

    t_max = min(1, min_{k∉K⁰(i)} |z_ik| / (|a_ik| + |c_ik|), min_{k∈K⁰(i), a_ik c_ik ≠ 0} |a_ik| / |c_ik|)

no sample outside a kink set changes side (``t|a| + t²|c| ≤ t(|a| + |c|) < |z|`` for ``t ≤ 1``) and
a kink sample stays on the side ``sign(a_ik)`` (``sign(c_ik)`` when ``a_ik = 0``) for ``0 < t < t_max``.
Every activation is then the quadratic ``rho_ik + σ_ik(t a_ik + t² c_ik)`` (``σ_ik`` the slope on that
side), every output weight the quadratic ``h + tΔ₁h + t²Δ₂h``, each residual a polynomial of degree 4
and the loss one of degree 8: :func:`curved_polynomial` computes its nine coefficients exactly.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from exactland.core.joint_path import SeveralParameters
from exactland.core.network import Evaluation
from exactland.core.polynomial import witness_point
from exactland.errors import InternalError
from exactland.exact.linalg import dot
from exactland.exact.scalars import sign

__all__ = ["CurvedPath", "Step", "curved_path", "curved_polynomial"]

Vector = tuple[Any, ...]
Step = tuple[Sequence[Vector], Sequence[Vector], "Vector | None"]  # (ΔW, ΔH, Δb)


@dataclass(frozen=True)
class CurvedPath(SeveralParameters):
    """A curve ``P + tΔ₁ + t²Δ₂``, its exact loss polynomial (degree ≤ 8) and a witness point.

    ``neuron``, ``dh``, ``dw`` and ``full_direction`` describe ``Δ₁``
    (:class:`exactland.core.joint_path.SeveralParameters`).

    Attributes
    ----------
    kind : str
        ``"descent"``.
    dW, dH, db : Δ₁ (``db`` None without an output bias)
    dW2, dH2, db2 : Δ₂
    t_max : exact number
        The validity bound of the module docstring (≤ 1).
    coefficients : tuple of 9 exact numbers
    order : int
        Index of the first nonzero coefficient after ``c0``.
    t, loss : exact numbers
        ``0 < t < t_max`` and ``L(P(t)) < L(P)``.
    """

    kind: str
    dW: tuple[Vector, ...]
    dH: tuple[Vector, ...]
    db: Vector | None
    dW2: tuple[Vector, ...]
    dH2: tuple[Vector, ...]
    db2: Vector | None
    t_max: Any
    coefficients: tuple[Any, ...]
    order: int
    t: Any
    loss: Any

    def full_direction2(self, n_neurons: int, n_outputs: int) -> tuple[tuple[Vector, ...], tuple[Vector, ...]]:
        """``(Δ₂W, Δ₂H)``."""
        if len(self.dW2) != n_neurons or len(self.dH2) != n_outputs:
            raise InternalError("curved path of the wrong shape")
        return self.dW2, self.dH2

    def point(self, ev: Evaluation) -> tuple[tuple[Vector, ...], tuple[Vector, ...], Vector | None]:
        """The witness point ``P + tΔ₁ + t²Δ₂`` as ``(W, H, b)``."""
        p, t = ev.problem, self.t

        def move(base: Sequence[Vector], d1: Sequence[Vector], d2: Sequence[Vector]) -> tuple[Vector, ...]:
            return tuple(tuple(a + t * c + t * t * e for a, c, e in zip(r, r1, r2)) for r, r1, r2 in zip(base, d1, d2))

        W, H = move(p.W, self.dW, self.dW2), move(p.H, self.dH, self.dH2)
        if p.b is None:
            return W, H, None
        zero = (0,) * len(p.b)
        return W, H, move((p.b,), (self.db or zero,), (self.db2 or zero,))[0]


def _pmul(a: Sequence[Any], b: Sequence[Any], zero: Any) -> list[Any]:
    out = [zero] * (len(a) + len(b) - 1)
    for m, x in enumerate(a):
        if x != 0:
            for n, y in enumerate(b):
                out[m + n] = out[m + n] + x * y
    return out


def _side(ev: Evaluation, i: int, k: int, a: Any, c: Any) -> tuple[int, Any]:
    """The side of sample k for neuron i on (0, t_max), and the bound it imposes (None: none)."""
    s = int(ev.signs[i, k])
    if s != 0:
        if a == 0 and c == 0:
            return s, None
        return s, abs(ev.z(i, k)) / (abs(a) + abs(c))
    side = sign(a) if a != 0 else sign(c)
    return side, (abs(a) / abs(c) if a != 0 and c != 0 else None)


def curved_polynomial(ev: Evaluation, d1: Step, d2: Step) -> tuple[tuple[Any, ...], Any]:
    """The nine exact coefficients of ``L(P + tΔ₁ + t²Δ₂)`` on ``[0, t_max)``, and ``t_max``."""
    p = ev.problem
    K, J = p.n_samples, p.n_outputs
    zero = ev.loss - ev.loss
    t_max = zero + 1
    res = [[[ev.e(k, j), zero, zero, zero, zero] for j in range(J)] for k in range(K)]
    for j in range(J):
        b1 = zero if d1[2] is None else d1[2][j]
        b2 = zero if d2[2] is None else d2[2][j]
        for k in range(K):
            res[k][j][1] += b1
            res[k][j][2] += b2
    for i in range(p.n_neurons):
        w1, w2 = d1[0][i], d2[0][i]
        al1, al2 = [row[i] for row in d1[1]], [row[i] for row in d2[1]]
        if all(c == 0 for c in tuple(w1) + tuple(w2) + tuple(al1) + tuple(al2)):
            continue
        h = p.h_column(i)
        for k, x in enumerate(p.X):
            a, c = dot(w1, x), dot(w2, x)
            side, bound = _side(ev, i, k, a, c)
            if bound is not None and bound < t_max:
                t_max = bound
            sl = p.activation.slope(side)
            act = [ev.rho(i, k), sl * a, sl * c]
            for j in range(J):
                prod = _pmul(act, [h[j], al1[j], al2[j]], zero)
                r = res[k][j]
                for n in range(1, 5):
                    r[n] = r[n] + prod[n]
    coeffs = [zero] * 9
    for row in res:
        for r in row:
            for n, x in enumerate(_pmul(r, r, zero)):
                coeffs[n] = coeffs[n] + x / 2
    if coeffs[0] != ev.loss:
        raise InternalError("curved path polynomial does not start at the loss")
    return tuple(coeffs), t_max


def curved_path(ev: Evaluation, d1: Step, d2: Step) -> CurvedPath | None:
    """The curve ``P + tΔ₁ + t²Δ₂`` with its polynomial and a witness point, or None.

    None unless the first nonzero coefficient after ``c0`` is negative (a descent).
    """
    c, t_max = curved_polynomial(ev, d1, d2)
    found = witness_point(c, t_max / 2, -1, 4000)
    if found is None:
        return None
    order, t, val = found
    return CurvedPath("descent", _m(d1[0]), _m(d1[1]), _v(d1[2]), _m(d2[0]), _m(d2[1]), _v(d2[2]),
                      t_max, c, order, t, val)


def _m(rows: Sequence[Sequence[Any]]) -> tuple[Vector, ...]:
    return tuple(tuple(r) for r in rows)


def _v(vec: Sequence[Any] | None) -> Vector | None:
    return None if vec is None else tuple(vec)

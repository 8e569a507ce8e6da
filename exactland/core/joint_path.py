"""Witness paths that move several neurons (and the output bias) at once.

The joint second-order test (docs/mathematics.md, multi-output escape points)
finds directions ``Δ = (ΔW, ΔH, Δb)`` that move every neuron. Along
``P + tΔ``, while no sample outside a kink set changes side (``t < t_max``),
``rho((w_i + tΔw_i)·x_k) = rho_ik + t a_ik(Δw_i)`` with
``a_ik(u) = rho'_ik (u·x_k)`` off the kink set and ``rho(u·x_k)`` on it, so
each residual is ``e_kj + t p_kj + t² q_kj`` with

    p_kj = Δb_j + Σ_i (Δh_ji rho_ik + h_ji a_ik(Δw_i)),     q_kj = Σ_i Δh_ji a_ik(Δw_i),

and the loss is the degree-4 polynomial of :func:`exactland.core.polynomial.loss_polynomial`.
:class:`JointPath` has the interface of :class:`exactland.core.paths.PathWitness`
(``neuron`` is None), so a certificate serialises it the same way; the checker
re-derives its coefficients by interpolating exact loss evaluations.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from exactland.core.network import Evaluation
from exactland.core.polynomial import loss_polynomial, witness_point
from exactland.errors import InternalError
from exactland.exact.linalg import dot
from exactland.exact.scalars import sign

__all__ = ["JointPath", "SeveralParameters", "increments", "joint_path"]

Vector = tuple[Any, ...]


class SeveralParameters:
    """What a witness path moving several neurons (and the bias) shares.

    Used by :class:`JointPath` and :class:`exactland.core.curved.CurvedPath`, whose
    (first) direction is held as ``dW``, ``dH`` and ``db``; it gives them the
    interface of :class:`exactland.core.paths.PathWitness` for serialising.
    """

    @property
    def neuron(self) -> None:
        """Several neurons move: no single neuron (serialised as null)."""
        return None

    @property
    def dh(self) -> Vector:
        """All output-weight components (and the bias's), flattened."""
        return tuple(x for row in self.dH for x in row) + tuple(self.db or ())  # type: ignore[attr-defined]

    @property
    def dw(self) -> Vector:
        """All input-weight components, flattened."""
        return tuple(x for row in self.dW for x in row)  # type: ignore[attr-defined]

    def full_direction(self, n_neurons: int, n_outputs: int) -> tuple[tuple[Vector, ...], tuple[Vector, ...]]:
        """``(ΔW, ΔH)``."""
        dW, dH = self.dW, self.dH  # type: ignore[attr-defined]
        if len(dW) != n_neurons or len(dH) != n_outputs:
            raise InternalError(f"{type(self).__name__} of the wrong shape")
        return dW, dH


@dataclass(frozen=True)
class JointPath(SeveralParameters):
    """A ray ``P + tΔ`` moving any parameters, its exact loss polynomial and a witness point.

    Attributes
    ----------
    kind : str
        ``"descent"`` or ``"ascent"``.
    dW : tuple of vectors
        ``ΔW`` (|I|×d).
    dH : tuple of vectors
        ``ΔH`` (|J|×|I|).
    db : vector or None
        ``Δb`` (None when the problem has no output bias).
    t_max, coefficients, order, t, loss
        As in :class:`exactland.core.paths.PathWitness`.
    """

    kind: str
    dW: tuple[Vector, ...]
    dH: tuple[Vector, ...]
    db: Vector | None
    t_max: Any
    coefficients: tuple[Any, ...]
    order: int
    t: Any
    loss: Any

    def norm_sq(self) -> Any:
        """``‖Δ‖²`` over every parameter (bias included)."""
        return dot(self.dh, self.dh) + dot(self.dw, self.dw)

    def corollary_4_4(self) -> tuple[Any, Any, Any]:
        """``(C, ‖Δ‖², C/‖Δ‖²)`` with ``C = c2``."""
        c2, n = self.coefficients[2], self.norm_sq()
        return c2, n, c2 / n

    def point(self, ev: Evaluation) -> tuple[tuple[Vector, ...], tuple[Vector, ...], Vector | None]:
        """The witness point ``P + tΔ`` as ``(W, H, b)``."""
        p, t = ev.problem, self.t
        W = tuple(tuple(a + t * c for a, c in zip(w, dw)) for w, dw in zip(p.W, self.dW))
        H = tuple(tuple(a + t * c for a, c in zip(h, dh)) for h, dh in zip(p.H, self.dH))
        b = None if p.b is None else tuple(a + t * c for a, c in zip(p.b, self.db or (0,) * len(p.b)))
        return W, H, b


def increments(ev: Evaluation, i: int, u: Sequence[Any]) -> tuple[list[Any], Any]:
    """``a_ik(u)`` for every sample, and the first t at which ``w_i + tu`` moves a non-kink sample across.

    Returns
    -------
    a : list
        ``rho'_ik (u·x_k)`` off the kink set, ``rho(u·x_k)`` on it.
    t_max : exact number or None
    """
    act = ev.problem.activation
    out: list[Any] = []
    t_max: Any = None
    for k, x in enumerate(ev.problem.X):
        s = int(ev.signs[i, k])
        dz = dot(u, x)
        if s == 0:
            out.append(act(dz))
            continue
        out.append(act.slope(s) * dz)
        if sign(dz) == -s:
            flip = abs(ev.z(i, k)) / abs(dz)
            t_max = flip if t_max is None or flip < t_max else t_max
    return out, t_max


def joint_path(ev: Evaluation, dW: Sequence[Vector], dH: Sequence[Vector], db: Vector | None,
               kind: str) -> JointPath | None:
    """The path ``P + tΔ`` with its exact polynomial and a witness point, or None.

    None when the first nonzero coefficient after ``c0`` has the wrong sign
    for ``kind`` (or all vanish).
    """
    p = ev.problem
    K, J = p.n_samples, p.n_outputs
    zero = ev.loss - ev.loss
    P = [[zero if db is None else db[j] for j in range(J)] for _ in range(K)]
    Q = [[zero] * J for _ in range(K)]
    t_max: Any = None
    for i in range(p.n_neurons):
        dwi, dhi = dW[i], tuple(row[i] for row in dH)
        if all(c == 0 for c in dwi) and all(c == 0 for c in dhi):
            continue
        a, tm = increments(ev, i, dwi)
        if tm is not None:
            t_max = tm if t_max is None or tm < t_max else t_max
        h = p.h_column(i)
        for k in range(K):
            r, ak = ev.rho(i, k), a[k]
            for j in range(J):
                P[k][j] = P[k][j] + dhi[j] * r + h[j] * ak
                Q[k][j] = Q[k][j] + dhi[j] * ak
    c = loss_polynomial((ev.e(k, j), P[k][j], Q[k][j]) for k in range(K) for j in range(J))
    if c[0] != ev.loss:
        raise InternalError("joint path polynomial does not start at the loss")
    found = witness_point(c, t_max / 2 if t_max is not None else zero + 1, -1 if kind == "descent" else 1, 4000)
    if found is None:
        return None
    order, t, val = found
    return JointPath(kind, tuple(tuple(r) for r in dW), tuple(tuple(r) for r in dH),
                     None if db is None else tuple(db), t_max, c, order, t, val)

"""Type-2 local minima by variable projection, single moving column (docs/type2.md).

At a point where ``(H, b)`` is optimal for ``W`` (``Eᵀρ_i = 0`` for every neuron
and ``Σ_k e_k = 0`` with a bias) the loss equals
``L*(W) = min_{H', b'} L(W, H', b') = ½‖(I − Π_{A(W)})Y‖²`` with
``A(W) = [ρ(Xw_1) … ρ(Xw_I) (1)]``, and ``L(W', H', b') ≥ L*(W')`` for every
``H', b'``. So ``L*(W') ≥ L*(W)`` for ``‖W' − W‖∞ < r`` proves a local minimum
with radius ``r`` in ``W`` and none in ``(H, b)``.

Covered case: exactly one *moving* neuron ``i``; every other neuron is
*frozen* (no kink sample, and the slope on the side of every sample is 0: its
column stays 0 while no sample changes side, i.e. for ``‖δW‖∞ < ρ_w``). With
``F`` the span of the bias column (or ``{0}``), ``P = I − Π_F``, ``ã = Pa`` and
``Ỹ = PY``, ``L*(W') = ½‖Ỹ‖² − ½‖Ỹᵀã'‖²/‖ã'‖²`` (``ã' ≠ 0``), so the condition
is the Rayleigh-quotient inequality

    f(u) := a'ᵀ S a' ≤ 0,   S = P(‖ã‖² ỸỸᵀ − ‖Ỹᵀã‖² I)P,   a' = a + a_i(u).

On a closed cell of neuron i's kink arrangement ``a_i`` is linear; on a
simplicial cone ``{Σ μ_b b + Σ λ_l l : μ ≥ 0}`` (``b`` a basis of rays of one
cell, ``l`` a basis of the lineality space) ``f`` is
``Σ ℓ_g c_g + cᵀ𝒬c`` (``aᵀSa = 0``) in the coordinates ``c = G⁻¹u``. The
certificate needs ``ℓ = 0`` on lineality generators, ``ℓ ≤ 0`` on rays, the
block ``𝒬_νν`` of the lineality and flat (``ℓ = 0``) generators negative
semidefinite, and then ``r ≤ −ℓ_s / (β K_s)`` for every steep ray ``s``
(``β`` the ∞-norm of ``G⁻¹``, ``K_s = 2Σ_{ν}|𝒬_νs| + Σ_{s'} max(𝒬_s's, 0)``).
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Any, Sequence

from exactland.core.joint_path import increments
from exactland.core.network import Evaluation
from exactland.core.tangent import Budget, arrangement, extreme_rays
from exactland.errors import BudgetExceeded, InternalError
from exactland.exact.copositive import eliminate_free
from exactland.exact.linalg import dot, rref
from exactland.exact.scalars import sign

__all__ = ["Type2Result", "type2_single_column"]

Vector = tuple[Any, ...]


@dataclass(frozen=True)
class Type2Result:
    """A type-2 certificate's data, or why none was found.

    Attributes
    ----------
    radius : exact number or None
        ``L(W', H', b') ≥ L(P)`` for every ``‖W' − W‖∞ < radius`` and every
        ``H', b'``; None when the sufficient condition does not apply.
    neuron : int or None
        The moving neuron.
    cones : int
        Simplicial cones examined.
    reason : str
        What failed (empty on success).
    """

    radius: Any
    neuron: int | None
    cones: int
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The certificate field ``type2`` (docs/certificate-schema.md)."""
        return {"method": "single-column-projection", "neuron": self.neuron}


def frozen_neurons(ev: Evaluation) -> list[bool]:
    """Neurons with no kink sample and slope 0 on the side of every sample."""
    act = ev.problem.activation
    out = []
    for i in range(ev.problem.n_neurons):
        s = ev.signs[i].tolist()
        out.append(all(x != 0 and act.slope(x) == 0 for x in s))
    return out


class _Rayleigh:
    """``S(x, y) = (Px)ᵀ(‖ã‖² ỸỸᵀ − ‖Ỹᵀã‖² I)(Py)`` for one moving column ``a``."""

    def __init__(self, Y: Sequence[Vector], a: Vector, bias: bool, zero: Any) -> None:
        self.bias, self.zero = bias, zero
        self.Yt = [tuple(Y[k][j] for k in range(len(Y))) for j in range(len(Y[0]))]
        if bias:
            self.Yt = [self.P(col) for col in self.Yt]
        at = self.P(a)
        self.n0 = dot(at, at)
        self.m0 = sum((dot(col, at) ** 2 for col in self.Yt), zero)

    def P(self, v: Vector) -> Vector:
        if not self.bias:
            return tuple(v)
        m = sum(v, self.zero) / len(v)
        return tuple(x - m for x in v)

    def __call__(self, x: Vector, y: Vector) -> Any:
        px, py = self.P(x), self.P(y)
        return self.n0 * sum((dot(c, px) * dot(c, py) for c in self.Yt), self.zero) - self.m0 * dot(px, py)


def _bases(rays: list[Vector], r: int, budget: Budget) -> list[tuple[Vector, ...]]:
    """Every linearly independent r-subset of rays whose sign vectors never conflict
    (its cone lies in one closed cell)."""
    out = []
    for sub in combinations(range(len(rays)), r):
        budget.spend()
        vs = [rays[a] for a in sub]
        if len(rref([list(v) for v in vs], len(vs[0]))[1]) == r:
            out.append(tuple(vs))
    return out


def _cone_radius(S: _Rayleigh, a: Vector, cols: list[Vector], n_lin: int, Ginv: list[list[Any]],
                 zero: Any) -> tuple[Any, str]:
    """The radius one simplicial cone allows (None: the condition fails there)."""
    ell = [2 * S(a, c) for c in cols]
    if any(x != 0 for x in ell[:n_lin]) or any(sign(x) > 0 for x in ell[n_lin:]):
        return None, "first-order term of L* not ≤ 0 on a cone (L* decreases along a ray)"
    Q = [[S(x, y) for y in cols] for x in cols]
    nu = [g for g in range(len(cols)) if ell[g] == 0]
    steep = [g for g in range(len(cols)) if ell[g] != 0]
    negQ = [[-Q[x][y] for y in nu] for x in nu]
    _, rest, _, wit = eliminate_free(negQ, list(range(len(nu))), zero, zero + 1)
    if wit is not None:
        return None, "the second-order block of L* on flat directions is not negative semidefinite"
    beta = max(sum((abs(c) for c in row), zero) for row in Ginv)
    best: Any = None
    for s in steep:
        K = 2 * sum((abs(Q[v][s]) for v in nu), zero) + sum((max(Q[t][s], zero) for t in steep), zero)
        if K > 0:
            r = -ell[s] / (beta * K)
            best = r if best is None or r < best else best
    return ("inf" if best is None else best), ""


def type2_single_column(ev: Evaluation, rho_w: Any, budget: Budget) -> Type2Result:
    """Try the single-moving-column type-2 certificate (module notes, docs/type2.md).

    Parameters
    ----------
    ev : Evaluation
        A point with ``(H, b)`` optimal for ``W`` (checked here).
    rho_w : exact number or "inf"
        No sample outside a kink set changes side for ``‖δW‖∞ < rho_w``.
    budget : Budget
    """
    p = ev.problem
    zero = ev.loss - ev.loss
    frozen = frozen_neurons(ev)
    moving = [i for i, f in enumerate(frozen) if not f]
    if len(moving) != 1:
        return Type2Result(None, None, 0, f"{len(moving)} neurons move (the certificate needs exactly one)")
    i = moving[0]
    K, J = p.n_samples, p.n_outputs
    if any(ev.dL_dh(j, i) != 0 for j in range(J)) or (
            p.b is not None and any(sum((ev.e(k, j) for k in range(K)), zero) != 0 for j in range(J))):
        return Type2Result(None, i, 0, "(H, b) is not optimal for W")
    a = tuple(ev.rho(i, k) for k in range(K))
    S = _Rayleigh(p.Y, a, p.b is not None, zero)
    if S.n0 == 0:
        return Type2Result(None, i, 0, "the moving column is constant (zero after removing the bias)")
    arr, _ = arrangement([p.X[k] for k in ev.kink_set(i)], p.dim, zero + 1)
    lin = list(arr.lineality)
    try:
        rays = [_unit(v) for v in extreme_rays(arr, budget)] if arr.rank else []
        bases = _bases(rays, arr.rank, budget) if arr.rank else [()]
    except BudgetExceeded:
        return Type2Result(None, i, 0, "budget exhausted enumerating the cones of the moving neuron")
    radius: Any = rho_w
    cones = 0
    for B in bases:
        signs = [tuple(sign(dot(n, v)) for n in arr.lines) for v in B]
        if any(x * y < 0 for s, t in combinations(signs, 2) for x, y in zip(s, t)):
            continue
        gens = lin + list(B)
        Ginv = _inverse(gens, p.dim, zero)
        cols = [tuple(increments(ev, i, g)[0]) for g in gens]
        cones += 1
        r, why = _cone_radius(S, a, cols, len(lin), Ginv, zero)
        if r is None:
            return Type2Result(None, i, cones, why)
        if r != "inf" and (radius == "inf" or r < radius):
            radius = r
    return Type2Result(radius, i, cones)


def _unit(v: Vector) -> Vector:
    """``v`` scaled to ∞-norm 1 (the canonical generator of its ray, docs/type2.md)."""
    m = max(abs(c) for c in v)
    return tuple(c / m for c in v)


def _inverse(gens: list[Vector], d: int, zero: Any) -> list[list[Any]]:
    """Rows of ``G⁻¹`` for the d×d matrix with columns ``gens``."""
    one = zero + 1
    rows = [[g[r] for g in gens] + [one if c == r else zero for c in range(d)] for r in range(d)]
    R, piv = rref(rows, 2 * d)
    if piv[:d] != list(range(d)):
        raise InternalError("cone generators do not form a basis")
    return [row[d:] for row in R]


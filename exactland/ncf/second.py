"""Kinds of the multi-output KKT points: an exact second-order test on the sphere.

For |J| > 1 the constrained problem is ``max ‖N(u)‖`` on the unit sphere
(DESIGN.md §13; Kumar & Haupt, arXiv:2402.09226). Let u be a KKT candidate in
the relative interior of a face (flat ``V = span(x_Z)^⊥``, strict signs S off
Z), ``n = N(u) = M_S u``, ``μ = ‖n‖²``. A tangent step ``δ ⊥ u`` splits as
``δ = w + τ`` with ``w ∈ W = V ∩ u^⊥`` and ``τ ∈ span(x_Z)``, and for small δ
exactly

    ``N(u+δ) = n + L(δ)``,  ``L(δ) = M_S δ + Σ_{k∈Z} e_k ρ(x_k·δ)``,
    ``‖N(u+δ)‖²/‖u+δ‖² − μ = (2 n·L(δ) + ‖L(δ)‖² − μ‖δ‖²)/(1 + ‖δ‖²)``.

``L`` is linear on each cone of the transversal fan ``{x_k·τ = 0 : k ∈ Z}``
and ``n·M_S w = 0`` (the KKT condition), so the first-order term is
``ℓ(τ) = n·L(τ)``, decided on the fan's extreme rays. u is a strict
``local-max`` when ``ℓ ≤ 0`` on every ray and the quadratic term
``G(a, b) = L(a)·L(b) − μ a·b`` is negative definite on W and, for each ray
r with ``ℓ(r) = 0``, on ``span(r) + W`` (the cone ``{t r + w : t ≥ 0}`` is a
half-space, where a quadratic form is definite iff it is on the span);
``local-min`` symmetrically. A ray with ``ℓ(r) = 0`` in a fan of dimension
≥ 2 (only when ``dim span(x_Z) ≥ 2``, never for d = 2) would need a
copositivity test on a polyhedral cone and is reported as ``other``
(undecided), as is a semidefinite G. Definiteness is decided by an exact
LDLᵀ pivot test. Every sign is exact (Fraction or RealAlg arithmetic).
"""
from __future__ import annotations

from itertools import combinations
from typing import Any, Sequence

from exactland.exact.scalars import sign
from exactland.ncf.function import NCF, Vec, dot, project_out, span_basis

__all__ = ["transversal_rays", "negative_definite", "multi_kind"]


def transversal_rays(ncf: NCF, Z: tuple[int, ...], basis: list[Vec]) -> list[Vec]:
    """Extreme rays (both orientations) of ``{x_k·δ = 0 : k ∈ Z}`` inside ``span(x_Z)``."""
    r = len(basis)
    out: list[Vec] = []
    if r == 0:
        return out
    for T in combinations(Z, r - 1):
        bt = span_basis([ncf.X[k] for k in T])
        if len(bt) != r - 1:
            continue
        for b in basis:
            v = project_out(b, bt)
            if any(v):
                out.extend((v, tuple(-c for c in v)))
                break
    return out


def negative_definite(G: Sequence[Sequence[Any]]) -> bool | None:
    """True if the symmetric exact matrix G is negative definite, False if not, None if semidefinite.

    Exact LDLᵀ on ``−G``: every pivot must be positive. A zero pivot with a
    zero column left is semidefinite (None); a zero pivot with a nonzero
    column, or a negative pivot, means a direction where G is ≥ 0 and > 0
    nearby: False.

    Examples
    --------
    >>> from fractions import Fraction as F
    >>> negative_definite([[F(-2), F(1)], [F(1), F(-1)]]), negative_definite([[F(-1), F(2)], [F(2), F(-1)]])
    (True, False)
    >>> negative_definite([[F(-1), F(0)], [F(0), F(0)]]) is None
    True
    """
    S = [[-c for c in row] for row in G]
    n = len(S)
    semi = False
    for k in range(n):
        p = S[k][k]
        s = sign(p)
        if s < 0:
            return False
        if s == 0:
            if any(S[k][j] for j in range(k + 1, n)):
                return False
            semi = True
            continue
        for i in range(k + 1, n):
            f = S[i][k] / p
            for j in range(k + 1, n):
                S[i][j] = S[i][j] - f * S[k][j]
    return None if semi else True


def _gram(vectors: list[Vec], images: list[Vec], mu: Any) -> list[list[Any]]:
    """``G_ab = L(a)·L(b) − μ a·b``."""
    return [[dot(images[a], images[b]) - mu * dot(vectors[a], vectors[b]) for b in range(len(vectors))]
            for a in range(len(vectors))]


def _decide(G_of: Any, W: list[Vec], zero_rays: list[Vec], fan_dim: int, s: int) -> bool | None:
    """Whether ``s·G`` is negative definite where it must be (module docstring); None: undecided."""
    if zero_rays and fan_dim >= 2:
        return None
    spans = [[r] + W for r in zero_rays] or [W]
    verdict: bool | None = True
    for vecs in spans:
        if not vecs:
            continue
        nd = negative_definite([[s * c for c in row] for row in G_of(vecs)])
        if nd is False:
            return False
        if nd is None:
            verdict = None
    return verdict


def multi_kind(ncf: NCF, Z: tuple[int, ...], basis: list[Vec], signs: dict[int, int],
               q: Sequence[Any], mu: Any, V: list[Vec]) -> str:
    """``local-max``, ``local-min`` or ``other`` of ‖N‖ at ``u = q/‖q‖`` (module docstring).

    Parameters
    ----------
    ncf : NCF
    Z, basis : the face's zero samples and an orthogonal basis of ``span(x_Z)``.
    signs : dict
        Strict signs off Z.
    q : vector
        The (unnormalised) candidate, in V.
    mu : exact number
        ``‖N(u)‖²`` for the unit u.
    V : list of Vec
        An orthogonal basis of the flat V.
    """
    M = ncf.cell_vectors(signs)
    n = tuple(dot(g, q) for g in M)
    rays = transversal_rays(ncf, Z, basis)
    ells = [sign(dot(n, ncf.derivative(signs, Z, r))) for r in rays]
    W = span_basis([tuple(q)] + list(V))[1:]

    def G_of(vecs: list[Vec]) -> list[list[Any]]:
        return _gram(vecs, [ncf.derivative(signs, Z, v) for v in vecs], mu)

    zero = [r for r, e in zip(rays, ells) if e == 0]
    is_max = all(e <= 0 for e in ells) and _decide(G_of, W, zero, len(basis), 1) is True
    is_min = all(e >= 0 for e in ells) and _decide(G_of, W, zero, len(basis), -1) is True
    if is_max and not is_min:
        return "local-max"
    if is_min and not is_max:
        return "local-min"
    return "other"

"""Fast exact pieces of the snapping least squares (DESIGN §11: flint matrices, not Python loops).

:func:`normal_equations` forms ``G = MᵀM`` and ``r = Mᵀy`` with python-flint
``fmpq_mat`` products when every entry is rational (the usual case: rational
data), and :func:`rref_any` the reduced row echelon form with ``fmpq_mat.rref``;
both fall back to the generic exact loops for algebraic entries. The results
are the same exact numbers either way.
"""
from __future__ import annotations

from typing import Any, Sequence

from flint import fmpq, fmpq_mat, fmpz

from exactland.exact.linalg import dot, rref

__all__ = ["normal_equations", "rref_any", "nullspace_any", "sample_dots", "solve_nearest"]


def _rational(rows: Sequence[Sequence[Any]]) -> bool:
    return all(isinstance(c, (fmpq, fmpz, int)) and not isinstance(c, bool) for row in rows for c in row)


def normal_equations(M: Sequence[Sequence[Any]], y: Sequence[Any]) -> tuple[list[list[Any]], list[Any]]:
    """``(MᵀM, Mᵀy)`` exactly; ``M`` has K rows of n entries, ``y`` K entries.

    Examples
    --------
    >>> from flint import fmpq
    >>> G, r = normal_equations([[fmpq(1), fmpq(2)], [fmpq(0), fmpq(1)]], [fmpq(1), fmpq(3)])
    >>> G, r
    ([[1, 2], [2, 5]], [1, 5])
    """
    K = len(M)
    n = len(M[0]) if K else 0
    if K and n and _rational(M) and _rational([y]):
        A = fmpq_mat(K, n, [c for row in M for c in row])
        At = A.transpose()
        G = At * A
        r = At * fmpq_mat(K, 1, list(y))
        return [[G[a, b] for b in range(n)] for a in range(n)], [r[a, 0] for a in range(n)]
    G = [[sum((M[k][a] * M[k][b] for k in range(K)), fmpq(0)) for b in range(n)] for a in range(n)]
    r = [sum((M[k][a] * y[k] for k in range(K)), fmpq(0)) for a in range(n)]
    return G, r


def rref_any(rows: Sequence[Sequence[Any]], ncols: int) -> tuple[list[list[Any]], list[int]]:
    """:func:`exactland.exact.linalg.rref`, by ``fmpq_mat.rref`` when every entry is rational.

    Examples
    --------
    >>> from flint import fmpq
    >>> rref_any([[fmpq(1), fmpq(2)], [fmpq(2), fmpq(4)]], 2)
    ([[1, 2]], [0])
    """
    if not rows or not _rational(rows):
        return rref(rows, ncols)
    R, rank = fmpq_mat(len(rows), ncols, [c for row in rows for c in row]).rref()
    out, pivots = [], []
    for i in range(rank):
        row = [R[i, c] for c in range(ncols)]
        pivots.append(next(c for c, v in enumerate(row) if v != 0))
        out.append(row)
    return out, pivots


def nullspace_any(rows: Sequence[Sequence[Any]], ncols: int) -> list[tuple[Any, ...]]:
    """A basis of ``{v : A v = 0}`` (as :func:`exactland.exact.linalg.nullspace`, via :func:`rref_any`).

    Examples
    --------
    >>> from flint import fmpq
    >>> nullspace_any([[fmpq(1), fmpq(1)]], 2)
    [(-1, 1)]
    """
    R, pivots = rref_any(rows, ncols)
    free = [c for c in range(ncols) if c not in pivots]
    basis = []
    for f in free:
        v = [fmpq(0)] * ncols
        v[f] = fmpq(1)
        for row, p in zip(R, pivots):
            v[p] = -row[f]
        basis.append(tuple(v))
    return basis


def sample_dots(u: Sequence[Any], X: Sequence[Sequence[Any]]) -> list[Any]:
    """``[u·x_k for every sample]`` exactly (one ``fmpq_mat`` product when everything is rational).

    Examples
    --------
    >>> from flint import fmpq
    >>> sample_dots([fmpq(1), fmpq(-1)], [[fmpq(2), fmpq(1)], [fmpq(0), fmpq(3)]])
    [1, -3]
    """
    d = len(u)
    if X and d and _rational([u]) and _rational(X):
        P = fmpq_mat(len(X), d, [c for x in X for c in x]) * fmpq_mat(d, 1, list(u))
        return [P[k, 0] for k in range(len(X))]
    return [dot(u, x) for x in X]


def solve_nearest(M: Sequence[Sequence[Any]], y: Sequence[Any], target: Sequence[Any]) -> list[Any] | None:
    """Exact least squares ``min ‖M b − y‖``; among the minimisers the one nearest ``target``.

    Examples
    --------
    >>> from flint import fmpq
    >>> solve_nearest([[fmpq(1), fmpq(1)]], [fmpq(2)], [fmpq(0), fmpq(0)])
    [1, 1]
    """
    n = len(target)
    if n == 0:
        return []
    G, r = normal_equations(M, y)
    R, piv = rref_any([G[a] + [r[a]] for a in range(n)], n + 1)
    if n in piv:
        return None
    b0 = [fmpq(0)] * n
    for row, p in zip(R, piv):
        b0[p] = row[n]
    Z = nullspace_any(G, n)
    if not Z:
        return b0
    diff = [t - b for t, b in zip(target, b0)]
    ZZ = [[dot(z1, z2) for z2 in Z] for z1 in Z]
    rhs = [dot(z, diff) for z in Z]
    R2, piv2 = rref_any([ZZ[a] + [rhs[a]] for a in range(len(Z))], len(Z) + 1)
    coef = [fmpq(0)] * len(Z)
    for row, p in zip(R2, piv2):
        coef[p] = row[len(Z)]
    return [b + sum((c * z[a] for c, z in zip(coef, Z)), fmpq(0)) for a, b in enumerate(b0)]

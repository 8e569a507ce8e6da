"""Small exact linear algebra over any exact field element type.

The tangent-space computations of docs/mathematics.md §4 need only tiny systems (at most
d × d with d the input dimension), so a plain Gauss–Jordan elimination on
Python objects (``flint.fmpq``, :class:`exactland.exact.scalars.RealAlg`) is both
simple and fast enough; zero tests are exact because the element types are.
The large products (|I|×|K| pre-activations) live in :mod:`exactland.core.network`.
"""
from __future__ import annotations

from math import gcd, lcm
from typing import Any, Sequence

from flint import fmpq

__all__ = ["dot", "rref", "rank", "nullspace", "canonical_line", "scale", "add"]

Vector = tuple[Any, ...]


def dot(u: Sequence[Any], v: Sequence[Any]) -> Any:
    """Exact inner product.

    Examples
    --------
    >>> from flint import fmpq
    >>> dot((fmpq(1, 2), 3), (2, fmpq(1, 3)))
    2
    """
    total: Any = 0
    for a, b in zip(u, v):
        if a and b:
            total = total + a * b
    return total


def scale(c: Any, v: Sequence[Any]) -> Vector:
    """``c·v``."""
    return tuple(c * x for x in v)


def add(u: Sequence[Any], v: Sequence[Any]) -> Vector:
    """``u + v``."""
    return tuple(a + b for a, b in zip(u, v))


def rref(rows: Sequence[Sequence[Any]], ncols: int) -> tuple[list[list[Any]], list[int]]:
    """Reduced row echelon form (exact Gauss–Jordan).

    Parameters
    ----------
    rows : sequence of sequences
        The matrix, row by row.
    ncols : int
        Number of columns (needed when ``rows`` is empty).

    Returns
    -------
    R : list of lists
        The nonzero rows of the reduced row echelon form.
    pivots : list of int
        Pivot column of each row of ``R``.

    Examples
    --------
    >>> from flint import fmpq
    >>> R, piv = rref([[fmpq(1), fmpq(2)], [fmpq(2), fmpq(4)]], 2)
    >>> R, piv
    ([[1, 2]], [0])
    """
    m = [list(r) for r in rows]
    pivots: list[int] = []
    r = 0
    for c in range(ncols):
        p = next((i for i in range(r, len(m)) if m[i][c] != 0), None)
        if p is None:
            continue
        m[r], m[p] = m[p], m[r]
        piv = m[r][c]
        m[r] = [x / piv for x in m[r]]
        for i in range(len(m)):
            if i != r and m[i][c] != 0:
                f = m[i][c]
                m[i] = [a - f * b for a, b in zip(m[i], m[r])]
        pivots.append(c)
        r += 1
        if r == len(m):
            break
    return m[:r], pivots


def rank(rows: Sequence[Sequence[Any]], ncols: int) -> int:
    """Exact rank.

    Examples
    --------
    >>> from flint import fmpq
    >>> rank([[fmpq(1), fmpq(1)], [fmpq(-2), fmpq(-2)]], 2)
    1
    """
    return len(rref(rows, ncols)[1])


def nullspace(rows: Sequence[Sequence[Any]], ncols: int, one: Any = 1) -> list[Vector]:
    """A basis of ``{v : A v = 0}`` (exact).

    Parameters
    ----------
    rows : sequence of sequences
        The matrix A.
    ncols : int
        Number of columns of A.
    one : exact number, default 1
        The unit of the field (``flint.fmpq(1)`` or ``Fraction(1)``), used to
        build basis vectors of the right element type.

    Examples
    --------
    >>> from flint import fmpq
    >>> nullspace([[fmpq(1), fmpq(1)]], 2, fmpq(1))
    [(-1, 1)]
    """
    R, pivots = rref(rows, ncols)
    zero = one - one
    free = [c for c in range(ncols) if c not in pivots]
    basis: list[Vector] = []
    for f in free:
        v = [zero] * ncols
        v[f] = one
        for row, p in zip(R, pivots):
            v[p] = -row[f]
        basis.append(tuple(v))
    return basis


def canonical_line(x: Sequence[Any]) -> tuple[Vector, Any]:
    """Canonical normal of the line through ``x`` and the factor ``λ`` with x = λ·n.

    For rational ``x`` the normal is the primitive integer vector whose first
    nonzero entry is positive; otherwise it is ``x`` divided by its first
    nonzero entry. Parallel and antiparallel vectors get the same normal.

    Examples
    --------
    >>> from flint import fmpq
    >>> canonical_line((fmpq(-3, 5), fmpq(-1)))
    ((3, 5), -1/5)
    """
    k0 = next(i for i, c in enumerate(x) if c != 0)
    first = x[k0]
    if all(type(c) is fmpq for c in x):
        den = 1
        for c in x:
            den = lcm(den, int(c.q))
        ints = [int(c.p) * (den // int(c.q)) for c in x]
        g = 0
        for c in ints:
            g = gcd(g, c)
        if ints[k0] < 0:
            g = -g
        n = tuple(fmpq(c // g) for c in ints)
        return n, first / n[k0]
    n = tuple(c / first for c in x)
    if all(type(c) is fmpq for c in n):
        n2, mu = canonical_line(n)
        return n2, first * mu
    return n, first

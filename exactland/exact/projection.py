"""Exact orthogonal projection onto the span of given columns (least squares).

:class:`Projector` takes columns ``b_1, …, b_n`` (possibly dependent), keeps an
independent subset ``B`` and answers, exactly:

* ``residuals(C)``: ``C − B(BᵀB)⁻¹BᵀC``, the part of each column of ``C``
  orthogonal to ``span(b)``;
* ``coefficients(c)``: the least-squares coefficients ``s`` (over all ``n``
  columns, zero off ``B``) minimising ``‖c − Σ s_l b_l‖``.

Rational columns use python-flint's ``fmpq_mat`` (docs/mathematics.md §11);
other exact fields (real algebraic numbers) use plain Gauss–Jordan
(:func:`exactland.exact.linalg.rref`).
"""
from __future__ import annotations

from typing import Any, Sequence

from flint import fmpq, fmpq_mat

from exactland.exact.linalg import rref

__all__ = ["Projector"]

Column = Sequence[Any]


def _rational(cols: Sequence[Column]) -> bool:
    return all(type(x) is fmpq or type(x) is int for c in cols for x in c)


def _solve_generic(G: list[list[Any]], rhs: list[list[Any]]) -> list[list[Any]]:
    """``G⁻¹ rhs`` for a nonsingular ``G`` (columns of ``rhs``)."""
    s = len(G)
    rows = [list(G[a]) + list(rhs[a]) for a in range(s)]
    R, _ = rref(rows, s + (len(rhs[0]) if rhs else 0))
    return [row[s:] for row in R]


class Projector:
    """Least squares onto ``span(columns)``, exact.

    Parameters
    ----------
    columns : sequence of equal-length vectors
    dim : int
        Length of every column (the ambient dimension).
    zero : exact number

    Examples
    --------
    >>> from flint import fmpq
    >>> o, z = fmpq(1), fmpq(0)
    >>> P = Projector([(o, z, z), (o, z, z), (z, o, z)], 3, z)
    >>> P.basis, P.residuals([(o, o, o)])
    ([0, 2], [[0, 0, 1]])
    """

    def __init__(self, columns: Sequence[Column], dim: int, zero: Any) -> None:
        self.dim, self.zero = dim, zero
        self.n = len(columns)
        self.rational = _rational(columns)
        if not columns:
            self.basis: list[int] = []
        elif self.rational:
            Mt = fmpq_mat(dim, len(columns), [columns[c][r] for r in range(dim) for c in range(len(columns))])
            R, rank = Mt.rref()
            self.basis = [next(c for c in range(len(columns)) if R[r, c] != 0) for r in range(rank)]
        else:
            self.basis = rref([[c[r] for c in columns] for r in range(dim)], len(columns))[1]
        self.B = [list(columns[c]) for c in self.basis]
        s = len(self.B)
        self.G = [[sum((x * y for x, y in zip(self.B[a], self.B[b])), zero) for b in range(s)] for a in range(s)]

    def _inv_times_Bt(self, cols: Sequence[Column]) -> list[list[Any]]:
        """``(BᵀB)⁻¹ Bᵀ C`` as an s×len(cols) matrix (rows indexed by basis)."""
        s = len(self.B)
        if s == 0 or not cols:
            return [[self.zero] * len(cols) for _ in range(s)]
        if self.rational and _rational(cols):
            Bm = fmpq_mat(self.dim, s, [self.B[c][r] for r in range(self.dim) for c in range(s)])
            Cm = fmpq_mat(self.dim, len(cols), [cols[c][r] for r in range(self.dim) for c in range(len(cols))])
            Gm = fmpq_mat(s, s, [self.G[a][b] for a in range(s) for b in range(s)])
            Z = Gm.solve(Bm.transpose() * Cm)
            return [[Z[a, c] for c in range(len(cols))] for a in range(s)]
        rhs = [[sum((x * y for x, y in zip(self.B[a], col)), self.zero) for col in cols] for a in range(s)]
        return _solve_generic(self.G, rhs)

    def residuals(self, cols: Sequence[Column]) -> list[list[Any]]:
        """The component of every column orthogonal to the span (exact)."""
        Z = self._inv_times_Bt(cols)
        out = []
        for c, col in enumerate(cols):
            r = list(col)
            for a, b in enumerate(self.B):
                z = Z[a][c]
                if z != 0:
                    r = [x - z * y for x, y in zip(r, b)]
            out.append(r)
        return out

    def coefficients(self, col: Column) -> list[Any]:
        """Least-squares coefficients over all columns (zero off the basis)."""
        Z = self._inv_times_Bt([col])
        out = [self.zero] * self.n
        for a, c in enumerate(self.basis):
            out[c] = Z[a][0]
        return out

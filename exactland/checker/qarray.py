"""Rational matrices of a certificate, read in bulk: :class:`QArray`.

A matrix of number strings is read in one pass when every entry is a plain
integer or fraction (``"-7"``, ``"3/25"``: one character-class test of the
joined texts, then C-level ``int`` conversion), and entry by entry with the
checker's general number reader otherwise (decimals, whitespace, over 4300
digits; that reader also names a bad entry's position).
Entries are kept as exact numerators and positive denominators
(:mod:`exactland.checker.intarr`: ``int64`` under the proved bound, Python
ints otherwise), never as floats.
"""
from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, Callable

import numpy as np

from exactland.checker.intarr import LIMIT, bound, ints, lcm_all, mul, narrow
from exactland.checker.numtext import fraction_text

__all__ = ["QArray", "read_matrix"]


class QArray:
    """A rational matrix: ``num / den`` entry by entry (``den > 0``).

    ``texts`` holds the input strings when every entry was already in
    canonical form (then they are the canonical texts), else None.
    """

    def __init__(self, num: np.ndarray, den: np.ndarray, texts: list | None = None) -> None:
        self.num, self.den = num, den
        self.shape = num.shape
        self._texts = texts
        self._fractions: list | None = None

    def __len__(self) -> int:
        return self.shape[0]

    def fractions(self) -> list[list[Fraction]]:
        """The entries as :class:`Fraction` rows (computed once, on demand)."""
        if self._fractions is None:
            self._fractions = [[Fraction(p, q) for p, q in zip(pr, qr)]
                               for pr, qr in zip(self.num.tolist(), self.den.tolist())]
        return self._fractions

    def canonical(self) -> list[list[str]]:
        """Every entry's canonical text (``"p/q"`` in lowest terms, or ``"p"``)."""
        if self._texts is None:
            self._texts = [[fraction_text(x) for x in row] for row in self.fractions()]
        return self._texts

    def cleared(self) -> tuple[np.ndarray, int]:
        """Integer numerators over one common denominator: ``self = N / D``."""
        D = lcm_all(self.den)
        return mul(self.num, _quotients(D, self.den)), D

    def rows_cleared(self) -> tuple[np.ndarray, list[int]]:
        """Integer numerators with one denominator per row: ``row r = N[r] / D[r]``."""
        dens = [math.lcm(*row) for row in self.den.tolist()]
        return mul(self.num, _quotients(ints(dens)[:, None], self.den)), dens

    def nonzero_rows(self) -> np.ndarray:
        return np.flatnonzero(np.asarray(self.num != 0, dtype=bool).any(axis=1))


def _quotients(D: Any, den: np.ndarray) -> np.ndarray:
    """``D // den`` (exact: every den divides D), in int64 when D < LIMIT."""
    if isinstance(D, int) and D < LIMIT and den.dtype == np.int64:
        return np.int64(D) // den
    if not isinstance(D, int) and D.dtype == np.int64 and den.dtype == np.int64:
        return D // den
    return narrow(np.asarray(np.floor_divide(D if isinstance(D, int) else D.astype(object),
                                             den.astype(object)), dtype=object))


def read_matrix(flat: list, shape: tuple[int, int], slow: Callable[[int], Fraction]) -> QArray:
    """A :class:`QArray` of the given shape from its entries in row order.

    ``slow(p)`` reads entry ``p`` with the general reader (it raises, naming
    the entry, on an invalid number); it is used only when the fast path
    does not apply.
    """
    q = _fast(flat, shape) if flat else None
    if q is not None:
        return q
    values = [slow(p) for p in range(len(flat))]
    num = ints([v.numerator for v in values]).reshape(shape)
    den = ints([v.denominator for v in values]).reshape(shape)
    return QArray(num, den)


def _fast(flat: list, shape: tuple[int, int]) -> QArray | None:
    """Plain integers and fractions (ASCII digits, ``-``, ``/`` only), or None.

    ``int()`` of such a text accepts exactly ``-?[0-9]+``; anything else
    (an empty entry, ``"1-2"``, ``"1/2/3"``, a negative denominator, more
    than 4300 digits) falls back to the general reader.
    """
    try:
        joined = "".join(flat)
    except TypeError:  # a non-string entry
        return None
    if not joined.isascii() or joined.translate(_DELETE_ALLOWED):
        return None
    try:
        if "/" not in joined:
            nums, dens = list(map(int, flat)), None
        else:
            parts = [s.partition("/") for s in flat]
            nums = [int(p[0]) for p in parts]
            dens = [int(p[2]) if p[1] else 1 for p in parts]
    except ValueError:
        return None
    if dens is not None and min(dens) <= 0:
        return None  # a zero or negative denominator: the general reader decides
    num = _array(nums).reshape(shape)
    den = np.ones(shape, dtype=np.int64) if dens is None else _array(dens).reshape(shape)
    canon = list(map(str, nums)) if dens is None else \
        [str(p) if d == 1 else f"{p}/{d}" for p, d in zip(nums, dens)]
    texts = None
    if canon == flat and (dens is None or _coprime(num, den)):
        n = shape[1]
        texts = [flat[r * n:(r + 1) * n] for r in range(shape[0])]
    return QArray(num, den, texts)


_DELETE_ALLOWED = str.maketrans("", "", "0123456789-/")


def _array(values: list) -> np.ndarray:
    try:
        a = np.array(values, dtype=np.int64)
    except OverflowError:
        return ints(values)
    return a if bound(a) < LIMIT else ints(values)


def _coprime(num: np.ndarray, den: np.ndarray) -> bool:
    if num.dtype == np.int64 and den.dtype == np.int64:
        return bool((np.gcd(num, den) == 1).all())
    return all(math.gcd(p, q) == 1 for p, q in zip(num.ravel().tolist(), den.ravel().tolist()))

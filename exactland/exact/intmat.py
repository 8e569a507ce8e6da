"""Exact integer matrices in scaled form: numerators over one denominator per row.

Each rational matrix is written as integer numerators with one positive
integer denominator per row; products and sums are integer matrix operations,
and signs are the signs of the numerators.  Integers live in ``int64`` NumPy
arrays when a bound proves that no product or sum can overflow (every result
below 2**62 in absolute value), and in object arrays of Python integers
otherwise.  Both are exact; nothing here is a float.  See
``docs/mathematics.md`` (scaled-integer evaluation).

Every array returned by :func:`scaled_rows` is read-only, so that a cached
copy can never be changed behind its owner's back.
"""
from __future__ import annotations

from math import lcm
from typing import Any, Sequence

import numpy as np

from exactland.exact.scalars import sign

__all__ = [
    "LIMIT", "max_abs", "fits_int64", "matmul", "elementwise_mul", "elementwise_sub",
    "int_array", "int_rows", "object_rows", "sign_matrix", "min_ratio", "scaled_rows", "ScaledRows",
]

#: Bound below which int64 arithmetic is proved safe.
LIMIT = 1 << 62


def max_abs(a: np.ndarray) -> int:
    if a.size == 0:
        return 0
    if a.dtype == object:
        return max(abs(int(x)) for x in a.flat)
    return max(-int(a.min()), int(a.max()))  # Python ints: no int64 overflow, no temporary


def fits_int64(bound: int) -> bool:
    return bound < LIMIT


def matmul(a: np.ndarray, b: np.ndarray, exact_ints: bool) -> np.ndarray:
    """Exact matrix product; int64 only when the result provably fits."""
    if exact_ints and a.dtype != object and b.dtype != object:
        if fits_int64(max(a.shape[1], 1) * max_abs(a) * max_abs(b)):
            return a @ b
    return a.astype(object) @ b.astype(object)


def elementwise_mul(a: np.ndarray, b: np.ndarray, exact_ints: bool) -> np.ndarray:
    """Exact elementwise (broadcast) product."""
    if exact_ints and a.dtype != object and b.dtype != object:
        if fits_int64(max_abs(a) * max_abs(b)):
            return a * b
    return a.astype(object) * b.astype(object)


def elementwise_sub(a: np.ndarray, b: np.ndarray, exact_ints: bool) -> np.ndarray:
    if exact_ints and a.dtype != object and b.dtype != object:
        if fits_int64(max_abs(a) + max_abs(b)):
            return a - b
    return a.astype(object) - b.astype(object)


def int_array(values: Sequence[int]) -> np.ndarray:
    vals = [int(v) for v in values]
    if all(abs(v) < LIMIT for v in vals):
        return np.array(vals, dtype=np.int64)
    return np.array(vals, dtype=object)


def int_rows(m: Sequence[Sequence[Any]]) -> tuple[np.ndarray, list[int]]:
    """Rational matrix → (integer numerators, per-row denominators).

    The row denominators are ``lcm`` of the row's entry denominators (one C
    call per row); the numerators ``p·(D_r/q)`` are computed on whole int64
    arrays when a bound proves they fit, else with Python integers.
    """
    rows = len(m)
    cols = len(m[0]) if rows else 0
    flat = [x for row in m for x in row]
    P = [int(x.p) for x in flat]
    Q = [int(x.q) for x in flat]
    dens = [lcm(*Q[r * cols:(r + 1) * cols]) for r in range(rows)]
    pmax = max(map(abs, P), default=0)
    if max(dens, default=1) < LIMIT and pmax < LIMIT:
        q = np.array(Q, dtype=np.int64).reshape(rows, cols)
        mult = np.array(dens, dtype=np.int64)[:, None] // q  # exact: q divides D_r
        if fits_int64(pmax * max_abs(mult)):
            return np.array(P, dtype=np.int64).reshape(rows, cols) * mult, dens
    nums = [[P[r * cols + c] * (dens[r] // Q[r * cols + c]) for c in range(cols)] for r in range(rows)]
    big = [abs(v) for r in nums for v in r]
    arr = np.array(nums, dtype=np.int64 if (not big or max(big) < LIMIT) else object)
    return arr.reshape(rows, cols), dens


def object_rows(m: Sequence[Sequence[Any]]) -> tuple[np.ndarray, list[int]]:
    arr = np.empty((len(m), len(m[0]) if m else 0), dtype=object)
    for r, row in enumerate(m):
        for c, x in enumerate(row):
            arr[r, c] = x
    return arr, [1] * len(m)


def sign_matrix(a: np.ndarray) -> np.ndarray:
    if a.dtype != object:
        return np.sign(a).astype(np.int8)
    out = np.fromiter((sign(x) for x in a.flat), dtype=np.int8, count=a.size)
    return out.reshape(a.shape)


def min_ratio(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row-wise minimum of the fractions ``a/b`` (``a ≥ 0``, ``b ≥ 0``; ``b = 0``
    means +∞), exactly, by a tournament of integer cross-multiplications.

    Examples
    --------
    >>> import numpy as np
    >>> min_ratio(np.array([[3, 1, 5]]), np.array([[4, 0, 9]]))
    (array([5]), array([9]))
    """
    while a.shape[1] > 1:
        if a.shape[1] % 2:
            pad = np.zeros((a.shape[0], 1), dtype=np.int64)
            a = np.concatenate([a, pad + 1], axis=1)
            b = np.concatenate([b, pad], axis=1)
        h = a.shape[1] // 2
        a1, a2, b1, b2 = a[:, :h], a[:, h:], b[:, :h], b[:, h:]
        take = elementwise_mul(a2, b1, True) < elementwise_mul(a1, b2, True)
        a = np.where(take, a2, a1)
        b = np.where(take, b2, b1)
    return a[:, 0], b[:, 0]



#: ``(numerators, row denominators)`` of one matrix.
ScaledRows = tuple[np.ndarray, tuple[int, ...]]


def _frozen(rows: tuple[np.ndarray, list[int]]) -> ScaledRows:
    arr, dens = rows
    arr = arr.copy()
    arr.setflags(write=False)
    return arr, tuple(dens)


def scaled_rows(matrices: Sequence[Sequence[Sequence[Any]]], rational: bool) -> tuple[ScaledRows, ...]:
    """Numerators and row denominators of each matrix, as read-only arrays.

    Parameters
    ----------
    matrices : sequence of matrices
        Each a sequence of rows of exact numbers.
    rational : bool
        True when every entry is an ``fmpq``: integer numerators with one
        denominator per row.  Otherwise object arrays of the exact elements
        with unit denominators.

    Returns
    -------
    tuple of (numpy.ndarray, tuple of int)
        One pair per matrix; the arrays are read-only.

    Examples
    --------
    >>> from flint import fmpq
    >>> ((n, d),) = scaled_rows([[[fmpq(1, 2), fmpq(1, 3)], [fmpq(2), fmpq(0)]]], True)
    >>> n.tolist(), d, n.flags.writeable
    ([[3, 2], [2, 0]], (6, 1), False)
    """
    rows = int_rows if rational else object_rows
    return tuple(_frozen(rows(m)) for m in matrices)

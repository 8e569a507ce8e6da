"""Exact integer arrays for the checker: NumPy ``int64`` only under a proved bound.

Every operation here first bounds the absolute value of every entry of its
result and of every partial sum (from the largest absolute entries of its
operands); it runs in ``int64`` only when that bound is below ``LIMIT = 2**62``,
and otherwise on Python integers (NumPy object arrays, or python-flint's
``fmpz_mat`` for matrix products).  ``int64`` cannot overflow below 2**63, so
every result is the exact integer.  Nothing here is a float.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = [
    "LIMIT",
    "add",
    "argmin_ratio",
    "bound",
    "divexact",
    "ints",
    "lcm_all",
    "matmul",
    "mul",
    "narrow",
    "rowdot",
    "signs",
    "sub",
    "sumsq",
    "wide",
]

#: Every int64 result and partial sum is proved below this bound in absolute value.
LIMIT = 1 << 62


def bound(a: Any) -> int:
    """The largest absolute entry (a Python int; 0 for an empty array)."""
    if isinstance(a, (int, np.integer)):
        return abs(int(a))
    if a.size == 0:
        return 0
    return max(int(a.max()), -int(a.min()))


def narrow(a: np.ndarray) -> np.ndarray:
    """``a`` as ``int64`` when every entry is below ``LIMIT``, else as Python ints."""
    if a.dtype == np.int64:
        return a
    if a.dtype != object:
        a = a.astype(object)
    return a.astype(np.int64) if bound(a) < LIMIT else a


def ints(values: Any) -> np.ndarray:
    """An exact integer array from (nested lists of) Python ints."""
    return narrow(np.array(values, dtype=object))


def wide(a: Any) -> Any:
    """``a`` with Python-int entries (object dtype); a Python int stays one."""
    if isinstance(a, (int, np.integer)):
        return int(a)
    return a if a.dtype == object else a.astype(object)


def _small(x: Any) -> bool:
    return isinstance(x, (int, np.integer)) or x.dtype == np.int64


def _bounds(a: Any, b: Any) -> tuple[int, int] | None:
    """(max|a|, max|b|) when both are int64 (or small Python ints), else None."""
    if not (_small(a) and _small(b)):
        return None
    ba, bb = bound(a), bound(b)
    return (ba, bb) if ba < LIMIT and bb < LIMIT else None


def mul(a: Any, b: Any) -> Any:
    """Exact elementwise (broadcast) product; ``a`` or ``b`` may be a Python int."""
    bs = _bounds(a, b)
    if bs is not None and bs[0] * bs[1] < LIMIT:
        return np.multiply(a, b, dtype=np.int64)
    return narrow(np.asarray(np.multiply(wide(a), wide(b)), dtype=object))


def add(a: Any, b: Any) -> Any:
    """Exact elementwise (broadcast) sum."""
    bs = _bounds(a, b)
    if bs is not None and bs[0] + bs[1] < LIMIT:
        return np.add(a, b, dtype=np.int64)
    return narrow(np.asarray(np.add(wide(a), wide(b)), dtype=object))


def sub(a: Any, b: Any) -> Any:
    """Exact elementwise (broadcast) difference."""
    bs = _bounds(a, b)
    if bs is not None and bs[0] + bs[1] < LIMIT:
        return np.subtract(a, b, dtype=np.int64)
    return narrow(np.asarray(np.subtract(wide(a), wide(b)), dtype=object))


def divexact(a: np.ndarray, g: int) -> np.ndarray:
    """``a // g`` for a positive Python int ``g`` dividing every entry."""
    if a.dtype == np.int64 and g < LIMIT:
        return a // np.int64(g)
    return narrow(np.asarray(wide(a) // g, dtype=object))


def matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Exact matrix product (2-D by 2-D, or 2-D by 1-D).

    In ``int64`` when ``n·max|a|·max|b| < 2**62`` (``n`` the inner dimension:
    every partial sum is then below the bound).  Otherwise, when one factor is
    small, the other is cut into limbs of ``w`` bits with ``n·max|small|·2**w
    < 2**62`` (one int64 product per limb, recombined in Python integers);
    else with python-flint.
    """
    n = a.shape[-1]
    bs = _bounds(a, b)
    if bs is not None and max(n, 1) * bs[0] * bs[1] < LIMIT:
        return a @ b
    for small, big, big_left in ((a, b, False), (b, a, True)):
        if small.dtype == np.int64 and small.size and big.size:
            width = _limb_bits(n, bound(small))
            if width >= 8:
                return _limb_product(big, small, width, big_left)
    vector = b.ndim == 1
    bb = b.reshape(-1, 1) if vector else b
    rows, cols = a.shape[0], bb.shape[1]
    if rows == 0 or cols == 0 or n == 0:
        out = np.zeros((rows, cols), dtype=np.int64)
    else:
        from flint import fmpz_mat
        prod = fmpz_mat(wide(a).tolist()) * fmpz_mat(wide(bb).tolist())
        out = narrow(np.array([int(x) for x in prod.entries()], dtype=object).reshape(rows, cols))
    return out[:, 0] if vector else out


def _limb_bits(n: int, small_bound: int) -> int:
    """The largest ``w`` with ``n·small_bound·2**w < LIMIT``."""
    m = LIMIT // (max(n, 1) * max(small_bound, 1))
    return (m - 1).bit_length() - 1 if m > 1 else -1


def _limb_product(big: np.ndarray, small: np.ndarray, width: int, big_left: bool) -> np.ndarray:
    """``big @ small`` (or ``small @ big``) with ``big = Σ_l sign·limb_l·2**(w·l)``,
    ``0 ≤ limb_l < 2**w``: each limb product is an int64 product under the bound."""
    sgn = signs(big).astype(np.int64)
    mag = np.abs(big)
    top, mask, shift = bound(big), (1 << width) - 1, 0
    out: Any = None
    while top >> shift:
        limb = narrow(np.asarray((mag >> shift) & mask)) * sgn
        part = limb @ small if big_left else small @ limb
        term = wide(part) << shift if shift else wide(part)
        out = term if out is None else out + term
        shift += width
    if out is None:
        return np.zeros((big @ small if big_left else small @ big).shape, dtype=np.int64)
    return narrow(np.asarray(out, dtype=object))


def rowdot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Exact row-by-row dot products of two arrays of the same shape (last axis summed)."""
    n = a.shape[-1]
    bs = _bounds(a, b)
    if bs is not None and max(n, 1) * bs[0] * bs[1] < LIMIT:
        return np.einsum("...i,...i->...", a, b)
    return narrow(np.asarray((wide(a) * wide(b)).sum(axis=-1), dtype=object))


def sumsq(a: np.ndarray) -> int:
    """Σ a² over every entry, as a Python int."""
    if a.size and a.dtype == np.int64 and a.size * bound(a) ** 2 < LIMIT:
        return int((a * a).sum())
    return sum((x * x for x in wide(a).ravel().tolist()), 0)


def lcm_all(a: Any) -> int:
    """The least common multiple of the (positive) entries, a Python int."""
    if isinstance(a, int):
        return a
    values = np.unique(a).tolist() if a.size else [1]
    return math.lcm(*values)


def signs(a: np.ndarray) -> np.ndarray:
    """The sign (−1, 0, 1) of every entry, as ``int8``."""
    return (a > 0).astype(np.int8) - (a < 0).astype(np.int8)


def argmin_ratio(num: np.ndarray, den: np.ndarray) -> int:
    """Position of the least ``num[p] / den[p]`` (``den > 0``), compared exactly.

    A knockout over pairs: each round compares ``num_a·den_b`` with
    ``num_b·den_a`` (exact products) and keeps the smaller ratio.
    """
    idx = np.arange(len(num))
    while len(idx) > 1:
        odd = idx[-1:] if len(idx) % 2 else idx[:0]
        a, b = idx[0:len(idx) - len(odd):2], idx[1::2]
        left, right = mul(num[a], den[b]), mul(num[b], den[a])
        idx = np.concatenate([np.where(np.asarray(left <= right, dtype=bool), a, b), odd])
    return int(idx[0])

"""Exact integer matrices in scaled form: numerators over one denominator per row.

Each rational matrix is written as integer numerators with one positive
integer denominator per row; products and sums are integer matrix operations,
and signs are the signs of the numerators.  Integers live in ``int64`` NumPy
arrays when a bound proves that no product or sum can overflow (every result
below 2**62 in absolute value), and in object arrays of Python integers
otherwise.  See ``docs/mathematics.md`` (scaled-integer evaluation).

Matrix products use the *float64 carrier* (:mod:`exactland.exact.carrier`)
when a bound allows it: every integer of absolute value at most 2**53 is a
float64, so a product whose entries and partial sums are proved below
``2**53`` (from the largest entries and the inner dimension) is computed by
float64 BLAS with no rounding at all; larger int64 products are split into
limbs, each limb product under the same proof.  A float64 array here only
ever holds integers under such a proof (a *carrier*); where no proof applies
the arithmetic is int64 or Python integers.  Nothing tolerates an error.

Every array returned by :func:`scaled_rows` is read-only, so that a cached
copy can never be changed behind its owner's back.
"""
from __future__ import annotations

from math import lcm
from typing import Any, Sequence

import numpy as np
from flint import fmpq_mat, fmpz_mat

from exactland.errors import InternalError
from exactland.exact.carrier import CARRIER_LIMIT, INT64_LIMIT, bound_of, carrier_matmul
from exactland.exact.scalars import sign

__all__ = [
    "LIMIT", "CARRIER_LIMIT", "max_abs", "fits_int64", "matmul", "elementwise_mul",
    "elementwise_sub", "as_int", "int_array", "int_rows", "object_rows", "sign_matrix", "min_ratio",
    "scaled_rows", "ScaledRows",
]

#: Bound below which int64 arithmetic is proved safe.
LIMIT = INT64_LIMIT


def max_abs(a: np.ndarray) -> int:
    """``max |a|`` as a Python integer (int64, object or float64-carrier arrays)."""
    return bound_of(a)


def fits_int64(bound: int) -> bool:
    return bound < LIMIT


def as_int(a: np.ndarray) -> np.ndarray:
    """A float64 carrier as int64 (exact: its integers are below 2**53); others unchanged."""
    return a.astype(np.int64) if a.dtype == np.float64 else a


def matmul(a: np.ndarray, b: np.ndarray, exact_ints: bool, carrier: bool = False) -> np.ndarray:
    """Exact matrix product.

    Parameters
    ----------
    a, b : numpy.ndarray
        int64, object or float64-carrier matrices.
    exact_ints : bool
        True for integer entries (rational problems); False for exact field
        elements, multiplied as objects.
    carrier : bool
        Allow a float64-carrier result (when the float64 product is proved exact).

    Returns
    -------
    numpy.ndarray
        On float64 BLAS when ``n·max|a|·max|b| < 2**53``, on int64 limbs below
        ``2**62`` (:func:`exactland.exact.carrier.carrier_matmul`), else with
        Python integers.
    """
    if exact_ints and a.dtype != object and b.dtype != object:
        out = carrier_matmul(a, b, max_abs(a), max_abs(b), keep_float=carrier)
        if out is not None:
            return out
    return as_int(a).astype(object) @ as_int(b).astype(object)


def elementwise_mul(a: np.ndarray, b: np.ndarray, exact_ints: bool) -> np.ndarray:
    """Exact elementwise (broadcast) product (float64 carriers are read as int64)."""
    a, b = as_int(a), as_int(b)
    if exact_ints and a.dtype != object and b.dtype != object:
        if fits_int64(max_abs(a) * max_abs(b)):
            return a * b
    return a.astype(object) * b.astype(object)


def elementwise_sub(a: np.ndarray, b: np.ndarray, exact_ints: bool) -> np.ndarray:
    """Exact elementwise (broadcast) difference (float64 carriers are read as int64)."""
    a, b = as_int(a), as_int(b)
    if exact_ints and a.dtype != object and b.dtype != object:
        if fits_int64(max_abs(a) + max_abs(b)):
            return a - b
    return a.astype(object) - b.astype(object)


def int_array(values: Sequence[int]) -> np.ndarray:
    vals = [int(v) for v in values]
    if not vals or (max(vals) < LIMIT and min(vals) > -LIMIT):
        return np.array(vals, dtype=np.int64)
    return np.array(vals, dtype=object)


def int_rows(m: Sequence[Sequence[Any]]) -> tuple[np.ndarray, list[int]]:
    """Rational matrix → (integer numerators, per-row denominators).

    The row denominators are ``lcm`` of the row's entry denominators; the
    numerators ``p·(D_r/q)`` live in int64 when they provably fit, else in
    Python integers. Fast path: :func:`_flint_rows`.
    """
    rows = len(m)
    cols = len(m[0]) if rows else 0
    fast = _flint_rows(m, rows, cols) if rows and cols else None
    if fast is not None:
        return fast
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


def _flint_rows(m: Sequence[Sequence[Any]], rows: int, cols: int) -> tuple[np.ndarray, list[int]] | None:
    """:func:`int_rows` through one ``fmpq_mat`` (C-level conversion), or None.

    ``fmpq_mat.numer_denom`` writes the matrix as ``N/D`` with one common
    denominator. With ``G_r = gcd(D, N_r1, …, N_rc)`` the row's lcm of reduced
    denominators is ``D/G_r`` (each ``q = D/gcd(N_rc, D)`` divides D, and the
    lcm of such divisors is D over the gcd of the cofactors), so the row's
    numerators are ``N_r/G_r``: exactly the output of the general path.

    ``N`` reaches NumPy without one Python object per entry: the diagonal of
    ``NᵀN`` bounds every ``|N_rc| ≤ (Σ_r N_rc²)^½``; below 2**62, each row is
    packed into one integer ``Σ_c (N_rc + 2**63)·2**(64c)`` (a product by the
    vector of powers, in flint), whose base-2**64 digits are exactly the
    ``N_rc + 2**63 ∈ [0, 2**64)`` (uniqueness of the digits), read back as
    little-endian uint64 words. None (use the general path) when ``D`` or the
    bound is not below 2**62.
    """
    N, D = fmpq_mat(m).numer_denom()
    den = int(D)
    gram = N.transpose() * N
    if den >= LIMIT or max(int(gram[c, c]) for c in range(cols)) >= 1 << 124:
        return None
    powers = fmpz_mat(cols, 1, [1 << (64 * c) for c in range(cols)])
    offset = sum(1 << (64 * c + 63) for c in range(cols))
    nbytes = 8 * cols
    words = b"".join([(int(v) + offset).to_bytes(nbytes, "little") for v in (N * powers).entries()])
    A = (np.frombuffer(words, dtype="<u8") ^ np.uint64(1 << 63)).view(np.int64).reshape(rows, cols)
    G = np.gcd(np.gcd.reduce(A, axis=1), den)  # ≥ 1: it divides den ≥ 1
    return A // G[:, None], (den // G).tolist()


def object_rows(m: Sequence[Sequence[Any]]) -> tuple[np.ndarray, list[int]]:
    arr = np.empty((len(m), len(m[0]) if m else 0), dtype=object)
    for r, row in enumerate(m):
        for c, x in enumerate(row):
            arr[r, c] = x
    return arr, [1] * len(m)


def sign_matrix(a: np.ndarray) -> np.ndarray:
    """Signs as int8 (int64, float64-carrier or object arrays)."""
    if a.dtype != object:
        out = (a > 0).view(np.int8)
        return np.subtract(out, (a < 0).view(np.int8), out=out)
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



def row_min_ratio(a: np.ndarray, n: np.ndarray, skip: np.ndarray,
                  chunk: int = 1024) -> tuple[np.ndarray, np.ndarray]:
    """Row-wise exact minimum of ``|a_ik| / n_k`` over the entries not in ``skip``.

    Parameters
    ----------
    a : numpy.ndarray
        Integer matrix (int64, object or float64 carrier), m×K.
    n : numpy.ndarray
        Positive integers, length K (``n_k`` may be 0 only where column k is skipped).
    skip : numpy.ndarray
        Boolean m×K mask of excluded entries.
    chunk : int
        Rows per block (bounds the float64 temporaries).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Per row a fraction ``(num, den)`` equal to the minimum; ``(1, 0)``
        (+∞, as in :func:`min_ratio`) for a fully skipped row.

    Notes
    -----
    When ``|a| < 2**53`` and ``n < 2**53`` every quotient ``q_ik = fl(|a_ik|/n_k)``
    is the correctly rounded value of an exact quotient of two float64
    integers (no overflow, no subnormal: the quotients lie in ``{0} ∪ [2**-53, 2**53)``),
    and rounding is monotone: ``|a_ik|/n_k ≤ |a_il|/n_l`` implies
    ``q_ik ≤ q_il``. So an exact minimiser attains the float minimum of its
    row, and the exact minimum is decided by :func:`min_ratio` among the
    entries whose ``q`` equals it (usually one per row). Otherwise the
    tournament runs on the whole matrix.

    Examples
    --------
    >>> import numpy as np
    >>> row_min_ratio(np.array([[3, -1, 0], [0, 0, 0]]), np.array([4, 1, 9]), np.array([[0, 0, 1], [1, 1, 1]], dtype=bool))
    (array([3, 1]), array([4, 0]))
    """
    m = a.shape[0]
    if m == 0:
        return np.ones(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    if (np.asarray(n == 0, dtype=bool) & ~skip.all(axis=0)).any():
        raise InternalError("row_min_ratio: n_k = 0 in a column that is not skipped")
    if a.dtype == object or n.dtype == object or max_abs(a) >= CARRIER_LIMIT or max_abs(n) >= CARRIER_LIMIT:
        aa = np.where(skip, 1, np.abs(as_int(a)))
        return min_ratio(aa, np.where(skip, 0, np.broadcast_to(n, a.shape)))
    nf = n.astype(np.float64)
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    buf = np.empty((min(chunk, m), a.shape[1]))  # one float64 buffer, reused for every block
    with np.errstate(divide="ignore", invalid="ignore"):
        for r0 in range(0, m, chunk):
            q = buf[:len(a[r0:r0 + chunk])]
            q[...] = a[r0:r0 + chunk]  # exact: |a| < 2**53
            np.abs(q, out=q)
            np.divide(q, nf, out=q)
            q[skip[r0:r0 + chunk]] = np.inf
            arg = q.argmin(axis=1)
            best = q[np.arange(len(q)), arg]
            tied = np.count_nonzero(q == best[:, None], axis=1) > 1
            one = np.flatnonzero(~tied & np.isfinite(best))
            tr, tc = np.nonzero(q[tied] == best[tied][:, None])
            tr = np.flatnonzero(tied)[tr]
            r = np.concatenate([one, tr[np.isfinite(best[tr])]])
            c = np.concatenate([arg[one], tc[np.isfinite(best[tr])]])
            order = np.argsort(r, kind="stable")
            rows.append(r[order] + r0)
            cols.append(c[order])
    r, c = np.concatenate(rows), np.concatenate(cols)
    return _candidate_min(np.abs(as_int(a[r, c])), as_int(n)[c], r, m)


def _candidate_min(num: np.ndarray, den: np.ndarray, rows: np.ndarray, m: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-row exact minimum of the candidate fractions ``num/den`` (``rows`` sorted)."""
    counts = np.bincount(rows, minlength=m)
    width = max(int(counts.max()) if m else 1, 1)
    A = np.ones((m, width), dtype=num.dtype)
    B = np.zeros((m, width), dtype=den.dtype)
    pos = np.arange(len(rows)) - np.repeat(np.cumsum(counts) - counts, counts)
    A[rows, pos] = num
    B[rows, pos] = den
    return min_ratio(A, B)


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

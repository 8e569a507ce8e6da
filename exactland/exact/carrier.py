"""Exact integer matrix products on float64 BLAS: the float64 carrier.

Every integer of absolute value at most ``2**53`` is exactly a float64, and an
IEEE 754 addition, multiplication or fused multiply-add whose exact result is
such an integer returns it exactly (correct rounding of a representable value
is that value).  So for integer matrices ``a`` (m×n) and ``b`` (n×k) with
``|a| ≤ A`` and ``|b| ≤ B`` entrywise and ``n·A·B < 2**53``, float64 ``a @ b``
is exact: every product ``a_il·b_lj`` and every partial sum of them — in any
order and grouping the BLAS kernel chooses — is an integer of absolute value at
most ``n·A·B``.  This relies on the kernel forming each entry as a sum of the
products ``a_il·b_lj`` (the classical algorithm of every BLAS NumPy ships
with: OpenBLAS, MKL, BLIS, Accelerate, and NumPy's own loops); no
Strassen-like scheme, which would form sums of entries, is involved.

:func:`carrier_matmul` proves the bound before each product and otherwise
splits the operands into sign-magnitude limbs (``a = Σ_p a_p·2**(s·p)`` with
``|a_p| < 2**s`` of the sign of ``a``) small enough for the same proof, and
recombines the limb products in int64 (when ``n·A·B < 2**62``: every partial
sum of the recombination is then bounded by ``n·A·B`` because the limbs of an
entry share its sign) or in Python integers.  A float64 array never carries
anything but such proved-exact integers; there is no tolerance anywhere.
"""
from __future__ import annotations

import numpy as np

from exactland.errors import InternalError

__all__ = ["CARRIER_LIMIT", "INT64_LIMIT", "bound_of", "carrier_matmul", "carrier_ok", "limbs"]

#: Integers below this (in absolute value) and their proved sums are exact in float64.
CARRIER_LIMIT = 1 << 53
#: Bound below which int64 arithmetic is proved safe (as in :mod:`exactland.exact.intmat`).
INT64_LIMIT = 1 << 62


def bound_of(a: np.ndarray) -> int:
    """``max |a|`` as a Python integer (0 for an empty array).

    Works on int64, object and float64-carrier arrays; the int64 extremes are
    read as Python integers, so ``-2**63`` does not overflow.

    Examples
    --------
    >>> import numpy as np
    >>> bound_of(np.array([[3, -7]])), bound_of(np.array([2.0, -5.0]))
    (7, 5)
    """
    if a.size == 0:
        return 0
    if a.dtype == object:
        return max(abs(int(x)) for x in a.flat)
    return max(-int(a.min()), int(a.max()))


def carrier_ok(inner: int, bound_a: int, bound_b: int) -> bool:
    """True when a product with this inner dimension and entry bounds is exact in float64.

    The proof: every partial sum is at most ``inner·bound_a·bound_b`` in
    absolute value, and that is required to be below :data:`CARRIER_LIMIT`.

    Examples
    --------
    >>> carrier_ok(1, 2**26, 2**26), carrier_ok(2, 2**26, 2**26)
    (True, False)
    """
    return max(inner, 1) * bound_a * bound_b < CARRIER_LIMIT


def limbs(a: np.ndarray, bits: int, bound: int) -> list[np.ndarray]:
    """Sign-magnitude limbs of an int64 array with ``|a| ≤ bound < 2**62``.

    Returns ``[a_0, a_1, …]`` with ``a = Σ_p a_p·2**(bits·p)``, ``|a_p| < 2**bits``
    and ``a_p`` of the sign of ``a`` (so ``Σ_p |a_p|·2**(bits·p) = |a|``).

    Examples
    --------
    >>> import numpy as np
    >>> [x.tolist() for x in limbs(np.array([-13, 6]), 2, 13)]
    [[-1, 2], [-3, 1]]
    """
    if bound >= INT64_LIMIT:
        raise InternalError("limbs of an array beyond the int64 bound")
    mag = np.abs(a.astype(np.int64, copy=False))
    sgn = np.sign(a).astype(np.int64, copy=False)
    mask = (1 << bits) - 1
    out = []
    shift = 0
    while shift == 0 or bound >> shift:
        out.append(((mag >> shift) & mask) * sgn)
        shift += bits
    return out


def _float_product(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a @ b`` in float64; exact only under :func:`carrier_ok` (checked by the callers)."""
    return a.astype(np.float64, copy=False) @ b.astype(np.float64, copy=False)


def _split_bits(inner: int, bound_a: int, bound_b: int) -> tuple[int, int] | None:
    """Limb widths ``(sa, sb)`` (0: no split) with ``inner·2**sa·2**sb ≤ 2**53``."""
    avail = 53 - max(inner, 1).bit_length()  # inner < 2**bit_length
    la, lb = bound_a.bit_length(), bound_b.bit_length()  # |a| < 2**la, |b| < 2**lb
    if avail < 2:
        return None
    if lb < avail:
        return avail - lb, 0
    if la < avail:
        return 0, avail - la
    return avail // 2, avail - avail // 2


def carrier_matmul(a: np.ndarray, b: np.ndarray, bound_a: int, bound_b: int,
                   keep_float: bool = False) -> np.ndarray | None:
    """The exact product of two integer (int64 or float64-carrier) matrices, on BLAS.

    Parameters
    ----------
    a, b : numpy.ndarray
        int64 arrays, or float64 arrays holding integers below ``2**53``.
    bound_a, bound_b : int
        Proved bounds ``|a| ≤ bound_a`` and ``|b| ≤ bound_b`` (:func:`bound_of`).
    keep_float : bool
        Return the float64 carrier itself when the direct product applies.

    Returns
    -------
    numpy.ndarray or None
        ``a @ b`` exactly: float64 (only with ``keep_float`` and
        ``n·bound_a·bound_b < 2**53``), int64 (when ``n·bound_a·bound_b <
        2**62``) or object (Python integers); None when no limb split applies
        (an operand beyond int64).

    Notes
    -----
    Direct: float64 product, exact by the module's proof.  Otherwise each
    operand that needs it is split into limbs of ``sa`` and ``sb`` bits with
    ``n·2**sa·2**sb ≤ 2**53``, so each limb product is a direct product
    (``|a_p| < 2**sa``, ``|b_q| < 2**sb``).

    Examples
    --------
    >>> import numpy as np
    >>> a = np.array([[2**40, -3]]); b = np.array([[2**30], [5]])
    >>> carrier_matmul(a, b, 2**40, 2**30).tolist() == [[2**70 - 15]]
    True
    """
    n = a.shape[1]
    if carrier_ok(n, bound_a, bound_b):
        out = _float_product(a, b)
        return out if keep_float else out.astype(np.int64)
    if max(bound_a, bound_b) >= INT64_LIMIT or a.dtype == object or b.dtype == object:
        return None
    bits = _split_bits(n, bound_a, bound_b)
    if bits is None:
        return None
    la = limbs(a, bits[0], bound_a) if bits[0] else [a]
    lb = limbs(b, bits[1], bound_b) if bits[1] else [b]
    sa, sb = bits
    small = n * bound_a * bound_b < INT64_LIMIT
    total: np.ndarray | None = None
    for p, ap in enumerate(la):
        for q, bq in enumerate(lb):
            part = _float_product(ap, bq).astype(np.int64)
            term = part.astype(object) if not small else part
            term = term << (sa * p + sb * q) if (sa * p + sb * q) else term
            total = term if total is None else total + term
    return total

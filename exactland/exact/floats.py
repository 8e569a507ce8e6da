"""The float → exact rule: how a float from someone's training run becomes an exact number.

There is one rule, with one named alternative (DESIGN §14):

``"shortest-decimal"`` (the default)
    The shortest decimal that rounds back to the same float *of the float's
    own type*: ``0.1`` (float64) → ``1/10``; ``np.float32(0.1)`` → ``1/10`` as
    well, because a float32 is read as a float32 (its shortest decimal is
    ``0.1``, not the float64 ``0.10000000149011612``). This is the number a
    person reads in a printout and would type into a problem file. float16,
    float32 and float64 (and NumPy's longdouble) are each read in their own
    precision (NumPy's Dragon4 with ``unique=True``; Python's ``repr`` for
    float64, which gives the same digits).
``"exact-binary"``
    The exact value of the binary float: ``0.1`` →
    ``3602879701896397/36028797018963968``, ``np.float32(0.1)`` →
    ``13421773/134217728``.

Neither turns a float point into a stationary point: a point written in
floats is in general not stationary, whatever the rule; snap it (DESIGN §9).
NaN and infinities are refused with the entry named. Integers (Python or
NumPy) are exact already and pass through unchanged.

Arrays are converted value by value over their *distinct* values only
(``np.unique``), so a million-entry matrix with repeated values costs one
conversion per distinct value.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from flint import fmpq

from exactland.errors import InputError, NotExactError

__all__ = ["FLOAT_RULES", "float_rule", "float_to_exact", "floats_to_exact", "shortest_decimal"]

#: The names of the two conversions, as recorded in a problem's ``origin``.
FLOAT_RULES = ("shortest-decimal", "exact-binary")


def float_rule(exact_binary: bool) -> str:
    """The name of the rule selected by ``exact_binary``.

    Examples
    --------
    >>> float_rule(False), float_rule(True)
    ('shortest-decimal', 'exact-binary')
    """
    return FLOAT_RULES[1] if exact_binary else FLOAT_RULES[0]


def shortest_decimal(x: Any) -> str:
    """The shortest decimal text that rounds back to ``x`` in ``x``'s own float type.

    Parameters
    ----------
    x : float or NumPy floating scalar
        A finite float; a NumPy float32 is read as a float32.

    Returns
    -------
    str
        Scientific or positional text (``"0.1"``, ``"1e-08"``).

    Examples
    --------
    >>> shortest_decimal(0.1), shortest_decimal(np.float32(0.1)), shortest_decimal(np.float16(1/3))
    ('0.1', '1e-01', '3.333e-01')
    """
    if type(x) is float or isinstance(x, np.float64):
        return repr(float(x))
    return np.format_float_scientific(x, unique=True, trim="-")


def _decimal_text_value(text: str) -> fmpq:
    """The exact value of a decimal text in the formats of :func:`shortest_decimal`."""
    mantissa, _, exponent = text.partition("e")
    whole, _, frac = mantissa.partition(".")
    n = int(whole + frac)
    e = (int(exponent) if exponent else 0) - len(frac)
    return fmpq(n * 10**e) if e >= 0 else fmpq(n, 10**-e)


def _check_finite(x: Any, where: str) -> None:
    if not np.isfinite(x):
        raise NotExactError(f"{float(x)!r} is not a finite number: a network or data set with "
                            "NaN or infinite entries cannot be made exact", where)


def float_to_exact(x: Any, *, exact_binary: bool = False, where: str = "value") -> fmpq:
    """One float (Python or NumPy) as an exact rational by the float rule.

    Parameters
    ----------
    x : float, NumPy floating scalar, or an integer
        Integers are returned exactly.
    exact_binary : bool, default False
        False: the shortest decimal that rounds back to ``x`` in its own type;
        True: the exact binary value.
    where : str
        The entry's name, for the error message.

    Raises
    ------
    NotExactError
        NaN or an infinity; bools and non-numbers.

    Examples
    --------
    >>> float_to_exact(0.1), float_to_exact(np.float32(0.1))
    (1/10, 1/10)
    >>> float_to_exact(np.float32(0.1), exact_binary=True)
    13421773/134217728
    >>> float_to_exact(float("nan"), where="W[0][1]")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    exactland.errors.NotExactError: W[0][1]: nan is not a finite number: ...
    """
    if isinstance(x, (bool, np.bool_)):
        raise NotExactError(f"{x!r} is a bool, not a number", where)
    if isinstance(x, (int, np.integer)):
        return fmpq(int(x))
    if not isinstance(x, (float, np.floating)):
        raise NotExactError(f"{type(x).__name__} is not a float", where)
    _check_finite(x, where)
    if exact_binary:
        if isinstance(x, np.longdouble) and np.finfo(np.longdouble).nmant > 52:
            p, q = x.as_integer_ratio()
        else:
            p, q = float(x).as_integer_ratio()
        return fmpq(p, q)
    return _decimal_text_value(shortest_decimal(x))


def floats_to_exact(values: Any, *, exact_binary: bool = False, where: str = "value") -> np.ndarray:
    """A NumPy array of floats (or integers) as an object array of exact ``fmpq``.

    Each distinct value is converted once (:func:`float_to_exact`); the result
    has the input's shape.

    Parameters
    ----------
    values : array_like
        Floats of one dtype (float16/32/64) or integers; lists are read by
        ``np.asarray`` (Python floats as float64).
    exact_binary : bool, default False
        The rule (see the module docstring).
    where : str
        The array's name: the error names the first non-finite entry,
        e.g. ``W[2][0]``.

    Returns
    -------
    numpy.ndarray
        dtype object, entries ``fmpq``.

    Raises
    ------
    NotExactError
        A NaN or infinite entry (named by its position).
    InputError
        A dtype that is neither float nor integer (complex, strings, bools).

    Examples
    --------
    >>> floats_to_exact(np.array([[0.5, 0.1], [0.1, 2.0]], dtype=np.float32), where="W").tolist()
    [[1/2, 1/10], [1/10, 2]]
    """
    arr = np.asarray(values)
    if arr.dtype.kind in "iu":
        flat = [fmpq(int(v)) for v in arr.ravel().tolist()]
        return _object_array(flat, arr.shape)
    if arr.dtype.kind != "f":
        raise InputError(f"expected an array of floats or integers, got dtype {arr.dtype}", where)
    bad = np.argwhere(~np.isfinite(arr))
    if len(bad):
        pos = "".join(f"[{int(i)}]" for i in bad[0])
        _check_finite(arr[tuple(bad[0])], where + pos)
    uniq, inverse = np.unique(arr.ravel(), return_inverse=True)
    if exact_binary and arr.dtype.itemsize <= 8:  # float16/32 widen to float64 exactly
        exact = [fmpq(*v.as_integer_ratio()) for v in uniq.astype(np.float64).tolist()]
    elif exact_binary:
        exact = [float_to_exact(v, exact_binary=True, where=where) for v in uniq]
    elif arr.dtype == np.float64:  # Python's repr: the same digits as Dragon4, faster
        exact = [_decimal_text_value(repr(v)) for v in uniq.tolist()]
    else:
        fmt = np.format_float_scientific
        exact = [_decimal_text_value(fmt(v, unique=True, trim="-")) for v in uniq]
    return _object_array([exact[k] for k in inverse.ravel().tolist()], arr.shape)


def _object_array(flat: list[fmpq], shape: tuple[int, ...]) -> np.ndarray:
    out = np.empty(len(flat), dtype=object)
    out[:] = flat
    return out.reshape(shape)

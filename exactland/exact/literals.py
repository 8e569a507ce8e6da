"""Plain number literals read exactly, within limits.

Integers, ``p/q`` and decimals, in strings (:func:`exactland.exact.scalars.parse_exact`)
and as JSON literals (:mod:`exactland.exact.jsonio`), are matched by patterns
of ASCII digits only (``"0x10"``, ``"1_000"``, ``"1e1_0"``, ``"١٢"`` are no
plain numbers) and read exactly, without Python's 4,300-digit limit on
``int(str)`` and without touching the global setting, up to:

=====================  =======  ============================================
``MAX_DIGITS``         100 000  digits of an integer, of p or q, of a decimal
``MAX_EXPONENT``       100 000  ``|e|`` of a decimal's size ``10**e``
``MAX_EXPONENT_TEXT``  6        digits of the exponent field of a decimal
=====================  =======  ============================================

Beyond them the value is refused with a message naming the limit ("...
exceeds exactland's limit of ..."), never computed slowly.
"""
from __future__ import annotations

import re
from typing import Any

from flint import fmpq, fmpz

from exactland.errors import NotExactError, describe_value

__all__ = ["MAX_DIGITS", "MAX_EXPONENT", "MAX_EXPONENT_TEXT", "literal_problem", "decimal_value",
           "read_plain"]

MAX_DIGITS = 100_000
MAX_EXPONENT = 100_000
MAX_EXPONENT_TEXT = 6

_INT_RE = re.compile(r"[+-]?[0-9]+", re.ASCII)
_FRAC_RE = re.compile(r"([+-]?[0-9]+)[ \t]*/[ \t]*([0-9]+)", re.ASCII)
_DEC_RE = re.compile(r"([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?", re.ASCII)
_LIMIT = "exceeds exactland's limit of"


def literal_problem(text: str) -> str | None:
    """Why a JSON or plain number literal is beyond the limits, or None.

    Examples
    --------
    >>> literal_problem("12.5e3") is None
    True
    >>> literal_problem("1e" + "9" * 7)
    "a decimal exponent of 7 digits exceeds exactland's limit of 6 digits"
    """
    m = _DEC_RE.fullmatch(text.strip())
    if m is None:
        return None
    digits = len(m.group(2)) + len(m.group(3) or "")
    if digits > MAX_DIGITS:
        return f"a number of {digits} digits {_LIMIT} {MAX_DIGITS} digits"
    exp = (m.group(4) or "0").lstrip("+-").lstrip("0")
    if len(exp) > MAX_EXPONENT_TEXT:
        return f"a decimal exponent of {len(exp)} digits {_LIMIT} {MAX_EXPONENT_TEXT} digits"
    return None


def decimal_value(sign: int, digits: str, exponent: int, where: str, text: Any) -> fmpq:
    """``sign * digits * 10**exponent`` exactly, refusing a value beyond ``MAX_EXPONENT``."""
    mant = fmpz(digits.lstrip("0") or "0")
    if mant == 0:
        return fmpq(0)
    adjusted = exponent + len(digits.lstrip("0")) - 1
    if abs(adjusted) > MAX_EXPONENT:
        raise NotExactError(f"{describe_value(text)} is of size 10**{adjusted}, which {_LIMIT} "
                            f"10**{MAX_EXPONENT} (in absolute value of the exponent)", where)
    value = fmpq(mant) * fmpq(10) ** exponent
    return -value if sign < 0 else value


def read_plain(s: str, text: Any, where: str) -> fmpq | None:
    """An integer, ``p/q`` or decimal string (stripped, ASCII) read exactly; None otherwise."""
    m = _FRAC_RE.fullmatch(s)
    if _INT_RE.fullmatch(s) or m:
        parts = [s] if m is None else [m.group(1), m.group(2)]
        for part in parts:
            if len(part.lstrip("+-")) > MAX_DIGITS:
                raise NotExactError(f"an integer of {len(part.lstrip('+-'))} digits {_LIMIT} "
                                    f"{MAX_DIGITS} digits", where)
        nums = [fmpz(p.lstrip("+")) for p in parts]
        if len(nums) == 2 and nums[1] == 0:
            raise NotExactError(f"{describe_value(text)}: division by zero", where)
        return fmpq(*nums)
    d = _DEC_RE.fullmatch(s)
    if d is None or not (d.group(2) or d.group(3)):
        return None
    problem = literal_problem(s)
    if problem:
        raise NotExactError(f"{describe_value(text)}: {problem}", where)
    frac = d.group(3) or ""
    return decimal_value(-1 if d.group(1) == "-" else 1, d.group(2) + frac,
                         int(d.group(4) or "0") - len(frac), where, text)

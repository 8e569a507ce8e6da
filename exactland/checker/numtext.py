"""Exact numbers to and from text, for the checker (no code of the certifier).

Rationals are read into :class:`fractions.Fraction` from ``"p"``, ``"p/q"`` and
decimals with ASCII digits only, of any length (long digit strings are
converted in chunks; Python's global 4,300-digit limit is left alone).
Irrational algebraic numbers go through ``exactland.exact.scalars.parse_exact``.
"""
from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

from exactland.errors import CertificateFormatError as CFE

__all__ = ["RATIONAL", "MAX_EXPONENT", "show_value", "int_text", "fraction_text", "long_int",
           "fraction_from_text", "algebraic_from_text", "digest_text", "number_text"]

RATIONAL = re.compile(r"[+-]?[0-9]+(\s*/\s*[0-9]+)?|[+-]?([0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)([eE][+-]?[0-9]+)?",
                      re.ASCII)
#: Largest decimal exponent accepted (``1e100000``).
MAX_EXPONENT = 100_000


def digest_text(v: Any, w: str) -> str:
    if not isinstance(v, str) or not re.fullmatch(r"sha256:[0-9a-f]{64}", v):
        raise CFE(f"expected 'sha256:' and 64 lowercase hex digits, got {show_value(v)}", w)
    return v


def show_value(v: Any, limit: int = 60) -> str:
    """A short repr of an input value for a message (never fails, never huge)."""
    if isinstance(v, int) and not isinstance(v, bool) and abs(v) >= 10 ** 60:
        return f"<an integer of about {v.bit_length() * 30103 // 100000} digits>"
    text = repr(v)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def int_text(n: int) -> str:
    """Decimal text of an int of any size (no 4300-digit limit; the global setting is left alone)."""
    if abs(n) < 10 ** 4000:
        return str(n)
    q, r = divmod(abs(n), 10 ** 4000)
    return ("-" if n < 0 else "") + int_text(q) + str(r).rjust(4000, "0")


def fraction_text(q: Fraction) -> str:
    """The canonical exact text of a rational: ``"p/q"`` in lowest terms, or ``"p"``.

    Examples
    --------
    >>> fraction_text(Fraction(-14, 50)), fraction_text(Fraction(3))
    ('-7/25', '3')
    """
    if q.denominator == 1:
        return int_text(q.numerator)
    return f"{int_text(q.numerator)}/{int_text(q.denominator)}"


#: Python number syntax that is not an exact decimal: digit separators, 0x/0o/0b prefixes.
_NOT_DECIMAL = re.compile(r"_|(?<![0-9A-Za-z.])0[xXoObB]")


def algebraic_from_text(text: str, where: str) -> Any:
    if not text.isascii() or _NOT_DECIMAL.search(text):
        raise CFE(f"{show_value(text)} is not an exact decimal, fraction or algebraic expression "
                  "(ASCII digits only, no digit separators or base prefixes)", where)
    try:
        from exactland.exact.scalars import parse_exact
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise CFE(f"{text!r} is not a rational and exactland.exact.scalars is unavailable", where) from exc
    try:
        return parse_exact(text, where)
    except Exception as exc:  # NotExactError and SymPy parse failures alike
        raise CFE(f"{text!r} is not an exact number ({exc})", where) from exc


def long_int(digits: str) -> int:
    """``int(digits)`` for decimal strings of any length (Python refuses more than
    4300 digits in one conversion; convert in chunks, leaving the global limit alone)."""
    sign = -1 if digits.startswith("-") else 1
    digits = digits.lstrip("+-")
    value = 0
    for start in range(0, len(digits), 4000):
        chunk = digits[start:start + 4000]
        value = value * 10 ** len(chunk) + int(chunk)
    return sign * value


def fraction_from_text(text: str, where: str) -> Fraction:
    """A rational written ``"p"``, ``"p/q"`` or as a decimal (ASCII digits only).

    Examples
    --------
    >>> fraction_from_text("-0.28", "x"), fraction_from_text("6/4", "x")
    (Fraction(-7, 25), Fraction(3, 2))
    """
    s = text.strip()
    if not RATIONAL.fullmatch(s):
        raise CFE(f"{show_value(text)} is not an exact decimal or fraction (ASCII digits only)", where)
    big = re.fullmatch(r"([+-]?[0-9]+)\s*(?:/\s*([0-9]+))?", s, re.ASCII)
    if big:
        den = long_int(big.group(2)) if big.group(2) else 1
        if den == 0:
            raise CFE(f"{show_value(text)}: division by zero", where)
        return Fraction(long_int(big.group(1)), den)
    mant, _, exp = s.lower().partition("e")
    if exp and (len(exp.lstrip("+-")) > 6 or abs(int(exp)) > MAX_EXPONENT):
        raise CFE(f"{show_value(text)} has an exponent beyond 10**{MAX_EXPONENT}", where)
    whole, _, frac = mant.lstrip("+-").partition(".")
    num = long_int((whole or "0") + frac) * (-1 if mant.startswith("-") else 1)
    power = (int(exp) if exp else 0) - len(frac)
    return Fraction(num * 10 ** power) if power >= 0 else Fraction(num, 10 ** -power)


def number_text(x: Any) -> str:
    """The canonical text of a parsed number: :func:`fraction_text` for rationals,
    the normal form of an irrational algebraic number otherwise."""
    return fraction_text(x) if isinstance(x, Fraction) else str(x)

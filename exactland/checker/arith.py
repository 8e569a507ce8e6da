"""Exact arithmetic of the checker: the number type in use, ``INFINITY`` and small helpers.

Rational certificates are checked with :class:`fractions.Fraction` and Python
integers, certificates with irrational algebraic numbers with the numbers
``exactland.exact.scalars.parse_exact`` returns (:class:`Field` hides the
difference).  No float and no tolerance appears anywhere.
"""
from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, Callable

from exactland.checker.numtext import fraction_text


class _Infinity:
    """The certificate's ``"inf"`` (compared only through :func:`le`)."""

    def __repr__(self) -> str:
        return "inf"


INFINITY = _Infinity()


def le(a: Any, b: Any) -> bool:
    """``a ≤ b`` with ``INFINITY`` as +infinity."""
    return b is INFINITY or (a is not INFINITY and a <= b)


def minimum(a: Any, b: Any) -> Any:
    return b if a is INFINITY else a if b is INFINITY else (a if a <= b else b)


def positive(a: Any) -> bool:
    return a is INFINITY or a > 0


def absolute(a: Any) -> Any:
    return -a if a < 0 else a


def dot(a: Any, b: Any) -> Any:
    return sum((x * y for x, y in zip(a, b)), 0)


def is_zero_vector(v: Any) -> bool:
    return all(x == 0 for x in v)


def fmt(x: Any) -> str:
    if hasattr(x, "fractions"):  # a QArray
        x = x.fractions()
    if isinstance(x, (list, tuple)):
        return "[" + ", ".join(fmt(y) for y in x) + "]"
    if isinstance(x, Fraction):
        return fraction_text(x)  # no 4,300-digit limit
    return "null" if x is None else str(x).lower() if isinstance(x, bool) else str(x)


class Field:
    """Division and small constants of the number type in use."""

    def __init__(self, algebraic: bool) -> None:
        self.algebraic = algebraic
        if algebraic:
            from flint import fmpq  # the type parse_exact returns
            self._frac: Callable[[int, int], Any] = fmpq
        else:
            self._frac = Fraction

    def div(self, a: Any, b: Any) -> Any:
        if isinstance(a, int) and isinstance(b, int):
            return self._frac(a, b)
        return a / b

    def clear(self, values: list) -> tuple[list, int]:
        """Integer numerators over one common denominator (rational mode)."""
        if self.algebraic:
            return list(values), 1
        den = 1
        for v in values:
            den = den * v.denominator // math.gcd(den, v.denominator)
        return [v.numerator * (den // v.denominator) for v in values], den

    def clear_rows(self, rows: list) -> tuple[list, int]:
        flat, den = self.clear([x for r in rows for x in r])
        n = len(rows[0]) if rows else 0
        return [flat[a * n:(a + 1) * n] for a in range(len(rows))], den

    def q(self, num: Any, den: int) -> Any:
        return num if self.algebraic else Fraction(num, den)


def interpolate(ts: list, vals: list, div: Callable[[Any, Any], Any]) -> list:
    """Monomial coefficients of the polynomial through (ts, vals) (Newton)."""
    n, c = len(ts), list(vals)
    for lev in range(1, n):
        for m in range(n - 1, lev - 1, -1):
            c[m] = div(c[m] - c[m - 1], ts[m] - ts[m - lev])
    poly = [c[n - 1]]
    for m in range(n - 2, -1, -1):
        new: list = [0] * (len(poly) + 1)
        for a, x in enumerate(poly):
            new[a + 1] += x
            new[a] -= x * ts[m]
        new[0] += c[m]
        poly = new
    return poly


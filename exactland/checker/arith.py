"""Exact arithmetic of the checker: the number type in use, ``INF`` and small helpers.

Rational certificates are checked with :class:`fractions.Fraction` and Python
integers, certificates with irrational algebraic numbers with the numbers
``exactland.exact.scalars.parse_exact`` returns (:class:`_Field` hides the
difference).  No float and no tolerance appears anywhere.
"""
from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, Callable


class _Inf:
    """The certificate's ``"inf"`` (compared only through :func:`_le`)."""

    def __repr__(self) -> str:
        return "inf"


INF = _Inf()


def _le(a: Any, b: Any) -> bool:
    """``a ≤ b`` with ``INF`` as +infinity."""
    return b is INF or (a is not INF and a <= b)


def _min(a: Any, b: Any) -> Any:
    return b if a is INF else a if b is INF else (a if a <= b else b)


def _pos(a: Any) -> bool:
    return a is INF or a > 0


def _abs(a: Any) -> Any:
    return -a if a < 0 else a


def _dot(a: Any, b: Any) -> Any:
    return sum((x * y for x, y in zip(a, b)), 0)


def _zero(v: Any) -> bool:
    return all(x == 0 for x in v)


def _fmt(x: Any) -> str:
    if isinstance(x, (list, tuple)):
        return "[" + ", ".join(_fmt(y) for y in x) + "]"
    return "null" if x is None else str(x).lower() if isinstance(x, bool) else str(x)


class _Field:
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


def _interpolate(ts: list, vals: list, div: Callable[[Any, Any], Any]) -> list:
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


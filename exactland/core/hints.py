"""Advice that is not mathematics: does a point look like a rounded float copy?

A float written out in decimal (``1.3333333333333333``, float32's
``0.33333334``) or as its exact binary value is a *rational* that is almost
never a stationary point itself, even when the float it came from sat on one
(docs/mathematics.md §9). ``certify`` answers exactly for the rational that was
written; this module only recognises the pattern, so that the CLI can suggest
``exactland snap``. It never influences a verdict.
"""
from __future__ import annotations

from typing import Any

from flint import fmpq

from exactland.core.problem import Problem

__all__ = ["rounding_hint", "looks_rounded"]

#: A terminating decimal with more digits after the point than this looks like a float.
DECIMALS = 6
#: A dyadic denominator at least this large looks like an exact binary float value.
BINARY = 2 ** 20


def _decimals(q: fmpq) -> int | None:
    """Digits after the decimal point of a terminating decimal ``q`` (None: not terminating)."""
    den = int(q.q)
    twos = fives = 0
    while den % 2 == 0:
        den //= 2
        twos += 1
    while den % 5 == 0:
        den //= 5
        fives += 1
    return max(twos, fives) if den == 1 else None


def looks_rounded(x: Any) -> bool:
    """True when the exact number ``x`` looks like a float written out.

    Examples
    --------
    >>> looks_rounded(fmpq(13333333333333333, 10**16)), looks_rounded(fmpq(4, 3))
    (True, False)
    >>> looks_rounded(fmpq(11184811, 2**25)), looks_rounded(fmpq(1, 8))
    (True, False)
    """
    if type(x) is not fmpq:
        return False
    n = _decimals(x)
    if n is None:
        return False
    return n > DECIMALS or (int(x.q) & (int(x.q) - 1) == 0 and int(x.q) >= BINARY)


def rounding_hint(problem: Problem, verdict: str) -> str | None:
    """A one-line suggestion to snap, or None.

    Given when the verdict is ``not-stationary`` and some entry of W, H or b
    looks rounded (:func:`looks_rounded`); the verdict itself stays exact.

    Examples
    --------
    >>> from exactland.core.problem import load
    >>> p = load({"activation": {"alpha_plus": 1, "alpha_minus": 0}, "X": [[1, 0], [0, 1]],
    ...           "Y": [[1], [2]], "W": [["0.3333333333", 0]], "H": [[1]]})
    >>> print(rounding_hint(p, "not-stationary"))  # doctest: +NORMALIZE_WHITESPACE
    hint: W[0][0] = 0.3333333333 looks like a rounded float; a float copy of a stationary point is
    almost never stationary itself: try `exactland snap PROBLEM` for the exact point nearby
    """
    if verdict != "not-stationary":
        return None
    named = [("W", problem.W), ("H", problem.H)] + ([("b", (problem.b,))] if problem.b is not None else [])
    for name, m in named:
        for r, row in enumerate(m):
            for c, x in enumerate(row):
                if looks_rounded(x):
                    where = f"b[{c}]" if name == "b" else f"{name}[{r}][{c}]"
                    return (f"hint: {where} = {_show(x)} looks like a rounded float; a float copy of a "
                            "stationary point is almost never stationary itself: try `exactland snap "
                            "PROBLEM` for the exact point nearby")
    return None


def _show(x: fmpq) -> str:
    n = _decimals(x) or 0
    if n > 40:
        return str(x)
    num = int(x.p) * 10 ** n // int(x.q)
    sign, digits = ("-" if num < 0 else ""), str(abs(num)).rjust(n + 1, "0")
    return f"{sign}{digits[:-n]}.{digits[-n:]}" if n else f"{sign}{digits}"

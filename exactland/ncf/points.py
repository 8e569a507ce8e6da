"""KKT points of the constrained NCF: the result type and shared exact helpers.

See :mod:`exactland.ncf.kkt` (Kumar & Haupt, arXiv:2402.09226; summary in
``/work/shared/paper/directional-convergence-summary.md``; DESIGN.md §13).

Numbers are exact: ``Fraction`` when rational, otherwise
:class:`~exactland.exact.algebraic.RealAlg` (whose rational results are
``Fraction`` again). A square root is taken with the parser's radical rules
first (``sqrt(8) = 2*sqrt(2)``); when those refuse it (an irrational radicand
too large for them) the root is built directly as the generator of
``Q(sqrt(q))`` with SymPy's primitive element, which is exact and costs a
fraction of a second for the degrees met here (≤ 8). Unit directions of
degree-4 points would need degree-8 roots: :meth:`KKTPoint.direction_text`
falls back to the exact text ``v_i/sqrt(‖v‖²)`` instead of building them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from itertools import product
from typing import Any

from exactland.errors import InputError, NotExactError
from exactland.exact.algebraic import RealAlg, generator, import_sympy
from exactland.exact.scalars import parse_exact, sign, to_float, to_str, to_sympy

__all__ = ["KKTPoint", "MAX_PATTERN_BITS", "sqrt_exact", "sqrt_text", "exact_number", "sign_patterns"]

#: At most 2^MAX_PATTERN_BITS sign patterns are tried per face.
MAX_PATTERN_BITS = 16


def exact_number(x: Any) -> Any:
    """``x`` as a ``Fraction`` when rational, else a RealAlg whose rational results are ``Fraction``."""
    if isinstance(x, RealAlg):
        return x.with_rational_type(Fraction)
    if isinstance(x, Fraction):
        return x
    q = parse_exact(x, "number")
    if isinstance(q, RealAlg):
        return q.with_rational_type(Fraction)
    return Fraction(int(q.p), int(q.q))


def sqrt_exact(q: Any) -> Any:
    """The exact square root of a non-negative exact number (rational or RealAlg).

    Examples
    --------
    >>> str(sqrt_exact(Fraction(8))), sqrt_exact(Fraction(9, 4))
    ('2*sqrt(2)', Fraction(3, 2))
    """
    s = sign(q)
    if s < 0:
        raise NotExactError(f"sqrt of the negative number {to_str(q)}", "sqrt")
    if s == 0:
        return Fraction(0)
    try:
        return exact_number(parse_exact(f"sqrt({to_str(q)})", "sqrt"))
    except NotExactError:
        if not isinstance(q, RealAlg):
            raise
    sp = import_sympy()
    return generator(sp.sqrt(to_sympy(q))).with_rational_type(Fraction)


def sqrt_text(q: Any) -> str:
    """Exact text of ``sqrt(q)``: simplified when the parser's radical rules allow, else ``sqrt(q)``."""
    try:
        return to_str(parse_exact(f"sqrt({to_str(q)})", "sqrt"))
    except NotExactError:
        return f"sqrt({to_str(q)})"


@dataclass(frozen=True)
class KKTPoint:
    """One KKT point of the constrained NCF.

    Attributes
    ----------
    vector : tuple
        An exact (unnormalised) direction in the point's number field.
    norm2 : exact number
        ``‖vector‖²``.
    value2 : exact number
        The squared value: ``N(u)²`` (|J| = 1) or ``‖N(u)‖²`` (|J| > 1) at the
        unit ``u = vector/‖vector‖``.
    vsign : int
        The sign of the value: ``sign N(u)`` (|J| = 1), 1 (|J| > 1).
    zero : tuple of int
        Samples with ``u·x_k = 0`` (the face).
    kind : str
        ``local-max``, ``local-min`` or ``other`` (of N for |J| = 1, of ‖N‖ for |J| > 1).
    grows : int
        |J| = 1: the sign of h that grows along u (``−sign(value)``; 0 if none).
        |J| > 1: 1 (h grows along ``−N(u)``) unless the value is 0.
    h_direction : tuple
        ``−N(vector)`` (the direction h grows along), exact.
    """

    vector: tuple[Any, ...]
    norm2: Any
    value2: Any
    vsign: int
    zero: tuple[int, ...]
    kind: str
    grows: int
    h_direction: tuple[Any, ...] = field(default=())

    @cached_property
    def value(self) -> Any:
        """``N(u)`` (|J| = 1) or ``‖N(u)‖`` (|J| > 1), exact."""
        return self.vsign * sqrt_exact(self.value2)

    def value_text(self) -> str:
        """Exact text of :attr:`value`."""
        t = sqrt_text(self.value2)
        return t if self.vsign > 0 else "0" if self.vsign == 0 else f"-({t})" if " " in t else f"-{t}"

    def value_float(self) -> float:
        """Display only."""
        return self.vsign * to_float(self.value2) ** 0.5

    def direction(self) -> tuple[Any, ...]:
        """The exact unit vector ``vector/‖vector‖`` (may build a larger number field)."""
        n = sqrt_exact(self.norm2)
        return tuple(c / n if c else c for c in self.vector)

    def direction_text(self) -> list[str]:
        """Exact text of the unit direction (``v_i/sqrt(‖v‖²)`` when the root is not simplified)."""
        try:
            n = exact_number(parse_exact(f"sqrt({to_str(self.norm2)})", "sqrt"))
        except NotExactError:
            n2 = to_str(self.norm2)
            return [to_str(c) if not c else f"({to_str(c)})/sqrt({n2})" for c in self.vector]
        return [to_str(c / n if c else c) for c in self.vector]

    def direction_float(self) -> tuple[float, ...]:
        """Display only."""
        n = to_float(self.norm2) ** 0.5
        return tuple(to_float(c) / n for c in self.vector)


def sign_patterns(Z: tuple[int, ...], K: int) -> tuple[list[int], Any]:
    """The samples off the face Z and an iterator over their strict sign patterns."""
    others = [k for k in range(K) if k not in Z]
    if len(others) > MAX_PATTERN_BITS:
        raise InputError(f"{len(others)} samples off a face: more than 2^{MAX_PATTERN_BITS} sign patterns",
                         "problem")
    return others, product((1, -1), repeat=len(others))

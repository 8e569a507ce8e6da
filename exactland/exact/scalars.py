"""Exact numbers: rationals (``flint.fmpq``) and real algebraic numbers.

Every number that enters exactland goes through :func:`parse_exact`.  Rationals
become :class:`flint.fmpq` without touching SymPy; irrational real algebraic
numbers (``"sqrt(2)/2"``, ``"(1+sqrt(5))/2"``) become :class:`RealAlg`
(:mod:`exactland.exact.algebraic`), an element of a real number field ``Q(theta)``
stored as a polynomial in ``theta`` with rational coefficients, whose zero
tests and signs are exact; no floating-point tolerance decides anything.

Floats are refused; the only named conversions from floats are
:func:`exact_from_float` (the exact binary value) and :func:`rational_from_float`
(a rounding chosen on purpose).

Reading is bounded, so that no input can make it slow: plain numbers of up to
100,000 digits and decimal exponents up to 10**±100,000
(:mod:`exactland.exact.literals`); algebraic expressions checked by a
whitelist and limits on length, literals, exponents, radicals and the degree
of the number field before SymPy sees them (:mod:`exactland.exact.expression`).
Strings with characters outside ASCII are refused.  Error messages quote input
values through :func:`exactland.errors.describe_value`.
"""
from __future__ import annotations

import numbers
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Union

from flint import fmpq, fmpz

from exactland.exact.algebraic import RealAlg, field_of, generator, lift, import_sympy
from exactland.exact.expression import check_expression
from exactland.exact.literals import MAX_DIGITS, decimal_value, read_plain
from exactland.exact.radicals import evaluate_checked, is_rational_radical, radical_product, rational_root
from exactland.errors import InputError, NotExactError, describe_value

if TYPE_CHECKING:  # pragma: no cover
    import sympy

__all__ = [
    "RealAlg", "parse_exact", "exact_from_float", "rational_from_float", "to_str", "to_text",
    "sign", "is_rational", "to_sympy", "to_float", "as_fraction",
]

Exact = Union[fmpq, RealAlg]


# ---------------------------------------------------------------- parsing
def parse_exact(value: Any, where: str = "value") -> Exact:
    """Read an exact number: a rational ``fmpq`` or an irrational :class:`RealAlg`.

    Parameters
    ----------
    value : int, fmpq, fmpz, Fraction, Decimal, str, sympy.Expr or RealAlg
        Strings (ASCII) may be integers, ``"p/q"``, decimals (read as the
        decimal they spell) or algebraic expressions of numbers with
        ``+ - * / **`` (``^`` too; exponents literal integers or fractions),
        ``sqrt``, ``cbrt``, ``root``, ``real_root``, ``Rational``, ``Abs``,
        within the limits of :mod:`exactland.exact.literals` and
        :mod:`exactland.exact.expression`.
    where : str
        Name of the input field, used in error messages.

    Returns
    -------
    fmpq or RealAlg
        ``fmpq`` whenever the value is rational.

    Raises
    ------
    NotExactError
        For floats, bools, NaN/infinity, transcendental or non-real numbers,
        division by zero, unparsable strings, values beyond a limit (the
        message names it) and unsupported types.

    Examples
    --------
    >>> parse_exact("-0.28"), parse_exact("7/10"), parse_exact(Decimal("1e-3"))
    (-7/25, 7/10, 1/1000)
    >>> parse_exact("sqrt(8)/2")
    RealAlg(sqrt(2))
    >>> parse_exact(0.28, "X[0][0]")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    exactland.errors.NotExactError: X[0][0]: 0.28 is a float, ...
    """
    if isinstance(value, bool):
        raise NotExactError(f"{value!r} is a bool, not a number", where)
    if isinstance(value, fmpq):
        return value
    if isinstance(value, (int, fmpz)):
        return fmpq(value)
    if isinstance(value, Fraction):
        return fmpq(value.numerator, value.denominator)
    if isinstance(value, RealAlg):
        return value
    if isinstance(value, Decimal):
        return _from_decimal(value, where)
    if isinstance(value, float):
        raise NotExactError(
            f"{value!r} is a float, which is not exact: pass a string such as \"0.28\" "
            "(read as the decimal 7/25), or convert on purpose with exact_from_float(x) "
            "(its binary value) or rational_from_float(x, max_denominator)", where)
    if isinstance(value, str):
        return _parse_str(value, where)
    if type(value).__module__.split(".")[0] == "sympy":
        return _from_sympy(value, where, value)
    if isinstance(value, numbers.Integral):
        return fmpq(int(value))  # numpy integer scalars
    raise NotExactError(f"{type(value).__name__} {describe_value(value)} is not an exact number",
                        where)


def _from_decimal(d: Decimal, where: str) -> fmpq:
    if not d.is_finite():
        raise NotExactError(f"{d} is not a finite number", where)
    sgn, digits, exponent = d.as_tuple()
    if len(digits) > MAX_DIGITS:
        raise NotExactError(f"a decimal of {len(digits)} digits exceeds exactland's limit of "
                            f"{MAX_DIGITS} digits", where)
    return decimal_value(-1 if sgn else 1, "".join(map(str, digits)), int(exponent), where, d)


def _parse_str(text: str, where: str) -> Exact:
    if not text.isascii():
        raise NotExactError(f"{describe_value(text)} is not an exact number: it contains characters "
                            "outside ASCII (write numbers with the digits 0-9)", where)
    s = text.strip()
    if not s:
        raise NotExactError("empty string is not a number", where)
    plain = read_plain(s, text, where)
    if plain is not None:
        return plain
    s = s.replace("^", "**")
    tree, exact = check_expression(s, text, where)
    return evaluate_checked(tree, exact, s, text, where)


def _from_sympy(expr: Any, where: str, text: str) -> Exact:
    sp = import_sympy()
    if not isinstance(expr, sp.Expr):
        raise NotExactError(f"{describe_value(text)} is unparsable / not a number", where)
    if expr.has(sp.nan):
        raise NotExactError(f"{describe_value(text)} is not a number (nan)", where)
    if expr.has(sp.zoo):
        raise NotExactError(f"{describe_value(text)}: division by zero (complex infinity)", where)
    if expr.has(sp.oo, -sp.oo):
        raise NotExactError(f"{describe_value(text)} is infinite, not a finite number", where)
    if expr.free_symbols:
        raise NotExactError(f"{describe_value(text)} is unparsable / not a number (free symbols "
                            f"{sorted(map(str, expr.free_symbols))})", where)
    if expr.has(sp.Float):
        raise NotExactError(f"{describe_value(text)} contains an inexact float", where)
    try:
        return _evaluate(sp, expr, where, text)
    except ZeroDivisionError:
        raise NotExactError(f"{describe_value(text)}: division by zero", where) from None


def _evaluate(sp: Any, e: Any, where: str, text: str) -> Any:
    """Evaluate a SymPy expression tree exactly with fmpq/RealAlg arithmetic."""
    if isinstance(e, sp.Rational):
        return fmpq(int(e.p), int(e.q))
    if isinstance(e, (sp.Add, sp.Mul)):
        rads = [a for a in e.args if isinstance(e, sp.Mul) and is_rational_radical(sp, a)]
        vals = [_evaluate(sp, a, where, text) for a in e.args if not any(a is r for r in rads)]
        if rads:  # one field for the radicals of a product (see radical_product)
            vals.append(radical_product([(fmpq(int(r.base.p), int(r.base.q)), int(r.exp.p),
                                          int(r.exp.q)) for r in rads]))
        fields = [v._field for v in vals if isinstance(v, RealAlg)]
        if len({f.key for f in fields}) > 1:  # build the common field once
            big = field_of(set().union(*(f.key for f in fields)))
            vals = [RealAlg(big, lift(v, big)) if isinstance(v, RealAlg) else v for v in vals]
        acc = vals[0]
        for v in vals[1:]:
            acc = acc + v if isinstance(e, sp.Add) else acc * v
        return acc
    if isinstance(e, sp.Abs):
        return abs(_evaluate(sp, e.args[0], where, text))
    if isinstance(e, sp.Pow):
        b, x = e.args
        if isinstance(x, sp.Integer):
            return _evaluate(sp, b, where, text) ** int(x)
        if isinstance(x, sp.Rational):
            base = _evaluate(sp, b, where, text)
            if sign(base) < 0:
                raise NotExactError(
                    f"{describe_value(text)} is not real: {describe_value(e, 40)} is a root of a negative number (SymPy takes "
                    "the principal complex root; use real_root(x, n) for the real one)", where)
            if sign(base) == 0:
                return fmpq(0)
            if isinstance(base, fmpq):
                return rational_root(base, int(x.p), int(x.q))
            return generator(e) if x > 0 else 1 / generator(sp.Pow(b, -x))
        raise NotExactError(f"{describe_value(text)}: {describe_value(e, 40)} has a non-rational exponent, not supported "
                            "(not algebraic in general): no exact sign decision possible", where)
    if e.has(sp.I):
        raise NotExactError(f"{describe_value(text)} is not a real number (contains I)", where)
    if e.is_algebraic is False or isinstance(e, (sp.NumberSymbol, sp.Function)):
        raise NotExactError(f"{describe_value(text)}: {describe_value(e, 40)} is not algebraic: no exact sign decision "
                            "possible", where)
    raise NotExactError(f"{describe_value(text)}: {describe_value(e, 40)} is not supported as an exact number", where)


# ---------------------------------------------------------------- conversions
def exact_from_float(x: float) -> fmpq:
    """The exact binary value of a float (the one named conversion from floats).

    Examples
    --------
    >>> exact_from_float(0.1)
    3602879701896397/36028797018963968
    """
    return _from_float(x, None)


def rational_from_float(x: float, max_denominator: int) -> fmpq:
    """Round a float on purpose to the nearest fraction with bounded denominator.

    Examples
    --------
    >>> rational_from_float(0.1, 1000)
    1/10
    """
    if isinstance(max_denominator, bool) or not isinstance(max_denominator, int) \
            or max_denominator < 1:
        raise InputError(f"max_denominator must be a positive int, got {max_denominator!r}")
    return _from_float(x, max_denominator)


def _from_float(x: Any, max_den: int | None) -> fmpq:
    if isinstance(x, (bool, numbers.Rational)) or not isinstance(x, numbers.Real):
        raise TypeError(f"expected a float, got {type(x).__name__}")
    fx = float(x)
    if fx != fx or fx in (float("inf"), float("-inf")):
        raise NotExactError(f"{x!r} is not a finite number", "float")
    fr = Fraction(fx) if max_den is None else Fraction(fx).limit_denominator(max_den)
    return fmpq(fr.numerator, fr.denominator)


def _rational(x: Any) -> fmpq | None:
    """``x`` as fmpq if it is an exact rational type, None for RealAlg."""
    if isinstance(x, RealAlg):
        return None
    if isinstance(x, fmpq):
        return x
    if isinstance(x, Fraction):
        return fmpq(x.numerator, x.denominator)
    if isinstance(x, (int, fmpz)) and not isinstance(x, bool):
        return fmpq(x)
    if isinstance(x, float):
        raise NotExactError(f"{x!r} is a float, not an exact number", "value")
    raise TypeError(f"expected int, fmpq, Fraction or RealAlg, got {type(x).__name__}")


def to_str(x: Any) -> str:
    """Exact text form that :func:`parse_exact` reads back to the same value.

    Examples
    --------
    >>> to_str(fmpq(-7, 25)), to_str(3), to_str(parse_exact("(1+sqrt(5))/2"))
    ('-7/25', '3', '1/2 + sqrt(5)/2')
    """
    q = _rational(x)
    return str(x) if q is None else str(q)  # flint's str: no 4300-digit limit


def to_text(x: Any) -> Any:
    """:func:`to_str`, passing ``None`` and text markers (``"inf"``) through.

    The one formatter of optional exact values in certificates and reports.

    Examples
    --------
    >>> to_text(fmpq(1, 3)), to_text("inf"), to_text(None)
    ('1/3', 'inf', None)
    """
    if x is None or isinstance(x, str):
        return x
    return to_str(x)


def sign(x: Any) -> int:
    """Exact sign -1, 0 or 1.

    Examples
    --------
    >>> sign(fmpq(-1, 3)), sign(0), sign(parse_exact("sqrt(2)") - 2)
    (-1, 0, -1)
    """
    q = _rational(x)
    if q is None:
        return x.sign()
    return (q > 0) - (q < 0)


def is_rational(x: Any) -> bool:
    """Whether ``x`` is rational (every RealAlg is irrational).

    Examples
    --------
    >>> is_rational(fmpq(1, 2)), is_rational(parse_exact("sqrt(2)"))
    (True, False)
    """
    return _rational(x) is not None


def to_sympy(x: Any) -> "sympy.Expr":
    """The exact value as a SymPy expression.

    Examples
    --------
    >>> to_sympy(fmpq(1, 3)), to_sympy(parse_exact("2*sqrt(2)"))
    (1/3, 2*sqrt(2))
    """
    q = _rational(x)
    return x.to_sympy() if q is None else import_sympy().Rational(int(q.p), int(q.q))


def to_float(x: Any) -> float:
    """Nearest float, for display and plots only (never for decisions).

    Examples
    --------
    >>> to_float(fmpq(1, 4)), round(to_float(parse_exact("sqrt(2)")), 6)
    (0.25, 1.414214)
    """
    q = _rational(x)
    return float(x) if q is None else int(q.p) / int(q.q)


def as_fraction(x: Any) -> Fraction:
    """``x`` as a ``fractions.Fraction`` (rationals only).

    Raises
    ------
    InputError
        If ``x`` is an irrational :class:`RealAlg`.

    Examples
    --------
    >>> as_fraction(fmpq(-7, 25))
    Fraction(-7, 25)
    """
    q = _rational(x)
    if q is None:
        raise InputError(f"{x} is irrational and has no Fraction form")
    return x if isinstance(x, Fraction) else Fraction(int(q.p), int(q.q))

"""Tests of exactland.exact.scalars.

Expected values are derived by hand (noted next to each), never computed by
the code under test.
"""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from flint import fmpq, fmpz
from hypothesis import given, settings
from hypothesis import strategies as st

import exactland.exact.scalars as num
from exactland.errors import InputError, NotExactError
from exactland.exact.scalars import (RealAlg, as_fraction, exact_from_float, is_rational,
                               parse_exact, rational_from_float, sign, to_float, to_str,
                               to_sympy)


@pytest.fixture(scope="module")
def r2() -> RealAlg:
    return parse_exact("sqrt(2)")


# ------------------------------------------------------------------ parsing
@pytest.mark.parametrize("text, p, q", [
    ("7/10", 7, 10), ("-0.28", -7, 25), ("3", 3, 1), ("1e-3", 1, 1000),
    ("-1.5E2", -150, 1), (".5", 1, 2), ("  +3/4 ", 3, 4), ("-12", -12, 1),
    ("0.000", 0, 1), ("1.5e2", 150, 1),
])
def test_parse_rational_strings(text: str, p: int, q: int) -> None:
    value = parse_exact(text)
    assert type(value) is fmpq
    assert value == fmpq(p, q)


@pytest.mark.parametrize("value, expected", [
    (Decimal("0.28"), fmpq(7, 25)), (Decimal("-1E+2"), fmpq(-100)), (5, fmpq(5)),
    (fmpz(-4), fmpq(-4)), (Fraction(-3, 9), fmpq(-1, 3)), (fmpq(2, 3), fmpq(2, 3)),
])
def test_parse_exact_types(value: object, expected: fmpq) -> None:
    out = parse_exact(value)
    assert type(out) is fmpq and out == expected


def test_parse_sympy_objects_and_numpy_ints() -> None:
    import numpy as np
    import sympy

    assert parse_exact(sympy.Rational(3, 7)) == fmpq(3, 7)
    assert parse_exact(sympy.Integer(-2)) == fmpq(-2)
    assert parse_exact(np.int64(5)) == fmpq(5)
    assert parse_exact(sympy.sqrt(8)) == 2 * parse_exact("sqrt(2)")
    with pytest.raises(NotExactError, match="F0"):
        parse_exact(sympy.Float("0.5"), "F0")
    with pytest.raises(NotExactError, match="S0"):
        parse_exact(sympy.Symbol("x") + 1, "S0")


def test_rational_fast_path_does_not_use_sympy(monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden() -> None:
        raise AssertionError("SymPy used for a rational")

    monkeypatch.setattr(num, "import_sympy", forbidden)
    for text in ["12", "-7/25", "-0.28", ".5", "1e-3", "-1.5E2"]:
        assert type(parse_exact(text)) is fmpq
    assert parse_exact(Decimal("0.28")) == fmpq(7, 25)


@pytest.mark.parametrize("bad", [
    0.28, True, False, "abc", "pi", "E", "exp(1)", "nan", "inf", "oo", "zoo", "I",
    "sqrt(-2)", "1/0", "0/0", "", "   ", None, [1], {"a": 1}, float("nan"),
    float("inf"), Decimal("NaN"), Decimal("Infinity"), "log(2)", "2**pi", "cbrt(-2)",
    "sqrt(1-sqrt(2))", "1/(sqrt(2)*sqrt(2)-2)", "1/((1+sqrt(2))**2-3-2*sqrt(2))",
    "__import__('os')", "sqrt.__class__", "(2).real", "sqrt(2)*x", "lambda: 1", "1e999999",
])
def test_refusals_name_where(bad: object) -> None:
    with pytest.raises(NotExactError) as info:
        parse_exact(bad, "X[3][1]")
    assert "X[3][1]" in str(info.value)
    assert info.value.where == "X[3][1]"


def test_numpy_float_refused() -> None:
    import numpy as np

    with pytest.raises(NotExactError, match="W"):
        parse_exact(np.float64(0.5), "W")


@pytest.mark.parametrize("text, phrase", [
    ("pi", "not algebraic"), ("E", "not algebraic"), ("I", "not a real"),
    ("sqrt(-2)", "not a real"), ("1/0", "division by zero"), ("nan", "nan"),
    ("oo", "infinite"), ("abc", "unparsable"),
])
def test_refusal_reasons(text: str, phrase: str) -> None:
    with pytest.raises(NotExactError, match=phrase):
        parse_exact(text, "h")


def test_float_message_points_to_remedies() -> None:
    with pytest.raises(NotExactError) as info:
        parse_exact(0.28, "Y[0][0]")
    assert '"0.28"' in str(info.value) and "exact_from_float" in str(info.value)


# ------------------------------------------------------------------ algebraic
def test_half_sqrt2_squared_is_fmpq() -> None:
    x = parse_exact("sqrt(2)/2")
    assert isinstance(x, RealAlg)
    y = x * x
    assert type(y) is fmpq and y == fmpq(1, 2)
    assert type(x**2) is fmpq and x**2 == fmpq(1, 2)
    assert x**-2 == 2


def test_sign_close_to_sqrt2(r2: RealAlg) -> None:
    # sqrt(2) = 1.41421356237309504...
    assert sign(r2 - fmpq(1414213562373095, 10**15)) == 1
    assert sign(r2 - fmpq(1414213562373096, 10**15)) == -1
    assert r2 > Fraction(1414213562373095, 10**15)
    assert Fraction(1414213562373096, 10**15) > r2


def test_golden_ratio() -> None:
    phi = parse_exact("(1+sqrt(5))/2")
    assert phi**2 == phi + 1
    assert phi * (phi - 1) == 1  # 1/phi = phi - 1
    assert 1 / phi == phi - 1
    assert fmpq(161, 100) < phi < fmpq(162, 100)  # 1.6180...


def test_sqrt2_plus_sqrt3_minus_sqrt10() -> None:
    # 1.41421 + 1.73205 = 3.14626 < 3.16227 = sqrt(10)
    x = parse_exact("sqrt(2)+sqrt(3)-sqrt(10)")
    assert sign(x) == -1 and x < 0
    y = parse_exact("sqrt(2)") + parse_exact("sqrt(3)") - parse_exact("sqrt(10)")
    assert x == y and sign(y) == -1


def test_products_and_denesting(r2: RealAlg) -> None:
    r3, r6 = parse_exact("sqrt(3)"), parse_exact("sqrt(6)")
    assert r2 * r3 == r6
    assert hash(r2 * r3) == hash(r6)  # equal numbers from different fields
    # (sqrt(2)+sqrt(3))^2 = 5 + 2 sqrt(6)
    assert parse_exact("sqrt(5+2*sqrt(6))") == r2 + r3
    # 2^(1/4) squared is sqrt(2)
    assert parse_exact("root(2, 4)") ** 2 == r2


def test_exact_cancellation(r2: RealAlg) -> None:
    z = (r2 + 1) ** 2 - (3 + 2 * r2)
    assert type(z) is fmpq and z == 0 and sign(z) == 0
    assert parse_exact("(sqrt(2)+1)**2 - (3 + 2*sqrt(2))") == 0
    # (sqrt(2)+1)(sqrt(2)-1) = 1
    assert (r2 + 1) * (r2 - 1) == 1


def test_arithmetic_operand_orders(r2: RealAlg) -> None:
    assert fmpq(1).__add__(r2) is NotImplemented
    for one in (1, fmpq(1), fmpz(1), Fraction(1)):
        assert one + r2 == r2 + one
        assert one - r2 == -(r2 - one)
        assert one * r2 == r2
        assert (one / r2) * r2 == 1
        assert one < r2 and r2 > one and one != r2 and not one == r2
    assert abs(1 - r2) == r2 - 1
    with pytest.raises(ZeroDivisionError):
        r2 / 0
    with pytest.raises(ZeroDivisionError):
        r2 / Fraction(0)
    with pytest.raises(TypeError):
        r2 < 1.5  # noqa: B015  (floats never compare with exact numbers)
    with pytest.raises(TypeError):
        r2 + 0.5


def test_fraction_world_stays_closed(r2: RealAlg) -> None:
    half = Fraction(1, 2)
    x = r2 * half * r2  # = 1
    assert type(x) is Fraction and x == 1
    y = half * r2 * r2
    assert type(y) is Fraction and y == 1
    assert type(r2 * r2) is fmpq
    w = r2.with_rational_type(Fraction)
    assert type(w * r2) is Fraction and w * r2 == 2


@pytest.mark.parametrize("text", [
    "sqrt(2)", "sqrt(2)/2", "(1+sqrt(5))/2", "2**(1/3) - 7/3", "sqrt(2)+sqrt(3)-sqrt(10)",
    "sqrt(1+sqrt(2))", "-3*sqrt(7)/11",
])
def test_round_trip(text: str) -> None:
    x = parse_exact(text)
    assert isinstance(x, RealAlg)
    back = parse_exact(to_str(x))
    assert back == x and hash(back) == hash(x)
    assert parse_exact(to_sympy(x)) == x


@settings(max_examples=150, deadline=None)
@given(st.fractions(min_value=-50, max_value=50, max_denominator=40),
       st.fractions(min_value=-50, max_value=50, max_denominator=40))
def test_sign_a_plus_b_sqrt2(a: Fraction, b: Fraction) -> None:
    # sign(a + b*sqrt(2)) by hand: if a, b share a sign (or one is 0) it is that
    # sign; otherwise the larger of |a| and |b|*sqrt(2) wins, i.e. compare a^2
    # with 2 b^2 (never equal unless a = b = 0, as sqrt(2) is irrational).
    sa, sb = (a > 0) - (a < 0), (b > 0) - (b < 0)
    if sa == 0 or sb == 0 or sa == sb:
        expected = sa if sa != 0 else sb
    else:
        expected = sa if a * a > 2 * b * b else sb
    value = a + b * parse_exact("sqrt(2)")
    assert sign(value) == expected
    assert (value > 0) == (expected > 0)


# ------------------------------------------------------------------ helpers
def test_exact_from_float() -> None:
    assert exact_from_float(0.1) == fmpq(3602879701896397, 36028797018963968)
    assert Fraction(3602879701896397, 36028797018963968) == as_fraction(exact_from_float(0.1))
    assert exact_from_float(-2.5) == fmpq(-5, 2)
    for bad in (float("nan"), float("inf"), float("-inf")):
        with pytest.raises(NotExactError):
            exact_from_float(bad)
    with pytest.raises(TypeError):
        exact_from_float(Fraction(1, 2))  # type: ignore[arg-type]


def test_rational_from_float() -> None:
    assert rational_from_float(0.1, 100) == fmpq(1, 10)
    assert rational_from_float(3.14159, 10) == fmpq(22, 7)
    with pytest.raises(NotExactError):
        rational_from_float(float("nan"), 10)
    with pytest.raises(InputError):
        rational_from_float(0.5, 0)


def test_to_str_and_friends(r2: RealAlg) -> None:
    assert to_str(fmpq(-7, 25)) == "-7/25"
    assert to_str(3) == "3" and to_str(fmpq(3)) == "3"
    assert to_str(Fraction(6, 4)) == "3/2"
    assert to_str(r2) == "sqrt(2)"
    assert [sign(v) for v in (fmpq(-1, 3), 0, Fraction(2), 5)] == [-1, 0, 1, 1]
    assert sign(-r2) == -1
    assert is_rational(fmpq(1, 2)) and is_rational(7) and is_rational(Fraction(1, 3))
    assert not is_rational(r2)
    assert as_fraction(fmpq(-7, 25)) == Fraction(-7, 25) and as_fraction(4) == Fraction(4)
    with pytest.raises(InputError):
        as_fraction(r2)
    assert to_float(fmpq(1, 4)) == 0.25 and abs(to_float(r2) - 1.4142135623730951) < 1e-15
    import sympy

    assert to_sympy(fmpq(1, 3)) == sympy.Rational(1, 3)
    assert to_sympy(r2) == sympy.sqrt(2)
    with pytest.raises(NotExactError):
        sign(0.5)

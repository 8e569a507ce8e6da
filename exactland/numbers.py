"""Exact numbers: rationals (``flint.fmpq``) and real algebraic numbers.

Every number that enters exactland goes through :func:`parse_exact`.  Rationals
become :class:`flint.fmpq` without touching SymPy; irrational real algebraic
numbers (``"sqrt(2)/2"``, ``"(1+sqrt(5))/2"``) become :class:`RealAlg`, an
element of a real number field ``Q(theta)`` stored as a polynomial in ``theta``
with rational coefficients.  Zero tests are exact (the reduced polynomial is
zero) and signs are decided by exact rational interval arithmetic on an
isolating interval of ``theta``; no floating-point tolerance decides anything.

Floats are refused; the only named conversions from floats are
:func:`exact_from_float` (the exact binary value) and :func:`rational_from_float`
(a rounding chosen on purpose).
"""
from __future__ import annotations

import numbers
import re
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Union

from flint import fmpq, fmpq_mat, fmpq_poly, fmpz

from exactland.errors import InputError, NotExactError

if TYPE_CHECKING:  # pragma: no cover
    import sympy

__all__ = [
    "RealAlg", "parse_exact", "exact_from_float", "rational_from_float", "to_str",
    "sign", "is_rational", "to_sympy", "to_float", "as_fraction",
]

Exact = Union[fmpq, "RealAlg"]

_INT_RE = re.compile(r"[+-]?\d+")
_FRAC_RE = re.compile(r"([+-]?\d+)\s*/\s*(\d+)")
_DEC_RE = re.compile(r"[+-]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?")
_SAFE_CHARS_RE = re.compile(r"[0-9A-Za-z_\s+\-*/().,^]*")
_UNSAFE_RE = re.compile(r"__|(?<!\d)\.(?!\d)")  # dunders, attribute access
_NAME_RE = re.compile(r"(?<![\w.])[A-Za-z_]\w*")
_MAX_EXPONENT = 100_000
_FIELDS: dict[tuple, "_Field"] = {}  # private cache: number fields by generators


def _sympy() -> Any:
    """Import SymPy lazily, so that rationals never pay for it."""
    import sympy

    return sympy


def _fmpz(text: str) -> fmpz:
    return fmpz(text[1:] if text.startswith("+") else text)


def _q(c: Any) -> fmpq:
    """Convert a SymPy/gmpy/Python rational coefficient to ``fmpq``."""
    return fmpq(fmpz(int(c.numerator)), fmpz(int(c.denominator)))


# ---------------------------------------------------------------- number fields
class _Field:
    """A real number field ``Q(theta)`` with ``theta = sum c_i g_i``."""

    def __init__(self, gens: tuple) -> None:
        sp = _sympy()
        x = sp.Dummy("x")
        minpoly, coeffs, reps = sp.primitive_element(list(gens), x, ex=True)
        self.key = gens
        self.combo = [(fmpq(int(c)), g) for c, g in zip(coeffs, gens)]
        self.theta = sp.Add(*[sp.Integer(int(c)) * g for c, g in zip(coeffs, gens)])
        self.mod = fmpq_poly([_q(c) for c in reversed(sp.Poly(minpoly, x).all_coeffs())])
        self.mod = self.mod / self.mod.leading_coefficient()
        factors = self.mod.factor()[1]
        if len(factors) != 1 or factors[0][1] != 1:
            raise RuntimeError(f"not an irreducible minimal polynomial: {self.mod}")
        self.gen_polys = {g: fmpq_poly([_q(c) for c in reversed(r)]) for g, r in zip(gens, reps)}
        self.embeddings: dict[tuple, fmpq_poly] = {}
        self.lo, self.hi = self._isolate(sp, sp.Poly(minpoly, x))
        self.lo_sign = sign(self.mod(self.lo))

    def _isolate(self, sp: Any, poly: Any) -> tuple[fmpq, fmpq]:
        """Pick the isolating interval of ``theta`` among the real roots of m.

        A numerical value only *selects* one of SymPy's exact, disjoint
        isolating intervals; precision is raised until the choice is unique.
        """
        digits, eps = 50, sp.Rational(1, 10**12)
        for _ in range(8):
            value = sp.Rational(sp.re(self.theta.evalf(digits)))
            tol = sp.Rational(1, 10 ** (digits - 10))
            hits = [(a, b) for (a, b), _ in poly.intervals(eps=eps) if a - tol <= value <= b + tol]
            if len(hits) == 1:
                return _q(hits[0][0]), _q(hits[0][1])
            digits, eps = 2 * digits, eps**2
        raise RuntimeError(f"could not isolate {self.theta}")  # pragma: no cover

    def refine(self) -> None:
        """Halve the cached isolating interval using the exact sign of m."""
        mid = (self.lo + self.hi) / 2
        s = sign(self.mod(mid))
        if s == self.lo_sign:
            self.lo = mid
        else:  # s == 0 is impossible: m is irreducible of degree >= 2
            self.hi = mid

    def embedding_of(self, small: "_Field") -> fmpq_poly:
        """``theta`` of a subfield ``small`` as a polynomial in this ``theta``."""
        if small.key not in self.embeddings:
            img = fmpq_poly([0])
            for c, g in small.combo:
                img += self.gen_polys[g] * c
            self.embeddings[small.key] = img % self.mod
        return self.embeddings[small.key]


def _field_of(gens: set | tuple) -> _Field:
    sp = _sympy()
    key = tuple(sorted(set(gens), key=sp.default_sort_key))
    if key not in _FIELDS:
        _FIELDS[key] = _Field(key)
    return _FIELDS[key]


def _common_field(f1: _Field, f2: _Field) -> _Field:
    if set(f2.key) <= set(f1.key):
        return f1
    if set(f1.key) <= set(f2.key):
        return f2
    return _field_of(set(f1.key) | set(f2.key))


def _lift(x: "RealAlg", field: _Field) -> fmpq_poly:
    """The polynomial of ``x`` in ``field`` (which must contain its field)."""
    if x._field.key == field.key:
        return x._poly
    t, out = field.embedding_of(x._field), fmpq_poly([0])
    for c in reversed(x._poly.coeffs()):
        out = (out * t + c) % field.mod
    return out


def _interval(coeffs: list, lo: fmpq, hi: fmpq) -> tuple[fmpq, fmpq]:
    """Exact interval Horner evaluation of a polynomial on ``[lo, hi]``."""
    rlo = rhi = coeffs[-1]
    for c in reversed(coeffs[:-1]):
        prods = (rlo * lo, rlo * hi, rhi * lo, rhi * hi)
        rlo, rhi = min(prods) + c, max(prods) + c
    return rlo, rhi


# ---------------------------------------------------------------- RealAlg
class RealAlg:
    """An irrational real algebraic number, exact.

    Obtain instances from :func:`parse_exact`; the constructor is internal.
    Rational results of arithmetic are returned as ``fmpq``, or as
    ``Fraction`` when a ``Fraction`` took part (directly, or earlier in the
    chain that produced an operand; see :meth:`with_rational_type`).

    Examples
    --------
    >>> r = parse_exact("sqrt(2)")
    >>> r * r
    2
    >>> r > fmpq(7, 5), sign(r - fmpq(3, 2))
    (True, -1)
    >>> Fraction(1, 3) * r * r
    Fraction(2, 3)
    """

    __slots__ = ("_field", "_poly", "_frac", "_hash", "_expr")

    def __init__(self, field: _Field, poly: fmpq_poly, frac: bool = False) -> None:
        self._field, self._poly, self._frac = field, poly, frac
        self._hash: int | None = None
        self._expr: Any = None

    # --- construction helpers
    @staticmethod
    def _make(field: _Field, poly: fmpq_poly, frac: bool) -> Any:
        poly = poly % field.mod
        if poly.degree() <= 0:
            c = poly.coeffs()[0] if poly.degree() == 0 else fmpq(0)
            return Fraction(int(c.p), int(c.q)) if frac else c
        return RealAlg(field, poly, frac)

    def with_rational_type(self, kind: type) -> "RealAlg":
        """Return a copy whose rational results will be ``kind`` (fmpq or Fraction).

        Examples
        --------
        >>> r = parse_exact("sqrt(3)").with_rational_type(Fraction)
        >>> r * r
        Fraction(3, 1)
        """
        if kind not in (fmpq, Fraction):
            raise TypeError("kind must be fmpq or Fraction")
        return RealAlg(self._field, self._poly, kind is Fraction)

    def _coerce(self, other: Any) -> tuple[_Field, fmpq_poly, fmpq_poly, bool] | None:
        if isinstance(other, RealAlg):
            f = _common_field(self._field, other._field)
            return f, _lift(self, f), _lift(other, f), self._frac or other._frac
        if isinstance(other, bool) or not isinstance(other, (int, fmpz, fmpq, Fraction)):
            return None
        frac = self._frac or isinstance(other, Fraction)
        q = fmpq(other.numerator, other.denominator) if isinstance(other, Fraction) else fmpq(other)
        return self._field, self._poly, fmpq_poly([q]), frac

    def _binary(self, other: Any, op: str, reflected: bool = False) -> Any:
        c = self._coerce(other)
        if c is None:
            return NotImplemented
        f, a, b = c[0], c[1], c[2]
        if reflected:
            a, b = b, a
        if op == "+":
            res = a + b
        elif op == "-":
            res = a - b
        elif op == "*":
            res = a * b
        else:
            if b.is_zero():
                raise ZeroDivisionError("division of an algebraic number by zero")
            res = a * _inverse(b, f.mod)
        return RealAlg._make(f, res, c[3])

    def __add__(self, o: Any) -> Any: return self._binary(o, "+")
    def __radd__(self, o: Any) -> Any: return self._binary(o, "+", True)
    def __sub__(self, o: Any) -> Any: return self._binary(o, "-")
    def __rsub__(self, o: Any) -> Any: return self._binary(o, "-", True)
    def __mul__(self, o: Any) -> Any: return self._binary(o, "*")
    def __rmul__(self, o: Any) -> Any: return self._binary(o, "*", True)
    def __truediv__(self, o: Any) -> Any: return self._binary(o, "/")
    def __rtruediv__(self, o: Any) -> Any: return self._binary(o, "/", True)
    def __neg__(self) -> "RealAlg": return RealAlg(self._field, -self._poly, self._frac)
    def __pos__(self) -> "RealAlg": return self
    def __abs__(self) -> "RealAlg": return -self if self.sign() < 0 else self
    def __bool__(self) -> bool: return not self._poly.is_zero()

    def __pow__(self, n: Any) -> Any:
        frac = self._frac or isinstance(n, Fraction)
        if isinstance(n, (fmpq, Fraction)) and n.denominator == 1:
            n = int(n.numerator)
        if isinstance(n, bool) or not isinstance(n, (int, fmpz)):
            return NotImplemented
        n, f = int(n), self._field
        base = self._poly if n >= 0 else _inverse(self._poly, f.mod)
        result, n = fmpq_poly([1]), abs(n)
        while n:
            if n & 1:
                result = result * base % f.mod
            base, n = base * base % f.mod, n >> 1
        return RealAlg._make(f, result, frac)

    # --- comparisons
    def sign(self) -> int:
        """The exact sign -1, 0 or 1 (interval bisection, no tolerance)."""
        if self._poly.is_zero():
            return 0
        f, coeffs = self._field, self._poly.coeffs()
        while True:
            lo, hi = _interval(coeffs, f.lo, f.hi)
            if lo > 0:
                return 1
            if hi < 0:
                return -1
            f.refine()

    def _cmp(self, other: Any) -> int | None:
        d = self._binary(other, "-")
        return None if d is NotImplemented else sign(d)

    def __eq__(self, o: Any) -> bool:
        s = self._cmp(o)
        return NotImplemented if s is None else s == 0

    def __ne__(self, o: Any) -> bool:
        s = self._cmp(o)
        return NotImplemented if s is None else s != 0

    def __lt__(self, o: Any) -> bool:
        s = self._cmp(o)
        return NotImplemented if s is None else s < 0

    def __le__(self, o: Any) -> bool:
        s = self._cmp(o)
        return NotImplemented if s is None else s <= 0

    def __gt__(self, o: Any) -> bool:
        s = self._cmp(o)
        return NotImplemented if s is None else s > 0

    def __ge__(self, o: Any) -> bool:
        s = self._cmp(o)
        return NotImplemented if s is None else s >= 0

    def __hash__(self) -> int:
        # The minimal polynomial of the element does not depend on the field.
        if self._hash is None:
            f, n = self._field, self._field.mod.degree()
            cols = []
            for j in range(n):
                c = (self._poly * fmpq_poly([0] * j + [1]) % f.mod).coeffs()
                cols.append(c + [fmpq(0)] * (n - len(c)))
            mp = fmpq_mat(n, n, [cols[j][i] for i in range(n) for j in range(n)]).minpoly()
            self._hash = hash(("RealAlg", tuple(mp.coeffs())))
        return self._hash

    # --- conversions
    def to_sympy(self) -> "sympy.Expr":
        """The exact value as a SymPy expression in the field's generators."""
        if self._expr is None:
            sp = _sympy()
            theta = self._field.theta
            terms = [sp.Rational(int(c.p), int(c.q)) * theta**i for i, c in enumerate(self._poly.coeffs())]
            self._expr = sp.expand(sp.Add(*terms))
        return self._expr

    def __float__(self) -> float:
        return float(self.to_sympy().evalf(30))

    def __str__(self) -> str:
        return str(self.to_sympy())

    def __repr__(self) -> str:
        return f"RealAlg({self})"


def _inverse(p: fmpq_poly, mod: fmpq_poly) -> fmpq_poly:
    g, s, _ = p.xgcd(mod)
    if g.degree() != 0:
        raise ZeroDivisionError("division of an algebraic number by zero")
    return s / g.coeffs()[0] % mod


# ---------------------------------------------------------------- parsing
def parse_exact(value: Any, where: str = "value") -> Exact:
    """Read an exact number: a rational ``fmpq`` or an irrational :class:`RealAlg`.

    Parameters
    ----------
    value : int, fmpq, fmpz, Fraction, Decimal, str, sympy.Expr or RealAlg
        Strings may be integers, ``"p/q"``, decimals (read as the decimal they
        spell) or SymPy expressions with ``sqrt``, ``cbrt``, ``root``,
        ``real_root``, ``Rational``, ``Abs``.
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
        division by zero, unparsable strings and unsupported types.

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
        if not value.is_finite():
            raise NotExactError(f"{value} is not a finite number", where)
        _check_exponent(value, where)
        p, q = value.as_integer_ratio()
        return fmpq(p, q)
    if isinstance(value, float):
        raise NotExactError(
            f"{value!r} is a float, which is not exact: pass a string such as \"0.28\" "
            "(read as the decimal 7/25), or convert on purpose with exact_from_float(x) "
            "(its binary value) or rational_from_float(x, max_denominator)", where)
    if isinstance(value, str):
        return _parse_str(value, where)
    if type(value).__module__.split(".")[0] == "sympy":
        return _from_sympy(value, where, str(value))
    if isinstance(value, numbers.Integral):
        return fmpq(int(value))  # numpy integer scalars
    raise NotExactError(f"{type(value).__name__} {value!r} is not an exact number", where)


def _check_exponent(d: Decimal, where: str) -> None:
    if abs(d.adjusted()) > _MAX_EXPONENT:
        raise NotExactError(f"{d} has an exponent beyond 10**{_MAX_EXPONENT}", where)


def _parse_str(text: str, where: str) -> Exact:
    s = text.strip()
    if not s:
        raise NotExactError("empty string is not a number", where)
    if _INT_RE.fullmatch(s):
        return fmpq(_fmpz(s))
    m = _FRAC_RE.fullmatch(s)
    if m:
        if fmpz(m.group(2)) == 0:
            raise NotExactError(f"{text!r}: division by zero", where)
        return fmpq(_fmpz(m.group(1)), fmpz(m.group(2)))
    if _DEC_RE.fullmatch(s):
        d = Decimal(s)
        _check_exponent(d, where)
        p, q = d.as_integer_ratio()
        return fmpq(p, q)
    return _parse_sympy(s, text, where)


def _parse_sympy(s: str, text: str, where: str) -> Exact:
    sp = _sympy()
    from sympy.parsing.sympy_parser import (convert_xor, parse_expr, rationalize,
                                            standard_transformations)
    names = {"sqrt": sp.sqrt, "cbrt": sp.cbrt, "root": sp.root, "real_root": sp.real_root,
             "Rational": sp.Rational, "Integer": sp.Integer, "Abs": sp.Abs, "abs": sp.Abs,
             # known non-algebraic / non-real names, kept to explain the refusal
             "pi": sp.pi, "E": sp.E, "I": sp.I, "exp": sp.exp, "log": sp.log, "ln": sp.log,
             "sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "oo": sp.oo, "inf": sp.oo,
             "Infinity": sp.oo, "infinity": sp.oo, "nan": sp.nan, "NaN": sp.nan, "zoo": sp.zoo}
    unknown = sorted(set(_NAME_RE.findall(s)) - set(names))
    if not _SAFE_CHARS_RE.fullmatch(s) or _UNSAFE_RE.search(s) or unknown:
        detail = f"unknown name(s) {', '.join(unknown)}" if unknown else "unexpected characters"
        raise NotExactError(f"{text!r} is unparsable / not a number ({detail})", where)
    glob = {"__builtins__": {}, "Integer": sp.Integer, "Float": sp.Float,
            "Rational": sp.Rational, "Symbol": sp.Symbol}
    try:
        expr = parse_expr(s, local_dict=names, global_dict=glob, evaluate=True,
                          transformations=standard_transformations + (convert_xor, rationalize))
    except Exception as exc:  # SyntaxError, TypeError, TokenError, ...
        raise NotExactError(f"{text!r} is unparsable / not a number ({type(exc).__name__})",
                            where) from None
    return _from_sympy(expr, where, text)


def _from_sympy(expr: Any, where: str, text: str) -> Exact:
    sp = _sympy()
    if not isinstance(expr, sp.Expr):
        raise NotExactError(f"{text!r} is unparsable / not a number", where)
    if expr.has(sp.nan):
        raise NotExactError(f"{text!r} is not a number (nan)", where)
    if expr.has(sp.zoo):
        raise NotExactError(f"{text!r}: division by zero (complex infinity)", where)
    if expr.has(sp.oo, -sp.oo):
        raise NotExactError(f"{text!r} is infinite, not a finite number", where)
    if expr.free_symbols:
        raise NotExactError(f"{text!r} is unparsable / not a number (free symbols "
                            f"{sorted(map(str, expr.free_symbols))})", where)
    if expr.has(sp.Float):
        raise NotExactError(f"{text!r} contains an inexact float", where)
    try:
        return _evaluate(sp, expr, where, text)
    except ZeroDivisionError:
        raise NotExactError(f"{text!r}: division by zero", where) from None


def _evaluate(sp: Any, e: Any, where: str, text: str) -> Any:
    """Evaluate a SymPy expression tree exactly with fmpq/RealAlg arithmetic."""
    if isinstance(e, sp.Rational):
        return fmpq(int(e.p), int(e.q))
    if isinstance(e, (sp.Add, sp.Mul)):
        vals = [_evaluate(sp, a, where, text) for a in e.args]
        fields = [v._field for v in vals if isinstance(v, RealAlg)]
        if len({f.key for f in fields}) > 1:  # build the common field once
            big = _field_of(set().union(*(f.key for f in fields)))
            vals = [RealAlg(big, _lift(v, big)) if isinstance(v, RealAlg) else v for v in vals]
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
                    f"{text!r} is not real: {e} is a root of a negative number (SymPy takes "
                    "the principal complex root; use real_root(x, n) for the real one)", where)
            if sign(base) == 0:
                return fmpq(0)
            if isinstance(base, fmpq):
                new = sp.Pow(sp.Rational(int(base.p), int(base.q)), x)
                return _generator(new) if new == e else _evaluate(sp, new, where, text)
            return _generator(e) if x > 0 else 1 / _generator(sp.Pow(b, -x))
        raise NotExactError(f"{text!r}: {e} has a non-rational exponent, not supported "
                            "(not algebraic in general): no exact sign decision possible", where)
    if e.has(sp.I):
        raise NotExactError(f"{text!r} is not a real number (contains I)", where)
    if e.is_algebraic is False or isinstance(e, (sp.NumberSymbol, sp.Function)):
        raise NotExactError(f"{text!r}: {e} is not algebraic: no exact sign decision "
                            "possible", where)
    raise NotExactError(f"{text!r}: {e} is not supported as an exact number", where)


def _generator(g: Any) -> RealAlg:
    f = _field_of((g,))  # degree 1 (a rational in disguise) normalises to fmpq
    return RealAlg._make(f, fmpq_poly([0, 1]), False)


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
    return x.to_sympy() if q is None else _sympy().Rational(int(q.p), int(q.q))


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

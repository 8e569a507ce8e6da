"""Real algebraic numbers: :class:`RealAlg` and the number fields it lives in.

An irrational real algebraic number is an element of a real number field
``Q(theta)``, stored as a polynomial in ``theta`` with rational (``flint.fmpq``)
coefficients reduced modulo the minimal polynomial of ``theta``.  Zero tests are
exact (the reduced polynomial is zero) and signs are decided by exact rational
interval arithmetic on an isolating interval of ``theta``; no floating-point
tolerance decides anything.  Fields are built with SymPy's primitive element,
imported lazily: rationals never reach this module.

Numbers are read with :func:`exactland.exact.scalars.parse_exact`, which returns a
``RealAlg`` only for irrational values (``RealAlg`` is importable from
:mod:`exactland.exact.scalars` too).
"""
from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any

from flint import fmpq, fmpq_mat, fmpq_poly, fmpz

if TYPE_CHECKING:  # pragma: no cover
    import sympy

__all__ = ["RealAlg"]

_FIELDS: dict[tuple, "_Field"] = {}  # private cache: number fields by generators


def _sympy() -> Any:
    """Import SymPy lazily, so that rationals never pay for it."""
    import sympy

    return sympy


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
        self.lo_sign = _sign(self.mod(self.lo))

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
        s = _sign(self.mod(mid))
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

    Obtain instances from :func:`exactland.exact.scalars.parse_exact`; the constructor
    is internal.
    Rational results of arithmetic are returned as ``fmpq``, or as
    ``Fraction`` when a ``Fraction`` took part (directly, or earlier in the
    chain that produced an operand; see :meth:`with_rational_type`).

    Examples
    --------
    >>> from exactland.exact.scalars import parse_exact, sign
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
        >>> from exactland.exact.scalars import parse_exact
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
        return None if d is NotImplemented else _sign(d)

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


def _generator(g: Any) -> RealAlg:
    """The number ``g`` (a SymPy algebraic expression) as the generator of ``Q(g)``."""
    f = _field_of((g,))  # degree 1 (a rational in disguise) normalises to fmpq
    return RealAlg._make(f, fmpq_poly([0, 1]), False)


def _sign(x: Any) -> int:
    """Exact sign of an ``fmpq``, ``Fraction`` or :class:`RealAlg`."""
    if isinstance(x, RealAlg):
        return x.sign()
    return (x > 0) - (x < 0)

"""Continuous piecewise polynomials without a network (Appendix C, Remark 3.4).

A :class:`PiecewisePolynomial` is a continuous function given by polynomial
pieces on regions cut out by affine sign conditions. Along a ray ``x0 + εd``
each condition is affine in ε, so the active piece is fixed for
``0 < ε < ε0`` by the same "eventual side" rule as the network's orthants
(:func:`exactland.taylor.rays.ray_side`, :func:`exactland.taylor.rays.ray_crossing`),
and the restriction is an exact polynomial in ε whose coefficients are the
one-sided directional derivatives (``n! c_n``): :meth:`PiecewisePolynomial.along`.

The paper's examples: ``|x + y|`` (:func:`abs_sum`, Appendix C.1), eq. (7)
(:func:`eq7`, Appendix C.2), ``|x|`` and ``−|x|`` (:func:`abs1`,
:func:`neg_abs1`, Remark 3.4). Their analysis is
:mod:`exactland.derivation.directional`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import sympy as sp
from flint import fmpq

from exactland.errors import InputError
from exactland.exact.scalars import sign, to_str, to_sympy
from exactland.taylor.rays import CheckFailed, ray_crossing, ray_side

__all__ = [
    "Condition", "Piece", "PiecewisePolynomial", "RayRestriction",
    "abs_sum", "eq7", "abs1", "neg_abs1",
]

Vector = tuple[Any, ...]
X, Y = sp.symbols("x y", real=True)


def _as_fmpq(e: Any) -> fmpq:
    """A rational SymPy number (or anything ``sympy.Rational`` reads) as fmpq."""
    r = sp.Rational(e)
    return fmpq(int(r.p), int(r.q))


@dataclass(frozen=True)
class Condition:
    """``normal·x + offset  op  0`` with ``op`` in ``>``, ``>=``, ``<``, ``<=``."""

    normal: Vector
    offset: Any
    op: str

    def holds(self, s: int) -> bool:
        """Whether a value of sign ``s`` satisfies the condition."""
        return {">": s > 0, ">=": s >= 0, "<": s < 0, "<=": s <= 0}[self.op]

    def value_at(self, x: Vector) -> Any:
        """``normal·x + offset`` (exact)."""
        return sum((a * b for a, b in zip(self.normal, x)), fmpq(0)) + self.offset

    def rate_along(self, d: Vector) -> Any:
        """``normal·d``: how fast the affine value changes along ``x + εd``."""
        return sum((a * b for a, b in zip(self.normal, d)), fmpq(0))


@dataclass(frozen=True)
class Piece:
    """A polynomial on the region where every condition holds."""

    conditions: tuple[Condition, ...]
    poly: sp.Expr


@dataclass(frozen=True)
class RayRestriction:
    """``f(x0 + εd) = Σ c_n εⁿ`` for ``0 ≤ ε < ε0`` (ε0 None: every ε ≥ 0)."""

    direction: Vector
    piece: int
    coefficients: tuple[Any, ...]
    eps0: Any

    def coefficient(self, n: int) -> Any:
        """``c_n`` (0 beyond the degree)."""
        return self.coefficients[n] if n < len(self.coefficients) else fmpq(0)

    @property
    def order(self) -> int | None:
        """First n ≥ 1 with ``c_n != 0``."""
        return next((n for n in range(1, len(self.coefficients)) if self.coefficients[n] != 0), None)


def _condition(expr: sp.Expr, op: str, variables: Sequence[sp.Symbol]) -> Condition:
    """``expr op 0`` for an affine SymPy expression."""
    poly = sp.Poly(expr, *variables)
    if poly.total_degree() > 1:
        raise InputError("piece conditions must be affine", str(expr))
    normal = tuple(_as_fmpq(poly.coeff_monomial(v)) for v in variables)
    return Condition(normal, _as_fmpq(poly.coeff_monomial(1)), op)


@dataclass(frozen=True)
class PiecewisePolynomial:
    """A continuous piecewise polynomial ``f: Q^n → Q`` (n = 1 or 2 for the analyses).

    Examples
    --------
    >>> f = abs1()
    >>> f.value((fmpq(-3),)), f.along((0,), (fmpq(1),)).coefficients
    (3, (0, 1))
    """

    name: str
    latex: str
    variables: tuple[sp.Symbol, ...]
    pieces: tuple[Piece, ...]

    @classmethod
    def build(cls, name: str, latex: str, variables: Sequence[sp.Symbol],
              pieces: Sequence[tuple[Sequence[tuple[sp.Expr, str]], sp.Expr]]) -> "PiecewisePolynomial":
        """From ``[([(affine expr, op), ...], polynomial), ...]``."""
        vs = tuple(variables)
        return cls(name, latex, vs, tuple(
            Piece(tuple(_condition(e, op, vs) for e, op in conds), sp.expand(poly)) for conds, poly in pieces))

    def piece_at(self, x: Vector) -> int:
        """The piece whose conditions hold at the point ``x``."""
        for n, pc in enumerate(self.pieces):
            if all(c.holds(sign(c.value_at(x))) for c in pc.conditions):
                return n
        raise InputError("no piece contains the point", str(tuple(map(to_str, x))))

    def evaluate(self, expr: sp.Expr, x: Vector) -> fmpq:
        """A rational SymPy expression in :attr:`variables` at the point ``x`` (exact)."""
        return _as_fmpq(expr.subs({v: to_sympy(c) for v, c in zip(self.variables, map(fmpq, x))}))

    def value(self, x: Vector) -> fmpq:
        """``f(x)`` exactly."""
        return self.evaluate(self.pieces[self.piece_at(x)].poly, x)

    def piece_gradient(self, n: int, x: Vector) -> Vector:
        """The gradient of piece n's polynomial at ``x`` (wherever x lies)."""
        poly = self.pieces[n].poly
        return tuple(self.evaluate(sp.diff(poly, v), x) for v in self.variables)

    def gradient(self, x: Vector) -> Vector:
        """The gradient of the piece that contains ``x`` (what a GD step uses)."""
        return self.piece_gradient(self.piece_at(x), x)

    def along(self, x0: Sequence[Any], d: Sequence[Any]) -> RayRestriction:
        """The exact polynomial of ``f`` along ``x0 + εd`` and its validity bound ε0."""
        x0, d = tuple(map(fmpq, x0)), tuple(map(fmpq, d))
        chosen, eps0 = self._active_pieces(x0, d)
        if not chosen:
            raise CheckFailed(f"{self.name}: no piece is active along the ray")
        eps = sp.Symbol("eps")
        sub = {v: to_sympy(a) + eps * to_sympy(b) for v, a, b in zip(self.variables, x0, d)}
        polys = {tuple(sp.Poly(sp.expand(self.pieces[n].poly.subs(sub)), eps).all_coeffs()[::-1]) for n in chosen}
        if len(polys) != 1:
            raise CheckFailed(f"{self.name}: two active pieces disagree along the ray")
        coeffs = tuple(_as_fmpq(c) for c in polys.pop())
        return RayRestriction(d, chosen[0], coeffs, eps0)

    def _active_pieces(self, x0: Vector, d: Vector) -> tuple[list[int], Any]:
        """The pieces active for small ε > 0 along ``x0 + εd``, and the first crossing ε0."""
        eps0: Any = None
        chosen = []
        for n, pc in enumerate(self.pieces):
            ok = True
            for c in pc.conditions:
                a, b = c.value_at(x0), c.rate_along(d)
                ok = ok and c.holds(ray_side(a, b))
                t = ray_crossing(a, b)
                if t is not None and (eps0 is None or t < eps0):
                    eps0 = t
            if ok:
                chosen.append(n)
        return chosen, eps0


def abs_sum() -> PiecewisePolynomial:
    """``f(x, y) = |x + y|`` (Appendix C.1, Figure 6).

    Returns
    -------
    PiecewisePolynomial

    Examples
    --------
    >>> abs_sum().value((fmpq(1), fmpq(-3)))
    2
    """
    return PiecewisePolynomial.build("|x + y|", r"\lvert x + y\rvert", (X, Y),
                                     [([(X + Y, ">=")], X + Y), ([(X + Y, "<")], -X - Y)])


def eq7() -> PiecewisePolynomial:
    """The function of eq. (7) (Appendix C.2, Figure 7); in closed form ``|x| + y|y|``.

    Returns
    -------
    PiecewisePolynomial

    Examples
    --------
    >>> eq7().value((fmpq(-1), fmpq(-2)))
    -3
    """
    return PiecewisePolynomial.build("eq. (7)", r"f_{(7)}(x, y)", (X, Y), [
        ([(X, ">"), (Y, ">")], Y**2 + X), ([(X, ">"), (Y, "<=")], -Y**2 + X),
        ([(X, "<="), (Y, ">")], Y**2 - X), ([(X, "<="), (Y, "<=")], -Y**2 - X)])


def abs1() -> PiecewisePolynomial:
    """``|x|`` (Remark 3.4).

    Returns
    -------
    PiecewisePolynomial

    Examples
    --------
    >>> abs1().gradient((fmpq(-2),))
    (-1,)
    """
    return PiecewisePolynomial.build("|x|", r"\lvert x\rvert", (X,), [([(X, ">=")], X), ([(X, "<")], -X)])


def neg_abs1() -> PiecewisePolynomial:
    """``−|x|`` (Remark 3.4).

    Returns
    -------
    PiecewisePolynomial

    Examples
    --------
    >>> neg_abs1().value((fmpq(-2),))
    -2
    """
    return PiecewisePolynomial.build("-|x|", r"-\lvert x\rvert", (X,), [([(X, ">=")], -X), ([(X, "<")], X)])

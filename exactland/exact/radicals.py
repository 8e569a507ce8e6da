"""Exact values of checked number expressions; radicals of rationals in one field.

:func:`evaluate_checked` computes the value of an expression that
:func:`exactland.exact.expression.check_expression` accepted, with ``fmpq``
and :class:`~exactland.exact.algebraic.RealAlg` arithmetic.  SymPy never
evaluates the expression itself: it only simplifies radicals of rationals
(``sqrt(8)`` is ``2*sqrt(2)``) and gives the radicals that generate number
fields.  A radical ``base**(p/q)`` is ``u**p`` with ``u = base**(1/q)`` (for a
rational ``base``: ``base**n * u**r`` with ``p = n*q + r``), so that no
radicand carries ``p`` times the digits of ``base`` (SymPy's own form of
``N**(5/12)`` does) and no product needs a compositum of two fields.
"""
from __future__ import annotations

import ast
import math
import operator
from typing import Any

from flint import fmpq

from exactland.errors import NotExactError, describe_value
from exactland.exact.algebraic import RealAlg, generator, import_sympy
from exactland.exact.expression import MAX_RADICAND_WORK

__all__ = ["evaluate_checked", "rational_root", "radical_product", "is_rational_radical"]

_LOG10_2 = 0.30102999566398120
_ARITH = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
          ast.Div: operator.truediv}


class _NotReal(Exception):
    """An even root of a negative number (carries the offending subexpression)."""


def evaluate_checked(tree: ast.Expression, exact: dict[int, fmpq], src: str, text: Any,
                     where: str) -> Any:
    """The exact value (``fmpq`` or ``RealAlg``) of a checked expression.

    Raises
    ------
    NotExactError
        Division by zero, or a root of a negative number that is not real.
    """
    try:
        return _value(tree.body, exact, src)
    except ZeroDivisionError:
        raise NotExactError(f"{describe_value(text)}: division by zero", where) from None
    except NotExactError as exc:  # a limit met on the way names no field
        raise NotExactError(f"{describe_value(text)}: {exc.message}", exc.where or where) from None
    except _NotReal as exc:
        raise NotExactError(
            f"{describe_value(text)} is not a real number: {exc} is a root of a negative number (the "
            "principal root is complex; use real_root(x, n) for the real one)", where) from None


def _value(node: ast.AST, exact: dict[int, fmpq], src: str) -> Any:
    if isinstance(node, ast.Constant) or (isinstance(node, ast.Call) and
                                          node.func.id in ("Rational", "Integer")):
        return exact[id(node)]
    if isinstance(node, ast.UnaryOp):
        inner = _value(node.operand, exact, src)
        return -inner if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.BinOp):
        a = _value(node.left, exact, src)
        if isinstance(node.op, ast.Pow):
            return _power(a, exact[id(node)], node, src)
        return _ARITH[type(node.op)](a, _value(node.right, exact, src))
    name, arg = node.func.id, _value(node.args[0], exact, src)  # a checked call
    if name in ("Abs", "abs"):
        return abs(arg)
    n = {"sqrt": 2, "cbrt": 3}.get(name) or int(exact[id(node)].p)
    if name == "real_root" and n % 2 and _sign(arg) < 0:
        return -_power(-arg, fmpq(1, n), node, src)
    return _power(arg, fmpq(1, n), node, src)


def _sign(x: Any) -> int:
    return x.sign() if isinstance(x, RealAlg) else (x > 0) - (x < 0)


def _power(base: Any, e: fmpq, node: ast.AST, src: str) -> Any:
    p, q = int(e.p), int(e.q)
    if q == 1:
        if base == 0 and p < 0:
            raise ZeroDivisionError
        return base ** p
    s = _sign(base)
    if s < 0:
        raise _NotReal(describe_value(ast.get_source_segment(src, node) or "?", 40))
    if s == 0:
        if p < 0:
            raise ZeroDivisionError
        return fmpq(0)
    if isinstance(base, RealAlg):  # u**p with u = base**(1/q): one field, no compositum
        sp = import_sympy()
        return _radical_value(sp, _sympy_root(sp, base.to_sympy(), q)) ** p
    return rational_root(base, p, q)


def _sympy_root(sp: Any, x: Any, q: int) -> Any:
    """``x**(1/q)`` as SymPy simplifies it; unsimplified where SymPy fails (SymPy 1.14
    raises ValueError "... is not a prime factor of ..." for some large integers)."""
    try:
        return sp.Pow(x, sp.Rational(1, q))
    except (ValueError, ArithmeticError):
        return sp.Pow(x, sp.Rational(1, q), evaluate=False)


def _radical_value(sp: Any, expr: Any) -> Any:
    """A SymPy root of an algebraic number as RealAlg; radicals of rationals (SymPy
    writes ``(5**(1/12))**(1/2)`` as ``5**(1/24)``) through :func:`radical_product`."""
    factors = sp.Mul.make_args(expr)
    if not all(isinstance(f, sp.Rational) or is_rational_radical(sp, f) for f in factors):
        return generator(expr)
    value, parts = fmpq(1), []
    for f in factors:
        if isinstance(f, sp.Rational):
            value *= fmpq(int(f.p), int(f.q))
        else:
            parts.append((fmpq(int(f.base.p), int(f.base.q)), int(f.exp.p), int(f.exp.q)))
    return value * radical_product(parts) if parts else value


def rational_root(base: fmpq, p: int, q: int) -> Any:
    """``base ** (p/q)`` for a positive rational ``base`` and ``q > 1``, exactly.

    Numerator and denominator are taken apart: SymPy writes ``(a/b)**(1/q)``
    with the radicand ``a*b**(q-1)``.

    Examples
    --------
    >>> rational_root(fmpq(8), 1, 2), rational_root(fmpq(4), 3, 2)
    (RealAlg(2*sqrt(2)), 8)
    """
    sp = import_sympy()
    n, r = divmod(p, q)
    u, parts = fmpq(1), []
    for num, sgn in ((int(base.p), 1), (int(base.q), -1)):
        for f in sp.Mul.make_args(_sympy_root(sp, sp.Integer(num), q)):
            if is_rational_radical(sp, f):  # SymPy writes N**(1/q) as c * prod b**(p/q)
                parts.append((fmpq(int(f.base.p), int(f.base.q)), sgn * int(f.exp.p), int(f.exp.q)))
            else:
                u *= fmpq(int(f.p), int(f.q)) ** sgn
    if parts:
        u = u * radical_product(parts)
    return base ** n * u ** r


def is_rational_radical(sp: Any, f: Any) -> bool:
    """Whether the SymPy expression ``f`` is ``b**(p/q)``, ``b > 0`` rational, ``q > 1``."""
    return isinstance(f, sp.Pow) and isinstance(f.base, sp.Rational) and f.base > 0 \
        and isinstance(f.exp, sp.Rational) and not isinstance(f.exp, sp.Integer)


def radical_product(parts: list[tuple[fmpq, int, int]]) -> Any:
    """The product of radicals ``b_j**(p_j/q_j)`` (``b_j > 0`` rational), in one field.

    SymPy writes ``42700**(1/12)`` as ``10**(1/6)*427**(1/12)``: the product is
    ``theta**k`` times a rational, ``theta = (prod b_j**c_j)**(1/L)`` with ``L``
    the lcm of the ``q_j`` and ``|c_j| <= L/2`` chosen for few digits (here
    ``theta = 42700**(1/12)``, ``k = 1``).  Its field has degree at most ``L``
    and a minimal polynomial with small coefficients, where the compositum of
    the parts would have degree 72.
    """
    sp = import_sympy()
    index = math.lcm(*(q for _, _, q in parts))
    merged: dict[fmpq, int] = {}
    for b, p, q in parts:
        merged[b] = merged.get(b, 0) + p * index // q
    bases, exps = list(merged), list(merged.values())
    best: tuple[int, int, list[int]] | None = None
    for k in (k for k in range(1, index) if math.gcd(k, index) == 1):
        inv = pow(k, -1, index)
        cs = [(e * inv) % index for e in exps]
        cs = [c - index if 2 * c > index else c for c in cs]
        cost = sum(abs(c) * (int(b.p).bit_length() + int(b.q).bit_length()) for c, b in zip(cs, bases))
        if best is None or cost < best[0]:
            best = (cost, k, cs)
    cost, k, cs = best  # type: ignore[misc]
    if index * cost * _LOG10_2 > MAX_RADICAND_WORK:
        raise NotExactError(f"a radical of degree {index} with a radicand of about "
                            f"{int(cost * _LOG10_2)} digits exceeds exactland's limit of "
                            f"{MAX_RADICAND_WORK} for degree × digits")
    radicand, rest = fmpq(1), fmpq(1)
    for b, e, c in zip(bases, exps, cs):
        radicand, rest = radicand * b ** c, rest * b ** ((e - k * c) // index)
    theta = generator(sp.Pow(sp.Rational(int(radicand.p), int(radicand.q)), sp.Rational(1, index),
                             evaluate=False))
    return rest * theta ** k

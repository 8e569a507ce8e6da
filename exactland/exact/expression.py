"""Algebraic number expressions, checked before SymPy sees them.

A number string that is no plain number (:mod:`exactland.exact.literals`)
is parsed by Python's :mod:`ast` (never evaluated), every node is checked
against a whitelist (number literals, unary ``+``/``-``, ``+ - * / **``,
``sqrt``, ``cbrt``, ``root``, ``real_root``, ``Rational``, ``Integer``,
``Abs``) and the limits below, and only then is it evaluated exactly
(:mod:`exactland.exact.radicals`), SymPy building only the radicals:

===========================  ======  ========================================
``MAX_EXPR_CHARS``           10 000  characters of the expression
``MAX_EXPR_LITERAL_DIGITS``  1 000   digits of one literal in it
``MAX_EXPR_DEPTH``           100     nesting of its syntax tree
``MAX_POWER``                100     ``|p|`` of an exponent; exponents are
                                     literal integers or fractions ``p/q``
``MAX_ROOT_INDEX``           12      ``q``: root indices, exponent denominators
``MAX_RADICAL_DEPTH``        4       radicals nested in radicals
``MAX_RADICALS``             16      distinct radicals
``MAX_FIELD_DEGREE``         24      a bound of the degree of the number field
``MAX_EXPR_SIZE``            4 000   estimated digits of any value in it
``MAX_RADICAND_WORK``        512     degree bound × digits of the radicands
``MAX_NESTED_WORK``          96      degree bound × digits of the literals under a
                                     radical of an irrational (``sqrt(1+sqrt(2))``)
===========================  ======  ========================================

The degree bound is the product of the indices of the distinct radicals,
except that the radicals of one rational radicand count once (the lcm of
their indices) and square roots of rationals count ``2**rank`` of their
radicands modulo squares (``sqrt(2)``, ``sqrt(3)``, ``sqrt(6)``: 4, with the
digits of 2 and 3 only), so that
what :func:`~exactland.exact.scalars.to_str` writes for a field of degree up
to 16 reads back.  Five independent square roots (degree 32) or five nested
radicals are refused.  The limits are far beyond the numbers of the paper;
the last five keep SymPy's field construction, root isolation and printing,
which grow fast with the degree and the digits (printing an element of a
field of degree 32 takes half a minute), within a second or two.
"""
from __future__ import annotations

import ast
import math
import operator
import re
import warnings
from fractions import Fraction
from typing import Any, Callable

from flint import fmpq

from exactland.errors import NotExactError, describe_value
from exactland.exact.literals import MAX_DIGITS, read_plain

__all__ = [
    "MAX_EXPR_CHARS", "MAX_EXPR_LITERAL_DIGITS", "MAX_EXPR_DEPTH", "MAX_POWER", "MAX_ROOT_INDEX",
    "MAX_RADICAL_DEPTH", "MAX_RADICALS", "MAX_FIELD_DEGREE", "MAX_EXPR_SIZE", "MAX_RADICAND_WORK",
    "MAX_NESTED_WORK",
    "check_expression",
]

MAX_EXPR_CHARS = 10_000
MAX_EXPR_LITERAL_DIGITS = 1_000
MAX_EXPR_DEPTH = 100
MAX_POWER = 100
MAX_ROOT_INDEX = 12
MAX_RADICAL_DEPTH = 4
MAX_RADICALS = 16
MAX_FIELD_DEGREE = 24
MAX_EXPR_SIZE = 4_000
MAX_RADICAND_WORK = 512
MAX_NESTED_WORK = 96
_LONG_RUN_RE = re.compile(r"[0-9]{%d,}" % (MAX_EXPR_LITERAL_DIGITS + 1), re.ASCII)
_LIMIT = "exceeds exactland's limit of"
_LOG10_2 = 0.30102999566398120


class _Info:
    """What the check knows of a subexpression: estimated digits, exact value
    when rational (None otherwise), radicals nested in it, digits of its literals."""

    __slots__ = ("size", "value", "depth", "lits")

    def __init__(self, size: float, value: fmpq | None = None, depth: int = 0, lits: int = 0) -> None:
        self.size, self.value, self.depth, self.lits = size, value, depth, lits


def _digits(x: fmpq | int) -> float:
    q = fmpq(x)
    return max(1.0, (int(q.p).bit_length() + int(q.q).bit_length()) * _LOG10_2)


_NAMES = {  # known names that are no real algebraic number: the reason of the refusal
    "pi": "is not algebraic: no exact sign decision possible",
    "E": "is not algebraic: no exact sign decision possible",
    "I": "is not a real number (contains I)",
    "nan": "is not a number (nan)", "NaN": "is not a number (nan)",
    "zoo": "is a division by zero (complex infinity)",
}
_NAMES.update(dict.fromkeys(["oo", "inf", "Infinity", "infinity"], "is infinite, not a finite number"))
_TRANSCENDENTAL = {"exp", "log", "ln", "sin", "cos", "tan"}
_ONE_ARG = {"sqrt": 2, "cbrt": 3, "Abs": 0, "abs": 0}


class _Checker:
    """Walk a parsed expression, refusing what is not allowed or beyond a limit."""

    def __init__(self, src: str, text: Any, where: str) -> None:
        self.src, self.text, self.where = src, text, where
        self.exact: dict[int, fmpq] = {}       # literal values and exponents, by node id
        self.rational_radicals: dict[fmpq, int] = {}   # |radicand| -> lcm of its indices
        self.other_radicals: dict[str, tuple[int, float]] = {}  # ast dump -> (index, size)

    def refuse(self, what: str) -> NotExactError:
        sep = "" if what.startswith(":") else " "
        return NotExactError(f"{describe_value(self.text)}{sep}{what}", self.where)

    def segment(self, node: ast.AST) -> str:
        return describe_value(ast.get_source_segment(self.src, node) or "?", 40)

    def visit(self, node: ast.AST) -> _Info:
        if isinstance(node, ast.Constant):
            return self.constant(node)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)):
            inner = self.visit(node.operand)
            neg = inner.value is not None and isinstance(node.op, ast.USub)
            return _Info(inner.size, -inner.value if neg else inner.value, inner.depth, inner.lits)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            return self.power(node)
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div)):
            return self.arithmetic(node)
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.Name):
            reason = _NAMES.get(node.id)
            if reason:
                raise self.refuse(f"{reason} ({node.id})")
            if node.id in _TRANSCENDENTAL or node.id in _ONE_ARG or node.id in _FUNCTIONS:
                raise self.refuse(f"is unparsable / not a number ({node.id} without arguments)")
            raise self.refuse(f"is unparsable / not a number (unknown name(s) {node.id})")
        raise self.refuse(f"is unparsable / not a number ({self.segment(node)} is not allowed: "
                          "only numbers, + - * / ** and sqrt, cbrt, root, real_root, Rational, Abs)")

    def constant(self, node: ast.Constant) -> _Info:
        if isinstance(node.value, complex):
            raise self.refuse(f"is not a real number (contains I): {self.segment(node)}")
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise self.refuse(f"is unparsable / not a number ({self.segment(node)})")
        value = read_plain(ast.get_source_segment(self.src, node) or "", self.text, self.where)
        if value is None:
            raise self.refuse(f"is not an exact decimal number ({self.segment(node)}: only the "
                              "ASCII digits 0-9, no prefixes such as 0x and no _)")
        self.exact[id(node)] = value
        lits = sum(c.isdigit() for c in ast.get_source_segment(self.src, node) or "")
        return self.sized(_Info(_digits(value), value, 0, lits), node)

    def arithmetic(self, node: ast.BinOp) -> _Info:
        a, b = self.visit(node.left), self.visit(node.right)
        size = a.size + b.size + (0 if isinstance(node.op, (ast.Mult, ast.Div)) else 1)
        value = None
        if a.value is not None and b.value is not None:
            if isinstance(node.op, ast.Div) and b.value == 0:
                raise self.refuse(f": division by zero in {self.segment(node)}")
            value = _ARITH[type(node.op)](a.value, b.value)
            size = _digits(value)
        return self.sized(_Info(size, value, max(a.depth, b.depth), a.lits + b.lits), node)

    def sized(self, info: _Info, node: ast.AST) -> _Info:
        if info.size > MAX_EXPR_SIZE:
            raise self.refuse(f": {self.segment(node)} has about {int(info.size)} digits, which "
                              f"{_LIMIT} {MAX_EXPR_SIZE} digits for a value in an expression "
                              "(write large rationals as p/q or decimals)")
        return info

    def power(self, node: ast.BinOp) -> _Info:
        base, e = self.visit(node.left), self.exponent(node.right)
        self.exact[id(node)] = fmpq(e.numerator, e.denominator)
        if e.denominator == 1:
            info = self.sized(_Info(base.size * abs(e.numerator), None, base.depth, base.lits), node)
            if base.value is not None:
                if base.value == 0 and e < 0:
                    raise self.refuse(f": division by zero in {self.segment(node)}")
                info.value = base.value ** int(e)
            return info
        return self.radical(node, base, e.denominator, abs(e.numerator))

    def exponent(self, node: ast.AST) -> Fraction:
        e = self.literal_fraction(node)
        if e is None:
            raise self.refuse(f": the exponent {self.segment(node)} is not a literal integer or "
                              f"fraction p/q (exactland's limit: |p| <= {MAX_POWER}, "
                              f"1 <= q <= {MAX_ROOT_INDEX})")
        if abs(e.numerator) > MAX_POWER:
            raise self.refuse(f": the exponent {describe_value(e.numerator)}"
                              f"{'' if e.denominator == 1 else '/' + str(e.denominator)} "
                              f"{_LIMIT} {MAX_POWER} (in absolute value)")
        if e.denominator > MAX_ROOT_INDEX:
            raise self.refuse(f": the root index {e.denominator} of the exponent {e} {_LIMIT} "
                              f"{MAX_ROOT_INDEX}")
        return e

    def literal_fraction(self, node: ast.AST) -> Fraction | None:
        """A literal exponent: ±integer, ±decimal, p/q, Rational(p, q); None otherwise."""
        if isinstance(node, ast.Constant):
            info = self.constant(node)
            return Fraction(int(info.value.p), int(info.value.q))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)):
            inner = self.literal_fraction(node.operand)
            return None if inner is None else (-inner if isinstance(node.op, ast.USub) else inner)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            a, b = self.literal_fraction(node.left), self.literal_fraction(node.right)
            if a is None or b is None:
                return None
            if b == 0:
                raise self.refuse(f": division by zero in {self.segment(node)}")
            return a / b
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Rational":
            v = self.call(node).value
            return Fraction(int(v.p), int(v.q))
        return None

    def radical(self, node: ast.AST, base: _Info, index: int, power: int = 1) -> _Info:
        depth = base.depth + 1
        if depth > MAX_RADICAL_DEPTH:
            raise self.refuse(f": radicals nested {depth} deep {_LIMIT} {MAX_RADICAL_DEPTH}")
        r = base.value
        if r is None:
            self.other_radicals[ast.dump(node)] = (index, base.size, base.lits)
        elif r != 0 and abs(r) != 1:
            r = abs(r)
            self.rational_radicals[r] = math.lcm(self.rational_radicals.get(r, 1), index)
        if len(self.rational_radicals) + len(self.other_radicals) > MAX_RADICALS:
            raise self.refuse(f": more than {MAX_RADICALS} distinct radicals {_LIMIT} {MAX_RADICALS}")
        return self.sized(_Info(base.size * (1 + power / index), None, depth, base.lits), node)

    def call(self, node: ast.Call) -> _Info:
        name = getattr(node.func, "id", None)
        if not isinstance(node.func, ast.Name) or node.keywords:
            raise self.refuse(f"is unparsable / not a number ({self.segment(node)} is not allowed)")
        if name in _TRANSCENDENTAL:
            raise self.refuse(f": {self.segment(node)} is not algebraic: no exact sign decision possible")
        if name not in _ONE_ARG and name not in _FUNCTIONS:
            raise self.refuse(f"is unparsable / not a number (unknown name(s) {name})")
        want = (1,) if name in _ONE_ARG else _FUNCTIONS[name][0]
        if len(node.args) not in want or any(isinstance(a, ast.Starred) for a in node.args):
            raise self.refuse(f"is unparsable / not a number ({name} takes "
                              f"{' or '.join(map(str, want))} argument(s))")
        if name in _ONE_ARG:
            inner = self.visit(node.args[0])
            if _ONE_ARG[name] == 0:  # Abs
                return _Info(inner.size, None if inner.value is None else abs(inner.value), inner.depth,
                             inner.lits)
            return self.radical(node, inner, _ONE_ARG[name])
        return _FUNCTIONS[name][1](self, node)

    def literal_int(self, node: ast.AST, what: str) -> int:
        e = self.literal_fraction(node)
        if e is None or e.denominator != 1:
            raise self.refuse(f": {what} {self.segment(node)} must be a literal integer")
        return int(e)

    def root(self, node: ast.Call) -> _Info:
        base = self.visit(node.args[0])
        n = self.literal_int(node.args[1], "the root index")
        if n == 0:
            raise self.refuse(f": root index 0 in {self.segment(node)} (division by zero)")
        if abs(n) > MAX_ROOT_INDEX:
            raise self.refuse(f": the root index {describe_value(n)} {_LIMIT} {MAX_ROOT_INDEX}")
        self.exact[id(node)] = fmpq(n)
        if abs(n) == 1:
            return _Info(base.size, None, base.depth, base.lits)
        return self.radical(node, base, abs(n))

    def rational(self, node: ast.Call) -> _Info:
        p = self.literal_int(node.args[0], "the numerator")
        q = self.literal_int(node.args[1], "the denominator") if len(node.args) == 2 else 1
        if q == 0:
            raise self.refuse(f": division by zero in {self.segment(node)}")
        value = fmpq(p, q)
        self.exact[id(node)] = value
        return _Info(_digits(value), value, 0, int(_digits(value)))

    def check_all(self) -> None:
        """The limits on the radicals of the whole expression."""
        rank, digits = _square_roots([r for r, n in self.rational_radicals.items() if n == 2])
        degree = 2 ** rank
        for r, n in self.rational_radicals.items():
            if n != 2:
                degree, digits = degree * n, digits + _digits(r)
        for n, size, _ in self.other_radicals.values():
            degree, digits = degree * n, digits + size
        if degree > MAX_FIELD_DEGREE:
            raise self.refuse(f": its radicals may generate a number field of degree up to {degree}, "
                              f"which {_LIMIT} {MAX_FIELD_DEGREE}")
        if degree * digits > MAX_RADICAND_WORK:
            raise self.refuse(f": radicands of about {int(digits)} digits in a number field of degree "
                              f"up to {degree} {_LIMIT} {MAX_RADICAND_WORK} for degree × digits")
        lits = max((lit for _, _, lit in self.other_radicals.values()), default=0)
        if degree * lits > MAX_NESTED_WORK:
            raise self.refuse(f": a radical of an irrational radicand with {lits} digits in a number "
                              f"field of degree up to {degree} {_LIMIT} {MAX_NESTED_WORK} for "
                              "degree × digits")


_ARITH: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
}
_FUNCTIONS: dict[str, tuple[tuple[int, ...], Callable[[_Checker, ast.Call], _Info]]] = {
    "root": ((2,), _Checker.root), "real_root": ((2,), _Checker.root),
    "Rational": ((1, 2), _Checker.rational), "Integer": ((1,), _Checker.rational),
}


def _square_roots(radicands: list[fmpq]) -> tuple[int, float]:
    """For square roots of rationals: an upper bound of the rank of the radicands
    in Q*/Q*² and the digits of the numbers that generate them (a coprime base,
    no factoring): ``sqrt(2), sqrt(3), sqrt(6)`` give ``(2, digits of 2 and 3)``."""
    nums = [int(r.p) * int(r.q) for r in radicands]
    base: list[int] = []
    for v in nums:
        todo = [v]
        while todo:
            x = todo.pop()
            for i, b in enumerate(base):
                g = math.gcd(x, b)
                if g != 1:
                    del base[i]
                    todo.extend(y for y in (g, b // g, x // g) if y != 1)
                    break
            else:
                if x != 1:
                    base.append(x)
    rows = []
    for v in nums:
        bits = 0
        for i, b in enumerate(base):
            k = 0
            while v % b == 0:
                v, k = v // b, k + 1
            bits |= (k & 1) << i
        rows.append(bits)
    used = [b for i, b in enumerate(base) if any(row >> i & 1 for row in rows)]
    pivots: list[int] = []
    for row in rows:  # Gaussian elimination over GF(2)
        for p in pivots:
            row = min(row, row ^ p)
        if row:
            pivots.append(row)
    return len(pivots), sum(_digits(b) for b in used)


def _parse(s: str, text: Any, where: str) -> ast.Expression:
    if len(s) > MAX_EXPR_CHARS:
        raise NotExactError(f"{describe_value(text)}: an expression of {len(s)} characters "
                            f"{_LIMIT} {MAX_EXPR_CHARS}", where)
    long = _LONG_RUN_RE.search(s)
    if long:
        raise NotExactError(f"{describe_value(text)}: a literal of {len(long.group())} digits in an "
                            f"expression {_LIMIT} {MAX_EXPR_LITERAL_DIGITS} digits (a plain integer, "
                            f"p/q or decimal may have up to {MAX_DIGITS})", where)
    try:
        with warnings.catch_warnings():  # "invalid decimal literal" and the like: refused below
            warnings.simplefilter("ignore")
            tree = ast.parse(s, mode="eval")
    except Exception as exc:  # noqa: BLE001 - SyntaxError, RecursionError, MemoryError, ...
        raise NotExactError(f"{describe_value(text)} is unparsable / not a number "
                            f"({type(exc).__name__})", where) from None
    stack = [(tree.body, 1)]
    while stack:  # the depth first, without recursion
        node, depth = stack.pop()
        if depth > MAX_EXPR_DEPTH:
            raise NotExactError(f"{describe_value(text)}: an expression nested {depth} deep "
                                f"{_LIMIT} {MAX_EXPR_DEPTH}", where)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return tree


def check_expression(s: str, text: Any, where: str) -> tuple[ast.Expression, dict[int, fmpq]]:
    """Check an expression string (ASCII, ``^`` already ``**``).

    Returns the syntax tree and the exact values of its literals, exponents and
    root indices by node id, for :func:`exactland.exact.radicals.evaluate_checked`.

    Raises
    ------
    NotExactError
        A construct outside the whitelist or a value beyond a limit.
    """
    tree = _parse(s, text, where)
    checker = _Checker(s, text, where)
    checker.visit(tree.body)
    checker.check_all()
    return tree, checker.exact

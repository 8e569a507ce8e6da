"""Teaching examples without a network: Appendix C and Remark 3.4.

A :class:`PiecewisePolynomial` is a continuous function given by polynomial
pieces on regions cut out by affine sign conditions. Along a ray ``x0 + εd``
each condition is affine in ε, so the active piece is fixed for
``0 < ε < ε0`` by the same "eventual side" rule as the network's orthants
(:func:`exactland.taylor.rays.ray_side`, :func:`exactland.taylor.rays.ray_crossing`),
and the restriction is an exact polynomial in ε whose coefficients are the
one-sided directional derivatives (``n! c_n``).

Examples built here, all decided exactly:

* ``|x + y|`` (Appendix C.1): every one-sided slope at 0 is ≥ 0 and the function
  is piecewise linear, so the origin is a (non-differentiable) local minimum;
* eq. (7) (Appendix C.2): slopes ``|dx| ≥ 0`` (stationary), but along
  ``(0, −1)`` the loss is ``−ε²``: a non-differentiable saddle with
  second-order descent; no subgradient exists there (Remark C.1);
* ``|x|`` vs ``−|x|`` (Remark 3.4): the same Clarke subdifferential ``[−1, 1]``
  (both "Clarke stationary"), opposite one-sided slopes (only ``|x|`` is
  stationary in the sense of Definition 3.3);
* gradient descent on eq. (7) from ``(10⁻⁶, 1)`` (:func:`eq7_gradient_descent`).
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Any, Sequence

import sympy as sp
from flint import fmpq

from exactland.errors import InputError
from exactland.exact.scalars import sign, to_str
from exactland.derivation.latex import tex, tex_poly, tex_vec
from exactland.derivation.model import Derivation, Step, Table
from exactland.taylor.rays import CheckFailed, ray_crossing, ray_side

__all__ = [
    "Condition", "Piece", "PiecewisePolynomial", "RayRestriction", "DirectionalAnalysis",
    "abs_sum", "eq7", "abs1", "neg_abs1", "directional_analysis", "clarke_generators",
    "zero_in_hull", "subgradient_obstruction", "eq7_gradient_descent", "GDReport",
    "teaching_derivation",
]

Vector = tuple[Any, ...]
X, Y = sp.symbols("x y", real=True)


def _q(e: Any) -> fmpq:
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


def _cond(expr: sp.Expr, op: str, variables: Sequence[sp.Symbol]) -> Condition:
    poly = sp.Poly(expr, *variables)
    if poly.total_degree() > 1:
        raise InputError("piece conditions must be affine", str(expr))
    normal = tuple(_q(poly.coeff_monomial(v)) for v in variables)
    return Condition(normal, _q(poly.coeff_monomial(1)), op)


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
            Piece(tuple(_cond(e, op, vs) for e, op in conds), sp.expand(poly)) for conds, poly in pieces))

    def _affine(self, c: Condition, x: Vector) -> Any:
        return sum((a * b for a, b in zip(c.normal, x)), fmpq(0)) + c.offset

    def piece_at(self, x: Vector) -> int:
        """The piece whose conditions hold at the point ``x``."""
        for n, pc in enumerate(self.pieces):
            if all(c.holds(sign(self._affine(c, x))) for c in pc.conditions):
                return n
        raise InputError("no piece contains the point", str(tuple(map(to_str, x))))

    def _eval(self, e: sp.Expr, x: Vector) -> fmpq:
        return _q(e.subs({v: sp.Rational(int(c.p), int(c.q)) for v, c in zip(self.variables, map(fmpq, x))}))

    def value(self, x: Vector) -> fmpq:
        """``f(x)`` exactly."""
        return self._eval(self.pieces[self.piece_at(x)].poly, x)

    def gradient(self, x: Vector) -> Vector:
        """The gradient of the piece that contains ``x`` (what a GD step uses)."""
        poly = self.pieces[self.piece_at(x)].poly
        return tuple(self._eval(sp.diff(poly, v), x) for v in self.variables)

    def along(self, x0: Sequence[Any], d: Sequence[Any]) -> RayRestriction:
        """The exact polynomial of ``f`` along ``x0 + εd`` and its validity bound ε0."""
        x0, d = tuple(map(fmpq, x0)), tuple(map(fmpq, d))
        eps0: Any = None
        chosen = []
        for n, pc in enumerate(self.pieces):
            ok = True
            for c in pc.conditions:
                a, b = self._affine(c, x0), sum((p * q for p, q in zip(c.normal, d)), fmpq(0))
                ok = ok and c.holds(ray_side(a, b))
                t = ray_crossing(a, b)
                if t is not None and (eps0 is None or t < eps0):
                    eps0 = t
            if ok:
                chosen.append(n)
        if not chosen:
            raise CheckFailed(f"{self.name}: no piece is active along the ray")
        eps = sp.Symbol("eps")
        sub = {v: sp.Rational(int(a.p), int(a.q)) + eps * sp.Rational(int(b.p), int(b.q))
               for v, a, b in zip(self.variables, x0, d)}
        polys = {tuple(sp.Poly(sp.expand(self.pieces[n].poly.subs(sub)), eps).all_coeffs()[::-1]) for n in chosen}
        if len(polys) != 1:
            raise CheckFailed(f"{self.name}: two active pieces disagree along the ray")
        coeffs = tuple(_q(c) for c in polys.pop())
        return RayRestriction(d, chosen[0], coeffs, eps0)


def abs_sum() -> PiecewisePolynomial:
    """``f(x, y) = |x + y|`` (Appendix C.1, Figure 6)."""
    return PiecewisePolynomial.build("|x + y|", r"\lvert x + y\rvert", (X, Y),
                                     [([(X + Y, ">=")], X + Y), ([(X + Y, "<")], -X - Y)])


def eq7() -> PiecewisePolynomial:
    """The function of eq. (7) (Appendix C.2, Figure 7); in closed form ``|x| + y|y|``."""
    return PiecewisePolynomial.build("eq. (7)", r"f_{(7)}(x, y)", (X, Y), [
        ([(X, ">"), (Y, ">")], Y**2 + X), ([(X, ">"), (Y, "<=")], -Y**2 + X),
        ([(X, "<="), (Y, ">")], Y**2 - X), ([(X, "<="), (Y, "<=")], -Y**2 - X)])


def abs1() -> PiecewisePolynomial:
    """``|x|`` (Remark 3.4)."""
    return PiecewisePolynomial.build("|x|", r"\lvert x\rvert", (X,), [([(X, ">=")], X), ([(X, "<")], -X)])


def neg_abs1() -> PiecewisePolynomial:
    """``−|x|`` (Remark 3.4)."""
    return PiecewisePolynomial.build("-|x|", r"-\lvert x\rvert", (X,), [([(X, ">=")], -X), ([(X, "<")], X)])


def _test_directions(f: PiecewisePolynomial, x0: Vector) -> list[Vector]:
    """Directions that decide the sign of every one-sided slope at x0 (n ≤ 2).

    The slope ``d ↦ c1(d)`` is linear on each cone of the arrangement of the
    condition lines through x0; such a cone is spanned by its extreme rays
    ``±(−n_2, n_1)`` (or is a half-plane ``n·d ≥ 0``, decided by ``±(−n_2, n_1)``
    and ``n``), so these directions, ``±n`` and the unit vectors suffice.
    """
    n = len(f.variables)
    one, zero = fmpq(1), fmpq(0)
    if n == 1:
        return [(one,), (-one,)]
    if n != 2:
        raise InputError("directional analysis is implemented for 1 or 2 variables", f.name)
    out = [(one, zero), (-one, zero), (zero, one), (zero, -one)]
    for pc in f.pieces:
        for c in pc.conditions:
            if f._affine(c, x0) == 0:
                a, b = c.normal
                out += [(-b, a), (b, -a), (a, b), (-a, -b)]
    seen, uniq = set(), []
    for d in out:
        key = _ray_key(d)
        if key not in seen:
            seen.add(key)
            uniq.append(d)
    return uniq


def _ray_key(d: Vector) -> Vector:
    m = max(abs(c) for c in d)
    return tuple(c / m for c in d)


@dataclass(frozen=True)
class DirectionalAnalysis:
    """One-sided Taylor polynomials at ``x0`` along the deciding directions.

    Attributes
    ----------
    rows : tuple of RayRestriction
    stationary : bool
        Every one-sided slope ``c1(d) ≥ 0`` (the analogue of Definition 3.3).
    verdict : str
        ``not-stationary``, ``local-minimum`` (piecewise linear and stationary:
        ``f(x0 + d) − f(x0) = c1(d)`` near x0), ``saddle`` (a second-or-higher
        order descent and an ascent) or ``minimal-on-test-rays``.
    """

    function: PiecewisePolynomial
    point: Vector
    rows: tuple[RayRestriction, ...]
    stationary: bool
    verdict: str


def directional_analysis(f: PiecewisePolynomial, x0: Sequence[Any]) -> DirectionalAnalysis:
    """Classify ``x0`` from the one-sided Taylor polynomials (module notes).

    Examples
    --------
    >>> a = directional_analysis(eq7(), (0, 0))
    >>> a.stationary, a.verdict
    (True, 'saddle')
    >>> directional_analysis(neg_abs1(), (0,)).verdict
    'not-stationary'
    """
    x0 = tuple(map(fmpq, x0))
    rows = tuple(f.along(x0, d) for d in _test_directions(f, x0))
    stationary = all(sign(r.coefficient(1)) >= 0 for r in rows)
    first = [sign(r.coefficients[r.order]) if r.order else 0 for r in rows]
    if not stationary:
        verdict = "not-stationary"
    elif all(sp.Poly(pc.poly, *f.variables).total_degree() <= 1 for pc in f.pieces):
        verdict = "local-minimum"
    elif -1 in first and 1 in first:
        verdict = "saddle"
    else:
        verdict = "minimal-on-test-rays"
    return DirectionalAnalysis(f, x0, rows, stationary, verdict)


def clarke_generators(f: PiecewisePolynomial, x0: Sequence[Any]) -> tuple[Vector, ...]:
    """Gradients at x0 of the pieces met in the open cells around x0.

    Clarke's generalized gradient is their convex hull (the limits of gradients
    at nearby differentiable points). Interior directions: sums of two test
    directions that lie on no condition line through x0.

    Examples
    --------
    >>> clarke_generators(abs1(), (0,)), clarke_generators(neg_abs1(), (0,))
    (((-1,), (1,)), ((-1,), (1,)))
    """
    x0 = tuple(map(fmpq, x0))
    tests = _test_directions(f, x0)
    cands = tests + [tuple(a + b for a, b in zip(d1, d2)) for d1, d2 in combinations(tests, 2)]
    active = [c for pc in f.pieces for c in pc.conditions if f._affine(c, x0) == 0]
    grads = set()
    for d in cands:
        if all(c == 0 for c in d) or any(sum((a * b for a, b in zip(c.normal, d)), fmpq(0)) == 0 for c in active):
            continue
        poly = f.pieces[f.along(x0, d).piece].poly
        grads.add(tuple(f._eval(sp.diff(poly, v), x0) for v in f.variables))
    return tuple(sorted(grads))


def zero_in_hull(points: Sequence[Vector]) -> bool:
    """Whether 0 lies in the convex hull of points in dimension 1 or 2 (exact).

    Examples
    --------
    >>> zero_in_hull([(fmpq(-1),), (fmpq(1),)]), zero_in_hull([(fmpq(1), fmpq(0)), (fmpq(2), fmpq(1))])
    (True, False)
    """
    pts = [tuple(map(fmpq, p)) for p in points]
    if any(all(c == 0 for c in p) for p in pts):
        return True
    if len(pts[0]) == 1:
        return min(p[0] for p in pts) <= 0 <= max(p[0] for p in pts)
    cross = lambda a, b: a[0] * b[1] - a[1] * b[0]  # noqa: E731
    for a, b in combinations(pts, 2):  # 0 on a segment
        if cross(a, b) == 0 and a[0] * b[0] + a[1] * b[1] < 0:
            return True
    for a, b, c in combinations(pts, 3):  # 0 inside a triangle
        s = [sign(cross(a, b)), sign(cross(b, c)), sign(cross(c, a))]
        if 0 not in s and len(set(s)) == 1:
            return True
    return False


def subgradient_obstruction(analysis: DirectionalAnalysis) -> tuple[Vector, Any, Any] | None:
    """A proof that no subgradient exists at x0 (Remark C.1), or None.

    If ``c1(d) = c1(−d) = 0`` then any subgradient g has ``g·d ≤ c1(d) = 0`` and
    ``−g·d ≤ 0``, so ``g·d = 0``; a descent along d (first nonzero coefficient
    negative) then gives ``f(x0 + εd) < f(x0) = f(x0) + g·(εd)``, violating
    Definition C.2 for every g. Returns ``(d, ε, f(x0 + εd))``.
    """
    rows = {_ray_key(r.direction): r for r in analysis.rows}
    f, x0 = analysis.function, analysis.point
    for r in analysis.rows:
        back = rows.get(_ray_key(tuple(-c for c in r.direction)))
        if back is None or r.coefficient(1) != 0 or back.coefficient(1) != 0:
            continue
        if r.order is not None and sign(r.coefficients[r.order]) < 0:
            eps = fmpq(1) if r.eps0 is None else r.eps0 / 2
            while True:
                pt = tuple(a + eps * b for a, b in zip(x0, r.direction))
                if f.value(pt) < f.value(x0):
                    return r.direction, eps, f.value(pt)
                eps /= 2
    return None


@dataclass(frozen=True)
class GDReport:
    """Exact gradient descent on eq. (7) (see :func:`eq7_gradient_descent`)."""

    eta: Any
    points: tuple[Vector, ...]
    values: tuple[Any, ...]
    escaped_at: int | None
    regime: str


def eq7_gradient_descent(eta: Any, steps: int = 60, start: Sequence[Any] = ("1/1000000", 1)) -> GDReport:
    """Exact GD ``z_{n+1} = z_n − η ∇f(z_n)`` on eq. (7), and what is proved about it.

    With ``f(x, y) = |x| + y|y|`` (eq. (7) in closed form) the piece gradients
    are ``∂_x f = 1`` for ``x > 0``, ``−1`` for ``x ≤ 0``; ``∂_y f = 2y`` for
    ``y > 0``, ``−2y`` for ``y ≤ 0``. So the coordinates decouple:

    * ``y_{n+1} = (1 − 2η) y_n`` while ``y_n > 0`` and ``(1 + 2η) y_n`` when ``y_n ≤ 0``.
      From ``y_0 = 1``: for ``η < 1/2``, ``y_n = (1 − 2η)^n > 0`` for every n (→ 0);
      for ``η = 1/2``, ``y_n = 0`` for n ≥ 1; for ``η > 1/2``,
      ``y_n = (1 + 2η)^{n−1}(1 − 2η) → −∞``.
    * ``x_{n+1} = x_n − η`` while ``x_n > 0``, ``x_n + η`` when ``x_n ≤ 0``: x walks down
      to ``(−η, 0]`` and then alternates between ``a ∈ (0, η]`` and ``a − η``, so
      ``|x_n| ≤ max(x_0, η)`` forever.

    Hence for every ``η ≤ 1/2``, ``y_n ≥ 0`` and ``f(z_n) = |x_n| + y_n² ≥ 0 = f(0)``:
    GD never gets below the saddle value, it only approaches the 2-cycle
    ``{(a, 0), (a − η, 0)}`` within η of the saddle. In particular the paper's
    claim (step < 1/4 cannot escape) holds, but 1/4 is not sharp for this
    start: the threshold is 1/2. For ``η > 1/2`` GD escapes:
    ``f(z_n) ≤ max(x_0, η) − (1 + 2η)^{2(n−1)}(2η − 1)² → −∞``. (From any start
    with ``y_0 < 0`` GD escapes for every η > 0.) Each run checks these
    formulas on every iterate.

    Parameters
    ----------
    eta : exact number > 0
    steps : int
    start : pair of exact numbers, default ``(1/1000000, 1)`` (the paper's 1e-6, 1)

    Returns
    -------
    GDReport
        ``escaped_at``: first n with ``f(z_n) < 0``; ``regime``: ``"contracting"``
        (``y_n = (1 − 2η)^n y_0``), ``"zero"`` (y reaches 0 and stays) or ``"escaping"``
        (y ends up negative and grows geometrically).

    Examples
    --------
    >>> r = eq7_gradient_descent(fmpq(1, 5), steps=4)
    >>> [tuple(map(str, p)) for p in r.points[:3]], r.escaped_at
    ([('1/1000000', '1'), ('-199999/1000000', '3/5'), ('1/1000000', '9/25')], None)
    >>> eq7_gradient_descent(fmpq(3, 5), steps=8).escaped_at  # y_2 = -11/25, f(z_2) = 10^-6 - 121/625
    2
    """
    from exactland.exact.scalars import parse_exact

    eta = parse_exact(eta, "eta")
    if sign(eta) <= 0:
        raise InputError("the step size must be positive", "eta")
    f = eq7()
    z = tuple(parse_exact(c, "start") for c in start)
    pts, vals, esc = [z], [f.value(z)], None
    for n in range(1, steps + 1):
        g = f.gradient(z)
        z = tuple(a - eta * b for a, b in zip(z, g))
        pts.append(z)
        vals.append(f.value(z))
        if esc is None and sign(vals[-1]) < 0:
            esc = n
    _check_gd(eta, pts, vals, esc)
    y0 = pts[0][1]
    if sign(y0) > 0 and eta < fmpq(1, 2):
        regime = "contracting"
    elif (sign(y0) > 0 and eta == fmpq(1, 2)) or sign(y0) == 0:
        regime = "zero"
    else:
        regime = "escaping"
    return GDReport(eta, tuple(pts), tuple(vals), esc, regime)


def _check_gd(eta: Any, pts: list[Vector], vals: list[Any], esc: int | None) -> None:
    """Verify the closed forms of :func:`eq7_gradient_descent` on every iterate."""
    x0, y0 = pts[0]
    if sign(y0) > 0:
        for n, (x, y) in enumerate(pts):
            if eta < fmpq(1, 2):
                want = (1 - 2 * eta) ** n * y0
            elif eta == fmpq(1, 2):
                want = y0 if n == 0 else fmpq(0)
            else:
                want = y0 if n == 0 else (1 + 2 * eta) ** (n - 1) * (1 - 2 * eta) * y0
            if y != want:
                raise CheckFailed(f"y_{n} = {to_str(y)} != {to_str(want)}")
            if eta <= fmpq(1, 2) and (sign(vals[n]) < 0 or abs(x) > max(abs(x0), eta)):
                raise CheckFailed(f"iterate {n} left the proved region")
    for n in range(1, len(pts) - 1):  # the 2-cycle of x once it is in (-eta, eta]
        x = pts[n][0]
        if -eta < x <= 0 and pts[n + 1][0] != x + eta:
            raise CheckFailed("x does not follow its 2-cycle")


# ------------------------------------------------------- the teaching derivation
def _dir_rows(a: DirectionalAnalysis) -> tuple[tuple[str, ...], ...]:

    f = a.function
    rows = []
    for r in a.rows:
        pc = f.pieces[r.piece]
        rows.append((f"${tex_vec(r.direction)}$", f"${sp.latex(pc.poly)}$", f"${tex_poly(r.coefficients)}$",
                     f"${tex(r.coefficient(1))}$", "$\\infty$" if r.eps0 is None else f"${tex(r.eps0)}$"))
    return tuple(rows)


_DIR_HEADER = ("$d$", "active piece", "$f(x_0 + \\varepsilon d)$", "slope $c_1$", "$\\varepsilon_0$")


def teaching_derivation(etas: Sequence[str] = ("1/8", "1/5", "1/4", "1/3", "49/100", "1/2", "3/5"),
                        steps: int = 40) -> Any:
    """The Appendix C / Remark 3.4 examples as a :class:`~exactland.derivation.model.Derivation`."""

    one_sided = ("Directions: the unit vectors, the normals of the condition lines through the point and "
                 "the lines themselves (both orientations); the slope is linear on each cone between them, "
                 "so these decide its sign everywhere.")
    a1 = directional_analysis(abs_sum(), (0, 0))
    a7 = directional_analysis(eq7(), (0, 0))
    if (a1.verdict, a7.verdict) != ("local-minimum", "saddle"):
        raise CheckFailed("Appendix C examples did not classify as the paper says")
    s1 = Step("c1", "A non-differentiable local minimum: $\\lvert x + y\\rvert$", ("Appendix C.1", "Figure 6"),
              "At the origin every one-sided slope is $\\ge 0$ and the function is piecewise linear, so "
              "$f(0 + d) - f(0) = c_1(d) \\ge 0$ for small $d$: a local minimum where no gradient exists.",
              one_sided, (), Table(_DIR_HEADER, _dir_rows(a1)),
              checks=("each row: the exact restriction of the active piece to the ray",))
    down = next(r for r in a7.rows if r.order and sign(r.coefficients[r.order]) < 0)
    s2 = Step("c2", "A non-differentiable saddle: eq. (7)", ("Appendix C.2", "eq. (7)", "Definition 3.5"),
              f"Every slope is $\\ge 0$ (stationary: $c_1(d) = \\lvert d_x\\rvert$), but along "
              f"$d = {tex_vec(down.direction)}$ the loss is ${tex(down.coefficient(2))}\\,\\varepsilon^2$: "
              "second-order descent, while $d = (1, 0)$ increases. A saddle.",
              one_sided + " In closed form eq. (7) is $f(x, y) = \\lvert x\\rvert + y\\lvert y\\rvert$.",
              (r"f(x, y) = \begin{cases} y^2 + x & x > 0,\ y > 0 \\ -y^2 + x & x > 0,\ y \le 0 \\ "
               r"y^2 - x & x \le 0,\ y > 0 \\ -y^2 - x & x \le 0,\ y \le 0 \end{cases}",),
              Table(_DIR_HEADER, _dir_rows(a7)), checks=("each row: the exact restriction of the active piece",))
    obs = subgradient_obstruction(a7)
    if obs is None:
        raise CheckFailed("eq. (7) should have no subgradient")
    d, eps, val = obs
    s3 = Step("remark-c1", "No subgradient at the saddle of eq. (7)", ("Remark C.1", "Definition C.2"),
              "The subgradient set at the origin is empty.",
              f"A subgradient $g$ needs $g \\cdot d \\le c_1(d)$ for every $d$; with $c_1(\\pm {tex_vec(d)}) = 0$ this "
              f"forces $g \\cdot {tex_vec(d)} = 0$, and then $f({tex(eps)} \\cdot {tex_vec(d)}) = {tex(val)} < 0 = "
              "f(0) + g \\cdot (\\varepsilon d)$ violates Definition C.2 for every $g$.")
    rows = []
    for f in (abs1(), neg_abs1()):
        an = directional_analysis(f, (0,))
        gens = clarke_generators(f, (0,))
        rows.append((f"${f.latex}$", "$[" + ", ".join(tex(g[0]) for g in gens) + "]$",
                     "yes" if zero_in_hull(gens) else "no",
                     ", ".join(f"$c_1({tex(r.direction[0])}) = {tex(r.coefficient(1))}$" for r in an.rows),
                     "yes" if an.stationary else "no"))
    if [r[2] for r in rows] != ["yes", "yes"] or [r[4] for r in rows] != ["yes", "no"]:
        raise CheckFailed("Remark 3.4's contrast did not come out")
    s4 = Step("remark-3-4", "Clarke stationarity cannot tell $\\lvert x\\rvert$ from $-\\lvert x\\rvert$",
              ("Remark 3.4", "Definition 3.3"),
              "Both origins have Clarke subdifferential $[-1, 1] \\ni 0$; only $\\lvert x\\rvert$ has no "
              "negative one-sided slope, so only it is stationary in the sense of Definition 3.3.",
              "Clarke's generalized gradient is the convex hull of the limits of nearby gradients; the "
              "one-sided slopes come from the same piecewise-polynomial restriction as above.", (),
              Table(("$f$", "$\\partial_C f(0)$", "$0 \\in \\partial_C f(0)$", "one-sided slopes", "stationary"),
                    tuple(rows)))
    gd_rows = []
    for e in etas:
        r = eq7_gradient_descent(e, steps)
        y_last = r.points[-1][1]
        gd_rows.append((f"${tex(r.eta)}$", f"$y_n = {_y_formula(r.eta)}$", f"$y_{{{steps}}} = {_short(y_last)}$",
                        f"${_short(min(r.values))}$", "never" if r.escaped_at is None else f"step {r.escaped_at}"))
    s5 = Step("gd", "Gradient descent cannot escape the saddle of eq. (7) from $(10^{-6}, 1)$",
              ("Appendix C.2", "Figure 7"),
              "For every step $\\eta \\le 1/2$ the iterates satisfy $y_n \\ge 0$ and $f(z_n) \\ge 0 = f(0)$: GD "
              "never gets past the saddle. The paper's bound $\\eta < 1/4$ is sufficient but not sharp; for "
              "$\\eta > 1/2$ GD escapes.",
              "The gradient decouples: $y_{n+1} = (1 - 2\\eta) y_n$ while $y_n > 0$, and $(1 + 2\\eta) y_n$ when "
              "$y_n \\le 0$; $x_{n+1} = x_n \\mp \\eta$ (sign of $x_n > 0$), so $x$ settles into a 2-cycle within "
              "$\\eta$ of $0$. From $y_0 = 1$: $y_n = (1 - 2\\eta)^n > 0$ for $\\eta < 1/2$, $y_n = 0$ ($n \\ge 1$) for "
              "$\\eta = 1/2$, and $y_n = (1 + 2\\eta)^{n-1}(1 - 2\\eta) \\to -\\infty$ for $\\eta > 1/2$.",
              (r"f(x, y) = \lvert x\rvert + y \lvert y\rvert,\qquad z_{n+1} = z_n - \eta \nabla f(z_n),\qquad "
               r"z_0 = \left(\tfrac{1}{1000000}, 1\right)",),
              Table(("$\\eta$", "closed form", "last $y$", "$\\min_n f(z_n)$", "$f(z_n) < 0$ from"),
                    tuple(gd_rows)),
              checks=(f"exact GD with rationals, {steps} steps per eta; y_n equals its closed form at every step",
                      "f(z_n) >= 0 and |x_n| <= max(x_0, eta) at every step when eta <= 1/2"))
    return Derivation("Non-differentiable stationary points without a network (Appendix C, Remark 3.4)",
                      "The same one-sided Taylor machinery as for networks, applied to the paper's "
                      "two-variable examples; every number is exact.", (s1, s2, s3, s4, s5))


def _short(x: Any) -> str:
    """An exact number as LaTeX, abbreviated to 6 significant digits when long (display only)."""
    from exactland.exact.scalars import to_float

    if len(to_str(x)) <= 24:
        return tex(x)
    mant, _, exp = f"{to_float(x):.6g}".partition("e")
    return (mant + (rf" \times 10^{{{int(exp)}}}" if exp else "")) + r"\ (\text{rounded})"


def _y_formula(eta: Any) -> str:

    if eta < fmpq(1, 2):
        return rf"\left({tex(1 - 2 * eta)}\right)^n"
    if eta == fmpq(1, 2):
        return r"0\ (n \ge 1)"
    return rf"\left({tex(1 + 2 * eta)}\right)^{{n-1}} \left({tex(1 - 2 * eta)}\right)"

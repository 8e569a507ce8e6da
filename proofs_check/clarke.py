"""Definition 3.3 versus Clarke stationarity (Remark 3.4) and subgradients (Remark C.1).

* Remark 3.4: at 0, ``|x|`` and ``−|x|`` have the same Clarke subdifferential
  ``[−1, 1] ∋ 0`` (the convex hull of the limiting gradients of the two
  pieces), while their one-sided derivatives (computed as SymPy limits of the
  difference quotient) are ``(1, 1)`` and ``(−1, −1)``: Definition 3.3 calls
  the first stationary and not the second; gradient descent halts at the
  first and leaves the second (exact iterates).
* Remark C.1: for eq. (7) every one-sided directional derivative at the origin
  is ``|a| ≥ 0`` (exhaustive over the sign cases of the direction ``(a, b)``,
  symbolic), so the origin is stationary by Definition 3.3; it is a saddle
  (``f(0, −t) = −t²``, ``f(t, 0) = t``); and no subgradient exists, not even a
  local one: ``f(p) ≥ g·p`` at ``p = (0, ε/4)`` and ``p = (0, −ε/2)`` force
  ``g₂ ≤ ε/4`` and ``g₂ ≥ ε/2`` — SymPy finds the inequalities infeasible. The paper's companion claim for
  the network loss (all directional derivatives vanish at the origin, so a
  subgradient would be 0 and the origin a minimum) is checked on the Section
  4.1.1 data: the loss along every ray from the origin has no linear term
  (symbolic) and an exact descent point exists.
* Appendix C.2: gradient descent on eq. (7) from ``(10⁻⁶, 1)`` with step
  ``η < 1/4`` never reaches ``y ≤ 0`` (``y_n = (1 − 2η)ⁿ``, symbolic).
"""
from __future__ import annotations

from fractions import Fraction
from typing import Any, Callable

import sympy as sp

from .registry import Check, Method, Outcome, fails, holds

__all__ = ["CHECKS", "one_sided", "clarke_hull", "eq7"]

x, y, t, a, b, eps = sp.symbols("x y t a b epsilon", real=True)


def one_sided(f: sp.Expr, direction: tuple[int, ...], at: tuple[int, ...] = (0,)) -> sp.Expr:
    """``lim_{t→0⁺} (f(at + t d) − f(at))/t`` as a SymPy limit."""
    syms = (x,) if len(at) == 1 else (x, y)
    tp = sp.Symbol("tp", positive=True)
    sub0 = dict(zip(syms, at))
    subt = {s: p + tp * d for s, p, d in zip(syms, at, direction)}
    return sp.limit((f.subs(subt) - f.subs(sub0)) / tp, tp, 0, "+")


def clarke_hull(pieces: list[tuple[sp.Expr, Any]]) -> tuple[sp.Expr, sp.Expr]:
    """Clarke subdifferential at 0 of a 1-D piecewise-smooth function: the convex
    hull ``[min, max]`` of the derivatives of its pieces at 0 (the limits of
    gradients from each side)."""
    vals = [sp.diff(p, x).subs(x, 0) for p, _ in pieces]
    return sp.Min(*vals), sp.Max(*vals)


def _def33(f: sp.Expr) -> bool:
    return all(one_sided(f, (d,)) >= 0 for d in (1, -1))


def _clarke_zero(pieces: list) -> bool:
    lo, hi = clarke_hull(pieces)
    return bool(lo <= 0 <= hi)


def _gd_1d(grad: Callable[[Fraction], Fraction], x0: Fraction, eta: Fraction, n: int) -> list[Fraction]:
    xs = [x0]
    for _ in range(n):
        xs.append(xs[-1] - eta * grad(xs[-1]))
    return xs


def _remark_34(stationary: Callable[[sp.Expr, list], bool]) -> Outcome:
    absx = sp.Piecewise((x, x >= 0), (-x, True))
    nabs = -absx
    pieces_abs = [(x, "x>0"), (-x, "x<0")]
    pieces_nabs = [(-x, "x>0"), (x, "x<0")]
    d_abs = [one_sided(absx, (d,)) for d in (1, -1)]
    d_nabs = [one_sided(nabs, (d,)) for d in (1, -1)]
    c_abs, c_nabs = clarke_hull(pieces_abs), clarke_hull(pieces_nabs)
    s_abs, s_nabs = stationary(absx, pieces_abs), stationary(nabs, pieces_nabs)
    # gradient descent (derivative of the active piece, sign(0) := +) from 1/1000
    g_abs = lambda v: Fraction(1) if v > 0 else Fraction(-1)  # noqa: E731
    g_nabs = lambda v: Fraction(-1) if v >= 0 else Fraction(1)  # noqa: E731
    eta = Fraction(1, 100)
    it_abs = _gd_1d(g_abs, Fraction(1, 1000), eta, 200)
    it_nabs = _gd_1d(g_nabs, Fraction(1, 1000), eta, 200)
    halts = max(abs(v) for v in it_abs[2:]) <= eta
    leaves = abs(it_nabs[-1]) >= 1
    facts = (d_abs == [1, 1] and d_nabs == [-1, -1] and c_abs == c_nabs == (-1, 1)
             and halts and leaves)
    detail = [f"|x|: one-sided derivatives (+1, -1 directions) {d_abs}; Clarke [{c_abs[0]}, {c_abs[1]}]",
              f"-|x|: one-sided derivatives {d_nabs}; Clarke [{c_nabs[0]}, {c_nabs[1]}]",
              f"GD (eta = 1/100, 200 exact steps from 1/1000): |x| stays within eta of 0 "
              f"({halts}); -|x| moves to {float(it_nabs[-1]):.3f}"]
    if not facts:
        return fails("the symbolic facts of Remark 3.4 are not reproduced", details=detail)
    if s_abs and not s_nabs:
        return holds("Definition 3.3 separates |x| (stationary, GD halts) from -|x| (not "
                     "stationary, GD leaves); the Clarke subdifferentials are both [-1, 1] and "
                     "cannot", detail)
    return fails(f"the stationarity notion gives |x|: {s_abs}, -|x|: {s_nabs}: it does not "
                 "separate the two origins", details=detail)


def run_34(n: int) -> Outcome:
    return _remark_34(lambda f, pieces: _def33(f))


def broken_34(n: int) -> Outcome:
    """Stationarity replaced by '0 is in the Clarke subdifferential'."""
    return _remark_34(lambda f, pieces: _clarke_zero(pieces))


# ------------------------------------------------------------------ Remark C.1 / eq. (7)
def eq7(sign_lower: int = -1) -> sp.Expr:
    """Eq. (7); ``sign_lower = +1`` is the broken variant (``−y²`` replaced by ``+y²``)."""
    s = sign_lower
    return sp.Piecewise((y**2 + x, (x > 0) & (y > 0)), (s * y**2 + x, (x > 0) & (y <= 0)),
                        (y**2 - x, (x <= 0) & (y > 0)), (s * y**2 - x, True))


def _directional_cases(f: sp.Expr) -> list[tuple[str, sp.Expr, sp.Expr]]:
    """f(ta, tb) for t > 0 in each sign case of (a, b): (case, c1, c2) symbolically."""
    out = []
    pa, pb = sp.symbols("pa pb", positive=True)
    for name_a, va in (("a>0", pa), ("a=0", sp.Integer(0)), ("a<0", -pa)):
        for name_b, vb in (("b>0", pb), ("b=0", sp.Integer(0)), ("b<0", -pb)):
            tp = sp.Symbol("tp", positive=True)
            g = sp.piecewise_fold(f.subs({x: tp * va, y: tp * vb}))
            g = sp.simplify(g)
            poly = sp.Poly(sp.expand(g), tp)
            c1 = poly.coeff_monomial(tp)
            c2 = poly.coeff_monomial(tp**2)
            out.append((f"{name_a},{name_b}", c1, c2))
    return out


def _no_subgradient(f: sp.Expr) -> tuple[bool, str]:
    """Is there a g with f(p) >= f(0) + g·p for p = (0, ε/2), (0, −ε/4), (0, ε/4), ε > 0?"""
    g1, g2 = sp.symbols("g1 g2", real=True)
    e = sp.Symbol("e", positive=True)
    pts = [(0, e / 4), (0, -e / 2), (e / 2, 0), (-e / 2, 0)]
    ineqs = [sp.simplify(f.subs({x: px, y: py}) - (g1 * px + g2 * py)) for px, py in pts]
    # every inequality is linear in (g1, g2); feasibility for a generic ε, then ε = 1, 1/100
    for ev in (sp.Integer(1), sp.Rational(1, 100), sp.Rational(1, 10**6)):
        sol = sp.solvers.inequalities.reduce_inequalities(
            [sp.Ge(q.subs(e, ev), 0) for q in ineqs], [g2])
        if sol not in (sp.false, False):
            sub = [sp.Ge(q.subs(e, ev).subs(g2, 0), 0) for q in ineqs]
            return False, f"epsilon = {ev}: feasible ({sol}); e.g. {sub}"
    return True, ("f(p) >= g.p at p = (0, eps/4) forces g2 <= eps/4 and at p = (0, -eps/2) "
                  "forces g2 >= eps/2: infeasible for every eps > 0 (SymPy reduce_inequalities "
                  "at eps = 1, 1/100, 1e-6), so no subgradient exists on any neighbourhood")


def _origin_network() -> tuple[bool, str]:
    """Section 4.1.1 origin: the loss along every ray has no linear term; a descent exists."""
    K = 5
    ys = [sp.Rational(v) for v in ("0.28", "-0.1", "0.03", "0.23", "-0.22")]
    dh = sp.Symbol("dh", real=True)  # r_k := rho(dw·x_k) are free symbols (any ray, any data)
    rs = sp.symbols(f"r0:{K}", real=True)
    loss = sum(((t * dh) * (t * rk) - yk) ** 2 for rk, yk in zip(rs, ys)) / 2
    c1 = sp.expand(loss).coeff(t, 1)
    # a descent point along dh = 1, dw = (0, 1): r_k = relu(1) = 1
    lt = sp.expand(loss.subs({dh: 1, **{rk: 1 for rk in rs}}))
    val = lt.subs(t, sp.Rational(1, 4))
    ok = c1 == 0 and val < lt.subs(t, 0)
    return ok, (f"origin of the Section 4.1.1 data: linear coefficient along every ray = {c1}; "
                f"along dh = 1, dw = (0, 1): L(1/4) = {val} < L(0) = {lt.subs(t, 0)}, so g = 0 "
                "is not a subgradient either (Remark C.1)")


def _remark_c1(f: sp.Expr) -> Outcome:
    cases = _directional_cases(f)
    c1_ok = all(sp.simplify(c1 - sp.Abs(c1)) == 0 for _, c1, _ in cases)
    neg = sp.simplify(f.subs({x: 0, y: -t}).subs(t, sp.Rational(1, 10)))
    pos = sp.simplify(f.subs({x: t, y: 0}).subs(t, sp.Rational(1, 10)))
    nosub, why = _no_subgradient(f)
    origin_ok, origin_txt = _origin_network()
    detail = ["one-sided derivatives along (a, b) by sign case: "
              + "; ".join(f"{c}: {c1}" for c, c1, _ in cases),
              f"f(0, -1/10) = {neg}, f(1/10, 0) = {pos}", why, origin_txt]
    if not c1_ok:
        return fails("eq. (7) has a negative one-sided derivative at the origin", details=detail)
    if not nosub:
        return fails("a (local) subgradient exists at the origin of eq. (7)", why, detail)
    if not (neg < 0 < pos):
        return fails("the origin of eq. (7) is not a saddle", details=detail)
    if not origin_ok:
        return fails("the network-origin companion claim of Remark C.1 failed", details=detail)
    return holds("eq. (7): all one-sided derivatives |a| >= 0 (stationary, Def. 3.3), a saddle, "
                 "and no subgradient even locally; network origin: all first-order "
                 "derivatives vanish but it is not a minimum", detail, instances=len(cases))


def run_c1(n: int) -> Outcome:
    return _remark_c1(eq7())


def broken_c1(n: int) -> Outcome:
    return _remark_c1(eq7(sign_lower=+1))


# ------------------------------------------------------------------ Appendix C.2 GD claim
def _gd7(eta: Fraction, steps: int) -> tuple[bool, list[tuple[Fraction, Fraction]]]:
    """Exact GD on eq. (7) from (10⁻⁶, 1); True if it never reaches y ≤ 0."""
    px, py = Fraction(1, 10**6), Fraction(1)
    path = [(px, py)]
    for _ in range(steps):
        gx = Fraction(1) if px > 0 else Fraction(-1)
        gy = 2 * py if py > 0 else -2 * py
        px, py = px - eta * gx, py - eta * gy
        path.append((px, py))
        if py <= 0:
            return False, path
    return True, path


def _c2(etas: list[Fraction]) -> Outcome:
    n_sym = sp.Symbol("n", integer=True, nonnegative=True)
    et = sp.Symbol("eta", positive=True)
    # symbolic: while y > 0 the y-update is y <- (1 - 2 eta) y, so y_n = (1 - 2 eta)^n > 0 for eta < 1/2
    yn = (1 - 2 * et) ** n_sym
    sym_ok = bool(sp.ask(sp.Q.positive(1 - 2 * et), sp.Q.positive(sp.Rational(1, 4) - et)))
    rows, bad = [], []
    for eta in etas:
        ok, path = _gd7(eta, 300)
        rows.append(f"eta = {eta}: {'stays at y > 0' if ok else f'reaches y <= 0 at step {len(path) - 1}'}"
                    f" (after 300 steps x in [-eta, eta]: {abs(path[-1][0]) <= eta})")
        if not ok:
            bad.append(eta)
    detail = [f"symbolic: y_n = {yn} > 0 for all n when eta < 1/4 ({sym_ok}); the bound is "
              "not sharp: the same holds for every eta < 1/2, and eta > 1/2 escapes"] + rows
    if bad or not sym_ok:
        return fails(f"GD from (1e-6, 1) escapes for eta in {[str(e) for e in bad]}", details=detail,
                     instances=len(etas))
    return holds("GD with eta < 1/4 never leaves y > 0 (y_n = (1-2 eta)^n); also true up to "
                 "eta < 1/2", detail, instances=len(etas))


def run_c2(n: int) -> Outcome:
    return _c2([Fraction(1, 8), Fraction(1, 5), Fraction(6, 25), Fraction(49, 200),
                Fraction(2, 5), Fraction(49, 100)])


def broken_c2(n: int) -> Outcome:
    """The claim applied beyond its bound (eta = 3/5 > 1/2)."""
    return _c2([Fraction(1, 8), Fraction(3, 5)])


CHECKS = (
    Check("3.4", "Remark 3.4: Definition 3.3 vs Clarke on |x| and -|x|", Method.SYMBOLIC, run_34,
          broken_34, "stationarity replaced by 0 in the Clarke subdifferential"),
    Check("C.1", "Remark C.1: eq. (7) is a stationary saddle without subgradient", Method.EXHAUSTIVE,
          run_c1, broken_c1, "eq. (7) with -y^2 replaced by +y^2 (a dropped sign)"),
    Check("C.2", "Appendix C.2: GD with step < 1/4 does not escape the saddle of eq. (7)",
          Method.EXHAUSTIVE, run_c2, broken_c2, "step size 3/5 (outside the stated bound)"),
)

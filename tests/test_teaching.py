"""Appendix C and Remark 3.4 without a network (issue 4, part 4).

Expected values are derived by hand in the comments; GD is re-run here with
Fractions on the closed form f(x, y) = |x| + y|y| of eq. (7), independently
of the piecewise-polynomial machinery.
"""
from __future__ import annotations

from fractions import Fraction as Fr

import pytest
from flint import fmpq

from exactland.errors import InputError
from exactland.derivation.render import latex_problems, render_latex, render_markdown
from exactland.cli.main import main
from exactland.derivation.directional import (
    clarke_generators, directional_analysis, subgradient_obstruction, zero_in_hull,
)
from exactland.derivation.gradient_descent import eq7_gradient_descent
from exactland.derivation.piecewise import abs1, abs_sum, eq7, neg_abs1
from exactland.derivation.teaching import teaching_derivation


def Q(s) -> fmpq:
    f = Fr(str(s))
    return fmpq(f.numerator, f.denominator)


def f7(x: Fr, y: Fr) -> Fr:
    """eq. (7) in closed form: y^2 + x (x>0,y>0), -y^2 + x (x>0,y<=0), y^2 - x, -y^2 - x."""
    return abs(x) + y * abs(y)


def by_direction(analysis):
    return {tuple(str(c) for c in r.direction): r for r in analysis.rows}


def test_abs_sum_is_a_nondifferentiable_local_minimum():
    # |x + y| at 0: f(eps d) = eps |d_x + d_y|: slope 1 along e1, 2 along (1, 1), 0 (and f = 0) along (1, -1)
    a = directional_analysis(abs_sum(), (0, 0))
    rows = by_direction(a)
    assert rows[("1", "0")].coefficients == (0, 1)
    assert rows[("-1", "-1")].coefficients == (0, 2)
    assert all(c == 0 for c in rows[("1", "-1")].coefficients)
    assert a.stationary and a.verdict == "local-minimum"


def test_eq7_is_a_saddle_with_second_order_descent():
    # slope |d_x|; along (0, -1): x = 0 (x <= 0 piece), y < 0: f = -y^2 - x = -eps^2; along (0, 1): +eps^2
    f = eq7()
    a = directional_analysis(f, (0, 0))
    rows = by_direction(a)
    assert rows[("0", "-1")].coefficients == (0, 0, -1)
    assert rows[("0", "1")].coefficients == (0, 0, 1)
    assert rows[("1", "0")].coefficient(1) == 1 and rows[("-1", "0")].coefficient(1) == 1
    assert a.stationary and a.verdict == "saddle"
    # every restriction agrees with the closed form at a few points
    for r in a.rows:
        for t in (Fr(1, 3), Fr(2), Fr(7, 5)):
            val = sum((Fr(str(c)) * t**n for n, c in enumerate(r.coefficients)), Fr(0))
            assert val == f7(t * Fr(str(r.direction[0])), t * Fr(str(r.direction[1])))
    # off the origin the pieces are smooth: at (1, 1) the slope along (-1, 0) is -1 until x reaches 0
    r = f.along((1, 1), (-1, 0))
    assert r.coefficients == (2, -1) and r.eps0 == 1


def test_remark_c1_no_subgradient_at_the_saddle():
    # any subgradient g needs g.(0,-1) <= 0 and g.(0,1) <= 0; f(0, -eps) = -eps^2 < 0 then breaks it
    obs = subgradient_obstruction(directional_analysis(eq7(), (0, 0)))
    assert obs is not None
    d, eps, val = obs
    assert d == (0, -1) and val == -eps * eps < 0
    assert subgradient_obstruction(directional_analysis(abs_sum(), (0, 0))) is None


def test_remark_3_4_clarke_cannot_tell_abs_from_minus_abs():
    # both: gradients -1 and 1 on the two sides, Clarke hull [-1, 1] contains 0;
    # one-sided slopes: |x| -> +1, +1 (stationary), -|x| -> -1, -1 (not stationary)
    for f, slope, stationary in ((abs1(), 1, True), (neg_abs1(), -1, False)):
        gens = clarke_generators(f, (0,))
        assert gens == ((Q(-1),), (Q(1),)) and zero_in_hull(gens)
        a = directional_analysis(f, (0,))
        assert [r.coefficient(1) for r in a.rows] == [slope, slope] and a.stationary is stationary
    assert directional_analysis(neg_abs1(), (0,)).verdict == "not-stationary"
    # eq. (7) is Clarke stationary too: gradients (+-1, 0)
    assert clarke_generators(eq7(), (0, 0)) == ((Q(-1), 0), (Q(1), 0))


def test_zero_in_hull():
    P = lambda *c: tuple(Q(x) for x in c)  # noqa: E731
    assert zero_in_hull([P(1, 0), P(-1, 1), P(-1, -1)])  # triangle around 0
    assert not zero_in_hull([P(1, 0), P(1, 1), P(2, -1)])
    assert zero_in_hull([P(2, 2), P(-1, -1)])  # 0 on the segment
    assert not zero_in_hull([P(1), P(3)])


def own_gd(eta: Fr, steps: int, x: Fr = Fr(1, 10**6), y: Fr = Fr(1)):
    """GD on |x| + y|y| with the piece gradients (1 or -1; 2y or -2y), with Fractions."""
    pts = [(x, y)]
    for _ in range(steps):
        gx = Fr(1) if x > 0 else Fr(-1)
        gy = 2 * y if y > 0 else -2 * y
        x, y = x - eta * gx, y - eta * gy
        pts.append((x, y))
    return pts


@pytest.mark.parametrize("eta", ["1/5", "1/8", "1/4", "1/3", "49/100"])
def test_gd_cannot_escape_for_eta_below_one_half(eta):
    # y_n = (1 - 2 eta)^n > 0; x alternates 1e-6, 1e-6 - eta (eta > 1e-6); f(z_n) >= 0 = f(0) for all n.
    r = eq7_gradient_descent(eta, steps=30)
    e = Fr(eta)
    mine = own_gd(e, 30)
    assert [(Fr(str(a)), Fr(str(b))) for a, b in r.points] == mine
    for n, (x, y) in enumerate(mine):
        assert y == (1 - 2 * e) ** n
        assert x == (Fr(1, 10**6) if n % 2 == 0 else Fr(1, 10**6) - e)
        assert f7(x, y) >= 0
    assert r.escaped_at is None and r.regime == "contracting"


def test_gd_at_one_half_lands_on_the_kink_and_stays():
    # y_1 = 1 - 2(1/2) = 0, then the y <= 0 branch: (1 + 1) * 0 = 0; f = |x| >= 0
    r = eq7_gradient_descent("1/2", steps=12)
    assert all(p[1] == 0 for p in r.points[1:]) and r.escaped_at is None and r.regime == "zero"
    assert min(r.values) == Q("1/1000000")


@pytest.mark.parametrize("eta,first", [("51/100", 2), ("3/5", 2), ("1", 1)])
def test_gd_escapes_above_one_half(eta, first):
    # y_1 = 1 - 2 eta < 0, y_n = (1 + 2 eta)^(n-1) (1 - 2 eta): f = |x| - y^2 -> -infinity.
    # eta = 3/5: y_1 = -1/5, f_1 = 599999/10^6 - 1/25 > 0; y_2 = -11/25, x_2 = 1e-6, f = 1e-6 - 121/625 < 0.
    # eta = 1: y_1 = -1, x_1 = 1e-6 - 1, f_1 = 999999/10^6 - 1 < 0 already.
    r = eq7_gradient_descent(eta, steps=25)
    e = Fr(eta)
    assert r.escaped_at == first and r.regime == "escaping"
    for n, (x, y) in enumerate(own_gd(e, 25)[1:], 1):
        assert y == (1 + 2 * e) ** (n - 1) * (1 - 2 * e)
    assert Fr(str(r.values[-1])) < -1


def test_gd_from_below_escapes_for_any_step():
    r = eq7_gradient_descent("1/8", steps=40, start=("1/1000000", "-1/1000000"))
    assert r.escaped_at is not None and r.regime == "escaping"
    with pytest.raises(InputError):
        eq7_gradient_descent("0")
    with pytest.raises(InputError):
        eq7_gradient_descent(0.1)


def test_teaching_derivation_and_cli(capsys):
    d = teaching_derivation(steps=20)
    assert [s.key for s in d.steps] == ["c1", "c2", "remark-c1", "remark-3-4", "gd"]
    md = render_markdown(d)
    assert r"-\varepsilon^{2}" in md and "step 2" in md  # eq. (7) descent; eta = 3/5 escapes at step 2
    assert latex_problems(render_latex(d)) == []
    assert main(["teach", "--gd", "1/5", "--steps", "3"]) == 0
    out = capsys.readouterr().out
    assert "y = 27/125" in out and "no escape" in out
    assert main(["teach", "--gd", "abc"]) == 2

"""Exact Taylor polynomials along rays (issue 4, parts 1-2).

Expected values are derived by hand in the comments, or come from independent
routes: the shared Fraction loss (:mod:`oracles`) with exact interpolation, and
SymPy differentiation of the loss piece written here.
"""
from __future__ import annotations

import json
from fractions import Fraction as Fr

import pytest
import sympy as sp
from flint import fmpq
from hypothesis import given, settings
from hypothesis import strategies as st
from oracles import fr, interpolate, own_loss, own_loss_of

import exactland
from exactland.errors import InputError, NotExactError, ShapeError
from exactland.builtin.examples import example_names, load_example
from exactland.cli.main import main
from exactland.taylor.axes import axes_contrast
from exactland.taylor.directions import direction_from_dict, named_direction, parse_direction
from exactland.taylor.rays import (
    check_against_loss, point_along, ray_crossing, ray_polynomial, ray_side,
)
from exactland.taylor.symbolic import escape_block, gram_on_flat_face, symbolic_expansion


def Q(s) -> fmpq:
    f = Fr(str(s))
    return fmpq(f.numerator, f.denominator)


def poly_at(coeffs, eps) -> Fr:
    return sum((Fr(str(c)) * Fr(str(eps)) ** n for n, c in enumerate(coeffs)), Fr(0))


# ----------------------------------------------------------------- by hand
def test_appendix_g_tangential_polynomial_by_hand():
    # w = (0.15, -0.45) on the kink of x = (0.9, 0.3); v = (3/10, 1/10): x.v = 0.27 + 0.03 = 3/10 > 0,
    # so x turns active: yhat = h * (3/10) eps = (3/20) eps, L = 1/2 (3/20 eps - 3)^2
    # = 9/2 - 9/20 eps + 9/800 eps^2, for every eps >= 0 (no non-kink sample).
    p = load_example("appendix-g-kink")
    rp = ray_polynomial(p, named_direction(p, "tangential:0,3/10,1/10"))
    assert rp.coefficients == (Q("9/2"), Q("-9/20"), Q("9/800"), 0, 0)
    assert rp.eps0 is None and rp.first_change is None
    assert rp.orthant[0].kink_moves == ((0, 1),)
    assert rp.derivatives()[0] == Q("-9/20") and rp.order == 1
    # the other side: x.(-v) < 0, x stays dead: L constant
    rp2 = ray_polynomial(p, named_direction(p, "-tangential:0,3/10,1/10"))
    assert rp2.coefficients == (Q("9/2"), 0, 0, 0, 0) and rp2.orthant[0].kink_moves == ((0, -1),)


def test_origin_saddle_escape_path_by_hand():
    # At the origin e_k = -y_k. escape:0 is Dh_0 = -sgn(phi) = -1 and Dw_0 = b v = (1, 1)
    # (||V_h||^2 = 0, so b = 1). rho((1,1).x_k eps) = eps a_k with a_k = x_k + 1 = 0, .4, .9, 1.3, 1.7,
    # yhat_k = -eps^2 a_k, L = 1/2 sum (eps^2 a_k + y_k)^2:
    # c2 = sum y_k a_k = -.04 + .027 + .299 - .374 = -11/125, c4 = 1/2 sum a_k^2 = 5.55/2 = 111/40.
    p = load_example("origin-saddle")
    rp = ray_polynomial(p, named_direction(p, "escape:0"))
    assert rp.coefficients == (Q("953/10000"), 0, Q("-11/125"), 0, Q("111/40"))
    assert rp.eps0 is None
    # x_1 = (-1, 1) is orthogonal to v = (1, 1): it stays on its kink
    assert rp.orthant[0].kink_moves == ((0, 0), (1, 1), (2, 1), (3, 1), (4, 1))


# final-minimum along axis:w,1,0 (move w_10 by +eps), derived by hand:
#   Data x_k = (x, 1), x = -1, -0.6, -0.1, 0.3, 0.7; y = 0.28, -0.1, 0.03, 0.23, -0.22.
#   The network realises the least-squares line through the samples (test_paper.py,
#   test_section_411_final_local_minimum_exactly): Σx = -0.7, Σy = 0.22, Σx² = 1.95,
#   Σxy = -0.308, Σy² = 0.1906; Sxx = 1.95 - 0.49/5 = 1.852, Sxy = -0.308 + 0.154/5 = -0.2772,
#   Syy = 0.1906 - 0.0484/5 = 0.18092, so
#   c0 = L = ½ (Syy - Sxy²/Sxx) = ½ (0.18092 - 0.07683984/1.852) = ½ · 16139/115750 = 16139/231500.
#   Neuron 1 (w = (457/18520, 11937/185200), h = -1) is active on every sample:
#   z_k = (4570 x + 11937)/185200 = 7367, 9195, 11480, 13308, 15136 (/185200) > 0.
#   Moving w_10 changes z_k by eps·x and yhat_k by h·eps·x = -eps·x, so while no z_k
#   changes sign  e_k(eps) = e_k - eps·x_k  and
#   L(eps) = ½ Σ (e_k - eps x_k)² = L - eps Σ e_k x_k + ½ eps² Σ x_k²:
#   c1 = -Σ e_k x_k = 0 (the normal equations of the least-squares line),
#   c2 = ½ Σ x_k² = 1.95/2 = 39/40, c3 = c4 = 0 (h² = 1).
#   The z_k with x < 0 fall at rate |x|: sample 0 crosses at 7367/185200, sample 1 at
#   9195/185200 / 0.6 = 15325/185200, sample 2 at 11480/185200 / 0.1 = 114800/185200,
#   so eps0 = 7367/185200 (sample 0 of neuron 1).  Neuron 0 (w = (-1, 7/10)) does not
#   move and stays on the kink of x_5 = (0.7, 1): -0.7 + 0.7 = 0 (sample 4, side 0).
FINAL_C = (Fr(16139, 231500), Fr(0), Fr(39, 40), Fr(0), Fr(0))
FINAL_EPS0 = Fr(7367, 185200)


def final_minimum_moved_w10(eps: Fr) -> Fr:
    """The Fraction loss of final-minimum with w_10 moved by eps (no exactland arithmetic)."""
    p = load_example("final-minimum")
    m = lambda rows: [[fr(c) for c in r] for r in rows]  # noqa: E731
    W = m(p.W)
    W[1][0] += eps
    act = (fr(p.activation.alpha_plus), fr(p.activation.alpha_minus))
    return own_loss(act, m(p.X), m(p.Y), W, m(p.H))


def test_final_minimum_hand_values_by_fraction_interpolation():
    # the hand derivation above, re-checked independently: the Fraction loss at five
    # points inside (0, eps0) determines the quartic; past eps0 it is no longer it.
    assert own_loss_of(load_example("final-minimum")) == FINAL_C[0]
    ts = [FINAL_EPS0 * n / 6 for n in range(1, 6)]
    assert tuple(interpolate(ts, [final_minimum_moved_w10(t) for t in ts])) == FINAL_C
    far = Fr(15000, 185200)  # sample 0 inactive: the loss leaves the polynomial
    assert final_minimum_moved_w10(far) != poly_at(FINAL_C, far)


def test_eps0_is_the_first_side_change_by_hand():
    # hand values: the derivation above FINAL_C
    p = load_example("final-minimum")
    rp = ray_polynomial(p, named_direction(p, "axis:w,1,0"))
    assert fr(rp.eps0) == FINAL_EPS0 and rp.first_change == (1, 0)
    assert tuple(fr(c) for c in rp.coefficients) == FINAL_C
    crossings = dict(rp.orthant[1].crossings)
    assert fr(crossings[0]) == FINAL_EPS0 and fr(crossings[1]) == Fr(15325, 185200)
    # beyond eps0 the polynomial is no longer the loss (x_1 has died)
    far = Q("15000/185200")
    assert own_loss_of(point_along(p, rp.direction, far)) != poly_at(rp.coefficients, far)


def test_ray_primitives():
    assert ray_side(0, Q(-2)) == -1 and ray_side(Q(1), Q(-5)) == 1 and ray_side(0, 0) == 0
    assert ray_crossing(Q(-1), Q(4)) == Q("1/4") and ray_crossing(Q(-1), Q(-4)) is None


# ------------------------------------------- independent route: Fraction loss
def test_every_example_and_named_direction_matches_the_fraction_loss():
    for name in example_names():
        p = load_example(name)
        cert = exactland.certify(p)
        specs = ["axis:w,0,0", "-axis:w,0,1", f"axis:h,{p.n_outputs - 1},0" if p.n_outputs > 1 else "axis:h,0"]
        specs += [s for s in ("descent", "ascent") if getattr(cert, s) is not None]
        specs += [f"escape:{i}" for i in cert.escape_neurons[:1]]
        for spec in specs:
            rp = ray_polynomial(p, parse_direction(p, spec, cert))
            pts = check_against_loss(rp)
            assert len(pts) == 6
            for eps, value in pts:
                assert own_loss_of(point_along(p, rp.direction, eps)) == Fr(str(value)) == poly_at(rp.coefficients, eps)


def test_descent_path_coefficients_equal_the_certificate():
    for name in ("origin-saddle", "appendix-g-kink", "appendix-i02-origin"):
        p = load_example(name)
        cert = exactland.certify(p)
        assert ray_polynomial(p, parse_direction(p, "descent", cert)).coefficients == cert.descent.coefficients


small = st.integers(-3, 3).map(lambda n: fmpq(n, 2))


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_random_directions_agree_with_fraction_loss(data):
    # two neurons, two outputs, 3 samples in d = 2; leaky or plain ReLU; random point and direction
    ap, am = data.draw(st.sampled_from([("1", "0"), ("1", "1/4"), ("1", "-1")]))
    mat = lambda r, c: [[data.draw(small) for _ in range(c)] for _ in range(r)]  # noqa: E731
    raw = {"activation": {"alpha_plus": ap, "alpha_minus": am}, "X": mat(3, 2), "Y": mat(3, 2),
           "W": mat(2, 2), "H": mat(2, 2)}
    raw["X"][0] = [fmpq(1), fmpq(1)]  # keep X nonzero somewhere
    p = exactland.load(raw)
    dv = direction_from_dict(p, {"W": mat(2, 2), "H": mat(2, 2)})
    rp = ray_polynomial(p, dv)
    for eps, value in check_against_loss(rp):
        assert own_loss_of(point_along(p, dv, eps)) == Fr(str(value))


# ------------------------------------------------------------ directions
def test_direction_files_and_errors(tmp_path):
    p = load_example("appendix-g-kink")
    f = tmp_path / "dir.json"
    f.write_text('{"W": [["0.3", 0.1]], "H": [["-1/2"]]}')
    dv = parse_direction(p, str(f))
    assert dv.W == ((Q("3/10"), Q("1/10")),) and dv.H == ((Q("-1/2"),),)
    with pytest.raises(ShapeError):
        direction_from_dict(p, {"W": [["1"]], "H": [["0"]]})
    with pytest.raises(NotExactError):
        direction_from_dict(p, {"W": [[0.3, "1"]], "H": [["0"]]})
    for bad in ("axis:q,0", "axis:w,0,5", "axis:h,3", "tangential:0,1,1", "radial:x", "escape:0",
                "nonexistent-file.json", "descent:1"):
        with pytest.raises(InputError):
            parse_direction(p, bad)
    o = load_example("origin-saddle")
    with pytest.raises(InputError):
        parse_direction(o, "radial:0")  # w = 0 has no radial direction
    with pytest.raises(InputError):
        parse_direction(load_example("appendix-i02-origin"), "axis:h,0")  # |J| = 2: name the output
    assert named_direction(p, "radial:0").W == p.W
    assert named_direction(p, "tangential:0").W == ((Q("3/10"), Q("1/10")),)  # the certificate's witness


# -------------------------------------------------------------- Appendix G
def test_axes_contrast_appendix_g():
    # x = (0.9, 0.3) has components of one sign: its kink line cuts the canonical orthants (+,-) and (-,+).
    # Along e1: slope h e x1 = 1/2 (-3) 0.9 = -27/20; along -e2: x turns inactive, slope 0.
    # In (+,-) the direction (1,-1) has exact slope 1/2 (-3)(0.9 - 0.3) = -9/10, composed -27/20.
    ac = axes_contrast(load_example("appendix-g-kink"), 0)
    rows = {(r[0], tuple(r[2])): r for r in ac.canonical}
    r = rows[((1, -1), (Q(1), Q(-1)))]
    assert r[1] == (0,) and r[3] == Q("-9/10") and r[4] == Q("-27/20")
    assert {r[0] for r in ac.canonical if r[1]} == {(1, -1), (-1, 1)}
    assert ac.canonical_fails and ac.aligned_exact
    assert not any(r[1] for r in ac.aligned)


# ------------------------------------------------------------- symbolic
def test_symbolic_appendix_g_hessian_by_sympy_differentiation():
    # Orthant v = (9/20, 3/20) (x.v = 9/20 > 0). Aligned: h = 1/2 + dh, w' = (1 + dr) w + ds v, w.x = 0:
    # L = 1/2 ((1/2 + dh) (9/20) ds - 3)^2; differentiate here, independently of the module.
    p = load_example("appendix-g-kink")
    se = symbolic_expansion(p)
    dh, dr, ds = sp.symbols("dh dr ds")
    L = sp.Rational(1, 2) * ((sp.Rational(1, 2) + dh) * sp.Rational(9, 20) * ds - 3) ** 2 + 0 * dr
    H = sp.hessian(L, (dh, dr, ds)).subs({dh: 0, dr: 0, ds: 0})
    assert se.hessian == H  # [[0, 0, -27/20], [0, 0, 0], [-27/20, 0, 81/1600]]
    assert se.hessian[0, 2] == sp.Rational(-27, 20)
    assert len(se.checks) == 6


def test_escape_block_eq16_origin():
    # phi_1(v) = sum_k e_k rho(x_k.v) = sum -y_k (x_k + 1)_+ = 11/125 for v = (1, 1), h = 0:
    # block [[||V_h||^2, phi], [phi, 0]] = [[0, 11/125], [11/125, 0]], det -121/15625 < 0 (eq. 16),
    # T2 = -2 |phi| a b (eq. 16d) and eq. (17) needs b > 0.
    p = load_example("origin-saddle")
    se = symbolic_expansion(p, cert=exactland.certify(p))
    eb = escape_block(se, 0)
    a, b = sp.symbols("a b", positive=True)
    assert eb.matrix.tolist() == [[0, sp.Rational(11, 125)], [sp.Rational(11, 125), 0]]
    assert eb.determinant == sp.Rational(-121, 15625)
    assert sp.expand(eb.t2 + 2 * sp.Rational(11, 125) * a * b) == 0 and eb.bound == 0
    assert not gram_on_flat_face(se)  # an escape neuron spoils eq. (13) (Appendix F.2.1)


def test_gram_decomposition_and_eq14_at_type1_minimum():
    # final-minimum: H~ vanishes on the face c1 = 0 (eq. 9), so the Hessian there is sum V^T V (eq. 13).
    # Take Delta on that face with V Delta = 0 (a flat direction): c2 = c3 = 0 (eq. 14), c4 >= 0 (F.1.3).
    p = load_example("final-minimum")
    se = symbolic_expansion(p, cert=exactland.certify(p))
    assert gram_on_flat_face(se) and se.flat_face == (sp.Symbol("ds_0", nonnegative=True),)
    keep = [n for n, s in enumerate(se.variables) if s not in se.flat_face]
    V = se.V[0].extract(list(range(p.n_samples)), keep)
    null = V.nullspace()
    assert null, "final-minimum has flat directions (e.g. the dead neuron's h)"
    for vec in null:
        sub = {s: 0 for s in se.variables}
        sub.update({se.variables[n]: vec[m] for m, n in enumerate(keep)})
        c = [sp.nsimplify(ci.subs(sub)) for ci in se.coefficients]
        assert c[1] == 0 and c[2] == 0 and c[3] == 0 and c[4] >= 0


def test_symbolic_rejects_non_tangential_v():
    p = load_example("appendix-g-kink")
    with pytest.raises(InputError):
        symbolic_expansion(p, {0: (fmpq(1), fmpq(0))})


# ------------------------------------------------------------------ CLI
def _cli(argv, capsys):
    """``exactland ARGV`` through the console entry point: (exit code, stdout, stderr)."""
    rc = main(argv)
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_cli_taylor_json(capsys):
    # every value: the hand derivation above FINAL_C (checked by Fraction interpolation in
    # test_final_minimum_hand_values_by_fraction_interpolation)
    rc, out, _ = _cli(["taylor", "--example", "final-minimum", "--direction", "axis:w,1,0", "--json"], capsys)
    data = json.loads(out)
    assert rc == 0
    assert data["coefficients"] == [str(c) for c in FINAL_C]
    assert data["eps0"] == str(FINAL_EPS0)
    # sample 0 (x = -1) of neuron 1 is the first to change side
    assert data["orthant"]["first_change"] == {"neuron": 1, "sample": 0, "eps": str(FINAL_EPS0)}
    # neuron 0 is not moved and keeps x_5 = (0.7, 1) on its kink: w.x_5 = -0.7 + 0.7 = 0
    assert data["orthant"]["neurons"][0]["kink"] == [{"sample": 4, "side": 0}]


def test_cli_taylor_text_symbolic_and_errors(capsys, tmp_path):
    # the polynomial of test_origin_saddle_escape_path_by_hand (c0 = 953/10000, c2 = -11/125,
    # c4 = 111/40, derived there); check_against_loss evaluates it at 6 points
    rc, out, _ = _cli(["taylor", "--example", "origin-saddle", "-d", "escape:0"], capsys)
    assert rc == 0 and "953/10000 - 11/125 eps^2 + 111/40 eps^4" in out and "6 points" in out
    # the eq. (16) block of test_escape_block_eq16_origin: phi_1((1, 1)) = 11/125 and ||V_h||^2 = 0
    rc, out, _ = _cli(["taylor", "--example", "origin-saddle", "--symbolic", "--json"], capsys)
    data = json.loads(out)
    assert rc == 0 and data["escape_blocks"][0]["matrix"] == "[[0, 11/125], [11/125, 0]]"
    rc, out, _ = _cli(["taylor", "--example", "appendix-g-kink", "--symbolic", "--tangent", "0:-3,-1"], capsys)
    assert rc == 0 and "c1 = 0" in out  # the dead side: x.v < 0
    rc, _, err = _cli(["taylor", "--example", "appendix-g-kink", "-d", "axis:w,0,9"], capsys)
    assert rc == 2 and "out of range" in err
    rc, _, err = _cli(["taylor", "--example", "appendix-g-kink", "--symbolic", "--tangent", "0:1,0"], capsys)
    assert rc == 2 and "orthogonal" in err
    prob = tmp_path / "p.json"
    prob.write_text(load_example("appendix-g-kink").to_json())
    rc, out, _ = _cli(["taylor", str(prob), "-d", "descent"], capsys)
    # the descent direction is the tangential witness v = (3/10, 1/10) (test_direction_files_and_errors):
    # L = 9/2 - 9/20 eps + 9/800 eps^2, derived in test_appendix_g_tangential_polynomial_by_hand
    assert rc == 0 and "9/2 - 9/20 eps + 9/800 eps^2" in out

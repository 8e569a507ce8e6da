"""The paper's examples and hand-constructed points, with hand derivations.

Every expected value below is derived by hand in the comments (or computed
with the tiny independent Fraction helpers of this file and the shared Fraction
loss :func:`oracles.own_loss`), never taken from the code under test.
"""
from __future__ import annotations

from fractions import Fraction as Fr

import pytest
from oracles import own_loss

import exactland
from exactland.builtin.examples import load_example

RELU = {"alpha_plus": "1", "alpha_minus": "0"}
# Section 4.1.1: x_k = (x, 1), x = -1, -0.6, -0.1, 0.3, 0.7; y = 0.28, -0.1, 0.03, 0.23, -0.22
X411 = [["-1", "1"], ["-0.6", "1"], ["-0.1", "1"], ["0.3", "1"], ["0.7", "1"]]
Y411 = [["0.28"], ["-0.1"], ["0.03"], ["0.23"], ["-0.22"]]
# Appendix I.0.2
X102 = [["-0.3", "0.5"], ["1.0", "1.0"], ["-0.6", "-1.0"], ["0.4", "-0.4"]]
Y102 = [["0.6", "-0.5"], ["0.5", "-1.0"], ["-0.4", "0.6"], ["0.8", "0.2"]]


def F(x: str | int) -> Fr:
    return Fr(str(x))


def relu(z: Fr, ap: Fr = Fr(1), am: Fr = Fr(0)) -> Fr:
    return ap * z if z >= 0 else am * z


def dot(u, v) -> Fr:
    return sum((Fr(a) * Fr(b) for a, b in zip(u, v)), Fr(0))


def frac(x) -> Fr:
    """exactland number -> Fraction (via its exact string)."""
    return Fr(str(x))


def problem(X, Y, W, H, act=RELU):
    return exactland.load({"activation": act, "X": X, "Y": Y, "W": W, "H": H})


# --------------------------------------------------------------------------
# Section 4.1.1 at the origin
# --------------------------------------------------------------------------
def test_section_411_origin_is_a_saddle_with_every_zero_neuron_escaping():
    cert = exactland.certify(load_example("origin-saddle"))
    # L = ½ Σ y² = ½ (0.0784 + 0.01 + 0.0009 + 0.0529 + 0.0484) = ½ · 0.1906
    assert frac(cert.loss) == Fr(953, 10000)
    assert cert.verdict is exactland.Verdict.SADDLE
    assert cert.stationary is True
    assert cert.escape_neurons == (0, 1, 2, 3)  # Section 4.1.1, Appendix E
    assert cert.local_maximum_possible is True  # all outputs vanish (Theorem D.1)
    # Appendix F.2 path at w_i = 0, h_i = 0: with g = φ(v) = Σ_k e_k relu(x_k·v),
    # e_k = -y_k, and Δ = (Δh = -g, Δw = v):  e_k(t) = e_k - g t² relu(x_k·v),
    # so c1 = 0, c2 = -g·Σ e_k relu(x_k·v) = -g², c4 = ½ g² Σ relu(x_k·v)².
    d = cert.descent
    v = [frac(c) for c in d.dw]
    xs = [[F(a) for a in row] for row in X411]
    ys = [F(r[0]) for r in Y411]
    g = sum((-y * relu(dot(x, v)) for x, y in zip(xs, ys)), Fr(0))
    assert g != 0
    assert frac(d.dh[0]) == -g
    c = [frac(x) for x in d.coefficients]
    assert c[:3] == [frac("0.0953"), 0, -g * g]
    assert c[4] == g * g * sum(relu(dot(x, v)) ** 2 for x in xs) / 2
    # Corollary 4.4: C_unit = c2 / ‖Δ‖² < 0
    C, n2, cu = d.corollary_4_4()
    assert frac(n2) == g * g + dot(v, v) and frac(cu) == -g * g / (g * g + dot(v, v)) < 0
    # the witness point really has lower loss (own evaluation)
    t = frac(d.t)
    W = [[Fr(0), Fr(0)] for _ in range(4)]
    W[d.neuron] = [t * a for a in v]
    H = [[Fr(0)] * 4]
    H[0][d.neuron] = t * frac(d.dh[0])
    assert own_loss((Fr(1), Fr(0)), xs, [[y] for y in ys], W, H) < frac("0.0953")
    assert cert.verify().valid


def test_origin_example_phi_along_the_bias_axis():
    # at the origin, along v = (0, 1): x_k·v = 1 for all k, so
    # φ(v) = Σ e_k = -Σ y_k = -(0.28 - 0.1 + 0.03 + 0.23 - 0.22) = -0.22 ≠ 0
    from exactland.core.kinks import neuron_data
    from exactland.core.network import evaluate

    nd = neuron_data(evaluate(load_example("origin-saddle")), 0)
    from flint import fmpq

    assert frac(nd.phi[0]((fmpq(0), fmpq(1)))) == F("-0.22")


def test_strictly_dead_relu_neuron_is_never_an_escape_neuron():
    # neuron 2: w = (0, -1), w·x_k = -1 < 0 for every k; with alpha- = 0 its d is 0
    # and φ ≡ 0 whatever h is, so it is not an escape neuron (Section 4.1.1).
    p = problem(X411, Y411, [["0", "0"], ["0", "0"], ["0", "-1"]], [["0", "0", "5"]])
    cert = exactland.certify(p)
    assert cert.verdict is exactland.Verdict.SADDLE
    assert cert.escape_neurons == (0, 1)
    assert cert.neurons[2].kink_set == () and cert.neurons[2].is_escape is False
    assert cert.verify().valid


# --------------------------------------------------------------------------
# A zero-loss global minimum (hand construction on the Section 4.1.1 data)
# --------------------------------------------------------------------------
def test_interpolating_zero_loss_minimum():
    # Piecewise-linear interpolant: slopes s1 = -0.95, s2 = 0.26, s3 = 0.5, s4 = -1.125;
    # f(x) = 1.23·relu(1) - 0.95·relu(x+2) + 1.21·relu(x+0.6) + 0.24·relu(x+0.1)
    #        - 1.625·relu(x-0.3);  f(-1) = 1.23 - 0.95 = 0.28, f(0.7) = 1.23 - 2.565
    #        + 1.573 + 0.192 - 0.65 = -0.22, ...
    p = load_example("interpolating-minimum")
    xs = [[F(a) for a in r] for r in X411]
    W = [[frac(a) for a in r] for r in p.W]
    H = [[frac(a) for a in r] for r in p.H]
    assert own_loss((Fr(1), Fr(0)), xs, [[F(r[0])] for r in Y411], W, H) == 0
    cert = exactland.certify(p)
    assert cert.verdict is exactland.Verdict.TYPE_1_MINIMUM
    assert frac(cert.loss) == 0 and cert.global_minimum
    # kinks: w = (1, 0.6) at x = -0.6 (k = 1); (1, 0.1) at -0.1 (k = 2); (1, -0.3) at 0.3 (k = 3)
    assert [n.kink_set for n in cert.neurons] == [(), (), (1,), (2,), (3,)]
    # radius = rho_w = min |w·x_k| / ‖x_k‖₁ over non-kink pairs (φ ≡ 0 so c_i = inf):
    # w=(0,1): 1/2 (x=-1); w=(1,2): 1/2; w=(1,0.6): 0.4/2 = 1/5; w=(1,0.1): 0.4/1.3 = 4/13;
    # w=(1,-0.3): 0.4/1.7 = 4/17  ->  1/5
    assert frac(cert.radius) == Fr(1, 5)
    assert cert.radius_constants.rho_h == "inf"
    assert cert.verify().valid


# --------------------------------------------------------------------------
# A neuron exactly on a kink, stationary only thanks to the one-sided slopes
# --------------------------------------------------------------------------
@pytest.mark.parametrize("alpha_minus,slope_back", [("0", 0), ("-1", 1)])
def test_kink_neuron_stationary_by_one_sided_slopes(alpha_minus, slope_back):
    # x1 = (1, 0), y1 = 1; x2 = (0, 1), y2 = -1; w = (1, 0), h = 1.
    # z1 = 1 -> ŷ1 = 1, e1 = 0;  z2 = 0 (kink) -> ŷ2 = 0, e2 = 1.  d = e1 x1 = 0,
    # ∂L/∂h = 0.  T = span((0, 1)):  F((0, 1)) = e2 relu(1) = 1 > 0 and
    # F((0, -1)) = e2 rho(-1) = -alpha_minus (0 for ReLU, 1 for |z|): the one-sided
    # slopes differ (no gradient exists) yet both are >= 0 -> stationary; h ≠ 0 with
    # |J| = 1 -> no escape neuron -> type-1 minimum, L = ½.
    # radius: c = |h| = 1 (F = h φ), rho_w = |z1|/‖x1‖₁ = 1  ->  radius 1.
    act = {"alpha_plus": "1", "alpha_minus": alpha_minus}
    p = problem([["1", "0"], ["0", "1"]], [["1"], ["-1"]], [["1", "0"]], [["1"]], act)
    cert = exactland.certify(p)
    assert cert.verdict is exactland.Verdict.TYPE_1_MINIMUM
    assert frac(cert.loss) == Fr(1, 2)
    n = cert.neurons[0]
    assert n.kink_set == (1,) and [frac(x) for x in n.dL_dh] == [0]
    from exactland.core.kinks import neuron_data
    from exactland.core.network import evaluate

    from flint import fmpq

    nd = neuron_data(evaluate(p), 0)
    assert frac(nd.F((fmpq(0), fmpq(1)))) == 1 and frac(nd.F((fmpq(0), fmpq(-1)))) == slope_back
    assert frac(cert.radius) == 1 and [frac(c) for c in cert.radius_constants.c] == [1]
    assert cert.verify().valid


# --------------------------------------------------------------------------
# Appendix G: a non-stationary point on a kink
# --------------------------------------------------------------------------
def test_appendix_g_point_is_not_stationary():
    # x1 = (0.9, 0.3), y1 = 3, h = 0.5, w = (0.15, -0.45): w·x1 = 0.135 - 0.135 = 0.
    # e1 = -3, L = 9/2, d = 0 (the only sample is a kink sample), ∂L/∂h = 0.
    # T = span((3, 1)); F(λ(3,1)) = h e1 relu(3λ) = -4.5λ < 0 for λ > 0: not stationary.
    cert = exactland.certify(load_example("appendix-g-kink"))
    assert cert.verdict is exactland.Verdict.NOT_STATIONARY and cert.stationary is False
    assert frac(cert.loss) == Fr(9, 2)
    v, val = cert.neurons[0].tangential_witness
    lam = frac(v[0]) / 3
    assert lam > 0 and frac(v[1]) == lam and frac(val) == Fr(-9, 2) * lam
    d = cert.descent
    # along Δw = v: e(t) = -3 + h t (x1·v) = -3 + 1.5 λ t  ->  c1 = -4.5λ, c2 = 1.125 λ²
    assert [frac(c) for c in d.coefficients] == [Fr(9, 2), Fr(-9, 2) * lam, Fr(9, 8) * lam**2, 0, 0]
    assert cert.verify().valid


def test_leaky_relu_not_stationary_and_leaky_origin_saddle():
    # leaky (alpha- = 1/10), one neuron w = (0, -1), h = 1 on the Section 4.1.1 data:
    # z_k = -1, rho = -1/10, ŷ_k = -1/10, e_k = -1/10 - y_k,
    # ∂L/∂h = Σ e_k rho(z_k) = (1/10) Σ (1/10 + y_k) = (1/10)(0.5 + 0.22) = 0.072 ≠ 0.
    leaky = {"alpha_plus": "1", "alpha_minus": "1/10"}
    cert = exactland.certify(problem(X411, Y411, [["0", "-1"]], [["1"]], leaky))
    assert cert.verdict is exactland.Verdict.NOT_STATIONARY
    assert [frac(x) for x in cert.neurons[0].dL_dh] == [F("0.072")]
    # descent along -h: L(t) = L - 0.072 t + ½ t² Σ rho² = ... ; Σ rho² = 5/100
    assert [frac(c) for c in cert.descent.coefficients][1:3] == [F("-0.072"), Fr(1, 40)]
    assert cert.verify().valid
    # the origin with leaky ReLU: φ((0,1)) = Σ e_k · 1 = -Σ y = -0.22 ≠ 0 -> saddle
    origin = exactland.certify(problem(X411, Y411, [["0", "0"]], [["0"]], leaky))
    assert origin.verdict is exactland.Verdict.SADDLE and origin.escape_neurons == (0,)
    assert origin.verify().valid


def test_absolute_value_activation_origin_saddle():
    # alpha- = -1 (rho = |z|): at the origin φ(v) = -Σ y_k |x_k·v|; for v = (0, 1)
    # it is -Σ y_k = -0.22 ≠ 0: every zero neuron escapes; saddle.
    absval = {"alpha_plus": "1", "alpha_minus": "-1"}
    cert = exactland.certify(problem(X411, Y411, [["0", "0"], ["0", "0"]], [["0", "0"]], absval))
    assert cert.verdict is exactland.Verdict.SADDLE and cert.escape_neurons == (0, 1)
    assert cert.verify().valid


# --------------------------------------------------------------------------
# Two outputs (Appendix I.0.2)
# --------------------------------------------------------------------------
def test_two_output_origin_is_a_saddle():
    # L = ½ Σ ‖y_k‖² = ½ (0.36+0.25 + 0.25+1 + 0.16+0.36 + 0.64+0.04) = 1.53
    cert = exactland.certify(load_example("appendix-i02-origin"))
    assert frac(cert.loss) == F("1.53")
    assert cert.verdict is exactland.Verdict.SADDLE
    assert cert.escape_neurons == (0, 1, 2)
    assert frac(cert.descent.coefficients[1]) == 0 and frac(cert.descent.coefficients[2]) < 0
    assert cert.verify().valid


def test_two_output_final_type1_minimum_matches_paper_final_mse():
    # Hand construction of the end state of Appendix I.0.2 (eq. 19): every w_i·x4 < 0,
    # samples 1-3 fitted exactly.  w_a = (-1, 1): z = (0.8, 0 [kink], -0.4, -0.8);
    # w_b = (1, 2): z = (0.7, 3, -2.6, -0.4); w_c = (-2, -1): z = (0.1, -3, 2.2, -0.4).
    # Sample 2: only b active -> h_b = y2/3 = (1/6, -1/3); sample 3: only c ->
    # h_c = y3/2.2 = (-2/11, 3/11); sample 1: 0.8 h_a + 0.7 h_b + 0.1 h_c = y1 ->
    # h_a = (331/528, -97/264).  Then e_1 = e_2 = e_3 = 0, e_4 = -y_4 = (-0.8, -0.2):
    # L = ½ (0.64 + 0.04) = 17/50, i.e. MSE = 0.68/8 = 0.085 — the paper's final MSE
    # 0.0850000.  d_ji = 0 (x4 is on the negative side, alpha- = 0) and the only kink
    # sample (x2 for w_a) has zero residual, so φ ≡ 0: type-1 minimum.
    # rho_w: w_a: min(0.8/0.8, 0.4/1.6, 0.8/0.8) = 1/4; w_b: min(.875, 1.5, 1.625, .5) = 1/2;
    # w_c: min(0.1/0.8, 3/2, 2.2/1.6, 0.4/0.8) = 1/8  -> radius 1/8.
    W = [["-1", "1"], ["1", "2"], ["-2", "-1"]]
    H = [["331/528", "1/6", "-2/11"], ["-97/264", "-1/3", "3/11"]]
    cert = exactland.certify(problem(X102, Y102, W, H))
    assert cert.verdict is exactland.Verdict.TYPE_1_MINIMUM
    assert frac(cert.loss) == Fr(17, 50)
    assert frac(cert.loss) * 2 / 8 == F("0.085")
    assert cert.neurons[0].kink_set == (1,)
    assert frac(cert.radius) == Fr(1, 8)
    assert cert.verify().valid


# --------------------------------------------------------------------------
# Appendix I.0.2: the printed hand computations, recomputed exactly
# --------------------------------------------------------------------------
XS = [[F(a) for a in r] for r in X102]


def vec(*a):
    return [F(x) for x in a]


def comb(*terms):
    """Σ c_k x_k for (c, x) pairs."""
    out = [Fr(0), Fr(0)]
    for c, x in terms:
        out = [o + c * xi for o, xi in zip(out, x)]
    return out


def test_appendix_i02_first_saddle_numbers():
    x1, x2, x3, x4 = XS
    v = vec("0.85", "0.51")
    e11, e21, e41 = F("-0.6"), F("-0.5"), F("-0.8")  # exact at the origin: e = -y
    s = comb((e11, x1), (e21, x2))
    # DISCREPANCY: the paper prints (e11 x1 + e21 x2) = (-0.32, -0.2); exactly it is
    # -0.6(-0.3, 0.5) - 0.5(1, 1) = (0.18 - 0.5, -0.3 - 0.5) = (-0.32, -0.8).
    assert s == vec("-0.32", "-0.8")
    # DISCREPANCY: the printed value -0.37 follows from the mistyped vector
    # ((-0.32)(0.85) + (-0.2)(0.51) = -0.374); exactly the printed formula gives -0.68.
    assert dot(s, v) == F("-0.68")
    # Moreover x1·v = -0.255 + 0.255 = 0 exactly (x1 is on the kink of v) and
    # x4·v = 0.34 - 0.204 = 0.136 > 0, so Lemma 3.2's d^v at the origin sums over
    # {x2, x4}, not {x1, x2}: d^v·v = e21 (x2·v) + e41 (x4·v) = -0.68 - 0.1088 = -0.7888.
    assert dot(x1, v) == 0 and dot(x4, v) == F("0.136") and dot(x3, v) < 0
    assert e21 * dot(x2, v) + e41 * dot(x4, v) == F("-0.7888")
    from exactland.core.kinks import neuron_data
    from exactland.core.network import evaluate

    nd = neuron_data(evaluate(load_example("appendix-i02-origin")), 0)
    from flint import fmpq

    assert frac(nd.phi[0]((fmpq(85, 100), fmpq(51, 100)))) == F("-0.7888")
    # every variant is nonzero, so the paper's conclusion (escape neurons) stands


def test_appendix_i02_second_saddle_numbers():
    x1, x2, x3, x4 = XS
    v = vec("-0.65", "-0.76")
    e31, e41 = F("0.4"), F("-0.8")  # values read from Figure 14 by the paper
    s = comb((e31, x3), (e41, x4))
    # DISCREPANCY: printed (-0.48, 0.56); exactly 0.4(-0.6, -1) - 0.8(0.4, -0.4)
    # = (-0.24 - 0.32, -0.4 + 0.32) = (-0.56, -0.08).
    assert s == vec("-0.56", "-0.08")
    # DISCREPANCY: printed -0.11 (from the mistyped vector: 0.312 - 0.4256 = -0.1136);
    # exactly (-0.56)(-0.65) + (-0.08)(-0.76) = 0.364 + 0.0608 = 0.4248 (still ≠ 0).
    assert dot(s, v) == F("0.4248")
    # the active samples along v are indeed x3 and x4 (x1·v = -0.185, x2·v = -1.41)
    assert dot(x1, v) < 0 and dot(x2, v) < 0 and dot(x3, v) > 0 and dot(x4, v) > 0


def test_appendix_i02_third_saddle_numbers():
    x1, x2, x3, x4 = XS
    v = vec("0.98", "0.19")
    w = vec("-0.12", "0.63")
    e11, e21, e12, e22 = F("-0.18"), F("0.12"), F("0.12"), F("0.08")
    h1, h2 = F("0.37"), F("-0.53")
    # w·x1 = 0.351 > 0, w·x2 = 0.51 > 0, w·x3, w·x4 < 0: d_ji sums over x1, x2 (no kink)
    assert dot(w, x1) > 0 and dot(w, x2) > 0 and dot(w, x3) < 0 and dot(w, x4) < 0
    d1 = comb((e11, x1), (e21, x2))
    # printed (0.18, 0.03): exactly (0.054 + 0.12, -0.09 + 0.12) = (0.174, 0.03) (rounding)
    assert d1 == vec("0.174", "0.03")
    assert dot(d1, v) == F("0.17622")  # printed 0.18: agrees after rounding
    d2 = comb((e12, x1), (e22, x2))
    # DISCREPANCY: printed (0.12, 0.02); exactly (-0.036 + 0.08, 0.06 + 0.08) = (0.044, 0.14)
    assert d2 == vec("0.044", "0.14")
    # DISCREPANCY: printed 0.12; exactly 0.04312 + 0.0266 = 0.06972
    assert dot(d2, v) == F("0.06972")
    # DISCREPANCY: printed ∂L/∂s = 0.00; exactly 0.37·0.17622 - 0.53·0.06972
    # = 0.0652014 - 0.0369516 = 0.0282498 (the readings are approximate, the paper's
    # "approximately an escape neuron" claim rests on the mistyped d2)
    assert h1 * dot(d1, v) + h2 * dot(d2, v) == F("0.0282498")
    # ṽ is only approximately tangential: w·ṽ = -0.1176 + 0.1197 = 0.0021
    assert dot(w, v) == F("0.0021")


def test_section_411_final_local_minimum_exactly():
    # The paper's training ends at MSE 0.027885962 (Section 4.1.1).  Group 1 is stuck at
    # w ∝ (-1, 0.7) ⟂ x5, so rho(w·x_k) = 0.7 - x_k on k ≤ 4 and 0 at x5 = 0.7: an affine
    # function of x on all five samples.  Group 2 is active everywhere.  Hence the network
    # is the least-squares line through the 5 points:  x̄ = -0.14, ȳ = 0.044,
    # Sxx = 1.95 - 5·0.0196 = 1.852, Sxy = -0.308 + 0.0308 = -0.2772, Syy = 0.1906 - 0.00968
    # = 0.18092;  slope = -0.2772/1.852 = -693/4630, intercept = 0.044 + 0.14·slope = 1067/46300;
    # L = ½ (Syy - Sxy²/Sxx) = ½ (2094149 - 480249)/11575000 = 16139/231500.
    # With h_0 = 1/8:  b = slope + 1/8 = -457/18520, c = intercept - 0.7/8 = -11937/185200,
    # group 2 is w_1 = (-b, -c), h_1 = -1  (w_1·x_k = -(b x_k + c) > 0 on all samples).
    # Stationarity at the kink: Σ_k e_k (x_k, 1) = 0 (normal equations), so
    # d_0 = Σ_{k≤4} e_k x_k = -e5 x5 and F_0(λ x5) = h_0 e5 ‖x5‖² (relu(λ) - λ) ≥ 0
    # (e5 = ŷ5 - y5 > 0): zero along +x5, positive along -x5 — the one-sided slopes.
    # No zero neuron, |J| = 1 and h ≠ 0: type-1 minimum.  c_0 = |h_0| = 1/8;
    # rho_w: neuron 1 at x = -1 gives (4570·(-1) + 11937)/185200 / 2 = 7367/370400 (smallest).
    cert = exactland.certify(load_example("final-minimum"))
    assert frac(cert.loss) == Fr(16139, 231500)
    assert frac(cert.loss) * 2 / 5 == Fr(32278, 1157500)  # MSE 0.02788596112..., paper: 0.027885962
    assert cert.verdict is exactland.Verdict.TYPE_1_MINIMUM
    assert cert.neurons[0].kink_set == (4,)
    assert frac(cert.radius_constants.c[0]) == Fr(1, 8)
    assert frac(cert.radius) == Fr(7367, 370400)
    assert cert.verify().valid

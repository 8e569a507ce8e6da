"""Network embedding (Section 4.3, Appendices L-O): exactland.embedding.operations, exactland.embedding.split,
exactland.cli.embedding and examples/embedding_examples.py.

Honesty rule: expected values come from the paper's propositions applied to facts
known by construction or derived by hand in the comments, and are computed here
with ``fractions.Fraction`` (own outputs, residuals, d_ji and loss); the library is
used to build/certify and its answers are compared with these.

Generated stationary points ("least squares with kink neurons", any ReLU-like
activation a+ != a-, |J| = 1 or 2).  Inputs x_k = (x'_k, 1).  Every neuron has all
samples on one side s_i (a+ side or a- side), except that a *kink neuron* has one
sample k_i exactly on its kink: w = s (-u, u.x'_k) with k the unique maximiser of
u.x'_j, so w.x_j = s u.(x'_k - x'_j) has the sign s for j != k and is 0 at k.
Then on the samples rho(w_i.x_k) = a^{s_i} w_i.x_k and the output is linear:
yhat_k = C x_k with C_j = sum_i h_ji a^{s_i} w_i.  Choose residual columns E_j in
null(X^T) and put Y = X C^T - E, so e = E and X^T e_j = 0.  Hence (eq. 3)
  * a neuron without kink: d_ji = a^{s} X^T e_j = 0, so dL/dh = 0, F_i == 0, phi == 0;
  * a kink neuron on sample k: d_ji = -a^{s} e_kj x_k, dL/dh = w.d = 0 (w.x_k = 0), and
    with z = x_k.v, rho(z) - a^{s} z = (a+ - a-) max(-s z, 0), so
        phi_ji(v) = (a+ - a-) e_kj max(-s z, 0),  F_i(v) = (a+ - a-) (h_i.e_k) max(-s z, 0).
    x_k is tangential (x_k . w = 0) and max(-s z, 0) > 0 at v = -s x_k, so
    F_i >= 0 iff (a+ - a-) h_i.e_k >= 0, and F_i == 0 iff h_i.e_k = 0.  With
    (a+ - a-) h_i.e_k > 0 the zero set of F_i is that of every phi_ji (no escape);
    with h_i.e_k = 0 != e_k the neuron is an escape neuron (Definition 4.1).
The generator takes (a+ - a-) h_i.e_k >= 0 (stationary by construction); the point
is a type-1 minimum iff no kink neuron has h_i.e_k = 0 != e_k.
"""
from __future__ import annotations

import pathlib
from fractions import Fraction as Fr

import pytest
from oracles import fr, own_outputs
from embedding_support import (  # noqa: F401
    ABS, LEAKY, Q, RELU, Gen, frm, lsq_kink_points, own_d, own_of, replication_args, s,
)
from embedding_support import load_examples_script as _examples  # noqa: F401
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import exactland
from exactland.embedding.operations import (
    add_negative_unit,
    add_orthogonal_unit,
    certified_status,
    fukumizu_f_matrix,
    inactive_propagation,
    replicate,
    tangentially_flat,
)
from exactland.errors import InputError
from exactland.builtin.examples import load_example
from exactland.testing.instances import teacher_stationary_point

ROOT = pathlib.Path(__file__).resolve().parents[1]
SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
MIN = "type-1-minimum"


# ===================================================================== the generator itself
@pytest.mark.parametrize("act", [RELU, LEAKY, ABS], ids=["relu", "leaky", "abs"])
@settings(max_examples=25, **SETTINGS)
@given(data=st.data())
def test_generator_points_are_what_the_construction_says(act, data):
    g = data.draw(lsq_kink_points(act))
    cert = exactland.certify(g.problem)
    assert cert.stationary is True                      # by construction (module docstring)
    assert (cert.verdict.value == MIN) == g.type1
    assert [tangentially_flat(g.problem, i) for i in range(g.problem.n_neurons)] == list(g.flat)


# ===================================================================== Proposition 4.9, property
@pytest.mark.parametrize("act", [RELU, LEAKY, ABS], ids=["relu", "leaky", "abs"])
@settings(max_examples=70, **SETTINGS)
@given(data=st.data())
def test_proposition_4_9_prediction_equals_certificate(act, data):
    g = data.draw(lsq_kink_points(act))
    i0, beta, gamma = data.draw(replication_args(g.problem.n_neurons))
    # Proposition 4.9 applied to the facts known by construction:
    keep_stat = g.flat[i0] or all(x >= 0 for x in gamma)
    keep_t1 = g.type1 and (g.flat[i0] or all(x > 0 for x in gamma))
    r = replicate(g.problem, i0, s(beta), s(gamma))
    assert (r.prediction.stationary, r.prediction.type1_minimum) == (keep_stat, keep_t1)
    assert r.certificate.stationary is keep_stat
    assert (r.certificate.verdict.value == MIN) is keep_t1
    assert r.agree is True
    event(f"stationarity {'kept' if keep_stat else 'lost'}")
    event(f"type-1 {'kept' if keep_t1 else 'lost'}{'' if g.type1 else ' (not type-1 before)'}")


def test_proposition_4_9_both_directions_occur_in_generated_cases():
    """A fixed sweep (seeded draws) must contain kept and lost for both statements."""
    seen = set()

    @settings(max_examples=60, derandomize=True, database=None, **SETTINGS)
    @given(data=st.data())
    def sweep(data):
        g = data.draw(lsq_kink_points(RELU, J=1, allow_escape=False))
        i0, beta, gamma = data.draw(replication_args(g.problem.n_neurons))
        r = replicate(g.problem, i0, s(beta), s(gamma))
        assert r.agree
        seen.add(("stat", r.certificate.stationary))
        seen.add(("t1", r.certificate.verdict.value == MIN))

    sweep()
    assert seen == {("stat", True), ("stat", False), ("t1", True), ("t1", False)}


@pytest.mark.parametrize("seed", range(4))
def test_proposition_4_9_on_teacher_instances(seed):
    # teacher_stationary_point: d_ji = 0 and kink residuals 0, so F_i == 0 for every neuron
    # (instances.py docstring): condition (1) of Proposition 4.9 holds for every neuron, so
    # stationarity survives even gamma < 0; type-1 survives iff the point was one (n_zero = 0).
    for n_zero in (0, 1):
        inst = teacher_stationary_point(seed, dim=3, n_samples=6, n_zero=n_zero)
        p = inst.problem
        for i0 in range(p.n_neurons):
            r = replicate(p, i0, ["1/2", "1/2"], [6, -4])      # 1/2*6 + 1/2*(-4) = 1
            assert r.certificate.stationary is True
            assert (r.certificate.verdict.value == MIN) is (n_zero == 0)
            assert r.agree


# ===================================================================== Lemma O.1
@pytest.mark.parametrize("act", [RELU, LEAKY], ids=["relu", "leaky"])
@settings(max_examples=30, **SETTINGS)
@given(data=st.data())
def test_lemma_O1_kink_free_neurons_have_zero_d_at_type1_minima(act, data):
    g = data.draw(lsq_kink_points(act, allow_escape=False))
    p = g.problem
    assert g.type1
    for i in range(p.n_neurons):
        if i in g.kink_of:
            with pytest.raises(InputError):
                fukumizu_f_matrix(p, i)                   # eq. (40) fails: w_i . x_k = 0
            continue
        zero = [[Fr(0)] * p.dim for _ in range(p.n_outputs)]
        assert own_d(p, i) == zero                        # Lemma O.1 (own eq. 3)
        assert [[fr(c) for c in col] for col in fukumizu_f_matrix(p, i)] == zero   # eq. (41)
        r = replicate(p, i, ["1/3", "2"], ["3/2", "1/4"], compare=False)  # 1/2 + 1/2 = 1
        for ir in r.new_neurons:                          # replicas: no kink, still d = 0
            assert own_d(r.problem, ir) == zero


@pytest.mark.parametrize("seed", range(3))
def test_lemma_O1_on_teacher_minima(seed):
    inst = teacher_stationary_point(seed, dim=3, n_samples=7, n_zero=0)
    p = inst.problem
    for i in inst.living + inst.dead:                     # no kink by construction
        assert own_d(p, i) == [[Fr(0)] * p.dim]
        assert all(c == 0 for col in fukumizu_f_matrix(p, i) for c in col)


def test_lemma_O1_needs_type1_not_just_stationarity():
    # Lemma O.1 says "stationary point" but its proof uses type-1 minimality (eq. 38).
    # One ReLU neuron w = (1, 1), h = 0, x = (1, 0), (0, 1), y = (1, -1): both samples
    # active, output 0, e = (-1, 1), d = -x_1 + x_2 = (-1, 1) != 0; dL/dh = w.d = 0,
    # dL/dr = 0 and F = h phi = 0: stationary.  phi(v) = d.v != 0 at v = (-1, 1): an
    # escape neuron, so a saddle (Theorem 4.2) — and d != 0.
    p = exactland.load({"activation": {"alpha_plus": 1, "alpha_minus": 0},
                        "X": [[1, 0], [0, 1]], "Y": [[1], [-1]], "W": [[1, 1]], "H": [[0]]})
    cert = exactland.certify(p)
    assert cert.stationary is True and cert.verdict.value == "saddle"
    assert own_d(p, 0) == [[Fr(-1), Fr(1)]]
    assert [[fr(c) for c in col] for col in fukumizu_f_matrix(p, 0)] == [[Fr(-1), Fr(1)]]


# ===================================================================== final-minimum by hand
FINAL_X = [(Fr(-1), 1), (Fr(-3, 5), 1), (Fr(-1, 10), 1), (Fr(3, 10), 1), (Fr(7, 10), 1)]
FINAL_Y = [Fr(28, 100), Fr(-1, 10), Fr(3, 100), Fr(23, 100), Fr(-22, 100)]


def final_residual_5() -> Fr:
    # least-squares line y = a x + b through the 5 samples (normal equations), e_5 = yhat_5 - y_5
    n = len(FINAL_X)
    sx = sum(x for x, _ in FINAL_X)
    sxx = sum(x * x for x, _ in FINAL_X)
    sy = sum(FINAL_Y)
    sxy = sum(x * y for (x, _), y in zip(FINAL_X, FINAL_Y))
    a = (n * sxy - sx * sy) / (n * sxx - sx * sx)
    b = (sy - a * sx) / n
    assert (a, b) == (Fr(-693, 4630), Fr(1067, 46300))    # the example's description
    return a * Fr(7, 10) + b - FINAL_Y[4]


def test_final_minimum_hand_derivation():
    # F_0(v) = h_0 e_5 max(-x_5.v, 0) with h_0 = 1/8, e_5 = 3201/23150 > 0 (module doc of
    # examples/embedding_examples.py): F_0 >= 0, not == 0; F_1 = F_2 = 0.
    p = load_example("final-minimum")
    e5 = final_residual_5()
    assert e5 == Fr(3201, 23150) > 0
    from exactland.core.kinks import neuron_data
    from exactland.core.network import evaluate
    F0 = neuron_data(evaluate(p), 0).F
    for v in [(Fr(-7, 10), Fr(-1)), (Fr(7, 10), Fr(1)), (Fr(-7), Fr(-10))]:  # tangential: ∥ x_5
        z = Fr(7, 10) * v[0] + v[1]
        assert fr(F0(tuple(exactland.exact.scalars.parse_exact(str(c)) for c in v))) == Fr(1, 8) * e5 * max(-z, Fr(0))
    assert [tangentially_flat(p, i) for i in range(3)] == [False, True, True]


def test_example_replication_destroys_stationarity():
    mod = _examples()
    r = mod.replication_destroys_stationarity()
    # Prop. 4.9: F_0 != 0 and gamma_2 = -1 < 0 -> stationarity lost; the replica (index 3,
    # h = -1/8) has F = -F_0 < 0 along v = -x_5 (hand derivation above).
    assert (r.prediction.stationary, r.prediction.type1_minimum) == (False, False)
    assert r.certificate.verdict.value == "not-stationary"
    assert r.certificate.neurons[3].nonnegative is False
    assert r.certificate.neurons[0].nonnegative is True   # gamma_1 = 2 > 0: F = 2 F_0 >= 0
    assert r.agree and r.certificate.verify().valid
    _check_replica_layout(r, 0, [Fr(1), Fr(1)], [Fr(2), Fr(-1)])


def test_example_replication_keeps_minimum():
    mod = _examples()
    r = mod.replication_keeps_minimum()                  # gamma = (1/2, 1/2) > 0
    assert (r.prediction.stationary, r.prediction.type1_minimum) == (True, True)
    assert r.certificate.verdict.value == MIN and r.agree and r.certificate.verify().valid
    r = mod.replication_of_flat_neuron_keeps_minimum()   # F_1 == 0: condition (1)
    assert (r.prediction.stationary, r.prediction.type1_minimum) == (True, True)
    assert r.certificate.verdict.value == MIN and r.agree
    _check_replica_layout(r, 1, [Fr(1), Fr(1)], [Fr(2), Fr(-1)])


def test_replication_with_zero_gamma_gives_a_saddle_with_the_replica_escaping():
    # gamma = (1, 0): the replica with h = 0 has F == 0 but phi = e_5 max(-z, 0) != 0:
    # an escape neuron (Appendix L.2.1, necessity), a saddle for |J| = 1 (Theorem 4.2).
    r = replicate(load_example("final-minimum"), 0, [1, 1], [1, 0])
    assert (r.prediction.stationary, r.prediction.type1_minimum) == (True, False)
    assert r.certificate.verdict.value == "saddle"
    assert r.certificate.escape_neurons == (3,)
    assert r.agree


def _check_replica_layout(r, i0, beta, gamma):
    """Replicas take i0 then new indices at the end; the network function is unchanged."""
    p0, p1 = r.original, r.problem
    I = p0.n_neurons
    assert r.new_neurons == (i0,) + tuple(range(I, I + len(beta) - 1))
    W0, H0, W1, H1 = frm(p0.W), frm(p0.H), frm(p1.W), frm(p1.H)
    for idx, b, g in zip(r.new_neurons, beta, gamma):
        assert W1[idx] == [b * c for c in W0[i0]]
        assert [row[idx] for row in H1] == [g * row[i0] for row in H0]
    for i in range(I):
        if i != i0:
            assert W1[i] == W0[i] and [row[i] for row in H1] == [row[i] for row in H0]
    act, X = own_of(p0)[:2]
    assert own_outputs(act, X, W0, H0) == own_outputs(act, X, W1, H1)


def test_every_nonstationary_point_stays_nonstationary():
    # Appendix G point (not stationary): Sigma beta gamma = 1 forces a gamma_l > 0 replica
    # with the same negative tangential slope (scaled by gamma_l > 0).
    p = load_example("appendix-g-kink")
    r = replicate(p, 0, ["1/2", "1/2"], [3, -1])
    assert (r.prediction.stationary, r.prediction.type1_minimum) == (False, False)
    assert r.certificate.verdict.value == "not-stationary" and r.agree


# ===================================================================== refusals
@pytest.mark.parametrize("beta,gamma,where", [
    (["0", "1"], ["1", "1"], "beta[0]"),                   # beta_l > 0 required
    (["1", "-1/2"], ["1", "0"], "beta[1]"),
    (["1/2", "1/2"], ["1", "2"], "gamma"),                 # 1/2 + 1 != 1
    (["1", "1"], ["1"], "gamma"),                          # lengths differ
])
def test_replication_refusals(beta, gamma, where):
    with pytest.raises(InputError) as exc:
        replicate(load_example("final-minimum"), 0, beta, gamma)
    assert exc.value.where == where


def test_other_refusals():
    p = load_example("final-minimum")
    with pytest.raises(InputError, match="no neuron 3"):
        replicate(p, 3, [1], [1])
    with pytest.raises(InputError, match="not an orthogonal unit"):
        add_orthogonal_unit(p, [1, 0], [1])                # (1, 0) . (-1, 1) = -1
    with pytest.raises(InputError, match="not a negative unit"):
        add_negative_unit(p, [1, 0], [1])                  # (1, 0) . (3/10, 1) = 3/10 > 0
    with pytest.raises(InputError, match="alpha_minus"):
        leaky = exactland.load({**p.to_dict(), "activation": {"alpha_plus": "1", "alpha_minus": "1/10"}})
        add_negative_unit(leaky, [0, -1], [1])
    with pytest.raises(InputError):
        inactive_propagation(p, [1, 2, 3])                 # d = 2


# ===================================================================== inactive units / propagation
def test_negative_unit_keeps_everything_proposition_M1():
    # Prop. M.1 / Remark M.2: (0, -1) . x_k = -1 < 0 for every x_k = (x, 1); ReLU.
    for name, verdict in [("final-minimum", MIN), ("origin-saddle", "saddle")]:
        r = add_negative_unit(load_example(name), [0, -1], [7])
        assert r.certificate.verdict.value == verdict
        assert r.prediction.stationary is True
        assert r.prediction.type1_minimum is (verdict == MIN)
        assert r.agree


@settings(max_examples=30, **SETTINGS)
@given(data=st.data())
def test_negative_unit_property(data):
    g = data.draw(lsq_kink_points(RELU))
    p = g.problem
    # w = (0,..,0, -1): w . x_k = -1 < 0 for x_k = (x', 1)
    h = [data.draw(Q) for _ in range(p.n_outputs)]
    r = add_negative_unit(p, [0] * (p.dim - 1) + [-1], s(h))
    assert (r.prediction.stationary, r.prediction.type1_minimum) == (True, g.type1)
    assert certified_status(r.certificate) == (True, g.type1)


def test_inactive_propagation_as_replication():
    p = load_example("final-minimum")
    # w = 2 w_0: replica of neuron 0 with gamma = 0 -> Prop. 4.9: stationary, not type-1.
    r = inactive_propagation(p, ["-2", "7/5"])
    assert (r.prediction.stationary, r.prediction.type1_minimum) == (True, False)
    assert r.certificate.verdict.value == "saddle" and r.agree
    # w = 3 w_1 (F_1 == 0): type-1 kept.
    w1 = [3 * fr(c) for c in p.W[1]]
    r = inactive_propagation(p, s(w1))
    assert (r.prediction.stationary, r.prediction.type1_minimum) == (True, True)
    assert r.certificate.verdict.value == MIN and r.agree
    # w = 0 (an orthogonal unit with h = 0, Appendix N): stationarity kept; escape: the
    # zero neuron's phi(v) = sum_k e_k rho(x_k.v) is not 0 here -> no general prediction,
    # the certificate decides (saddle).
    r = inactive_propagation(p, [0, 0])
    assert r.prediction.stationary is True and r.prediction.type1_minimum is None
    assert r.certificate.stationary is True and r.agree


def test_orthogonal_units():
    # zero loss (Appendix M.1 trivial case): any h keeps the type-1 minimum
    r = add_orthogonal_unit(load_example("interpolating-minimum"), [0, 0], [5])
    assert (r.prediction.stationary, r.prediction.type1_minimum) == (True, True)
    assert r.certificate.verdict.value == MIN and r.agree
    # 3-d inputs in the plane x_3 = 0: w = (0, 0, 1) is orthogonal to every x_k.
    base = load_example("final-minimum").to_dict()
    base["X"] = [row + ["0"] for row in base["X"]]
    base["W"] = [row + ["0"] for row in base["W"]]
    p = exactland.load(base)
    r = add_orthogonal_unit(p, [0, 0, 1], [0])             # h = 0: stationarity kept (M.1)
    assert r.prediction.stationary is True and r.certificate.stationary is True and r.agree
    r = add_orthogonal_unit(p, [0, 0, 1], [1])             # eq. (35): no general prediction
    assert r.prediction.stationary is None and r.agree is True


def test_compare_false_skips_certification():
    r = replicate(load_example("final-minimum"), 0, [1, 1], [2, -1], compare=False)
    assert r.prediction is None and r.certificate is None and r.agree is None
    assert r.to_dict()["predicted"] is None

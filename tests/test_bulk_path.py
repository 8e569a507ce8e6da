"""The bulk path of ``certify`` (issue 16) gives the per-neuron path's certificate.

``certify(p, bulk=False)`` sends every neuron through the per-neuron exact
analyses; the default settles quiet neurons (no kink sample, every d_ji = 0)
in one vectorised pass. The two certificates must be identical, field for
field, on teacher points (living, kink, dead, zero neurons) with |J| = 1 and
2, perturbed (non-stationary) versions of them, and the structural and random
families of ``strategies``.
"""
from __future__ import annotations

from dataclasses import replace
from fractions import Fraction as Fr

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from oracles import own_outputs
from strategies import ACT, Q, SETTINGS, Spec, any_points, draw_mat, teacher_args, spec_of

import exactland
from exactland.core.classify import certify
from exactland.testing.instances import teacher_stationary_point


def _same(problem: exactland.Problem) -> exactland.Certificate:
    bulk, ref = certify(problem), certify(problem, bulk=False)
    assert bulk.to_dict() == ref.to_dict()
    assert bulk.neurons == ref.neurons and bulk.radius_constants == ref.radius_constants
    return bulk


@st.composite
def teacher_two_outputs(draw) -> Spec:
    """A teacher point, optionally with a second output ``h_2 = c·h_1`` that the
    fitted samples fit exactly (so the point stays stationary), optionally
    perturbed in one entry of W or H (usually no longer stationary)."""
    args = draw(teacher_args())
    args["n_zero"] = draw(st.integers(0, 2))
    assume(args["n_living"] + args["n_kink"] + args["n_dead"] + args["n_zero"] >= 1)
    spec = spec_of(teacher_stationary_point(**args).problem)
    if draw(st.booleans()):
        c = draw(st.sampled_from([Fr(0), Fr(1, 2), Fr(-1)]))
        n_fit = spec.K - args["n_unfit"]
        y2 = [spec.Y[k][0] * c if k < n_fit else draw(st.sampled_from([Fr(1), Fr(-3, 10)]))
              for k in range(spec.K)]
        spec = replace(spec, Y=tuple((row[0], y) for row, y in zip(spec.Y, y2)),
                       H=(spec.H[0], tuple(c * h for h in spec.H[0])))
    if draw(st.booleans()):
        name = draw(st.sampled_from(["W", "H"]))
        m = [list(r) for r in getattr(spec, name)]
        r, c = draw(st.integers(0, len(m) - 1)), draw(st.integers(0, len(m[0]) - 1))
        m[r][c] += draw(st.sampled_from([Fr(1, 7), Fr(-2)]))
        spec = replace(spec, **{name: tuple(map(tuple, m))})
    return spec


@settings(max_examples=60, **SETTINGS)
@given(teacher_two_outputs())
def test_bulk_and_per_neuron_paths_agree_on_teacher_points(spec):
    _same(spec.problem())


@settings(max_examples=40, **SETTINGS)
@given(any_points())
def test_bulk_and_per_neuron_paths_agree_on_structural_and_random_points(spec):
    _same(spec.problem())


def test_quiet_neurons_get_no_per_neuron_data_and_the_same_reports():
    p = teacher_stationary_point(3, dim=4, n_samples=12, n_living=6, n_kink=2, n_dead=2,
                                 n_zero=2, n_unfit=2).problem
    cert = _same(p)
    ev = exactland.core.network.evaluate(p)
    from exactland.core.bulk import NeuronTable
    tab = NeuronTable(ev, True)
    assert tab.quiet.sum() >= 8 and len(tab.loud()) == p.n_neurons - int(tab.quiet.sum())
    assert cert.verdict.value == "saddle" and cert.verify().valid


def test_refutation_at_the_last_neuron_leaves_earlier_quiet_neurons_examined():
    # Neuron 0 is quiet (dead), neuron 1 refutes the tangential condition (a kink with
    # nonzero residual): neuron 0 is reported "zero-form", no escape analysis is run.
    p = exactland.load({"activation": {"alpha_plus": 1, "alpha_minus": 0},
                        "X": [[1, 0], [0, 1]], "Y": [[1], [1]],
                        "W": [[-1, -1], [1, 0]], "H": [[1, 1]]})
    cert = _same(p)
    assert cert.verdict.value == "not-stationary"
    assert cert.neurons[0].method == "zero-form" and cert.neurons[0].is_escape is None


@st.composite
def kinked_points(draw) -> Spec:
    """Neurons on the kinks of chosen samples, with zero, parallel and
    antiparallel samples among the data; targets interpolate the outputs on
    every sample except possibly a few, so many neurons are quiet *with* kink
    samples (their kink sets and kink lines come from the bulk path)."""
    d = draw(st.sampled_from([2, 3, 4]))
    base = draw_mat(draw, draw(st.integers(1, 3)), d)
    X = list(base)
    for _ in range(draw(st.integers(1, 3))):
        src = X[draw(st.integers(0, len(X) - 1))]
        X.append(tuple(draw(st.sampled_from([Fr(2), Fr(-1), Fr(-3, 2), Fr(1, 3)])) * c for c in src))
    if draw(st.booleans()):
        X.insert(draw(st.integers(0, len(X))), (Fr(0),) * d)
    W = []
    for _ in range(draw(st.integers(1, 4))):
        v = list(draw_mat(draw, 1, d)[0])
        x = X[draw(st.integers(0, len(X) - 1))]
        xx = sum(c * c for c in x)
        if xx and draw(st.integers(0, 3)):  # on the kink of x (and of its parallels)
            t = sum(a * b for a, b in zip(v, x)) / xx
            v = [a - t * b for a, b in zip(v, x)]
        W.append(tuple(v))
    J = draw(st.sampled_from([1, 2]))
    act = draw(ACT)
    H = draw_mat(draw, J, len(W))
    Y = [list(row) for row in own_outputs(act, tuple(X), tuple(W), H)]
    for _ in range(draw(st.integers(0, 2))):
        Y[draw(st.integers(0, len(Y) - 1))][draw(st.integers(0, J - 1))] += draw(Q)
    return Spec(act, tuple(X), tuple(map(tuple, Y)), tuple(W), H, None, "kinked")


@settings(max_examples=60, **SETTINGS)
@given(kinked_points())
def test_bulk_and_per_neuron_paths_agree_on_quiet_neurons_with_kink_samples(spec):
    _same(spec.problem())

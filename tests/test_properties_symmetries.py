"""Property tests: symmetries of the loss that must leave the certificate unchanged.

Each test derives, in its comments, why the transformation preserves the loss
(checked with the Fraction oracle through :meth:`strategies.Spec.loss`), the
stationarity conditions and the escape neurons, and compares two certificates.
"""
from __future__ import annotations

from dataclasses import replace
from fractions import Fraction as Fr

from certify_helpers import assert_valid, certify, same_verdict
from hypothesis import given, settings
from hypothesis import strategies as st
from oracles import MINIMUM, dotf, fr, rho
from strategies import (QPOS, SETTINGS, ZERO_SLOPE_ACTS, Q, Spec, any_points, lsq_points,
                        random_points)


@settings(max_examples=40, **SETTINGS)
@given(any_points(), st.data())
def test_permuting_neurons_changes_nothing(spec: Spec, data) -> None:
    perm = data.draw(st.permutations(range(spec.I)))
    # new neuron n is old neuron perm[n]: rows of W and columns of H move together
    W = tuple(spec.W[perm[n]] for n in range(spec.I))
    H = tuple(tuple(row[perm[n]] for n in range(spec.I)) for row in spec.H)
    other = replace(spec, W=W, H=H)
    assert other.loss() == spec.loss()  # the network function is a sum over neurons
    c1, c2 = certify(spec), certify(other)
    same_verdict(c1, c2)
    assert fr(c2.loss) == fr(c1.loss) == spec.loss()
    assert set(c2.escape_neurons) == {n for n in range(spec.I) if perm[n] in c1.escape_neurons}
    if c1.verdict.value == MINIMUM:
        assert c1.to_dict()["radius"] == c2.to_dict()["radius"]  # min over neurons


@settings(max_examples=40, **SETTINGS)
@given(any_points(), st.data())
def test_positive_rescaling_of_a_neuron(spec: Spec, data) -> None:
    # rho(c z) = c rho(z) for c > 0, so (w_i, h_.i) -> (c w_i, h_.i / c) leaves every
    # output, hence L, unchanged at every point; the map is a linear bijection of
    # parameter space, so local minima/saddles correspond.  Definition 3.3 is
    # preserved too: kink sets and tangent spaces are unchanged, d_ji unchanged,
    # dL/dh_ji = w_i.d_ji is multiplied by c and F_i = sum_j h_ji phi_ji by 1/c
    # (signs and zeros preserved), so escape neurons are the same.
    i = data.draw(st.integers(0, spec.I - 1))
    c = data.draw(QPOS)
    W = tuple(tuple(c * x for x in w) if n == i else w for n, w in enumerate(spec.W))
    H = tuple(tuple(h / c if n == i else h for n, h in enumerate(row)) for row in spec.H)
    other = replace(spec, W=W, H=H)
    assert other.loss() == spec.loss()
    c1, c2 = certify(spec), certify(other)
    same_verdict(c1, c2)
    assert fr(c2.loss) == fr(c1.loss)
    assert c2.escape_neurons == c1.escape_neurons


@settings(max_examples=40, **SETTINGS)
@given(any_points(), QPOS)
def test_scaling_inputs_against_input_weights(spec: Spec, c: Fr) -> None:
    # w_i.x_k is unchanged by (X, W) -> (c X, W / c): every output and residual is
    # unchanged, L_{cX}(W/c, H) = L_X(W, H) for all (W, H), and W -> W/c is a linear
    # bijection; d_ji is multiplied by c, dL/dh and the signs of F_i are unchanged.
    X = tuple(tuple(c * x for x in r) for r in spec.X)
    W = tuple(tuple(w / c for w in r) for r in spec.W)
    other = replace(spec, X=X, W=W)
    c1, c2 = certify(spec), certify(other)
    same_verdict(c1, c2)
    assert fr(c2.loss) == fr(c1.loss) == spec.loss() == other.loss()
    assert c2.escape_neurons == c1.escape_neurons


@settings(max_examples=40, **SETTINGS)
@given(any_points(), QPOS)
def test_scaling_targets_with_output_weights(spec: Spec, c: Fr) -> None:
    # yhat is linear in H, so with (Y, H) -> (c Y, c H) every residual is multiplied
    # by c: L_{cY}(W, cH) = c^2 L_Y(W, H) for ALL (W, H).  (W, H) -> (W, cH) is a
    # linear bijection and c^2 > 0 preserves the order of losses, so stationarity
    # (dL/dh scales by c, F_i by c^2), escape neurons and local minimality all
    # correspond: the verdict is unchanged and the loss scales by c^2.
    Y = tuple(tuple(c * y for y in r) for r in spec.Y)
    H = tuple(tuple(c * h for h in r) for r in spec.H)
    other = replace(spec, Y=Y, H=H)
    c1, c2 = certify(spec), certify(other)
    same_verdict(c1, c2)
    assert fr(c2.loss) == c * c * fr(c1.loss)
    assert other.loss() == c * c * spec.loss() == fr(c2.loss)
    assert c2.escape_neurons == c1.escape_neurons


@st.composite
def points_with_a_dead_neuron(draw) -> tuple[Spec, Spec, int]:
    """A point (inputs with a positive last coordinate) and the same point with one
    extra neuron strictly on the flat side of rho on every sample."""
    act = draw(st.sampled_from(ZERO_SLOPE_ACTS))
    base = draw(st.one_of(random_points(), lsq_points(act=act)))
    d = base.d
    if base.family == "random":  # give the inputs a positive last coordinate
        base = replace(base, X=tuple(x[:-1] + (draw(QPOS),) for x in base.X), act=act)
    X = base.X
    u = tuple(draw(Q) for _ in range(d - 1))
    xmin = min(x[-1] for x in X)
    bound = sum((abs(a * x[m]) for x in X for m, a in enumerate(u)), Fr(0)) / xmin
    flat_sign = -1 if act[1] == 0 else 1  # ReLU: negative side; (0, 1): positive side
    w = u + (flat_sign * (bound + draw(QPOS)),)
    for x in X:
        z = dotf(w, x)
        assert z != 0 and rho(act, z) == 0 and (z > 0) == (flat_sign > 0)
    pos = draw(st.integers(0, base.I))
    W = list(base.W)
    W.insert(pos, w)
    H = tuple(tuple(r[:pos]) + (draw(Q),) + tuple(r[pos:]) for r in base.H)
    return base, replace(base, W=tuple(W), H=H), pos


@settings(max_examples=50, **SETTINGS)
@given(points_with_a_dead_neuron())
def test_strictly_dead_neuron_is_never_an_escape_neuron(arg) -> None:
    # A neuron with every sample strictly on the flat side of rho has no kinks,
    # d_ji = sum (slope 0) e x = 0, hence phi_ji = 0 and F_i = 0 (docs/mathematics.md §5): it is
    # never an escape neuron, and adding it changes neither the outputs nor any
    # other neuron's quantities.
    base, spec, pos = arg
    assert spec.loss() == base.loss()
    c0, c1 = certify(base), certify(spec)
    assert pos not in c1.escape_neurons
    same_verdict(c0, c1)
    shift = lambda i: i if i < pos else i + 1  # noqa: E731
    assert set(c1.escape_neurons) == {shift(i) for i in c0.escape_neurons}
    assert fr(c1.loss) == fr(c0.loss)
    assert_valid(c1)

"""Property tests: exactland's verdicts against the theory's predictions and a brute-force oracle.

Expected verdicts come from the constructions of :mod:`strategies` (each
family's docstring derives its verdict) and from
:func:`oracles.brute_force_verdict`, which decides any point with d in {2, 3}
from the definitions on finitely many tangential directions, independently of
exactland's ray enumeration.
"""
from __future__ import annotations

from fractions import Fraction as Fr

from certify_helpers import assert_valid, certify
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from oracles import (MINIMUM, NOT_STATIONARY, SADDLE, UNDECIDED, brute_force_verdict, dotf,
                     fr, rho)
from strategies import (SETTINGS, Spec, any_points, interpolating_points, kink_points,
                        lsq_points, origin_points, random_points, spec_of, structural_points,
                        teacher_args, teacher_points)

import exactland
from exactland.testing.instances import teacher_stationary_point


def oracle_points():
    return st.one_of(random_points(), origin_points(), interpolating_points(),
                     lsq_points(), lsq_points(zero_h=False), lsq_points(zero_h=False, n_zero=2),
                     kink_points(), kink_points(min_bias=True), teacher_points())


def oracle(spec: Spec) -> str:
    return brute_force_verdict(spec.act, spec.X, spec.Y, spec.W, spec.H)


@settings(max_examples=60, **SETTINGS)
@given(any_points())
def test_every_certificate_verifies(spec: Spec) -> None:
    cert = certify(spec)
    assert fr(cert.loss) == spec.loss()
    assert_valid(cert)


@settings(max_examples=60, **SETTINGS)
@given(structural_points())
def test_structural_points_get_the_verdict_the_theory_predicts(spec: Spec) -> None:
    cert = certify(spec)
    assert cert.verdict.value in spec.expected.split("|"), spec.family
    if spec.expected != NOT_STATIONARY:
        assert cert.stationary is True
    else:
        assert cert.stationary is False
    assert fr(cert.loss) == spec.loss()
    if spec.family == "interpolating":
        assert cert.loss == 0 and cert.global_minimum


@settings(max_examples=40, **SETTINGS)
@given(origin_points())
def test_origin_is_never_not_stationary(spec: Spec) -> None:
    cert = certify(spec)
    assert cert.verdict.value != NOT_STATIONARY
    assert cert.verdict.value == spec.expected  # saddle iff a zero neuron escapes (strategies)
    assert cert.stationary is True
    # L(0) = 1/2 sum y^2 (all outputs vanish)
    assert fr(cert.loss) == sum((y * y for r in spec.Y for y in r), Fr(0)) / 2
    # no activation is nonzero at the origin: Theorem D.1's necessary condition holds
    assert cert.local_maximum_possible is True
    if all(y == 0 for r in spec.Y for y in r):
        assert cert.verdict.value == MINIMUM
    if cert.verdict.value == SADDLE:  # every neuron is identical: all or none escape
        assert cert.escape_neurons == tuple(range(spec.I))


@settings(max_examples=40, **SETTINGS)
@given(teacher_args())
def test_teacher_points_verdict_rule(args: dict) -> None:
    inst = teacher_stationary_point(**args)
    spec = spec_of(inst.problem)
    # the unfittable inputs are (x', 1): distinct x' give distinct kink lines, so
    # a zero neuron's phi(v) = sum_u e_u relu(x_u.v) (e_u = -y_u != 0) is not
    # identically 0; only then is the documented rule a theorem.
    unfit_x = [spec.X[k] for k in inst.unfit]
    assume(len(set(unfit_x)) == len(unfit_x))
    for k in inst.unfit:
        assert spec.Y[k][0] != 0
    cert = exactland.certify(inst.problem)
    want = SADDLE if args["n_zero"] > 0 and args["n_unfit"] > 0 else MINIMUM
    assert cert.verdict.value == want
    assert set(cert.escape_neurons) == (set(inst.zero) if want == SADDLE else set())
    # the residual is -y_u on unfittable samples and 0 elsewhere
    assert fr(cert.loss) == spec.loss() == sum((spec.Y[k][0] ** 2 for k in inst.unfit), Fr(0)) / 2
    assert_valid(cert)


@settings(max_examples=60, **SETTINGS)
@given(any_points())
def test_consistency_of_the_certificate(spec: Spec) -> None:
    cert = certify(spec)
    v = cert.verdict.value
    if v != UNDECIDED:
        assert (cert.stationary is False) == (v == NOT_STATIONARY)
    if v == NOT_STATIONARY:
        assert cert.escape_neurons == () and cert.radius is None
    if v == MINIMUM:
        assert cert.escape_neurons == () and cert.radius is not None
    if v == SADDLE:
        assert cert.escape_neurons != ()
    if cert.stationary is True and v != UNDECIDED and spec.J == 1:
        # Theorem 4.2 with |J| = 1: no escape neuron <=> (type-1) local minimum
        assert (cert.escape_neurons == ()) == (v == MINIMUM)
    assert cert.global_minimum == (spec.loss() == 0)
    # Theorem D.1 flag: false as soon as some rho(w_i.x_k) != 0
    some_active = any(rho(spec.act, dotf(w, x)) != 0 for w in spec.W for x in spec.X)
    assert cert.local_maximum_possible == (not some_active)
    assert all(0 <= i < spec.I for i in cert.escape_neurons)


@settings(max_examples=120, **SETTINGS)
@given(oracle_points())
def test_verdict_matches_brute_force_oracle(spec: Spec) -> None:
    want = oracle(spec)
    if spec.expected is not None:  # two independent predictions must agree
        assert want == spec.expected
    cert = certify(spec)
    assert cert.verdict.value in want.split("|"), (spec.family, want)
    assert fr(cert.loss) == spec.loss()
    assert_valid(cert)

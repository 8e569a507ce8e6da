"""Property tests: the ray-enumeration budget of ``certify(problem, budget=...)``.

The problem is built so that the budget is needed, and exactly how much: d = 3,
one neuron w = (0, 0, 1) and six samples in the plane w^perp, no two parallel.

* Every sample is on the kink (w.x_k = 0), so yhat = 0, e = -y, d = 0 and
  dL/dh = w.d = 0: the first-order conditions pass, and only the tangential
  condition (Definition 3.3) is left.
* F(v) = h phi(v), phi(v) = sum_k e_k relu(x_k.v).  With every y_k != 0 the six
  kink lines are distinct, so phi is not identically 0 (oracles.phi_identically_zero's
  argument) and it does not depend on v3 (the lineality direction): neither the
  "zero form" nor the "lineality" shortcut decides, the enumeration must run.
* The six kink normals x_k span the plane {v3 = 0} (rank r = 2) and are
  linearly dependent (6 > 2), so the separable fast path does not apply: the
  general enumeration examines every (r - 1)-subset of normals, i.e. the
  C(6, 1) = 6 single normals, one budget unit each (exactland.core.tangent,
  extreme_rays).

Hence budget 6 decides (using exactly 6 units) and budget 5 must give
``undecided`` with a reason naming the budget: a certifier that ignored the
budget would decide with 5 and fail these tests.
"""
from __future__ import annotations

from fractions import Fraction as Fr
from typing import Sequence

import pytest
from certify_helpers import assert_valid, certify, check_path
from hypothesis import given, settings
from hypothesis import strategies as st
from oracles import MINIMUM, NOT_STATIONARY, UNDECIDED, dotf, fr, rho
from strategies import SETTINGS, Q, Spec, tup

#: Subset evaluations the enumeration needs on ``all_kink_problem`` (module docstring).
NEEDED = 6


def all_kink_problem(ys: Sequence[Fr], h: Fr = Fr(1)) -> Spec:
    """The module docstring's problem with targets ``ys`` (all nonzero) and output weight h."""
    X = tup([[1, 0, 0], [0, 1, 0], [1, 1, 0], [1, -1, 0], [1, 2, 0], [2, -1, 0]])
    return Spec((Fr(1), Fr(0)), X, tup([[y] for y in ys]), tup([[0, 0, 1]]), tup([[h]]),
                None, "all-kink")


def expected_all_kink(spec: Spec) -> str:
    """Independent decision.  F(v) = h phi(v) on the plane T = {v3 = 0} (module
    docstring).  In 2-D a piecewise-linear positively homogeneous F is >= 0 iff
    it is >= 0 on both rays orthogonal (inside T) to every kink normal.  With
    |J| = 1 and h != 0, F = 0 <=> phi = 0, so there is no escape neuron:
    stationary => type-1 minimum (Theorem 4.2)."""
    e = [r[0] for r in spec.residuals()]
    h = spec.H[0][0]
    rays = []
    for x in spec.X:
        rays += [(-x[1], x[0], Fr(0)), (x[1], -x[0], Fr(0))]
    Fvals = [h * sum((ek * rho(spec.act, dotf(x, v)) for x, ek in zip(spec.X, e)), Fr(0))
             for v in rays]
    return MINIMUM if min(Fvals) >= 0 else NOT_STATIONARY


def assert_out_of_budget(spec: Spec, budget: int) -> None:
    cert = certify(spec, budget=budget)
    assert cert.verdict.value == UNDECIDED
    assert cert.reason and "budget" in cert.reason.lower()
    assert cert.stationary is None and cert.descent is None and cert.radius is None
    assert cert.budget_limit == budget
    assert cert.budget_used > budget  # it stopped at the first evaluation past the limit
    assert cert.to_dict()["budget"] == {"limit": budget}  # "used" is a statistic, not a claim
    assert fr(cert.loss) == spec.loss()
    assert_valid(cert)


def assert_decided(spec: Spec, budget: int | None = None) -> None:
    cert = certify(spec) if budget is None else certify(spec, budget=budget)
    want = expected_all_kink(spec)
    assert cert.verdict.value == want
    assert cert.stationary is (want == MINIMUM)
    assert cert.budget_used == NEEDED
    if budget is not None:
        assert cert.budget_limit == budget
    assert cert.to_dict()["budget"] == {"limit": cert.budget_limit}
    assert fr(cert.loss) == spec.loss()
    if want == NOT_STATIONARY:
        coeffs = check_path(spec, cert, cert.descent, "descent")
        assert coeffs[1] < 0  # a negative tangential slope F(v) < 0: first order
    assert_valid(cert)


@pytest.mark.parametrize("ys, h, want", [
    # e = -y = 1 on every sample: F(v) = sum_k relu(x_k.v) >= 0, and F(v) = 0 forces every
    # x_k.v <= 0, hence phi(v) = 0: no escape neuron, a type-1 minimum.
    ([-1] * 6, 1, MINIMUM),
    # e = -1: F((1, 0, 0)) = -(relu(1) + relu(0) + relu(1) + relu(1) + relu(1) + relu(2)) = -6 < 0.
    ([1] * 6, 1, NOT_STATIONARY),
    # h = -1 flips the sign of F: F = sum_k relu(x_k.v) >= 0 as in the first case.
    ([1] * 6, -1, MINIMUM),
    # mixed signs: e = (-1, 2, -3, 1/2, -2, 3); at v = (2, 1, 0) every x_k.v = 2, 1, 3, 1, 4, 3
    # is > 0, so F(v) = -2 + 2 - 9 + 1/2 - 8 + 9 = -15/2 < 0.
    ([1, -2, 3, Fr(-1, 2), 2, -3], 1, NOT_STATIONARY),
])
def test_budget_one_short_is_undecided_and_exact_budget_decides(ys: list, h: int, want: str) -> None:
    spec = all_kink_problem([Fr(y) for y in ys], Fr(h))
    assert expected_all_kink(spec) == want  # the oracle agrees with the hand derivation
    for small in (0, 1, NEEDED - 1):
        assert_out_of_budget(spec, small)
    assert_decided(spec, NEEDED)
    assert_decided(spec)  # the default budget is ample


@settings(max_examples=25, **SETTINGS)
@given(st.lists(Q.filter(lambda q: q != 0), min_size=6, max_size=6),
       Q.filter(lambda q: q != 0))
def test_all_kink_neuron_budget(ys: list[Fr], h: Fr) -> None:
    # any nonzero targets and output weight: the enumeration is always needed (module docstring)
    spec = all_kink_problem(ys, h)
    assert_out_of_budget(spec, NEEDED - 1)
    assert_decided(spec, NEEDED)

"""Property tests: the certificate's witnesses, re-derived with the Fraction oracle.

Descent and ascent paths are re-evaluated with our own loss
(:func:`certify_helpers.check_path`); at certified type-1 minima the loss is
evaluated on the corners, random points and escape-like moves of the
certified box, and must never drop below the minimum.
"""
from __future__ import annotations

import itertools
import random
from fractions import Fraction as Fr
from typing import Sequence

from certify_helpers import check_path, certify, radius_of
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from oracles import MINIMUM, NOT_STATIONARY, SADDLE, fr
from strategies import (SETTINGS, Mat, Spec, interpolating_points, kink_points, lsq_points,
                        origin_points, random_points, structural_points, teacher_points)


def minimum_points():
    return st.one_of(
        lsq_points(n_zero=0),
        interpolating_points(),
        kink_points(min_bias=True),
        teacher_points(n_zero=0),
        random_points(),  # rarely a minimum; filtered in the test
    )


def _perturbed(spec: Spec, delta: Sequence[Fr]) -> tuple[Mat, Mat]:
    it = iter(delta)
    W = tuple(tuple(w + next(it) for w in r) for r in spec.W)
    H = tuple(tuple(h + next(it) for h in r) for r in spec.H)
    return W, H


@settings(max_examples=35, **SETTINGS)
@given(minimum_points(), st.randoms(use_true_random=False))
def test_type1_minimum_holds_inside_the_certified_radius(spec: Spec, rnd: random.Random) -> None:
    cert = certify(spec)
    assume(cert.verdict.value == MINIMUM)
    assert cert.escape_neurons == ()
    raw = cert.to_dict()["radius"]
    assert raw is not None and (raw == "inf" or Fr(raw) > 0)
    L0 = spec.loss()
    assert fr(cert.loss) == L0
    r = radius_of(cert) * (1 - Fr(1, 1000))  # strictly inside the open box
    n = spec.I * spec.d + spec.J * spec.I
    deltas: list[list[Fr]] = []
    if n <= 10:  # all 2^n corners of the box of half-width r
        deltas += [[s * r for s in signs] for signs in itertools.product((1, -1), repeat=n)]
    for _ in range(40):  # random points inside the box
        deltas.append([r * Fr(rnd.randint(-1000, 1000), 1000) for _ in range(n)])
    # escape-like moves: one neuron at a time, delta h only / delta w only / both,
    # every sign pattern of that neuron's block, at several scales
    for i in range(spec.I):
        wpos = [i * spec.d + m for m in range(spec.d)]
        hpos = [spec.I * spec.d + j * spec.I + i for j in range(spec.J)]
        for scale in (Fr(1), Fr(1, 3), Fr(1, 1000)):
            for block in (wpos, hpos, wpos + hpos):
                for signs in itertools.product((1, -1), repeat=len(block)):
                    dlt = [Fr(0)] * n
                    for p, s in zip(block, signs):
                        dlt[p] = s * r * scale
                    deltas.append(dlt)
            for p in wpos + hpos:  # single coordinates
                for s in (1, -1):
                    dlt = [Fr(0)] * n
                    dlt[p] = s * r * scale
                    deltas.append(dlt)
    for dlt in deltas:
        Lp = spec.loss_at(*_perturbed(spec, dlt))
        assert Lp >= L0, (dlt, Lp, L0)


def witness_points():
    return st.one_of(random_points(), structural_points())


@settings(max_examples=60, **SETTINGS)
@given(witness_points())
def test_descent_and_ascent_witnesses_by_own_evaluation(spec: Spec) -> None:
    cert = certify(spec)
    v = cert.verdict.value
    if v in (NOT_STATIONARY, SADDLE):
        assert cert.descent is not None
        coeffs = check_path(spec, cert, cert.descent, "descent")
        first = next(c for c in coeffs[1:] if c != 0)
        assert first < 0
    else:
        assert cert.descent is None
    if v == SADDLE:
        assert cert.ascent is not None
        coeffs = check_path(spec, cert, cert.ascent, "ascent")
        assert next(c for c in coeffs[1:] if c != 0) > 0
        # at a stationary point every one-sided directional derivative is >= 0, so a
        # descent path starts with c1 = 0
        assert fr(cert.descent.coefficients[1]) == 0
    else:
        assert cert.ascent is None


def scalar_saddles():
    return st.one_of(origin_points(J=1), lsq_points(J=1, n_zero=1), lsq_points(J=1, n_zero=2),
                     teacher_points(), kink_points(J=1)).filter(lambda s: s.expected == SADDLE)


@settings(max_examples=40, **SETTINGS)
@given(scalar_saddles())
def test_scalar_saddle_descent_is_second_order_corollary_4_4(spec: Spec) -> None:
    cert = certify(spec)
    assert cert.verdict.value == SADDLE
    path = cert.descent
    coeffs = check_path(spec, cert, path, "descent")  # our own interpolation
    c1, c2 = coeffs[1], coeffs[2]
    assert c1 == 0 and c2 < 0  # Corollary 4.4: second-order decrease
    norm_sq = sum((fr(x) ** 2 for x in list(path.dh) + list(path.dw)), Fr(0))
    C, n2, C_unit = path.corollary_4_4()
    assert (fr(C), fr(n2), fr(C_unit)) == (c2, norm_sq, c2 / norm_sq)
    assert cert.descent.neuron in cert.escape_neurons

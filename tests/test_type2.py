"""Issue 13: multi-output escape points — joint second-order test, type-2 minima, radius bracket.

Expected values come from hand derivations (written out below) or from the
independent brute force of :mod:`oracles` (``own_loss``: plain ``Fraction``
loss evaluation) and this file's own exact least squares; never from the code
under test.
"""
from __future__ import annotations

import random
from fractions import Fraction as Fr

from hypothesis import given, settings
from hypothesis import strategies as st
from oracles import own_loss

import exactland
from exactland.testing.multi import multi_output_point

RELU = (Fr(1), Fr(0))

# ----------------------------------------------------------------------------------------------
# A type-2 minimum constructed by hand.
#
# ReLU, d = 2, |J| = 2, one neuron w = (1, 0) with output weights h = (1, 0);
# samples x1 = (0, 1), x2 = (0, −1) (both on the kink: w·x = 0) and x3 = (1, 0) (w·x3 = 1);
# targets y1 = (0, −1/2), y2 = (−1, 0), y3 = (1, 0).
# Outputs: ŷ1 = ŷ2 = h·ρ(0) = 0, ŷ3 = h·ρ(1) = (1, 0); residuals e1 = (0, 1/2), e2 = (1, 0), e3 = 0.
# Loss L = ½(1/4 + 1) = 5/8.
# Stationarity: ∂L/∂h = Σ_k e_k ρ(w·x_k) = e3 = 0. A tangential v = (0, s): φ(v) = e1 ρ(s) + e2 ρ(−s)
# (d = 0: the only non-kink sample has e3 = 0), so F(v) = h·φ(v) = s·h·e1 = 0 for s > 0 and
# |s|·h·e2 = |s| for s < 0: F ≥ 0, stationary; for s > 0, F = 0 and φ = (0, s/2) ≠ 0: an escape
# neuron (Definition 4.1), so not a type-1 minimum.
# Local minimum by variable projection: for w' = (1 + δ1, δ2) with 1 + δ1 > 0 (true when
# ‖δ‖∞ < 1), a' = ρ(Xw') = (ρ(δ2), ρ(−δ2), 1 + δ1) and L*(w') = ½‖Y‖² − ½‖Yᵀa'‖²/‖a'‖².
# At w the quotient ‖Yᵀa‖²/‖a‖² equals ‖y3‖² = 1.
#   δ2 ≥ 0: Yᵀa' = δ2 y1 + (1+δ1) y3 = (1+δ1, −δ2/2), quotient ((1+δ1)² + δ2²/4)/((1+δ1)² + δ2²) ≤ 1;
#   δ2 < 0: Yᵀa' = |δ2| y2 + (1+δ1) y3 = (1+δ1−|δ2|, 0), quotient (1+δ1−|δ2|)²/((1+δ1)² + δ2²) ≤ 1
#           since −2(1+δ1)|δ2| ≤ 0.
# So L*(w') ≥ L*(w) = L for ‖w' − w‖∞ < 1, and L(w', H') ≥ L*(w') for every H': a local minimum
# with radius 1 in W (any H): a type-2 minimum. Second order agrees: along (α, v = (0, 1)) the t²
# coefficient is α·(0, 1/2) + ½(‖α‖² + ‖h‖²) ≥ ½‖h‖² − 1/8 = 3/8 > 0.
HAND = {"activation": {"alpha_plus": 1, "alpha_minus": 0}, "X": [[0, 1], [0, -1], [1, 0]],
        "Y": [[0, "-1/2"], [-1, 0], [1, 0]], "W": [[1, 0]], "H": [[1], [0]]}


def _lstar(act, X, Y, W, bias: bool = False) -> Fr:
    """½‖(I − Π)Y‖² over the columns ρ(Xw_i) (and 1 with a bias): exact Gram–Schmidt, independent
    of exactland: the least loss over every output layer at the input weights W."""
    ortho = []
    cols = [[act[0] * z if z >= 0 else act[1] * z for z in (sum(a * c for a, c in zip(w, x)) for x in X)]
            for w in W] + ([[Fr(1)] * len(X)] if bias else [])
    for r in cols:
        for o in ortho:
            f = sum(a * c for a, c in zip(r, o)) / sum(c * c for c in o)
            r = [a - f * c for a, c in zip(r, o)]
        if any(r):
            ortho.append(r)
    total = Fr(0)
    for j in range(len(Y[0])):
        y = [row[j] for row in Y]
        for o in ortho:
            f = sum(a * c for a, c in zip(y, o)) / sum(c * c for c in o)
            y = [a - f * c for a, c in zip(y, o)]
        total += sum(a * a for a in y)
    return total / 2


def _frac(m):
    return [[Fr(str(x)) for x in r] for r in m]


def test_hand_type2_minimum():
    p = exactland.load(HAND)
    cert = exactland.certify(p)
    assert Fr(str(cert.loss)) == Fr(5, 8) and cert.escape_neurons == (0,)
    assert cert.verdict.value == "type-2-minimum"
    assert 0 < cert.radius <= 1
    assert cert.verify(problem=p).valid
    rng = random.Random(1)
    X, Y = _frac(p.X), _frac(p.Y)
    for _ in range(200):  # brute force inside the radius: any W' with ‖δ‖∞ < radius, any H'
        W2 = [[Fr(1) + Fr(str(cert.radius)) * Fr(rng.randint(-999, 999), 1000),
               Fr(str(cert.radius)) * Fr(rng.randint(-999, 999), 1000)]]
        H2 = [[Fr(rng.randint(-40, 40), 10)], [Fr(rng.randint(-40, 40), 10)]]
        assert own_loss(RELU, X, Y, W2, H2) >= Fr(5, 8)
        assert _lstar(RELU, X, Y, W2) >= Fr(5, 8)


def test_hand_type2_certificate_tampering_is_caught():
    cert = exactland.certify(exactland.load(HAND)).to_dict()
    cert["radius"] = "3"  # ρ_w = 1: beyond it the argument says nothing
    assert not exactland.checker.check_certificate(cert).valid


def _family(seed: int, J: int, dim: int, n: int, K: int, zero: int, bias: bool):
    return multi_output_point(seed, J=J, dim=dim, n_neurons=n, n_samples=K, n_zero=zero, bias=bias).problem


MULTI = st.builds(_family, st.integers(0, 10 ** 6), st.sampled_from([2, 3]), st.sampled_from([2, 3, 4]),
                  st.integers(1, 5), st.integers(3, 8), st.sampled_from([0, 0, 0, 1]), st.booleans())


def _loss(act, X, Y, W, H, b) -> Fr:
    """The loss with an output bias b: ŷ + b − y = ŷ − (y − b), so own_loss at targets y − b."""
    return own_loss(act, X, [[y - c for y, c in zip(row, b)] for row in Y] if b else Y, W, H)


@settings(max_examples=40, deadline=None)
@given(MULTI)
def test_multi_output_family(p):
    cert = exactland.certify(p)
    assert cert.verdict.value != "not-stationary"  # stationary by construction
    assert cert.verify(problem=p).valid
    X, Y, W, H = _frac(p.X), _frac(p.Y), _frac(p.W), _frac(p.H)
    b = None if p.b is None else [Fr(str(c)) for c in p.b]
    act = (Fr(str(p.activation.alpha_plus)), Fr(str(p.activation.alpha_minus)))
    L0 = _loss(act, X, Y, W, H, b)
    if cert.verdict.value == "saddle":  # the witness point, re-evaluated by brute force
        d = cert.descent
        dW, dH = d.full_direction(p.n_neurons, p.n_outputs)
        t = Fr(str(d.t))
        W2 = [[a + t * Fr(str(c)) for a, c in zip(r, e)] for r, e in zip(W, dW)]
        H2 = [[a + t * Fr(str(c)) for a, c in zip(r, e)] for r, e in zip(H, dH)]
        b2 = None if b is None else [a + t * Fr(str(c)) for a, c in zip(b, d.db or [0] * len(b))]
        assert _loss(act, X, Y, W2, H2, b2) == Fr(str(d.loss)) < L0
    if cert.verdict.value == "type-2-minimum":  # exact brute force inside the radius (any H', b')
        rng = random.Random(0)
        r = Fr(str(cert.radius))
        for _ in range(30):
            W2 = [[a + r * Fr(rng.randint(-999, 999), 1000) for a in row] for row in W]
            assert _lstar(act, X, Y, W2, b is not None) >= L0
    if cert.verdict.value == "undecided":
        assert "joint second-order test" in cert.reason and "search" in cert.reason


def test_probe_finds_the_origin_saddle_descent():
    from exactland.core.probe import probe

    p = exactland.examples.load_example("origin-saddle")
    res = probe(p, 1, samples=16)
    assert res.found and own_loss(*_args(p, res.point)) == Fr(str(res.loss)) < Fr(str(res.base_loss))


def _args(p, point):
    act = (Fr(str(p.activation.alpha_plus)), Fr(str(p.activation.alpha_minus)))
    return act, _frac(p.X), _frac(p.Y), _frac(point[0]), _frac(point[1])


def test_probe_cli(capsys):
    from exactland.cli.main import main

    assert main(["probe", "--example", "origin-saddle", "--radius", "1/2", "--json"]) == 0
    out = capsys.readouterr().out
    assert '"found": true' in out


def test_fifty_neurons_decide_fast():
    # 50 neurons, |J| = 2: every neuron's h sits on the boundary of the dual cone or inside it, and
    # no single escape neuron descends at second order; the joint test finds the descent.
    import time

    p = multi_output_point(10, J=2, dim=4, n_neurons=50, n_samples=4, kinds=("boundary", "interior")).problem
    t0 = time.perf_counter()
    cert = exactland.certify(p)
    elapsed = time.perf_counter() - t0
    assert cert.verdict.value == "saddle" and elapsed < 1.0
    assert cert.verify(problem=p).valid
    X, Y, W, H = _frac(p.X), _frac(p.Y), _frac(p.W), _frac(p.H)
    act = (Fr(str(p.activation.alpha_plus)), Fr(str(p.activation.alpha_minus)))
    dW, dH = cert.descent.full_direction(p.n_neurons, p.n_outputs)
    t = Fr(str(cert.descent.t))
    W2 = [[a + t * Fr(str(c)) for a, c in zip(r, d)] for r, d in zip(W, dW)]
    H2 = [[a + t * Fr(str(c)) for a, c in zip(r, d)] for r, d in zip(H, dH)]
    assert own_loss(act, X, Y, W2, H2) < own_loss(act, X, Y, W, H)


def test_radius_bracket_witness_is_re_evaluated():
    from exactland.testing.instances import teacher_stationary_point

    p = teacher_stationary_point(5, dim=2, n_samples=4, n_living=1, n_kink=1, n_dead=0, n_zero=0,
                                 n_unfit=1).problem
    cert = exactland.certify(p)
    assert cert.verdict.value == "type-1-minimum" and cert.bracket.witnessed is not None
    d = cert.to_dict()
    assert exactland.checker.check_certificate(d).valid
    W, H, _ = cert.bracket.point
    act = (Fr(str(p.activation.alpha_plus)), Fr(str(p.activation.alpha_minus)))
    low = own_loss(act, _frac(p.X), _frac(p.Y), _frac(W), _frac(H))  # brute force, independent
    assert low == Fr(str(cert.bracket.loss)) < own_loss(act, _frac(p.X), _frac(p.Y), _frac(p.W), _frac(p.H))
    dist = max(abs(Fr(str(a)) - Fr(str(b))) for r1, r2 in zip(list(W) + list(H), list(p.W) + list(p.H))
               for a, b in zip(r1, r2))
    assert dist == Fr(str(cert.bracket.witnessed)) >= Fr(str(cert.radius))
    bad = dict(d, bracket_witness=dict(d["bracket_witness"], loss="0"))
    assert not exactland.checker.check_certificate(bad).valid
    bad = dict(d, radius_bracket=[d["radius_bracket"][0], "1/1000000"])
    assert not exactland.checker.check_certificate(bad).valid
    same = {"W": d["problem"]["W"], "H": d["problem"]["H"], "loss": d["loss"]}  # P itself is not lower
    bad = dict(d, radius_bracket=[d["radius_bracket"][0], "0"], bracket_witness=same)
    assert not exactland.checker.check_certificate(bad).valid


def test_multi_neuron_saddle_path_tampering_is_caught():
    p = multi_output_point(10, J=2, dim=4, n_neurons=50, n_samples=4, kinds=("boundary", "interior")).problem
    d = exactland.certify(p).to_dict()
    assert d["witness"]["descent"]["neuron"] is None
    bad = dict(d, witness=dict(d["witness"], descent=dict(d["witness"]["descent"], loss=d["loss"])))
    assert not exactland.checker.check_certificate(bad).valid
    bad = dict(d, verdict="type-2-minimum", witness=None, type2={"method": "single-column-projection",
                                                                  "neuron": 0}, radius="1/1000")
    assert not exactland.checker.check_certificate(bad).valid


def test_probe_cli_refuses_bad_input(capsys):
    from exactland.cli.main import main

    assert main(["probe", "--example", "origin-saddle", "--radius", "0"]) == 2
    assert main(["probe", "--example", "origin-saddle", "--radius", "abc"]) == 2
    assert main(["probe", "--example", "origin-saddle", "--radius", "0.1", "--samples", "2"]) == 0  # exact 1/10

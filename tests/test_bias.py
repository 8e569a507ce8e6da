"""The output bias ``ŷ = Hρ(Wx) + b`` (issue 12, docs/mathematics.md "The output bias").

Expected values are derived by hand in the comments, or by brute-force exact
evaluation of the loss (tests/oracles.py style, Fractions only).
"""
from __future__ import annotations

import json
import random
from fractions import Fraction as Fr

import pytest

import exactland
from exactland.checker import check_certificate
from exactland.errors import JSONFormatError, ShapeError

RELU = {"alpha_plus": "1", "alpha_minus": "0"}


def _loss(d: dict, W=None, H=None, b=None) -> Fr:
    """½ Σ (Σ_i h_ji relu(w_i·x_k) + b_j − y_kj)², all in Fractions."""
    f = lambda m: [[Fr(str(c)) for c in r] for r in m]  # noqa: E731
    X, Y = f(d["X"]), f(d["Y"])
    W, H = W or f(d["W"]), H or f(d["H"])
    b = b or [Fr(str(c)) for c in d.get("b", ["0"] * len(Y[0]))]
    tot = Fr(0)
    for x, y in zip(X, Y):
        r = [max(Fr(0), sum((a * c for a, c in zip(w, x)), Fr(0))) for w in W]
        for j in range(len(y)):
            tot += (sum((H[j][i] * r[i] for i in range(len(W))), Fr(0)) + b[j] - y[j]) ** 2
    return tot / 2


# A plain neuron w = (1, 1), h = 1 on X = (1,0), (0,1), (1,1), (2,1): z = (1, 1, 2, 3) > 0.
# Residuals e with Σ e_k = 0 (∂L/∂b), Σ e_k z_k = 0 (∂L/∂h) and Σ e_k x_k = 0 (d = 0, so
# F ≡ 0 and no escape): e ⟂ (1,0,1,2), (0,1,1,1), (1,1,1,1) gives e = (0, 1, −2, 1).
# With b = 1/2: ŷ = (3/2, 3/2, 5/2, 7/2) and Y = ŷ − e = (3/2, 1/2, 9/2, 5/2).
MIN = {"activation": RELU, "X": [[1, 0], [0, 1], [1, 1], [2, 1]], "Y": [["3/2"], ["1/2"], ["9/2"], ["5/2"]],
       "W": [[1, 1]], "H": [[1]], "b": ["1/2"]}


def test_type1_minimum_with_bias_by_hand_and_brute_force():
    p = exactland.load(MIN)
    cert = exactland.certify(p)
    assert cert.verdict.value == "type-1-minimum"
    assert cert.loss == 3  # ½(0 + 1 + 4 + 1)
    assert [str(x) for x in cert.dL_db] == ["0"]
    assert cert.local_maximum_possible is False  # L is strictly convex in b
    assert check_certificate(cert.to_dict(), problem=MIN).valid
    # brute force: every exact point in the ball (δb anywhere in [−5, 5]) is not lower
    rng, r = random.Random(3), Fr(str(cert.radius))
    for _ in range(300):
        e = lambda: r * Fr(rng.randint(-999, 999), 1000)  # noqa: E731
        W = [[1 + e(), 1 + e()]]
        H = [[1 + e()]]
        b = [Fr(1, 2) + Fr(rng.randint(-500, 500), 100)]
        assert _loss(MIN, W, H, b) >= 3


def test_same_point_without_bias_is_not_stationary():
    # Without b the residuals are e = ŷ − Y = (−1/2, 1/2, −5/2, 1/2): ∂L/∂h = Σ e_k z_k
    # = −1/2 + 1/2 − 5 + 3/2 = −7/2 ≠ 0.
    d = {k: v for k, v in MIN.items() if k != "b"}
    cert = exactland.certify(exactland.load(d))
    assert cert.verdict.value == "not-stationary"
    assert [str(x) for x in cert.neurons[0].dL_dh] == ["-7/2"]
    assert "dL_db" not in cert.to_dict()


def test_bias_gradient_refutes_stationarity():
    # Zero neuron (W = 0, H = 0): the network outputs b = 0; Y = (1, 3): e = (−1, −3),
    # ∂L/∂h = 0 (w = 0) but ∂L/∂b = −4: descent along δb = +1, L(t) = ½((t−1)² + (t−3)²)
    # = 5 − 4t + t².
    d = {"activation": RELU, "X": [[1, 0], [0, 1]], "Y": [[1], [3]], "W": [[0, 0]], "H": [[0]], "b": [0]}
    cert = exactland.certify(exactland.load(d))
    assert cert.verdict.value == "not-stationary"
    c = cert.to_dict()
    assert c["dL_db"] == ["-4"]
    path = c["witness"]["descent"]
    assert path["direction"]["b"] == ["1"] and path["neuron"] is None
    assert path["coefficients"] == ["5", "-4", "1", "0", "0"]
    t = Fr(path["t"])
    assert Fr(path["loss"]) == _loss(d, b=[t]) < 5
    assert check_certificate(c).valid


def test_zero_neuron_saddle_with_bias():
    # b = 2 fits the mean: e = (−1, 1), Σ e = 0; the zero neuron has
    # φ(v) = −relu(v₁) + relu(v₂) ≢ 0: an escape neuron, |J| = 1: a saddle.
    d = {"activation": RELU, "X": [[1, 0], [0, 1]], "Y": [[1], [3]], "W": [[0, 0]], "H": [[0]], "b": ["2"]}
    cert = exactland.certify(exactland.load(d))
    assert cert.verdict.value == "saddle" and cert.loss == 1
    c = cert.to_dict()
    desc = c["witness"]["descent"]
    assert desc["direction"]["b"] == ["0"]
    W = [[Fr(x) * Fr(desc["t"]) for x in row] for row in desc["direction"]["W"]]
    H = [[Fr(x) * Fr(desc["t"]) for x in row] for row in desc["direction"]["H"]]
    assert _loss(d, W, H, [Fr(2)]) == Fr(desc["loss"]) < 1
    assert check_certificate(c).valid


def test_checker_refuses_tampered_bias_claims():
    c = exactland.certify(exactland.load(MIN)).to_dict()
    bad = json.loads(json.dumps(c))
    bad["dL_db"] = ["1"]
    r = check_certificate(bad)
    assert not r.valid and any("dL_db" in x for x in r.reasons)
    bad = json.loads(json.dumps(c))
    bad["problem"]["b"] = ["1"]  # another problem: digest and the claims no longer hold
    assert not check_certificate(bad).valid
    bad = json.loads(json.dumps(c))
    del bad["dL_db"]
    with pytest.raises(exactland.errors.CertificateFormatError):
        check_certificate(bad)
    # a certificate for the bias problem is not one for the bias-free problem
    assert check_certificate(c, problem={k: v for k, v in MIN.items() if k != "b"}).problem_matches is False


def test_bias_tampered_descent_path_is_refused():
    d = {"activation": RELU, "X": [[1, 0], [0, 1]], "Y": [[1], [3]], "W": [[0, 0]], "H": [[0]], "b": [0]}
    c = exactland.certify(exactland.load(d)).to_dict()
    c["witness"]["descent"]["direction"]["b"] = ["-1"]
    r = check_certificate(c)
    assert not r.valid and any("witness.descent" in x for x in r.reasons)


def test_bias_field_validation_and_round_trip():
    p = exactland.load(MIN)
    again = exactland.load(json.loads(p.to_json()))
    assert again == p and again.digest() == p.digest()
    assert p.digest() != exactland.load({k: v for k, v in MIN.items() if k != "b"}).digest()
    zero_bias = exactland.load({**MIN, "b": ["0"]})
    assert zero_bias.b is not None and zero_bias.digest() != exactland.load(
        {k: v for k, v in MIN.items() if k != "b"}).digest()
    with pytest.raises(ShapeError, match="b"):
        exactland.load({**MIN, "b": ["1", "2"]})
    with pytest.raises(ShapeError, match="b"):
        exactland.load({**MIN, "b": [["1"]]})
    with pytest.raises(exactland.errors.NotExactError):
        exactland.load({**MIN, "b": [0.5]})
    with pytest.raises(JSONFormatError, match="origin"):
        exactland.load({**MIN, "origin": "pt"})


def test_origin_is_metadata_outside_the_digest():
    a = exactland.load({**MIN, "origin": {"input_bias_column": 1, "source": "m.npz"}})
    b = exactland.load(MIN)
    assert a.digest() == b.digest()
    assert a.to_dict()["origin"] == {"input_bias_column": 1, "source": "m.npz"}
    assert check_certificate(exactland.certify(a).to_dict(), problem=MIN).valid


def test_bias_problem_with_multi_output_and_leaky():
    # Two outputs, leaky ReLU; not stationary by ∂L/∂b only when ∂L/∂h = 0 too — here a
    # random point: whatever the verdict, the certificate must check and its loss must be
    # the brute-force loss.
    d = {"activation": {"alpha_plus": "1", "alpha_minus": "1/10"}, "X": [[1, 2], [-1, 1], [2, -1]],
         "Y": [[1, 0], [0, 1], ["1/2", "-1"]], "W": [[1, 0], [0, 1]], "H": [[1, 2], [0, 1]],
         "b": ["1/3", "-1"]}
    cert = exactland.certify(exactland.load(d))
    f = lambda m: [[Fr(str(c)) for c in r] for r in m]  # noqa: E731
    X, Y, W, H = f(d["X"]), f(d["Y"]), f(d["W"]), f(d["H"])
    act = lambda z: z if z > 0 else z / 10  # noqa: E731
    tot = Fr(0)
    for x, y in zip(X, Y):
        r = [act(sum((a * c for a, c in zip(w, x)), Fr(0))) for w in W]
        for j in range(2):
            tot += (sum((H[j][i] * r[i] for i in range(2)), Fr(0)) + Fr(d["b"][j]) - y[j]) ** 2
    assert Fr(str(cert.loss)) == tot / 2
    assert check_certificate(cert.to_dict()).valid


def test_embeddings_keep_the_bias():
    # A negative unit (w·x_k < 0 on every sample, ReLU) changes no output: the embedded
    # point has the same b, the same loss, and is still stationary (Appendix M (2-2)).
    from exactland.embedding.operations import add_negative_unit, replicate

    p = exactland.load(MIN)
    r = add_negative_unit(p, [-1, -1], [5])
    assert r.problem.b == p.b and r.problem.n_neurons == 2
    assert exactland.certify(r.problem).loss == 3 == _loss(r.problem.to_dict())
    assert exactland.certify(r.problem).stationary is True
    # unit replication with β = (1, 1), γ = (1/3, 2/3) (Σ γ_l β_l = 1): same function, same b
    rep = replicate(p, 0, ["1", "1"], ["1/3", "2/3"])
    assert rep.problem.b == p.b and rep.problem.n_neurons == 2
    assert exactland.certify(rep.problem).loss == 3 == _loss(rep.problem.to_dict())


def test_rounding_hint_for_float_copies():
    from exactland.core.hints import looks_rounded, rounding_hint

    # MIN with w₁ written as the float 1 + 2⁻⁵² (1.0000000000000002): no longer stationary
    # (∂L/∂h = Σ e_k z_k moves away from 0), and the hint names the entry.
    p = exactland.load({**MIN, "W": [["1.0000000000000002", 1]]})
    cert = exactland.certify(p)
    assert cert.verdict.value == "not-stationary"
    hint = rounding_hint(p, cert.verdict.value)
    assert hint is not None and "W[0][0] = 1.0000000000000002" in hint and "snap" in hint
    assert rounding_hint(exactland.load(MIN), "type-1-minimum") is None
    assert rounding_hint(exactland.load({**MIN, "W": [["3/2", 1]]}), "not-stationary") is None
    assert looks_rounded(exactland.load({**MIN, "b": ["0.33333334"]}).b[0])  # float32's 1/3
    assert not looks_rounded(exactland.load({**MIN, "b": ["0.125"]}).b[0])


@pytest.mark.parametrize("d", [MIN, {"activation": RELU, "X": [[1, 0], [0, 1]], "Y": [[1], [3]],
                                     "W": [[0, 0]], "H": [[0]], "b": [0]},
                               {"activation": RELU, "X": [[1, 0], [0, 1]], "Y": [[1], [3]],
                                "W": [[0, 0]], "H": [[0]], "b": ["2"]}])
def test_derivation_with_bias(d):
    # the worked derivation re-derives every fact of the certificate (verify_facts) and
    # shows the bias condition; the bias-only descent path is re-derived by the Taylor code
    from exactland.derivation.build import derive

    der = derive(exactland.load(d))
    keys = [s.key for s in der.steps]
    assert "condition-1b" in keys
    step = der.steps[keys.index("condition-1b")]
    want = "fails" if d["b"] == [0] else "holds"
    assert want in step.claim


def test_taylor_along_a_bias_direction():
    # L(b + t) = ½((t−1)² + (t−3)²) = 5 − 4t + t² at the zero network (hand expansion)
    from exactland.taylor.directions import direction_from_dict
    from exactland.taylor.rays import check_against_loss, ray_polynomial

    d = {"activation": RELU, "X": [[1, 0], [0, 1]], "Y": [[1], [3]], "W": [[0, 0]], "H": [[0]], "b": [0]}
    p = exactland.load(d)
    rp = ray_polynomial(p, direction_from_dict(p, {"W": [[0, 0]], "H": [[0]], "b": ["1"]}))
    assert [str(c) for c in rp.coefficients] == ["5", "-4", "1", "0", "0"]
    assert len(check_against_loss(rp)) >= 5
    with pytest.raises(JSONFormatError):
        direction_from_dict(exactland.load(MIN | {"b": None}), {"W": [[0, 0]], "H": [[0]], "b": ["1"]})

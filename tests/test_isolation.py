"""Isolated minima at irrational points (docs/isolation.md): snap, certificate, checker.

The main instance is worked by hand. One ReLU neuron, |J| = 2, samples
x_1 = (1, 0), x_2 = (0, 1) with targets y_1 = (2, 1), y_2 = (1, 1). While
w > 0 componentwise both samples are active and ŷ_k = h (w·x_k), so the
prediction matrix is w hᵀ and L = ½‖w hᵀ − Y‖_F² with Y = [[2, 1], [1, 1]].
Its minimum over rank-one matrices is the best rank-one approximation
(Eckart–Young): λ₁ v vᵀ with λ₁ = (3 + √5)/2 and v ∝ (1, t), t = (√5 − 1)/2
(from (2 − λ₁) + t = 0), which has w > 0 — so it is a local minimum of the
network's loss — and L* = ½ λ₂² = ½ ((3 − √5)/2)² = (7 − 3√5)/4, irrational:
no rational point is stationary. The residual Ŷ − Y = −λ₂ v₂ v₂ᵀ ≠ 0, so
M = Σ_k e_k x_kᵀ ≠ 0 and the neuron is an escape neuron (Definition 4.1: no
kinks, F = h·(M v) = 0 at a stationary point, M v ≠ 0 for v ⊥ w): a type-2
local minimum. With the gauge coordinate w[0] = c fixed, the exact minimiser
is u* = (w[1], h_1, h_2) = (c t, λ₁/(c(1+t²)), λ₁ t/(c(1+t²))).
"""
from __future__ import annotations

import copy
import json
import random
from fractions import Fraction

import numpy as np
import pytest
import sympy

import exactland
from exactland.checker import check_certificate
from exactland.core.isolation import isolate, sqrt_up
from exactland.core.problem import load, load_data
from exactland.dynamics.point_snap import snap_point
from exactland.dynamics.refine import isolate_float_point
from exactland.errors import CertificateFormatError

DATA = {"activation": {"alpha_plus": 1, "alpha_minus": 0}, "X": [[1, 0], [0, 1]], "Y": [[2, 1], [1, 1]]}
S5 = sympy.sqrt(5)
LAM1, T = (3 + S5) / 2, (S5 - 1) / 2
L_STAR = (7 - 3 * S5) / 4


def _float_point(c: float = 0.9, shift: float = 1e-9) -> dict:
    t = (5 ** 0.5 - 1) / 2
    lam = (3 + 5 ** 0.5) / 2
    w = [c, c * t + shift]
    h = [lam / (c * (1 + t * t)) - shift, lam * t / (c * (1 + t * t))]
    return {**DATA, "W": [[repr(x) for x in w]], "H": [[repr(h[0])], [repr(h[1])]]}


def _snapped() -> tuple:
    r = snap_point(_float_point())
    return r, r.to_dict()


def test_hand_worked_irrational_minimum_is_isolated():
    r, d = _snapped()
    assert r.certified and r.verdict == "type-2-minimum" and r.result.certificate is None
    cert = d["certificate"]
    assert cert["format"] == "exactland-isolation/1" and cert["escape_neurons"] == [0]
    lo, hi = (Fraction(x) for x in d["loss"])
    # lo ≤ (7 − 3√5)/4 ≤ hi, decided exactly: 3√5 ≤ 7 − 4lo and 7 − 4hi ≤ 3√5 (squares of nonnegatives)
    assert 7 - 4 * lo >= 0 and (7 - 4 * lo) ** 2 >= 45
    assert 7 - 4 * hi < 0 or (7 - 4 * hi) ** 2 <= 45
    assert hi - lo < Fraction(1, 10 ** 20)
    # the exact minimiser lies within location_radius of the center (sympy, exact algebraic numbers)
    p = d["point"]
    c = Fraction(p["W"][0][0])
    center = [Fraction(p["W"][0][1]), Fraction(p["H"][0][0]), Fraction(p["H"][1][0])]
    cs = sympy.Rational(c.numerator, c.denominator)
    star = [cs * T, LAM1 / (cs * (1 + T ** 2)), LAM1 * T / (cs * (1 + T ** 2))]
    dist2 = sum((sympy.Rational(a.numerator, a.denominator) - b) ** 2 for a, b in zip(center, star))
    rho = Fraction(cert["location_radius"])
    assert sympy.simplify(sympy.Rational(rho.numerator, rho.denominator) ** 2 - dist2).is_positive
    assert check_certificate(cert, problem=p).valid


def _loss(problem: dict, W: list, H: list, b: list | None) -> Fraction:
    """½ Σ_k ‖H ρ(W x_k) + b − y_k‖², written out here (ReLU), exact."""
    total = Fraction(0)
    for x, y in zip(problem["X"], problem["Y"]):
        act = [max(sum((Fraction(wc) * Fraction(xc) for wc, xc in zip(w, x)), Fraction(0)), Fraction(0)) for w in W]
        for j, yj in enumerate(y):
            out = sum((Fraction(H[j][i]) * a for i, a in enumerate(act)), Fraction(0))
            out += Fraction(b[j]) if b else 0
            total += (out - Fraction(yj)) ** 2
    return total / 2


def _teacher_problem(bias: bool) -> dict:
    """Two students' worth of data from a width-3 ReLU teacher, fitted by two neurons (|J| = 2)."""
    rng = random.Random(7)
    X = [[Fraction(rng.randint(-20, 20), 10), Fraction(rng.randint(-20, 20), 10), 1] for _ in range(14)]
    Wt = [[1, Fraction(1, 2), Fraction(1, 5)], [Fraction(-1, 2), 1, Fraction(1, 10)], [Fraction(1, 3), -1, 0]]
    Ht = [[1, Fraction(1, 2), -1], [Fraction(-1, 2), 1, Fraction(3, 2)]]
    Y = [[sum(Ht[j][i] * max(sum(a * b for a, b in zip(Wt[i], x)), 0) for i in range(3)) + (j if bias else 0)
          for j in range(2)] for x in X]
    return {"activation": {"alpha_plus": 1, "alpha_minus": 0}, "X": [[str(v) for v in x] for x in X],
            "Y": [[str(v) for v in y] for y in Y]}


def _trained(problem: dict, bias: bool, seed: int) -> tuple:
    from exactland.dynamics.config import TrainConfig
    from exactland.dynamics.run import float_data
    from exactland.dynamics.train import gradient_descent
    from exactland.core.problem import load_data

    ds = load_data(problem)
    X, Y, alpha = float_data(ds)
    cfg = TrainConfig(width=2, init_std=1e-2, lr=2e-2, steps=40_000, seeds=(seed,), log_every=40_000,
                      checkpoint_every=40_000, engine="numpy", bias=bias)
    raw = gradient_descent(X, Y, alpha, cfg)
    return ds, raw.W[-1, 0], raw.H[-1, 0], None if raw.b is None else raw.b[-1, 0]


@pytest.mark.parametrize("bias, seed", [(False, 0), (True, 2)])  # seed 0 ends with a dead neuron
def test_trained_endpoint_isolated_and_brute_force_in_ball(bias, seed):
    problem = _teacher_problem(bias)
    ds, W, H, b = _trained(problem, bias, seed=seed)
    res = isolate_float_point(ds, W, H, b)
    cert = res.certificate
    assert cert is not None, res.reason
    assert cert.verify() == []
    d = cert.to_dict()
    pt = d["problem"]
    lo = Fraction(d["loss_interval"][0])
    # brute force: every point of the ball (gauge coordinates) has loss ≥ lo, the loss of the unique minimum there
    rng = random.Random(3)
    r = Fraction(d["radius"])
    alive = [i for i in range(len(pt["W"])) if i not in d["dead"]]
    for _ in range(30):
        W2 = [[Fraction(v) for v in row] for row in pt["W"]]
        H2 = [[Fraction(v) for v in row] for row in pt["H"]]
        b2 = [Fraction(v) for v in pt["b"]] if pt.get("b") else None
        moves = []
        for i, c_i in zip(alive, d["gauge"]):
            moves += [(W2[i], c) for c in range(len(W2[i])) if c != c_i] + [(H2[j], i) for j in range(len(H2))]
        if b2:
            moves += [(b2, j) for j in range(len(b2))]
        step = r / (2 * len(moves))  # ‖δ‖₂ ≤ ‖δ‖₁ < r
        for row, c in moves:
            row[c] += step * Fraction(rng.randint(-1000, 1000), 1000)
        assert _loss(pt, W2, H2, b2) >= lo
    assert _loss(pt, pt["W"], pt["H"], pt.get("b")) == Fraction(d["loss_interval"][1])


def test_exact_type1_center_with_zero_gradient():
    # |J| = 1, w = (1, 1/2), h = 2: ŷ = (2, 1) = y, a zero-loss (type-1) minimum; g = 0, so ρ = 0
    p = load({**DATA, "Y": [[2], [1]], "W": [[1, "1/2"]], "H": [[2]]})
    res = isolate(p)
    c = res.certificate
    assert c is not None and c.verdict == "type-1-minimum" and c.gradient_norm_sq == 0
    assert c.location_radius == 0 and c.loss_interval == (0, 0) and c.verify() == []


def test_reasons_when_isolation_does_not_apply():
    kink = isolate(exactland.examples.load_example("origin-saddle"))
    assert kink.certificate is None and ("kink" in kink.reason or "gauged" in kink.reason)
    # two identical neurons: moving weight between them keeps the loss, the Hessian is singular
    twin = load({**DATA, "W": [["9/10", "1/2"], ["9/10", "1/2"]], "H": [["1", "1"], ["1/2", "1/2"]]})
    r = isolate(twin)
    assert r.certificate is None and "positive definite" in r.reason
    # far from stationary: the gradient is too large for the ball
    far = isolate(load({**DATA, "W": [["9/10", "1/2"]], "H": [["1"], ["1/2"]]}))
    assert far.certificate is None and "not close enough" in far.reason


@pytest.fixture(scope="module")
def good() -> dict:
    return _snapped()[1]["certificate"]


def _bad(cert: dict, **changes) -> dict:
    out = copy.deepcopy(cert)
    out.update(changes)
    return out


@pytest.mark.parametrize("field, value, fragment", [
    ("mu", "1000", "not positive definite"),
    ("radius", "2", "kink"),
    ("radius", "1/100", "μ'"),
    ("jacobian_bound", "1/1000", "jacobian_bound"),
    ("sigma_bound", "1/1000", "sigma_bound"),
    ("gradient_norm_sq", "1", "gradient_norm_sq"),
    ("location_radius", "0", "location_radius"),
    ("escape_neurons", [], "type-2-minimum needs"),
    ("verdict", "type-1-minimum", "|J| = 1"),
    ("dead", [0], "gauge"),
])
def test_checker_rejects_tampered_claims(good, field, value, fragment):
    rep = check_certificate(_bad(good, **{field: value}))
    assert not rep.valid and any(fragment in r for r in rep.reasons), rep.reasons


def test_checker_rejects_wrong_loss_interval_and_problem(good):
    lo, hi = (Fraction(x) for x in good["loss_interval"])
    rep = check_certificate(_bad(good, loss_interval=[str(hi), str(hi + 1)]))
    assert not rep.valid and any("hi =" in r for r in rep.reasons)
    rep = check_certificate(_bad(good, loss_interval=[str(hi), str(hi)]))
    assert not rep.valid and any("lo =" in r for r in rep.reasons)
    moved = copy.deepcopy(good)
    moved["problem"]["Y"][0][0] = "3"
    rep = check_certificate(moved)
    assert not rep.valid and any("problem_digest" in r for r in rep.reasons)


def test_checker_refuses_malformed(good):
    with pytest.raises(CertificateFormatError):
        check_certificate({k: v for k, v in good.items() if k != "mu"})
    with pytest.raises(CertificateFormatError):
        check_certificate(_bad(good, mu=0.5))
    with pytest.raises(CertificateFormatError):
        check_certificate(_bad(good, extra=1))


def test_sqrt_up_is_an_upper_bound():
    for q in (Fraction(2), Fraction(1, 3), Fraction(10 ** 40 + 1, 7), Fraction(1, 10 ** 50), Fraction(0)):
        u = sqrt_up(q)
        assert u * u >= q and (q == 0 or (u - Fraction(1, 2 ** 30) * u) ** 2 < q)


def test_snap_cli_json_and_check(tmp_path, capsys):
    from exactland.cli.main import main

    src = tmp_path / "float.json"
    src.write_text(json.dumps(_float_point()))
    assert main(["snap", str(src), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["verdict"] == "type-2-minimum" and isinstance(out["loss"], list)
    cert = tmp_path / "cert.json"
    cert.write_text(json.dumps(out["certificate"]))
    assert main(["check", str(cert)]) == 0
    assert main(["snap", str(src)]) == 0
    text = capsys.readouterr().out
    assert "isolated near a rational center" in text and "independent check: valid" in text


def test_float_model_matches_exact_derivatives():
    """The float Newton model (a guide) agrees with the exact gradient and Hessian at the same point."""
    from exactland.checker.isolation import smooth_data
    from exactland.checker.parse import parse_problem
    from exactland.dynamics.refine import _Model

    p = load({**DATA, "W": [["9/10", "1/2"]], "H": [["1"], ["1/2"]]})
    ds = exactland.core.problem.Dataset(p.activation, p.X, p.Y)
    m = _Model(ds, np.array([[0.9, 0.5]]), np.array([[1.0], [0.5]]), None)
    g, Hs, same = m.derivatives(m.pack(m.W, m.H, None))
    _, q = smooth_data(parse_problem(p.to_dict()), [], [0])
    assert same and np.allclose(g, [float(x) for x in q["grad"]])
    n = Hs.shape[0]
    assert np.allclose(Hs, [[float(q["hessian"][a, c]) for c in range(n)] for a in range(n)])


@pytest.mark.parametrize("scale", [1e150, 1e-150])
def test_refine_gives_reasons_not_exceptions_on_extreme_floats(scale):
    ds = load_data(DATA)
    res = isolate_float_point(ds, np.array([[0.9 * scale, 0.5 * scale]]), np.array([[1.0 / scale], [0.5 / scale]]))
    assert res.certificate is None and res.reason
    nan = isolate_float_point(ds, np.array([[np.nan, 0.5]]), np.array([[1.0], [0.5]]))
    assert nan.certificate is None and "NaN" in nan.reason


def test_run_folder_report_and_line_for_an_isolated_minimum():
    """``snap RUN`` prints and reports an isolated minimum (``snap_report``/``describe_snap``)."""
    from exactland.dynamics.checkpoints import describe_snap, snap_report
    from exactland.dynamics.snap import snap

    fp = _float_point()
    res = snap(load_data(DATA), np.array([[float(c) for c in fp["W"][0]]]),
               np.array([[float(fp["H"][0][0])], [float(fp["H"][1][0])]]))
    assert res.isolation is not None and res.verdict == "type-2-minimum"
    rep = snap_report(7, res)
    assert rep["certificate"]["format"] == "exactland-isolation/1" and rep["escape_neurons"] == [0]
    lo, hi = (Fraction(x) for x in rep["loss"])
    assert 7 - 4 * lo >= 0 and (7 - 4 * lo) ** 2 >= 45 and (7 - 4 * hi < 0 or (7 - 4 * hi) ** 2 <= 45)
    assert any(a["tolerances"] is None and a["outcome"] == "isolated" for a in rep["attempts"])
    json.dumps(rep)
    line = describe_snap(7, res)
    assert line.startswith("step 7: type-2-minimum") and "independent check: valid" in line


def test_checker_refuses_oversized_isolation_certificates(good):
    """A certificate with more gauge coordinates than the checker's limit is refused, not ground through."""
    from exactland.checker.isolation import MAX_VARIABLES
    from exactland.exact.digest import problem_digest

    n_neurons = MAX_VARIABLES // 2 + 1  # d = 2, |J| = 1: two gauge coordinates per neuron
    big = copy.deepcopy(good)
    big["problem"] = load({"activation": {"alpha_plus": 1, "alpha_minus": 0}, "X": [[1, 0], [0, 1]],
                           "Y": [[1], [1]], "W": [[str(1 + i), "1"] for i in range(n_neurons)],
                           "H": [["1"] * n_neurons]}).to_dict()
    big["gauge"] = [0] * n_neurons
    big["radius"] = "1/1000000000"
    big["problem_digest"] = problem_digest(big["problem"])
    rep = check_certificate(big)
    assert not rep.valid and any("exceed the checker's limit" in r for r in rep.reasons)

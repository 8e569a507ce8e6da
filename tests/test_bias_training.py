"""Training with an output bias b, run folders with b, and ``train --from PROBLEM``.

The float gradient (with b) is compared with an independent route: the exact
gradient of ``L = ½ Σ_kj e_kj²`` written out by hand with ``Fraction`` on a
tiny problem whose start point is dyadic (every float is its exact value).
The float gradient is read off one GD step, ``(P₀ − P₁)/η``, and compared
after an explicit float conversion with a stated tolerance (tests only;
nothing here decides a verdict).
"""
from __future__ import annotations

import dataclasses
import json
from fractions import Fraction

import numpy as np
import pytest

import exactland
from exactland.cli.main import main
from exactland.core.problem import load, load_data
from exactland.dynamics.batch import train_and_save
from exactland.dynamics.checkpoints import snap_at
from exactland.dynamics.config import TrainConfig, numba_available
from exactland.dynamics.run import continue_gd, float_point, load_run, train
from exactland.dynamics.train import gradient_descent
from exactland.errors import InputError

ENGINES = ["numpy"] + (["numba"] if numba_available() else [])

# a tiny problem: |K| = 4, d = 2, |I| = 3, |J| = 2, leaky ReLU (a+ = 1, a- = 1/4); no w_i·x_k is 0
X = [[1, 0], [0, 1], [1, 1], [-1, 2]]
Y = [[1, -1], [2, 0], [0, 3], [1, 1]]
W0 = [[Fraction(1, 2), Fraction(-1, 4)], [Fraction(-3, 4), Fraction(1, 8)], [Fraction(1, 4), Fraction(1, 2)]]
H0 = [[Fraction(1, 2), Fraction(-1), Fraction(1, 4)], [Fraction(-1, 8), Fraction(3, 4), Fraction(1)]]
B0 = [Fraction(1, 4), Fraction(-1, 2)]
AP, AM = Fraction(1), Fraction(1, 4)


def _exact_gradient() -> tuple[list, list, list, Fraction]:
    """∂L/∂W, ∂L/∂H, ∂L/∂b and L for L = ½Σe², by the hand formulas (eqs. 2–4 with b)."""
    I, J, K = len(W0), len(H0), len(X)
    z = [[sum(W0[i][c] * X[k][c] for c in range(2)) for k in range(K)] for i in range(I)]
    slope = [[AP if z[i][k] > 0 else AM for k in range(K)] for i in range(I)]
    act = [[slope[i][k] * z[i][k] for k in range(K)] for i in range(I)]
    e = [[sum(H0[j][i] * act[i][k] for i in range(I)) + B0[j] - Y[k][j] for j in range(J)] for k in range(K)]
    gb = [sum(e[k][j] for k in range(K)) for j in range(J)]
    gH = [[sum(e[k][j] * act[i][k] for k in range(K)) for i in range(I)] for j in range(J)]
    gW = [[sum(sum(H0[j][i] * e[k][j] for j in range(J)) * slope[i][k] * X[k][c] for k in range(K))
           for c in range(2)] for i in range(I)]
    loss = sum(x * x for row in e for x in row) / 2
    return gW, gH, gb, loss


def _f(m) -> np.ndarray:
    """The explicit float conversion of an exact (Fraction) array, for comparison only."""
    return np.array([[float(x) for x in row] for row in m]) if isinstance(m[0], list) else np.array([float(x) for x in m])


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("loss", ["half-sse", "mse"])
def test_float_gradient_with_bias_matches_the_exact_gradient(engine: str, loss: str) -> None:
    lr = 2.0**-12
    cfg = TrainConfig(width=3, init_std=0.0, lr=lr, steps=1, loss=loss, log_every=1, checkpoint_every=1,
                      engine=engine, bias=True)
    Xf, Yf = np.array(X, dtype=float), np.array(Y, dtype=float)
    raw = gradient_descent(Xf, Yf, (1.0, 0.25), cfg, init=(_f(W0), _f(H0), _f(B0)))
    gW, gH, gb, L = _exact_gradient()
    factor = 1.0 if loss == "half-sse" else 2.0 / (len(X) * len(Y[0]))  # the documented convention
    got = {"W": (raw.W[0, 0] - raw.W[1, 0]) / lr, "H": (raw.H[0, 0] - raw.H[1, 0]) / lr,
           "b": (raw.b[0, 0] - raw.b[1, 0]) / lr}
    want = {"W": factor * _f(gW), "H": factor * _f(gH), "b": factor * _f(gb)}
    for name in got:  # tolerance: float rounding of one step (|P| ~ 1, η = 2^-12), far below any gradient entry
        np.testing.assert_allclose(got[name], want[name], rtol=0, atol=1e-9, err_msg=name)
    assert np.abs(want["b"]).min() > 1e-3  # the bias gradient is really exercised
    # the logged loss at step 0 is the exact loss (in the run's convention)
    assert raw.losses[0, 0] == pytest.approx(float(L) * (1.0 if loss == "half-sse" else factor), rel=1e-14)


def test_engines_agree_with_bias() -> None:
    if not numba_available():
        pytest.skip("numba not installed")
    Xf, Yf = np.array(X, dtype=float), np.array(Y, dtype=float) + 3.0
    runs = [gradient_descent(Xf, Yf, (1.0, 0.25), TrainConfig(width=4, init_std=0.3, lr=1e-2, steps=3000,
                             seeds=(0, 1, 2), log_every=100, checkpoint_every=500, engine=e, bias=True))
            for e in ("numba", "numpy")]
    np.testing.assert_allclose(runs[0].b, runs[1].b, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(runs[0].losses, runs[1].losses, rtol=1e-9)


def test_bias_starts_at_zero_and_is_learned() -> None:
    ds = load_data({"activation": {"alpha_plus": 1, "alpha_minus": 0}, "X": X, "Y": [[y + 10 for y in r] for r in Y]})
    r = train(ds, TrainConfig(width=3, init_std=0.1, lr=1e-2, steps=4000, loss="half-sse", log_every=100,
                              checkpoint_every=1000, engine="numpy", bias=True))
    assert r.raw.b.shape == (5, 1, 2) and (r.raw.b[0] == 0).all()
    assert r.raw.losses[0, -1] < 0.1 * r.raw.losses[0, 0]
    assert (r.raw.b[-1, 0] > 5).all()  # the offset of 10 is mostly carried by b
    without = train(ds, TrainConfig(width=3, init_std=0.1, lr=1e-2, steps=10, loss="half-sse", engine="numpy"))
    assert without.raw.b is None


def test_run_folder_with_b_round_trips_and_chunked_batches_equal_one_piece(tmp_path) -> None:
    ds = load_data({"activation": {"alpha_plus": 1, "alpha_minus": 0}, "X": X, "Y": Y})
    cfg = TrainConfig(width=3, init_std=0.2, lr=1e-2, steps=500, seeds=(0, 1, 2), log_every=50,
                      checkpoint_every=100, engine="numpy", bias=True)
    chunked = train_and_save(ds, cfg, tmp_path / "run", chunk=2)
    whole = train(ds, cfg)
    np.testing.assert_array_equal(chunked.raw.b, whole.raw.b)
    back = load_run(tmp_path / "run")
    assert back.config.bias and back.raw.b.shape == (6, 3, 2)
    np.testing.assert_array_equal(back.raw.b, whole.raw.b)


def test_old_run_folders_without_b_keep_loading(tmp_path) -> None:
    ds = load_data({"activation": {"alpha_plus": 1, "alpha_minus": 0}, "X": X, "Y": Y})
    train(ds, TrainConfig(width=3, init_std=0.2, lr=1e-2, steps=100, log_every=10, checkpoint_every=50,
                          engine="numpy")).save(tmp_path)
    summary = json.loads((tmp_path / "summary.json").read_text())
    del summary["config"]["bias"]  # as written before the bias existed
    (tmp_path / "summary.json").write_text(json.dumps(summary))
    assert "b" not in np.load(tmp_path / "trajectory.npz").files
    r = load_run(tmp_path)
    assert r.raw.b is None and r.config.bias is False and r.start is None
    step, res = snap_at(r, "final")
    assert step == 100 and (res.problem is None or res.problem.b is None)


def test_a_start_point_with_b_needs_the_bias_and_fitting_shapes() -> None:
    Xf, Yf = np.array(X, dtype=float), np.array(Y, dtype=float)
    cfg = TrainConfig(width=3, init_std=0.0, lr=1e-3, steps=1, engine="numpy")
    with pytest.raises(InputError, match="bias"):
        gradient_descent(Xf, Yf, (1.0, 0.0), cfg, init=(_f(W0), _f(H0), _f(B0)))
    with pytest.raises(InputError, match="shape"):
        gradient_descent(Xf, Yf, (1.0, 0.0), dataclasses.replace(cfg, bias=True), init=(_f(W0), _f(H0), np.zeros(3)))


# ---------------------------------------------------------------- train --from
START = {"activation": {"alpha_plus": "1", "alpha_minus": "0"},
         "X": [["1", "0"], ["0", "1"], ["1", "1"], ["2", "1"], ["1", "3"]],
         "Y": [["1"], ["2"], ["2"], ["4"], ["3"]],
         "W": [["0.9", "0.3"], ["1/3", "-0.2"]], "H": [["1.1", "0.5"]], "b": ["0.1"]}


def test_train_from_starts_at_the_given_point_and_lowers_the_loss(tmp_path, capsys) -> None:
    path = tmp_path / "start.json"
    path.write_text(json.dumps(START))
    p = load(path)
    assert main(["train", "--from", str(path), "--steps", "3000", "--lr", "1e-2", "--loss", "half-sse",
                 "--out", str(tmp_path / "run"), "--engine", "numpy"]) == 0
    out = capsys.readouterr().out
    assert "continued from" in out and "output bias b trained" in out
    r = load_run(tmp_path / "run")
    W, H, b = float_point(p)
    np.testing.assert_array_equal(r.raw.W[0, 0], W)  # checkpoint 0 is the start point
    np.testing.assert_array_equal(r.raw.H[0, 0], H)
    np.testing.assert_array_equal(r.raw.b[0, 0], b)
    assert r.raw.losses[0, 0] == pytest.approx(float(exactland.certify(p).loss), rel=1e-12)
    assert r.raw.losses[0, -1] < 0.5 * r.raw.losses[0, 0]
    assert r.start == {"from": str(path), "digest": p.digest()} and r.config.width == 2 and r.config.bias
    assert r.dataset == p.dataset


def test_train_from_without_b_and_with_bias_flag(tmp_path) -> None:
    path = tmp_path / "start.json"
    path.write_text(json.dumps({k: v for k, v in START.items() if k != "b"}))
    assert main(["train", "--from", str(path), "--steps", "200", "--lr", "1e-2", "--out", str(tmp_path / "a"),
                 "--engine", "numpy"]) == 0
    assert load_run(tmp_path / "a").raw.b is None
    assert main(["train", "--from", str(path), "--bias", "--steps", "200", "--lr", "1e-2",
                 "--out", str(tmp_path / "b"), "--engine", "numpy"]) == 0
    r = load_run(tmp_path / "b")
    assert (r.raw.b[0, 0] == 0).all() and r.raw.b[-1, 0, 0] != 0


def test_train_from_refusals(tmp_path, capsys) -> None:
    path = tmp_path / "start.json"
    path.write_text(json.dumps(START))
    out = str(tmp_path / "run")
    assert main(["train", str(path), "--from", str(path), "--out", out]) == 2
    assert main(["train", "--from", str(path), "--seeds", "0:3", "--out", out]) == 2
    assert main(["train", "--from", str(path), "--width", "5", "--out", out]) == 2
    assert main(["train", "--out", out]) == 2
    err = capsys.readouterr().err
    assert "not both" in err and "--seeds" in err and "2 neurons" in err and "--from PROBLEM" in err


def test_continue_gd_keeps_and_snaps_the_bias() -> None:
    p = load(START)
    q = continue_gd(p, steps=20000, lr=1e-2, loss="half-sse")
    assert q is not p and q.b is not None  # trained and snapped, with its bias
    cert = exactland.certify(q)
    assert cert.verdict.value != "not-stationary" and all(g == 0 for g in cert.dL_db)  # Σ_k e_k = 0 exactly
    assert cert.loss < exactland.certify(p).loss and cert.verify().valid


def _ols_intercept() -> Fraction:
    """The intercept of the least-squares fit y ≈ a·x + c of START's data (normal equations, Cramer)."""
    rows = [[Fraction(x[0]), Fraction(x[1]), Fraction(1)] for x in START["X"]]
    ys = [Fraction(y[0]) for y in START["Y"]]
    G = [[sum(r[a] * r[b] for r in rows) for b in range(3)] for a in range(3)]
    v = [sum(r[a] * y for r, y in zip(rows, ys)) for a in range(3)]
    det = lambda m: (m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
                     + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]))
    return det([[G[a][0], G[a][1], v[a]] for a in range(3)]) / det(G)


def test_a_run_with_b_snaps_to_a_certified_point_with_b() -> None:
    ds = load_data({k: START[k] for k in ("activation", "X", "Y")})
    r = train(ds, TrainConfig(width=3, init_std=0.3, lr=1e-2, steps=30000, loss="half-sse", seeds=(0,),
                              log_every=1000, checkpoint_every=10000, engine="numpy", bias=True))
    _, res = snap_at(r, "final")
    assert res.certificate is not None, [a.detail for a in res.attempts]
    p = res.problem
    assert p.b is not None and all(g == 0 for g in res.certificate.dL_db)
    assert res.certificate.verify().valid
    # every living neuron is active on every sample here, so the network is the least-squares affine fit
    assert [Fraction(str(c)) for c in p.b] == [_ols_intercept()] and res.distance < 1e-5
    assert float(res.certificate.loss) == pytest.approx(r.raw.losses[0, -1], rel=1e-9)


def test_float_gradient_norm_includes_the_bias_gradient():
    # W = 0, H = 0: every network gradient vanishes (w = 0, ρ = 0); the residuals are
    # e = (0 − 1, 0 − 3) at b = 0, so ∂L/∂b = −4 and the norm is 4 with the bias, 0 without.
    import numpy as np
    from exactland.dynamics.phases import float_gradient_norm

    X = np.array([[1.0, 0.0], [0.0, 1.0]])
    Y = np.array([[1.0], [3.0]])
    W, H = np.zeros((1, 2)), np.zeros((1, 1))
    assert float_gradient_norm(W, H, X, Y, (1.0, 0.0)) == 0.0
    assert float_gradient_norm(W, H, X, Y, (1.0, 0.0), bias=True) == 4.0

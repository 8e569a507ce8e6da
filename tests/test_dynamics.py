"""The fast float path (issue 3): training, phases, exact snapping, CLI.

Expected values come from the paper (Section 4.1.1, Appendix I), from the hand
derivations of tests/test_paper.py (the exact final minimum 16139/231500 of
Section 4.1.1, the exact end state 17/50 of Appendix I.0.2) or from
independent routes (the two GD engines against each other, loss conventions
against each other).
"""
from __future__ import annotations

import importlib.util
import json
import math
import pathlib
import sys
from dataclasses import replace
from fractions import Fraction as Fr

import numpy as np
import pytest

import exactland
from exactland.cli.main import main
from exactland.dynamics.phases import find_plateaus, phases
from exactland.dynamics.run import load_run, train
from exactland.dynamics.settings import PAPER_SETTINGS, SECTION_4_1_1
from exactland.dynamics.snap import snap
from exactland.dynamics.config import TrainConfig, numba_available
from exactland.dynamics.train import gradient_descent
from exactland.errors import InputError
from exactland.builtin.examples import load_example

ROOT = pathlib.Path(__file__).resolve().parents[1]
DATA_411 = load_example("origin-saddle").dataset
X411 = np.array([[-1, 1], [-0.6, 1], [-0.1, 1], [0.3, 1], [0.7, 1]])
Y411 = np.array([[0.28], [-0.1], [0.03], [0.23], [-0.22]])


def frac(x) -> Fr:
    return Fr(str(x))


# ---------------------------------------------------------------- settings
@pytest.mark.parametrize("bad", [dict(width=0), dict(steps=0), dict(lr=-1.0), dict(lr=math.nan),
                                 dict(init_std=math.inf), dict(init_std=-1.0), dict(loss="l1"),
                                 dict(engine="gpu"), dict(seeds=())])
def test_impossible_settings_are_refused(bad):
    base = dict(width=2, init_std=1e-3, lr=1e-3, steps=10)
    with pytest.raises(InputError):
        TrainConfig(**{**base, **bad})


def test_divergence_is_detected_with_its_step():
    # lr = 10 on MSE with a leaky activation (no neuron can die) blows up within a few steps
    for engine in ["numpy"] + (["numba"] if numba_available() else []):
        cfg = TrainConfig(width=3, init_std=1.0, lr=10.0, steps=2000, seeds=(0, 1), log_every=1,
                          checkpoint_every=100, engine=engine)
        raw = gradient_descent(X411, Y411, (1.0, 0.5), cfg)
        assert (raw.diverged_at > 0).all() and (raw.diverged_at < 2000).all()
        for s, at in enumerate(raw.diverged_at):
            assert np.isfinite(raw.losses[s, :at]).all() and not np.isfinite(raw.losses[s, at])


def test_nan_data_refused():
    with pytest.raises(InputError):
        gradient_descent(np.array([[np.nan, 1.0]]), np.array([[1.0]]), (1.0, 0.0),
                         TrainConfig(width=1, init_std=1e-3, lr=1e-3, steps=1))


@pytest.mark.skipif(not numba_available(), reason="numba extra not installed")
@pytest.mark.parametrize("seeds", [(1,), (1, 2)])  # the serial and the parallel kernel
def test_numba_and_numpy_engines_give_the_same_trajectory(seeds):
    cfg = dict(width=7, init_std=0.3, lr=5e-3, steps=3000, seeds=seeds, log_every=10, checkpoint_every=500)
    a = gradient_descent(X411, Y411, (1.0, 0.1), TrainConfig(engine="numba", **cfg))
    b = gradient_descent(X411, Y411, (1.0, 0.1), TrainConfig(engine="numpy", **cfg))
    assert np.allclose(a.W, b.W, rtol=1e-10, atol=1e-13)
    assert np.allclose(a.H, b.H, rtol=1e-10, atol=1e-13)
    assert np.allclose(a.losses, b.losses, rtol=1e-10, atol=1e-15)


def test_loss_conventions_are_related_by_the_documented_factor():
    # MSE = Σe²/(|K||J|) = 2L/(|K||J|): GD on MSE with step η is GD on L with step 2η/(|K||J|)
    K = len(X411)
    a = gradient_descent(X411, Y411, (1.0, 0.0), TrainConfig(width=4, init_std=0.5, lr=1e-2, steps=500,
                         loss="mse", log_every=100, checkpoint_every=500, engine="numpy"))
    b = gradient_descent(X411, Y411, (1.0, 0.0), TrainConfig(width=4, init_std=0.5, lr=2e-2 / K, steps=500,
                         loss="half-sse", log_every=100, checkpoint_every=500, engine="numpy"))
    assert np.allclose(a.W, b.W, rtol=1e-12, atol=1e-15)
    assert np.allclose(a.losses, b.losses * 2 / K, rtol=1e-12)


def test_initial_float_loss_matches_the_exact_origin_loss():
    # with init std 0 the start is the origin: MSE = Σy²/5 = 0.1906/5 (exact: L = 953/10000)
    raw = gradient_descent(X411, Y411, (1.0, 0.0), TrainConfig(width=3, init_std=0.0, lr=1e-3, steps=1,
                           log_every=1, checkpoint_every=1, engine="numpy"))
    assert raw.losses[0, 0] == pytest.approx(float(Fr(953, 10000) * 2 / 5), rel=1e-15)


def test_fact_46_conservation_drift_shrinks_with_the_step_size():
    # Fact 4.6: ‖w‖² − h² is constant along the gradient flow; GD conserves it up to O(η) per unit time
    drifts = []
    for lr in (4e-3, 1e-3):
        steps = int(40 / lr)  # same flow time
        raw = gradient_descent(X411, Y411, (1.0, 0.0), TrainConfig(width=5, init_std=0.3, lr=lr, steps=steps,
                               loss="half-sse", log_every=steps, checkpoint_every=steps, engine="numpy"))
        q = (raw.W ** 2).sum(axis=3) - (raw.H ** 2).sum(axis=2)
        drifts.append(float(np.abs(q[-1] - q[0]).max()))
    assert 0 < drifts[1] < drifts[0] / 2


# ---------------------------------------------------------------- phases
def test_find_plateaus_on_a_synthetic_two_step_curve():
    t = np.arange(0, 10000, 10)
    L = 1 / (1 + np.exp((t - 3000) / 50)) + 0.5 / (1 + np.exp((t - 7000) / 50)) + 0.1
    ends = [b for _, b in find_plateaus(t, L)]
    assert len(ends) == 3 and abs(ends[0] - 3000) < 300 and abs(ends[1] - 7000) < 300


# ---------------------------------------------------------------- snapping
def test_snap_recovers_the_hand_derived_final_minimum_from_a_perturbed_float_point():
    exact = load_example("final-minimum")
    rng = np.random.default_rng(0)
    W = np.array([[float(c) for c in r] for r in exact.W]) + rng.normal(0, 1e-7, (3, 2))
    H = np.array([[float(c) for c in r] for r in exact.H]) + rng.normal(0, 1e-7, (1, 3))
    res = snap(exact.dataset, W, H)
    assert res.verdict == "type-1-minimum"
    assert frac(res.certificate.loss) == Fr(16139, 231500)  # tests/test_paper.py derivation
    assert res.distance < 1e-5
    assert res.certificate.verify().valid


def test_snap_zeroes_small_living_neurons_into_escape_neurons():
    # the final minimum plus two tiny living neurons pointing into the data: the exact point
    # has them at zero, and zero neurons at a point with residuals are escape neurons (saddle)
    exact = load_example("final-minimum")
    W = np.array([[float(c) for c in r] for r in exact.W] + [[1e-7, 2e-7], [-1e-7, 3e-7]])
    H = np.array([[float(c) for c in exact.H[0]] + [1e-7, -2e-7]])
    res = snap(exact.dataset, W, H)
    assert res.verdict == "saddle"
    assert res.structure.small == (3, 4) and res.certificate.escape_neurons == (3, 4)


def test_snap_recovers_the_two_output_end_state_of_appendix_i02():
    # |J| = 2 (group directions fixed, output weights re-solved): the hand-derived end state L = 17/50
    exact = exactland.load(ROOT / "examples" / "appendix-i02-final-minimum.json")
    rng = np.random.default_rng(0)
    W = np.array([[float(c) for c in r] for r in exact.W]) + rng.normal(0, 1e-7, (exact.n_neurons, exact.dim))
    H = np.array([[float(c) for c in r] for r in exact.H]) + rng.normal(0, 1e-7, (2, exact.n_neurons))
    res = snap(exact.dataset, W, H)
    assert res.verdict == "type-1-minimum" and frac(res.certificate.loss) == Fr(17, 50)
    assert res.certificate.verify().valid


# ---------------------------------------------------------------- the paper's runs
def test_section_411_settings_short_run_stays_at_the_origin_saddle():
    # the paper's Section 4.1.1 settings, cut to 20k steps (before the first escape at ~42k):
    # the float point snaps to the origin saddle, L = ½Σy² = 953/10000, and its escape
    # neurons are exactly the small living neurons (Section 4.2)
    run = train(DATA_411, replace(SECTION_4_1_1, steps=20_000, engine="numpy"))
    res = snap(DATA_411, run.raw.W[-1, 0], run.raw.H[-1, 0])
    assert res.verdict == "saddle" and frac(res.certificate.loss) == Fr(953, 10000)
    assert res.certificate.escape_neurons == res.structure.small and res.structure.small


def test_paper_experiments_use_the_shared_settings(monkeypatch):
    # examples/paper_experiments.py trains with exactland.dynamics.settings, only seed and engine chosen
    mod = _experiments()
    seen = []

    class Stop(Exception):
        pass

    def fake_train(ds, cfg):
        seen.append(cfg)
        raise Stop

    monkeypatch.setattr(mod, "train", fake_train)
    for name, cfg in PAPER_SETTINGS.items():
        with pytest.raises(Stop):
            mod.reproduce(name, seed=5, engine="numpy")
        assert seen[-1] == replace(cfg, seeds=(5,), engine="numpy")
    assert set(mod.PAPER) == set(PAPER_SETTINGS)


@pytest.fixture(scope="module")
def run_411():
    return train(DATA_411, SECTION_4_1_1)


@pytest.mark.slow
def test_section_411_run_reproduces_the_paper(run_411):
    # Section 4.1.1: final MSE 0.027885962, plateaus ending at about 42k and 152k steps
    assert run_411.raw.losses[0, -1] == pytest.approx(0.027885962, rel=1e-7)
    ps = phases(run_411)
    ends = [p.end for p in ps if not p.final]
    assert len(ends) == 2
    assert abs(ends[0] - 42_000) < 0.3 * 42_000 and abs(ends[1] - 152_000) < 0.15 * 152_000
    steps = list(run_411.raw.ckpt_steps)
    snaps = [snap(DATA_411, run_411.raw.W[steps.index(p.snapshot), 0],
                  run_411.raw.H[steps.index(p.snapshot), 0]) for p in ps]
    assert [s.verdict for s in snaps] == ["saddle", "saddle", "type-1-minimum"]
    # at the saddles, the escape neurons are exactly the small living neurons (Section 4.2)
    for s in snaps[:2]:
        assert s.certificate.escape_neurons == s.structure.small and s.structure.small
    # the origin plateau snaps to the origin's loss ½Σy² = 953/10000; the end to the exact minimum
    assert frac(snaps[0].certificate.loss) == Fr(953, 10000)
    assert frac(snaps[2].certificate.loss) == Fr(16139, 231500)
    assert all(s.certificate.verify().valid for s in snaps)


def _experiments():
    spec = importlib.util.spec_from_file_location("paper_experiments", ROOT / "examples" / "paper_experiments.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["paper_experiments"] = mod
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


@pytest.mark.slow
def test_appendix_i02_two_outputs_reproduction():
    mod = _experiments()
    rep = mod.reproduce("appendix-i02")
    # final MSE 0.0850000 (paper) — exactly 17/50·2/8 for the hand-derived end state
    assert rep.run.raw.losses[0, -1] == pytest.approx(0.085, rel=1e-8)
    ends = rep.plateau_ends()
    assert len(ends) == 3
    # first two escapes at about 25k and 51k; the third (splitting of grown neurons) is
    # seed-dependent in our random stream: only its existence is asserted
    assert abs(ends[0] - 25_000) < 0.15 * 25_000 and abs(ends[1] - 51_000) < 0.15 * 51_000
    assert rep.verdicts() == ["saddle", "saddle", "saddle", "type-1-minimum"]
    assert frac(rep.snaps[-1].certificate.loss) == Fr(17, 50)
    # the third saddle's escape neurons have non-negligible weights (Appendix I.0.2):
    third = rep.snaps[2]
    assert third.certificate.escape_neurons and not third.structure.small


@pytest.mark.slow
def test_appendix_i01_reproduction():
    mod = _experiments()
    rep = mod.reproduce("appendix-i01")
    ends = rep.plateau_ends()
    # the paper: escapes at about 80k/120k/170k/330k, ending (towards) zero loss
    assert len(ends) == 4
    for got, paper in zip(ends, [80_000, 120_000, 170_000, 330_000]):
        assert abs(got - paper) < 0.15 * paper
    assert rep.verdicts()[:3] == ["saddle", "saddle", "saddle"]
    assert rep.verdicts()[-1] == "type-1-minimum" and frac(rep.snaps[-1].certificate.loss) == 0


# ---------------------------------------------------------------- CLI
def test_cli_train_phases_snap_plot_on_a_short_run(tmp_path, capsys):
    data = tmp_path / "data.json"
    data.write_text(json.dumps({"activation": {"alpha_plus": "1", "alpha_minus": "0"},
                                "X": [["-1", "1"], ["-0.6", "1"], ["-0.1", "1"], ["0.3", "1"], ["0.7", "1"]],
                                "Y": [["0.28"], ["-0.1"], ["0.03"], ["0.23"], ["-0.22"]]}))
    run = tmp_path / "run"
    assert main(["train", str(data), "--width", "6", "--init-std", "1e-3", "--lr", "2e-2",
                 "--steps", "20000", "--seed", "3", "--out", str(run), "--engine", "numpy"]) == 0
    r = load_run(run)
    assert r.raw.W.shape[1:] == (1, 6, 2) and json.loads((run / "summary.json").read_text())["format"]
    assert main(["phases", str(run), "--json"]) == 0
    out = capsys.readouterr().out
    assert json.loads(out[out.index("["):])[-1]["final"] is True
    assert main(["snap", str(run), "--at", "final", "--json"]) == 0
    rep = json.loads(capsys.readouterr().out)
    assert rep["verdict"] in ("saddle", "type-1-minimum", "undecided", None)
    if rep["verdict"] is not None:
        snapped = exactland.load(run / "snap-final.json")  # certify accepts the snapped point
        assert exactland.certify(snapped).verdict.value == rep["verdict"]
    assert main(["plot", str(run)]) == 0
    assert (run / "figure3.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert main(["snap", str(run), "--at", "plateau-99"]) == 2


def test_cli_batched_seeds_summary(tmp_path, capsys):
    run = tmp_path / "batch"
    assert main(["train", str(ROOT / "examples" / "experiments" / "section-4.1.1.json"), "--width", "4",
                 "--init-std", "1e-2", "--lr", "5e-2", "--steps", "4000", "--seeds", "0:4",
                 "--out", str(run), "--engine", "numpy"]) == 0
    out = capsys.readouterr().out
    assert "final verdicts:" in out
    batch = json.loads((run / "batch.json").read_text())
    assert len(batch["runs"]) == 4 and sum(batch["verdicts"].values()) == 4

"""Issue 11: safe long jobs and readable, honest command-line behaviour."""
from __future__ import annotations

import json
import os
import pathlib
import signal
import subprocess
import sys
import time
from fractions import Fraction

import pytest

import exactland
from exactland.cli.main import main
from oracles import own_loss_of

ROOT = pathlib.Path(__file__).resolve().parents[1]
DATA = str(ROOT / "examples" / "experiments" / "section-4.1.1.json")


def test_train_refuses_a_non_empty_folder_before_any_work(tmp_path, capsys):
    out = tmp_path / "run"
    out.mkdir()
    (out / "figure3.png").write_text("old")
    start = time.perf_counter()
    assert main(["train", DATA, "--steps", "1e9", "--out", str(out)]) == 2  # would take hours
    assert time.perf_counter() - start < 5 and "pass --force" in capsys.readouterr().err
    assert main(["train", DATA, "--steps", "2e3", "--lr", "1/1000", "--engine", "numpy",
                 "--out", str(out), "--force"]) == 0
    assert not (out / "figure3.png").exists()  # --force replaced the folder, no stale files
    summary = json.loads((out / "summary.json").read_text())
    assert summary["config"]["steps"] == 2000 and summary["config"]["lr"] == 0.001


def test_existing_output_files_are_refused_unless_forced(tmp_path, capsys):
    f = tmp_path / "cert.json"
    f.write_text("keep me")
    assert main(["certify", "--example", "origin-saddle", "-o", str(f)]) == 2
    assert f.read_text() == "keep me" and "--force" in capsys.readouterr().err
    assert main(["certify", "--example", "origin-saddle", "-o", str(f), "--force"]) == 0
    assert json.loads(f.read_text())["verdict"] == "saddle"


def test_snap_refuses_steps_outside_the_run_and_says_when_it_rounds(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["train", DATA, "--steps", "2000", "--checkpoint-every", "500", "--engine", "numpy",
                 "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["snap", str(out), "--at", "99999999"]) == 2
    err = capsys.readouterr().err
    assert "outside the run" in err and "from step 0 to 2000" in err
    assert main(["snap", str(out), "--at", "123", "--out", str(tmp_path / "s.json")]) == 0
    assert "step 123 is not a checkpoint" in capsys.readouterr().err


def test_phases_of_a_diverged_run_say_so(tmp_path, capsys):
    # absolute-value activation: no neuron can die, so a huge step overflows to inf
    data = json.loads(pathlib.Path(DATA).read_text())
    data["activation"] = {"alpha_plus": "1", "alpha_minus": "-1"}
    (tmp_path / "abs.json").write_text(json.dumps(data))
    out = tmp_path / "run"
    assert main(["train", str(tmp_path / "abs.json"), "--steps", "300", "--lr", "1e4", "--init-std", "1",
                 "--engine", "numpy", "--out", str(out)]) == 0
    assert "DIVERGED" in capsys.readouterr().out
    assert main(["phases", str(out)]) == 0
    text = capsys.readouterr().out
    assert "DIVERGED" in text and "final state" not in text


def test_split_out_holds_the_reported_point(tmp_path, capsys):
    out = tmp_path / "p.json"
    assert main(["split", "--example", "final-minimum", "--gd-steps", "3000", "--gd-lr", "1e-3",
                 "-o", str(out), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    written = exactland.load(out)
    final = report["continued"] or {"loss": report["loss_after"]}
    assert own_loss_of(written) == Fraction(final["loss"])  # exact loss of the file = the reported one


def test_broken_pipe_prints_no_traceback():
    cmd = f"{sys.executable} -m exactland certify --example origin-saddle | head -1"
    res = subprocess.run(cmd, shell=True, capture_output=True, text=True, cwd=ROOT)
    assert res.stdout.startswith("verdict:") and "Traceback" not in res.stderr


def test_did_you_mean_and_flags_anywhere(capsys):
    with pytest.raises(SystemExit):
        main(["certfy", "--example", "origin-saddle"])
    assert "did you mean 'certify'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["certify", "--jsn", "--example", "origin-saddle"])
    assert "did you mean --json" in capsys.readouterr().err
    # embed's options are accepted before the operation as well as after it
    assert main(["embed", "--example", "final-minimum", "--certify", "replicate", "--neuron", "0",
                 "--beta", "1,1", "--gamma", "1/2,1/2"]) == 0
    assert "agree: yes" in capsys.readouterr().out


def test_version_and_defaults_in_help(capsys):
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.startswith("exactland ")
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    text = capsys.readouterr().out
    for option in ("--width", "--init-std", "--lr", "--steps", "--seed", "--engine", "--loss"):
        block = text[text.index("\n  " + option):][:300]
        assert "default" in block, option


def test_ctrl_c_during_a_batch_keeps_the_finished_seeds(tmp_path):
    out = tmp_path / "run"
    cmd = [sys.executable, "-m", "exactland", "train", DATA, "--seeds", "0:48", "--steps", "4000",
           "--engine", "numpy", "--out", str(out)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    deadline = time.monotonic() + 120
    while not (out / "summary.json").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130 and "Traceback" not in err, err
    run = exactland.dynamics.run.load_run(out) if hasattr(exactland, "dynamics") else None
    from exactland.dynamics.run import load_run

    run = load_run(out)
    assert 16 <= run.n_seeds < 48  # the finished chunks, complete and loadable
    assert run.config.seeds == tuple(range(run.n_seeds))

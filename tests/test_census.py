"""The census: a grid of runs on a Dask LocalCluster, resumption, a killed
worker, refused configurations."""
from __future__ import annotations

import argparse
import json
import os
import pathlib
import signal
import threading
import time

import pytest

pytest.importorskip("distributed")

from exactland.census.config import load_census, parse_census  # noqa: E402
from exactland.census.engine import local_cluster, read_records, run_census  # noqa: E402
from exactland.census.tasks import VERDICTS, single_run  # noqa: E402
from exactland.errors import InputError  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]
DATA = ROOT / "examples" / "experiments" / "section-4.1.1.json"

SMALL = f"""
[[data]]
file = "{DATA.as_posix()}"
[[data]]
random = {{ samples = 4, dim = 2, outputs = 1, count = 1, seed = 3 }}
[grid]
width = [6]
init_std = [1e-3]
lr = [1e-2]
steps = [8000]
loss = "mse"
seeds = "0:3"
"""


@pytest.fixture(scope="module")
def client():
    from distributed import Client

    cluster = local_cluster(2)
    c = Client(cluster)
    yield c
    c.close()
    cluster.close()


def _write(tmp: pathlib.Path, text: str, name: str = "census.toml") -> pathlib.Path:
    p = tmp / name
    p.write_text(text, encoding="utf-8")
    return p


def _lines(path: pathlib.Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def test_small_grid_matches_single_runs(client, tmp_path):
    census = load_census(_write(tmp_path, SMALL))
    res = run_census(census, tmp_path / "out", client=client, progress=False)
    assert (res.computed, res.skipped, res.lost) == (6, 0, 0)
    records = read_records(tmp_path / "out" / "results.jsonl")
    assert len(_lines(tmp_path / "out" / "results.jsonl")) == 6
    for spec in census.runs():
        assert records[spec.key] == single_run(spec), spec
    rec = records[census.runs()[0].key]
    assert rec["error"] is None and rec["points"][-1]["at"] == "final"
    assert {"dataset", "width", "init_std", "lr", "steps", "seed", "final_loss", "plateaus", "points",
            "error", "key"} <= rec.keys()
    assert {"at", "step", "verdict", "loss", "escape_neurons", "groups"} <= rec["points"][0].keys()
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert set(summary["overall"]["final"]) == set(VERDICTS)
    assert sum(summary["overall"]["final"].values()) == 6 and summary["missing_runs"] == 0
    assert [c["runs"] for c in summary["cells"]] == [3, 3]
    assert (tmp_path / "out" / "verdicts.png").stat().st_size > 0
    assert (tmp_path / "out" / "escapes.png").stat().st_size > 0


def test_resume_recomputes_only_missing_runs(client, tmp_path):
    census = load_census(_write(tmp_path, SMALL))
    out = tmp_path / "out"
    run_census(census, out, client=client, progress=False)
    summary = (out / "summary.json").read_text()
    results = out / "results.jsonl"
    lines = _lines(results)
    kept = lines[:2] + lines[4:]
    results.write_text("\n".join(kept) + "\n" + lines[2][:40], encoding="utf-8")  # and a torn line
    res = run_census(census, out, client=client, progress=False)
    assert (res.computed, res.skipped, res.lost) == (2, 4, 0)
    after = _lines(results)
    assert after[:4] == kept and len(after) == 6
    assert sorted(json.loads(x)["key"] for x in after) == sorted(r.key for r in census.runs())
    assert (out / "summary.json").read_text() == summary
    again = run_census(census, out, client=client, progress=False)  # nothing left to do
    assert (again.computed, again.skipped) == (0, 6) and _lines(results) == after


def test_another_config_in_the_folder_is_refused(client, tmp_path):
    run_census(load_census(_write(tmp_path, SMALL)), tmp_path / "out", client=client, progress=False)
    other = load_census(_write(tmp_path, SMALL.replace("0:3", "0:2"), "other.toml"))
    with pytest.raises(InputError) as exc:
        run_census(other, tmp_path / "out", client=client, progress=False)
    assert exc.value.where == "--out"
    import fcntl

    census = load_census(tmp_path / "census.toml")
    (tmp_path / "out" / "results.jsonl").write_text("")  # every record gone: all would be recomputed
    with open(tmp_path / "out" / "results.jsonl", "a") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)  # a second census writing to the same folder
        with pytest.raises(InputError, match="another census"):
            run_census(census, tmp_path / "out", client=client, progress=False)
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "x.txt").write_text("x")
    with pytest.raises(InputError, match="not empty"):
        run_census(other, tmp_path / "junk", client=client, progress=False)


def test_cli_refuses_before_work_and_force_replaces(tmp_path, monkeypatch):
    from exactland.census import engine
    from exactland.cli import census as cli

    ap = argparse.ArgumentParser()
    cli.register(ap.add_subparsers())
    cfg = _write(tmp_path, SMALL)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "old.txt").write_text("old")
    args = ap.parse_args(["census", str(cfg), "--out", str(tmp_path / "out"), "--workers", "2"])
    with pytest.raises(InputError) as exc:
        args.handler(args)
    assert exc.value.where == "--out" and (tmp_path / "out" / "old.txt").exists()
    calls = []
    monkeypatch.setattr(cli, "_census", cli._census)  # the handler itself, no cluster started:
    monkeypatch.setattr(engine, "run_census", lambda *a, **k: calls.append((a, k)) or _Done(tmp_path))
    args = ap.parse_args(["census", str(cfg), "--out", str(tmp_path / "out"), "--force"])
    assert args.handler(args) == 0
    assert not (tmp_path / "out" / "old.txt").exists() and (tmp_path / "out" / "census.json").exists()
    assert calls and calls[0][1]["workers"] is None


class _Done:
    def __init__(self, folder):
        self.folder, self.computed, self.skipped, self.lost = folder, 0, 0, 0
        self.summary = {"expected_runs": 0, "overall": {"runs": 0, "errors": 0, "final": {}}}


def test_killed_worker_loses_no_record(client, tmp_path):
    text = SMALL.replace('init_std = [1e-3]', 'init_std = [1e-3, 1e-4, 1e-5, 1e-6]') \
        .replace("steps = [8000]", "steps = [150000]").replace('"0:3"', '"0:2"')
    census = load_census(_write(tmp_path, text))
    out = tmp_path / "out"
    pids = client.run(os.getpid)
    killed: list[int] = []

    def killer() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            busy = [w for w, tasks in client.processing().items() if tasks and w in pids]
            done = (out / "results.jsonl").exists() and (out / "results.jsonl").read_text().count("\n") >= 1
            if busy and done:
                os.kill(pids[busy[0]], signal.SIGKILL)
                killed.append(pids[busy[0]])
                return
            time.sleep(0.05)

    t = threading.Thread(target=killer)
    t.start()
    res = run_census(census, out, client=client, progress=False)
    t.join()
    assert killed, "no worker was busy after the first record: the grid is too small to test this"
    lines = _lines(out / "results.jsonl")
    keys = [json.loads(x)["key"] for x in lines]
    assert sorted(keys) == sorted(r.key for r in census.runs()) and res.lost == 0
    assert json.loads((out / "summary.json").read_text())["missing_runs"] == 0


@pytest.mark.parametrize("change, where", [
    (("width = [6]", "widht = [6]"), "grid.widht"),
    (("width = [6]", "width = [-3]"), "grid.width[0]"),
    (('seeds = "0:3"', 'seeds = "0:x"'), "grid.seeds"),
    (("section-4.1.1.json", "no-such-file.json"), "data[0].file"),
    (("count = 1,", "count = 1, colour = 2,"), "data[1].random.colour"),
    (("init_std = [1e-3]", "init_std = [-1e-3]"), "grid.init_std[0]"),
    (('loss = "mse"', 'loss = "l1"'), "grid.loss"),
    (("dim = 2", "dim = 1"), "data[1].random.dim"),
])
def test_bad_configs_are_refused_with_the_field(tmp_path, change, where):
    text = SMALL.replace(*change)
    assert text != SMALL
    with pytest.raises(InputError) as exc:
        load_census(_write(tmp_path, text))
    assert exc.value.where == where, str(exc.value)


def test_config_parsing_and_keys():
    import tomllib

    a = parse_census(tomllib.loads(SMALL))
    b = parse_census(tomllib.loads(SMALL.replace('seeds = "0:3"', "seeds = [0, 1, 2]")))
    assert a.key == b.key and [r.key for r in a.runs()] == [r.key for r in b.runs()]
    assert len({r.key for r in a.runs()}) == 6
    c = parse_census(tomllib.loads(SMALL.replace("count = 1", "count = 2")))
    assert a.datasets[1] == c.datasets[1]  # growing count keeps the first data sets
    with pytest.raises(InputError) as exc:
        parse_census({"grid": {}})
    assert exc.value.where == "data"

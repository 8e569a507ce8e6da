"""Run a census on Dask ``distributed`` and keep its results folder.

``DIR/`` holds

* ``census.json`` — the configuration in canonical form and its key; a folder
  whose key differs is refused (unless ``force``, which empties it);
* ``results.jsonl`` — one record per finished run, appended by the client
  alone as runs finish, each line flushed and synced; a run whose key is
  already there is skipped, so running again resumes;
* ``summary.json`` — :func:`exactland.census.summary.summarize` of the records;
* ``verdicts.png``, ``escapes.png`` — :mod:`exactland.census.figures`.

One Dask task trains the missing seeds of a cell, one task per run snaps and
certifies; a killed worker loses only its current tasks, which the scheduler
runs again (and ``retries`` covers other transient failures). A run lost for
good (``KilledWorker`` after repeated deaths) has no record and is counted in
:attr:`CensusResult.lost`; running again computes it.
"""
from __future__ import annotations

import json
import logging
import os
import pathlib
import sys
from dataclasses import dataclass
from typing import Any

from exactland.census.config import Cell, Census, RunSpec, digest
from exactland.census.figures import plot_escapes, plot_verdicts
from exactland.census.summary import summarize
from exactland.census.tasks import run_record, train_cell
from exactland.errors import InputError

__all__ = ["CensusResult", "run_census", "read_records", "open_folder", "local_cluster", "RETRIES", "FORMAT"]

FORMAT = "exactland-census/1"
RETRIES = 2


@dataclass(frozen=True)
class CensusResult:
    """What one call of :func:`run_census` did."""

    folder: pathlib.Path
    summary: dict
    computed: int
    skipped: int
    lost: int


def read_records(path: pathlib.Path) -> dict[str, dict[str, Any]]:
    """Records of ``results.jsonl`` by key; a torn last line (a killed client) is cut off."""
    if not path.exists():
        return {}
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        data = data[: data.rfind(b"\n") + 1]
        with open(path, "r+b") as fh:
            fh.truncate(len(data))
    out: dict[str, dict[str, Any]] = {}
    for line in data.decode("utf-8").splitlines():
        if line.strip():
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(rec, dict) and isinstance(rec.get("key"), str):
                out.setdefault(rec["key"], rec)
    return out


def open_folder(out: str | pathlib.Path, census: Census) -> pathlib.Path:
    """The results folder: new or empty, or a census of the same configuration (resumed).

    Raises
    ------
    InputError
        A file, or a non-empty folder that is not a census of this configuration
        (the command line's ``--force`` empties it first).
    """
    p = pathlib.Path(out)
    if p.exists() and not p.is_dir():
        raise InputError(f"{p} is a file, not a folder", "--out")
    if p.is_dir() and any(p.iterdir()):
        try:
            meta = json.loads((p / "census.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            meta = None
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise InputError(f"{p} is not empty and holds no census; pass --force to replace its contents", "--out")
        if meta.get("config_key") != census.key:
            raise InputError(f"{p} holds a census of another configuration; pass --force to replace its "
                             "contents", "--out")
        return p
    p.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"format": FORMAT, "config_key": census.key, "config": census.normal}, indent=1)
    (p / "census.json").write_text(text + "\n", encoding="utf-8")
    return p


def local_cluster(workers: int) -> Any:
    """An in-process ``LocalCluster``: ``workers`` processes of one thread each."""
    from distributed import LocalCluster

    return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                        silence_logs=logging.ERROR, env={"NUMBA_NUM_THREADS": "1"})


def _client(workers: int | None, scheduler: str | None) -> tuple[Any, Any]:
    """``(client, cluster or None)``: an existing scheduler unchanged, or a new local cluster."""
    from distributed import Client

    if scheduler:
        try:
            return Client(scheduler, timeout="20s"), None
        except (OSError, TimeoutError) as exc:
            raise InputError(f"cannot reach the scheduler: {exc}", "--scheduler") from exc
    cluster = local_cluster(workers or os.cpu_count() or 1)
    return Client(cluster), cluster


def _submit(client: Any, census: Census, done: dict[str, Any]) -> list[Any]:
    """Train tasks (the missing seeds of a cell, in batches), one record task per missing run.

    A cell's seeds go into one train call unless there are fewer cells than
    twice the workers; then they are split so that every worker has work (a
    seed's trajectory does not depend on its batch).
    """
    todo = [(cell, [s for s in census.seeds if _key(cell, s) not in done]) for cell in census.cells]
    todo = [(c, seeds) for c, seeds in todo if seeds]
    workers = max(1, len(client.scheduler_info().get("workers", {})))
    chunks = max(1, -(-2 * workers // max(1, len(todo))))
    futures = []
    for cell, seeds in todo:
        size = max(1, -(-len(seeds) // chunks))
        for i in range(0, len(seeds), size):
            batch = tuple(seeds[i:i + size])
            trained = client.submit(train_cell, cell, batch, retries=RETRIES, pure=False,
                                    key=f"census-train-{digest([_key(cell, s) for s in batch])}")
            for n, seed in enumerate(batch):
                spec = RunSpec(cell, seed)
                futures.append(client.submit(run_record, trained, n, spec, retries=RETRIES, pure=False,
                                             key=f"census-run-{spec.key}"))
    return futures


def _key(cell: Cell, seed: int) -> str:
    return RunSpec(cell, seed).key


def _lock(fh: Any) -> None:
    """Hold an exclusive lock on the open results file: one writer per folder."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: no lock
        return
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        raise InputError("another census is writing to this folder", "--out") from None


def _collect(futures: list[Any], fh: Any, show: bool | None) -> tuple[int, int]:
    """Append each finished record to ``fh`` (flushed, synced); ``(written, lost)``."""
    from distributed import as_completed
    from tqdm import tqdm

    written = lost = 0
    disable = not sys.stderr.isatty() if show is None else not show
    with tqdm(total=len(futures), unit="run", file=sys.stderr, disable=disable) as bar:
        for fut in as_completed(futures):
            try:
                rec = fut.result()
            except Exception as exc:  # noqa: BLE001 - a lost run is reported, never written
                lost += 1
                bar.write(f"run lost: {type(exc).__name__}: {exc}", file=sys.stderr)
                continue
            finally:
                bar.update(1)
            fh.write(json.dumps(rec, sort_keys=True) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
            written += 1
            fut.release()
    return written, lost


def run_census(
    census: Census,
    out: str | pathlib.Path,
    *,
    client: Any = None,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool | None = None,
) -> CensusResult:
    """Run (or resume) ``census`` into the folder ``out``.

    Parameters
    ----------
    census : Census
    out : path
        Results folder (see the module docstring); refused if it holds another census.
    client : distributed.Client, optional
        Use this client (its cluster unchanged); otherwise ``scheduler`` or a
        new ``LocalCluster`` of ``workers`` processes (default: one per CPU).
    progress : bool, optional
        Show a progress bar on standard error (default: when it is a terminal).
    """
    folder = open_folder(out, census)
    results = folder / "results.jsonl"
    with open(results, "a", encoding="utf-8") as fh:
        _lock(fh)
        done = read_records(results)
        expected = {r.key for r in census.runs()}
        skipped = len(expected & done.keys())
        written = lost = 0
        if skipped < len(expected):
            own = None
            if client is None:
                client, own = _client(workers, scheduler)
            try:
                written, lost = _collect(_submit(client, census, done), fh, progress)
            finally:
                if own is not None:
                    client.close()
                    own.close()
    records = read_records(results)
    summary = summarize(census, records)
    (folder / "summary.json").write_text(json.dumps(summary, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    mine = [records[r.key] for r in census.runs() if r.key in records]
    plot_verdicts(mine, folder / "verdicts.png")
    plot_escapes(mine, folder / "escapes.png")
    return CensusResult(folder, summary, written, skipped, lost)

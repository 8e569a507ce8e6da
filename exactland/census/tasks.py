"""The work of a census, as plain functions that a Dask worker runs.

:func:`train_cell` trains the seeds of one cell in one call (the seeds are
independent: a seed's trajectory does not depend on which other seeds share
the batch); :func:`run_record` finds the plateaus of one seed, snaps every
plateau and the end, and returns the run's record. :func:`single_run` does
both for one run in-process (the reference the tests compare with).

A run that fails deterministically (a diverged run, a snap that raises) gets a
record with ``error`` set; only a lost worker leaves a run without a record.
"""
from __future__ import annotations

import math
from typing import Any

from exactland.census.config import Cell, RunSpec
from exactland.core.problem import load_data
from exactland.dynamics.checkpoints import snap_at
from exactland.dynamics.phases import phases
from exactland.dynamics.run import Run, train
from exactland.errors import ExactlandError

__all__ = ["train_cell", "run_record", "single_run", "TYPE_2", "UNSNAPPED", "VERDICTS"]

TYPE_2 = "type-2-minimum"
UNSNAPPED = "unsnapped"
#: Every verdict a summary counts (type-2 minima are not certified yet; "unsnapped": no exact point).
VERDICTS = ("saddle", "type-1-minimum", TYPE_2, "not-stationary", "undecided", UNSNAPPED)


def train_cell(cell: Cell, seeds: tuple[int, ...]) -> Run | str:
    """Train ``seeds`` of ``cell`` in one call; an error message when the data or settings fail."""
    try:
        return train(load_data(cell.data.content), cell.train_config(tuple(seeds)))
    except ExactlandError as exc:
        return f"training failed: {exc}"


def _point(run: Run, at: str, seed_index: int) -> dict[str, Any]:
    try:
        step, res = snap_at(run, at, seed_index)
    except ExactlandError as exc:
        return {"at": at, "step": None, "verdict": None, "loss": None, "escape_neurons": None,
                "groups": None, "note": exc.message}
    cert, iso = res.certificate, res.isolation
    return {
        "at": at,
        "step": step,
        "verdict": res.verdict,
        "loss": None if cert is None else str(cert.loss),
        "loss_interval": None if iso is None else [str(x) for x in iso.loss_interval],
        "escape_neurons": ([int(i) for i in iso.escape_neurons] if iso is not None else
                           None if cert is None else [int(i) for i in cert.escape_neurons]),
        "groups": None if res.structure is None else [[int(i) for i in g] for g in res.structure.groups],
        "distance": res.distance,
    }


def run_record(trained: Run | str, seed_index: int, spec: RunSpec) -> dict[str, Any]:
    """The record of seed ``seed_index`` of a trained cell (see :mod:`exactland.census`)."""
    rec: dict[str, Any] = {"key": spec.key, **spec.cell.label(), "seed": spec.seed,
                           "final_loss": None, "plateaus": [], "points": [], "error": None}
    if isinstance(trained, str):
        rec["error"] = trained
        return rec
    raw = trained.raw
    last = float(raw.losses[seed_index, -1])
    rec["final_loss"] = last if math.isfinite(last) else None
    try:
        ps = phases(trained, seed_index)
        plateaus = [p for p in ps if not p.final]
        rec["plateaus"] = [[int(p.start), int(p.end)] for p in plateaus]
        points = [_point(trained, f"plateau-{p.index}", seed_index) for p in plateaus]
        points.append(_point(trained, "final", seed_index))
        rec["points"] = points
    except (ExactlandError, ArithmeticError, ValueError) as exc:
        rec["error"] = f"{type(exc).__name__}: {exc}"
    div = int(raw.diverged_at[seed_index])
    if div >= 0 and rec["error"] is None:
        rec["error"] = f"diverged at step {div}"
    return rec


def single_run(spec: RunSpec) -> dict[str, Any]:
    """The record of one run computed in this process, with no batching and no cluster."""
    return run_record(train_cell(spec.cell, (spec.seed,)), 0, spec)


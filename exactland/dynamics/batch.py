"""Training many seeds in chunks, saving the run folder after every chunk.

An interrupted batch (Ctrl-C) therefore keeps every finished seed: the run
folder always holds a complete, loadable run of the seeds trained so far.
A seed's trajectory does not depend on the other seeds of its batch, so the
chunked run equals the run trained in one piece.
"""
from __future__ import annotations

import dataclasses
import pathlib
from typing import Callable

import numpy as np

from exactland.core.problem import Dataset
from exactland.dynamics.config import TrainConfig
from exactland.dynamics.run import Run, train
from exactland.dynamics.train import RawTrajectory
from exactland.errors import InternalError

__all__ = ["train_and_save", "CHUNK"]

#: Seeds trained per call of the kernel (a Ctrl-C loses at most one chunk).
CHUNK = 16


def train_and_save(dataset: Dataset, config: TrainConfig, folder: str | pathlib.Path,
                   progress: Callable[[int, int], None] | None = None, chunk: int = CHUNK,
                   init: tuple[np.ndarray, ...] | None = None, start: dict | None = None) -> Run:
    """Train every seed of ``config``, ``chunk`` seeds at a time, saving after each chunk.

    Parameters
    ----------
    dataset : Dataset
    config : TrainConfig
    folder : path
        The run folder (written after every chunk).
    progress : callable, optional
        ``progress(done_seeds, total_seeds)`` after each chunk.
    chunk : int
        Seeds per chunk.
    init : (W, H) or (W, H, b), optional
        Start point of every seed (see :func:`exactland.dynamics.run.train`).
    start : dict, optional
        Where the start point came from (kept in ``summary.json``).

    Returns
    -------
    Run
        The run of all seeds (also what the folder holds).
    """
    seeds = config.seeds
    done: Run | None = None
    for first in range(0, len(seeds), max(1, chunk)):
        part = train(dataset, dataclasses.replace(config, seeds=seeds[first:first + chunk]), init=init,
                     start=start)
        done = part if done is None else _merge(done, part, config)
        done.save(folder)
        if progress is not None:
            progress(len(done.config.seeds), len(seeds))
    if done is None:  # pragma: no cover - TrainConfig refuses an empty seed list
        raise InternalError("a batch without seeds")
    return done


def _merge(a: Run, b: Run, config: TrainConfig) -> Run:
    """The run of ``a``'s seeds followed by ``b``'s."""
    ra, rb = a.raw, b.raw
    raw = RawTrajectory(
        log_steps=ra.log_steps, losses=np.concatenate([ra.losses, rb.losses]), ckpt_steps=ra.ckpt_steps,
        W=np.concatenate([ra.W, rb.W], axis=1), H=np.concatenate([ra.H, rb.H], axis=1),
        diverged_at=np.concatenate([ra.diverged_at, rb.diverged_at]), seconds=ra.seconds + rb.seconds,
        engine=ra.engine, b=None if ra.b is None or rb.b is None else np.concatenate([ra.b, rb.b], axis=1))
    seeds = a.config.seeds + b.config.seeds
    return Run(a.dataset, dataclasses.replace(config, seeds=seeds), raw, a.start)

"""A training run on disk: the documented ``run/`` folder format.

``run/`` contains

* ``data.json`` — the exact data (activation, X, Y) the run was trained on;
* ``trajectory.npz`` — NumPy arrays (S = number of seeds, T log points,
  C checkpoints, I neurons, d inputs, J outputs):
  ``log_steps (T,)``, ``losses (S, T)`` (the run's loss convention; NaN after a
  divergence), ``ckpt_steps (C,)``, ``W (C, S, I, d)``, ``H (C, S, J, I)``,
  ``diverged_at (S,)`` (first step with a non-finite value, -1 if none);
  with an output bias (``config.bias``) also ``b (C, S, J)``; a folder without
  ``b`` (every run written before the bias existed) is a run without a bias;
* ``summary.json`` — ``{"format": "exactland-run/1", "config": {...},
  "engine", "seconds", "steps_per_second", "seeds": [...], "final_loss": [...],
  "diverged_at": [...]}``, and ``"start": {"from": PATH, "digest": "sha256:…"}``
  for a run continued from a problem's point (``train --from``).
"""
from __future__ import annotations

import json
import math
import pathlib
from dataclasses import asdict, dataclass
from typing import Any, Callable

import numpy as np

from exactland.core.problem import Dataset, Problem, load_data
from exactland.dynamics.snap import snap
from exactland.dynamics.config import TrainConfig
from exactland.dynamics.train import RawTrajectory, gradient_descent
from exactland.errors import InputError, JSONFormatError
from exactland.exact.scalars import to_float, to_str

__all__ = ["Run", "train", "load_run", "float_data", "float_point", "continue_gd", "FORMAT"]

FORMAT = "exactland-run/1"


def float_data(ds: Dataset) -> tuple[np.ndarray, np.ndarray, tuple[float, float]]:
    """The named conversion of exact data to float64 arrays (X, Y, (a⁺, a⁻)).

    Raises
    ------
    InputError
        An entry too large for float64 (it would overflow or round to inf),
        named with its position.
    """
    X = np.array([[_float64(x, f"X[{k}][{c}]") for c, x in enumerate(row)] for k, row in enumerate(ds.X)],
                 dtype=np.float64)
    Y = np.array([[_float64(y, f"Y[{k}][{j}]") for j, y in enumerate(row)] for k, row in enumerate(ds.Y)],
                 dtype=np.float64)
    act = ds.activation
    return X, Y, (_float64(act.alpha_plus, "alpha_plus"), _float64(act.alpha_minus, "alpha_minus"))


def float_point(problem: Problem) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """The named conversion of an exact point to float64 arrays ``(W, H, b)``.

    Every entry becomes its nearest float64 (:func:`exactland.exact.scalars.to_float`;
    irrational algebraic entries too). This only chooses where gradient
    descent starts; nothing is decided in floats. ``b`` is None when the
    problem has no output bias.

    Raises
    ------
    InputError
        An entry too large for float64, named with its position.

    Examples
    --------
    >>> from exactland.core.problem import load
    >>> p = load({"activation": {"alpha_plus": 1, "alpha_minus": 0}, "X": [[1, 0]], "Y": [[1]],
    ...           "W": [["1/3", "sqrt(2)"]], "H": [["-2"]], "b": ["1/4"]})
    >>> W, H, b = float_point(p)
    >>> W.tolist(), H.tolist(), b.tolist()
    ([[0.3333333333333333, 1.4142135623730951]], [[-2.0]], [0.25])
    """
    W = np.array([[_float64(w, f"W[{i}][{c}]") for c, w in enumerate(row)] for i, row in enumerate(problem.W)],
                 dtype=np.float64)
    H = np.array([[_float64(h, f"H[{j}][{i}]") for i, h in enumerate(row)] for j, row in enumerate(problem.H)],
                 dtype=np.float64).reshape(problem.n_outputs, problem.n_neurons)
    b = None if problem.b is None else np.array([_float64(c, f"b[{j}]") for j, c in enumerate(problem.b)],
                                                dtype=np.float64)
    return W, H, b


def _float64(x: Any, where: str) -> float:
    try:
        value = to_float(x)
    except OverflowError:
        value = float("inf")
    if not math.isfinite(value):
        raise InputError("too large for float64 training (it overflows to inf)", where)
    return value


@dataclass(frozen=True)
class Run:
    """A finished gradient-descent run with its exact data.

    Attributes
    ----------
    dataset : Dataset
    config : TrainConfig
    raw : RawTrajectory
    start : dict or None
        Where a continued run started (``{"from": path, "digest": …}``),
        None for a run from a random initialisation.
    """

    dataset: Dataset
    config: TrainConfig
    raw: RawTrajectory
    start: dict | None = None

    @property
    def n_seeds(self) -> int:
        """Number of seeds S."""
        return len(self.config.seeds)

    def summary(self) -> dict:
        """The JSON summary (see the module docstring)."""
        raw = self.raw
        final = [None if not np.isfinite(v) else float(v) for v in raw.losses[:, -1]]
        sps = self.config.steps / raw.seconds if raw.seconds > 0 else None
        out = {
            "format": FORMAT,
            "config": asdict(self.config),
            "engine": raw.engine,
            "seconds": raw.seconds,
            "steps_per_second": sps,
            "seeds": list(self.config.seeds),
            "final_loss": final,
            "diverged_at": [int(x) for x in raw.diverged_at],
        }
        if self.start is not None:
            out["start"] = dict(self.start)
        return out

    def save(self, folder: str | pathlib.Path) -> pathlib.Path:
        """Write the run to ``folder`` (created if needed)."""
        out = pathlib.Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        d = self.dataset
        data = {
            "activation": {"alpha_plus": to_str(d.activation.alpha_plus),
                           "alpha_minus": to_str(d.activation.alpha_minus)},
            "X": [[to_str(x) for x in row] for row in d.X],
            "Y": [[to_str(y) for y in row] for row in d.Y],
        }
        (out / "data.json").write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        r = self.raw
        bias = {} if r.b is None else {"b": r.b}
        np.savez_compressed(out / "trajectory.npz", log_steps=r.log_steps, losses=r.losses,
                            ckpt_steps=r.ckpt_steps, W=r.W, H=r.H, diverged_at=r.diverged_at, **bias)
        (out / "summary.json").write_text(json.dumps(self.summary(), indent=1) + "\n", encoding="utf-8")
        return out


def train(
    dataset: Dataset,
    config: TrainConfig,
    progress: Callable[[int, int], None] | None = None,
    init: tuple[np.ndarray, ...] | None = None,
    start: dict | None = None,
) -> Run:
    """Train on exact data (converted to float64 by :func:`float_data`).

    ``init`` is a start point ``(W, H)`` or ``(W, H, b)`` for every seed
    (:func:`float_point` of an exact one), ``start`` the record of where it
    came from (kept in ``summary.json``).

    Examples
    --------
    >>> from exactland.builtin.examples import load_example
    >>> ds = load_example("origin-saddle").dataset
    >>> run = train(ds, TrainConfig(width=4, init_std=1e-3, lr=1e-2, steps=200,
    ...                             log_every=50, checkpoint_every=100, engine="numpy"))
    >>> run.raw.losses.shape
    (1, 5)
    """
    X, Y, alpha = float_data(dataset)
    return Run(dataset, config, gradient_descent(X, Y, alpha, config, progress, init), start)


def load_run(folder: str | pathlib.Path) -> Run:
    """Read a run folder written by :meth:`Run.save`.

    Raises
    ------
    JSONFormatError
        Missing files or an unknown format.
    """
    src = pathlib.Path(folder)
    try:
        summary = json.loads((src / "summary.json").read_text(encoding="utf-8"))
        arrays = np.load(src / "trajectory.npz")
    except (OSError, ValueError) as exc:
        raise JSONFormatError(f"not a run folder: {exc}", str(src)) from exc
    if summary.get("format") != FORMAT:
        raise JSONFormatError(f"unknown run format {summary.get('format')!r}", str(src / "summary.json"))
    cfg = dict(summary["config"])
    cfg["seeds"] = tuple(cfg["seeds"])
    bias = arrays["b"] if "b" in arrays.files else None
    cfg["bias"] = bias is not None
    raw = RawTrajectory(arrays["log_steps"], arrays["losses"], arrays["ckpt_steps"], arrays["W"],
                        arrays["H"], arrays["diverged_at"], float(summary["seconds"]), summary["engine"], bias)
    return Run(load_data(src / "data.json"), TrainConfig(**cfg), raw, summary.get("start"))


def continue_gd(problem: Problem, steps: int, lr: float, loss: str = "mse") -> Problem:
    """Gradient descent from an exact point, snapped back to an exact point.

    The continuation hook of :func:`exactland.embedding.split.split`: the float path
    moves on from ``problem``'s point for ``steps`` steps and the final float
    point is turned into an exact stationary candidate by
    :func:`exactland.dynamics.snap.snap` (the start point itself if no guess
    survives). An output bias of ``problem`` is trained and snapped with it.
    """
    W0, H0, b0 = float_point(problem)
    cfg = TrainConfig(width=problem.n_neurons, init_std=0.0, lr=lr, steps=steps, loss=loss,
                      log_every=max(1, steps // 100), checkpoint_every=steps, bias=b0 is not None)
    run = train(problem.dataset, cfg, init=(W0, H0, b0))
    b_end = None if run.raw.b is None else run.raw.b[-1, 0]
    res = snap(problem.dataset, run.raw.W[-1, 0], run.raw.H[-1, 0], b=b_end)
    return res.problem if res.certificate is not None else problem  # an exact point (not an isolation center)

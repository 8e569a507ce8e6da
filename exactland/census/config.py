"""The census configuration: a TOML file read with :mod:`tomllib`, checked in
full before any work starts.

::

    [[data]]
    file = "examples/experiments/section-4.1.1.json"   # exact data (X, Y, activation)
    [[data]]
    random = { samples = 8, dim = 3, outputs = 2, count = 50, seed = 0 }
    [grid]
    width = [50]
    init_std = [8e-6, 1e-4]
    lr = [1e-3]
    steps = [600000]
    loss = "mse"
    seeds = "0:8"          # "a:b", "a,b,c", an integer or a list of integers
    # optional: log_every, checkpoint_every (default steps/3000 and steps/600),
    # engine = "auto" | "numba" | "numpy"

A ``[[data]]`` entry may also carry ``name``. A relative ``file`` is looked up
in the current folder first, then next to the configuration file. Random data
sets have exact entries (multiples of 1/10 in [-1, 1]) drawn from one
``random.Random(seed)`` stream, so the first ``count`` sets do not change when
``count`` grows. The activation of random data is ReLU.

Every run (one data set, one grid cell, one seed) is a pure function of its
settings; :attr:`RunSpec.key` is the SHA-256 of their canonical JSON (the data
set enters by its exact content).
"""
from __future__ import annotations

import hashlib
import itertools
import pathlib
import random
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from exactland.core.problem import load_data
from exactland.dynamics.config import TrainConfig
from exactland.errors import ExactlandError, InputError
from exactland.exact.digest import canonical_json
from exactland.exact.scalars import to_str

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: the tomli backport, when installed
    try:
        import tomli as tomllib
    except ModuleNotFoundError:
        tomllib = None  # type: ignore[assignment]

__all__ = ["DataSet", "Cell", "RunSpec", "Census", "load_census", "parse_census", "parse_seeds", "digest"]

_TOP = {"data", "grid", "description"}
_DATA = {"file", "random", "name"}
_RANDOM = {"samples", "dim", "outputs", "count", "seed"}
_GRID = {"width", "init_std", "lr", "steps", "loss", "seeds", "log_every", "checkpoint_every", "engine"}


def digest(obj: Any) -> str:
    """SHA-256 (hex, first 16 bytes) of the canonical JSON of ``obj``."""
    return hashlib.sha256(canonical_json(obj).encode()).hexdigest()[:32]


@dataclass(frozen=True)
class DataSet:
    """One data set of the census: a name and its exact content (JSON-ready strings)."""

    name: str
    content: dict

    @property
    def key(self) -> str:
        return digest(self.content)


@dataclass(frozen=True)
class Cell:
    """One (data set, width, init_std, lr, steps) cell; its seeds are batched into one train call."""

    data: DataSet
    width: int
    init_std: float
    lr: float
    steps: int
    loss: str
    log_every: int
    checkpoint_every: int
    engine: str

    def train_config(self, seeds: tuple[int, ...]) -> TrainConfig:
        """The :class:`TrainConfig` of this cell for ``seeds``."""
        return TrainConfig(width=self.width, init_std=self.init_std, lr=self.lr, steps=self.steps,
                           loss=self.loss, seeds=seeds, log_every=self.log_every,
                           checkpoint_every=self.checkpoint_every, engine=self.engine)

    def label(self) -> dict:
        """The cell's fields as they appear in records and the summary."""
        return {"dataset": self.data.name, "width": self.width, "init_std": self.init_std,
                "lr": self.lr, "steps": self.steps}


@dataclass(frozen=True)
class RunSpec:
    """One run: a cell and a seed."""

    cell: Cell
    seed: int

    @property
    def key(self) -> str:
        c = self.cell
        return digest({"data": c.data.key, "name": c.data.name, "width": c.width, "init_std": repr(c.init_std),
                       "lr": repr(c.lr), "steps": c.steps, "loss": c.loss, "seed": self.seed,
                       "log_every": c.log_every, "checkpoint_every": c.checkpoint_every, "engine": c.engine})


@dataclass(frozen=True)
class Census:
    """A checked census configuration."""

    datasets: tuple[DataSet, ...]
    cells: tuple[Cell, ...]
    seeds: tuple[int, ...]
    normal: dict  # the configuration in canonical form (data by content digest)

    @property
    def key(self) -> str:
        return digest(self.normal)

    def runs(self) -> list[RunSpec]:
        """Every run, in configuration order."""
        return [RunSpec(c, s) for c in self.cells for s in self.seeds]


def load_census(path: str | pathlib.Path) -> Census:
    """Read and check a census TOML file.

    Raises
    ------
    InputError
        Unreadable TOML or a bad field; the message names the field.
    """
    p = pathlib.Path(path)
    if tomllib is None:
        raise InputError("reading TOML needs Python 3.11 or the tomli package", str(p))
    try:
        raw = tomllib.loads(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read the configuration: {exc.strerror or exc}", str(p)) from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"not valid TOML: {exc}", str(p)) from exc
    return parse_census(raw, p.parent)


def parse_census(raw: dict, base: pathlib.Path = pathlib.Path(".")) -> Census:
    """Check a parsed configuration (see the module docstring)."""
    _known(raw, _TOP, "")
    if "data" not in raw:
        raise InputError("missing: at least one [[data]] entry is needed", "data")
    entries = raw["data"]
    if not isinstance(entries, list) or not entries or not all(isinstance(e, dict) for e in entries):
        raise InputError("expected one or more [[data]] tables", "data")
    datasets: list[DataSet] = []
    for n, entry in enumerate(entries):
        datasets += _data_entry(entry, f"data[{n}]", base)
    names = [d.name for d in datasets]
    dup = next((x for x in names if names.count(x) > 1), None)
    if dup is not None:
        raise InputError(f"two data sets are named {dup!r}; give one a 'name'", "data")
    grid = raw.get("grid")
    if not isinstance(grid, dict):
        raise InputError("missing or not a table: a [grid] table is needed", "grid")
    _known(grid, _GRID, "grid.")
    cells, seeds, normal_grid = _grid(grid, datasets)
    normal = {"data": [{"name": d.name, "key": d.key} for d in datasets], "grid": normal_grid}
    return Census(tuple(datasets), tuple(cells), seeds, normal)


def _known(table: dict, allowed: set[str], prefix: str) -> None:
    for k in table:
        if k not in allowed:
            raise InputError(f"unknown key {k!r} (expected one of {', '.join(sorted(allowed))})", f"{prefix}{k}")


def _data_entry(entry: dict, where: str, base: pathlib.Path) -> list[DataSet]:
    _known(entry, _DATA, f"{where}.")
    if ("file" in entry) == ("random" in entry):
        raise InputError("give exactly one of 'file' and 'random'", where)
    name = entry.get("name")
    if name is not None and (not isinstance(name, str) or not name):
        raise InputError("expected a non-empty string", f"{where}.name")
    if "file" in entry:
        return [_file_data(entry["file"], name, f"{where}.file", base)]
    spec = entry["random"]
    if not isinstance(spec, dict):
        raise InputError("expected a table {samples, dim, outputs, count, seed}", f"{where}.random")
    _known(spec, _RANDOM, f"{where}.random.")
    for k in ("samples", "dim", "outputs"):
        if k not in spec:
            raise InputError("missing", f"{where}.random.{k}")
    K = _int(spec["samples"], f"{where}.random.samples", 1)
    d = _int(spec["dim"], f"{where}.random.dim", 2)
    J = _int(spec["outputs"], f"{where}.random.outputs", 1)
    count = _int(spec.get("count", 1), f"{where}.random.count", 1)
    seed = _int(spec.get("seed", 0), f"{where}.random.seed", 0)
    stem = name or f"random-{K}x{d}x{J}-seed{seed}"
    return [DataSet(f"{stem}-{i}", c) for i, c in enumerate(random_data(K, d, J, count, seed))]


def _file_data(value: Any, name: str | None, where: str, base: pathlib.Path) -> DataSet:
    if not isinstance(value, str) or not value:
        raise InputError("expected a file name", where)
    p = pathlib.Path(value)
    if not p.is_absolute() and not p.exists() and (base / p).exists():
        p = base / p
    if not p.is_file():
        raise InputError(f"no such file: {value}", where)
    try:
        ds = load_data(p)
    except ExactlandError as exc:
        raise InputError(f"{p}: {exc}", where) from exc
    content = {
        "activation": {"alpha_plus": to_str(ds.activation.alpha_plus),
                       "alpha_minus": to_str(ds.activation.alpha_minus)},
        "X": [[to_str(x) for x in row] for row in ds.X],
        "Y": [[to_str(y) for y in row] for row in ds.Y],
    }
    return DataSet(name or p.stem, content)


def random_data(samples: int, dim: int, outputs: int, count: int, seed: int) -> list[dict]:
    """``count`` exact data sets (JSON-ready), entries multiples of 1/10 in [-1, 1], ReLU."""
    rng = random.Random(seed)

    def entry() -> str:
        return str(Fraction(rng.randint(-10, 10), 10))

    out = []
    for _ in range(count):
        X = [[entry() for _ in range(dim)] for _ in range(samples)]
        Y = [[entry() for _ in range(outputs)] for _ in range(samples)]
        out.append({"activation": {"alpha_plus": "1", "alpha_minus": "0"}, "X": X, "Y": Y})
    return out


def _int(v: Any, where: str, least: int) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise InputError(f"expected an integer, got {v!r}", where)
    if v < least:
        raise InputError(f"must be at least {least}, got {v}", where)
    return v


def _float(v: Any, where: str, positive: bool) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise InputError(f"expected a number, got {v!r}", where)
    x = float(v)
    if not (x == x and abs(x) != float("inf")) or x < 0 or (positive and x == 0):
        raise InputError(f"must be a {'positive' if positive else 'non-negative'} finite number, got {v!r}", where)
    return x


def _list(grid: dict, key: str) -> list:
    if key not in grid:
        raise InputError("missing", f"grid.{key}")
    v = grid[key]
    v = v if isinstance(v, list) else [v]
    if not v:
        raise InputError("empty list", f"grid.{key}")
    return v


def parse_seeds(v: Any, where: str = "grid.seeds") -> tuple[int, ...]:
    """Seeds written ``"a:b"`` (a ≤ s < b), ``"a,b,c"``, an integer or a list of integers.

    Examples
    --------
    >>> parse_seeds("0:3"), parse_seeds("4,7"), parse_seeds([5])
    ((0, 1, 2), (4, 7), (5,))
    """
    if isinstance(v, list):
        seeds = tuple(_int(s, f"{where}[{n}]", 0) for n, s in enumerate(v))
    elif isinstance(v, int) and not isinstance(v, bool):
        seeds = (_int(v, where, 0),)
    elif isinstance(v, str):
        try:
            if ":" in v:
                a, b = v.split(":")
                seeds = tuple(range(int(a), int(b)))
            else:
                seeds = tuple(int(s) for s in v.split(","))
        except ValueError:
            raise InputError(f"expected 'a:b', 'a,b,c' or a list of integers, got {v!r}", where) from None
        if any(s < 0 for s in seeds):
            raise InputError(f"seeds are non-negative, got {v!r}", where)
    else:
        raise InputError(f"expected 'a:b', 'a,b,c' or a list of integers, got {v!r}", where)
    if not seeds:
        raise InputError(f"no seed in {v!r}", where)
    if len(set(seeds)) != len(seeds):
        raise InputError(f"a seed is repeated in {v!r}", where)
    return seeds


def _grid(grid: dict, datasets: list[DataSet]) -> tuple[list[Cell], tuple[int, ...], dict]:
    widths = [_int(w, f"grid.width[{n}]", 1) for n, w in enumerate(_list(grid, "width"))]
    stds = [_float(s, f"grid.init_std[{n}]", True) for n, s in enumerate(_list(grid, "init_std"))]
    lrs = [_float(s, f"grid.lr[{n}]", True) for n, s in enumerate(_list(grid, "lr"))]
    steps = [_int(s, f"grid.steps[{n}]", 1) for n, s in enumerate(_list(grid, "steps"))]
    loss = grid.get("loss", "mse")
    if loss not in ("mse", "half-sse"):
        raise InputError(f"must be 'mse' or 'half-sse', got {loss!r}", "grid.loss")
    engine = grid.get("engine", "auto")
    if engine not in ("auto", "numba", "numpy"):
        raise InputError(f"must be 'auto', 'numba' or 'numpy', got {engine!r}", "grid.engine")
    if "seeds" not in grid:
        raise InputError("missing", "grid.seeds")
    seeds = parse_seeds(grid["seeds"])
    log_every = grid.get("log_every")
    ck_every = grid.get("checkpoint_every")
    for v, k in ((log_every, "log_every"), (ck_every, "checkpoint_every")):
        if v is not None:
            _int(v, f"grid.{k}", 1)
    cells = []
    for data, w, s, lr, n in itertools.product(datasets, widths, stds, lrs, steps):
        cell = Cell(data, w, s, lr, n, loss, log_every or max(1, n // 3000), ck_every or max(1, n // 600), engine)
        try:
            cell.train_config(seeds)
        except InputError as exc:
            field = (exc.where or "").lstrip("-").replace("-", "_")
            raise InputError(exc.message, f"grid.{field}" if field else "grid") from exc
        cells.append(cell)
    normal = {"width": widths, "init_std": [repr(x) for x in stds], "lr": [repr(x) for x in lrs],
              "steps": steps, "loss": loss, "seeds": list(seeds), "log_every": log_every,
              "checkpoint_every": ck_every, "engine": engine}
    return cells, seeds, normal

"""Reading the data (X, Y) of an imported network: ``.npz``, ``.csv`` or exact JSON.

* ``.npz``: arrays ``X`` (|K|×d0) and ``Y`` (|K|×|J|, or |K| for one output);
  floats follow the float rule (:mod:`exactland.exact.floats`).
* ``.csv``: one sample per line, comma-separated, **the first d0 columns are X
  and the last |J| are Y**; d0 and |J| come from the weights (the split is
  never guessed), so a line must have exactly d0 + |J| fields. An optional
  header line (any field that is not a number, e.g. ``x1,x2,y``) is skipped.
  Every field is read as the exact number it spells (``0.1`` is 1/10, ``1/3``
  is 1/3): text is exact already, no float is involved. Blank lines are skipped.
* ``.json``: an object with ``X`` and ``Y`` in the problem-file notation
  (strings such as ``"1/3"``, JSON numbers read exactly); other fields (a
  whole problem file) are ignored.
"""
from __future__ import annotations

import pathlib
import zipfile
from dataclasses import dataclass
from typing import Any

import numpy as np

from exactland.errors import InputError, JSONFormatError, ShapeError
from exactland.exact.jsonio import read_json
from exactland.exact.scalars import parse_exact

__all__ = ["DATA_SUFFIXES", "Data", "read_csv", "read_data"]

DATA_SUFFIXES = (".npz", ".csv", ".json")


@dataclass(frozen=True)
class Data:
    """X and Y as read (arrays or exact nested lists) and a description of the source."""

    X: Any
    Y: Any
    description: str


def _is_number(text: str) -> bool:
    try:
        parse_exact(text.strip())
    except InputError:
        return False
    return True


def read_csv(path: str | pathlib.Path, d0: int, n_outputs: int) -> Data:
    """Read a CSV file of samples: d0 input columns, then ``n_outputs`` target columns.

    Raises
    ------
    ShapeError
        A line with another number of fields (line number and counts named).
    NotExactError
        A field that is not a number (line and column named).

    Examples
    --------
    >>> import tempfile, os
    >>> f = os.path.join(tempfile.mkdtemp(), "d.csv")
    >>> _ = open(f, "w").write("x1,x2,y\\n0.1,1,2\\n1/3,0,-1\\n")
    >>> read_csv(f, 2, 1).X
    [[1/10, 1], [1/3, 0]]
    """
    p = pathlib.Path(path)
    lines = [(n, ln) for n, ln in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if ln.strip()]
    if lines and not all(_is_number(f) for f in lines[0][1].split(",")):
        header, lines = lines[0][1], lines[1:]
    else:
        header = None
    if not lines:
        raise ShapeError(f"{p.name} has no data lines", "data")
    width = d0 + n_outputs
    X, Y = [], []
    for n, line in lines:
        fields = line.split(",")
        if len(fields) != width:
            raise ShapeError(f"line {n} has {len(fields)} fields; expected d0 + |J| = {d0} + {n_outputs} "
                             f"= {width} (inputs first, then targets; d0 and |J| from the weights)",
                             f"{p.name}")
        row = [parse_exact(f.strip(), f"{p.name} line {n} column {c + 1}") for c, f in enumerate(fields)]
        X.append(row[:d0])
        Y.append(row[d0:])
    head = f", header {header!r} skipped" if header else ""
    return Data(X, Y, f"{p.name}: {len(X)} samples, columns 1..{d0} = X, "
                      f"{d0 + 1}..{width} = Y (exact decimals){head}")


def _read_npz_data(p: pathlib.Path) -> Data:
    if p.is_file() and not zipfile.is_zipfile(p):  # np.load would try to unpickle it
        raise InputError(f"{p.name} is not a .npz file (not a zip archive of .npy arrays)", "data")
    try:
        with np.load(p, allow_pickle=False) as z:
            found = {k: z[k] for k in z.files}
    except (ValueError, OSError, EOFError) as exc:
        raise InputError(f"{p.name} is not a readable .npz file ({exc})", "data") from None
    missing = [k for k in ("X", "Y") if k not in found]
    if missing:
        raise JSONFormatError(f"{p.name} has no array(s) {missing}; arrays seen: "
                              + (", ".join(f"{k} {v.shape}" for k, v in found.items()) or "none"), "data")
    X, Y = found["X"], found["Y"]
    return Data(X, Y, f"{p.name}: X {X.shape} {X.dtype}, Y {Y.shape} {Y.dtype}")


def _read_json_data(p: pathlib.Path) -> Data:
    obj = read_json(p)
    if not isinstance(obj, dict) or "X" not in obj or "Y" not in obj:
        raise JSONFormatError(f"{p.name} must be a JSON object with X and Y", "data")
    return Data(obj["X"], obj["Y"], f"{p.name}: exact JSON, {len(obj['X'])} samples")


def read_data(path: str | pathlib.Path, d0: int, n_outputs: int) -> Data:
    """Read X and Y from ``path`` (``.npz``, ``.csv`` or ``.json``).

    Parameters
    ----------
    path : str or Path
    d0, n_outputs : int
        The input dimension and |J| of the network (from the weights); they
        split the columns of a CSV file.

    Raises
    ------
    InputError
        A missing file or an unknown suffix; the readers' errors otherwise.
    """
    p = pathlib.Path(path)
    if not p.is_file():
        raise InputError(f"{p} does not exist or is not a file", "data")
    suffix = p.suffix.lower()
    if suffix == ".npz":
        return _read_npz_data(p)
    if suffix == ".csv":
        return read_csv(p, d0, n_outputs)
    if suffix == ".json":
        return _read_json_data(p)
    raise InputError(f"{p.name}: unknown data format {suffix or '(no suffix)'!r}; expected "
                     f"{', '.join(DATA_SUFFIXES)}", "data")

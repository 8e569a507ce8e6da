"""The ``exactland import`` pipeline: weights file (+ data file) → exact problem and a report."""
from __future__ import annotations

import pathlib
from dataclasses import dataclass
from typing import Any

from exactland.core.problem import Problem
from exactland.errors import InputError
from exactland.exact.floats import float_rule
from exactland.importing.activation import describe_activation, parse_activation
from exactland.importing.arrays import from_arrays
from exactland.importing.data import read_data
from exactland.importing.weights import read_weights

__all__ = ["Imported", "import_network"]


@dataclass(frozen=True)
class Imported:
    """The problem and the lines that say what was found and how it was read."""

    problem: Problem
    report: tuple[str, ...]


def import_network(weights: str | pathlib.Path, data: str | pathlib.Path | None = None,
                   activation: Any = None, exact_binary: bool = False) -> Imported:
    """Read a weights file (and a data file) into an exact problem.

    Parameters
    ----------
    weights : path
        ``.npz``, ``.safetensors``, ``.pt``/``.pth`` (:mod:`exactland.importing.weights`).
    data : path, optional
        ``.npz``, ``.csv`` or ``.json`` (:mod:`exactland.importing.data`);
        may be omitted when the weights ``.npz`` holds X and Y.
    activation : spec, optional
        Default: the module's (saved ``nn.Sequential``), else ReLU (said in the report).
    exact_binary : bool
        The float rule (:mod:`exactland.exact.floats`).

    Raises
    ------
    InputError
        No data anywhere, or data in both places; the readers' errors.

    Examples
    --------
    >>> import numpy as np, tempfile, os
    >>> f = os.path.join(tempfile.mkdtemp(), "net.npz")
    >>> np.savez(f, W=np.array([[1.0, 0.5]]), H=np.array([[2.0]]), X=np.eye(2), Y=np.array([[1.0], [0.1]]))
    >>> imp = import_network(f)
    >>> imp.problem.W, imp.problem.Y
    (((1, 1/2),), ((1,), (1/10,)))
    """
    wf = read_weights(weights)
    L = wf.layers
    d0, n_out = L.W.shape[1], L.H.shape[0]
    if data is not None and wf.X is not None:
        raise InputError(f"{wf.path.name} holds X and Y already; drop --data or remove them", "--data")
    if data is None and (wf.X is None or wf.Y is None):
        raise InputError(f"no data: {wf.path.name} holds no X and Y; pass --data FILE (.npz, .csv or .json "
                         f"with X |K|×{d0} and Y |K|×{n_out})", "--data")
    if data is None:
        X, Y, data_desc = wf.X, wf.Y, f"in {wf.path.name}: X {wf.X.shape} {wf.X.dtype}, Y {wf.Y.shape} {wf.Y.dtype}"
    else:
        d = read_data(data, d0, n_out)
        X, Y, data_desc = d.X, d.Y, d.description
    if activation is not None:
        act, act_note = parse_activation(activation, "--activation"), "given"
    elif wf.activation is not None:
        act, act_note = wf.activation, "read from the saved model"
    else:
        act, act_note = parse_activation("relu"), "assumed: the file does not say; pass --activation"
    origin = {"source": wf.path.name, "format": wf.kind, "layers": L.keys, "dtype": L.dtype,
              "activation": describe_activation(act)}
    problem = from_arrays(L.W, L.H, X, Y, L.b, activation=act, input_bias=L.c,
                          exact_binary=exact_binary, origin=origin)
    report = [f"read {wf.path.name} ({wf.kind}), dtype {L.dtype}", *wf.notes, *L.summary(),
              f"activation: {describe_activation(act)} ({act_note})",
              f"data: {data_desc}",
              f"floats → exact numbers: {float_rule(exact_binary)}"]
    if L.c is not None:
        report.append(f"input bias {L.keys['c']} folded as a constant-1 input: X gets column "
                      f"{d0} (0-based), W gets its bias as column {d0}; d = {d0 + 1}")
    report.append(f"output bias: {'b = ' + L.keys['b'] if L.b is not None else 'none'}")
    p = problem
    report.append(f"problem: |K| = {p.n_samples}, d = {p.dim}, |I| = {p.n_neurons}, |J| = {p.n_outputs}")
    return Imported(problem, tuple(report))

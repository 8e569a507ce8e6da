"""Problems: data, activation and a point ``P = (W, H)`` in exact numbers.

The JSON form is a public contract (issue 2)::

    {"activation": {"alpha_plus": "1", "alpha_minus": "0"},
     "X": [["-1", "1"], ["-3/5", "1"]],
     "Y": [["0.28"], ["-0.1"]],
     "W": [["0", "0"], ["1/2", "1"]],
     "H": [["0", "-2"]]}

X is |K|×d, Y is |K|×|J|, W is |I|×d and H is |J|×|I| (the paper's shapes,
Section 2). Entries are strings, JSON integers or JSON decimal literals, each
read as the exact number it spells; real algebraic SymPy expressions such as
``"sqrt(2)/2"`` are accepted too (see :mod:`exactland.exact.scalars`).
"""
from __future__ import annotations

import json
import pathlib
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Mapping, Sequence

from flint import fmpq

from exactland.errors import (
    DimensionError,
    JSONFormatError,
    ShapeError,
)
from exactland.core.activation import Activation
from exactland.core.display import problem_html, problem_latex, problem_repr
from exactland.exact.digest import problem_digest
from exactland.exact.intmat import ScaledRows, scaled_rows
from exactland.exact.jsonio import read_json
from exactland.exact.scalars import parse_exact, to_str

__all__ = ["Dataset", "Problem", "load", "load_data", "parse_matrix"]

Matrix = tuple[tuple[Any, ...], ...]


def parse_matrix(
    value: Any, name: str, rows: int | None = None, cols: int | None = None
) -> Matrix:
    """Parse a JSON-style list of rows into a tuple of tuples of exact numbers.

    Parameters
    ----------
    value : list of lists
        Rows of exact entries (strings, ints, Decimals, Fractions, fmpq).
    name : str
        Field name used in error messages (``"X"``).
    rows, cols : int, optional
        Required shape.

    Returns
    -------
    tuple of tuples

    Raises
    ------
    ShapeError
        Not a list of equally long lists, or a shape mismatch.
    NotExactError
        An entry that is not exact; the message names ``name[r][c]``.

    Examples
    --------
    >>> parse_matrix([["1/2", 3]], "W")
    ((1/2, 3),)
    """
    if not isinstance(value, (list, tuple)) or any(
        not isinstance(r, (list, tuple)) for r in value
    ):
        raise ShapeError("must be a list of rows (a list of lists)", name)
    if len(value) == 0:
        raise ShapeError("must have at least one row", name)
    width = len(value[0])
    for r, row in enumerate(value):
        if len(row) != width:
            raise ShapeError(
                f"ragged rows: row 0 has {width} entries, row {r} has {len(row)}",
                f"{name}[{r}]",
            )
    if width == 0:
        raise ShapeError("rows must not be empty", name)
    if rows is not None and len(value) != rows:
        raise ShapeError(f"expected {rows} rows, got {len(value)}", name)
    if cols is not None and width != cols:
        raise ShapeError(f"expected {cols} columns, got {width}", name)
    return tuple(
        tuple(parse_exact(x, f"{name}[{r}][{c}]") for c, x in enumerate(row))
        for r, row in enumerate(value)
    )


def _transpose(m: Matrix) -> Matrix:
    return tuple(zip(*m)) if m else ()


@dataclass(frozen=True)
class Dataset:
    """Training data and activation without a parameter point (exact).

    Examples
    --------
    >>> ds = load_data({"activation": {"alpha_plus": 1, "alpha_minus": 0},
    ...                 "X": [["1", "0"], ["0", "1"]], "Y": [["1"], ["2"]]})
    >>> ds.with_params([["1", "0"]], [["1"]]).n_neurons
    1
    """

    activation: Activation
    X: Matrix
    Y: Matrix

    def __post_init__(self) -> None:
        if len(self.X[0]) < 2:
            raise DimensionError(
                "input dimension d = 1 is excluded (the paper's Section 2 assumes d > 1)", "X"
            )
        if len(self.Y) != len(self.X):
            raise ShapeError(f"Y has {len(self.Y)} rows but X has {len(self.X)} samples", "Y")

    def with_params(self, W: Sequence[Sequence[Any]], H: Sequence[Sequence[Any]]) -> "Problem":
        """The problem at the point ``(W, H)`` (exact entries; any width)."""
        Wm = parse_matrix(list(map(list, W)), "W", cols=len(self.X[0]))
        return Problem(
            self.activation, self.X, self.Y, Wm,
            parse_matrix(list(map(list, H)), "H", len(self.Y[0]), len(Wm)),
        )


@dataclass(frozen=True)
class Problem:
    """Training data, activation and a parameter point, all exact.

    Parameters
    ----------
    activation : Activation
    X : tuple of tuples
        Inputs, |K|×d, d > 1.
    Y : tuple of tuples
        Targets, |K|×|J|.
    W : tuple of tuples
        Input weights, |I|×d (row i is ``w_i``).
    H : tuple of tuples
        Output weights, |J|×|I| (``H[j][i] = h_ji``).

    Raises
    ------
    ShapeError, DimensionError
        On inconsistent shapes or d = 1.

    Examples
    --------
    >>> p = load({"activation": {"alpha_plus": 1, "alpha_minus": 0},
    ...           "X": [["1", "0"], ["0", "1"]], "Y": [["1"], ["2"]],
    ...           "W": [["1", "0"]], "H": [["1"]]})
    >>> p.n_samples, p.dim, p.n_neurons, p.n_outputs
    (2, 2, 1, 1)
    """

    activation: Activation
    X: Matrix
    Y: Matrix
    W: Matrix
    H: Matrix

    def __post_init__(self) -> None:
        K, d = len(self.X), len(self.X[0])
        if d < 2:
            raise DimensionError(
                "input dimension d = 1 is excluded (the paper's Section 2 "
                "assumes d > 1; a tangential direction needs d ≥ 2)",
                "X",
            )
        if len(self.Y) != K:
            raise ShapeError(f"Y has {len(self.Y)} rows but X has {K} samples", "Y")
        if len(self.W[0]) != d:
            raise ShapeError(f"W has {len(self.W[0])} columns but X has d = {d}", "W")
        J, I = len(self.Y[0]), len(self.W)
        if len(self.H) != J:
            raise ShapeError(f"H has {len(self.H)} rows but Y has |J| = {J} columns", "H")
        if len(self.H[0]) != I:
            raise ShapeError(f"H has {len(self.H[0])} columns but W has |I| = {I} rows", "H")

    # -- shapes -----------------------------------------------------------
    @property
    def n_samples(self) -> int:
        """|K|."""
        return len(self.X)

    @property
    def dim(self) -> int:
        """d."""
        return len(self.X[0])

    @property
    def n_neurons(self) -> int:
        """|I|."""
        return len(self.W)

    @property
    def n_outputs(self) -> int:
        """|J|."""
        return len(self.Y[0])

    def h_column(self, i: int) -> tuple[Any, ...]:
        """The output weights ``(h_ji)_j`` of neuron ``i``."""
        return tuple(row[i] for row in self.H)

    @property
    def dataset(self) -> Dataset:
        """The data and activation alone."""
        return Dataset(self.activation, self.X, self.Y)

    def with_params(self, W: Sequence[Sequence[Any]], H: Sequence[Sequence[Any]]) -> "Problem":
        """The same data and activation at another point ``(W, H)`` (any width)."""
        return self.dataset.with_params(W, H)

    @cached_property
    def _all_rational(self) -> bool:
        act = self.activation
        if type(act.alpha_plus) is not fmpq or type(act.alpha_minus) is not fmpq:
            return False
        return all(type(x) is fmpq for m in (self.X, self.Y, self.W, self.H) for row in m for x in row)

    def is_rational(self) -> bool:
        """True when every entry is rational (the fast integer path applies).

        Examples
        --------
        >>> load({"activation": {"alpha_plus": 1, "alpha_minus": 0}, "X": [[1, 0]],
        ...       "Y": [[1]], "W": [["sqrt(2)", 0]], "H": [[1]]}).is_rational()
        False
        """
        return self._all_rational

    @cached_property
    def scaled(self) -> tuple[ScaledRows, ScaledRows, ScaledRows, ScaledRows]:
        """Numerators and row denominators of X, W, Hᵀ, Y, computed once.

        The arrays are read-only (:func:`exactland.exact.intmat.scaled_rows`),
        so the cache cannot drift from the problem's exact entries.

        Examples
        --------
        >>> p = load({"activation": {"alpha_plus": 1, "alpha_minus": 0}, "X": [["1/2", 1]],
        ...           "Y": [[1]], "W": [[1, 0]], "H": [[1]]})
        >>> (Xn, xd) = p.scaled[0]
        >>> Xn.tolist(), xd, Xn.flags.writeable
        ([[1, 2]], (2,), False)
        """
        Xn, Wn, HTn, Yn = scaled_rows((self.X, self.W, tuple(zip(*self.H)), self.Y), self.is_rational())
        return Xn, Wn, HTn, Yn

    # -- serialisation ------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready dict (every number an exact string)."""
        mat = lambda m: [[to_str(x) for x in row] for row in m]  # noqa: E731
        return {
            "activation": {
                "alpha_plus": to_str(self.activation.alpha_plus),
                "alpha_minus": to_str(self.activation.alpha_minus),
            },
            "X": mat(self.X),
            "Y": mat(self.Y),
            "W": mat(self.W),
            "H": mat(self.H),
        }

    def digest(self) -> str:
        """``"sha256:…"`` of the canonical exact form (:mod:`exactland.exact.digest`).

        Equal exactly for equal problems, whatever notation the input used.

        Examples
        --------
        >>> a = load({"activation": {"alpha_plus": 1, "alpha_minus": 0}, "X": [["0.5", 1]],
        ...           "Y": [[1]], "W": [[1, 0]], "H": [[1]]})
        >>> b = load({"activation": {"alpha_plus": "1", "alpha_minus": "0"}, "X": [["1/2", "2/2"]],
        ...           "Y": [["1"]], "W": [["1", "0"]], "H": [["1"]]})
        >>> a.digest() == b.digest(), a.digest()[:7]
        (True, 'sha256:')
        """
        return problem_digest(self.to_dict())

    def __repr__(self) -> str:
        return problem_repr(self)

    def _repr_html_(self) -> str:
        return problem_html(self)

    def _repr_latex_(self) -> str:
        return problem_latex(self)

    def to_json(self, indent: int | None = 1) -> str:
        """The problem as JSON text; ``load(json.loads(p.to_json())) == p``."""
        return json.dumps(self.to_dict(), indent=indent)


def _data_fields(
    source: str | pathlib.Path | Mapping[str, Any], required: list[str]
) -> tuple[Mapping[str, Any], Activation, Matrix, Matrix]:
    if not isinstance(source, (Mapping, str, pathlib.Path)):
        raise JSONFormatError(f"expected a JSON object (or a file holding one), got {type(source).__name__}", "problem")
    data = source if isinstance(source, Mapping) else read_json(source)
    if not isinstance(data, Mapping):
        raise JSONFormatError("the problem must be a JSON object", "problem")
    missing = [f for f in required if f not in data]
    if missing:
        raise JSONFormatError(f"missing field(s): {', '.join(missing)}", "problem")
    unknown = sorted(set(data) - {"activation", "X", "Y", "W", "H", "name", "description"})
    if unknown:
        raise JSONFormatError(f"unknown field(s): {', '.join(unknown)}", "problem")
    act = data["activation"]
    if not isinstance(act, Mapping) or set(act) != {"alpha_plus", "alpha_minus"}:
        raise JSONFormatError('must be {"alpha_plus": ..., "alpha_minus": ...}', "activation")
    activation = Activation(
        parse_exact(act["alpha_plus"], "activation.alpha_plus"),
        parse_exact(act["alpha_minus"], "activation.alpha_minus"),
    )
    X = parse_matrix(data["X"], "X")
    if len(X[0]) < 2:
        raise DimensionError(
            "input dimension d = 1 is excluded (the paper's Section 2 assumes d > 1)", "X"
        )
    Y = parse_matrix(data["Y"], "Y", rows=len(X))
    return data, activation, X, Y


def load(source: str | pathlib.Path | Mapping[str, Any]) -> Problem:
    """Load a problem from a JSON file path or an already parsed dict.

    Parameters
    ----------
    source : str, pathlib.Path or dict
        A path to a JSON file, or the dict itself.

    Returns
    -------
    Problem

    Raises
    ------
    JSONFormatError
        Malformed JSON or missing fields.
    NotExactError, ShapeError, ActivationError, DimensionError
        Invalid entries, naming the field and position.

    Examples
    --------
    >>> p = load({"activation": {"alpha_plus": "1", "alpha_minus": "0"},
    ...           "X": [["-1", "1"], ["-3/5", "1"]], "Y": [["0.28"], ["-0.1"]],
    ...           "W": [["0", "0"], ["1/2", "1"]], "H": [["0", "-2"]]})
    >>> p.Y[0][0]
    7/25
    """
    data, activation, X, Y = _data_fields(source, ["activation", "X", "Y", "W", "H"])
    W = parse_matrix(data["W"], "W", cols=len(X[0]))
    H = parse_matrix(data["H"], "H", rows=len(Y[0]), cols=len(W))
    return Problem(activation, X, Y, W, H)


def load_data(source: str | pathlib.Path | Mapping[str, Any]) -> Dataset:
    """Load the data and activation of a problem file; ``W`` and ``H`` may be absent.

    Raises
    ------
    JSONFormatError, NotExactError, ShapeError, ActivationError, DimensionError
        As :func:`load` (W and H are ignored when present).
    """
    _, activation, X, Y = _data_fields(source, ["activation", "X", "Y"])
    return Dataset(activation, X, Y)

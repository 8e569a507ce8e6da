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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from flint import fmpq

from exactland.core.activation import Activation
from exactland.core.display import problem_html, problem_latex, problem_repr
from exactland.core.entries import Matrix, origin_text, parse_matrix, parse_vector
from exactland.errors import (
    DimensionError,
    JSONFormatError,
    ShapeError,
)
from exactland.exact.digest import problem_digest
from exactland.exact.intmat import ScaledRows, scaled_rows
from exactland.exact.jsonio import read_json
from exactland.exact.scalars import parse_exact, to_str

__all__ = ["Dataset", "Problem", "load", "load_data", "parse_matrix", "parse_vector"]

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

    def with_params(self, W: Sequence[Sequence[Any]], H: Sequence[Sequence[Any]],
                    b: Sequence[Any] | None = None) -> Problem:
        """The problem at the point ``(W, H)`` (and output bias ``b``; exact entries; any width)."""
        Wm = parse_matrix(list(map(list, W)), "W", cols=len(self.X[0]))
        return Problem(
            self.activation, self.X, self.Y, Wm,
            parse_matrix(list(map(list, H)), "H", len(self.Y[0]), len(Wm)),
            None if b is None else parse_vector(b, "b", len(self.Y[0])),
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
    b : tuple, optional
        Output bias, |J| exact numbers: the network is ``ŷ = Hρ(Wx) + b``
        (docs/mathematics.md, the output bias). None: no bias parameter at all
        (the paper's model); ``(0, …, 0)`` is a bias parameter that is zero.
    origin : str, optional
        Where the problem came from (``exactland import``): canonical JSON text
        of an object such as ``{"input_bias_column": 2, "source": "m.pt"}``.
        Metadata only: not part of the mathematics, nor of the digest.

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
    b: tuple[Any, ...] | None = None
    origin: str | None = None

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
        if self.b is not None and len(self.b) != J:
            raise ShapeError(f"b has {len(self.b)} entries but Y has |J| = {J} columns", "b")

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

    def with_params(self, W: Sequence[Sequence[Any]], H: Sequence[Sequence[Any]],
                    b: Sequence[Any] | None = None) -> Problem:
        """The same data and activation at another point ``(W, H[, b])`` (any width).

        The result has an output bias exactly when ``b`` is given (pass
        ``self.b`` to keep this problem's)."""
        return self.dataset.with_params(W, H, b)

    @property
    def has_bias(self) -> bool:
        """True when the model has an output bias parameter ``b``."""
        return self.b is not None

    @cached_property
    def targets(self) -> Matrix:
        """``Y − 1bᵀ``: the targets the hidden layer must fit at this ``b``.

        At a fixed ``b`` the residuals ``Hρ(Wx_k) + b − y_k`` are those of the
        bias-free problem with targets ``y_k − b``; every quantity computed at
        the point (loss, residuals, ``d_ji``, ``φ_ji``) uses these.  Without a
        bias this is ``Y`` itself.

        Examples
        --------
        >>> p = load({"activation": {"alpha_plus": 1, "alpha_minus": 0}, "X": [[1, 0]],
        ...           "Y": [[3]], "W": [[1, 0]], "H": [[1]], "b": ["1/2"]})
        >>> p.targets
        ((5/2,),)
        """
        if self.b is None:
            return self.Y
        return tuple(tuple(y - c for y, c in zip(row, self.b)) for row in self.Y)

    @cached_property
    def _all_rational(self) -> bool:
        act = self.activation
        if type(act.alpha_plus) is not fmpq or type(act.alpha_minus) is not fmpq:
            return False
        return (all(type(x) is fmpq for m in (self.X, self.Y, self.W, self.H) for row in m for x in row)
                and all(type(x) is fmpq for x in self.b or ()))

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
        """Numerators and row denominators of X, W, Hᵀ and the targets ``Y − 1bᵀ``, computed once.

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
        Xn, Wn, HTn, Yn = scaled_rows((self.X, self.W, tuple(zip(*self.H)), self.targets),
                                     self.is_rational())
        return Xn, Wn, HTn, Yn

    # -- serialisation ------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready dict (every number an exact string)."""
        mat = lambda m: [[to_str(x) for x in row] for row in m]
        out = {
            "activation": {
                "alpha_plus": to_str(self.activation.alpha_plus),
                "alpha_minus": to_str(self.activation.alpha_minus),
            },
            "X": mat(self.X),
            "Y": mat(self.Y),
            "W": mat(self.W),
            "H": mat(self.H),
        }
        if self.b is not None:
            out["b"] = [to_str(x) for x in self.b]
        if self.origin is not None:
            out["origin"] = json.loads(self.origin)
        return out

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
    unknown = sorted(set(data) - {"activation", "X", "Y", "W", "H", "b", "origin", "name", "description"})
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
        A path to a JSON file, or the dict itself. In a dict, each of X, Y, W,
        H (and b) may also be a NumPy array: integer arrays are read exactly,
        float arrays by exactland's float rule (:mod:`exactland.exact.floats`:
        the shortest decimal that rounds back to the same float, float32 values
        read as float32, so ``np.float32(0.1)`` is 1/10), object arrays entry by
        entry as exact numbers. For the exact binary values of floats use
        :func:`exactland.from_arrays` with ``exact_binary=True``.

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
    b = None if data.get("b") is None else parse_vector(data["b"], "b", len(Y[0]))
    return Problem(activation, X, Y, W, H, b, origin_text(data.get("origin")))


def load_data(source: str | pathlib.Path | Mapping[str, Any]) -> Dataset:
    """Load the data and activation of a problem file; ``W`` and ``H`` may be absent.

    Raises
    ------
    JSONFormatError, NotExactError, ShapeError, ActivationError, DimensionError
        As :func:`load` (W and H are ignored when present).
    """
    _, activation, X, Y = _data_fields(source, ["activation", "X", "Y"])
    return Dataset(activation, X, Y)

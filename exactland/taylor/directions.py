"""Directions ``Δ = (ΔW, ΔH)`` in parameter space, and how they are named.

A :class:`Direction` has the problem's shapes (``ΔW`` |I|×d, ``ΔH`` |J|×|I|) and
is read from a direction file or dict (:func:`direction_from_dict`), or from a
name given on the command line (:func:`named_direction`: canonical axes, the
radial axis, tangential and escape witnesses of a certificate, its descent and
ascent paths); :func:`parse_direction` accepts any of these.  The loss along a
direction is :func:`exactland.taylor.rays.ray_polynomial`.
"""
from __future__ import annotations

import pathlib
import re
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from flint import fmpq

from exactland.errors import InputError, JSONFormatError
from exactland.exact.linalg import dot
from exactland.exact.scalars import parse_exact, sign, to_str
from exactland.core.problem import Problem, parse_matrix, read_json

__all__ = [
    "Direction", "direction_from_dict", "named_direction", "parse_direction",
    "escape_path_constants",
]

Vector = tuple[Any, ...]
Matrix = tuple[tuple[Any, ...], ...]
ZERO = fmpq(0)


@dataclass(frozen=True)
class Direction:
    """A direction ``Δ = (ΔW, ΔH)`` in parameter space, with the problem's shapes.

    Attributes
    ----------
    W : tuple of tuples
        ``Δw_i`` rows, |I|×d.
    H : tuple of tuples
        ``Δh_ji``, |J|×|I|.
    label : str
        How the direction was obtained (for reports).
    """

    W: Matrix
    H: Matrix
    label: str = "direction file"

    def to_dict(self) -> dict[str, Any]:
        """``{"W": [[...]], "H": [[...]]}`` with exact strings (a direction file)."""
        return {
            "W": [[to_str(x) for x in row] for row in self.W],
            "H": [[to_str(x) for x in row] for row in self.H],
        }

    def norm_sq(self) -> Any:
        """``‖Δ‖²`` over all parameters."""
        return sum((x * x for m in (self.W, self.H) for row in m for x in row), ZERO)


def zero_direction(problem: Problem) -> tuple[list[list[Any]], list[list[Any]]]:
    """Mutable all-zero ``ΔW`` (|I|×d) and ``ΔH`` (|J|×|I|) lists, to fill in.

    Parameters
    ----------
    problem : Problem
        Supplies the shapes.

    Returns
    -------
    (list of lists, list of lists)
        Wrap the filled lists with :func:`direction_from_lists`.

    Examples
    --------
    >>> from exactland.builtin.examples import load_example
    >>> zero_direction(load_example("appendix-g-kink"))
    ([[0, 0]], [[0]])
    """
    return ([[ZERO] * problem.dim for _ in range(problem.n_neurons)],
            [[ZERO] * problem.n_neurons for _ in range(problem.n_outputs)])


def direction_from_lists(W: Sequence[Sequence[Any]], H: Sequence[Sequence[Any]],
                         label: str = "direction file") -> Direction:
    """A :class:`Direction` from (possibly mutable) rows of ``ΔW`` and ``ΔH``.

    Parameters
    ----------
    W, H : sequences of sequences
        Exact entries with the problem's shapes (not checked here).
    label : str
        How the direction was obtained.

    Returns
    -------
    Direction

    Examples
    --------
    >>> direction_from_lists([[fmpq(1), ZERO]], [[ZERO]], "axis").W
    ((1, 0),)
    """
    return Direction(tuple(map(tuple, W)), tuple(map(tuple, H)), label)


def direction_from_dict(problem: Problem, data: Mapping[str, Any], label: str = "direction file") -> Direction:
    """Read ``{"W": [[...]], "H": [[...]]}`` (the problem's own shapes, exact entries).

    Raises
    ------
    JSONFormatError, ShapeError, NotExactError
        Missing fields, wrong shapes or inexact entries (named ``direction.W[i][c]``).

    Examples
    --------
    >>> from exactland.builtin.examples import load_example
    >>> p = load_example("appendix-g-kink")
    >>> direction_from_dict(p, {"W": [["3/10", "1/10"]], "H": [["0"]]}).W
    ((3/10, 1/10),)
    """
    if not isinstance(data, Mapping) or not {"W", "H"} <= set(data):
        raise JSONFormatError('a direction must be {"W": [[...]], "H": [[...]]}', "direction")
    extra = sorted(set(data) - {"W", "H", "description", "name"})
    if extra:
        raise JSONFormatError(f"unknown field(s): {', '.join(extra)}", "direction")
    W = parse_matrix(data["W"], "direction.W", problem.n_neurons, problem.dim)
    H = parse_matrix(data["H"], "direction.H", problem.n_outputs, problem.n_neurons)
    return Direction(W, H, str(data.get("description", label)))


_NAMED = re.compile(r"^(-?)(escape|axis|radial|tangential|descent|ascent)(?::(.*))?$")


def _ints(parts: Sequence[str], spec: str, n: int) -> list[int]:
    try:
        vals = [int(x) for x in parts]
    except ValueError:
        raise InputError(f"expected {n} integer index(es)", spec) from None
    if len(vals) != n:
        raise InputError(f"expected {n} integer index(es), got {len(vals)}", spec)
    return vals


def _check_index(value: int, bound: int, what: str, spec: str) -> None:
    if not 0 <= value < bound:
        raise InputError(f"{what} index {value} out of range 0..{bound - 1}", spec)


@@NAMED@@
def parse_direction(problem: Problem, spec: Any, cert: Any = None) -> Direction:
    """A direction from a dict, a JSON file path, or a name (:func:`named_direction`).

    Raises
    ------
    InputError
        Neither a known name nor a readable direction file.
    """
    if isinstance(spec, Mapping):
        return direction_from_dict(problem, spec)
    text = str(spec)
    if _NAMED.match(text.strip()):
        return named_direction(problem, text, cert)
    path = pathlib.Path(text)
    if not path.exists():
        raise InputError(
            "neither a direction file nor a named direction (escape:i, axis:h,i, "
            "axis:w,i,c, radial:i, tangential:i[,v], descent, ascent)", text)
    return direction_from_dict(problem, read_json(path), f"direction file {path.name}")

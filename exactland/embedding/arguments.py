"""Validated arguments of the embedding operations and predictions.

The embeddings (:mod:`exactland.embedding.operations`), the paper's predictions
(:mod:`exactland.embedding.rules`) and the per-neuron tests
(:mod:`exactland.embedding.tangential`) take neuron indices and vectors of exact
numbers from callers (and from the command line); these helpers check them and
raise :mod:`exactland.errors` input errors that name the offending argument.
"""
from __future__ import annotations

from typing import Any, Sequence

from exactland.core.problem import Problem
from exactland.errors import InputError, ShapeError
from exactland.exact.scalars import parse_exact, to_str

__all__ = ["Vector", "exact_vector", "neuron_index", "format_vector"]

Vector = tuple[Any, ...]
"""A vector of exact numbers."""


def exact_vector(values: Sequence[Any], name: str, length: int | None = None) -> Vector:
    """Parse a list of exact numbers.

    Parameters
    ----------
    values : sequence
        Exact numbers or their string forms (``"1/2"``).
    name : str
        The argument's name, used in error messages (``"gamma"``).
    length : int, optional
        The required number of entries.

    Returns
    -------
    tuple of exact numbers

    Raises
    ------
    ShapeError
        Not a list, or the wrong number of entries.
    NotExactError
        An entry that is not an exact number.

    Examples
    --------
    >>> exact_vector(["1/2", 3], "gamma")
    (1/2, 3)
    """
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise ShapeError("must be a list of exact numbers", name)
    if length is not None and len(values) != length:
        raise ShapeError(f"expected {length} entries, got {len(values)}", name)
    return tuple(parse_exact(x, f"{name}[{n}]") for n, x in enumerate(values))


def neuron_index(problem: Problem, neuron: Any) -> int:
    """Check a 0-based neuron index of ``problem``.

    Raises
    ------
    InputError
        Not an integer (``bool`` excluded), or out of range.

    Examples
    --------
    >>> from exactland.builtin.examples import load_example
    >>> neuron_index(load_example("final-minimum"), 2)
    2
    """
    if isinstance(neuron, bool) or not isinstance(neuron, int):
        raise InputError(f"must be an integer neuron index, got {neuron!r}", "neuron")
    if not 0 <= neuron < problem.n_neurons:
        raise InputError(
            f"no neuron {neuron}: indices are 0-based, |I| = {problem.n_neurons}", "neuron"
        )
    return neuron


def format_vector(v: Sequence[Any]) -> str:
    """``(a, b, ...)`` with every entry in its exact string form.

    Examples
    --------
    >>> from flint import fmpq
    >>> format_vector([fmpq(1, 2), 0])
    '(1/2, 0)'
    """
    return "(" + ", ".join(to_str(x) for x in v) + ")"

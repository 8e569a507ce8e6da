"""Reading the entries of a problem file: exact matrices, the bias vector, metadata.

Every number goes through :func:`exactland.exact.scalars.parse_exact` (exact
or refused, never coerced); errors name the field and position.  NumPy arrays
are accepted whole (:func:`array_rows`): integer arrays exactly, float arrays
by the documented float rule of :mod:`exactland.exact.floats` (the shortest
decimal that rounds back to the same float, float32 read as float32), object
arrays entry by entry as exact numbers.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from exactland.errors import JSONFormatError, ShapeError
from exactland.exact.digest import canonical_json
from exactland.exact.floats import floats_to_exact
from exactland.exact.scalars import parse_exact

__all__ = ["Matrix", "array_rows", "origin_text", "parse_matrix", "parse_vector"]

Matrix = tuple[tuple[Any, ...], ...]


def parse_matrix(
    value: Any, name: str, rows: int | None = None, cols: int | None = None
) -> Matrix:
    """Parse a JSON-style list of rows into a tuple of tuples of exact numbers.

    Parameters
    ----------
    value : list of lists or numpy.ndarray
        Rows of exact entries (strings, ints, Decimals, Fractions, fmpq), or a
        2-D NumPy array (see :func:`array_rows`: float arrays by the float rule).
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
    >>> parse_matrix(np.array([[0.5, 0.1]], dtype=np.float32), "W")
    ((1/2, 1/10),)
    """
    value = array_rows(value, name, 2)
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


def parse_vector(value: Any, name: str, length: int | None = None) -> tuple[Any, ...]:
    """Parse a JSON-style list of exact numbers (the output bias ``b``).

    Raises
    ------
    ShapeError
        Not a flat list, empty, or of the wrong length.
    NotExactError
        An entry that is not exact; the message names ``name[j]``.

    Examples
    --------
    >>> parse_vector(["1/2", 0], "b", 2)
    (1/2, 0)
    """
    value = array_rows(value, name, 1)
    if not isinstance(value, (list, tuple)) or any(isinstance(x, (list, tuple, dict)) for x in value):
        raise ShapeError("must be a flat list of numbers", name)
    if length is not None and len(value) != length:
        raise ShapeError(f"expected {length} entries (one per output), got {len(value)}", name)
    if len(value) == 0:
        raise ShapeError("must not be empty", name)
    return tuple(parse_exact(x, f"{name}[{j}]") for j, x in enumerate(value))


def array_rows(value: Any, name: str, ndim: int) -> Any:
    """A NumPy array as nested lists of exact numbers; anything else unchanged.

    Integer arrays are exact; float arrays (float16/32/64) become the shortest
    decimal that rounds back to the same float in the array's own precision
    (:func:`exactland.exact.floats.floats_to_exact`; ``np.float32(0.1)`` is
    1/10); object arrays keep their entries, which must then be exact numbers.

    Raises
    ------
    ShapeError
        An array with the wrong number of dimensions.
    NotExactError, InputError
        NaN or infinite entries (named), or an unsupported dtype.

    Examples
    --------
    >>> array_rows(np.array([1, 2]), "b", 1)
    [1, 2]
    """
    if not isinstance(value, np.ndarray):
        return value
    if value.ndim != ndim:
        raise ShapeError(f"expected a {ndim}-D array, got shape {value.shape}", name)
    if value.dtype.kind in "OU":  # exact numbers or their texts, read one by one
        return value.tolist()
    return floats_to_exact(value, where=name).tolist()


def origin_text(value: Any) -> str | None:
    """The ``origin`` metadata as canonical JSON text (None when absent)."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise JSONFormatError("must be a JSON object (metadata written by exactland import)", "origin")
    return canonical_json(value)

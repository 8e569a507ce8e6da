"""Reading the entries of a problem file: exact matrices, the bias vector, metadata.

Every number goes through :func:`exactland.exact.scalars.parse_exact` (exact
or refused, never coerced); errors name the field and position.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from exactland.errors import JSONFormatError, ShapeError
from exactland.exact.digest import canonical_json
from exactland.exact.scalars import parse_exact

__all__ = ["Matrix", "origin_text", "parse_matrix", "parse_vector"]

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
    if not isinstance(value, (list, tuple)) or any(isinstance(x, (list, tuple, dict)) for x in value):
        raise ShapeError("must be a flat list of numbers", name)
    if length is not None and len(value) != length:
        raise ShapeError(f"expected {length} entries (one per output), got {len(value)}", name)
    if len(value) == 0:
        raise ShapeError("must not be empty", name)
    return tuple(parse_exact(x, f"{name}[{j}]") for j, x in enumerate(value))


def origin_text(value: Any) -> str | None:
    """The ``origin`` metadata as canonical JSON text (None when absent)."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise JSONFormatError("must be a JSON object (metadata written by exactland import)", "origin")
    return canonical_json(value)

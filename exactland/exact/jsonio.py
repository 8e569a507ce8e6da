"""Reading JSON for exact input: decimal literals stay exact.

Every problem, direction and data file goes through :func:`read_json`:
decimal literals such as ``0.28`` become :class:`decimal.Decimal` (the exact
decimal they spell, never a float), and the non-standard literals ``NaN`` and
``Infinity`` are kept as non-finite Decimals so that
:func:`exactland.exact.scalars.parse_exact` refuses them naming the field.
"""
from __future__ import annotations

import json
import pathlib
from decimal import Decimal
from typing import Any

from exactland.errors import JSONFormatError

__all__ = ["read_json", "read_json_text"]


def read_json_text(text: str, source: str) -> Any:
    """Parse JSON text with exact decimals.

    Parameters
    ----------
    text : str
    source : str
        Named in error messages (a file name, or ``"<text>"``).

    Raises
    ------
    JSONFormatError
        Malformed JSON.

    Examples
    --------
    >>> read_json_text('{"x": [0.1, 2]}', "<text>")
    {'x': [Decimal('0.1'), 2]}
    """
    try:
        return json.loads(text, parse_float=Decimal, parse_constant=_keep_constant)
    except json.JSONDecodeError as exc:
        raise JSONFormatError(f"malformed JSON: {exc}", source) from exc


def _keep_constant(name: str) -> Any:
    # keep the non-finite value: parse_exact refuses it naming the field and position
    return Decimal(name)


def read_json(path_or_text: str | pathlib.Path) -> Any:
    """Read JSON from a file path, reading decimal literals as exact Decimals.

    Raises
    ------
    JSONFormatError
        Unreadable file or malformed JSON.
    """
    path = pathlib.Path(path_or_text)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise JSONFormatError(f"cannot read file: {exc}", str(path)) from exc
    return read_json_text(text, str(path))

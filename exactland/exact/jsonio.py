"""Reading JSON for exact input: decimal literals stay exact.

Every problem, direction, data and certificate file goes through
:func:`read_json_text` (the independent checker too): decimal literals such as
``0.28`` become :class:`decimal.Decimal` (the exact decimal they spell, never a
float), and the non-standard literals ``NaN`` and ``Infinity`` are kept as
non-finite Decimals so that :func:`exactland.exact.scalars.parse_exact` refuses
them naming the field.  Refused with :class:`~exactland.errors.JSONFormatError`:
duplicate keys in one object (readers disagree on which value counts),
nesting deeper than Python's recursion limit, number literals of more than
:data:`MAX_DIGITS` digits (shorter long ones are read exactly) or with a decimal
exponent of more than six digits (:mod:`exactland.exact.literals`), and
files that are not UTF-8 text.
"""
from __future__ import annotations

import json
import pathlib
from decimal import Decimal
from typing import Any

from exactland.errors import JSONFormatError, describe_value
from exactland.exact.literals import MAX_DIGITS, literal_problem

__all__ = ["read_json", "read_json_text", "MAX_DIGITS"]


def read_json_text(text: str, source: str) -> Any:
    """Parse JSON text with exact decimals: the one JSON reader of exactland.

    Problems, directions, data files and run folders are read through it, and
    so is every certificate the independent checker (:mod:`exactland.checker`)
    checks, so both refuse the same hostile input the same way.

    Parameters
    ----------
    text : str
    source : str
        Named in error messages (a file name, or ``"<text>"``).

    Raises
    ------
    JSONFormatError
        Malformed JSON, a duplicate key, nesting deeper than the recursion
        limit, a number literal beyond the limits of :mod:`exactland.exact.literals`.

    Examples
    --------
    >>> read_json_text('{"x": [0.1, 2]}', "<text>")
    {'x': [Decimal('0.1'), 2]}
    """
    try:
        return json.loads(text, parse_float=_read_decimal, parse_int=_read_int,
                          parse_constant=_keep_constant, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise JSONFormatError(f"malformed JSON: {exc}", source) from exc
    except RecursionError:
        raise JSONFormatError("nested too deeply (more levels than Python's recursion limit)", source) from None
    except _DuplicateKey as exc:
        raise JSONFormatError(f"duplicate key {describe_value(exc.key)} in one object: refused, since "
                              "readers disagree on which value counts", source) from None
    except _TooLong as exc:
        raise JSONFormatError(f"a number literal {describe_value(exc.text, 30)}: {exc.problem}",
                              source) from None


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


class _TooLong(Exception):
    def __init__(self, text: str, problem: str) -> None:
        self.text, self.problem = text, problem


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def _read_int(text: str) -> int:
    """An integer literal of any length up to :data:`MAX_DIGITS` (chunked: Python's
    4,300-digit limit on ``int(str)`` is left alone)."""
    problem = literal_problem(text)
    if problem:
        raise _TooLong(text, problem)
    if len(text) <= 4000:
        return int(text)
    sign = -1 if text.startswith("-") else 1
    body, value = text.lstrip("-"), 0
    for start in range(0, len(body), 4000):
        chunk = body[start:start + 4000]
        value = value * 10 ** len(chunk) + int(chunk)
    return sign * value


def _read_decimal(text: str) -> Decimal:
    """A decimal literal as the exact Decimal it spells, within the limits."""
    problem = literal_problem(text)
    if problem:
        raise _TooLong(text, problem)
    return Decimal(text)


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
    except UnicodeDecodeError as exc:
        raise JSONFormatError(f"not UTF-8 text: {exc}", str(path)) from None
    return read_json_text(text, str(path))

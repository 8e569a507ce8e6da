"""The single error hierarchy of exactland.

Mathematical outcomes (not stationary, saddle, undecided, ...) are *returned*
as results, never raised.  Exceptions are reserved for input that cannot be
interpreted: wrong shapes, inexact numbers where exact ones are required,
forbidden activation parameters, malformed JSON, invalid certificates handed
to the checker.

Every error carries ``where`` (the field and position, e.g. ``"X[2][1]"``)
when one exists, so that command-line messages point at the offending entry.
"""
from __future__ import annotations

__all__ = [
    "ExactlandError",
    "InputError",
    "NotExactError",
    "ShapeError",
    "ActivationError",
    "DimensionError",
    "JSONFormatError",
    "CertificateFormatError",
]


class ExactlandError(Exception):
    """Base class of every error raised by exactland.

    Parameters
    ----------
    message : str
        Human readable explanation.
    where : str, optional
        The field and position of the offending input (``"Y[0][0]"``).
    """

    def __init__(self, message: str, where: str | None = None) -> None:
        self.message = message
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)


class InputError(ExactlandError, ValueError):
    """A problem, parameter or direction that cannot be accepted."""


class NotExactError(InputError):
    """A number that is not exact (a Python float, NaN, infinity, a
    transcendental constant such as ``pi``) or cannot be parsed."""


class ShapeError(InputError):
    """Ragged rows or shapes that do not match (X is |K|×d, Y is |K|×|J|,
    W is |I|×d, H is |J|×|I|)."""


class ActivationError(InputError):
    """Activation parameters the paper excludes (alpha_plus = alpha_minus)."""


class DimensionError(InputError):
    """Input dimension d = 1, excluded by the paper's Section 2."""


class JSONFormatError(InputError):
    """Malformed JSON, or JSON without the expected fields."""


class CertificateFormatError(InputError):
    """A certificate file that is not a well-formed exactland certificate."""

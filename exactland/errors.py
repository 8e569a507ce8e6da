"""The single error hierarchy of exactland.

Mathematical outcomes (not stationary, saddle, undecided, an invalid
certificate, ...) are *returned* as results, never raised.  Exceptions are of
two kinds, kept apart:

* :class:`ExactlandError` and its subclasses: input that cannot be
  interpreted (wrong shapes, inexact numbers where exact ones are required,
  forbidden activation parameters, malformed JSON or certificate files).  The
  command line exits with status 2 and the message.
* :class:`InternalError` and its subclasses: an internal cross-check
  disagreed, which is a bug in exactland and never the input's fault.  The
  command line exits with status 3 and asks for a report.

:class:`BudgetExceeded` is neither: it is control flow inside the search and
never leaves the public API.

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
    "InternalError",
    "BudgetExceeded",
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


class InternalError(Exception):
    """An internal cross-check disagreed: a bug in exactland, never the input's fault.

    Not a subclass of :class:`ExactlandError`, so that no handler for bad
    input can mistake a bug for one.  Raised instead of ``assert`` for the
    invariants that must hold under ``python -O`` too.
    """


class BudgetExceeded(Exception):
    """The exponential ray enumeration ran past its budget (control flow only).

    Raised by :meth:`exactland.core.tangent.Budget.spend` and caught by
    :func:`exactland.core.stationarity.tangential_analysis`, which records the
    method ``"budget-exceeded"``; :func:`exactland.core.classify.certify` then
    returns the verdict ``undecided`` with the reason.  It never escapes the
    public API.
    """

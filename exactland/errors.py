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

Messages quote input values only through :func:`describe_value`, which never
raises (Python refuses to format integers of more than 4,300 digits) and
keeps a message short whatever the input.

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
    "describe_value",
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


def describe_value(value: object, limit: int = 60) -> str:
    """A short repr of an input value for an error message; never raises.

    Integers too long to show are described by their number of digits
    (``repr`` itself raises beyond 4,300 digits), long strings and reprs are
    cut after ``limit`` characters with ``…`` and their length.

    Examples
    --------
    >>> describe_value("0.28"), describe_value(12)
    ("'0.28'", '12')
    >>> describe_value(10**5000)
    'an integer of 5001 digits'
    >>> describe_value("1" * 100, limit=10)
    "'1111111111'… (100 characters)"
    """
    try:
        if isinstance(value, int) and not isinstance(value, bool):
            digits = _digit_count(value)
            if digits > limit:
                return f"{'a negative' if value < 0 else 'an'} integer of {digits} digits"
            return repr(value)
        if isinstance(value, str):
            if len(value) > limit:
                return f"{value[:limit]!r}… ({len(value)} characters)"
            return repr(value)
        text = repr(value)
    except Exception:  # noqa: BLE001 - a message must never fail
        return f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[:limit] + f"… ({len(text)} characters)"


def _digit_count(n: int) -> int:
    """Decimal digits of ``|n|`` without converting it to a string."""
    n = abs(n)
    if n < 10**18:
        return len(str(n))
    d = int((n.bit_length() - 1) * 0.30102999566398120) + 1  # at most one too small
    return d + 1 if n >= 10**d else d

"""Independent checker of exactland certificates (``certificate_schema.md``).

Everything a certificate claims is re-derived from the problem it carries, with
code written here from the mathematics (paper, Lemma 3.2, Definitions 3.3 and
4.1, Appendix D; DESIGN §§3–7) and **no** code of the certifier: the only
exactland imports are :mod:`exactland.errors` and, lazily and only for
certificates with irrational algebraic numbers, ``exactland.exact.scalars.parse_exact``.
Rational certificates are checked with :class:`fractions.Fraction` and Python
integers (matrices are cleared to a common denominator and multiplied as
integers).  No float and no tolerance appears anywhere.

Modules, each building on the previous ones:

``arith``
    the number type in use, ``INF``, exact interpolation;
``parse``
    reading and validating the certificate's JSON structure and numbers;
``point``
    the loss, gradients and ``φ_ji`` at the certificate's point;
``forms``
    the piecewise-linear forms ``F_i``, their kink lines and extreme rays;
``claims``
    the claim-by-claim verification, giving a :class:`CheckReport`.
"""
from __future__ import annotations

import pathlib

from exactland.checker.claims import CheckReport, _Checker
from exactland.checker.parse import FORMAT, _load, _parse

__all__ = ["CheckReport", "check_certificate", "FORMAT"]


def check_certificate(cert: dict | str | pathlib.Path, *, budget: int = 1_000_000) -> CheckReport:
    """Re-derive every claim of an exactland certificate in exact arithmetic.

    Parameters
    ----------
    cert : dict, str or pathlib.Path
        The certificate: a parsed JSON object, JSON text (a string starting
        with ``{``) or the path of a JSON file.
    budget : int
        Most steps of ray enumeration (one step: one kink line added to a
        partial subset of hyperplanes); beyond it the report is invalid with
        reason ``"checker budget exceeded"``.

    Returns
    -------
    CheckReport
        ``valid`` is False with a reason for every numerically wrong claim.

    Raises
    ------
    CertificateFormatError
        Input that is not a well-formed certificate (not JSON, missing fields,
        wrong types or shapes, wrong ``format``, inexact numbers).
    """
    cert_dict, field = _parse(_load(cert))
    return _Checker(cert_dict, field, budget).run()

"""Independent checker of exactland certificates (``docs/certificate-schema.md``).

Everything a certificate claims is re-derived from the problem it carries, with
code written here from the mathematics (paper, Lemma 3.2, Definitions 3.3 and
4.1, Appendix D; ``docs/mathematics.md``) and **no** code of the certifier: the only
exactland imports are :mod:`exactland.errors` and, lazily and only for
certificates with irrational algebraic numbers, ``exactland.exact.scalars.parse_exact``.
Rational certificates are checked with :class:`fractions.Fraction` and Python
integers (matrices are cleared to a common denominator and multiplied as
integers).  No float and no tolerance appears anywhere.

Modules, each building on the previous ones (composition, no inheritance):

``arith``
    the number type in use (:class:`arith.Field`), ``INFINITY``, exact interpolation;
``parse``
    reading and validating the certificate's JSON structure and numbers;
``point``
    :class:`point.Point`: the loss, gradients and ``φ_ji`` at the certificate's point;
``forms``
    :class:`forms.Forms` (over a ``Point``): the piecewise-linear forms ``F_i``,
    their kink lines and extreme rays;
``claims``
    :class:`claims.Checker` (a ``Point`` and its ``Forms``): the claim-by-claim
    verification, giving a :class:`CheckReport`.
"""
from __future__ import annotations

import pathlib

from exactland.checker.claims import CheckReport, Checker
from exactland.checker.parse import FORMAT, load_certificate, parse_certificate

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
    cert_dict, field = parse_certificate(load_certificate(cert))
    return Checker(cert_dict, field, budget).run()

"""Independent checker of exactland certificates (``docs/certificate-schema.md``).

Everything a certificate claims is re-derived from the problem it carries, with
code written here from the mathematics (paper, Lemma 3.2, Definitions 3.3 and
4.1, Appendix D; ``docs/mathematics.md``) and **no** code of the certifier: the only
exactland imports are :mod:`exactland.errors`, :mod:`exactland.exact.digest`,
:mod:`exactland.exact.jsonio` and, lazily and only for certificates with
irrational algebraic numbers, ``exactland.exact.scalars.parse_exact``.
Rational certificates are checked with exact integer matrices (NumPy ``int64``
only under a bound proved before each operation, Python integers and
python-flint's ``fmpz_mat`` beyond it) and :class:`fractions.Fraction` for
scalars; claims are compared by cross-multiplication.  Certificates with
irrational algebraic numbers are checked entry by entry.  No float and no
tolerance appears anywhere.

Modules, each building on the previous ones (composition, no inheritance):

``arith``
    the number type in use (:class:`arith.Field`), ``INFINITY``, exact interpolation;
``intarr``
    exact integer arrays: ``int64`` under a proved bound, Python integers otherwise;
``qarray``, ``parse``
    reading and validating the certificate's JSON structure and numbers (rational
    matrices in bulk, as :class:`qarray.QArray`);
``point``, ``qpoint`` (with ``qpaths``)
    :class:`point.Point` (entry by entry; algebraic certificates) and
    :class:`qpoint.QPoint` (integer matrices; rational certificates): the loss,
    gradients, ``φ_ji``, the forms of the kink lines and the witness paths at the
    certificate's point, behind the same methods;
``forms``
    :class:`forms.Forms` (over a point): the piecewise-linear forms ``F_i``,
    their kink lines and extreme rays;
``type2``, ``bracket``
    the type-2 radius (variable projection, docs/type2.md) and the radius
    bracket's witness point, re-derived from the problem alone;
``claims``
    :class:`claims.Checker` (a point and its ``Forms``): the claim-by-claim
    verification, giving a :class:`CheckReport`;
``isolation``
    certificates of format ``exactland-isolation/1``: a minimum at an
    irrational point, isolated near a rational center (docs/isolation.md),
    re-derived with python-flint rational matrices.
"""
from __future__ import annotations

from typing import Any

from exactland.errors import CertificateFormatError

from exactland.checker.binding import compare_problems, digest_of
from exactland.checker.claims import Checker, CheckReport
from exactland.checker.isolation import ISOLATION_FORMAT, isolation_reasons
from exactland.checker.parse import FORMAT, load_certificate, load_json_source, parse_certificate, parse_problem

__all__ = ["CheckReport", "check_certificate", "FORMAT"]

#: Default most steps of the checker's ray enumeration.
DEFAULT_CHECK_BUDGET = 1_000_000


def check_certificate(cert: Any, *, problem: Any = None, budget: int = DEFAULT_CHECK_BUDGET) -> CheckReport:
    """Re-derive every claim of an exactland certificate in exact arithmetic.

    Parameters
    ----------
    cert : dict, str or pathlib.Path
        The certificate: a parsed JSON object, JSON text (a string starting
        with ``{``) or the path of a JSON file.
    problem : Problem, dict, str or pathlib.Path, optional
        The problem the certificate must be about (an object with
        ``to_dict()``, a problem dict, JSON text or a file).  When given, it is
        compared exactly with the certificate's problem; any difference makes
        the certificate invalid for it.
    budget : int
        Most steps of ray enumeration (one step: one kink line added to a
        partial subset of hyperplanes); beyond it the report is invalid with
        reason ``"checker budget exceeded"``.

    Returns
    -------
    CheckReport
        ``valid`` is False with a reason for every numerically wrong claim,
        for a ``problem_digest`` that is not the digest of the embedded
        problem, and for a mismatch with ``problem``.  ``digest`` is the
        recomputed digest.

    Raises
    ------
    CertificateFormatError
        Input that is not a well-formed certificate or problem (not JSON,
        duplicate keys, missing or unknown fields, wrong types or shapes,
        wrong ``format``, inexact numbers).

    Examples
    --------
    >>> import exactland
    >>> p = exactland.examples.load_example("origin-saddle")
    >>> cert = exactland.certify(p).to_dict()
    >>> r = check_certificate(cert, problem=p)
    >>> r.valid, r.problem_matches, r.digest == cert["problem_digest"]
    (True, True, True)
    """
    if isinstance(budget, bool) or not isinstance(budget, int) or budget < 0:
        raise CertificateFormatError(f"must be a non-negative int, got {budget!r}", "budget")
    raw = load_certificate(cert)
    if isinstance(raw, dict) and raw.get("format") == ISOLATION_FORMAT:  # docs/isolation.md
        reasons, checked, digest = isolation_reasons(raw)
        cert_dict = {"problem": parse_problem(raw["problem"])}
    else:
        cert_dict, field = parse_certificate(raw)
        report = Checker(cert_dict, field, budget).run()
        reasons, checked = list(report.reasons), list(report.checked)
        digest = digest_of(cert_dict["problem"])
        if cert_dict["problem_digest"] != digest:
            reasons.insert(0, f"problem_digest: certificate says {cert_dict['problem_digest']}, "
                              f"the embedded problem's digest is {digest}")
    checked.append("problem_digest is the digest of the embedded problem")
    matches = None
    if problem is not None:
        source = problem.to_dict() if hasattr(problem, "to_dict") else problem
        diffs = compare_problems(cert_dict["problem"], parse_problem(load_json_source(source, "problem")))
        matches = not diffs
        reasons = diffs + reasons
        checked.append("the certificate's problem is exactly the given problem" if matches
                       else "the certificate's problem was compared with the given problem")
    return CheckReport(not reasons, tuple(reasons), tuple(checked), digest, matches)

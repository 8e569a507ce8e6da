"""A prediction about an embedded point and its comparison with a certificate.

:class:`Prediction` is what a rule of :mod:`exactland.embedding.rules` says
about stationarity (Definition 3.3) and type-1 minimality (stationary without
escape neurons, Theorem 4.2) of an embedded point; :func:`certified_status`
reads the same two facts off an exact certificate and :func:`disagreements`
lists the contradictions. :func:`base_certificate` supplies the original
point's certificate, the premise of every prediction.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from exactland.core.certificate import Certificate, Verdict
from exactland.core.classify import certify
from exactland.core.problem import Problem
from exactland.errors import InputError

__all__ = ["Prediction", "certified_status", "disagreements", "base_certificate"]


@dataclass(frozen=True)
class Prediction:
    """What the paper predicts for the embedded point.

    Attributes
    ----------
    stationary : bool or None
        Definition 3.3 after the embedding; None where the paper makes no
        general prediction.
    type1_minimum : bool or None
        Stationary without escape neurons (Theorem 4.2) after the embedding.
    rule : str
        The proposition or case analysis applied, with the case that fired.
    """

    stationary: bool | None
    type1_minimum: bool | None
    rule: str

    def to_dict(self) -> dict[str, Any]:
        """``{"stationary", "type1_minimum", "rule"}`` (JSON-ready)."""
        return {"stationary": self.stationary, "type1_minimum": self.type1_minimum, "rule": self.rule}


def certified_status(cert: Certificate) -> tuple[bool | None, bool | None]:
    """``(stationary, type-1 minimum)`` as decided by a certificate.

    A point is a type-1 minimum iff it is stationary without escape neurons
    (Theorem 4.2): True for the verdict ``type-1-minimum``, False when the
    point is not stationary or has an escape neuron (whatever the verdict,
    ``undecided`` multi-output points included), None when the certificate
    did not decide stationarity (budget exhausted).

    Examples
    --------
    >>> import exactland
    >>> certified_status(exactland.certify(exactland.examples.load_example("origin-saddle")))
    (True, False)
    """
    if cert.verdict is Verdict.TYPE_1_MINIMUM:
        return True, True
    if cert.stationary is False or cert.escape_neurons:
        return cert.stationary, False
    return cert.stationary, None


def disagreements(pred: Prediction, cert: Certificate) -> tuple[str, ...]:
    """One line per non-null prediction that a decided certificate contradicts."""
    stat, t1 = certified_status(cert)
    out = []
    if pred.stationary is not None and stat is not None and pred.stationary != stat:
        out.append(f"predicted stationary = {pred.stationary}, certificate: {stat} (verdict {cert.verdict.value})")
    if pred.type1_minimum is not None and t1 is not None and pred.type1_minimum != t1:
        out.append(
            f"predicted type-1 minimum = {pred.type1_minimum}, certificate: {t1} "
            f"(verdict {cert.verdict.value}, escape neurons {list(cert.escape_neurons)})"
        )
    return tuple(out)


def base_certificate(problem: Problem, base: Certificate | None, budget: int) -> Certificate:
    """The original point's certificate: ``base`` (checked to be about ``problem``) or a fresh one.

    Parameters
    ----------
    problem : Problem
        The original (narrower) point.
    base : Certificate or None
        A certificate already at hand; computed with ``budget`` when None.
    budget : int
        Budget of :func:`exactland.core.classify.certify`.

    Raises
    ------
    InputError
        ``base`` is a certificate of another problem.
    """
    if base is None:
        return certify(problem, budget=budget)
    if base.problem != problem:
        raise InputError("the given certificate is not about this problem", "base")
    return base

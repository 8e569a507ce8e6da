"""Build the worked derivation of a point's classification (Theorem 4.2)."""
from __future__ import annotations

from typing import Any

from exactland.core.certificate import Verdict
from exactland.core.classify import certify
from exactland.core.kinks import neuron_data
from exactland.core.network import evaluate
from exactland.derivation.certificate_steps import escape_step, path_steps, radius_step, verdict_step
from exactland.derivation.model import Derivation, DerivationMismatch, Step, verify_facts
from exactland.derivation.stationarity_steps import (
    bias_step, condition1_step, condition2_step, condition3_step, d_step, data_step, forward_step, kink_step,
    stationary_step,
)
from exactland.derivation.taylor_steps import contrast_step, gram_step, tangential_axis_step

__all__ = ["derive"]


def derive(problem: Any, cert: Any = None, *, title: str | None = None, description: str = "") -> Derivation:
    """Build the worked derivation of a point's classification (Theorem 4.2).

    Parameters
    ----------
    problem : Problem
    cert : Certificate, optional
        Computed with :func:`exactland.core.classify` when omitted.
    title, description : str
        Heading and the paragraph that introduces the data.

    Returns
    -------
    Derivation
        Steps: data, forward pass, kink sets, d_ji, the three conditions of
        Definition 3.3, escape neurons, the verdict, its certificate (radius or
        paths), and the Taylor views (Appendix F, G) that fit the case.

    Raises
    ------
    DerivationMismatch
        A printed number disagrees with the certificate (a bug).

    Examples
    --------
    >>> from exactland.builtin.examples import load_example
    >>> d = derive(load_example("appendix-g-kink"))
    >>> [s.key for s in d.steps][:4], d.meta["verdict"]
    (['data', 'forward', 'kink-sets', 'd'], 'not-stationary')
    """
    cert = certify(problem) if cert is None else cert
    if cert.problem.to_dict() != problem.to_dict():
        raise DerivationMismatch("the certificate is about another problem or point")
    ev = evaluate(problem)
    nds = [neuron_data(ev, i) for i in range(problem.n_neurons)]
    steps = [data_step(problem, description), forward_step(ev), kink_step(ev), d_step(ev),
             condition1_step(ev)] + ([bias_step(ev)] if problem.b is not None else []) + [
             condition2_step(ev, nds), condition3_step(ev, nds, cert), stationary_step(cert)]
    if cert.stationary:
        steps.append(escape_step(ev, nds, cert))
    steps.append(verdict_step(cert))
    if cert.verdict is Verdict.TYPE_1_MINIMUM:
        steps.append(radius_step(cert))
    steps += path_steps(cert, ev)
    steps += _taylor_view_steps(problem, ev, cert)
    report = cert.verify()
    steps.append(_checks_step(report))
    d = Derivation(title or "Worked derivation", description, tuple(steps),
                   {"verdict": cert.verdict.value, "checker_valid": report.valid})
    bad = verify_facts(d, cert.to_dict())
    if bad or not report.valid:
        raise DerivationMismatch("; ".join(bad) or "the independent checker rejected the certificate")
    return d


def _taylor_view_steps(problem: Any, ev: Any, cert: Any) -> list[Step]:
    """Appendix F.1 at a (small) type-1 minimum; Appendix G at the first kinked neuron when d = 2."""
    steps = []
    if cert.verdict is Verdict.TYPE_1_MINIMUM:
        g = gram_step(problem, cert)
        if g is not None:
            steps.append(g)
    kinked = [i for i in range(problem.n_neurons) if ev.kink_set(i) and any(c != 0 for c in problem.W[i])]
    if problem.dim == 2 and kinked:
        i = kinked[0]
        steps.append(tangential_axis_step(problem, i, (-problem.W[i][1], problem.W[i][0])))
        steps.append(contrast_step(problem, i))
    return steps


def _checks_step(report: Any) -> Step:
    """What the independent checker re-derived (the last step)."""
    return Step("checks", "What was checked", ("Theorem 4.2",),
                f"Independent checker: certificate {'valid' if report.valid else 'INVALID'} "
                f"({len(report.checked)} claim groups re-derived).",
                "Every number above that the certificate states was compared with it; every other "
                "number was recomputed by a second route (listed under each step).",
                checks=tuple(report.checked))

"""Build the worked derivation of a point's classification (Theorem 4.2)."""
from __future__ import annotations

from typing import Any

from exactland.core.certificate import Verdict
from exactland.core.classify import certify
from exactland.core.kinks import neuron_data
from exactland.core.network import evaluate
from exactland.derivation import steps as S
from exactland.derivation.model import Derivation, DerivationMismatch, Step, verify_facts

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
    steps = [S.data_step(problem, description), S.forward_step(ev), S.kink_step(ev), S.d_step(ev),
             S.condition1_step(ev), S.condition2_step(ev, nds), S.condition3_step(ev, nds, cert),
             S.stationary_step(cert)]
    if cert.stationary:
        steps.append(S.escape_step(ev, nds, cert))
    steps.append(S.verdict_step(cert))
    if cert.verdict is Verdict.TYPE_1_MINIMUM:
        steps.append(S.radius_step(cert))
    steps += S.path_steps(cert, ev)
    if cert.verdict is Verdict.TYPE_1_MINIMUM:
        g = S.gram_step(problem, cert)
        if g is not None:
            steps.append(g)
    kinked = [i for i in range(problem.n_neurons) if ev.kink_set(i) and any(c != 0 for c in problem.W[i])]
    if problem.dim == 2 and kinked:
        i = kinked[0]
        steps.append(S.tangential_axis_step(problem, i, (-problem.W[i][1], problem.W[i][0])))
        steps.append(S.contrast_step(problem, i))
    report = cert.verify()
    steps.append(Step("checks", "What was checked", ("Theorem 4.2",),
                      f"Independent checker: certificate {'valid' if report.valid else 'INVALID'} "
                      f"({len(report.checked)} claim groups re-derived).",
                      "Every number above that the certificate states was compared with it; every other "
                      "number was recomputed by a second route (listed under each step).",
                      checks=tuple(report.checked)))
    d = Derivation(title or "Worked derivation", description, tuple(steps),
                   {"verdict": cert.verdict.value, "checker_valid": report.valid})
    bad = verify_facts(d, cert.to_dict())
    if bad or not report.valid:
        raise DerivationMismatch("; ".join(bad) or "the independent checker rejected the certificate")
    return d

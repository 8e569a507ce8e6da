"""Worked derivations as data: steps with claims, justifications and exact math.

A :class:`Derivation` is a list of :class:`Step` objects. Each step has a
claim and a justification (plain text with inline math between ``$...$``),
display equations and an optional table (LaTeX math), the paper's equation
numbers it rests on, the checks that were run while building it, and the
:class:`Fact` list: every number the step prints that the certificate also
states, with its path in ``Certificate.to_dict()``. :func:`verify_facts`
compares them; :func:`derive` refuses to return a derivation whose facts
disagree. Renderers (:mod:`exactland.render_derivation`) only format.

Indices are 1-based in the text (``x_1``, neuron 1), as in the paper; fact
paths are 0-based, as in certificates.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Sequence

import sympy as sp

from .errors import ExactlandError
from .linalg import dot
from .numbers import is_rational, sign, to_str, to_sympy

__all__ = [
    "Fact", "Table", "Step", "Derivation", "verify_facts", "tex", "tex_vec",
    "tex_set", "tex_matrix", "tex_poly", "DerivationMismatch", "derive",
]


class DerivationMismatch(ExactlandError):
    """A printed number disagrees with the certificate (a bug, never the input's fault)."""


@dataclass(frozen=True)
class Fact:
    """A printed value and where the certificate states it.

    Attributes
    ----------
    path : tuple of str or int
        Keys into ``Certificate.to_dict()`` (0-based indices).
    value : JSON value
        Exact strings, lists, ints, bools or None, exactly as the certificate
        serialises them.
    """

    path: tuple[Any, ...]
    value: Any


@dataclass(frozen=True)
class Table:
    """A table whose cells are text with ``$...$`` math."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Step:
    """One step of a derivation.

    Attributes
    ----------
    key : str
        Stable identifier (``"kink-sets"``).
    title : str
    refs : tuple of str
        The paper's results and equation numbers (``"eq. (3)"``).
    claim, justification : str
        Text with inline math between ``$...$``.
    display : tuple of str
        Display equations (LaTeX, no delimiters).
    table : Table or None
    facts : tuple of Fact
    checks : tuple of str
        What was verified while building the step (all passed).
    """

    key: str
    title: str
    refs: tuple[str, ...]
    claim: str
    justification: str = ""
    display: tuple[str, ...] = ()
    table: Table | None = None
    facts: tuple[Fact, ...] = ()
    checks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Derivation:
    """A worked derivation (title, summary and steps)."""

    title: str
    summary: str
    steps: tuple[Step, ...]
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the data the renderers consume)."""
        return asdict(self)

    def facts(self) -> tuple[Fact, ...]:
        """Every fact of every step."""
        return tuple(f for s in self.steps for f in s.facts)


def _resolve(data: Any, path: Sequence[Any]) -> Any:
    for key in path:
        data = data[key]
    return data


def verify_facts(derivation: Derivation, cert_dict: dict[str, Any]) -> tuple[str, ...]:
    """Compare every fact with the certificate; return the mismatches (empty: all agree).

    Examples
    --------
    >>> d = Derivation("t", "", (Step("s", "s", (), "", facts=(Fact(("loss",), "1/2"),)),))
    >>> verify_facts(d, {"loss": "1/2"}), verify_facts(d, {"loss": "1"})
    ((), ("loss: printed '1/2', certificate '1'",))
    """
    bad = []
    for f in derivation.facts():
        try:
            got = _resolve(cert_dict, f.path)
        except (KeyError, IndexError, TypeError):
            bad.append(f"{'/'.join(map(str, f.path))}: not in the certificate")
            continue
        if got != f.value:
            bad.append(f"{'/'.join(map(str, f.path))}: printed {f.value!r}, certificate {got!r}")
    return tuple(bad)


# ----------------------------------------------------------- LaTeX formatting
def tex(x: Any) -> str:
    r"""An exact number (or SymPy expression, ``"inf"``, None) as LaTeX.

    Examples
    --------
    >>> from flint import fmpq
    >>> tex(fmpq(-7, 25)), tex(3), tex("inf"), tex(sp.sqrt(2) / 2)
    ('-\\tfrac{7}{25}', '3', '\\infty', '\\frac{\\sqrt{2}}{2}')
    """
    if x is None:
        return r"\text{none}"
    if isinstance(x, str):
        return r"\infty" if x == "inf" else x
    if isinstance(x, sp.Basic):
        return sp.latex(x)
    if not is_rational(x):
        return sp.latex(to_sympy(x))
    s = to_str(x)
    if "/" not in s:
        return s
    neg = s.startswith("-")
    p, q = s.lstrip("-").split("/")
    return ("-" if neg else "") + rf"\tfrac{{{p}}}{{{q}}}"


def tex_vec(v: Sequence[Any]) -> str:
    r"""``\left(a, b\right)``."""
    return r"\left(" + ", ".join(tex(x) for x in v) + r"\right)"


def tex_set(ks: Sequence[int], offset: int = 1) -> str:
    r"""A set of indices (shifted to 1-based) with ``\lbrace``, or ``\emptyset``."""
    if not ks:
        return r"\emptyset"
    return r"\lbrace " + ", ".join(str(k + offset) for k in ks) + r"\rbrace"


def tex_matrix(rows: Sequence[Sequence[Any]]) -> str:
    """A ``pmatrix`` of exact entries."""
    body = r" \\ ".join(" & ".join(tex(x) for x in row) for row in rows)
    return r"\begin{pmatrix} " + body + r" \end{pmatrix}"


def tex_poly(coeffs: Sequence[Any], var: str = r"\varepsilon") -> str:
    r"""``c_0 + c_1 t + ...`` with zero terms dropped.

    Examples
    --------
    >>> from flint import fmpq
    >>> tex_poly([fmpq(9, 2), fmpq(-9, 20), 0, 1], "t")
    '\\tfrac{9}{2} - \\tfrac{9}{20} t + t^{3}'
    """
    out = ""
    for n, c in enumerate(coeffs):
        if sign(c) == 0:
            continue
        neg = sign(c) < 0
        mag = tex(-c if neg else c)
        if not is_rational(c):
            mag = r"\left(" + mag + r"\right)"
        body = mag if n == 0 or (-c if neg else c) != 1 else ""
        term = body + ("" if n == 0 else (" " if body else "") + var + ("" if n == 1 else f"^{{{n}}}"))
        out += (" - " if neg else " + ") + term if out else ("-" if neg else "") + term
    return out or "0"


def dot_tex(a: Sequence[Any], b: Sequence[Any]) -> str:
    """``a·b`` as an exact LaTeX number."""
    return tex(dot(a, b))


def derive(problem: Any, cert: Any = None, *, title: str | None = None, description: str = "") -> Derivation:
    """Build the worked derivation of a point's classification (Theorem 4.2).

    Parameters
    ----------
    problem : Problem
    cert : Certificate, optional
        Computed with :func:`exactland.certify` when omitted.
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
    >>> from exactland.examples import load_example
    >>> d = derive(load_example("appendix-g-kink"))
    >>> [s.key for s in d.steps][:4], d.meta["verdict"]
    (['data', 'forward', 'kink-sets', 'd'], 'not-stationary')
    """
    from . import derivation_steps as S
    from .certificate import Verdict
    from .certify import certify
    from .kinks import neuron_data
    from .network import evaluate

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

"""Worked derivations as data: steps with claims, justifications and exact math.

A :class:`Derivation` is a list of :class:`Step` objects. Each step has a
claim and a justification (plain text with inline math between ``$...$``),
display equations and an optional table (LaTeX math), the paper's equation
numbers it rests on, the checks that were run while building it, and the
:class:`Fact` list: every number the step prints that the certificate also
states, with its path in ``Certificate.to_dict()``. :func:`verify_facts`
compares them; :func:`exactland.derivation.build.derive` refuses to return a derivation whose facts
disagree. Renderers (:mod:`exactland.derivation.render`) only format.

Indices are 0-based everywhere (``x_0``, neuron 0), in the text as in the
certificates and every other command; the paper counts from 1, and every
derivation says so in its first step.
"""
from __future__ import annotations

import html
from dataclasses import asdict, dataclass, field
from typing import Any, Sequence

from exactland.errors import InternalError
from exactland.exact.scalars import to_str

__all__ = ["Fact", "Table", "Step", "Derivation", "verify_facts", "DerivationMismatch", "fact_vector"]


class DerivationMismatch(InternalError):
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


def fact_vector(v: Sequence[Any]) -> list[str]:
    """A vector as a fact value: its exact strings, as certificates serialise vectors.

    Parameters
    ----------
    v : sequence of exact numbers

    Returns
    -------
    list of str

    Examples
    --------
    >>> from flint import fmpq
    >>> fact_vector((fmpq(-7, 25), 3))
    ['-7/25', '3']
    """
    return [to_str(x) for x in v]


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

    def __repr__(self) -> str:
        return f"Derivation({self.title!r}, {len(self.steps)} steps, meta={self.meta!r})"

    def _repr_html_(self) -> str:
        """The steps' titles and claims (inline math between ``$…$`` as notebooks render it);
        the full text is :func:`exactland.derivation.render.render_html`."""
        items = "".join(f"<li><b>{html.escape(s.title)}.</b> {html.escape(s.claim)}</li>" for s in self.steps)
        return f"<h4>{html.escape(self.title)}</h4><ol start='1'>{items}</ol>"


def _resolve(data: Any, path: Sequence[Any]) -> Any:
    """The value at ``path`` in nested dicts and lists."""
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

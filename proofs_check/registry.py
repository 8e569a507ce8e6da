"""The claim registry: what is checked, how, and what the outcome was.

A :class:`Check` names one claim of the paper (its number, e.g. ``"3.2"``),
the method (symbolic identity, exhaustive over a finite family, or generated
instances), a ``run(n_instances)`` that re-derives the claim and a
``broken(n_instances)`` that runs the *same* machinery on a deliberately
broken variant (a wrong sign, a dropped term) and must fail — so that no check
passes vacuously. Results are immutable dataclasses; nothing here prints.
"""
from __future__ import annotations

import time
import traceback
import zlib
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Callable, Iterable

__all__ = [
    "Status", "Method", "Outcome", "Check", "Result", "holds", "fails", "corrected",
    "all_checks", "select", "run_check", "run_checks", "search",
]


class Status(str, Enum):
    """Result of a check."""

    HOLDS = "holds"
    CORRECTED = "holds with a corrected statement"
    FAILS = "fails"
    ERROR = "error"


class Method(str, Enum):
    """How a claim is checked (the table's 'method' column)."""

    SYMBOLIC = "symbolic identity"
    EXHAUSTIVE = "exhaustive over a finite family"
    INSTANCES = "generated instances"
    RECOMPUTE = "exact recomputation"


@dataclass(frozen=True)
class Outcome:
    """What one run of a check found.

    Attributes
    ----------
    status : Status
    summary : str
        One line for the table.
    details : tuple of str
        Further lines (corrected statements, counterexamples, notes).
    counterexample : str or None
        A concrete counterexample when the (printed) statement fails.
    instances : int
        Generated instances / family members examined (0 for pure identities).
    errata : tuple of str
        Ids of ``ERRATA.md`` entries this check establishes.
    """

    status: Status
    summary: str
    details: tuple[str, ...] = ()
    counterexample: str | None = None
    instances: int = 0
    errata: tuple[str, ...] = ()


def holds(summary: str, details: Iterable[str] = (), instances: int = 0,
          errata: Iterable[str] = ()) -> Outcome:
    return Outcome(Status.HOLDS, summary, tuple(details), None, instances, tuple(errata))


def corrected(summary: str, details: Iterable[str] = (), counterexample: str | None = None,
              instances: int = 0, errata: Iterable[str] = ()) -> Outcome:
    return Outcome(Status.CORRECTED, summary, tuple(details), counterexample, instances,
                   tuple(errata))


def fails(summary: str, counterexample: str | None = None, details: Iterable[str] = (),
          instances: int = 0) -> Outcome:
    return Outcome(Status.FAILS, summary, tuple(details), counterexample, instances)


@dataclass(frozen=True)
class Check:
    """One claim of the paper and how it is re-derived.

    Attributes
    ----------
    claim : str
        The paper's number (``"3.2"``, ``"F.1.3"``, ``"O.1"``, ``"4.1.1"``).
    title : str
    method : Method
    run : callable
        ``run(n_instances) -> Outcome``.
    broken : callable
        ``broken(n_instances) -> Outcome``; must have status ``fails``.
    broken_label : str
        What the broken variant changes.
    expected : Status
        The documented result (``holds`` or ``holds with a corrected statement``).
    """

    claim: str
    title: str
    method: Method
    run: Callable[[int], Outcome] = field(repr=False)
    broken: Callable[[int], Outcome] = field(repr=False)
    broken_label: str
    expected: Status = Status.HOLDS


@dataclass(frozen=True)
class Result:
    """A check, its outcome, its broken variant's outcome and the timings."""

    check: Check
    outcome: Outcome
    broken: Outcome
    seconds: float
    broken_seconds: float

    @property
    def ok(self) -> bool:
        """The documented result, and the broken variant failed."""
        return self.outcome.status is self.check.expected and self.broken.status is Status.FAILS

    @property
    def method_text(self) -> str:
        m = self.check.method
        if m is Method.INSTANCES:
            return f"{self.outcome.instances} generated instances"
        if m is Method.EXHAUSTIVE and self.outcome.instances:
            return f"exhaustive over a finite family ({self.outcome.instances} cases)"
        return m.value


def _guard(fn: Callable[[int], Outcome], n: int) -> tuple[Outcome, float]:
    t0 = time.perf_counter()
    try:
        out = fn(n)
    except Exception as exc:  # a crash is reported, never hidden
        tb = traceback.format_exc(limit=4)
        out = Outcome(Status.ERROR, f"{type(exc).__name__}: {exc}", tuple(tb.splitlines()))
    return out, time.perf_counter() - t0


def run_check(check: Check, n_instances: int) -> Result:
    """Run a check and its broken variant."""
    out, t = _guard(check.run, n_instances)
    bout, bt = _guard(check.broken, n_instances)
    return Result(check, out, bout, t, bt)


def run_checks(checks: Iterable[Check], n_instances: int) -> tuple[Result, ...]:
    return tuple(run_check(c, n_instances) for c in checks)


def all_checks() -> tuple[Check, ...]:
    """Every registered check, in the paper's order."""
    from . import (
        appendix_a, appendix_b, appendix_f2, appendix_mn, clarke, corollary_4_4, f1_fourth_order,
        f1_third_order, fact_4_6, fact_4_8, hessian_f1, lemma_3_2, lemma_o1, ncf_link, output_bias, prop_4_9,
        prop_l1, prop_m1, raywise, theorem_4_2, theorem_d1, type2, worked_numbers,
    )

    mods = [lemma_3_2, appendix_a, appendix_b, clarke, theorem_d1, theorem_4_2,
            corollary_4_4, fact_4_6, fact_4_8, hessian_f1, f1_third_order, f1_fourth_order,
            appendix_f2, raywise, prop_4_9, prop_l1, appendix_mn, prop_m1, lemma_o1,
            worked_numbers, ncf_link, output_bias, type2]
    return tuple(c for m in mods for c in m.CHECKS)


def select(claim: str | None, checks: tuple[Check, ...] | None = None) -> tuple[Check, ...]:
    """Checks whose number is ``claim`` or starts with ``claim + "."``
    (``--claim F.1`` selects F.1.1–F.1.3); case-insensitive."""
    checks = all_checks() if checks is None else checks
    if claim is None:
        return checks
    c = claim.strip().lower()
    return tuple(k for k in checks if k.claim.lower() == c or k.claim.lower().startswith(c + "."))


# --------------------------------------------------------------------------- instances
@dataclass(frozen=True)
class SearchResult:
    """Outcome of :func:`search`: how many instances were examined (explicit and
    generated, not counting shrinking) and the first (shrunk) counterexample with
    its message, if any."""

    count: int
    counterexample: Any
    message: str | None
    stats: dict


def search(strategy: Any, property_fn: Callable[[Any, dict], str | None], n: int,
           shrink: bool = True, explicit: Iterable[Any] = ()) -> SearchResult:
    """Run ``property_fn`` on ``explicit`` instances, then on up to ``n``
    generated ones (:mod:`proofs_check.sampling`; no Hypothesis needed).

    ``property_fn(instance, stats)`` returns None when the property holds on the
    instance, else a message; it may count what it exercised in ``stats``.
    Generation is seeded by the property's name (reproducible); a generated
    counterexample is shrunk (``shrink``) and reported with its own message.
    """
    from . import sampling

    stats: dict = {}
    count = 0

    def message(inst: Any, into: dict) -> str | None:
        try:
            return property_fn(inst, into)
        except Exception as exc:  # report the crash as the counterexample
            return f"error: {type(exc).__name__}: {exc}"

    for inst in explicit:
        count += 1
        msg = message(inst, stats)
        if msg is not None:
            return SearchResult(count, inst, msg, stats)
    for inst, choices in sampling.examples(strategy, max(1, n), _seed(property_fn)):
        count += 1
        msg = message(inst, stats)
        if msg is None:
            continue
        if shrink:  # shrinking's evaluations do not count in the statistics
            inst, _ = sampling.shrink(strategy, choices, lambda v: message(v, {}) is not None)
            msg = message(inst, {}) or msg
        return SearchResult(count, inst, msg, stats)
    return SearchResult(count, None, None, stats)


def _seed(fn: Callable) -> int:
    """A seed that is stable across runs (unlike ``hash``) and differs between properties."""
    name = f"{getattr(fn, '__module__', '')}.{getattr(fn, '__qualname__', repr(fn))}"
    return zlib.crc32(name.encode("utf-8"))

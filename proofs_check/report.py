"""Render results as a table (claim, method, result, broken variant, time) and details."""
from __future__ import annotations

import json
import textwrap
from typing import Any, Sequence

from .registry import Result, Status

__all__ = ["table", "details", "summary_line", "to_json"]


def _result_text(r: Result) -> str:
    o = r.outcome
    if o.status is Status.FAILS:
        return "FAILS (counterexample below)"
    if o.status is Status.ERROR:
        return "ERROR"
    return o.status.value


def _broken_text(r: Result) -> str:
    b = r.broken
    if b.status is Status.FAILS:
        return "fails (as it must)"
    if b.status is Status.ERROR:
        return "ERROR"
    return "NOT DETECTED"


def table(results: Sequence[Result]) -> str:
    """The main table, one row per claim."""
    rows = [("claim", "title", "method", "result", "broken variant", "time")]
    for r in results:
        rows.append((r.check.claim, r.check.title, r.method_text, _result_text(r), _broken_text(r),
                     f"{r.seconds + r.broken_seconds:.2f}s"))
    widths = [max(len(row[c]) for row in rows) for c in range(len(rows[0]))]
    widths[1] = min(widths[1], 48)
    out = []
    for n, row in enumerate(rows):
        cells = [row[c][: widths[c]].ljust(widths[c]) for c in range(len(row))]
        out.append("  ".join(cells).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def _wrap(text: str, indent: str = "    ", width: int = 110, limit: int = 700) -> str:
    if len(text) > limit:
        text = text[:limit] + " ..."
    return textwrap.fill(text, width=width, initial_indent=indent, subsequent_indent=indent + "  ")


def details(results: Sequence[Result], verbose: bool = False) -> str:
    """Per-claim summaries; counterexamples and corrections always, the rest with ``verbose``."""
    out = []
    for r in results:
        o, b = r.outcome, r.broken
        mark = "ok " if r.ok else "!! "
        out.append(f"{mark}{r.check.claim}  {r.check.title}")
        out.append(_wrap(f"result: {o.status.value} -- {o.summary}"))
        if o.errata:
            out.append(_wrap(f"errata: {', '.join(o.errata)} (proofs_check/ERRATA.md)"))
        if o.counterexample and (verbose or o.status is not Status.HOLDS):
            out.append(_wrap(f"counterexample: {o.counterexample}"))
        if verbose or o.status in (Status.FAILS, Status.ERROR):
            for line in o.details:
                out.append(_wrap(line, indent="      "))
        out.append(_wrap(f"broken variant ({r.check.broken_label}): {b.status.value} -- {b.summary}"))
        if verbose and b.counterexample:
            out.append(_wrap(f"caught by: {b.counterexample}", indent="      "))
        if b.status is not Status.FAILS:
            for line in b.details:
                out.append(_wrap(line, indent="      "))
    return "\n".join(out)


def progress_line(r: Result) -> str:
    """One line as a claim completes: its number, its result and the broken variant's."""
    return (f"{'ok ' if r.ok else 'NO '} {r.check.claim:8s} {_result_text(r)}; broken variant: "
            f"{_broken_text(r)} ({r.seconds + r.broken_seconds:.2f}s)")


def summary_line(results: Sequence[Result]) -> str:
    n = len(results)
    ok = sum(r.ok for r in results)
    corr = sum(r.outcome.status is Status.CORRECTED for r in results)
    t = sum(r.seconds + r.broken_seconds for r in results)
    return (f"{ok}/{n} claims as documented ({n - corr} hold as printed or as a theorem, {corr} hold "
            f"with a corrected statement); every broken variant must fail; total {t:.1f}s")


def to_json(results: Sequence[Result]) -> str:
    def o(x: Any) -> dict:
        return {"status": x.status.value, "summary": x.summary, "details": list(x.details),
                "counterexample": x.counterexample, "instances": x.instances, "errata": list(x.errata)}
    return json.dumps([{"claim": r.check.claim, "title": r.check.title, "method": r.method_text,
                        "expected": r.check.expected.value, "outcome": o(r.outcome),
                        "broken_label": r.check.broken_label, "broken": o(r.broken),
                        "seconds": round(r.seconds, 3), "broken_seconds": round(r.broken_seconds, 3),
                        "ok": r.ok} for r in results], indent=1)

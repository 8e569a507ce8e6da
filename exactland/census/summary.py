"""Counts of verdicts over the records of a census, per cell and overall.

The summary depends only on the configuration and the set of records (never on
the order in which runs finished), so a resumed census writes the same file.
"""
from __future__ import annotations

from typing import Any, Iterable

from exactland.census.config import Census
from exactland.census.tasks import UNSNAPPED, VERDICTS

__all__ = ["summarize", "SUMMARY_FORMAT"]

SUMMARY_FORMAT = "exactland-census-summary/1"


def _zero() -> dict[str, int]:
    return {v: 0 for v in VERDICTS}


def _verdict(point: dict[str, Any] | None) -> str:
    v = None if point is None else point.get("verdict")
    return v if v in VERDICTS else UNSNAPPED


def counts(records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Verdict counts at the end and at each plateau (``plateau-N`` and all plateaus together)."""
    out: dict[str, Any] = {"runs": 0, "errors": 0, "final": _zero(), "plateaus": {"all": _zero()}}
    per: dict[int, dict[str, int]] = {}
    for rec in records:
        out["runs"] += 1
        out["errors"] += rec.get("error") is not None
        final = next((p for p in rec.get("points", []) if p.get("at") == "final"), None)
        out["final"][_verdict(final)] += 1
        for p in rec.get("points", []):
            at = str(p.get("at"))
            if at.startswith("plateau-"):
                n = int(at.split("-", 1)[1])
                per.setdefault(n, _zero())[_verdict(p)] += 1
                out["plateaus"]["all"][_verdict(p)] += 1
    for n in sorted(per):
        out["plateaus"][f"plateau-{n}"] = per[n]
    return out


def summarize(census: Census, records: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The ``summary.json`` of a census from its records (keyed by run key; extra keys ignored)."""
    runs = census.runs()
    mine = [records[r.key] for r in runs if r.key in records]
    cells = []
    for cell in census.cells:
        recs = [records[k] for k in (r.key for r in runs if r.cell == cell) if k in records]
        cells.append({**cell.label(), **counts(recs)})
    return {
        "format": SUMMARY_FORMAT,
        "config_key": census.key,
        "verdicts": list(VERDICTS),
        "expected_runs": len(runs),
        "missing_runs": len(runs) - len(mine),
        "overall": counts(mine),
        "cells": cells,
    }

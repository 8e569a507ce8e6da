"""Census figures: verdict shares against width and init scale; the number
of plateaus and the escape times against ln(1/σ) (Corollary 4.7: with small
initialisation the time spent near the origin saddle grows like ln(1/σ)).

Escape times are gradient-flow times ``t = η · step`` of the plateau ends.
Figures are built as :class:`matplotlib.figure.Figure` and rendered with the
Agg canvas; matplotlib's global state is left alone.
"""
from __future__ import annotations

import math
import pathlib
from typing import Any, Sequence

from exactland.census.tasks import UNSNAPPED, VERDICTS

__all__ = ["plot_verdicts", "plot_escapes"]

_COLOURS = {"saddle": "tab:orange", "type-1-minimum": "tab:blue", "type-2-minimum": "tab:purple",
            "not-stationary": "tab:red", "undecided": "tab:grey", UNSNAPPED: "black"}


def _final(rec: dict[str, Any]) -> str:
    p = next((p for p in rec.get("points", []) if p.get("at") == "final"), None)
    v = None if p is None else p.get("verdict")
    return v if v in VERDICTS else UNSNAPPED


def _save(fig: Any, path: pathlib.Path) -> pathlib.Path:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    fig.savefig(path, dpi=110)
    return path


def _shares(ax: Any, records: Sequence[dict[str, Any]], field: str, fmt: Any) -> None:
    values = sorted({r[field] for r in records})
    bottom = [0.0] * len(values)
    for v in VERDICTS:
        shares = []
        for x in values:
            group = [r for r in records if r[field] == x]
            shares.append(sum(_final(r) == v for r in group) / len(group))
        if any(shares):
            ax.bar(range(len(values)), shares, bottom=bottom, color=_COLOURS[v], label=v)
            bottom = [b + s for b, s in zip(bottom, shares)]
    ax.set_xticks(range(len(values)), [fmt(x) for x in values])
    ax.set_ylim(0, 1)
    ax.set_ylabel("share of runs (final point)")


def plot_verdicts(records: Sequence[dict[str, Any]], path: str | pathlib.Path) -> pathlib.Path:
    """Stacked shares of the final verdicts against width and against init std."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 4), layout="constrained")
    a, b = fig.subplots(1, 2)
    if records:
        _shares(a, records, "width", str)
        _shares(b, records, "init_std", lambda x: f"{x:.3g}")
        b.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small")
    a.set_xlabel("width |I|")
    b.set_xlabel("init std σ")
    fig.suptitle(f"final verdicts of {len(records)} runs")
    return _save(fig, pathlib.Path(path))


def plot_escapes(records: Sequence[dict[str, Any]], path: str | pathlib.Path) -> pathlib.Path:
    """Number of plateaus and plateau-end times (η·step) against ln(1/σ)."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    fig = Figure(figsize=(10, 4), layout="constrained")
    a, b = fig.subplots(1, 2)
    a.yaxis.set_major_locator(MaxNLocator(integer=True))
    ok = [r for r in records if r.get("init_std", 0) > 0]
    a.scatter([math.log(1 / r["init_std"]) for r in ok], [len(r.get("plateaus", [])) for r in ok],
              s=12, alpha=0.5, color="tab:blue")
    a.set_xlabel("ln(1/σ)")
    a.set_ylabel("number of plateaus")
    top = max((len(r.get("plateaus", [])) for r in ok), default=0)
    for n in range(top):
        pts = [(math.log(1 / r["init_std"]), r["lr"] * r["plateaus"][n][1]) for r in ok if len(r["plateaus"]) > n]
        b.scatter([x for x, _ in pts], [y for _, y in pts], s=12, alpha=0.6, label=f"end of plateau-{n}")
    b.set_xlabel("ln(1/σ)")
    b.set_ylabel("escape time η·step")
    if top:
        b.legend(fontsize="small")
    fig.suptitle("Corollary 4.7: plateaus and escape times against the init scale")
    return _save(fig, pathlib.Path(path))

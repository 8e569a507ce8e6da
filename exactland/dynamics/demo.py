"""The main job: the paper's Section 4.1.1 run end to end (``exactland demo``).

Train from small initialisation, find the plateaus, snap and certify each
plateau and the end, draw Figure 3; returns the report lines (prints nothing).
"""
from __future__ import annotations

import dataclasses
import pathlib
from typing import Any, Callable, Sequence

from exactland.builtin.examples import load_example
from exactland.dynamics.checkpoints import describe_snap
from exactland.dynamics.phases import phases
from exactland.dynamics.run import train
from exactland.dynamics.snap import snap
from exactland.dynamics.settings import SECTION_4_1_1, describe

__all__ = ["demo"]


def demo(out: str | pathlib.Path = "exactland-demo", engine: str = "auto",
         progress: Callable[[int, int], None] | None = None,
         predict: Callable[[Any], Sequence[tuple[float, str]]] | None = None) -> list[str]:
    """Section 4.1.1 end to end; returns the report lines.

    Parameters
    ----------
    out : path
        Folder for the run and ``figure3.png``.
    engine : {"auto", "numba", "numpy"}
    progress : callable, optional
        ``progress(done, total)`` during training.
    predict : callable, optional
        ``predict(problem) -> [(angle, label), …]``: predicted escape directions
        at a snapped plateau's exact point, drawn dashed on the angle panel
        (the command layer passes :func:`exactland.cli.ncf.snapped_angles`).
    """
    from exactland.dynamics.plot import plot_run

    cfg = dataclasses.replace(SECTION_4_1_1, engine=engine)
    r = train(load_example("origin-saddle").dataset, cfg, progress)
    r.save(out)
    lines = [f"Section 4.1.1: 5 samples, {describe(cfg)} — trained in {r.raw.seconds:.2f} s "
             f"({r.raw.engine})"]
    ps = phases(r)
    ncf_lines: dict[int, Sequence[tuple[float, str]]] = {}
    for p in ps:
        c = list(r.raw.ckpt_steps).index(p.snapshot)
        res = snap(r.dataset, r.raw.W[c, 0], r.raw.H[c, 0])
        head = "final state" if p.final else f"plateau {p.index} (ends at step {p.end})"
        lines.append(f"{head}: float MSE {p.loss:.9g}")
        lines.append("  " + describe_snap(p.snapshot, res))
        if predict is not None and not p.final and res.certificate is not None:
            ncf_lines[p.index] = predict(res.problem)
    fig = plot_run(r, pathlib.Path(out) / "figure3.png", ps, ps[-1].structure, ncf_lines=ncf_lines)
    lines.append(f"figure: {fig}   run: {out}/")
    return lines

"""Figure 3 of the paper from a run: loss, input-weight angles, ‖w_i‖, h_i.

One row of panels per seed: (a) the loss on a log scale with the plateau ends
dashed; (b) the angle of each ``w_i`` (counter-clockwise from (1, 0); the first
two coordinates when d > 2) with the dead region tinted for 2-d data of the
form x = (x, 1); (c) ``‖w_i‖``; (d…) ``h_ji`` for every output j. Curves are
coloured by the neuron's group at the end of the run (dead neurons black,
the rest grey), and a legend under the figure names the colours, the dashed
plateau ends and the tinted dead region. Steps are labelled 50k, 1M, …; with
``log_step`` the step axis is logarithmic (linear near 0).

With ``ncf_lines`` the predicted escape directions of each plateau (KKT points
of the neural correlation function, DESIGN.md §13) are drawn on the angle
panel as dashed horizontal lines over the plateau's steps, each labelled with
its angle. They arrive as plain numbers (this module does not import
:mod:`exactland.ncf`, which sits in the same layer): ``exactland plot --ncf``
and ``exactland demo`` compute them in the command layer
(:func:`exactland.cli.ncf.plateau_angles`).

The figure is built as a :class:`matplotlib.figure.Figure` and rendered with
the Agg canvas directly: no ``pyplot``, no change to the process-wide
matplotlib backend or state.
"""
from __future__ import annotations

import pathlib
from typing import Any, Mapping, Sequence

import numpy as np

from exactland.dynamics.phases import Plateau, phases
from exactland.dynamics.run import Run
from exactland.dynamics.structure import Structure
from exactland.exact.scalars import to_float

__all__ = ["plot_run", "figure_run", "step_label", "NCF_LABEL"]

_COLOURS = ["tab:red", "tab:orange", "tab:blue", "tab:green", "tab:purple", "tab:brown"]
#: Legend label (and Line2D label) of the dashed predicted NCF directions.
NCF_LABEL = "predicted escape direction (NCF KKT point)"

#: ``{plateau index: [(angle in radians, label), …]}``
NCFLines = Mapping[int, Sequence[tuple[float, str]]]


def plot_run(
    run: Run,
    path: str | pathlib.Path,
    plateaus: list[Plateau] | None = None,
    final: Structure | None = None,
    seed_index: int = 0,
    *,
    seeds: Sequence[int] | None = None,
    log_step: bool = False,
    ncf_lines: NCFLines | None = None,
) -> pathlib.Path:
    """Draw the Figure 3 panels of one or several seeds to a PNG file.

    Parameters
    ----------
    run : Run
    path : str or Path
        Output PNG.
    plateaus, final, seed_index, seeds, log_step, ncf_lines
        As for :func:`figure_run`.

    Returns
    -------
    pathlib.Path
    """
    fig = figure_run(run, plateaus, final, seed_index, seeds=seeds, log_step=log_step, ncf_lines=ncf_lines)
    out = pathlib.Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)
    return out


def figure_run(
    run: Run,
    plateaus: list[Plateau] | None = None,
    final: Structure | None = None,
    seed_index: int = 0,
    *,
    seeds: Sequence[int] | None = None,
    log_step: bool = False,
    ncf_lines: NCFLines | None = None,
) -> Any:
    """The Figure 3 panels as a :class:`matplotlib.figure.Figure` (Agg canvas, no pyplot).

    Parameters
    ----------
    run : Run
    plateaus : list of Plateau, optional
        Plateaus of ``seed_index`` (their ends are dashed); found with
        :func:`~exactland.dynamics.phases.phases` when omitted.
    final : Structure, optional
        Structure at the end of ``seed_index`` (colours curves by final group).
    seed_index : int
        The seed drawn when ``seeds`` is None.
    seeds : sequence of int, optional
        Several seed indices of a batch, one row of panels each.
    log_step : bool
        Logarithmic step axis.
    ncf_lines : mapping, optional
        ``{plateau index: [(angle, label), …]}`` for the row of ``seed_index``:
        predicted directions (radians, counter-clockwise from (1, 0) in the
        first two coordinates, as the angle panel) drawn dashed over the
        plateau's step range (Line2D label :data:`NCF_LABEL`, gid
        ``ncf-plateau-N``).

    Returns
    -------
    matplotlib.figure.Figure
        Row r's panels are ``fig.axes[r*(3+J) : (r+1)*(3+J)]``; the angle panel is the second.
    """
    # imported on first use: matplotlib is slow to import and only drawing needs it
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    rows = list(seeds) if seeds is not None else [seed_index]
    J = run.raw.H.shape[2]
    fig = Figure(figsize=(4.2 * (3 + J), 3.4 * len(rows) + 0.45))
    FigureCanvasAgg(fig)
    axes = np.atleast_2d(fig.subplots(len(rows), 3 + J, squeeze=False))
    handles: dict[str, Any] = {}
    for r, s in enumerate(rows):
        mine = seeds is None or s == seed_index
        ps, fin = (plateaus, final) if mine else (None, None)
        if ps is None:
            ps = phases(run, s)
        if fin is None and ps:
            fin = ps[-1].structure
        handles.update(_draw_seed(run, axes[r], s, ps, fin, label_rows=len(rows) > 1))
        handles.update(_draw_ncf(axes[r][1], ps, (ncf_lines or {}) if mine else {}))
    for a in axes.flat:
        _step_axis(a, log_step, int(run.raw.ckpt_steps[-1]))
    names = sorted(handles, key=_legend_order)
    fig.legend([handles[n] for n in names], names, loc="lower center", ncol=min(len(names), 6),
               frameon=False, fontsize=9)
    fig.tight_layout(rect=(0, 0.45 / fig.get_figheight(), 1, 1))
    return fig


def _draw_seed(run: Run, axes: Any, s: int, plateaus: list[Plateau], final: Structure | None,
               label_rows: bool) -> dict[str, Any]:
    """The panels of seed ``s`` in one row of ``axes``; returns legend handles by label."""
    raw = run.raw
    J = raw.H.shape[2]
    steps = raw.ckpt_steps
    W, H = raw.W[:, s], raw.H[:, s]  # C×I×d, C×J×I
    col, labels = _neuron_colours(W.shape[1], final)
    tag = f" — seed {run.config.seeds[s]}" if label_rows else ""
    axes[0].semilogy(raw.log_steps, raw.losses[s], color="black", lw=1)
    axes[0].set_title(f"(a) loss ({run.config.loss}){tag}")
    handles: dict[str, Any] = {}
    X = np.array(raw_X(run))
    if X.shape[1] == 2 and np.allclose(X[:, 1], 1.0):
        lo, hi = _dead_region(X[:, 0])
        if lo is not None:
            handles["dead region (w·x < 0 for every sample)"] = axes[1].axhspan(lo, hi, color="0.9")
    ang = np.mod(np.arctan2(W[:, :, 1], W[:, :, 0]), 2 * np.pi)
    norms = np.linalg.norm(W, axis=2)
    for i in range(W.shape[1]):
        line, = axes[1].plot(steps, ang[:, i], color=col[i], lw=0.8)
        handles.setdefault(labels[i], line)
        axes[2].plot(steps, norms[:, i], color=col[i], lw=0.8)
        for j in range(J):
            axes[3 + j].plot(steps, H[:, j, i], color=col[i], lw=0.8)
    axes[1].set_title("(b) angle of w_i (rad)")
    axes[1].set_ylim(0, 2 * np.pi)
    axes[2].set_title("(c) ||w_i||")
    for j in range(J):
        axes[3 + j].set_title(f"({chr(ord('d') + j)}) h_{j}i")
    for a in axes:
        for p in plateaus:
            if not p.final:
                handles["plateau end"] = a.axvline(p.end, color="0.3", ls="--", lw=0.8)
    return handles


def _draw_ncf(ax: Any, plateaus: list[Plateau], lines: NCFLines) -> dict[str, Any]:
    """Dashed predicted directions over each plateau's steps on the angle panel ``ax``."""
    handles: dict[str, Any] = {}
    for p in plateaus:
        for angle, label in lines.get(p.index, ()):
            y = float(angle) % (2 * np.pi)
            line, = ax.plot([p.start, p.end], [y, y], color="darkcyan", ls="--", lw=1.6, label=NCF_LABEL,
                            gid=f"ncf-plateau-{p.index}", zorder=5)
            ax.annotate(label, (p.end, y), xytext=(2, 1), textcoords="offset points", fontsize=7,
                        color="darkcyan", zorder=5)
            handles[NCF_LABEL] = line
    return handles


def _legend_order(label: str) -> tuple[int, str]:
    """Groups first (by number), then dead, small, the dead region, the plateau ends."""
    if label.startswith("group "):
        return (0, f"{int(label.split()[1]):04d}")
    rank = {"dead": 1, "small or ungrouped": 2, "plateau end": 4, NCF_LABEL: 5}
    return (rank.get(label, 3), label)


def step_label(step: float) -> str:
    """``950``, ``50k``, ``1.2M``: a short label for a step count.

    Examples
    --------
    >>> step_label(0), step_label(50_000), step_label(1_200_000), step_label(600_000)
    ('0', '50k', '1.2M', '600k')
    """
    for size, suffix in ((1_000_000, "M"), (1_000, "k")):
        if abs(step) >= size:
            value = step / size
            return f"{value:.1f}".rstrip("0").rstrip(".") + suffix
    return f"{step:.0f}"


def _step_axis(ax: Any, log_step: bool, last_step: int) -> None:
    from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

    ax.set_xlabel("step" + (" (log scale)" if log_step else ""))
    if log_step:
        ax.set_xscale("symlog", linthresh=1000, linscale=0.5)
        ax.set_xlim(0, last_step)
        ticks = [0] + [10**e for e in range(3, 10) if 10**e <= last_step]
        ax.xaxis.set_major_locator(FixedLocator(ticks))
    else:
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: step_label(v)))


def _neuron_colours(n_neurons: int, final: Structure | None) -> tuple[list[str], list[str]]:
    """One colour and legend label per neuron: its final group's, black if dead, grey otherwise."""
    col, label = ["0.6"] * n_neurons, ["small or ungrouped"] * n_neurons
    if final is not None:
        for g, members in enumerate(final.groups):
            for i in members:
                col[i] = _COLOURS[g % len(_COLOURS)]
                label[i] = f"group {g} ({len(members)} neurons)"
        for i in final.dead:
            col[i], label[i] = "black", "dead"
    return col, label


def raw_X(run: Run) -> list[list[float]]:
    """The inputs as floats (named conversion, for drawing only)."""
    return [[to_float(c) for c in row] for row in run.dataset.X]


def _dead_region(xs: np.ndarray) -> tuple[float | None, float | None]:
    """Angles θ with (cos θ)x + sin θ < 0 for every sample x (inputs (x, 1))."""
    theta = np.linspace(0, 2 * np.pi, 20001)
    dead = np.all(np.cos(theta)[:, None] * xs[None, :] + np.sin(theta)[:, None] < 0, axis=1)
    if not dead.any():
        return None, None
    return float(theta[dead].min()), float(theta[dead].max())

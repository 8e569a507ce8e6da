"""Figure 3 of the paper from a run: loss, input-weight angles, ‖w_i‖, h_i.

Panels: (a) the loss on a log scale with the plateau ends dashed; (b) the
angle of each ``w_i`` (counter-clockwise from (1, 0); the first two
coordinates when d > 2) with the dead region tinted for 2-d data of the form
x = (x, 1); (c) ``‖w_i‖``; (d…) ``h_ji`` for every output j. Curves are
coloured by the neuron's group at the end of the run; dead neurons are black.

The figure is built as a :class:`matplotlib.figure.Figure` and rendered with
the Agg canvas directly: no ``pyplot``, no change to the process-wide
matplotlib backend or state.
"""
from __future__ import annotations

import pathlib

import numpy as np

from exactland.dynamics.phases import Plateau
from exactland.dynamics.run import Run
from exactland.dynamics.structure import Structure
from exactland.exact.scalars import to_float

__all__ = ["plot_run"]


def plot_run(
    run: Run,
    path: str | pathlib.Path,
    plateaus: list[Plateau] | None = None,
    final: Structure | None = None,
    seed_index: int = 0,
) -> pathlib.Path:
    """Draw the Figure 3 panels of one seed to a PNG file.

    Parameters
    ----------
    run : Run
    path : str or Path
        Output PNG.
    plateaus : list of Plateau, optional
        Their ends are marked with dashed lines.
    final : Structure, optional
        Colours curves by final group.
    seed_index : int

    Returns
    -------
    pathlib.Path
    """
    # imported on first use: matplotlib is slow to import and only drawing needs it
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    raw = run.raw
    J = raw.H.shape[2]
    steps = raw.ckpt_steps
    W = raw.W[:, seed_index]  # C×I×d
    H = raw.H[:, seed_index]  # C×J×I
    I = W.shape[1]
    col = _neuron_colours(I, final)
    fig = Figure(figsize=(4.2 * (3 + J), 3.6))
    FigureCanvasAgg(fig)
    axes = fig.subplots(1, 3 + J)
    ax = axes[0]
    ax.semilogy(raw.log_steps, raw.losses[seed_index], color="black", lw=1)
    ax.set_title(f"(a) loss ({run.config.loss})")
    ax.set_xlabel("step")
    ang = np.mod(np.arctan2(W[:, :, 1], W[:, :, 0]), 2 * np.pi)
    X = np.array(raw_X(run))
    if X.shape[1] == 2 and np.allclose(X[:, 1], 1.0):
        lo, hi = _dead_region(X[:, 0])
        if lo is not None:
            axes[1].axhspan(lo, hi, color="0.9")
    norms = np.linalg.norm(W, axis=2)
    for i in range(I):
        axes[1].plot(steps, ang[:, i], color=col[i], lw=0.8)
        axes[2].plot(steps, norms[:, i], color=col[i], lw=0.8)
        for j in range(J):
            axes[3 + j].plot(steps, H[:, j, i], color=col[i], lw=0.8)
    axes[1].set_title("(b) angle of w_i (rad)")
    axes[1].set_ylim(0, 2 * np.pi)
    axes[2].set_title("(c) ||w_i||")
    for j in range(J):
        axes[3 + j].set_title(f"({chr(ord('d') + j)}) h_{j}i")
    for a in axes:
        a.set_xlabel("step")
        for p in plateaus or []:
            if not p.final:
                a.axvline(p.end, color="0.3", ls="--", lw=0.8)
    fig.tight_layout()
    out = pathlib.Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)
    return out


def _neuron_colours(n_neurons: int, final: Structure | None) -> list[str]:
    """One colour per neuron: its final group's, black if dead, grey otherwise."""
    colours = ["tab:red", "tab:orange", "tab:blue", "tab:green", "tab:purple", "tab:brown"]
    col = ["0.6"] * n_neurons
    if final is not None:
        for g, members in enumerate(final.groups):
            for i in members:
                col[i] = colours[g % len(colours)]
        for i in final.dead:
            col[i] = "black"
    return col


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

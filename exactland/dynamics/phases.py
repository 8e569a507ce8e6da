"""Plateaus of a loss curve (saddle neighbourhoods) and the final state.

A plateau is a maximal stretch of the logged loss on which the decay rate
``g(t) = −d log L / dt`` (over a short window) stays below ``threshold·max g``
and which lasts at least ``min_fraction`` of the run; the steps in between are
the escapes (Figure 3a's rapid drops). A plateau ends where the next drop
starts (the dashed lines of Figure 3). The last stretch is the final state
(a plateau near a minimum, or the tail of a run converging to zero loss).

For each plateau the checkpoint with the smallest float gradient norm is the
*snapshot* — the float point closest to stationarity, which :mod:`.snap`
turns into an exact point. The report also gives the neuron structure there
(:mod:`.structure`) and Fact 4.6's conserved quantity ``‖w_i‖² − ‖h_{·i}‖²``,
whose drift measures how far GD (a discretisation) is from the gradient flow.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from exactland.dynamics.run import Run, float_data
from exactland.dynamics.train import RawTrajectory
from exactland.dynamics.structure import Structure, Tolerances, guess_structure

__all__ = ["Plateau", "find_plateaus", "phases", "float_gradient_norm"]


@dataclass(frozen=True)
class Plateau:
    """One plateau (or the final state) of a run.

    Attributes
    ----------
    index : int
        0-based plateau number (``plateau-N`` on the command line).
    start, end : int
        Steps; ``end`` is where the following drop starts (the last logged
        step for the final plateau).
    final : bool
    loss : float
        Loss at the snapshot (run's convention).
    snapshot : int
        Step of the checkpoint used for snapping.
    grad_norm : float
        Float gradient norm at the snapshot.
    structure : Structure
        Neuron classification at the snapshot.
    angles : tuple of float
        Group directions as angles in [0, 2π) (d = 2 only; first two
        coordinates otherwise).
    conservation_drift : float
        ``max_i |q_i(snapshot) − q_i(0)|`` with ``q_i = ‖w_i‖² − ‖h_{·i}‖²``
        (Fact 4.6: zero along the gradient flow).
    diverged_at : int or None
        On the final entry of a run that diverged: the first step with a
        non-finite loss or parameter (the entry then describes the last
        finite stretch, never the NaN one).
    """

    index: int
    start: int
    end: int
    final: bool
    loss: float
    snapshot: int
    grad_norm: float
    structure: Structure
    angles: tuple[float, ...]
    conservation_drift: float
    diverged_at: int | None = None

    def as_dict(self) -> dict:
        """JSON-ready form."""
        st = self.structure
        return {
            "index": self.index, "start": self.start, "end": self.end, "final": self.final,
            "loss": self.loss, "snapshot": self.snapshot, "grad_norm": self.grad_norm,
            "groups": [list(g) for g in st.groups], "angles": list(self.angles),
            "kinks": [list(k) for k in st.kinks], "dead": list(st.dead),
            "small_living": list(st.small), "conservation_drift": self.conservation_drift,
            "diverged_at": self.diverged_at,
        }


def find_plateaus(
    steps: np.ndarray, losses: np.ndarray, *, threshold: float = 0.3, min_fraction: float = 0.01,
    prominence: float = 4.0, window: int | None = None,
) -> list[tuple[int, int]]:
    """Plateau intervals ``(start_step, end_step)`` of a loss curve.

    The decay rate ``g = −d log L/dt`` is smoothed over a short window; every
    escape is a peak of g (peaks closer than ``min_fraction`` of the run are
    merged, peaks below 1e-3 of the highest ignored). Between two escapes, and
    before the first and after the last, a plateau is the longest stretch on
    which g stays below ``threshold`` times the smaller neighbouring peak —
    so slow escapes (e.g. the splitting of grown neurons) count as well as
    fast ones. Stretches shorter than ``min_fraction`` of the run are dropped.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(0, 1000, 10)
    >>> L = np.where(t < 400, 1.0, np.where(t < 450, np.exp(-(t - 400) / 10), np.exp(-5)))
    >>> find_plateaus(t, L)
    [(0, 390), (450, 990)]
    >>> find_plateaus(t, np.exp(-t / 100.0))  # steady decay: no plateau
    []
    """
    ok = np.isfinite(losses) & (losses > 0)
    n = int(np.argmin(ok)) if not ok.all() else len(losses)
    if n < 3:
        return []
    steps, logl = steps[:n].astype(float), np.log(losses[:n])
    w = window or max(1, n // 300)
    rate = np.empty(n)
    rate[:-w] = -(logl[w:] - logl[:-w]) / (steps[w:] - steps[:-w])
    rate[-w:] = rate[-w - 1]
    span = steps[-1] - steps[0]
    top = rate.max()
    if top <= 0:
        return [(int(steps[0]), int(steps[-1]))]
    prominence = max(prominence, 1.0)
    peaks: list[int] = []
    for i in np.argsort(-rate):
        if rate[i] < 1e-3 * top:
            break
        if (i > 0 and rate[i] < rate[i - 1]) or (i < n - 1 and rate[i] < rate[i + 1]):
            continue  # not a local maximum
        left = max((p for p in peaks if p < i), default=-1)
        right = min((p for p in peaks if p > i), default=n)
        lo_l = rate[left + 1:i].min() if i > left + 1 else rate[i]
        lo_r = rate[i + 1:right].min() if right > i + 1 else rate[i]
        if rate[i] >= prominence * max(lo_l, lo_r) and rate[i] > 0:
            peaks.append(int(i))
    peaks.sort()
    if not peaks:  # no escape: one plateau if the loss hardly moved, else a steady decay
        return [(int(steps[0]), int(steps[-1]))] if logl[0] - logl[-1] < 1e-2 else []
    bounds = [0] + peaks + [n - 1]
    out: list[tuple[int, int]] = []
    for a, b in zip(bounds[:-1], bounds[1:]):
        refs = [rate[x] for x in (a, b) if x in peaks]
        flat = rate[a:b + 1] < threshold * min(refs)
        best, i = None, 0
        while i < len(flat):
            if flat[i]:
                j = i
                while j + 1 < len(flat) and flat[j + 1]:
                    j += 1
                if best is None or j - i > best[1] - best[0]:
                    best = (i, j)
                i = j + 1
            else:
                i += 1
        if best is not None and steps[a + best[1]] - steps[a + best[0]] >= min_fraction * span:
            out.append((int(steps[a + best[0]]), int(steps[a + best[1]])))
    return out


def float_gradient_norm(W: np.ndarray, H: np.ndarray, X: np.ndarray, Y: np.ndarray,
                        alpha: tuple[float, float], bias: bool = False) -> float:
    """Norm of the gradient of ½Σe² at a float point (ρ'(0) = a⁻).

    ``Y`` are the targets at the point (``Y − 1bᵀ`` with an output bias); with
    ``bias`` the norm includes ``∂L/∂b = Σ_k e_k``.
    """
    Z = W @ X.T
    S = np.where(Z > 0, alpha[0], alpha[1])
    A = S * Z
    E = (H @ A).T - Y
    gH = E.T @ A.T
    gW = ((H.T @ E.T) * S) @ X
    gb = E.sum(axis=0) if bias else np.zeros(0)
    with np.errstate(over="ignore", invalid="ignore"):  # a diverging run reports inf
        return float(np.sqrt((gH**2).sum() + (gW**2).sum() + (gb**2).sum()))


def _targets(raw: RawTrajectory, c: int, seed_index: int, Y: np.ndarray) -> np.ndarray:
    """``Y − 1bᵀ`` at checkpoint ``c`` for a run with an output bias, else ``Y``."""
    return Y if raw.b is None else Y - raw.b[c, seed_index][None, :]


def phases(run: Run, seed_index: int = 0, tol: Tolerances = Tolerances()) -> list[Plateau]:
    """Plateaus of one seed of a run, each with its snapshot and structure.

    Parameters
    ----------
    run : Run
    seed_index : int
        Which seed (position in ``run.config.seeds``).
    tol : Tolerances
        Structure tolerances for the report.

    Returns
    -------
    list of Plateau
    """
    raw = run.raw
    X, Y, alpha = float_data(run.dataset)
    div = int(raw.diverged_at[seed_index])
    finite = raw.log_steps < div if div >= 0 else np.ones(len(raw.log_steps), dtype=bool)
    ckpt_ok = [c for c, s in enumerate(raw.ckpt_steps) if div < 0 or s < div]
    if finite.sum() < 2 or not ckpt_ok:
        return []  # diverged before a second logged step: nothing finite to describe
    log_steps, losses = raw.log_steps[finite], raw.losses[seed_index][finite]
    intervals = find_plateaus(log_steps, losses)
    last = int(log_steps[-1])
    if not intervals or intervals[-1][1] < last:
        # the run does not end on a plateau (e.g. it converges towards zero
        # loss): its final state is the last checkpoint
        intervals.append((intervals[-1][1] if intervals else 0, last))
    W0, H0 = raw.W[0, seed_index], raw.H[0, seed_index]
    q0 = (W0**2).sum(axis=1) - (H0**2).sum(axis=0)
    out = []
    for n, (a, b) in enumerate(intervals):
        final = n == len(intervals) - 1
        lo, hi = a, (raw.ckpt_steps[ckpt_ok[-1]] if final else b)
        idx = [c for c in ckpt_ok if lo <= raw.ckpt_steps[c] <= hi]
        if not idx:
            idx = [min(ckpt_ok, key=lambda c: abs(int(raw.ckpt_steps[c]) - (a + b) // 2))]
        if final:
            best = idx[-1]
        else:
            norms = [float_gradient_norm(raw.W[c, seed_index], raw.H[c, seed_index], X,
                                         _targets(raw, c, seed_index, Y), alpha, raw.b is not None) for c in idx]
            best = idx[int(np.argmin(norms))]
        W, H, Yb = raw.W[best, seed_index], raw.H[best, seed_index], _targets(raw, best, seed_index, Y)
        st = guess_structure(W, H, X, Yb, alpha[1], tol)
        angles = tuple(float(np.arctan2(u[1], u[0]) % (2 * np.pi)) for u in st.directions)
        q = (W**2).sum(axis=1) - (H**2).sum(axis=0)
        step = int(raw.ckpt_steps[best])
        li = int(np.argmin(np.abs(log_steps - step)))
        out.append(Plateau(n, a, b, final, float(losses[li]), step,
                           float_gradient_norm(W, H, X, Yb, alpha, raw.b is not None), st, angles,
                           float(np.abs(q - q0).max()), div if final and div >= 0 else None))
    return out

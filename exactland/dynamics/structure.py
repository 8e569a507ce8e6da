"""Guessing the combinatorial structure of a float point (docs/mathematics.md §9, step 1).

Tolerances only *guide the guess*; every guess is turned into an exact point
and certified by the exact core, which alone decides.

Classification of neuron i at a float point (W, H):

* **dead** (only when a⁻ = 0): ``w_i·x_k < −dead·‖w_i‖‖x_k‖`` for every
  sample (strict, in float; the margin ``dead`` is 0 by default) — kept,
  rounded, strictly dead;
* **grown**: magnitude ``m_i = (‖w_i‖² + ‖h_i‖²)^½ ≥ small·m_ref`` with
  ``m_ref = max(max_i m_i, (max|y| / max‖x_k‖)^½)`` — the second term is the
  size of a neuron that fits the data alone (balanced, Fact 4.6), so at the
  origin plateau every neuron is small;
* grown neurons are clustered into **groups** of aligned input weights
  (angle below ``angle``); a small neuron aligned with a grown group joins it
  (a straggler), any other small neuron is a **small living** neuron — it is
  set to exactly zero (it marks an escape neuron of the nearby saddle,
  Section 4.2);
* each group's **kink set**: samples with ``|cos(u_g, x_k)| < kink``, and its
  sign pattern on the other samples.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Tolerances", "Structure", "guess_structure", "DEFAULT_GUESSES"]


@dataclass(frozen=True)
class Tolerances:
    """Float tolerances of one structure guess (they never decide a verdict)."""

    small: float = 1e-2
    angle: float = 1e-2
    kink: float = 1e-3
    dead: float = 0.0

    def as_dict(self) -> dict[str, float]:
        """JSON-ready form."""
        return {"small": self.small, "angle": self.angle, "kink": self.kink, "dead": self.dead}


DEFAULT_GUESSES: tuple[Tolerances, ...] = tuple(
    Tolerances(small, angle, kink)
    for small in (1e-2, 3e-2, 1e-1, 3e-1)
    for kink in (1e-3, 1e-2, 1e-4)
    for angle in (1e-2, 5e-2)
)
"""Structure guesses tried in order: the threshold for *small* neurons first
(a plateau's small living neurons may already have grown a little), then the
kink and the alignment tolerances."""


@dataclass(frozen=True)
class Structure:
    """A guessed structure.

    Attributes
    ----------
    dead, small : tuple of int
        Strictly dead neurons; small living neurons (to be zeroed).
    groups : tuple of tuples of int
        Aligned neurons.
    directions : tuple of (d,) float arrays
        Unit direction of each group (magnitude-weighted mean).
    kinks : tuple of tuples of int
        Kink set of each group.
    patterns : tuple of tuples of int
        Sign of ``u_g·x_k`` per sample (0 on the kink set).
    """

    dead: tuple[int, ...]
    small: tuple[int, ...]
    groups: tuple[tuple[int, ...], ...]
    directions: tuple[np.ndarray, ...]
    kinks: tuple[tuple[int, ...], ...]
    patterns: tuple[tuple[int, ...], ...]


def guess_structure(
    W: np.ndarray, H: np.ndarray, X: np.ndarray, Y: np.ndarray, alpha_minus: float, tol: Tolerances
) -> Structure:
    """Classify the neurons of a float point.

    Parameters
    ----------
    W : (I, d) array
    H : (J, I) array
    X : (K, d) array
    Y : (K, J) array
    alpha_minus : float
        Dead neurons exist only for ``a⁻ = 0``.
    tol : Tolerances

    Returns
    -------
    Structure

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> W = np.array([[1.0, 1e-9], [-1.0, -1.0], [1e-7, 1e-7], [0.5, 0.0]])
    >>> H = np.array([[1.0, 0.3, 1e-7, 0.5]])
    >>> s = guess_structure(W, H, X, np.array([[1.0], [1.0]]), 0.0, Tolerances())
    >>> s.dead, s.small, s.groups, s.kinks
    ((1,), (2,), ((0, 3),), ((1,),))
    """
    I = W.shape[0]
    norms_w = np.linalg.norm(W, axis=1)
    mags = np.sqrt(norms_w**2 + (H**2).sum(axis=0))
    Z = W @ X.T
    dead = tuple(
        i for i in range(I) if alpha_minus == 0 and norms_w[i] > 0
        and bool((Z[i] < -tol.dead * norms_w[i] * np.linalg.norm(X, axis=1)).all())
    ) if alpha_minus == 0 else ()
    rest = [i for i in range(I) if i not in dead]
    data_scale = float(np.sqrt(np.abs(Y).max() / max(np.linalg.norm(X, axis=1).max(), 1e-300)))
    top = max(max((mags[i] for i in rest), default=0.0), data_scale)
    grown = sorted((i for i in rest if top > 0 and mags[i] >= tol.small * top), key=lambda i: -mags[i])
    cos_tol = np.cos(tol.angle)
    groups: list[list[int]] = []
    leaders: list[np.ndarray] = []
    for i in grown:
        u = W[i] / norms_w[i]
        for g, lead in enumerate(leaders):
            if float(u @ lead) >= cos_tol:
                groups[g].append(i)
                break
        else:
            groups.append([i])
            leaders.append(u)
    small = []
    for i in rest:
        if i in grown:
            continue
        joined = False
        if norms_w[i] > 0:
            u = W[i] / norms_w[i]
            for g, lead in enumerate(leaders):
                if float(u @ lead) >= cos_tol:
                    groups[g].append(i)
                    joined = True
                    break
        if not joined:
            small.append(i)
    directions, kinks, patterns = [], [], []
    xn = np.linalg.norm(X, axis=1)
    for g in groups:
        v = sum(W[i] * mags[i] for i in g)
        u = v / np.linalg.norm(v)
        directions.append(u)
        cos = (X @ u) / np.where(xn > 0, xn, 1.0)
        kink = tuple(int(k) for k in np.flatnonzero(np.abs(cos) < tol.kink))
        kinks.append(kink)
        patterns.append(tuple(0 if k in kink else (1 if cos[k] > 0 else -1) for k in range(len(X))))
    return Structure(tuple(dead), tuple(sorted(small)), tuple(tuple(sorted(g)) for g in groups),
                     tuple(directions), tuple(kinks), tuple(patterns))

"""Exact strictly dead input weights near a float dead neuron (docs/mathematics.md §9, step 3).

A dead neuron (``a⁻ = 0``, ``w·x_k < 0`` for every sample) must stay strictly
dead in the exact point. Gradient descent leaves such neurons where they died,
often tiny (``‖w‖ ≈ 1e-10`` after small initialisation) or with a tiny margin,
so rounding each entry to a bounded denominator can land on or across a
sample's kink. :func:`strictly_dead_row` therefore

1. rounds *relative to the neuron's size*: ``w ≈ s·r`` with ``s`` the power of
   two nearest ``max|w|`` and ``r`` rounded to denominators 10³, 10⁶, 10⁹;
2. falls back to the exact binary value of the float ``w``;
3. and if that is still not strictly dead (the float margin was below the
   rounding of ``w·x_k``), shifts it exactly along a strictly dead direction
   ``v`` (``v·x_k < 0`` for all k): ``w + t v`` with
   ``t = 2·max(max_k w·x_k, 0⁺)/min_k(−v·x_k)``, so that every ``(w + tv)·x_k``
   is at most ``−max_k w·x_k < 0`` (or a tiny negative number when that is 0).

Every candidate is checked exactly; floats only propose. The positive scale
``s`` does not change any sign ``w·x_k``, so a dead row's verdicts do not
depend on it.
"""
from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np
from flint import fmpq

from exactland.exact.linalg import dot
from exactland.exact.scalars import exact_from_float, rational_from_float, sign

__all__ = ["strictly_dead_row", "dead_direction"]

Vector = tuple[Any, ...]

_DENOMINATORS = (10**3, 10**6, 10**9)


def _is_strictly_dead(w: Vector, X: Sequence[Vector]) -> bool:
    return any(c != 0 for c in w) and all(sign(dot(w, x)) < 0 for x in X)


def dead_direction(Xf: np.ndarray, start: np.ndarray, iterations: int = 200) -> np.ndarray:
    """A float direction of large margin ``min_k −v·x̂_k`` (a subgradient ascent from ``start``).

    Parameters
    ----------
    Xf : (K, d) float array
        The samples.
    start : (d,) float array
        The float dead neuron (its direction is the first guess).
    iterations : int

    Returns
    -------
    (d,) float array
        A unit vector; only a proposal, checked exactly by the caller.
    """
    norms = np.linalg.norm(Xf, axis=1)
    Xn = Xf[norms > 0] / norms[norms > 0, None]
    v = start / max(float(np.linalg.norm(start)), 1e-300)
    best, best_margin = v, -float(np.max(Xn @ v)) if len(Xn) else 1.0
    for it in range(iterations):
        k = int(np.argmax(Xn @ v))
        v = v - Xn[k] / (it + 2)
        v = v / max(float(np.linalg.norm(v)), 1e-300)
        margin = -float(np.max(Xn @ v))
        if margin > best_margin:
            best, best_margin = v, margin
    return best


def _shifted(w: Vector, X: Sequence[Vector], v: Vector, scale: fmpq) -> Vector | None:
    """``w + t v`` strictly dead (``v`` strictly dead, exact ``t > 0``), or None if ``v`` is not."""
    if not _is_strictly_dead(v, X):
        return None
    worst = max(dot(w, x) for x in X)
    gap = min(-dot(v, x) for x in X)
    excess = worst if sign(worst) > 0 else scale / 10**9
    t = 2 * excess / gap
    return tuple(a + t * b for a, b in zip(w, v))


def strictly_dead_row(w: np.ndarray, X: Sequence[Vector], Xf: np.ndarray) -> Vector | None:
    """An exact input-weight row near the float ``w`` with ``w·x_k < 0`` for every sample.

    Parameters
    ----------
    w : (d,) float array
        The float dead neuron.
    X : sequence of exact vectors
        The exact samples.
    Xf : (K, d) float array
        The same samples in float (for the proposal of a shift direction).

    Returns
    -------
    tuple of exact numbers, or None
        None when no strictly dead row was found (no sample direction is
        strictly dead near ``w``, e.g. ``w = 0``).

    Examples
    --------
    A tiny dead neuron that rounding to denominators 10⁹ would send to 0:

    >>> import numpy as np
    >>> from flint import fmpq
    >>> X = [(fmpq(-1), fmpq(1)), (fmpq(7, 10), fmpq(1))]
    >>> row = strictly_dead_row(np.array([-1.6e-10, -3.4e-10]), X, np.array([[-1.0, 1.0], [0.7, 1.0]]))
    >>> [dot(row, x) < 0 for x in X]
    [True, True]
    """
    top = float(np.max(np.abs(w))) if w.size else 0.0
    if not top > 0 or not math.isfinite(top):
        return None
    scale = fmpq(2) ** math.floor(math.log2(top))
    ratio = w / float(scale)
    for den in _DENOMINATORS:
        cand = tuple(scale * rational_from_float(float(c), den) for c in ratio)
        if _is_strictly_dead(cand, X):
            return cand
    exact = tuple(exact_from_float(float(c)) for c in w)
    if _is_strictly_dead(exact, X):
        return exact
    v = dead_direction(Xf, w)
    for den in _DENOMINATORS:
        vx = tuple(rational_from_float(float(c), den) for c in v)
        shifted = _shifted(exact, X, tuple(scale * c for c in vx), scale)
        if shifted is not None and _is_strictly_dead(shifted, X):
            return shifted
    return None

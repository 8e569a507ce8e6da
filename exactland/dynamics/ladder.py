"""The tolerance ladder and the distance rule of snapping (docs/mathematics.md §9, step 4).

Snapping tries structure guesses in *stages* (:func:`ladder_stages`):

1. the given guesses (by default :data:`~exactland.dynamics.structure.DEFAULT_GUESSES`),
   with the kink tolerance raised to at least ``KINK_EPS_FACTOR·ε`` where ε is
   the machine epsilon of the float point's own precision
   (:func:`point_epsilon`: float32 when every entry is a float32 value, e.g.
   an endpoint cast from float32; float64 otherwise) — a sample on a kink of
   the exact point sits at ``|cos| ≈ ε``-size in the float one;
2. only when stage 1 certified nothing within ``NEAR_FACTOR·s`` of the float
   point (``NEAR_FACTOR`` = 1e-2, s its scale, see below): wider guesses
   (:func:`fallback_guesses`) — groups whose members have not aligned yet
   (angles 0.15 and 0.3 rad), larger kink sets (3e-2 and a kink tolerance
   from the gradient size, ``(‖∇L‖_∞/s)^½`` with s the point's scale), and
   more neurons counted as small.

Within a stage every distinct structure is built and certified, and the
certified candidate nearest to the float point is kept.

**Distance rule.** A certified point is a *snap* of the float point only when
it is near it: its ∞-distance is at most ``FAR_FACTOR·s`` (``FAR_FACTOR`` =
1/2) with ``s = max(‖W‖_∞, ‖H‖_∞, ‖b‖_∞)`` the float point's own scale
(:func:`is_far`). The moves snapping makes are small against ``s``: the
exact least squares moves a converged point by about its gradient, zeroing
a small living neuron moves it by at most that neuron's size (below
``small·m_ref``), and positive rescalings follow the float neurons. A
certified point farther away — e.g. a grown group wiped out by a too large
kink set, or a nearly singular least-squares problem with a huge solution
— is a correct certificate of *another* point; it is rejected (outcome
``"far"``, its distance reported) and the ladder goes on. A structure with
no groups (every neuron small or dead: the origin plateau) is snapped to
the origin at distance exactly ``s``; there the bound is ``s``.

Tolerances and this rule only choose which exact point is certified; the
verdict always comes from the exact certifier.
"""
from __future__ import annotations

import dataclasses
from typing import Sequence

import numpy as np

from exactland.dynamics.structure import Tolerances

__all__ = ["FAR_FACTOR", "NEAR_FACTOR", "KINK_EPS_FACTOR", "settled", "point_scale", "is_far", "point_epsilon",
           "ladder_stages", "fallback_guesses", "gradient_size"]

FAR_FACTOR = 0.5
"""A certified point farther than ``FAR_FACTOR·s`` from the float point is rejected as far."""

NEAR_FACTOR = 1e-2
"""A certified point within ``NEAR_FACTOR·s`` of the float point settles the ladder (no fallback stage)."""

KINK_EPS_FACTOR = 1e3
"""The kink tolerance is at least this many machine epsilons of the float point's precision."""


def point_scale(W: np.ndarray, H: np.ndarray, b: np.ndarray | None = None) -> float:
    """``s = max(‖W‖_∞, ‖H‖_∞, ‖b‖_∞)``: the float point's own scale."""
    parts = [np.abs(W).max(initial=0.0), np.abs(H).max(initial=0.0)]
    if b is not None:
        parts.append(np.abs(np.asarray(b, dtype=np.float64)).max(initial=0.0))
    return float(max(parts))


def is_far(distance: float, W: np.ndarray, H: np.ndarray, b: np.ndarray | None = None,
           origin: bool = False) -> bool:
    """True when a candidate at ``distance`` (∞-norm) is too far to be a snap of the float point.

    Far means ``distance > FAR_FACTOR·s``; for a structure without groups
    (``origin``: every neuron small or dead, the origin plateau) the bound is
    ``s`` itself, the distance of setting every small neuron to zero.

    Examples
    --------
    >>> import numpy as np
    >>> W, H = np.array([[0.5, -1.0]]), np.array([[2.0]])
    >>> is_far(0.01, W, H), is_far(2.0, W, H), is_far(2.0, W, H, origin=True), is_far(1e4, W, H)
    (False, True, False, True)
    """
    return not distance <= (1.0 if origin else FAR_FACTOR) * point_scale(W, H, b)


def settled(distance: float, W: np.ndarray, H: np.ndarray, b: np.ndarray | None = None) -> bool:
    """True when a certified candidate at ``distance`` is near enough to skip the fallback stage.

    Examples
    --------
    >>> import numpy as np
    >>> settled(1e-3, np.array([[1.0]]), np.array([[1.0]])), settled(0.1, np.array([[1.0]]), np.array([[1.0]]))
    (True, False)
    """
    return distance <= NEAR_FACTOR * point_scale(W, H, b)


def point_epsilon(*arrays: np.ndarray | None) -> float:
    """Machine epsilon of the float point's precision: float32's when every entry is a float32 value.

    Examples
    --------
    >>> import numpy as np
    >>> point_epsilon(np.array([0.1], dtype=np.float32).astype(np.float64)) == float(np.finfo(np.float32).eps)
    True
    >>> point_epsilon(np.array([0.1])) == float(np.finfo(np.float64).eps)
    True
    """
    vals = [np.asarray(a, dtype=np.float64) for a in arrays if a is not None]
    with np.errstate(over="ignore"):
        single = all(np.array_equal(v, v.astype(np.float32).astype(np.float64)) for v in vals)
    return float(np.finfo(np.float32 if single and vals else np.float64).eps)


def gradient_size(W: np.ndarray, H: np.ndarray, X: np.ndarray, Y: np.ndarray, alpha_minus: float) -> float:
    """``‖∇L‖_∞`` of ``L = ½Σe²`` at the float point (ρ'(0) = a⁻), relative to the point's scale."""
    Z = W @ X.T
    S = np.where(Z > 0, 1.0, alpha_minus)  # a⁺ only rescales; the size is what matters here
    E = (H @ (S * Z)).T - Y
    gH = E.T @ (S * Z).T
    gW = ((H.T @ E.T) * S) @ X
    top = max(float(np.abs(gH).max(initial=0.0)), float(np.abs(gW).max(initial=0.0)))
    return top / max(point_scale(W, H), 1e-300)


def fallback_guesses(
    guesses: Sequence[Tolerances], W: np.ndarray, H: np.ndarray, X: np.ndarray, Y: np.ndarray, alpha_minus: float
) -> tuple[Tolerances, ...]:
    """Stage-2 guesses: wider angles, kink sets and small thresholds not already in ``guesses``.

    The kink tolerance from the gradient, ``(‖∇L‖_∞/s)^½`` (clipped to
    [1e-3, 0.1]), follows how slowly gradient descent approaches a kink.
    """
    base = guesses[0] if guesses else Tolerances()
    grad_kink = float(np.clip(np.sqrt(gradient_size(W, H, X, Y, alpha_minus)), 1e-3, 0.1))
    out: list[Tolerances] = []
    for small in (base.small, 1e-1):
        for angle in (0.15, 0.3):
            for kink in (base.kink, grad_kink, 3e-2):
                t = dataclasses.replace(base, small=small, angle=angle, kink=kink)
                if t not in guesses and t not in out:
                    out.append(t)
    return tuple(out)


def ladder_stages(
    guesses: Sequence[Tolerances], W: np.ndarray, H: np.ndarray, X: np.ndarray, Y: np.ndarray,
    alpha_minus: float, b: np.ndarray | None = None,
) -> tuple[tuple[Tolerances, ...], tuple[Tolerances, ...]]:
    """The two stages of guesses (see the module notes): the given ones, precision-aware; the fallback.

    Examples
    --------
    >>> import numpy as np
    >>> from exactland.dynamics.structure import DEFAULT_GUESSES
    >>> W32 = np.array([[0.25, -0.5]], dtype=np.float32).astype(np.float64)
    >>> first, second = ladder_stages(DEFAULT_GUESSES, W32, np.array([[1.0]]), np.eye(2), np.ones((2, 1)), 0.0)
    >>> min(t.kink for t in first) > 1e-4, len(second) > 0
    (True, True)
    """
    floor = KINK_EPS_FACTOR * point_epsilon(W, H, b)
    first: list[Tolerances] = []
    for tol in guesses:
        t = tol if tol.kink >= floor else dataclasses.replace(tol, kink=floor)
        if t not in first:
            first.append(t)
    return tuple(first), fallback_guesses(tuple(first), W, H, X, Y, alpha_minus)

"""Appendix G: first-order Taylor expansions on canonical vs aligned axes.

For a neuron with ``d = 2``, the one-sided slopes ``c1`` (the first
coefficient of :func:`exactland.taylor.rays.ray_polynomial`) along the canonical
axes and along the aligned axes (radial ``u = w_i``, tangential ``v ⊥ w_i``)
are composed into a predicted slope for test directions in each open orthant
of the axes and compared with the exact slope: a kink line cutting a canonical
orthant makes the composition wrong, the aligned orthants are never cut.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from flint import fmpq

from exactland.errors import InputError
from exactland.exact.linalg import dot
from exactland.exact.scalars import sign
from exactland.core.problem import Problem
from exactland.taylor.directions import ZERO, Vector, neuron_direction
from exactland.taylor.rays import ray_polynomial

__all__ = ["AxesContrast", "axes_contrast"]


@dataclass(frozen=True)
class AxesContrast:
    """Appendix G: first-order Taylor from canonical vs aligned axes (d = 2).

    For each test direction ``Δw_i`` (neuron i only), ``actual`` is the exact
    one-sided slope ``c1`` along it and ``predicted`` the slope composed
    from the one-sided axis slopes, ``Σ_a |t_a| c1(sgn(t_a) e_a)`` for the
    coordinates ``t_a`` of Δw in the axes ``e_a``.

    Attributes
    ----------
    neuron : int
    u, v : vectors
        Aligned axes: ``u = w_i`` (radial) and ``v = (−w_i2, w_i1)`` (tangential).
    canonical, aligned : tuple of rows
        ``(orthant signs, cut_by, Δw, actual, predicted)``; ``cut_by`` lists
        the kink samples whose line ``x_k·Δ = 0`` crosses the open orthant.
    """

    neuron: int
    u: Vector
    v: Vector
    canonical: tuple[tuple[tuple[int, int], tuple[int, ...], Vector, Any, Any], ...]
    aligned: tuple[tuple[tuple[int, int], tuple[int, ...], Vector, Any, Any], ...]

    @property
    def canonical_fails(self) -> bool:
        """Some canonical prediction is wrong."""
        return any(a != p for *_, a, p in self.canonical)

    @property
    def aligned_exact(self) -> bool:
        """Every aligned prediction is right."""
        return all(a == p for *_, a, p in self.aligned)


def _weight_slope(problem: Problem, i: int, dw: Vector) -> Any:
    """The exact one-sided slope ``c1`` of the loss along ``Δw_i = dw`` (nothing else moves)."""
    return ray_polynomial(problem, neuron_direction(problem, i, dw)).coefficients[1]


def _cut(x: Vector, axes: Sequence[Vector], signs: Sequence[int]) -> bool:
    """Whether the line ``x·Δ = 0`` crosses the open orthant of ``axes`` with ``signs``."""
    vals = [sg * dot(x, a) for sg, a in zip(signs, axes)]
    return any(sign(t) > 0 for t in vals) and any(sign(t) < 0 for t in vals)


def _compose(axes: Sequence[Vector], coords: Sequence[Any]) -> Vector:
    """``Σ_a coords[a] · axes[a]``."""
    return tuple(sum((t * a[c] for t, a in zip(coords, axes)), ZERO) for c in range(len(axes[0])))


def axes_contrast(problem: Problem, i: int) -> AxesContrast:
    """Compare Taylor expansions built on canonical and on aligned axes (Appendix G).

    In each open orthant of the axes, test directions are ``±1`` and ``±(1+m)``
    combinations, plus, where a kink line ``x_k·Δ = 0`` cuts the orthant, a
    direction on each side of it. Inside an aligned orthant no kink sample
    changes side (``x_k·u = 0`` for k ∈ K⁰(i)), so the composed slope is exact;
    a canonical orthant cut by a kink line mixes two pieces.

    Raises
    ------
    InputError
        d != 2 or ``w_i = 0`` (no radial axis).

    Examples
    --------
    >>> from exactland.builtin.examples import load_example
    >>> ac = axes_contrast(load_example("appendix-g-kink"), 0)
    >>> ac.canonical_fails, ac.aligned_exact
    (True, True)
    """
    if problem.dim != 2:
        raise InputError("the axes contrast is drawn for d = 2 (Appendix G)", "X")
    w = problem.W[i]
    if all(c == 0 for c in w):
        raise InputError("w_i = 0 has no radial axis", f"W[{i}]")
    kinks = [k for k, x in enumerate(problem.X) if dot(w, x) == 0]
    one = fmpq(1)
    canon = ((one, ZERO), (ZERO, one))
    aligned = (tuple(w), (-w[1], w[0]))

    def rows(axes: tuple[Vector, Vector]) -> tuple[Any, ...]:
        slopes = {(a, s): _weight_slope(problem, i, tuple(s * c for c in axes[a]))
                  for a in (0, 1) for s in (1, -1)}
        out = []
        for sg in ((1, 1), (1, -1), (-1, 1), (-1, -1)):
            cut = tuple(k for k in kinks if _cut(problem.X[k], axes, sg))
            coords = [(one, one), (one, fmpq(3)), (fmpq(3), one)]
            for k in cut:  # a direction strictly on each side of the kink line
                x = problem.X[k]
                m0, m1 = (abs(dot(x, a)) for a in axes)
                coords.append((1 + m1 / m0, one))  # x·Δ = ±(m0 + m1 m0/m0 − m1) ≠ 0
                coords.append((one, 1 + m0 / m1))
            for t0, t1 in coords:
                tt = (sg[0] * t0, sg[1] * t1)
                dw = _compose(axes, tt)
                pred = t0 * slopes[(0, sg[0])] + t1 * slopes[(1, sg[1])]
                out.append((sg, cut, dw, _weight_slope(problem, i, dw), pred))
        return tuple(out)

    return AxesContrast(i, aligned[0], aligned[1], rows(canon), rows(aligned))

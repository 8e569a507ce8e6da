"""One-sided directional analysis of a piecewise polynomial at a point (Appendix C).

:func:`directional_analysis` restricts the function to the rays that decide
the sign of every one-sided slope and classifies the point; the results,
all decided exactly, for the paper's examples
(:mod:`exactland.derivation.piecewise`):

* ``|x + y|`` (Appendix C.1): every one-sided slope at 0 is ≥ 0 and the function
  is piecewise linear, so the origin is a (non-differentiable) local minimum;
* eq. (7) (Appendix C.2): slopes ``|dx| ≥ 0`` (stationary), but along
  ``(0, −1)`` the loss is ``−ε²``: a non-differentiable saddle with
  second-order descent; no subgradient exists there
  (:func:`subgradient_obstruction`, Remark C.1);
* ``|x|`` vs ``−|x|`` (Remark 3.4): the same Clarke subdifferential ``[−1, 1]``
  (:func:`clarke_generators`, :func:`zero_in_hull`: both "Clarke stationary"),
  opposite one-sided slopes (only ``|x|`` is stationary in the sense of
  Definition 3.3).
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Any, Sequence

import sympy as sp
from flint import fmpq

from exactland.errors import InputError
from exactland.exact.scalars import sign
from exactland.derivation.piecewise import PiecewisePolynomial, RayRestriction

__all__ = [
    "DirectionalAnalysis", "directional_analysis", "clarke_generators", "zero_in_hull",
    "subgradient_obstruction",
]

Vector = tuple[Any, ...]


def _test_directions(f: PiecewisePolynomial, x0: Vector) -> list[Vector]:
    """Directions that decide the sign of every one-sided slope at x0 (n ≤ 2).

    The slope ``d ↦ c1(d)`` is linear on each cone of the arrangement of the
    condition lines through x0; such a cone is spanned by its extreme rays
    ``±(−n_2, n_1)`` (or is a half-plane ``n·d ≥ 0``, decided by ``±(−n_2, n_1)``
    and ``n``), so these directions, ``±n`` and the unit vectors suffice.
    """
    n = len(f.variables)
    one, zero = fmpq(1), fmpq(0)
    if n == 1:
        return [(one,), (-one,)]
    if n != 2:
        raise InputError("directional analysis is implemented for 1 or 2 variables", f.name)
    out = [(one, zero), (-one, zero), (zero, one), (zero, -one)]
    for pc in f.pieces:
        for c in pc.conditions:
            if c.value_at(x0) == 0:
                a, b = c.normal
                out += [(-b, a), (b, -a), (a, b), (-a, -b)]
    seen, uniq = set(), []
    for d in out:
        key = _ray_key(d)
        if key not in seen:
            seen.add(key)
            uniq.append(d)
    return uniq


def _ray_key(d: Vector) -> Vector:
    """``d`` scaled to max-norm 1 (the same key for every positive multiple)."""
    m = max(abs(c) for c in d)
    return tuple(c / m for c in d)


@dataclass(frozen=True)
class DirectionalAnalysis:
    """One-sided Taylor polynomials at ``x0`` along the deciding directions.

    Attributes
    ----------
    rows : tuple of RayRestriction
    stationary : bool
        Every one-sided slope ``c1(d) ≥ 0`` (the analogue of Definition 3.3).
    verdict : str
        ``not-stationary``, ``local-minimum`` (piecewise linear and stationary:
        ``f(x0 + d) − f(x0) = c1(d)`` near x0), ``saddle`` (a second-or-higher
        order descent and an ascent) or ``minimal-on-test-rays``.
    """

    function: PiecewisePolynomial
    point: Vector
    rows: tuple[RayRestriction, ...]
    stationary: bool
    verdict: str


def directional_analysis(f: PiecewisePolynomial, x0: Sequence[Any]) -> DirectionalAnalysis:
    """Classify ``x0`` from the one-sided Taylor polynomials (module notes).

    Parameters
    ----------
    f : PiecewisePolynomial
        In 1 or 2 variables.
    x0 : sequence of exact numbers

    Returns
    -------
    DirectionalAnalysis

    Examples
    --------
    >>> from exactland.derivation.piecewise import eq7, neg_abs1
    >>> a = directional_analysis(eq7(), (0, 0))
    >>> a.stationary, a.verdict
    (True, 'saddle')
    >>> directional_analysis(neg_abs1(), (0,)).verdict
    'not-stationary'
    """
    x0 = tuple(map(fmpq, x0))
    rows = tuple(f.along(x0, d) for d in _test_directions(f, x0))
    stationary = all(sign(r.coefficient(1)) >= 0 for r in rows)
    first = [sign(r.coefficients[r.order]) if r.order else 0 for r in rows]
    if not stationary:
        verdict = "not-stationary"
    elif all(sp.Poly(pc.poly, *f.variables).total_degree() <= 1 for pc in f.pieces):
        verdict = "local-minimum"
    elif -1 in first and 1 in first:
        verdict = "saddle"
    else:
        verdict = "minimal-on-test-rays"
    return DirectionalAnalysis(f, x0, rows, stationary, verdict)


def clarke_generators(f: PiecewisePolynomial, x0: Sequence[Any]) -> tuple[Vector, ...]:
    """Gradients at x0 of the pieces met in the open cells around x0.

    Clarke's generalized gradient is their convex hull (the limits of gradients
    at nearby differentiable points). Interior directions: sums of two test
    directions that lie on no condition line through x0.

    Parameters
    ----------
    f : PiecewisePolynomial
    x0 : sequence of exact numbers

    Returns
    -------
    tuple of vectors
        Sorted, without repetitions.

    Examples
    --------
    >>> from exactland.derivation.piecewise import abs1, neg_abs1
    >>> clarke_generators(abs1(), (0,)), clarke_generators(neg_abs1(), (0,))
    (((-1,), (1,)), ((-1,), (1,)))
    """
    x0 = tuple(map(fmpq, x0))
    tests = _test_directions(f, x0)
    cands = tests + [tuple(a + b for a, b in zip(d1, d2)) for d1, d2 in combinations(tests, 2)]
    active = [c for pc in f.pieces for c in pc.conditions if c.value_at(x0) == 0]
    grads = set()
    for d in cands:
        if all(c == 0 for c in d) or any(c.rate_along(d) == 0 for c in active):
            continue
        grads.add(f.piece_gradient(f.along(x0, d).piece, x0))
    return tuple(sorted(grads))


def zero_in_hull(points: Sequence[Vector]) -> bool:
    """Whether 0 lies in the convex hull of points in dimension 1 or 2 (exact).

    Parameters
    ----------
    points : sequence of vectors
        All of length 1 or all of length 2.

    Returns
    -------
    bool

    Examples
    --------
    >>> zero_in_hull([(fmpq(-1),), (fmpq(1),)]), zero_in_hull([(fmpq(1), fmpq(0)), (fmpq(2), fmpq(1))])
    (True, False)
    """
    pts = [tuple(map(fmpq, p)) for p in points]
    if any(all(c == 0 for c in p) for p in pts):
        return True
    if len(pts[0]) == 1:
        return min(p[0] for p in pts) <= 0 <= max(p[0] for p in pts)
    cross = lambda a, b: a[0] * b[1] - a[1] * b[0]  # noqa: E731
    for a, b in combinations(pts, 2):  # 0 on a segment
        if cross(a, b) == 0 and a[0] * b[0] + a[1] * b[1] < 0:
            return True
    for a, b, c in combinations(pts, 3):  # 0 inside a triangle
        s = [sign(cross(a, b)), sign(cross(b, c)), sign(cross(c, a))]
        if 0 not in s and len(set(s)) == 1:
            return True
    return False


def subgradient_obstruction(analysis: DirectionalAnalysis) -> tuple[Vector, Any, Any] | None:
    """A proof that no subgradient exists at x0 (Remark C.1), or None.

    If ``c1(d) = c1(−d) = 0`` then any subgradient g has ``g·d ≤ c1(d) = 0`` and
    ``−g·d ≤ 0``, so ``g·d = 0``; a descent along d (first nonzero coefficient
    negative) then gives ``f(x0 + εd) < f(x0) = f(x0) + g·(εd)``, violating
    Definition C.2 for every g.

    Parameters
    ----------
    analysis : DirectionalAnalysis

    Returns
    -------
    (d, ε, f(x0 + εd)) or None

    Examples
    --------
    >>> from exactland.derivation.piecewise import abs1, eq7
    >>> subgradient_obstruction(directional_analysis(eq7(), (0, 0)))
    ((0, -1), 1, -1)
    >>> subgradient_obstruction(directional_analysis(abs1(), (0,))) is None
    True
    """
    rows = {_ray_key(r.direction): r for r in analysis.rows}
    f, x0 = analysis.function, analysis.point
    for r in analysis.rows:
        back = rows.get(_ray_key(tuple(-c for c in r.direction)))
        if back is None or r.coefficient(1) != 0 or back.coefficient(1) != 0:
            continue
        if r.order is not None and sign(r.coefficients[r.order]) < 0:
            eps = fmpq(1) if r.eps0 is None else r.eps0 / 2
            while True:
                pt = tuple(a + eps * b for a, b in zip(x0, r.direction))
                if f.value(pt) < f.value(x0):
                    return r.direction, eps, f.value(pt)
                eps /= 2
    return None

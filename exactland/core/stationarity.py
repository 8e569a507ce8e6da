"""Definition 3.3: the tangential condition ``∂L/∂s_i ≥ 0`` for all v, exactly.

Conditions 1 and 2 of Definition 3.3 are ``∂L/∂h_ji = 0`` and ``∂L/∂r_i = 0``
(the second follows from the first: ``‖w_i‖∂L/∂r_i = Σ_j h_ji ∂L/∂h_ji``).
Condition 3 quantifies over every tangential direction; it is decided here
on the finitely many extreme rays of the kink arrangement (docs/mathematics.md §4).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from exactland.core.kinks import NeuronData
from exactland.exact.scalars import sign
from exactland.core.tangent import Budget, extreme_rays, project_tangent
from exactland.errors import BudgetExceeded

__all__ = ["TangentialAnalysis", "tangential_analysis"]

Vector = tuple[Any, ...]


@dataclass(frozen=True)
class TangentialAnalysis:
    """Whether ``F_i(v) = ∂L/∂s_i ≥ 0`` on the whole tangent space of neuron i.

    Attributes
    ----------
    method : str
        ``"zero-form"`` (F_i ≡ 0, nothing to enumerate), ``"separable"``
        (independent kink normals: ± dual basis, docs/mathematics.md §4 fast path),
        ``"rays"`` (general enumeration), ``"lineality"`` (decided on the
        lineality space before any enumeration) or ``"budget-exceeded"``.
    nonnegative : bool or None
        None when the budget ran out.
    rays : tuple of vectors
        The extreme rays evaluated (reused by the escape test).
    witness : (v, F(v)) or None
        A tangential v with ``F_i(v) < 0`` when ``nonnegative`` is False.
    """

    method: str
    nonnegative: bool | None
    rays: tuple[Vector, ...]
    witness: tuple[Vector, Any] | None


def tangential_analysis(nd: NeuronData, budget: Budget) -> TangentialAnalysis:
    """Decide condition 3 of Definition 3.3 for one neuron.

    Parameters
    ----------
    nd : NeuronData
    budget : Budget
        Shared budget of the general ray enumeration.

    Returns
    -------
    TangentialAnalysis

    Notes
    -----
    ``F_i`` is invariant along ``w_i`` in its canonical form, so ``F_i ≥ 0``
    on ``T_i`` iff ``F_i ≥ 0`` on R^d iff its linear part is orthogonal to the
    lineality space and ``F_i ≥ 0`` on every extreme ray.

    Examples
    --------
    >>> from exactland.core.problem import load
    >>> from exactland.core.network import evaluate
    >>> from exactland.core.kinks import neuron_data
    >>> p = load({"activation": {"alpha_plus": 1, "alpha_minus": 0},
    ...           "X": [[1, 0], [0, 1]], "Y": [[1], [2]],
    ...           "W": [[1, 0]], "H": [[1]]})
    >>> ta = tangential_analysis(neuron_data(evaluate(p), 0), Budget(100))
    >>> ta.method, ta.nonnegative, ta.witness
    ('separable', False, ((0, 1), -2))
    """
    F, arr = nd.F, nd.arrangement
    if F.is_zero():
        return TangentialAnalysis("zero-form", True, (), None)
    method = "separable" if arr.independent else "rays"
    bad = F.linear_on_lineality(arr)
    if bad is not None:
        b, val = bad
        v = project_tangent(tuple(-x for x in b) if sign(val) > 0 else b, nd.w)
        return TangentialAnalysis("lineality", False, (), (v, F(v)))
    try:
        rays = tuple(extreme_rays(arr, budget))
    except BudgetExceeded:
        return TangentialAnalysis("budget-exceeded", None, (), None)
    for ray in rays:
        val = F(ray)
        if sign(val) < 0:
            return TangentialAnalysis(method, False, rays, (project_tangent(ray, nd.w), val))
    return TangentialAnalysis(method, True, rays, None)

"""Per-neuron kink structure and first-order quantities (Lemma 3.2).

For neuron i: the kink set ``K⁰(i) = {k : w_i·x_k = 0}`` (decided exactly),
``d_ji`` (eq. 3), ``∂L/∂h_ji = w_i·d_ji`` (eq. 4), ``‖w_i‖ ∂L/∂r_i =
Σ_j h_ji d_ji·w_i`` (eq. 5, scaled by the norm so that it stays rational) and
the canonical piecewise-linear forms of ``φ_ji(v) = d_ji^v·v`` and
``F_i(v) = ∂L/∂s_i`` along tangential v (eq. 6; :mod:`exactland.core.tangent`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flint import fmpq

from exactland.core.network import Evaluation
from exactland.core.tangent import Arrangement, PLForm, arrangement, pl_form

__all__ = ["NeuronData", "neuron_data"]

Vector = tuple[Any, ...]


@dataclass(frozen=True)
class NeuronData:
    """Everything first-order about one neuron at a point.

    Attributes
    ----------
    index : int
    w : vector
        ``w_i``.
    h : vector
        ``(h_ji)_j``.
    signs : tuple of int
        ``sign(w_i·x_k)`` for every sample.
    kink_set : tuple of int
        ``K⁰(i)``.
    d : tuple of vectors
        ``d_ji`` for every output j (eq. 3).
    dL_dh : tuple
        ``∂L/∂h_ji`` (eq. 4).
    dL_dr_scaled : exact number
        ``‖w_i‖ ∂L/∂r_i = Σ_j h_ji d_ji·w_i`` (eq. 5 times ``‖w_i‖``; 0 at w_i = 0).
    arrangement : Arrangement
        The kink lines of the neuron.
    F : PLForm
        ``F_i(v) = Σ_j h_ji φ_ji(v)`` on the tangent space.
    phi : tuple of PLForm
        ``φ_ji`` for every j.
    """

    index: int
    w: Vector
    h: Vector
    signs: tuple[int, ...]
    kink_set: tuple[int, ...]
    d: tuple[Vector, ...]
    dL_dh: tuple[Any, ...]
    dL_dr_scaled: Any
    arrangement: Arrangement
    F: PLForm
    phi: tuple[PLForm, ...]

    @property
    def is_zero(self) -> bool:
        """``w_i = 0`` (every sample is a kink sample)."""
        return all(c == 0 for c in self.w)


def neuron_data(
    ev: Evaluation,
    i: int,
    arrangements: dict[tuple[int, ...], Any] | None = None,
    plain: bool = False,
) -> NeuronData:
    """Assemble :class:`NeuronData` for neuron ``i`` from an evaluation.

    Parameters
    ----------
    ev : Evaluation
    i : int
    arrangements : dict, optional
        Cache of kink arrangements keyed by kink set (the arrangement depends
        on the data only, so neurons with equal kink sets — e.g. all zero
        neurons — share it).

    Examples
    --------
    >>> from exactland.core.problem import load
    >>> from exactland.core.network import evaluate
    >>> p = load({"activation": {"alpha_plus": 1, "alpha_minus": 0},
    ...           "X": [[1, 0], [0, 1]], "Y": [[1], [2]],
    ...           "W": [[1, 0]], "H": [[3]]})
    >>> nd = neuron_data(evaluate(p), 0)
    >>> nd.kink_set, nd.d, nd.dL_dh
    ((1,), ((2, 0),), (2,))
    """
    p = ev.problem
    J = p.n_outputs
    w = p.W[i]
    h = p.h_column(i)
    if plain:
        return _plain_neuron(ev, i, arrangements)
    kinks = ev.kink_set(i)
    d = tuple(ev.d(j, i) for j in range(J))
    dldh = tuple(ev.dL_dh(j, i) for j in range(J))
    dr = sum((hj * g for hj, g in zip(h, dldh)), fmpq(0))
    if arrangements is None:
        arrangements = {}
    if kinks not in arrangements:
        arrangements[kinks] = arrangement([p.X[k] for k in kinks], p.dim, fmpq(1))
    arr, asg = arrangements[kinks]
    e = [[ev.e(k, j) for j in range(J)] for k in kinks]
    act = p.activation
    F_lin = tuple(sum((h[j] * d[j][c] for j in range(J)), fmpq(0)) for c in range(p.dim))
    F_coef = [sum((h[j] * ek[j] for j in range(J)), fmpq(0)) for ek in e]
    F = pl_form(F_lin, F_coef, asg, arr, act.alpha_plus, act.alpha_minus, w)
    phi = tuple(
        pl_form(d[j], [ek[j] for ek in e], asg, arr, act.alpha_plus, act.alpha_minus, w)
        for j in range(J)
    )
    return NeuronData(
        index=i,
        w=w,
        h=h,
        signs=tuple(ev.signs[i].tolist()),
        kink_set=kinks,
        d=d,
        dL_dh=dldh,
        dL_dr_scaled=dr,
        arrangement=arr,
        F=F,
        phi=phi,
    )


def _plain_neuron(
    ev: Evaluation, i: int, cache: dict[tuple[int, ...], Any] | None
) -> NeuronData:
    p = ev.problem
    if cache is None:
        cache = {}
    if () not in cache:
        cache[()] = arrangement([], p.dim, fmpq(1))
    arr = cache[()][0]
    zero = (fmpq(0),) * p.dim
    form = PLForm(zero, (), ())
    return NeuronData(
        index=i,
        w=p.W[i],
        h=p.h_column(i),
        signs=tuple(ev.signs[i].tolist()),
        kink_set=(),
        d=(zero,) * p.n_outputs,
        dL_dh=(fmpq(0),) * p.n_outputs,
        dL_dr_scaled=fmpq(0),
        arrangement=arr,
        F=form,
        phi=(form,) * p.n_outputs,
    )

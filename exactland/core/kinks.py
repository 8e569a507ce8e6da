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

import numpy as np
from flint import fmpq

from exactland.core.network import Evaluation
from exactland.core.problem import Problem
from exactland.core.tangent import Arrangement, PLForm, arrangement, pl_form
from exactland.exact.linalg import canonical_line

__all__ = ["NeuronData", "SampleLines", "neuron_data"]

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


class SampleLines:
    """The canonical kink line of each sample (:func:`exactland.exact.linalg.canonical_line`), on first use.

    For rational problems with int64 rows the lines come from the integer
    rows ``Xn_k`` (the numerators over the row's lcm, the integers
    ``canonical_line`` forms) all at once: the primitive vector ``Xn_k / g_k``
    with its first nonzero entry positive, and an integer id per distinct line.
    Local to one certification.

    Parameters
    ----------
    problem : Problem

    Examples
    --------
    >>> from exactland.core.problem import load
    >>> p = load({"activation": {"alpha_plus": 1, "alpha_minus": 0}, "X": [[-2, -4], [0, 0], [1, 2]],
    ...           "Y": [[1], [1], [1]], "W": [[0, 0]], "H": [[1]]})
    >>> sl = SampleLines(p)
    >>> sl.line(0), sl.line(1), sl.distinct((0, 1, 2))
    ((1, 2), None, ((1, 2),))
    """

    def __init__(self, problem: Problem) -> None:
        self._p = problem
        self._lines: dict[int, tuple[Any, ...] | None] = {}
        self._prim: np.ndarray | None = None
        self._first: list[int] = []
        self._zero_rows: list[bool] = []
        self._ids: list[int] | None = None
        Xn = problem.scaled[0][0] if problem.is_rational() else None
        if Xn is not None and Xn.dtype != object and Xn.size:
            g = np.gcd.reduce(Xn, axis=1)
            g[g == 0] = 1
            first = np.argmax(Xn != 0, axis=1)
            sgn = np.where(Xn[np.arange(len(Xn)), first] < 0, -1, 1)
            self._prim = Xn // (g * sgn)[:, None]
            self._first = first.tolist()
            self._zero_rows = (Xn == 0).all(axis=1).tolist()

    def line(self, k: int) -> tuple[Any, ...] | None:
        """The canonical line of ``x_k`` (None for ``x_k = 0``)."""
        if k not in self._lines:
            if self._prim is not None:
                self._lines[k] = None if self._zero_rows[k] else tuple(map(fmpq, self._prim[k].tolist()))
            else:
                x = self._p.X[k]
                self._lines[k] = None if all(c == 0 for c in x) else canonical_line(x)[0]
        return self._lines[k]

    def _factor(self, k: int) -> Any:
        """``λ`` with ``x_k = λ·n`` for the canonical line ``n`` of a nonzero ``x_k``."""
        x, n = self._p.X[k], self.line(k)
        if self._prim is not None:
            k0 = self._first[k]
            return x[k0] / n[k0]
        return canonical_line(x)[1]

    def _key(self, k: int) -> Any:
        if self._prim is None:
            return self.line(k)
        if self._ids is None:
            self._ids = np.unique(self._prim, axis=0, return_inverse=True)[1].reshape(-1).tolist()
        return self._ids[k]

    def distinct(self, kinks: tuple[int, ...]) -> tuple[Any, ...]:
        """The distinct lines of the nonzero samples in ``kinks``, first occurrence first."""
        if len(kinks) == 1:
            n = self.line(kinks[0])
            return () if n is None else (n,)
        seen: dict[Any, Any] = {}
        for k in kinks:
            n = self.line(k)
            if n is not None:
                seen.setdefault(self._key(k), n)
        return tuple(seen.values())

    def arrangement(self, kinks: tuple[int, ...]) -> tuple[Arrangement, list[tuple[int, Any] | None]]:
        """What :func:`exactland.core.tangent.arrangement` gives for the samples ``kinks``."""
        index: dict[Any, int] = {}
        lines: list[Any] = []
        assignment: list[tuple[int, Any] | None] = []
        for k in kinks:
            n = self.line(k)
            if n is None:
                assignment.append(None)
                continue
            key = self._key(k) if len(kinks) > 1 else 0
            if key not in index:
                index[key] = len(lines)
                lines.append(n)
            assignment.append((index[key], self._factor(k)))
        return Arrangement(self._p.dim, tuple(lines), fmpq(1)), assignment


def neuron_data(
    ev: Evaluation,
    i: int,
    arrangements: dict[tuple[int, ...], Any] | None = None,
    plain: bool = False,
    lines: SampleLines | None = None,
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
    plain : bool
        The neuron is known to have no kink sample and every ``d_ji = 0``.
    lines : SampleLines, optional
        The samples' kink lines, shared between neurons.

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
        arrangements[kinks] = (lines.arrangement(kinks) if lines is not None
                               else arrangement([p.X[k] for k in kinks], p.dim, fmpq(1)))
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

"""An exact zero-loss point with the output weights held (docs/mathematics.md §9, step 2).

For several outputs the group matrices must have rank one, which makes the
exact least squares nonlinear. At a *zero-loss* fit there is a simpler exact
route: hold every neuron's output vector ``h_{·i}`` at its (rounded) float
value; the outputs ``ŷ_kj = Σ_i h_ji α_{s_gk} w_i·x_k`` are then linear in the
input weights, each ``w_i`` restricted to its group's kink-constrained span
``N_g``, so the exact least squares in the ``w_i`` (the solution nearest to the
float ones) is one linear problem. When its residual is exactly zero and every
neuron keeps its group's sign pattern (checked exactly), every gradient
vanishes (``e = 0``): the point is stationary with loss 0 — a zero-loss fit of
an overparametrised student, typically much nearer to the float point than the
point with the directions held instead. Otherwise this route gives nothing and
the caller falls back to fixed directions. ``certify`` decides in every case.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from flint import fmpq

from exactland.core.problem import Dataset
from exactland.dynamics.exact_ls import sample_dots, solve_nearest
from exactland.dynamics.structure import Structure
from exactland.exact.linalg import nullspace
from exactland.exact.scalars import rational_from_float, sign, to_float

__all__ = ["zero_loss_fixed_outputs", "solve_nearest"]

Vector = tuple[Any, ...]


def _basis(ds: Dataset, st: Structure, g: int) -> list[Vector]:
    d = len(ds.X[0])
    if not st.kinks[g]:
        return [tuple(fmpq(1) if a == b else fmpq(0) for b in range(d)) for a in range(d)]
    return nullspace([ds.X[k] for k in st.kinks[g]], d, fmpq(1))


def zero_loss_fixed_outputs(
    ds: Dataset, st: Structure, W: np.ndarray, H: np.ndarray, Hx: list[list[Any]]
) -> dict[int, Vector] | None:
    """Exact input weights of every grouped neuron giving loss 0 with the output weights held, or None.

    Parameters
    ----------
    ds : Dataset
        The exact data (targets already shifted by an exact output bias).
    st : Structure
    W : (I, d) float array
    H : (J, I) float array
    Hx : list of J lists
        Receives the held, rounded output weights of the grouped neurons
        (only when a point is returned).

    Returns
    -------
    dict or None
        ``{neuron: exact w_i}`` for every neuron of every group; None when the
        exact residual is not zero or a sign pattern is not kept.
    """
    X, Y = ds.X, ds.Y
    K, J = len(X), len(Y[0])
    neurons = [(i, g) for g, members in enumerate(st.groups) for i in members]
    h = {i: [rational_from_float(float(H[j, i]), 10**9) for j in range(J)] for i, _ in neurons}
    bases = [_basis(ds, st, g) for g in range(len(st.groups))]
    cols, target = [], []
    for i, g in neurons:
        slope = [ds.activation.slope(st.patterns[g][k]) for k in range(K)]
        for n in bases[g]:
            nx = sample_dots(n, X)
            cols.append([h[i][j] * slope[k] * nx[k] for k in range(K) for j in range(J)])
        if bases[g]:
            Nf = np.array([[to_float(c) for c in n] for n in bases[g]])
            target.extend(rational_from_float(float(c), 10**9)
                          for c in np.linalg.lstsq(Nf.T, W[i], rcond=None)[0])
    if not cols:
        return None
    M = [[c[r] for c in cols] for r in range(K * J)]
    y = [Y[k][j] for k in range(K) for j in range(J)]
    sol = solve_nearest(M, y, target)
    if sol is None or any(sum((m * s for m, s in zip(row, sol)), fmpq(0)) != t for row, t in zip(M, y)):
        return None
    out, pos = {}, 0
    for i, g in neurons:
        coef = sol[pos:pos + len(bases[g])]
        pos += len(bases[g])
        w = tuple(sum((c * n[q] for c, n in zip(coef, bases[g])), fmpq(0)) for q in range(len(X[0])))
        if any(sign(v) != s for v, s in zip(sample_dots(w, X), st.patterns[g])):
            return None
        out[i] = w
    for i, _ in neurons:
        for j in range(J):
            Hx[j][i] = h[i][j]
    return out

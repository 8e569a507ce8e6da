"""Gram factors of eq. (13) and the non-Gram part of eq. (18), in one aligned orthant.

With ``A_ik = rho(w_i·x_k)`` and ``S_ik = ρ̃_{w_i·x_k}(v_i·x_k)`` (see
:class:`exactland.taylor.aligned.AlignedOrthant`) the Gram factor ``V_j`` of
output j has the columns ::

    V_j[:, h_j'i] = 1{j = j'} A_i      (eq. 10)
    V_j[:, r_i]   = h_ji A_i           (eq. 11, scaled)
    V_j[:, s_i]   = h_ji S_i           (eq. 12)

and the Hessian of the loss piece at 0 is ``Σ_j V_jᵀ V_j + H̃`` (eq. 18), where
``H̃`` holds ``∂L/∂h_ji`` at (h_ji, r_i) and ``φ_ji(v_i)`` at (h_ji, s_i).
Beyond second order, ``V̄_j = Σ_i Δh_ji (Δr_i A_i + Δs_i S_i)`` (Appendix F.1.3).
These are the "second route" of :func:`exactland.taylor.symbolic.symbolic_expansion`,
which checks them against the differentiated piece.
"""
from __future__ import annotations

from typing import Any

import sympy as sp
from flint import fmpq

from exactland.core.network import Evaluation
from exactland.exact.scalars import to_sympy
from exactland.taylor.aligned import AlignedOrthant

__all__ = ["gram_factors", "tangential_phis", "tangential_F", "non_gram_part", "vbar"]


def gram_factors(o: AlignedOrthant) -> list[sp.Matrix]:
    """The Gram factors ``V_j`` (|K| × D, columns of eqs. 10-12, module notes).

    Parameters
    ----------
    o : AlignedOrthant

    Returns
    -------
    list of sympy.Matrix
        One per output j; columns in ``o.variables`` order.

    Examples
    --------
    >>> from exactland.builtin.examples import load_example
    >>> from exactland.taylor.aligned import aligned_orthant
    >>> gram_factors(aligned_orthant(load_example("appendix-g-kink")))
    [Matrix([[0, 0, 9/40]])]
    """
    p = o.problem
    col = o.column()
    V = []
    for j in range(p.n_outputs):
        M = sp.zeros(p.n_samples, len(o.variables))
        for i in range(p.n_neurons):
            for k in range(p.n_samples):
                M[k, col[o.dh[j][i]]] = to_sympy(o.A[i][k])
                if o.dr[i] is not None:
                    M[k, col[o.dr[i]]] = to_sympy(p.H[j][i] * o.A[i][k])
                M[k, col[o.ds[i]]] = to_sympy(p.H[j][i] * o.S[i][k])
        V.append(M)
    return V


def tangential_phis(o: AlignedOrthant, ev: Evaluation) -> list[list[Any]]:
    """``φ_ji(v_i) = d_ji^{v_i}·v_i = Σ_k e_kj S_ik`` (exact), indexed ``[j][i]``.

    Parameters
    ----------
    o : AlignedOrthant
    ev : Evaluation
        The evaluation of ``o.problem`` (supplies the residuals ``e_kj``).

    Returns
    -------
    list of lists of exact numbers

    Examples
    --------
    >>> from exactland.builtin.examples import load_example
    >>> from exactland.core.network import evaluate
    >>> from exactland.taylor.aligned import aligned_orthant
    >>> p = load_example("appendix-g-kink")
    >>> tangential_phis(aligned_orthant(p), evaluate(p))
    [[-27/20]]
    """
    p = o.problem
    return [[sum((ev.e(k, j) * o.S[i][k] for k in range(p.n_samples)), fmpq(0)) for i in range(p.n_neurons)]
            for j in range(p.n_outputs)]


def tangential_F(o: AlignedOrthant, phis: list[list[Any]]) -> list[Any]:
    """``F_i(v_i) = Σ_j h_ji φ_ji(v_i)`` per neuron (eq. 6, exact).

    Parameters
    ----------
    o : AlignedOrthant
    phis : list of lists
        :func:`tangential_phis`.

    Returns
    -------
    list of exact numbers

    Examples
    --------
    >>> from exactland.builtin.examples import load_example
    >>> from exactland.core.network import evaluate
    >>> from exactland.taylor.aligned import aligned_orthant
    >>> p = load_example("appendix-g-kink")
    >>> o = aligned_orthant(p)
    >>> tangential_F(o, tangential_phis(o, evaluate(p)))
    [-27/40]
    """
    p = o.problem
    return [sum((p.H[j][i] * phis[j][i] for j in range(p.n_outputs)), fmpq(0)) for i in range(p.n_neurons)]


def non_gram_part(o: AlignedOrthant, ev: Evaluation, phis: list[list[Any]]) -> sp.Matrix:
    """``H̃`` of eq. (18): ``φ_ji(v_i)`` at (h_ji, s_i), ``∂L/∂h_ji`` at (h_ji, r_i).

    Parameters
    ----------
    o : AlignedOrthant
    ev : Evaluation
        Supplies ``∂L/∂h_ji``.
    phis : list of lists
        :func:`tangential_phis`.

    Returns
    -------
    sympy.Matrix
        Symmetric, D × D in ``o.variables`` order.

    Examples
    --------
    >>> from exactland.builtin.examples import load_example
    >>> from exactland.core.network import evaluate
    >>> from exactland.taylor.aligned import aligned_orthant
    >>> p = load_example("appendix-g-kink")
    >>> o, ev = aligned_orthant(p), evaluate(p)
    >>> non_gram_part(o, ev, tangential_phis(o, ev))
    Matrix([
    [     0, 0, -27/20],
    [     0, 0,      0],
    [-27/20, 0,      0]])
    """
    col = o.column()
    D = len(o.variables)
    Ht = sp.zeros(D, D)
    for j in range(o.problem.n_outputs):
        for i in range(o.problem.n_neurons):
            a, b = col[o.dh[j][i]], col[o.ds[i]]
            Ht[a, b] = Ht[b, a] = to_sympy(phis[j][i])
            if o.dr[i] is not None:
                c = col[o.dr[i]]
                Ht[a, c] = Ht[c, a] = to_sympy(ev.dL_dh(j, i))
    return Ht


def vbar(o: AlignedOrthant) -> list[sp.Matrix]:
    """``V̄_j = Σ_i Δh_ji (Δr_i A_i + Δs_i S_i)`` (|K| × 1, Appendix F.1.3).

    Parameters
    ----------
    o : AlignedOrthant

    Returns
    -------
    list of sympy.Matrix
        One column per output j, in the symbols ``o.dh``, ``o.dr``, ``o.ds``.

    Examples
    --------
    >>> from exactland.builtin.examples import load_example
    >>> from exactland.taylor.aligned import aligned_orthant
    >>> vbar(aligned_orthant(load_example("appendix-g-kink")))
    [Matrix([[9*dh_0_0*ds_0/20]])]
    """
    p = o.problem
    return [sp.Matrix([sum((o.dh[j][i] * ((o.dr[i] or 0) * to_sympy(o.A[i][k]) + o.ds[i] * to_sympy(o.S[i][k]))
                            for i in range(p.n_neurons)), sp.Integer(0)) for k in range(p.n_samples)])
            for j in range(p.n_outputs)]

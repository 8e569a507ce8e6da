"""Exact forward pass, residuals, loss and the vectors d_ji (eqs. 1–4).

Everything here is vectorised over neurons and samples (docs/mathematics.md, scaled-integer evaluation): each
rational matrix is written as integer numerators with one positive integer
denominator per row, products are integer matrix products, and signs are
decided on integer numerators. Integers live in ``int64`` NumPy arrays when a
bound proves that no product or sum can overflow, and in object arrays of
Python integers otherwise — both are exact. Problems with irrational algebraic
entries use object arrays of exact field elements with unit denominators.
"""
from __future__ import annotations

from dataclasses import dataclass
from math import lcm
from typing import Any, Sequence

import numpy as np
from flint import fmpq

from exactland.exact.intmat import (
    elementwise_mul, elementwise_sub, fits_int64, int_array, matmul, max_abs, min_ratio, sign_matrix,
)
from exactland.core.problem import Problem

__all__ = ["Evaluation", "evaluate", "loss"]

@dataclass(frozen=True, eq=False)
class Evaluation:
    """Exact quantities at a point, in scaled-integer form.

    Use the accessor methods to obtain exact numbers; the arrays are an
    implementation detail (numerators over documented denominators).

    Attributes
    ----------
    problem : Problem
    signs : numpy.ndarray
        ``signs[i, k] = sign(w_i·x_k)`` (int8), |I|×|K|.
    loss : exact number
        ``L = ½ Σ_kj e_kj²`` (eq. 2).
    """

    problem: Problem
    signs: np.ndarray
    loss: Any
    _z: np.ndarray  # z_ik = _z / (wd_i xd_k)
    _rho: np.ndarray  # rho(z_ik) = _rho / (ad wd_i xd_k)
    _e: np.ndarray  # e_kj = _e / ed_k
    _d: tuple[np.ndarray, ...]  # d_ji = _d[j][i] / dden
    _dldh: np.ndarray  # dL/dh_ji = _dldh[i, j] / (wd_i dden)
    _wd: tuple[int, ...]
    _xd: tuple[int, ...]
    _ed: tuple[int, ...]
    _ad: int
    _dden: int
    _rational: bool

    def _exact(self, num: Any, den: int) -> Any:
        """The exact number ``num / den`` (fmpq for rational problems)."""
        if self._rational:
            return fmpq(int(num), den)
        return num if den == 1 else num / den

    def z(self, i: int, k: int) -> Any:
        """``w_i·x_k``."""
        return self._exact(self._z[i, k], self._wd[i] * self._xd[k])

    def rho(self, i: int, k: int) -> Any:
        """``rho(w_i·x_k)``."""
        return self._exact(self._rho[i, k], self._ad * self._wd[i] * self._xd[k])

    def e(self, k: int, j: int) -> Any:
        """Residual ``e_kj = ŷ_kj − y_kj``."""
        return self._exact(self._e[k, j], self._ed[k])

    def d(self, j: int, i: int) -> tuple[Any, ...]:
        """``d_ji`` of eq. (3) (kink samples contribute nothing)."""
        return tuple(self._exact(x, self._dden) for x in self._d[j][i])

    def dL_dh(self, j: int, i: int) -> Any:
        """``∂L/∂h_ji = w_i·d_ji`` (eq. 4)."""
        return self._exact(self._dldh[i, j], self._wd[i] * self._dden)

    def kink_set(self, i: int) -> tuple[int, ...]:
        """``K⁰(i) = {k : w_i·x_k = 0}``, decided exactly."""
        return tuple(int(k) for k in np.flatnonzero(self.signs[i] == 0))

    def residuals(self) -> tuple[tuple[Any, ...], ...]:
        """All residuals, |K|×|J|."""
        p = self.problem
        return tuple(tuple(self.e(k, j) for j in range(p.n_outputs)) for k in range(p.n_samples))

    def rho_w_fraction(self) -> tuple[int, int]:
        """``(num, den)`` of ``min_{i,k∉K⁰(i)} |w_i·x_k|/‖x_k‖₁`` (rational problems;
        ``den = 0`` when every sample is a kink sample of every neuron)."""
        Xn = self.problem.scaled[0][0]
        N = np.abs(Xn).sum(axis=1) if Xn.dtype != object else np.array(
            [sum(abs(int(c)) for c in row) for row in Xn], dtype=object)
        a = np.abs(self._z)
        b = np.broadcast_to(N, a.shape)
        kink = self.signs == 0
        a = np.where(kink, 1, a)
        b = np.where(kink, 0, b)
        ra, rb = min_ratio(a, b)
        wd = int_array(self._wd)
        ga, gb = min_ratio(ra[None, :], elementwise_mul(rb, wd, True)[None, :])
        return int(ga[0]), int(gb[0])

    def plain_neurons(self) -> np.ndarray:
        """Boolean mask of neurons with no kink sample and every ``d_ji = 0``.

        For them ``∂L/∂h = 0``, ``F_i ≡ 0`` and every ``φ_ji ≡ 0`` (eqs. 3–6),
        so Definitions 3.3 and 4.1 are settled without any per-neuron work.
        """
        mask = (self.signs != 0).all(axis=1)
        for Dj in self._d:
            mask &= (Dj == 0).all(axis=1)
        return mask

    def zero_neurons(self) -> np.ndarray:
        """Boolean mask of the neurons with ``w_i = 0``."""
        Wn = self.problem.scaled[1][0]
        return np.asarray(Wn == 0, dtype=bool).all(axis=1)

    def first_nonzero_gradient(self) -> tuple[int, int] | None:
        """The first ``(i, j)`` (neuron-major) with ``∂L/∂h_ji != 0``, or None."""
        nz = np.flatnonzero(np.asarray(self._dldh != 0, dtype=bool))
        if nz.size == 0:
            return None
        i, j = divmod(int(nz[0]), self._dldh.shape[1])
        return i, j

    def activating_neurons(self) -> list[int]:
        """Neurons ``i`` with some ``rho(w_i·x_k) != 0``, in order."""
        return np.flatnonzero(np.asarray(self._rho != 0, dtype=bool).any(axis=1)).tolist()

    def activates(self) -> bool:
        """True iff some ``rho(w_i·x_k) != 0`` (the hypothesis of Theorem D.1)."""
        act = self.problem.activation
        pos = bool((self.signs > 0).any()) and act.alpha_plus != 0
        neg = bool((self.signs < 0).any()) and act.alpha_minus != 0
        return pos or neg


def evaluate(problem: Problem) -> Evaluation:
    """Evaluate the network, residuals, loss and every ``d_ji`` exactly.

    Parameters
    ----------
    problem : Problem

    Returns
    -------
    Evaluation

    Notes
    -----
    Implements eqs. (1)–(4) of the paper with the scaled-integer scheme of
    docs/mathematics.md, scaled-integer evaluation: with ``x_k = Xn_k / xd_k`` and ``w_i = Wn_i / wd_i`` the signs
    of ``w_i·x_k`` are the signs of the integer matrix ``Wn Xnᵀ``.

    Examples
    --------
    >>> from exactland.core.problem import load
    >>> p = load({"activation": {"alpha_plus": 1, "alpha_minus": 0},
    ...           "X": [[1, 0], [0, 1]], "Y": [[1], [2]],
    ...           "W": [[1, 0]], "H": [[3]]})
    >>> ev = evaluate(p)
    >>> ev.loss, ev.e(0, 0), ev.e(1, 0), ev.kink_set(0)
    (4, 2, -2, (1,))
    """
    rational = problem.is_rational()
    (Xn, xd), (Wn, wd), (HnT, hd), (Yn, yd) = problem.scaled
    ad, ap, am = _activation_integers(problem)
    Zn = matmul(Wn, Xn.T, rational)
    sg = sign_matrix(Zn)
    Sl = _slopes(sg, ap, am, rational)
    Rn = elementwise_mul(Sl, Zn, rational)  # rho numerators over ad*wd_i*xd_k
    En, ed = _residuals(Rn, HnT, hd, wd, Yn, yd, xd, ad, rational)
    L = _half_sum_of_squares(En, ed, rational)
    D, dldh, G = _d_vectors(Sl, En, ed, Xn, xd, Wn, rational)
    for arr in (sg, Zn, Rn, En, dldh, *D):
        arr.setflags(write=False)
    return Evaluation(
        problem=problem, signs=sg, loss=L, _z=Zn, _rho=Rn, _e=En, _d=tuple(D), _dldh=dldh,
        _wd=tuple(wd), _xd=tuple(xd), _ed=tuple(ed), _ad=ad, _dden=ad * G, _rational=rational,
    )


def _activation_integers(problem: Problem) -> tuple[int, Any, Any]:
    """``(ad, ap, am)``: α⁺ = ap/ad and α⁻ = am/ad over one denominator (rational
    problems); ``(1, α⁺, α⁻)`` otherwise."""
    act = problem.activation
    if not problem.is_rational():
        return 1, act.alpha_plus, act.alpha_minus
    ad = lcm(int(act.alpha_plus.q), int(act.alpha_minus.q))
    ap = int(act.alpha_plus.p) * (ad // int(act.alpha_plus.q))
    am = int(act.alpha_minus.p) * (ad // int(act.alpha_minus.q))
    return ad, ap, am


def _slopes(sg: np.ndarray, ap: Any, am: Any, ints: bool) -> np.ndarray:
    """Slope numerators ``rho'(z_ik)·ad`` (0 on kinks), |I|×|K|."""
    if ints and fits_int64(max(abs(ap), abs(am))):
        Sl = np.zeros(sg.shape, dtype=np.int64)
    else:
        Sl = np.zeros(sg.shape, dtype=object)
        Sl[...] = 0
    Sl[sg > 0] = ap
    Sl[sg < 0] = am
    return Sl


def _lcm_all(values: Sequence[int]) -> int:
    out = 1
    for v in values:
        out = lcm(out, v)
    return out


def _residuals(Rn: np.ndarray, HnT: np.ndarray, hd: Sequence[int], wd: Sequence[int], Yn: np.ndarray,
               yd: Sequence[int], xd: Sequence[int], ad: int, ints: bool) -> tuple[np.ndarray, list[int]]:
    """Residual numerators ``En`` (|K|×|J|) over the per-sample denominators ``ed``."""
    c = [h * w for h, w in zip(hd, wd)]
    C = _lcm_all(c)
    Hs = elementwise_mul(HnT, int_array([C // v for v in c])[:, None], ints)
    Yhat = matmul(Rn.T, Hs, ints)  # over ad*C*xd_k
    ed = [lcm(ad * C * xk, yk) for xk, yk in zip(xd, yd)]
    En = elementwise_sub(
        elementwise_mul(Yhat, int_array([e // (ad * C * xk) for e, xk in zip(ed, xd)])[:, None], ints),
        elementwise_mul(Yn, int_array([e // yk for e, yk in zip(ed, yd)])[:, None], ints),
        ints,
    )
    return En, ed


def _half_sum_of_squares(En: np.ndarray, ed: Sequence[int], rational: bool) -> Any:
    """``L = ½ Σ_kj e_kj²`` exactly (eq. 2)."""
    if not rational:
        return sum((v * v for v in En.flat), fmpq(0)) / 2
    total = fmpq(0)
    for k in range(En.shape[0]):
        s = sum(int(v) * int(v) for v in En[k])
        if s:
            total += fmpq(s, ed[k] * ed[k])
    return total / 2


def _d_vectors(Sl: np.ndarray, En: np.ndarray, ed: Sequence[int], Xn: np.ndarray, xd: Sequence[int],
               Wn: np.ndarray, ints: bool) -> tuple[list[np.ndarray], np.ndarray, int]:
    """Numerators of ``d_ji`` (eq. 3) and ``∂L/∂h_ji = w_i·d_ji`` (eq. 4), and
    the common denominator factor G."""
    I, J = Sl.shape[0], En.shape[1]
    g = [e * x for e, x in zip(ed, xd)]
    G = _lcm_all(g)
    Ef = elementwise_mul(En, int_array([G // v for v in g])[:, None], ints)
    D = []
    dldh = np.empty((I, J), dtype=object)
    for j in range(J):
        nz = np.flatnonzero(np.asarray(Ef[:, j] != 0, dtype=bool))  # samples with e_kj = 0 add nothing
        Dj = matmul(elementwise_mul(Sl[:, nz], Ef[nz, j][None, :], ints), Xn[nz], ints)
        D.append(Dj)
        prod = elementwise_mul(Wn, Dj, ints)
        if prod.dtype != object and not fits_int64(prod.shape[1] * max_abs(prod)):
            prod = prod.astype(object)
        dldh[:, j] = prod.sum(axis=1) if I else []
    return D, dldh, G


def loss(problem: Problem) -> Any:
    """The exact loss ``L(P) = ½ Σ_k ‖ŷ_k − y_k‖²`` (eq. 2).

    Examples
    --------
    >>> from exactland.core.problem import load
    >>> p = load({"activation": {"alpha_plus": 1, "alpha_minus": 0},
    ...           "X": [[1, 0], [0, 1]], "Y": [["0.5"], [2]],
    ...           "W": [[0, 0]], "H": [[0]]})
    >>> loss(p)
    17/8
    """
    return evaluate(problem).loss

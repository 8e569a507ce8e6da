"""Exact forward pass, residuals, loss and the vectors d_ji (eqs. 1–4).

Everything here is vectorised over neurons and samples (docs/mathematics.md, scaled-integer evaluation): each
rational matrix is written as integer numerators with one positive integer
denominator per row, products are integer matrix products, and signs are
decided on integer numerators. Integers live in ``int64`` NumPy arrays when a
bound proves that no product or sum can overflow, in float64 *carriers*
(integers below 2**53, produced and combined only under a bound proved before
each operation; :mod:`exactland.exact.carrier`) where that makes a product run
on BLAS, and in object arrays of Python integers otherwise — all exact.
Problems with irrational algebraic entries use object arrays of exact field
elements with unit denominators.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from math import lcm
from typing import Any, Sequence

import numpy as np
from flint import fmpq

from exactland.exact.intmat import (
    CARRIER_LIMIT, as_int, elementwise_mul, elementwise_sub, fits_int64, int_array, matmul, max_abs,
    min_ratio, row_min_ratio, sign_matrix,
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
    _z: np.ndarray  # z_ik = _z / (wd_i xd_k); int64, object or a float64 carrier
    _slopes: tuple[Any, Any]  # (ap, am): rho(z_ik) = slope·_z / (ad wd_i xd_k), slope by sign
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
        z = self._z[i, k]
        return self._exact(int(z) if self._rational else z, self._wd[i] * self._xd[k])

    def rho(self, i: int, k: int) -> Any:
        """``rho(w_i·x_k)``."""
        s = self.signs[i, k]
        z = self._z[i, k]
        z = int(z) if self._rational else z
        slope = self._slopes[0] if s > 0 else self._slopes[1] if s < 0 else 0
        return self._exact(slope * z, self._ad * self._wd[i] * self._xd[k])

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
        ``den = 0`` when every sample is a kink sample of every neuron).

        With ``z_ik = Zn_ik/(wd_i xd_k)`` and ``‖x_k‖₁ = N_k/xd_k`` the ratio is
        ``|Zn_ik|/(wd_i N_k)``: exact row minima of ``|Zn_ik|/N_k``
        (:func:`exactland.exact.intmat.row_min_ratio`), then an exact
        tournament over the neurons.
        """
        Xn = self.problem.scaled[0][0]
        N = np.abs(Xn).sum(axis=1) if Xn.dtype != object else np.array(
            [sum(abs(int(c)) for c in row) for row in Xn], dtype=object)
        ra, rb = row_min_ratio(self._z, N, self._kinks)
        wd = int_array(self._wd)
        ga, gb = min_ratio(ra[None, :], elementwise_mul(rb, wd, True)[None, :])
        return int(ga[0]), int(gb[0])

    def plain_neurons(self) -> np.ndarray:
        """Boolean mask of neurons with no kink sample and every ``d_ji = 0``.

        For them ``∂L/∂h = 0``, ``F_i ≡ 0`` and every ``φ_ji ≡ 0`` (eqs. 3–6),
        so Definitions 3.3 and 4.1 are settled without any per-neuron work.
        """
        return (self.signs != 0).all(axis=1) & self._d_zero()

    def quiet_neurons(self) -> np.ndarray:
        """Boolean mask of neurons with every ``d_ji = 0`` and ``e_k = 0`` on every kink sample.

        ``φ_ji(v) = d_ji·v + Σ_{k∈K⁰(i)} e_kj rho(x_k·v)`` (eq. 6) then vanishes
        identically for every j, and so does ``F_i = Σ_j h_ji φ_ji``: Definitions
        3.3 and 4.1 are settled (``"zero-form"``, no escape neuron, ``c_i = +∞``)
        without per-neuron work. Contains :meth:`plain_neurons`.
        """
        loud_samples = np.asarray(self._e != 0, dtype=bool).any(axis=1)
        kink_loud = (self.signs[:, loud_samples] == 0).any(axis=1)
        return self._d_zero() & ~kink_loud

    def _d_zero(self) -> np.ndarray:
        mask = np.ones(self.signs.shape[0], dtype=bool)
        for Dj in self._d:
            mask &= np.asarray(Dj == 0, dtype=bool).all(axis=1)
        return mask

    @cached_property
    def _kinks(self) -> np.ndarray:
        """``signs == 0``, computed once (read-only)."""
        mask = self.signs == 0
        mask.setflags(write=False)
        return mask

    def kink_sets(self, neurons: Sequence[int]) -> list[tuple[int, ...]]:
        """``K⁰(i)`` for each neuron in ``neurons`` (one vectorised pass)."""
        rows, cols = np.nonzero(self._kinks)  # row-major: rows sorted
        idx = np.asarray(neurons, dtype=np.intp)
        starts = np.searchsorted(rows, idx).tolist()
        ends = np.searchsorted(rows, idx, side="right").tolist()
        cl = cols.tolist()
        return [tuple(cl[a:b]) for a, b in zip(starts, ends)]

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
        ap, am = self._slopes
        mask = np.zeros(self.signs.shape[0], dtype=bool)
        if ap != 0:
            mask |= (self.signs > 0).any(axis=1)
        if am != 0:
            mask |= (self.signs < 0).any(axis=1)
        return np.flatnonzero(mask).tolist()

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
    Zn = matmul(Wn, Xn.T, rational, carrier=True)
    sg = sign_matrix(Zn)
    En, ed = _residuals(Zn, sg, ap, am, HnT, hd, wd, Yn, yd, xd, ad, rational)
    L = _half_sum_of_squares(En, ed, rational)
    D, dldh, G = _d_vectors(sg, ap, am, En, ed, Xn, xd, Wn, rational)
    for arr in (sg, Zn, En, dldh, *D):
        arr.setflags(write=False)
    return Evaluation(
        problem=problem, signs=sg, loss=L, _z=Zn, _slopes=(ap, am), _e=En, _d=tuple(D), _dldh=dldh,
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
    """Slope numerators ``rho'(z_ik)·ad`` (0 on kinks) for the given sign matrix."""
    if ints and fits_int64(max(abs(ap), abs(am))):
        Sl = np.zeros(sg.shape, dtype=np.int64)
    else:
        Sl = np.zeros(sg.shape, dtype=object)
        Sl[...] = 0
    Sl[sg > 0] = ap
    Sl[sg < 0] = am
    return Sl


def _rho_numerators(Zn: np.ndarray, sg: np.ndarray, ap: Any, am: Any, ints: bool,
                    zbound: int | None = None, out: np.ndarray | None = None) -> np.ndarray:
    """``ad·rho(z_ik)`` numerators ``ap·max(Zn, 0) + am·min(Zn, 0)``, |I|×|K|.

    Exactly one of the two terms of an entry is nonzero, so the result is
    exact in a float64 carrier when ``max(|ap|, |am|)·max|Zn| < 2**53`` and in
    int64 below ``2**62`` (both checked here, with ``zbound ≥ max|Zn|`` when
    given); otherwise Python integers. ``out``: a buffer of Zn's dtype and at
    least Zn's shape, reused for the result where it applies.
    """
    if ints and Zn.dtype != object:
        bound = max(abs(ap), abs(am)) * (max_abs(Zn) if zbound is None else zbound)
        if bound < CARRIER_LIMIT if Zn.dtype == np.float64 else fits_int64(bound):
            R = np.maximum(Zn, 0, out=None if out is None else out[:len(Zn)])
            if ap != 1:
                R *= ap
            if am != 0:
                R += am * np.minimum(Zn, 0)
            return R
        Zn = as_int(Zn).astype(object)
    return _slopes(sg, ap, am, ints) * Zn


def _hidden_outputs(Zn: np.ndarray, sg: np.ndarray, ap: Any, am: Any, Hs: np.ndarray, ints: bool,
                    rows: int = 2048) -> np.ndarray:
    """``Rᵀ Hs`` for the ``ρ`` numerators ``R`` of :func:`_rho_numerators`, |K|×|J|.

    Many neurons: in blocks of ``rows`` neurons, each block's ``R`` built in
    one reused buffer and multiplied exactly (:func:`matmul`); the block
    products are summed in int64 when ``|I|·max|R|·max|Hs| < 2**62`` bounds
    every partial sum, else as Python integers.
    """
    I = Zn.shape[0]
    if I <= rows or not ints or Zn.dtype == object:
        return matmul(_rho_numerators(Zn, sg, ap, am, ints).T, Hs, ints)
    zb = max_abs(Zn)
    small = fits_int64(I * max(abs(ap), abs(am)) * zb * max_abs(Hs))
    buf = np.empty((rows, Zn.shape[1]), dtype=Zn.dtype)
    total: Any = None
    for r0 in range(0, I, rows):
        R = _rho_numerators(Zn[r0:r0 + rows], sg[r0:r0 + rows], ap, am, ints, zb, buf)
        part = matmul(R.T, Hs[r0:r0 + rows], ints)
        part = part if small else part.astype(object)
        total = part if total is None else total + part
    return total


def _lcm_all(values: Sequence[int]) -> int:
    return lcm(1, *values)  # one C call


def _residuals(Zn: np.ndarray, sg: np.ndarray, ap: Any, am: Any, HnT: np.ndarray, hd: Sequence[int],
               wd: Sequence[int], Yn: np.ndarray, yd: Sequence[int], xd: Sequence[int], ad: int,
               ints: bool) -> tuple[np.ndarray, list[int]]:
    """Residual numerators ``En`` (|K|×|J|) over the per-sample denominators ``ed``."""
    c = [h * w for h, w in zip(hd, wd)]
    C = _lcm_all(c)
    Hs = elementwise_mul(HnT, int_array([C // v for v in c])[:, None], ints)
    Yhat = _hidden_outputs(Zn, sg, ap, am, Hs, ints)  # over ad*C*xd_k
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
    if En.dtype != object and fits_int64(En.shape[1] * max_abs(En) ** 2):
        sq = (En * En).sum(axis=1).tolist()  # int64: every partial sum below 2**62
    else:
        sq = [sum(int(v) * int(v) for v in row) for row in En]
    total = fmpq(0)
    for k in np.flatnonzero(np.asarray(sq, dtype=object) != 0).tolist():
        total += fmpq(sq[k], ed[k] * ed[k])
    return total / 2


def _d_vectors(sg: np.ndarray, ap: Any, am: Any, En: np.ndarray, ed: Sequence[int], Xn: np.ndarray,
               xd: Sequence[int], Wn: np.ndarray, ints: bool) -> tuple[list[np.ndarray], np.ndarray, int]:
    """Numerators of ``d_ji`` (eq. 3) and ``∂L/∂h_ji = w_i·d_ji`` (eq. 4), and
    the common denominator factor G. Only samples with ``e_kj != 0`` enter."""
    I, J = sg.shape[0], En.shape[1]
    g = [e * x for e, x in zip(ed, xd)]
    G = _lcm_all(g)
    Ef = elementwise_mul(En, int_array([G // v for v in g])[:, None], ints)
    D = []
    dldh = np.empty((I, J), dtype=object)
    for j in range(J):
        nz = np.flatnonzero(np.asarray(Ef[:, j] != 0, dtype=bool))  # samples with e_kj = 0 add nothing
        Sl = _slopes(sg[:, nz], ap, am, ints)
        Dj = as_int(matmul(elementwise_mul(Sl, Ef[nz, j][None, :], ints), Xn[nz], ints))
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

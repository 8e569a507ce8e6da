"""Exact forward pass, residuals, loss and the vectors d_ji (eqs. 1–4).

Everything here is vectorised over neurons and samples (DESIGN §11): each
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

from exactland.exact.scalars import sign
from exactland.core.problem import Problem

__all__ = ["Evaluation", "evaluate", "loss"]

_LIMIT = 1 << 62


def _maxabs(a: np.ndarray) -> int:
    if a.size == 0:
        return 0
    if a.dtype == object:
        return max(abs(int(x)) for x in a.flat)
    return int(np.abs(a).max())


def _fits(bound: int) -> bool:
    return bound < _LIMIT


def _mm(a: np.ndarray, b: np.ndarray, exact_ints: bool) -> np.ndarray:
    """Exact matrix product; int64 only when the result provably fits."""
    if exact_ints and a.dtype != object and b.dtype != object:
        if _fits(max(a.shape[1], 1) * _maxabs(a) * _maxabs(b)):
            return a @ b
    return a.astype(object) @ b.astype(object)


def _emul(a: np.ndarray, b: np.ndarray, exact_ints: bool) -> np.ndarray:
    """Exact elementwise (broadcast) product."""
    if exact_ints and a.dtype != object and b.dtype != object:
        if _fits(_maxabs(a) * _maxabs(b)):
            return a * b
    return a.astype(object) * b.astype(object)


def _esub(a: np.ndarray, b: np.ndarray, exact_ints: bool) -> np.ndarray:
    if exact_ints and a.dtype != object and b.dtype != object:
        if _fits(_maxabs(a) + _maxabs(b)):
            return a - b
    return a.astype(object) - b.astype(object)


def _int_array(values: Sequence[int]) -> np.ndarray:
    vals = [int(v) for v in values]
    if all(abs(v) < _LIMIT for v in vals):
        return np.array(vals, dtype=np.int64)
    return np.array(vals, dtype=object)


def _int_rows(m: Sequence[Sequence[Any]]) -> tuple[np.ndarray, list[int]]:
    """Rational matrix → (integer numerators, per-row denominators)."""
    nums: list[list[int]] = []
    dens: list[int] = []
    for row in m:
        den = 1
        for x in row:
            den = lcm(den, int(x.q))
        dens.append(den)
        nums.append([int(x.p) * (den // int(x.q)) for x in row])
    flat = [abs(v) for r in nums for v in r]
    dtype = np.int64 if (not flat or max(flat) < _LIMIT) else object
    arr = np.array(nums, dtype=dtype)
    if arr.ndim == 1:
        arr = arr.reshape(len(nums), 0)
    return arr, dens


def _obj_rows(m: Sequence[Sequence[Any]]) -> tuple[np.ndarray, list[int]]:
    arr = np.empty((len(m), len(m[0]) if m else 0), dtype=object)
    for r, row in enumerate(m):
        for c, x in enumerate(row):
            arr[r, c] = x
    return arr, [1] * len(m)


def _signs(a: np.ndarray) -> np.ndarray:
    if a.dtype != object:
        return np.sign(a).astype(np.int8)
    out = np.fromiter((sign(x) for x in a.flat), dtype=np.int8, count=a.size)
    return out.reshape(a.shape)


def min_ratio(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row-wise minimum of the fractions ``a/b`` (``a ≥ 0``, ``b ≥ 0``; ``b = 0``
    means +∞), exactly, by a tournament of integer cross-multiplications.

    Examples
    --------
    >>> import numpy as np
    >>> min_ratio(np.array([[3, 1, 5]]), np.array([[4, 0, 9]]))
    (array([5]), array([9]))
    """
    while a.shape[1] > 1:
        if a.shape[1] % 2:
            pad = np.zeros((a.shape[0], 1), dtype=np.int64)
            a = np.concatenate([a, pad + 1], axis=1)
            b = np.concatenate([b, pad], axis=1)
        h = a.shape[1] // 2
        a1, a2, b1, b2 = a[:, :h], a[:, h:], b[:, :h], b[:, h:]
        take = _emul(a2, b1, True) < _emul(a1, b2, True)
        a = np.where(take, a2, a1)
        b = np.where(take, b2, b1)
    return a[:, 0], b[:, 0]


def scaled_rows(problem: Problem) -> tuple[tuple[np.ndarray, list[int]], ...]:
    """``(Xn, xd), (Wn, wd), (Hᵀn, hd), (Yn, yd)``: numerators and row denominators.

    Integer numerators with one denominator per row for rational problems;
    object arrays of exact elements with unit denominators otherwise.
    :attr:`Problem.scaled` caches the result on the (immutable) problem.
    """
    rows = _int_rows if problem.is_rational() else _obj_rows
    return (rows(problem.X), rows(problem.W), rows(tuple(zip(*problem.H))), rows(problem.Y))


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

    def _q(self, num: Any, den: int) -> Any:
        if self._rational:
            return fmpq(int(num), den)
        return num if den == 1 else num / den

    def z(self, i: int, k: int) -> Any:
        """``w_i·x_k``."""
        return self._q(self._z[i, k], self._wd[i] * self._xd[k])

    def rho(self, i: int, k: int) -> Any:
        """``rho(w_i·x_k)``."""
        return self._q(self._rho[i, k], self._ad * self._wd[i] * self._xd[k])

    def e(self, k: int, j: int) -> Any:
        """Residual ``e_kj = ŷ_kj − y_kj``."""
        return self._q(self._e[k, j], self._ed[k])

    def d(self, j: int, i: int) -> tuple[Any, ...]:
        """``d_ji`` of eq. (3) (kink samples contribute nothing)."""
        return tuple(self._q(x, self._dden) for x in self._d[j][i])

    def dL_dh(self, j: int, i: int) -> Any:
        """``∂L/∂h_ji = w_i·d_ji`` (eq. 4)."""
        return self._q(self._dldh[i, j], self._wd[i] * self._dden)

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
        wd = _int_array(self._wd)
        ga, gb = min_ratio(ra[None, :], _emul(rb, wd, True)[None, :])
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
    DESIGN §11: with ``x_k = Xn_k / xd_k`` and ``w_i = Wn_i / wd_i`` the signs
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
    act = problem.activation
    (Xn, xd), (Wn, wd), (HnT, hd), (Yn, yd) = problem.scaled
    I, K, J = problem.n_neurons, problem.n_samples, problem.n_outputs
    if rational:
        ad = lcm(int(act.alpha_plus.q), int(act.alpha_minus.q))
        ap = int(act.alpha_plus.p) * (ad // int(act.alpha_plus.q))
        am = int(act.alpha_minus.p) * (ad // int(act.alpha_minus.q))
    else:
        ad, ap, am = 1, act.alpha_plus, act.alpha_minus
    ints = rational

    Zn = _mm(Wn, Xn.T, ints)
    sg = _signs(Zn)
    if ints and _fits(max(abs(ap), abs(am))):
        Sl = np.zeros((I, K), dtype=np.int64)
    else:
        Sl = np.zeros((I, K), dtype=object)
        Sl[...] = 0
    Sl[sg > 0] = ap
    Sl[sg < 0] = am
    Rn = _emul(Sl, Zn, ints)  # rho numerators over ad*wd_i*xd_k

    c = [h * w for h, w in zip(hd, wd)]
    C = 1
    for v in c:
        C = lcm(C, v)
    Hs = _emul(HnT, _int_array([C // v for v in c])[:, None], ints)
    Yhat = _mm(Rn.T, Hs, ints)  # over ad*C*xd_k
    ed = [lcm(ad * C * xk, yk) for xk, yk in zip(xd, yd)]
    En = _esub(
        _emul(Yhat, _int_array([e // (ad * C * xk) for e, xk in zip(ed, xd)])[:, None], ints),
        _emul(Yn, _int_array([e // yk for e, yk in zip(ed, yd)])[:, None], ints),
        ints,
    )
    if rational:
        total = fmpq(0)
        for k in range(K):
            s = sum(int(v) * int(v) for v in En[k])
            if s:
                total += fmpq(s, ed[k] * ed[k])
        L = total / 2
    else:
        L = sum((v * v for v in En.flat), fmpq(0)) / 2

    g = [e * x for e, x in zip(ed, xd)]
    G = 1
    for v in g:
        G = lcm(G, v)
    Ef = _emul(En, _int_array([G // v for v in g])[:, None], ints)
    D = []
    dldh = np.empty((I, J), dtype=object)
    for j in range(J):
        Mj = _emul(Sl, Ef[:, j][None, :], ints)
        Dj = _mm(Mj, Xn, ints)
        D.append(Dj)
        prod = _emul(Wn, Dj, ints)
        if prod.dtype != object and not _fits(prod.shape[1] * _maxabs(prod)):
            prod = prod.astype(object)
        dldh[:, j] = prod.sum(axis=1) if I else []
    return Evaluation(
        problem=problem,
        signs=sg,
        loss=L,
        _z=Zn,
        _rho=Rn,
        _e=En,
        _d=tuple(D),
        _dldh=dldh,
        _wd=tuple(wd),
        _xd=tuple(xd),
        _ed=tuple(ed),
        _ad=ad,
        _dden=ad * G,
        _rational=rational,
    )


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

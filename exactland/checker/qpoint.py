"""The certificate's point, re-derived with exact integer matrices (rational problems).

Every rational matrix is written as integer numerators over known positive
denominators and every quantity of Lemma 3.2 is an exact integer matrix
product (:mod:`exactland.checker.intarr`: ``int64`` under a proved bound,
Python integers otherwise).  With ``X = Xn / Dx`` (one denominator),
``w_i = Wn_i / dw_i`` (one per row) and ``a± = a±n / Da``:

* ``z_ik = Zn_ik / (dw_i·Dx)`` with ``Zn = Wn·Xnᵀ``;
* ``ρ(z_ik) = ρn_ik / (Da·dw_i·Dx)`` with ``ρn = An ∘ Zn``, ``An_ik = a⁺n, a⁻n, 0`` by the sign;
* ``ŷ_kj = (Gn·ρn)_jk / (Dg·Da·Dx)`` where ``h_ji / dw_i = Gn_ji / Dg``;
* ``e_kj = En_kj / De``; ``d_ji = (An·(En_{:,j} ∘ Xn))_i / Dd`` with ``Dd = Da·De·Dx``;
* ``φ_ji(v)`` and the forms ``ℓ_j, γ_j`` of its kink lines share the denominator
  ``Dd`` (times that of ``v``), so they are compared and combined as integers.

Claims are compared with these numerators by cross-multiplication; a
:class:`~fractions.Fraction` is built only for a reported value or a
scalar.  :class:`QPoint` offers the methods of :class:`~exactland.checker.point.Point`.
"""
from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np

import exactland.checker.qpaths as qpaths
from exactland.checker.arith import Field
from exactland.checker.intarr import (
    add,
    divexact,
    ints,
    matmul,
    mul,
    rowdot,
    signs,
    sub,
    sumsq,
)
from exactland.checker.qarray import QArray


def clear(values: list) -> tuple[list[int], int]:
    """Integer numerators of rationals over their least common denominator."""
    den = math.lcm(*(Fraction(v).denominator for v in values)) if values else 1
    return [int(Fraction(v) * den) for v in values], den


def _q(num: int, den: int) -> Any:
    return Fraction(num, den) if num else 0


class QPoint:
    """The problem of a parsed rational certificate and its quantities at P."""

    def __init__(self, problem: dict, field: Field) -> None:
        self.f = field
        X, Y, W, H = problem["X"], problem["Y"], problem["W"], problem["H"]
        self.ap, self.am = problem["alpha_plus"], problem["alpha_minus"]
        self.b = problem.get("b")
        (self.K, self.d), self.J, self.I = X.shape, Y.shape[1], W.shape[0]
        self.Xn, self.Dx = X.cleared()
        self.Wn, self.dw = W.rows_cleared()
        (self.apn, self.amn), self.Da = clear([self.ap, self.am])
        self._slopes = ints([0, self.apn, self.amn])  # indexed by sign: 0, 1, −1
        self.Zn = matmul(self.Wn, self.Xn.T)
        self.sign = signs(self.Zn)
        self.Hf = H.fractions()
        Hc = QArray(H.num.T, H.den.T).rows_cleared()[0]  # column i of H times a positive integer
        self._hc = Hc.tolist()
        self._residuals(Y)
        self._gradients()
        self._kink_forms: dict[tuple, tuple] = {}
        self._prim: dict[int, tuple] = {}
        self._last_phi: tuple = (None, None)

    # -- outputs, residuals, loss ---------------------------------------------
    def slopes(self, s: np.ndarray) -> np.ndarray:
        """``a±n`` by the sign of each entry (0 on a kink)."""
        return self._slopes[s]

    def outputs(self, rows: np.ndarray, row_dens: list, hcols: list, Z: Any = None) -> tuple[np.ndarray, int]:
        """(N, C) with ŷ_kj = N_jk / C of the neurons with input rows ``rows / row_dens``
        and output columns ``hcols`` (J lists of rationals, one entry per row);
        ``Z``: ``rows·Xnᵀ`` when already known."""
        Z = matmul(rows, self.Xn.T) if Z is None else Z
        rho = mul(self.slopes(signs(Z)), Z)
        G = [[Fraction(h) / r for h, r in zip(hrow, row_dens)] for hrow in hcols]
        Gn, Dg = clear([x for row in G for x in row])
        Gm = ints(Gn).reshape(self.J, len(row_dens))
        return matmul(Gm, rho), Dg * self.Da * self.Dx

    def _residuals(self, Y: QArray) -> None:
        hcols = [[self.Hf[j][i] for i in range(self.I)] for j in range(self.J)]
        out, C = self.outputs(self.Wn, self.dw, hcols, self.Zn)
        Yn, Dy = Y.cleared()
        En, De = sub(mul(out.T, Dy), mul(Yn, C)), C * Dy
        if self.b is not None:  # ŷ = Hρ(Wx) + b: every row of residuals moves by b
            bn, Db = clear(list(self.b))
            En, De = add(mul(En, Db), mul(ints([bn]), De)), De * Db
        g = math.gcd(De, *np.unique(En).tolist())
        self.En, self.De = (divexact(En, g), De // g) if g > 1 else (En, De)
        self.E_rows = self.En.tolist()
        self.L = Fraction(sumsq(self.En), 2 * self.De * self.De)
        self.dLdb = None if self.b is None else [
            Fraction(sum(int(x) for x in self.En[:, j].tolist()), self.De) for j in range(self.J)]
        # some ρ(z_ik) ≠ 0 iff some z_ik > 0 with a⁺ ≠ 0 or some z_ik < 0 with a⁻ ≠ 0
        # with an output bias L is strictly convex in b: never a local maximum
        self.lmax = self.b is None and not ((self.apn != 0 and bool((self.sign > 0).any()))
                                            or (self.amn != 0 and bool((self.sign < 0).any())))

    def _gradients(self) -> None:
        A = self.slopes(self.sign)
        self.Dn = [matmul(A, mul(self.En[:, j:j + 1], self.Xn)) for j in range(self.J)]
        del A
        self.Dd = self.Da * self.De * self.Dx
        self._dzero = np.ones(self.I, dtype=bool)
        for Dj in self.Dn:
            self._dzero &= ~np.asarray(Dj != 0, dtype=bool).any(axis=1)
        gh = [rowdot(self.Wn, Dj).tolist() for Dj in self.Dn]
        self.dLdh = [[_q(gh[j][i], self.dw[i] * self.Dd) for j in range(self.J)] for i in range(self.I)]
        self.dLdr = [sum((self.Hf[j][i] * x for j, x in enumerate(row) if x != 0), 0)
                     for i, row in enumerate(self.dLdh)]
        rows, cols = np.nonzero(self.sign == 0)
        cuts = np.cumsum(np.bincount(rows, minlength=self.I))[:-1]
        self.K0 = [c.tolist() for c in np.split(cols, cuts)]

    # -- the claims of neurons[i] -------------------------------------------
    def D_row(self, i: int) -> list:
        return [[_q(n, self.Dd) for n in Dj[i].tolist()] for Dj in self.Dn]

    def d_mismatches(self, claimed: list) -> list[int]:
        """Neurons whose claimed ``d`` (J×d QArrays) differs from the recomputed one:
        ``p/q = N/Dd`` iff ``p·Dd = N·q`` (exact products)."""
        if not claimed:
            return []
        if not all(isinstance(c, QArray) for c in claimed):
            return [i for i, c in enumerate(claimed) if c != self.D_row(i)]
        P = np.stack([c.num for c in claimed])
        Q = np.stack([c.den for c in claimed])
        R = np.stack(self.Dn, axis=1)
        same = np.asarray(mul(P, self.Dd) == mul(R, Q), dtype=bool).reshape(self.I, -1).all(axis=1)
        return np.flatnonzero(~same).tolist()

    def hcol(self, i: int) -> list:
        return [self.Hf[j][i] for j in range(self.J)]

    def hcol_scaled(self, i: int) -> list:
        """Column i of H times the positive integer ``lcm`` of its denominators."""
        return self._hc[i]

    def _phi_nums(self, i: int, v: list) -> tuple[np.ndarray, int]:
        """(N, C): φ_ji(v) = N_j / C for every j (eq. 6 over integers)."""
        key = (i, tuple(v))
        if self._last_phi[0] != key:
            self._last_phi = (key, self._phi_all(i, v))
        return self._last_phi[1]

    def _phi_all(self, i: int, v: list) -> tuple[np.ndarray, int]:
        vn, dv = clear(v)
        vv = ints(vn)
        R = np.stack([Dj[i] for Dj in self.Dn])
        num = matmul(R, vv)
        K0 = self.K0[i]
        if K0:
            s = matmul(self.Xn[K0], vv)  # x_k·v = s_k / (Dx·dv)
            coef = mul(self.slopes(signs(s)), s)  # ρ(x_k·v) = coef_k / (Da·Dx·dv)
            num = add(num, matmul(coef[None, :], self.En[K0])[0])
        return num, self.Dd * dv

    def phi(self, i: int, j: int, v: list) -> Any:
        num, C = self._phi_nums(i, v)
        return Fraction(int(num[j]), C)

    def F(self, i: int, v: list) -> Any:
        num, C = self._phi_nums(i, v)
        return sum((h * Fraction(int(n), C) for h, n in zip(self.hcol(i), num.tolist())), Fraction(0))

    def w_dot(self, i: int, v: list) -> Any:
        vn, dv = clear(v)
        return Fraction(sum(a * b for a, b in zip(self.Wn[i].tolist(), vn)), self.dw[i] * dv)

    # -- the forms φ_ji -------------------------------------------------------
    def _primitive(self, k: int) -> tuple | None:
        """(n, g, s): x_k = (s·g / Dx)·n with n primitive (first nonzero > 0), or None for x_k = 0."""
        if k not in self._prim:
            row = self.Xn[k].tolist()
            g = math.gcd(*row)
            if g == 0:
                self._prim[k] = None
            else:
                s = next((1 if a > 0 else -1) for a in row if a != 0)
                self._prim[k] = (tuple(a // (s * g) for a in row), g, s)
        return self._prim[k]

    def _kink_form(self, kinks: tuple) -> tuple[list, list, list]:
        """(lines, lin_j, γ_j) of a kink set over ``Dd``: ρ(t) = a⁻t + (a⁺−a⁻)max(t, 0) and
        max(λt, 0) = |λ|max(t, 0) − [λ<0]|λ|t, so ``e_kj ρ(x_k·v)`` adds
        ``e_kj (a⁻ + (a⁺−a⁻)[λ<0]) x_k`` to ℓ_j and ``(a⁺−a⁻) e_kj |λ|`` to γ_j."""
        if kinks in self._kink_forms:
            return self._kink_forms[kinks]
        diff = self.apn - self.amn
        lines: list = []
        index: dict = {}
        gam: list[list] = [[] for _ in range(self.J)]
        used, coefs = [], []
        for k in kinks:
            prim = self._primitive(k)
            if prim is None:
                continue
            n, g, s = prim
            l = index.setdefault(n, len(lines))
            if l == len(lines):
                lines.append(n)
                for gl in gam:
                    gl.append(0)
            e = self.E_rows[k]
            for j in range(self.J):
                gam[j][l] += diff * e[j] * g
            used.append(k)
            coefs.append([x * (self.amn + (diff if s < 0 else 0)) for x in e])
        lin = matmul(ints(coefs).T, self.Xn[used]).tolist() if used else [[0] * self.d for _ in range(self.J)]
        self._kink_forms[kinks] = (lines, lin, gam)
        return self._kink_forms[kinks]

    def form(self, i: int) -> tuple[list, list, list]:
        """(lines, ℓ_j, γ_j) of the φ_ji of neuron i, up to one positive factor,
        ℓ projected on w_i^⊥ (ℓ ← (w·w)ℓ − (ℓ·w)w, γ ← (w·w)γ)."""
        kinks = tuple(self.K0[i])
        if not kinks and self._dzero[i]:
            return [], [[0] * self.d for _ in range(self.J)], [[] for _ in range(self.J)]
        lines, lin, gam = self._kink_form(kinks)
        ell = [[a + b for a, b in zip(Dj[i].tolist(), lin[j])] for j, Dj in enumerate(self.Dn)]
        w = self.Wn[i].tolist()
        ww = sum(a * a for a in w)
        s = [sum(a * b for a, b in zip(e, w)) for e in ell]
        if ww != 0 and any(s):
            ell = [[ww * a - sj * b for a, b in zip(e, w)] for e, sj in zip(ell, s)]
            gam = [[ww * x for x in g] for g in gam]
        return lines, ell, gam


    # -- witness paths and the radius (exactland.checker.qpaths) -------------
    def moved(self, dW: QArray, dH: QArray) -> list[int]:
        return qpaths.moved(dW, dH)

    def flip(self, dW: QArray, moved: list) -> Any:
        return qpaths.flip(self, dW, moved)

    def path_losses(self, dW: QArray, dH: QArray, moved: list, ts: list, db: list | None = None) -> list:
        return qpaths.path_losses(self, dW, dH, moved, ts, db)

    def norm_sq(self, dW: QArray, dH: QArray, db: list | None = None) -> Any:
        return qpaths.norm_sq(dW, dH) + sum((Fraction(x) ** 2 for x in db or ()), Fraction(0))

    def rho_w(self) -> Any:
        return qpaths.rho_w(self)

"""The certificate's point, re-derived entry by entry: the general (algebraic) route.

:class:`Point` holds a problem whose numbers are lists of exact scalars (real
algebraic numbers, or :class:`fractions.Fraction`) and computes everything at
its point ``P = (W, H)`` by the definitions, one number at a time.  Rational
certificates use the integer-matrix route of :mod:`exactland.checker.qpoint`,
which offers the same methods; this one is kept for irrational algebraic
numbers and as the straightforward reference.
"""
from __future__ import annotations

from typing import Any

from exactland.checker.arith import INFINITY, absolute, dot, Field, is_zero_vector, minimum


class Point:
    """The problem of a parsed certificate and its quantities at P."""

    def __init__(self, problem: dict, field: Field) -> None:
        self.f = field
        p = problem
        self.X, self.Y, self.W, self.H = p["X"], p["Y"], p["W"], p["H"]
        self.ap, self.am = p["alpha_plus"], p["alpha_minus"]
        self.b = p.get("b")
        self.K, self.d, self.J, self.I = len(self.X), len(self.X[0]), len(self.Y[0]), len(self.W)
        self.Xn, self.Dx = field.clear_rows(self.X)
        self._point()
        self._kink_forms: dict[tuple, tuple] = {}

    def hcol(self, i: int) -> list:
        return [self.H[j][i] for j in range(self.J)]

    def hcol_scaled(self, i: int) -> list:
        """Column i of H up to a positive factor (here: exactly)."""
        return self.hcol(i)

    def outputs(self, rows: list, cols: list) -> tuple[list, list, int]:
        """ŷ (K×J) of the neurons with input rows ``rows`` and output columns ``cols``."""
        f, J = self.f, self.J
        Wn, Dw = f.clear_rows(rows)
        Hn, Dh = f.clear_rows(cols)
        (ap, am), Da = f.clear([self.ap, self.am])
        acc = [[0] * J for _ in range(self.K)]
        Z = []
        for wn, hn in zip(Wn, Hn):
            zrow = [dot(wn, xn) for xn in self.Xn]
            Z.append(zrow)
            for k, z in enumerate(zrow):
                if z != 0:
                    r = (ap if z > 0 else am) * z
                    row = acc[k]
                    for j in range(J):
                        row[j] += hn[j] * r
        den = Dw * Dh * Da * self.Dx
        return [[f.q(v, den) for v in row] for row in acc], Z, Dw * self.Dx

    def _point(self) -> None:
        f, K, J, d = self.f, self.K, self.J, self.d
        self.Yhat, self.Zn, self.Dz = self.outputs(self.W, [self.hcol(i) for i in range(self.I)])
        self.sign = [[(z > 0) - (z < 0) for z in row] for row in self.Zn]
        bias = self.b or [0] * J  # ŷ = Hρ(Wx) + b
        self.E = [[self.Yhat[k][j] + bias[j] - self.Y[k][j] for j in range(J)] for k in range(K)]
        self.dLdb = None if self.b is None else [sum((row[j] for row in self.E), 0) for j in range(J)]
        self.L = f.div(sum((e * e for row in self.E for e in row), 0), 2)
        En, De = f.clear_rows(self.E)
        (ap, am), Da = f.clear([self.ap, self.am])
        P = [[[En[k][j] * x for x in self.Xn[k]] for j in range(J)] for k in range(K)]
        den = Da * De * self.Dx
        self.D, self.dLdh, self.dLdr = [], [], []
        for i in range(self.I):
            plus, minus = [[0] * d for _ in range(J)], [[0] * d for _ in range(J)]
            for k, s in enumerate(self.sign[i]):
                if s > 0 or (s < 0 and am != 0):
                    tgt = plus if s > 0 else minus
                    for j in range(J):
                        tgt[j] = [a + b for a, b in zip(tgt[j], P[k][j])]
            Di = [[f.q(ap * a + am * b, den) for a, b in zip(plus[j], minus[j])] for j in range(J)]
            self.D.append(Di)
            self.dLdh.append([dot(self.W[i], Di[j]) for j in range(J)])
            self.dLdr.append(sum((self.H[j][i] * self.dLdh[i][j] for j in range(J)), 0))
        self.K0 = [[k for k in range(K) if self.sign[i][k] == 0] for i in range(self.I)]
        # with an output bias L is strictly convex in b: never a local maximum
        self.lmax = self.b is None and all(self.rho(z) == 0 for row in self.Zn for z in row)

    # -- the claims of neurons[i] -----------------------------------------
    def D_row(self, i: int) -> list:
        return self.D[i]

    def d_mismatches(self, claimed: list) -> list[int]:
        """Neurons whose claimed ``d`` differs from the recomputed one."""
        return [i for i, c in enumerate(claimed) if c != self.D[i]]

    def z(self, i: int, k: int) -> Any:
        return self.f.q(self.Zn[i][k], self.Dz)

    def rho(self, t: Any) -> Any:
        return (self.ap if t > 0 else self.am) * t

    def phi(self, i: int, j: int, v: list) -> Any:
        """φ_ji(v) by its definition (eq. 6)."""
        return dot(self.D[i][j], v) + sum((self.E[k][j] * self.rho(dot(self.X[k], v))
                                            for k in self.K0[i]), 0)

    def F(self, i: int, v: list) -> Any:
        return sum((self.H[j][i] * self.phi(i, j, v) for j in range(self.J)), 0)

    def w_dot(self, i: int, v: list) -> Any:
        return dot(v, self.W[i])

    # -- the forms φ_ji ------------------------------------------------------
    def canon_line(self, v: list) -> tuple:
        """A nonzero normal scaled to first nonzero entry 1 (the key of its line)."""
        p = next(s for s, x in enumerate(v) if x != 0)
        return tuple(self.f.div(x, v[p]) for x in v)

    def _kink_form(self, kinks: tuple) -> tuple[list, list, list]:
        """(lines, Σ_k coef_kj x_k, γ_j) of a kink set; shared by equal kink sets."""
        if kinks in self._kink_forms:
            return self._kink_forms[kinks]
        J, diff = self.J, self.ap - self.am
        lines: list = []
        lin: list = [[0] * self.d for _ in range(J)]
        gam: list[list] = [[] for _ in range(J)]
        for k in kinks:
            x = self.X[k]
            if is_zero_vector(x):
                continue
            lam = next(a for a in x if a != 0)
            n = self.canon_line(x)
            l = next((l for l, m in enumerate(lines) if all(a == b for a, b in zip(m, n))), len(lines))
            if l == len(lines):  # fmpq and RealAlg need not hash alike: compare, not hash
                lines.append(n)
                for g in gam:
                    g.append(0)
            for j in range(J):
                e = self.E[k][j]
                if e != 0:  # rho(t) = a⁻t + (a⁺−a⁻)max(t,0); max(λt,0) = |λ|max(t,0) − [λ<0]|λ|t
                    gam[j][l] += diff * e * absolute(lam)
                    coef = self.am * e + (diff * e if lam < 0 else 0)
                    lin[j] = [a + coef * b for a, b in zip(lin[j], x)]
        self._kink_forms[kinks] = (lines, lin, gam)
        return self._kink_forms[kinks]

    def form(self, i: int) -> tuple[list, list, list]:
        """(lines, ℓ_j, γ_j) of the φ_ji of neuron i, ℓ projected on w_i^⊥."""
        lines, lin, gam = self._kink_form(tuple(self.K0[i]))
        ell = [[a + b for a, b in zip(self.D[i][j], lin[j])] for j in range(self.J)]
        w = self.W[i]
        ww = dot(w, w)
        for j in range(self.J):
            s = dot(ell[j], w)
            if ww != 0 and s != 0:
                s = self.f.div(s, ww)
                ell[j] = [a - s * b for a, b in zip(ell[j], w)]
        return lines, ell, gam

    # -- witness paths P + tΔ ------------------------------------------------
    def moved(self, dW: list, dH: list) -> list[int]:
        return [i for i in range(self.I) if not is_zero_vector(dW[i]) or any(dH[j][i] != 0 for j in range(self.J))]

    def flip(self, dW: list, moved: list) -> Any:
        """The first t > 0 at which a sample outside a kink set changes side."""
        flip: Any = INFINITY
        for i in moved:
            for k in range(self.K):
                dz = dot(dW[i], self.X[k])
                if self.sign[i][k] * dz < 0:
                    flip = minimum(flip, self.f.div(absolute(self.z(i, k)), absolute(dz)))
        return flip

    def path_losses(self, dW: list, dH: list, moved: list, ts: list, db: list | None = None) -> list:
        """L(P + tΔ) for every t of ``ts`` (only the moved neurons are re-evaluated;
        ``db``: the output bias moves by ``tΔb``)."""
        shift = db or [0] * self.J
        base = self.outputs([self.W[i] for i in moved], [self.hcol(i) for i in moved])[0] \
            if moved else [[0] * self.J for _ in range(self.K)]
        out = []
        for t in ts:
            rows = [[a + t * b for a, b in zip(self.W[i], dW[i])] for i in moved]
            cols = [[self.H[j][i] + t * dH[j][i] for j in range(self.J)] for i in moved]
            new = self.outputs(rows, cols)[0] if moved else base
            s = sum(((self.E[k][j] - base[k][j] + new[k][j] + t * shift[j]) ** 2
                     for k in range(self.K) for j in range(self.J)), 0)
            out.append(self.f.div(s, 2))
        return out

    def norm_sq(self, dW: list, dH: list, db: list | None = None) -> Any:
        return sum((x * x for M in (dW, dH, [db or []]) for row in M for x in row), 0)

    def rho_w(self) -> Any:
        """min over i and k ∉ K⁰(i) of |z_ik| / ‖x_k‖₁ (INFINITY when there is none)."""
        rho: Any = INFINITY
        norms = [sum((absolute(x) for x in xk), 0) for xk in self.X]
        for i in range(self.I):
            for k in range(self.K):
                if self.sign[i][k] != 0:
                    rho = minimum(rho, self.f.div(absolute(self.z(i, k)), norms[k]))
        return rho

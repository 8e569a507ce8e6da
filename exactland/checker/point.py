"""The certificate's point, re-derived: outputs, loss, gradients and ``φ_ji``.

Matrices are cleared to a common denominator and multiplied as integers
(rational mode); :class:`Point` holds the problem and everything computed at
its point ``P = (W, H)``.
"""
from __future__ import annotations

from typing import Any

from exactland.checker.arith import dot, Field


class Point:
    """The problem of a parsed certificate and its quantities at P."""

    def __init__(self, problem: dict, field: Field) -> None:
        self.f = field
        p = problem
        self.X, self.Y, self.W, self.H = p["X"], p["Y"], p["W"], p["H"]
        self.ap, self.am = p["alpha_plus"], p["alpha_minus"]
        self.K, self.d, self.J, self.I = len(self.X), len(self.X[0]), len(self.Y[0]), len(self.W)
        self.Xn, self.Dx = field.clear_rows(self.X)
        self._point()

    def hcol(self, i: int) -> list:
        return [self.H[j][i] for j in range(self.J)]

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
        self.E = [[self.Yhat[k][j] - self.Y[k][j] for j in range(J)] for k in range(K)]
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

"""The symbolic model of Appendix F.1: the loss on one piece, in the paper's coordinates.

Along a fixed direction every sample keeps a fixed side, so near P̄ the loss is
one polynomial in the aligned coordinates (Section 3.1). With ``n_i = ‖w_i‖``,
``Au_ik = ρ(u_i·x_k)`` and ``S_ik = ρ̃_{w_i·x_k}(v_i·x_k)`` (the activations'
slopes on the piece, free symbols; a kink sample is the specialisation
``Au_ik = 0``) and the paper's coordinates ``w_i = (n_i + Δr_i) u_i + Δs_i v_i``,
``h_ji + Δh_ji``:

``L(Δ) = ½ Σ_kj (Σ_i (h_ji + Δh_ji)((n_i + Δr_i) Au_ik + Δs_i S_ik) − y_kj)²``

for |I| = |J| = |K| = 2 (so that ``i₁ ≠ i₂``, ``i₁ = i₂`` and ``j₁ ≠ j₂`` all
occur). The F.1 checks (:mod:`.hessian_f1`, :mod:`.f1_third_order`,
:mod:`.f1_fourth_order`) differentiate it with SymPy and compare every printed
formula with the derivative, literally (``ρ(w_i·x_k) = n_i Au_ik``,
``ρ(u_i·x_k) = Au_ik``, ``ρ̃ = S``, ``e_kj = Σ_i h_ji n_i Au_ik − y_kj``).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import sympy as sp

__all__ = ["I_", "J_", "K_", "Model", "model", "dotl", "is_zero", "name_of", "htilde"]

I_, J_, K_ = 2, 2, 2


@dataclass(frozen=True)
class Model:
    """The symbolic piece polynomial and its ingredients."""

    n: tuple
    Au: tuple
    S: tuple
    h: tuple
    y: tuple
    dh: tuple
    dr: tuple
    ds: tuple
    L: sp.Expr
    vars: tuple
    e: tuple
    eps: sp.Symbol

    def zero(self) -> dict:
        return {v: 0 for v in self.vars}

    def Vh(self, j: int, i: int) -> list:
        """eq. (10): ``(ρ(w_i·x_k))_k``."""
        return [self.n[i] * self.Au[i][k] for k in range(K_)]

    def Vr(self, j: int, i: int, drop_h: bool = False) -> list:
        """eq. (11): ``(h_ji ρ(u_i·x_k))_k``."""
        return [(1 if drop_h else self.h[j][i]) * self.Au[i][k] for k in range(K_)]

    def Vs(self, j: int, i: int, drop_h: bool = False) -> list:
        """eq. (12): ``(h_ji ρ̃(v_i·x_k))_k``."""
        return [(1 if drop_h else self.h[j][i]) * self.S[i][k] for k in range(K_)]

    def Vhr(self, i: int) -> list:
        return [self.Au[i][k] for k in range(K_)]

    def Vhs(self, i: int) -> list:
        return [self.S[i][k] for k in range(K_)]

    def Vmat(self, jp: int, drop_h: bool = False) -> sp.Matrix:
        """``V_{j'}`` (columns ordered as ``vars``: h_ji for all (j, i), r_i, s_i)."""
        cols = []
        for j in range(J_):
            for i in range(I_):
                cols.append(self.Vh(j, i) if j == jp else [0] * K_)
        cols += [self.Vr(jp, i, drop_h) for i in range(I_)]
        cols += [self.Vs(jp, i, drop_h) for i in range(I_)]
        return sp.Matrix(cols).T

    def dvec(self) -> dict:
        """Direction components as a dict name -> symbol."""
        return {**{("h", j, i): self.dh[j][i] for j in range(J_) for i in range(I_)},
                **{("r", i): self.dr[i] for i in range(I_)}, **{("s", i): self.ds[i] for i in range(I_)}}

    def VjD(self, j: int) -> list:
        """``V_j Δ`` (the first-order change of the outputs ŷ_·j)."""
        return [sum(self.dh[j][i] * self.n[i] * self.Au[i][k]
                    + self.h[j][i] * (self.dr[i] * self.Au[i][k] + self.ds[i] * self.S[i][k])
                    for i in range(I_)) for k in range(K_)]

    def Vbar(self, j: int) -> list:
        """``V̄_j = Σ_i Δh_ji (Δr_i V_hr_i + Δs_i V_hs_i)``."""
        return [sum(self.dh[j][i] * (self.dr[i] * self.Au[i][k] + self.ds[i] * self.S[i][k])
                    for i in range(I_)) for k in range(K_)]

    def coeff(self, order: int) -> sp.Expr:
        """Coefficient of ``ε^order`` in ``L(εΔ)``."""
        return _coeffs(self)[order]


def dotl(a: list, b: list) -> sp.Expr:
    """``Σ a_k b_k`` as a SymPy expression."""
    return sum((x * y for x, y in zip(a, b)), sp.Integer(0))


@lru_cache(maxsize=1)
def model() -> Model:
    """Build the |I| = |J| = |K| = 2 piece model (cached)."""
    n = tuple(sp.Symbol(f"n{i}", positive=True) for i in range(I_))
    Au = tuple(tuple(sp.Symbol(f"Au{i}{k}", real=True) for k in range(K_)) for i in range(I_))
    S = tuple(tuple(sp.Symbol(f"S{i}{k}", real=True) for k in range(K_)) for i in range(I_))
    h = tuple(tuple(sp.Symbol(f"h{j}{i}", real=True) for i in range(I_)) for j in range(J_))
    y = tuple(tuple(sp.Symbol(f"y{k}{j}", real=True) for j in range(J_)) for k in range(K_))
    dh = tuple(tuple(sp.Symbol(f"Dh{j}{i}", real=True) for i in range(I_)) for j in range(J_))
    dr = tuple(sp.Symbol(f"Dr{i}", real=True) for i in range(I_))
    ds = tuple(sp.Symbol(f"Ds{i}", real=True) for i in range(I_))
    L = sp.Integer(0)
    for k in range(K_):
        for j in range(J_):
            out = sum((h[j][i] + dh[j][i]) * ((n[i] + dr[i]) * Au[i][k] + ds[i] * S[i][k])
                      for i in range(I_))
            L += (out - y[k][j]) ** 2
    L = sp.expand(L / 2)
    vars_ = tuple([dh[j][i] for j in range(J_) for i in range(I_)] + list(dr) + list(ds))
    e = tuple(tuple(sum(h[j][i] * n[i] * Au[i][k] for i in range(I_)) - y[k][j] for j in range(J_))
              for k in range(K_))
    return Model(n, Au, S, h, y, dh, dr, ds, L, vars_, e, sp.Symbol("epsilon"))


@lru_cache(maxsize=1)
def _coeffs_cached() -> tuple:
    m = model()
    eps = m.eps
    Le = sp.expand(m.L.subs({v: eps * v for v in m.vars}, simultaneous=True))
    return tuple(Le.coeff(eps, o) for o in range(5))


def _coeffs(m: Model) -> tuple:
    return _coeffs_cached()


def is_zero(expr: sp.Expr) -> bool:
    """Is ``expr`` identically 0 (after expansion)?"""
    return sp.expand(expr) == 0


def name_of(m: Model, v: sp.Symbol) -> tuple:
    """The key (``("h", j, i)``, ``("r", i)`` or ``("s", i)``) of a direction symbol."""
    for key, s in m.dvec().items():
        if s == v:
            return key
    raise KeyError(v)


def htilde(m: Model, j: int) -> sp.Matrix:
    """eq. (18)'s ``H̃_j``: ``Σ_k e_kj ρ(u_i·x_k)`` at (h_ji, r_i), ``φ_ji = Σ_k e_kj S_ik`` at (h_ji, s_i)."""
    N = len(m.vars)
    M = sp.zeros(N, N)
    idx = {name_of(m, v): c for c, v in enumerate(m.vars)}
    for i in range(I_):
        a = idx[("h", j, i)]
        for kind, A in (("r", m.Au), ("s", m.S)):
            b = idx[(kind, i)]
            val = sum(m.e[k][j] * A[i][k] for k in range(K_))
            M[a, b] += val
            M[b, a] += val
    return M

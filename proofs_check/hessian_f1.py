"""Appendix F.1: second-, third- and fourth-order terms (eqs. 8–14 and F.1.3).

**Symbolic model.** Along a fixed direction every sample keeps a fixed side,
so near P̄ the loss is one polynomial in the aligned coordinates (Section 3.1).
With ``n_i = ‖w_i‖``, ``Au_ik = ρ(u_i·x_k)`` and ``S_ik = ρ̃_{w_i·x_k}(v_i·x_k)``
(the activations' slopes on the piece, free symbols; a kink sample is the
specialisation ``Au_ik = 0``) and the paper's coordinates
``w_i = (n_i + Δr_i) u_i + Δs_i v_i``, ``h_ji + Δh_ji``:

``L(Δ) = ½ Σ_kj (Σ_i (h_ji + Δh_ji)((n_i + Δr_i) Au_ik + Δs_i S_ik) − y_kj)²``

for |I| = |J| = |K| = 2 (so that ``i₁ ≠ i₂``, ``i₁ = i₂`` and ``j₁ ≠ j₂`` all
occur). SymPy differentiates it, and every printed formula of F.1 is compared
with the derivative, literally (``ρ(w_i·x_k) = n_i Au_ik``, ``ρ(u_i·x_k) =
Au_ik``, ``ρ̃ = S``, ``e_kj = Σ_i h_ji n_i Au_ik − y_kj``), with its printed
combinatorial factors.

**Instances.** At generated type-1 minima (d = 2) the exact loss polynomial
along directions with ``∂_Δ L = 0`` (including the flat rescaling direction
``Δh_i = −h_i, Δr_i = 1``) must have ``c₂ = ½ Σ_j ‖V_jΔ‖²`` (eq. 13),
``c₃ = Σ_j (V_jΔ)·V̄_j`` (F.1.2, so ``V_jΔ = 0`` kills it, eq. 14) and
``c₄ = ½ Σ_j ‖V̄_j‖² ≥ 0`` (F.1.3).
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

import sympy as sp
from hypothesis import strategies as st

from .exact import Net, analyse_2d, dot, fmt, generators_2d, ray_poly, zero_dir
from .examples import final_minimum, i02_final
from .gen import ls_family, teacher_family
from .registry import Check, Method, Outcome, Status, corrected, fails, holds, search

__all__ = ["CHECKS", "Model", "model"]

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


def _dotl(a: list, b: list) -> sp.Expr:
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


def _zero(expr: sp.Expr) -> bool:
    return sp.expand(expr) == 0


def _name(m: Model, v: sp.Symbol) -> tuple:
    for key, s in m.dvec().items():
        if s == v:
            return key
    raise KeyError(v)


# ------------------------------------------------------------------ F.1.1 (second order)
def _printed_first(m: Model, key: tuple) -> sp.Expr:
    e, n, Au, S, h = m.e, m.n, m.Au, m.S, m.h
    if key[0] == "h":
        _, j, i = key
        return sum(e[k][j] * n[i] * Au[i][k] for k in range(K_))
    i = key[1]
    A = Au if key[0] == "r" else S
    return sum(h[j][i] * sum(e[k][j] * A[i][k] for k in range(K_)) for j in range(J_))


def _printed_second(m: Model, a: tuple, b: tuple) -> sp.Expr:
    """F.1.1's six printed second derivatives (symmetrised by argument order)."""
    e, n, Au, S, h = m.e, m.n, m.Au, m.S, m.h
    order = {"s": 0, "r": 1, "h": 2}
    if order[a[0]] > order[b[0]]:
        a, b = b, a
    d = lambda p, q: 1 if p == q else 0  # noqa: E731
    rho_w = lambda i, k: n[i] * Au[i][k]  # noqa: E731
    if a[0] == "h" and b[0] == "h":
        (_, j1, i1), (_, j2, i2) = a, b
        return sum(d(j1, j2) * rho_w(i1, k) * rho_w(i2, k) for k in range(K_))
    if a[0] == "r" and b[0] == "h":
        i1, (_, j, i2) = a[1], b
        return sum(e[k][j] * Au[i1][k] * d(i1, i2) + h[j][i1] * Au[i1][k] * rho_w(i2, k) for k in range(K_))
    if a[0] == "s" and b[0] == "h":
        i1, (_, j, i2) = a[1], b
        return (sum(e[k][j] * S[i1][k] for k in range(K_)) * d(i1, i2)
                + h[j][i1] * sum(S[i1][k] * rho_w(i2, k) for k in range(K_)))
    if a[0] == "r" and b[0] == "r":
        i1, i2 = a[1], b[1]
        return sum(h[j][i1] * h[j][i2] * Au[i1][k] * Au[i2][k] for j in range(J_) for k in range(K_))
    if a[0] == "s" and b[0] == "r":
        i1, i2 = a[1], b[1]
        return sum(h[j][i1] * h[j][i2] * S[i1][k] * Au[i2][k] for j in range(J_) for k in range(K_))
    i1, i2 = a[1], b[1]  # s, s
    return sum(h[j][i1] * h[j][i2] * S[i1][k] * S[i2][k] for j in range(J_) for k in range(K_))


def _Htilde(m: Model, j: int) -> sp.Matrix:
    """eq. (18)'s ``H̃_j``: ``Σ_k e_kj ρ(u_i·x_k)`` at (h_ji, r_i), ``φ_ji = Σ_k e_kj S_ik`` at (h_ji, s_i)."""
    N = len(m.vars)
    M = sp.zeros(N, N)
    idx = {_name(m, v): c for c, v in enumerate(m.vars)}
    for i in range(I_):
        a = idx[("h", j, i)]
        for kind, A in (("r", m.Au), ("s", m.S)):
            b = idx[(kind, i)]
            val = sum(m.e[k][j] * A[i][k] for k in range(K_))
            M[a, b] += val
            M[b, a] += val
    return M


def _symbolic_f11(drop_h: bool) -> tuple[bool, list[str]]:
    m = model()
    z = m.zero()
    lines, ok = [], True
    grad = [sp.diff(m.L, v).subs(z) for v in m.vars]
    bad_first = [_name(m, v) for v, g in zip(m.vars, grad) if not _zero(g - _printed_first(m, _name(m, v)))]
    lines.append(f"first derivatives (F.1.1 recap of eqs. 4-6): {'all equal' if not bad_first else f'differ at {bad_first}'}")
    ok &= not bad_first
    N = len(m.vars)
    Hs = sp.zeros(N, N)
    for a in range(N):
        for b in range(a, N):
            Hs[a, b] = Hs[b, a] = sp.diff(m.L, m.vars[a], m.vars[b]).subs(z)
    idx0 = {_name(m, v): c for c, v in enumerate(m.vars)}
    bad = [(_name(m, m.vars[a]), _name(m, m.vars[b])) for a in range(len(m.vars)) for b in range(len(m.vars))
           if not _zero(Hs[a, b] - _printed_second(m, _name(m, m.vars[a]), _name(m, m.vars[b])))]
    # the first printed line, sum_k (de_kj1/dh_j2i2) rho(w_i.x_k), has an undefined index i
    readings = {}
    for name, pick in (("i := i1", 0), ("i := i2", 1)):
        good = True
        for (j1, i1), (j2, i2) in itertools.product(itertools.product(range(J_), range(I_)), repeat=2):
            ii = (i1, i2)[pick]
            de = [(1 if j1 == j2 else 0) * m.n[i2] * m.Au[i2][k] for k in range(K_)]
            val = sum(de[k] * m.n[ii] * m.Au[ii][k] for k in range(K_))
            a_, b_ = idx0[("h", j1, i1)], idx0[("h", j2, i2)]
            good &= _zero(Hs[a_, b_] - val)
        readings[name] = good
    lines.append(f"first line of d2L/dh dh, sum_k (de_kj1/dh_j2i2) rho(w_i.x_k), the index i undefined: "
                 f"equal with i := i1: {readings['i := i1']}; with i := i2: {readings['i := i2']}")
    ok &= readings["i := i1"] and not readings["i := i2"]
    lines.append("the six printed second derivatives (with rho(w_i.x_k) read as rho(w_{i1}.x_k) and "
                 f"d/dr_2 as d/dr_{{i2}}): {'all 64 entries equal' if not bad else f'differ at {bad[:4]}'}")
    ok &= not bad
    gram = sum((m.Vmat(j, drop_h).T * m.Vmat(j, drop_h) for j in range(J_)), sp.zeros(len(m.vars)))
    ht = sum((_Htilde(m, j) for j in range(J_)), sp.zeros(len(m.vars)))
    diff = (Hs - gram - ht).applyfunc(sp.expand)
    eq13 = diff == sp.zeros(len(m.vars))
    lines.append("Hessian = sum_j V_j^T V_j + sum_j H~_j (eq. 18) as a matrix identity; H~'s entries are "
                 "(1/|w_i|) dL/dh_ji (0 by stationarity) and phi_ji(v_i) = d_ji^v.v_i (0 when "
                 "Delta_s_i > 0 and dL_Delta = 0, no escape neuron): eq. (13) "
                 + ("holds" if eq13 else "FAILS"))
    ok &= eq13
    # eq. (9): the (s_i1, h_ji2) entry minus its Gram part is the first-order term 1{i1=i2} phi_ji1
    idx = {_name(m, v): c for c, v in enumerate(m.vars)}
    e9 = all(_zero(Hs[idx[("s", i1)], idx[("h", j, i2)]]
                   - m.h[j][i1] * _dotl(m.Vhs(i1), m.Vh(j, i2))
                   - (sum(m.e[k][j] * m.S[i1][k] for k in range(K_)) if i1 == i2 else 0))
             for i1 in range(I_) for i2 in range(I_) for j in range(J_))
    lines.append(f"eq. (9): d2L/ds_i1 dh_ji2 = 1{{i1=i2}} phi_ji1 + h_ji1 V_hs_i1.V_h_ji2: {e9}")
    ok &= e9
    return ok, lines


def _instances_f11(n: int, order: int, mutate: bool = False) -> tuple[str | None, int, dict]:
    """Exact coefficient identities at generated type-1 minima (see module docstring)."""
    def prop(net: Net, stats: dict) -> str | None:
        a = analyse_2d(net)
        if not a.type1:
            return None
        stats["type-1 minima"] = stats.get("type-1 minima", 0) + 1
        for D in _flat_first_order_directions(net):
            dW, dH, vs, ds = D
            rp = ray_poly(net, dW, dH)
            c = rp.coeffs
            A = [list(net.A[i]) for i in range(net.I)]
            S = [[net.slope(net.side(i, k, vs[i])) * dot(vs[i], net.X[k]) if vs[i] else Fraction(0)
                  for k in range(net.K)] for i in range(net.I)]
            dr = D_dr(net, dW, ds, vs)
            VjD = [[sum(dH[j][i] * A[i][k] + net.H[j][i] * (dr[i] * A[i][k] + ds[i] * S[i][k])
                        for i in range(net.I)) for k in range(net.K)] for j in range(net.J)]
            Vb = [[sum(dH[j][i] * (dr[i] * A[i][k] + ds[i] * S[i][k]) for i in range(net.I))
                   for k in range(net.K)] for j in range(net.J)]
            sgn = -1 if mutate else 1
            pred = {1: Fraction(0),
                    2: sum(dot(v, v) for v in VjD) / 2,
                    3: sgn * sum(dot(u, v) for u, v in zip(VjD, Vb)),
                    4: sum(dot(v, v) for v in Vb) / 2}
            stats["directions"] = stats.get("directions", 0) + 1
            if c[1] != 0:
                return f"first-order flat direction has c1 = {c[1]} at {net}"
            if c[order] != pred[order]:
                return (f"c{order} = {c[order]} but the F.1 formula gives {pred[order]} "
                        f"(direction dW = {fmt(dW)}, dH = {fmt(dH)}) at {net}")
            if order == 3 and all(v == 0 for row in VjD for v in row):
                stats["V_j D = 0 (eq. 14 exercised)"] = stats.get("V_j D = 0 (eq. 14 exercised)", 0) + 1
                if c[3] != 0:
                    return f"V_j D = 0 but c3 = {c[3]} at {net}"
            if order == 4 and c[4] < 0:
                return f"c4 = {c[4]} < 0 at {net}"
        return None
    fam = st.one_of(ls_family(modes=("type1",)), teacher_family(zero=(0,)))
    res = search(fam, prop, n, shrink=not mutate, explicit=[final_minimum(), i02_final()])
    return res.message, res.count, res.stats


def D_dr(net: Net, dW: list, ds: list, vs: list) -> list[Fraction]:
    """Recover ``Δr_i`` from ``Δw_i = Δr_i w_i + Δs_i v_i``."""
    out = []
    for i in range(net.I):
        if net.is_zero_neuron(i):
            out.append(Fraction(0))
            continue
        rem = [dW[i][a] - (ds[i] * vs[i][a] if vs[i] else 0) for a in range(net.d)]
        c = next(a for a in range(net.d) if net.W[i][a] != 0)
        out.append(rem[c] / net.W[i][c])
    return out


def _flat_first_order_directions(net: Net) -> list[tuple]:
    """Directions with ``∂_Δ L = 0``: generic Δh, Δr; Δs_i > 0 only along generators
    with ``F_i = 0``; plus the rescaling direction of each nonzero neuron."""
    import random

    from .common import seed_of

    rng = random.Random(seed_of(net))
    dirs = []
    for rep in range(3):
        dW, dH = zero_dir(net)
        vs: list = [None] * net.I
        ds = [Fraction(0)] * net.I
        for i in range(net.I):
            gens = [g for g in generators_2d(net, i) if net.F(i, g) == 0]
            dr = Fraction(rng.randint(-4, 4), 2) if not net.is_zero_neuron(i) else Fraction(0)
            if gens and rng.random() < 0.8:
                vs[i] = gens[rng.randrange(len(gens))]
                ds[i] = Fraction(rng.randint(1, 4), 2)
            dW[i] = [dr * net.W[i][a] + (ds[i] * vs[i][a] if vs[i] else 0) for a in range(net.d)]
            for j in range(net.J):
                dH[j][i] = Fraction(rng.randint(-4, 4), 2)
        dirs.append((dW, dH, vs, ds))
    for i in range(net.I):
        if not net.is_zero_neuron(i):
            dW, dH = zero_dir(net)
            dW[i] = list(net.W[i])
            for j in range(net.J):
                dH[j][i] = -net.H[j][i]
            dirs.append((dW, dH, [None] * net.I, [Fraction(0)] * net.I))
    return dirs


def run_f11(n: int) -> Outcome:
    ok, lines = _symbolic_f11(False)
    if not ok:
        return fails("F.1.1 identity does not hold", details=lines)
    msg, count, stats = _instances_f11(n, 2)
    if msg:
        return fails("eq. (13) contradicted at an instance", msg, lines, instances=count)
    if not stats.get("directions"):
        return fails("vacuous: no type-1 minimum generated", instances=count)
    lines.append(f"instances: c2 = 1/2 sum_j |V_j D|^2 along {stats['directions']} first-order-flat "
                 f"directions at {stats['type-1 minima']} type-1 minima")
    return corrected("Hessian = sum_j V_j^T V_j + H~ (symbolic); eq. (13) holds on directions with "
                     "dL_Delta = 0; the printed second derivatives are right up to two index typos",
                     lines, instances=count, errata=("E-F11",))


def broken_f11(n: int) -> Outcome:
    ok, lines = _symbolic_f11(True)
    if ok:
        return holds("broken variant not detected", lines)
    return fails("with h_ji dropped from V_s and V_r the Gram identity (13) fails", details=lines)


# ------------------------------------------------------------------ F.1.2 (third order)
def _printed_third(m: Model, a: tuple, b: tuple, c: tuple) -> sp.Expr | None:
    """The six printed third derivatives for (h_ji1, r_i1|s_i1, x_i2); None if not one of them."""
    d = lambda p, q: 1 if p == q else 0  # noqa: E731
    if a[0] != "h" or b[0] not in "rs" or b[1] != a[2]:
        return None
    j, i1 = a[1], a[2]
    first = m.Vhr(i1) if b[0] == "r" else m.Vhs(i1)
    if c[0] == "h":
        if c[1] != j:
            return None
        i2 = c[2]
        other = m.Vh(j, i2)
    else:
        i2 = c[1]
        other = m.Vr(j, i2) if c[0] == "r" else m.Vs(j, i2)
    return (1 + d(i1, i2)) * _dotl(first, other)


def _third_forms(m: Model, sgn_s: int = 1) -> dict[str, sp.Expr]:
    """The printed expressions for ``∂³_Δ L`` and the corrected last line."""
    dh, dr, ds = m.dh, m.dr, m.ds

    def inner(j: int, i2: int) -> list:
        return [dh[j][i2] * m.Vh(j, i2)[k] + dr[i2] * m.Vr(j, i2)[k] + ds[i2] * m.Vs(j, i2)[k]
                for k in range(K_)]

    form1 = sp.Integer(0)
    for j in range(J_):
        for i1, i2 in itertools.product(range(I_), repeat=2):
            fac = 6 if i1 != i2 else 2 * 3
            form1 += fac * dh[j][i1] * dr[i1] * _dotl(m.Vhr(i1), inner(j, i2))
            form1 += sgn_s * fac * dh[j][i1] * ds[i1] * _dotl(m.Vhs(i1), inner(j, i2))
    final_printed = sum(6 * dh[j][i1] * _dotl([dr[i1] * a + ds[i1] * s for a, s in zip(m.Vhr(i1), m.Vhs(i1))], m.VjD(j))
                        for j in range(J_) for i1 in range(I_) for _ in range(I_))
    final_fixed = sum(6 * dh[j][i1] * _dotl([dr[i1] * a + ds[i1] * s for a, s in zip(m.Vhr(i1), m.Vhs(i1))], m.VjD(j))
                      for j in range(J_) for i1 in range(I_))
    return {"first display": form1, "last line (printed, sum over i1, i2)": final_printed,
            "last line corrected (sum over i1 only) = 6 sum_j V_bar_j . V_j D": final_fixed}


def _symbolic_f12(sgn_s: int = 1) -> tuple[dict, list[str], bool]:
    m = model()
    z = m.zero()
    c3 = m.coeff(3)
    lines = []
    forms = _third_forms(m, sgn_s)
    res = {name: _zero(6 * c3 - f) for name, f in forms.items()}
    ratio = sp.simplify(forms["last line (printed, sum over i1, i2)"] / forms["last line corrected (sum over i1 only) = 6 sum_j V_bar_j . V_j D"])
    for name, ok in res.items():
        lines.append(f"3! c3 == {name}: {ok}")
    lines.append(f"printed last line / corrected = {ratio} = |I| (the sum over i2 repeats a term that "
                 "does not depend on i2)")
    # third partials: the six printed ones, and only those types nonzero
    bad, types_ok = [], True
    for combo in itertools.combinations_with_replacement(m.vars, 3):
        val = sp.diff(m.L, *combo).subs(z)
        names = [_name(m, v) for v in combo]
        for na, nb, nc in set(itertools.permutations(names)):
            pr = _printed_third(m, na, nb, nc)
            if pr is not None and not _zero(val - pr):
                bad.append((na, nb, nc))
        pairs = any(p[0] == "h" and q[0] in "rs" and q[1] == p[2] for p in names for q in names)
        if not _zero(val) and not pairs:
            types_ok = False
    lines.append(f"the six printed third partial derivatives ((1 + 1{{i1=i2}}) V.V): "
                 f"{'all equal' if not bad else f'differ at {bad[:3]}'}; only the six types are nonzero: {types_ok}")
    ok = (res["first display"] and res["last line corrected (sum over i1 only) = 6 sum_j V_bar_j . V_j D"]
          and not bad and types_ok)
    # eq. (14): V_j D = 0 for all j kills c3 (c3 = sum_j V_bar_j . V_j D identically)
    ident = _zero(c3 - sum(_dotl(m.Vbar(j), m.VjD(j)) for j in range(J_)))
    lines.append(f"c3 = sum_j V_bar_j . (V_j D) identically, so V_j D = 0 (eq. 14) gives c3 = 0: {ident}")
    ok = ok and ident
    return res, lines, ok


def run_f12(n: int) -> Outcome:
    res, lines, ok = _symbolic_f12()
    if not ok:
        return fails("F.1.2's derivation does not hold even corrected", details=lines)
    msg, count, stats = _instances_f11(n, 3)
    if msg:
        return fails("F.1.2 contradicted at an instance", msg, lines, instances=count)
    lines.append(f"instances: c3 = sum_j (V_j D).V_bar_j along {stats.get('directions', 0)} directions; "
                 f"{stats.get('V_j D = 0 (eq. 14 exercised)', 0)} of them with V_j D = 0 and c3 = 0")
    if res["last line (printed, sum over i1, i2)"]:
        return holds("third-order term = 6 sum_j V_bar_j.(V_j D); vanishes when V_j D = 0", lines,
                     instances=count)
    return corrected("the third-order term vanishes when V_j D = 0 (eq. 14); the printed last line "
                     "sums over i1, i2 and is |I| times too large: 6 sum_j sum_{i1} ... is correct",
                     lines, instances=count, errata=("E-F12",))


def broken_f12(n: int) -> Outcome:
    res, lines, ok = _symbolic_f12(sgn_s=-1)
    if not res["first display"]:
        return fails("with the sign of the s-sum flipped the first display no longer equals 3! c3",
                     details=lines)
    return holds("broken variant not detected", lines)


# ------------------------------------------------------------------ F.1.3 (fourth order)
def _fourth_forms(m: Model, fix_s: bool, ordered_half: bool, coef: sp.Expr = sp.Rational(24, 2)) -> dict:
    dh, dr, ds = m.dh, m.dr, m.ds
    f = sp.factorial(4)
    rr, ss, rs = sp.Integer(0), sp.Integer(0), sp.Integer(0)
    for j in range(J_):
        for i1, i2 in itertools.product(range(I_), repeat=2):
            if i1 != i2:
                off = f / 2 if ordered_half else f
                rr += off * dh[j][i1] * dr[i1] * dh[j][i2] * dr[i2] * _dotl(m.Vhr(i1), m.Vhr(i2))
                ss += off * dh[j][i1] * ds[i1] * dh[j][i2] * ds[i2] * _dotl(m.Vhs(i1), m.Vhs(i2))
                rs += f * dh[j][i1] * dr[i1] * dh[j][i2] * ds[i2] * _dotl(m.Vhr(i1), m.Vhs(i2))
        for i1 in range(I_):
            rr += 2 * f / (2 * 2) * dh[j][i1] ** 2 * dr[i1] ** 2 * _dotl(m.Vhr(i1), m.Vhr(i1))
            sq = ds[i1] ** 2 if fix_s else dr[i1] ** 2
            ss += 2 * f / (2 * 2) * dh[j][i1] ** 2 * sq * _dotl(m.Vhs(i1), m.Vhs(i1))
            rs += 2 * f / 2 * dh[j][i1] ** 2 * dr[i1] * ds[i1] * _dotl(m.Vhr(i1), m.Vhs(i1))
    second = sum(coef * (dh[j][i1] * dr[i1] * dh[j][i2] * dr[i2] * _dotl(m.Vhr(i1), m.Vhr(i2))
                         + dh[j][i1] * ds[i1] * dh[j][i2] * ds[i2] * _dotl(m.Vhs(i1), m.Vhs(i2))
                         + 2 * dh[j][i1] * dr[i1] * dh[j][i2] * ds[i2] * _dotl(m.Vhr(i1), m.Vhs(i2)))
                 for j in range(J_) for i1, i2 in itertools.product(range(I_), repeat=2))
    last = sum(coef * _dotl(m.Vbar(j), m.Vbar(j)) for j in range(J_))
    return {"first": rr + ss + rs, "second": second, "last": last}


def _symbolic_f13(coef: sp.Expr = sp.Rational(24, 2)) -> tuple[dict, list[str], bool]:
    m = model()
    z = m.zero()
    t4 = 24 * m.coeff(4)
    lit = _fourth_forms(m, False, False, coef)
    fix_s = _fourth_forms(m, True, False, coef)
    fix_both = _fourth_forms(m, True, True, coef)
    res = {
        "first display as printed": _zero(t4 - lit["first"]),
        "first display with Delta_s^2 in the second sum": _zero(t4 - fix_s["first"]),
        "first display with Delta_s^2 and 4!/2 on the ordered i1 != i2 rr and ss terms": _zero(t4 - fix_both["first"]),
        "second display (4!/2) sum (rr + ss + 2 rs)": _zero(t4 - lit["second"]),
        "last line (4!/2) sum_j V_bar_j^T V_bar_j": _zero(t4 - lit["last"]),
    }
    lines = [f"4! c4 == {k}: {v}" for k, v in res.items()]
    # fourth partials: three types, printed values
    bad, others = [], True
    for combo in itertools.combinations_with_replacement(range(len(m.vars)), 4):
        vs = [m.vars[c] for c in combo]
        val = sp.diff(m.L, *vs).subs(z)
        names = [_name(m, v) for v in vs]
        hs = [x for x in names if x[0] == "h"]
        ws = [x for x in names if x[0] != "h"]
        if len(hs) == 2 and len(ws) == 2 and hs[0][1] == hs[1][1]:
            # pair each h with a w of the same neuron (as in the printed types)
            for perm in ((0, 1), (1, 0)):
                (h1, h2), (w1, w2) = hs, (ws[perm[0]], ws[perm[1]])
                if h1[2] == w1[1] and h2[2] == w2[1]:
                    i1, i2 = h1[2], h2[2]
                    V1 = m.Vhr(i1) if w1[0] == "r" else m.Vhs(i1)
                    V2 = m.Vhr(i2) if w2[0] == "r" else m.Vhs(i2)
                    mult = 1 + (1 if i1 == i2 else 0)
                    if not _zero(val - mult * _dotl(V1, V2)):
                        bad.append(names)
                    break
            else:
                if not _zero(val):
                    others = False
        elif not _zero(val):
            others = False
    lines.append(f"printed fourth partials (1 + 1{{i1=i2}}) V_h?.V_h?: {'all equal' if not bad else f'differ at {bad[:2]}'}; "
                 f"all other fourth partials vanish: {others}")
    lines.append("the last sentence concludes 'd_Delta L >= 0' where d^4_Delta L >= 0 is meant")
    ok = (res["last line (4!/2) sum_j V_bar_j^T V_bar_j"] and res["second display (4!/2) sum (rr + ss + 2 rs)"]
          and res["first display with Delta_s^2 and 4!/2 on the ordered i1 != i2 rr and ss terms"]
          and not bad and others)
    return res, lines, ok


def run_f13(n: int) -> Outcome:
    res, lines, ok = _symbolic_f13()
    if not ok:
        return fails("F.1.3's result does not hold", details=lines)
    msg, count, stats = _instances_f11(n, 4)
    if msg:
        return fails("F.1.3 contradicted at an instance", msg, lines, instances=count)
    lines.append(f"instances: c4 = 1/2 sum_j |V_bar_j|^2 >= 0 along {stats.get('directions', 0)} directions")
    if res["first display as printed"]:
        return holds("fourth-order term = (4!/2) sum_j |V_bar_j|^2 >= 0", lines, instances=count)
    return corrected("the fourth-order term is (4!/2) sum_j |V_bar_j|^2 >= 0; the first display has "
                     "Delta_r^2 for Delta_s^2 and double-counts the i1 != i2 rr and ss terms; the "
                     "conclusion should read d^4_Delta L >= 0", lines, instances=count,
                     errata=("E-F13a", "E-F13b", "E-F13c"))


def broken_f13(n: int) -> Outcome:
    res, lines, ok = _symbolic_f13(coef=sp.factorial(4))
    if not res["last line (4!/2) sum_j V_bar_j^T V_bar_j"]:
        return fails("with 4! in place of 4!/2 the last line no longer equals 4! c4", details=lines)
    return holds("broken variant not detected", lines)


CHECKS = (
    Check("F.1.1", "Appendix F.1.1: Hessian = sum_j V_j^T V_j (eqs. 8-13)", Method.SYMBOLIC, run_f11,
          broken_f11, "h_ji dropped from V_r and V_s (eqs. 11-12)", Status.CORRECTED),
    Check("F.1.2", "Appendix F.1.2: third-order term vanishes when V_j D = 0 (eq. 14)",
          Method.SYMBOLIC, run_f12, broken_f12, "sign of the s-sum flipped", Status.CORRECTED),
    Check("F.1.3", "Appendix F.1.3: fourth-order term = (4!/2) sum_j |V_bar_j|^2", Method.SYMBOLIC,
          run_f13, broken_f13, "4! in place of 4!/2", Status.CORRECTED),
)

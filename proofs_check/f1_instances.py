"""Appendix F.1 at generated type-1 minima: the coefficient identities, exactly.

At generated type-1 minima (d = 2) the exact loss polynomial along directions
with ``∂_Δ L = 0`` (including the flat rescaling direction ``Δh_i = −h_i,
Δr_i = 1``) must have ``c₂ = ½ Σ_j ‖V_jΔ‖²`` (eq. 13), ``c₃ = Σ_j (V_jΔ)·V̄_j``
(F.1.2, so ``V_jΔ = 0`` kills it, eq. 14) and ``c₄ = ½ Σ_j ‖V̄_j‖² ≥ 0``
(F.1.3). Shared by the three F.1 checks.
"""
from __future__ import annotations

import random
from fractions import Fraction

from . import sampling as st
from .analysis2d import analyse_2d, generators_2d
from .common import seed_of
from .examples import final_minimum, i02_final
from .gen import ls_family, teacher_family
from .net import Net, dot, fmt, zero_dir
from .raypoly import ray_poly
from .registry import search

__all__ = ["coefficient_identity", "D_dr", "flat_first_order_directions"]


def coefficient_identity(n: int, order: int, mutate: bool = False) -> tuple[str | None, int, dict]:
    """Exact coefficient identities at generated type-1 minima (see module docstring)."""
    def prop(net: Net, stats: dict) -> str | None:
        a = analyse_2d(net)
        if not a.type1:
            return None
        stats["type-1 minima"] = stats.get("type-1 minima", 0) + 1
        for D in flat_first_order_directions(net):
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


def flat_first_order_directions(net: Net) -> list[tuple]:
    """Directions with ``∂_Δ L = 0``: generic Δh, Δr; Δs_i > 0 only along generators
    with ``F_i = 0``; plus the rescaling direction of each nonzero neuron."""
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

"""Appendix F.1.1: the Hessian (eqs. 8–13), symbolically and at generated minima.

The symbolic model is :mod:`.f1_model` (the loss on one piece, |I| = |J| =
|K| = 2); SymPy's first and second derivatives are compared with F.1.1's
printed ones and with the Gram decomposition ``Hessian = Σ_j V_jᵀV_j + Σ_j H̃_j``
(eq. 18, hence eq. 13 where ``H̃`` vanishes). The instance part is
:mod:`.f1_instances` (``c₂ = ½ Σ_j ‖V_jΔ‖²``). The third and fourth orders are
:mod:`.f1_third_order` and :mod:`.f1_fourth_order`.
"""
from __future__ import annotations

import itertools

import sympy as sp

from .f1_instances import coefficient_identity
from .f1_model import I_, J_, K_, Model, dotl, htilde, is_zero, model, name_of
from .registry import Check, Method, Outcome, Status, corrected, fails, holds

__all__ = ["CHECKS"]


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



def _symbolic_f11(drop_h: bool) -> tuple[bool, list[str]]:
    m = model()
    z = m.zero()
    lines, ok = [], True
    grad = [sp.diff(m.L, v).subs(z) for v in m.vars]
    bad_first = [name_of(m, v) for v, g in zip(m.vars, grad) if not is_zero(g - _printed_first(m, name_of(m, v)))]
    lines.append(f"first derivatives (F.1.1 recap of eqs. 4-6): {'all equal' if not bad_first else f'differ at {bad_first}'}")
    ok &= not bad_first
    N = len(m.vars)
    Hs = sp.zeros(N, N)
    for a in range(N):
        for b in range(a, N):
            Hs[a, b] = Hs[b, a] = sp.diff(m.L, m.vars[a], m.vars[b]).subs(z)
    idx0 = {name_of(m, v): c for c, v in enumerate(m.vars)}
    bad = [(name_of(m, m.vars[a]), name_of(m, m.vars[b])) for a in range(len(m.vars)) for b in range(len(m.vars))
           if not is_zero(Hs[a, b] - _printed_second(m, name_of(m, m.vars[a]), name_of(m, m.vars[b])))]
    # the first printed line, sum_k (de_kj1/dh_j2i2) rho(w_i.x_k), has an undefined index i
    readings = {}
    for name, pick in (("i := i1", 0), ("i := i2", 1)):
        good = True
        for (j1, i1), (j2, i2) in itertools.product(itertools.product(range(J_), range(I_)), repeat=2):
            ii = (i1, i2)[pick]
            de = [(1 if j1 == j2 else 0) * m.n[i2] * m.Au[i2][k] for k in range(K_)]
            val = sum(de[k] * m.n[ii] * m.Au[ii][k] for k in range(K_))
            a_, b_ = idx0[("h", j1, i1)], idx0[("h", j2, i2)]
            good &= is_zero(Hs[a_, b_] - val)
        readings[name] = good
    lines.append(f"first line of d2L/dh dh, sum_k (de_kj1/dh_j2i2) rho(w_i.x_k), the index i undefined: "
                 f"equal with i := i1: {readings['i := i1']}; with i := i2: {readings['i := i2']}")
    ok &= readings["i := i1"] and not readings["i := i2"]
    lines.append("the six printed second derivatives (with rho(w_i.x_k) read as rho(w_{i1}.x_k) and "
                 f"d/dr_2 as d/dr_{{i2}}): {'all 64 entries equal' if not bad else f'differ at {bad[:4]}'}")
    ok &= not bad
    gram = sum((m.Vmat(j, drop_h).T * m.Vmat(j, drop_h) for j in range(J_)), sp.zeros(len(m.vars)))
    ht = sum((htilde(m, j) for j in range(J_)), sp.zeros(len(m.vars)))
    diff = (Hs - gram - ht).applyfunc(sp.expand)
    eq13 = diff == sp.zeros(len(m.vars))
    lines.append("Hessian = sum_j V_j^T V_j + sum_j H~_j (eq. 18) as a matrix identity; H~'s entries are "
                 "(1/|w_i|) dL/dh_ji (0 by stationarity) and phi_ji(v_i) = d_ji^v.v_i (0 when "
                 "Delta_s_i > 0 and dL_Delta = 0, no escape neuron): eq. (13) "
                 + ("holds" if eq13 else "FAILS"))
    ok &= eq13
    # eq. (9): the (s_i1, h_ji2) entry minus its Gram part is the first-order term 1{i1=i2} phi_ji1
    idx = {name_of(m, v): c for c, v in enumerate(m.vars)}
    e9 = all(is_zero(Hs[idx[("s", i1)], idx[("h", j, i2)]]
                   - m.h[j][i1] * dotl(m.Vhs(i1), m.Vh(j, i2))
                   - (sum(m.e[k][j] * m.S[i1][k] for k in range(K_)) if i1 == i2 else 0))
             for i1 in range(I_) for i2 in range(I_) for j in range(J_))
    lines.append(f"eq. (9): d2L/ds_i1 dh_ji2 = 1{{i1=i2}} phi_ji1 + h_ji1 V_hs_i1.V_h_ji2: {e9}")
    ok &= e9
    return ok, lines


def run_f11(n: int) -> Outcome:
    ok, lines = _symbolic_f11(False)
    if not ok:
        return fails("F.1.1 identity does not hold", details=lines)
    msg, count, stats = coefficient_identity(n, 2)
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



CHECKS = (
    Check("F.1.1", "Appendix F.1.1: Hessian = sum_j V_j^T V_j (eqs. 8-13)", Method.SYMBOLIC, run_f11,
          broken_f11, "h_ji dropped from V_r and V_s (eqs. 11-12)", Status.CORRECTED),
)

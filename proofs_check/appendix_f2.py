"""Appendix F.2 (eqs. 15–17) and the F.2.1 claim about eq. (18).

* **F.2**: at generated |J| = 1 stationary points with an escape neuron
  (Definition 4.1 decided independently), the perturbation
  ``Δh = −sgn(φ) a, Δs = b`` with ``b`` from eq. (17) is applied exactly:
  ``T₁`` (eq. 15) is the linear coefficient (must be 0); the printed
  ``T₂ = ‖V_h‖² a² − 2|φ| a b`` (eq. 16d) is compared with the exact second-order
  coefficient ``c₂`` of the loss along the path. They differ by a factor 2:
  (16a) omits the ``½`` of the Taylor term (it is ``Δᵀ∇²LΔ``); the sign, hence
  eq. (17) and the conclusion, are unaffected. The corrected ``T₂/2 = c₂ < 0``.
* **F.2.1**: "``H_L^j = H̃_j + V_jᵀV_j`` is not positive semi-definite as long as
  ``H̃_j ≠ 0``". Symbolically (model of :mod:`f1_model`): for ``w_i ≠ 0`` the
  columns ``V_{h_ji}`` and ``V^j_{r_i}`` are parallel, so ``z = h_ji e_{h_ji} −
  ‖w_i‖ e_{r_i}`` has ``V_j z = 0``, ``zᵀH^j z = −2 h_ji ∂L/∂h_ji = 0`` at a
  stationary point, but ``(H^j z)_{s_i} = h_ji φ_ji``; if ``h_ji = 0`` (or
  ``w_i = 0``, where ``V_{h_ji} = 0``) the ``(h_ji, s_i)`` minor has determinant
  ``−φ_ji²``. Either way ``φ_ji ≠ 0`` forbids PSD. Instances: the exact matrix is
  built at stationary points with escape neurons (|J| ∈ {1, 2}, including
  escape neurons with ``h ≠ 0``) and an exact LDLᵀ test must find it not PSD.
"""
from __future__ import annotations

from fractions import Fraction
from typing import Any

import sympy as sp

from .analysis2d import analyse_2d, generators_2d
from .common import f2_path
from .examples import explicit_stationary
from .f1_model import K_, htilde, model
from .gen import stationary_family
from .net import Net, dot
from .raypoly import strict_move
from .registry import Check, Method, Outcome, Status, corrected, fails, holds, search

__all__ = ["CHECKS", "is_psd", "hessian_blocks"]


# ------------------------------------------------------------------ F.2 (eqs. 15-17)
def _prop_f2(h_sign: int) -> Any:
    def prop(net: Net, stats: dict) -> str | None:
        if net.J != 1:
            return None
        a = analyse_2d(net)
        if not a.stationary or not a.escape:
            return None
        i = a.escape[0]
        _, v, phi = a.witness[i]
        p = f2_path(net, i, v, phi, h_sign=h_sign)
        c = p.rp.coeffs
        stats["saddles"] = stats.get("saddles", 0) + 1
        if c[1] != 0:
            return f"T1 (eq. 15) = c1 = {c[1]} != 0 at {net}"
        if p.printed_T2 != c[2]:
            stats["printed T2 = 2 c2 (not c2)"] = stats.get("printed T2 = 2 c2 (not c2)", 0) + 1
        if p.printed_T2 / 2 != c[2] and h_sign == -1:
            return f"corrected T2/2 = {p.printed_T2 / 2} != c2 = {c[2]} at {net}"
        if not c[2] < 0:
            return f"c2 = {c[2]} >= 0 along the eq. (17) path (b = {p.b}) at {net}"
        if strict_move(net, p.rp, -1) is None:
            return f"no strict decrease on the eq. (17) path at {net}"
        return None
    return prop


def run_f2(n: int) -> Outcome:
    res = search(stationary_family(J_values=(1,)), _prop_f2(-1), n,
                 explicit=explicit_stationary(J1_only=True))
    if res.counterexample is not None:
        return fails("Appendix F.2 path does not decrease the loss", res.message, instances=res.count)
    s = res.stats
    if not s.get("saddles"):
        return fails("vacuous", instances=res.count)
    details = ["; ".join(f"{k}: {v}" for k, v in sorted(s.items())),
               "T1 = 0 (eq. 15); printed T2 = |V_h|^2 a^2 - 2|phi| a b equals the second directional "
               "derivative 2 c2, i.e. (16a) lacks the factor 1/2 of the Taylor term; with b from "
               "(17) c2 = T2/2 < 0 and the loss drops strictly (exact witness point)",
               "eqs. (16b)-(17) write d^V_{j0 i} for d^{v_i}_{j0 i} (notation)"]
    if s.get("printed T2 = 2 c2 (not c2)"):
        return corrected("eq. (17)'s path is a strict second-order descent; (16a) is the second "
                         "directional derivative, twice the Taylor term T2", details,
                         instances=res.count, errata=("E-F2a", "E-F2b"))
    return holds("eqs. (15)-(17) reproduced", details, instances=res.count)


def broken_f2(n: int) -> Outcome:
    res = search(stationary_family(J_values=(1,)), _prop_f2(+1), n, shrink=False,
                 explicit=explicit_stationary(J1_only=True))
    if res.counterexample is not None:
        return fails("with dh = +sgn(phi) a the path does not decrease", res.message, instances=res.count)
    return holds("broken variant not detected", instances=res.count)


# ------------------------------------------------------------------ F.2.1 (eq. 18)
def is_psd(M: list[list[Fraction]]) -> bool:
    """Exact positive semi-definiteness of a symmetric rational matrix (pivoted LDLᵀ)."""
    A = [row[:] for row in M]
    n = len(A)
    alive = list(range(n))
    while alive:
        if any(A[i][i] < 0 for i in alive):
            return False
        piv = next((i for i in alive if A[i][i] > 0), None)
        if piv is None:
            return all(A[i][j] == 0 for i in alive for j in alive)
        alive.remove(piv)
        for i in alive:
            f = A[i][piv] / A[piv][piv]
            for j in alive:
                A[i][j] -= f * A[piv][j]
    return True


def hessian_blocks(net: Net, vs: list, drop_tilde: bool = False) -> list[list[list[Fraction]]]:
    """``H_L^j = H̃_j + V_jᵀV_j`` (eq. 18) in the scaled coordinates (Δh, Δr·w, Δs·v)."""
    I, J, K = net.I, net.J, net.K  # noqa: E741
    S = [[net.slope(net.side(i, k, vs[i])) * dot(vs[i], net.X[k]) for k in range(K)] for i in range(I)]
    blocks = []
    for j in range(J):
        cols = []
        for jj in range(J):
            for i in range(I):
                cols.append([net.A[i][k] if jj == j else Fraction(0) for k in range(K)])
        cols += [[net.H[j][i] * net.A[i][k] for k in range(K)] for i in range(I)]
        cols += [[net.H[j][i] * S[i][k] for k in range(K)] for i in range(I)]
        N = len(cols)
        M = [[dot(cols[a], cols[b]) for b in range(N)] for a in range(N)]
        if not drop_tilde:
            for i in range(I):
                hi = j * I + i
                for off, val in ((J * I + i, sum(net.E[k][j] * net.A[i][k] for k in range(K))),
                                 (J * I + I + i, sum(net.E[k][j] * S[i][k] for k in range(K)))):
                    M[hi][off] += val
                    M[off][hi] += val
        blocks.append(M)
    return blocks


def _symbolic_f21() -> tuple[bool, list[str]]:
    m = model()
    ok, lines = True, []
    for i in range(2):
        for j in range(2):
            Vj = m.Vmat(j)
            hidx = j * 2 + i
            ridx = 4 + i
            z = sp.zeros(len(m.vars), 1)
            z[hidx], z[ridx] = m.h[j][i], -m.n[i]
            null = (Vj * z).applyfunc(sp.expand) == sp.zeros(K_, 1)
            phi = sum(m.e[k][j] * m.S[i][k] for k in range(K_))
            dLdh = sum(m.e[k][j] * m.n[i] * m.Au[i][k] for k in range(K_))
            Ht = htilde(m, j)
            Hz = Ht * z
            zHz = sp.expand((z.T * Ht * z)[0, 0] + 2 * m.h[j][i] * dLdh)
            comp = sp.expand(Hz[6 + i] - m.h[j][i] * phi)
            minor = sp.expand((Vj.T * Vj + Ht)[hidx, hidx] * (Vj.T * Vj + Ht)[6 + i, 6 + i]
                              - ((Vj.T * Vj + Ht)[hidx, 6 + i]) ** 2)
            minor0 = sp.expand(minor.subs(m.h[j][i], 0) + phi.subs(m.h[j][i], 0) ** 2)
            good = null and zHz == 0 and comp == 0 and minor0 == 0
            ok &= good
    lines.append("V_j (h_ji e_h - |w_i| e_r) = 0; z^T H^j z = -2 h_ji dL/dh_ji (= 0 when stationary); "
                 "(H^j z)_{s_i} = h_ji phi_ji; with h_ji = 0 the (h_ji, s_i) minor is -phi_ji^2: "
                 + ("all verified symbolically" if ok else "NOT verified"))
    lines.append("hence phi_ji != 0 (H~_j != 0 at a stationary point) forbids H^j >= 0: if h_ji != 0, "
                 "z^T H z = 0 with H z != 0; if h_ji = 0 (or w_i = 0, V_h = 0) a 2x2 minor is negative")
    return ok, lines


def _prop_f21(drop_tilde: bool) -> Any:
    def prop(net: Net, stats: dict) -> str | None:
        a = analyse_2d(net)
        if not a.stationary or not a.escape:
            return None
        vs = []
        for i in range(net.I):
            vs.append(a.witness[i][1] if i in a.witness else generators_2d(net, i)[0])
        for j, M in enumerate(hessian_blocks(net, vs, drop_tilde)):
            tilde = any(net.phi(j, i, vs[i]) != 0 for i in range(net.I))
            if not tilde:
                continue
            stats["blocks with H~_j != 0"] = stats.get("blocks with H~_j != 0", 0) + 1
            if any(net.H[j][i] != 0 and i in a.escape for i in range(net.I)):
                stats["... at escape neurons with h != 0"] = stats.get("... at escape neurons with h != 0", 0) + 1
            if is_psd(M):
                return f"H^{j}_L is positive semi-definite although H~_{j} != 0 at {net}"
        return None
    return prop


def run_f21(n: int) -> Outcome:
    ok, lines = _symbolic_f21()
    if not ok:
        return fails("the symbolic argument does not hold", details=lines)
    res = search(stationary_family(), _prop_f21(False), n, explicit=explicit_stationary())
    if res.counterexample is not None:
        return fails("F.2.1's claim contradicted", res.message, lines, instances=res.count)
    if not res.stats.get("blocks with H~_j != 0"):
        return fails("vacuous", instances=res.count)
    lines.append("; ".join(f"{k}: {v}" for k, v in sorted(res.stats.items())) + " -- none PSD (exact LDL^T)")
    return holds("H^j_L = H~_j + V_j^T V_j is never PSD when H~_j != 0 (symbolic argument, exact "
                 "instances)", lines, instances=res.count)


def broken_f21(n: int) -> Outcome:
    res = search(stationary_family(), _prop_f21(True), n, shrink=False,
                 explicit=explicit_stationary())
    if res.counterexample is not None:
        return fails("without H~_j the block is a Gram matrix, PSD: the claim fails", res.message,
                     instances=res.count)
    return holds("broken variant not detected", instances=res.count)


CHECKS = (
    Check("F.2", "Appendix F.2: eqs. (15)-(17), the second-order escape path", Method.INSTANCES,
          run_f2, broken_f2, "dh = +sgn(phi) a (sign flipped)", Status.CORRECTED),
    Check("F.2.1", "Appendix F.2.1: H^j_L not PSD whenever H~_j != 0 (eq. 18)", Method.INSTANCES,
          run_f21, broken_f21, "H~_j dropped from eq. (18)"),
)

"""Appendix F.1.2: the third-order term, and its vanishing when ``V_jΔ = 0`` (eq. 14).

On the symbolic piece model (:mod:`.f1_model`) SymPy's ``3! c₃`` is compared
with the printed displays and the six printed third partial derivatives; the
identity ``c₃ = Σ_j V̄_j·(V_jΔ)`` gives eq. (14). At generated type-1 minima
the same identity is checked exactly (:mod:`.f1_instances`).
"""
from __future__ import annotations

import itertools

import sympy as sp

from .f1_instances import coefficient_identity
from .f1_model import I_, J_, K_, Model, dotl, is_zero, model, name_of
from .registry import Check, Method, Outcome, Status, corrected, fails, holds

__all__ = ["CHECKS"]


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
    return (1 + d(i1, i2)) * dotl(first, other)


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
            form1 += fac * dh[j][i1] * dr[i1] * dotl(m.Vhr(i1), inner(j, i2))
            form1 += sgn_s * fac * dh[j][i1] * ds[i1] * dotl(m.Vhs(i1), inner(j, i2))
    final_printed = sum(6 * dh[j][i1] * dotl([dr[i1] * a + ds[i1] * s for a, s in zip(m.Vhr(i1), m.Vhs(i1))], m.VjD(j))
                        for j in range(J_) for i1 in range(I_) for _ in range(I_))
    final_fixed = sum(6 * dh[j][i1] * dotl([dr[i1] * a + ds[i1] * s for a, s in zip(m.Vhr(i1), m.Vhs(i1))], m.VjD(j))
                      for j in range(J_) for i1 in range(I_))
    return {"first display": form1, "last line (printed, sum over i1, i2)": final_printed,
            "last line corrected (sum over i1 only) = 6 sum_j V_bar_j . V_j D": final_fixed}


def _symbolic_f12(sgn_s: int = 1) -> tuple[dict, list[str], bool]:
    m = model()
    z = m.zero()
    c3 = m.coeff(3)
    lines = []
    forms = _third_forms(m, sgn_s)
    res = {name: is_zero(6 * c3 - f) for name, f in forms.items()}
    ratio = sp.simplify(forms["last line (printed, sum over i1, i2)"] / forms["last line corrected (sum over i1 only) = 6 sum_j V_bar_j . V_j D"])
    for name, ok in res.items():
        lines.append(f"3! c3 == {name}: {ok}")
    lines.append(f"printed last line / corrected = {ratio} = |I| (the sum over i2 repeats a term that "
                 "does not depend on i2)")
    # third partials: the six printed ones, and only those types nonzero
    bad, types_ok = [], True
    for combo in itertools.combinations_with_replacement(m.vars, 3):
        val = sp.diff(m.L, *combo).subs(z)
        names = [name_of(m, v) for v in combo]
        for na, nb, nc in set(itertools.permutations(names)):
            pr = _printed_third(m, na, nb, nc)
            if pr is not None and not is_zero(val - pr):
                bad.append((na, nb, nc))
        pairs = any(p[0] == "h" and q[0] in "rs" and q[1] == p[2] for p in names for q in names)
        if not is_zero(val) and not pairs:
            types_ok = False
    lines.append(f"the six printed third partial derivatives ((1 + 1{{i1=i2}}) V.V): "
                 f"{'all equal' if not bad else f'differ at {bad[:3]}'}; only the six types are nonzero: {types_ok}")
    ok = (res["first display"] and res["last line corrected (sum over i1 only) = 6 sum_j V_bar_j . V_j D"]
          and not bad and types_ok)
    # eq. (14): V_j D = 0 for all j kills c3 (c3 = sum_j V_bar_j . V_j D identically)
    ident = is_zero(c3 - sum(dotl(m.Vbar(j), m.VjD(j)) for j in range(J_)))
    lines.append(f"c3 = sum_j V_bar_j . (V_j D) identically, so V_j D = 0 (eq. 14) gives c3 = 0: {ident}")
    ok = ok and ident
    return res, lines, ok


def run_f12(n: int) -> Outcome:
    res, lines, ok = _symbolic_f12()
    if not ok:
        return fails("F.1.2's derivation does not hold even corrected", details=lines)
    msg, count, stats = coefficient_identity(n, 3)
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



CHECKS = (
    Check("F.1.2", "Appendix F.1.2: third-order term vanishes when V_j D = 0 (eq. 14)",
          Method.SYMBOLIC, run_f12, broken_f12, "sign of the s-sum flipped", Status.CORRECTED),
)

"""Appendix F.1.3: the fourth-order term ``(4!/2) Σ_j ‖V̄_j‖² ≥ 0``.

On the symbolic piece model (:mod:`.f1_model`) SymPy's ``4! c₄`` is compared
with the printed displays (as printed and with each correction) and with the
printed fourth partial derivatives. At generated type-1 minima ``c₄ =
½ Σ_j ‖V̄_j‖² ≥ 0`` is checked exactly (:mod:`.f1_instances`).
"""
from __future__ import annotations

import itertools

import sympy as sp

from .f1_instances import coefficient_identity
from .f1_model import I_, J_, Model, dotl, is_zero, model, name_of
from .registry import Check, Method, Outcome, Status, corrected, fails, holds

__all__ = ["CHECKS"]


def _fourth_forms(m: Model, fix_s: bool, ordered_half: bool, coef: sp.Expr = sp.Rational(24, 2)) -> dict:
    dh, dr, ds = m.dh, m.dr, m.ds
    f = sp.factorial(4)
    rr, ss, rs = sp.Integer(0), sp.Integer(0), sp.Integer(0)
    for j in range(J_):
        for i1, i2 in itertools.product(range(I_), repeat=2):
            if i1 != i2:
                off = f / 2 if ordered_half else f
                rr += off * dh[j][i1] * dr[i1] * dh[j][i2] * dr[i2] * dotl(m.Vhr(i1), m.Vhr(i2))
                ss += off * dh[j][i1] * ds[i1] * dh[j][i2] * ds[i2] * dotl(m.Vhs(i1), m.Vhs(i2))
                rs += f * dh[j][i1] * dr[i1] * dh[j][i2] * ds[i2] * dotl(m.Vhr(i1), m.Vhs(i2))
        for i1 in range(I_):
            rr += 2 * f / (2 * 2) * dh[j][i1] ** 2 * dr[i1] ** 2 * dotl(m.Vhr(i1), m.Vhr(i1))
            sq = ds[i1] ** 2 if fix_s else dr[i1] ** 2
            ss += 2 * f / (2 * 2) * dh[j][i1] ** 2 * sq * dotl(m.Vhs(i1), m.Vhs(i1))
            rs += 2 * f / 2 * dh[j][i1] ** 2 * dr[i1] * ds[i1] * dotl(m.Vhr(i1), m.Vhs(i1))
    second = sum(coef * (dh[j][i1] * dr[i1] * dh[j][i2] * dr[i2] * dotl(m.Vhr(i1), m.Vhr(i2))
                         + dh[j][i1] * ds[i1] * dh[j][i2] * ds[i2] * dotl(m.Vhs(i1), m.Vhs(i2))
                         + 2 * dh[j][i1] * dr[i1] * dh[j][i2] * ds[i2] * dotl(m.Vhr(i1), m.Vhs(i2)))
                 for j in range(J_) for i1, i2 in itertools.product(range(I_), repeat=2))
    last = sum(coef * dotl(m.Vbar(j), m.Vbar(j)) for j in range(J_))
    return {"first": rr + ss + rs, "second": second, "last": last}


def _symbolic_f13(coef: sp.Expr = sp.Rational(24, 2)) -> tuple[dict, list[str], bool]:
    m = model()
    z = m.zero()
    t4 = 24 * m.coeff(4)
    lit = _fourth_forms(m, False, False, coef)
    fix_s = _fourth_forms(m, True, False, coef)
    fix_both = _fourth_forms(m, True, True, coef)
    res = {
        "first display as printed": is_zero(t4 - lit["first"]),
        "first display with Delta_s^2 in the second sum": is_zero(t4 - fix_s["first"]),
        "first display with Delta_s^2 and 4!/2 on the ordered i1 != i2 rr and ss terms": is_zero(t4 - fix_both["first"]),
        "second display (4!/2) sum (rr + ss + 2 rs)": is_zero(t4 - lit["second"]),
        "last line (4!/2) sum_j V_bar_j^T V_bar_j": is_zero(t4 - lit["last"]),
    }
    lines = [f"4! c4 == {k}: {v}" for k, v in res.items()]
    # fourth partials: three types, printed values
    bad, others = [], True
    for combo in itertools.combinations_with_replacement(range(len(m.vars)), 4):
        vs = [m.vars[c] for c in combo]
        val = sp.diff(m.L, *vs).subs(z)
        names = [name_of(m, v) for v in vs]
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
                    if not is_zero(val - mult * dotl(V1, V2)):
                        bad.append(names)
                    break
            else:
                if not is_zero(val):
                    others = False
        elif not is_zero(val):
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
    msg, count, stats = coefficient_identity(n, 4)
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
    Check("F.1.3", "Appendix F.1.3: fourth-order term = (4!/2) sum_j |V_bar_j|^2", Method.SYMBOLIC,
          run_f13, broken_f13, "4! in place of 4!/2", Status.CORRECTED),
)

"""Proposition M.1 (and Remark M.2): adding negative units keeps stationarity (α⁻ = 0).

Generated stationary points with ``α⁻ = 0`` (inputs with a bias coordinate
``x_k = (x'_k, 1)``) get a negative unit ``w = (c, −B)`` with
``B > |c| max|x'_k|`` (so ``w·x_k < 0`` for every k) and arbitrary output
weights. The embedded point is decided independently
(:func:`analysis2d.analyse_2d`) and by exactland (certificate and its
:func:`exactland.embedding.operations.add_negative_unit` prediction): stationarity must
be kept (Prop. M.1), and type-1 minimality too (Remark M.2, with Theorem 4.2).
The new unit has ``d = d^v = 0`` (eq. 36).
"""
from __future__ import annotations

from fractions import Fraction
from typing import Any

from . import sampling as st
from .analysis2d import analyse_2d
from .examples import final_minimum, final_plus_zero, origin_saddle
from .gen import ls_family, origin_family, rat, teacher_family
from .net import Net, dot, fmt
from .registry import Check, Method, Outcome, fails, holds, search

__all__ = ["CHECKS"]


@st.composite
def _cases(draw: Any) -> tuple[Net, Fraction, Fraction]:
    fam = st.one_of(ls_family(ap_values=(Fraction(1), Fraction(2)), am_values=(Fraction(0),)),
                    ls_family(modes=("type1",), ap_values=(Fraction(1),), am_values=(Fraction(0),)),
                    teacher_family(), origin_family(activations=((Fraction(1), Fraction(0)),)))
    net = draw(fam)
    assert net.am == 0
    c = draw(rat(-4, 4, 2))
    h = draw(rat(-4, 4, 2).filter(lambda v: v != 0))
    return net, c, h


def _add(net: Net, w: tuple, h: Fraction) -> Net:
    return net.with_params([list(r) for r in net.W] + [list(w)], [list(r) + [h] for r in net.H])


def _prop(on_kink: bool) -> Any:
    def prop(case: tuple, stats: dict) -> str | None:
        from exactland.embedding.operations import add_negative_unit
        from exactland.embedding.rules import certified_status

        net, c, h = case
        a = analyse_2d(net)
        if not a.stationary:
            return None
        if on_kink:
            # broken premise: w.x_k <= 0 with equality at the sample of largest x' (a kink)
            m = max(range(net.K), key=lambda k: net.X[k][0])
            w = (Fraction(1), -net.X[m][0])
            em = net.E[m][0]
            if em == 0:
                return None
            hh = -1 if em > 0 else 1
            new = _add(net, w, hh)
            b = analyse_2d(new)
            return None if b.stationary else f"unit w = {fmt(w)} (kink at x_{m}), h = {hh}: not stationary ({b.reason}) at {net}"
        B = 1 + abs(c) * max(abs(x[0]) for x in net.X)
        w = (c, -B)
        assert all(dot(w, x) < 0 for x in net.X)
        new = _add(net, w, h)
        assert new.out == net.out
        b = analyse_2d(new)
        stats["stationary points"] = stats.get("stationary points", 0) + 1
        if a.type1:
            stats["type-1 minima"] = stats.get("type-1 minima", 0) + 1
        if not b.stationary:
            return f"adding the negative unit w = {fmt(w)}, h = {h} breaks stationarity ({b.reason}) at {net}"
        if a.type1 and not b.type1:
            return f"adding the negative unit w = {fmt(w)}, h = {h} breaks type-1 minimality at {net}"
        if any(c_ != 0 for j in range(new.J) for c_ in new.d_vec(j, new.I - 1)):
            return f"the negative unit has d != 0 (eq. 36) at {net}"
        res = add_negative_unit(net.to_problem(), [str(x) for x in w], [str(h)] * net.J)
        st_, t1 = certified_status(res.certificate)
        if st_ is not True or (a.type1 and t1 is not True) or res.agree is not True:
            return f"exactland: certificate {st_}, {t1}, prediction agree = {res.agree} at {net}"
        return None
    return prop


def _explicit() -> list[tuple]:
    return [(final_minimum(), Fraction(1), Fraction(3)), (final_plus_zero(), Fraction(-1), Fraction(-2)),
            (origin_saddle(), Fraction(0), Fraction(1))]


def run(n: int) -> Outcome:
    res = search(_cases(), _prop(False), n, explicit=_explicit())
    if res.counterexample is not None:
        return fails("Proposition M.1 contradicted", res.message, instances=res.count)
    s = res.stats
    if not s.get("type-1 minima"):
        return fails("vacuous", instances=res.count)
    return holds("adding negative units keeps stationarity and type-1 minimality (alpha- = 0); "
                 "exactland's prediction and certificates agree",
                 ["; ".join(f"{k}: {v}" for k, v in sorted(s.items()))], instances=res.count)


def broken(n: int) -> Outcome:
    res = search(_cases(), _prop(True), n, shrink=False, explicit=_explicit())
    if res.counterexample is not None:
        return fails("a unit with w.x_k <= 0 (one kink) can break stationarity", res.message,
                     instances=res.count)
    return holds("broken variant not detected", instances=res.count)


CHECKS = (
    Check("M.1", "Proposition M.1 / Remark M.2: negative units keep stationarity", Method.INSTANCES,
          run, broken, "premise weakened to w.x_k <= 0 (a unit on a kink)"),
)

"""Lemma O.1: kink-free neurons have ``d_ji = 0`` — at type-1 minima, not at all stationary points.

As printed ("Suppose P̄ is a stationary point"), the lemma is false: its proof
uses type-1 minimality at eq. (38). The counterexample (ReLU, X = (1,0),(0,1),
Y = (1,−1), W = (1,1), H = 0) is a stationary saddle whose kink-free neuron has
``d = (−1, 1)``; more are generated (a least-squares construction plus a
kink-free neuron with ``h = 0`` placed where ``w·d = 0``). The corrected
statement — at a **type-1 local minimum** every kink-free neuron has
``d_ji = 0`` for all j — is checked on generated type-1 minima, together with
exactland's Fukumizu F matrix (eq. 41), which must vanish there.
"""
from __future__ import annotations

from fractions import Fraction
from typing import Any

from . import sampling as st
from .analysis2d import analyse_2d
from .examples import final_minimum, i02_final, o1_counterexample
from .gen import ls_family, stationary_family, teacher_family
from .net import Net, fmt
from .registry import Check, Method, Outcome, Status, corrected, fails, holds, search

__all__ = ["CHECKS"]


def _printed(net: Net, stats: dict) -> str | None:
    """Lemma O.1 as printed: stationary + kink-free ⇒ d = 0. Returns a counterexample text."""
    a = analyse_2d(net)
    if not a.stationary:
        return None
    for i in range(net.I):
        if not net.kinks(i):
            for j in range(net.J):
                if any(c != 0 for c in net.d_vec(j, i)):
                    return (f"stationary point ({'saddle' if a.escape else 'minimum'}), neuron {i} "
                            f"kink-free with d_{j}{i} = {fmt(net.d_vec(j, i))} at {net}")
    return None


@st.composite
def _o1_family(draw: Any) -> Net:
    """Least-squares construction plus a kink-free neuron E with h_E = 0 and w_E.d_E = 0."""
    net = draw(ls_family(J_values=(1,), extras=False, modes=("type1",)))
    xs = [x[0] for x in net.X]
    ap, am = net.ap, net.am
    e = [net.E[k][0] for k in range(net.K)]
    p = draw(st.integers(1, net.K - 1))
    pos = draw(st.booleans())
    # active side x > tau (pos) or x < tau: w = s (1, -tau), s = +-1
    s = 1 if pos else -1
    up = [k for k in range(net.K) if k >= p]
    lo = [k for k in range(net.K) if k < p]
    act, pas = (up, lo) if pos else (lo, up)
    num = sum(ap * e[k] * xs[k] for k in act) + sum(am * e[k] * xs[k] for k in pas)
    den = sum(ap * e[k] for k in act) + sum(am * e[k] for k in pas)
    if den == 0:
        return net
    tau = num / den
    if not xs[p - 1] < tau < xs[p]:
        return net
    w = (Fraction(s), -s * tau)
    return net.with_params([list(r) for r in net.W] + [list(w)], [list(r) + [0] for r in net.H])


def _corrected(broken: bool) -> Any:
    def prop(net: Net, stats: dict) -> str | None:
        from exactland.embedding.rules import fukumizu_f_matrix

        a = analyse_2d(net)
        if not a.type1:
            return None
        stats["type-1 minima"] = stats.get("type-1 minima", 0) + 1
        for i in range(net.I):
            if net.kinks(i) and not broken:
                continue
            stats["neurons"] = stats.get("neurons", 0) + 1
            for j in range(net.J):
                if any(c != 0 for c in net.d_vec(j, i)):
                    return f"type-1 minimum, neuron {i} (kinks {list(net.kinks(i))}): d_{j}{i} = {fmt(net.d_vec(j, i))} at {net}"
            if not net.kinks(i) and not broken:
                F = fukumizu_f_matrix(net.to_problem(), i)
                if any(Fraction(str(c)) != 0 for col in F for c in col):
                    return f"exactland's F matrix of neuron {i} is {F} at {net}"
        return None
    return prop


def run(n: int) -> Outcome:
    ce = _printed(o1_counterexample(), {})
    found = search(_o1_family(), lambda net, s: _printed(net, s), max(n, 30), shrink=False)
    if ce is None:
        return fails("the documented counterexample is not one")
    res = search(st.one_of(stationary_family(), ls_family(modes=("type1",)), teacher_family(zero=(0,))),
                 _corrected(False), n, explicit=[final_minimum(), i02_final()])
    if res.counterexample is not None:
        return fails("Lemma O.1 fails even for type-1 minima", res.message, instances=res.count)
    return corrected(
        "false as printed (stationary point); holds for type-1 minima: every kink-free neuron "
        "has d_ji = 0 (and Fukumizu's F = 0)",
        [f"printed statement: counterexample {ce}",
         "generated counterexample: " + (found.message or f"none in {found.count} draws"),
         f"corrected statement: {res.stats.get('neurons', 0)} kink-free neurons at "
         f"{res.stats.get('type-1 minima', 0)} type-1 minima have d_ji = 0; exactland's F matrix vanishes"],
        counterexample=ce, instances=res.count + found.count, errata=("E-O1",))


def broken(n: int) -> Outcome:
    res = search(st.one_of(stationary_family(), ls_family(modes=("type1",))), _corrected(True), n,
                 shrink=False, explicit=[final_minimum()])
    if res.counterexample is not None:
        return fails("without the kink-free premise the corrected lemma fails", res.message,
                     instances=res.count)
    return holds("broken variant not detected", instances=res.count)


CHECKS = (
    Check("O.1", "Lemma O.1: kink-free neurons have d_ji = 0", Method.INSTANCES, run, broken,
          "the kink-free premise dropped", Status.CORRECTED),
)

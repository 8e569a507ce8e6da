"""Proposition 4.9: unit replication and stationarity / type-1 minimality.

Generated cases: a stationary point (:func:`gen.stationary_family`), a neuron
``i₀``, ``L ∈ {2, 3}`` replicas with ``β_l > 0`` and ``γ_l`` drawn from
``{−1, 0, ½, 1, 2}`` except the last, fixed by ``Σ β_l γ_l = 1``.

* **Prop. 4.9** — predicted: stationarity kept iff ``F_{i₀} ≡ 0`` (all
  tangential derivatives vanish) or every ``γ_l ≥ 0``; type-1 minimality of a
  type-1 minimum kept iff ``F_{i₀} ≡ 0`` or every ``γ_l > 0``. Actual: the
  replicated point is decided independently (:func:`analysis2d.analyse_2d`) and by
  exactland's certificate; exactland's own prediction
  (:func:`exactland.embedding.operations.replicate`) is compared too.
(Proposition L.1 is checked on the same cases in :mod:`proofs_check.prop_l1`.)
"""
from __future__ import annotations

from fractions import Fraction
from typing import Any

from . import sampling as st
from .analysis2d import analyse_2d, generators_2d
from .gen import ls_family, stationary_family, teacher_family
from .net import Net
from .registry import Check, Method, Outcome, fails, holds, search

__all__ = ["CHECKS", "replication_cases", "replicate", "flat"]


@st.composite
def replication_cases(draw: Any, type1_only: bool = False) -> tuple[Net, int, list[Fraction], list[Fraction]]:
    """(point, i₀, β, γ) with ``β_l > 0`` and ``Σ β_l γ_l = 1``; the sign pattern of γ is
    drawn first (all positive / one zero / one negative)."""
    fam = st.one_of(ls_family(modes=("type1",)), teacher_family(zero=(0,))) if type1_only else stationary_family()
    net = draw(fam)
    i0 = draw(st.sampled_from([0, 0] + list(range(net.I))))
    L = draw(st.sampled_from([2, 3]))
    beta = [draw(st.sampled_from([Fraction(1, 2), Fraction(1), Fraction(2), Fraction(3)])) for _ in range(L)]
    mode = draw(st.sampled_from(["positive", "zero", "negative"]))
    special = draw(st.integers(0, L - 1))
    p = [draw(st.sampled_from([Fraction(1, 2), Fraction(1), Fraction(2)])) for _ in range(L)]
    fixed = {"positive": None, "zero": Fraction(0), "negative": Fraction(-1)}[mode]
    rest = [l for l in range(L) if fixed is None or l != special]
    target = 1 - (beta[special] * fixed if fixed is not None else 0)
    scale = target / sum(beta[l] * p[l] for l in rest)
    gamma = [fixed if (fixed is not None and l == special) else scale * p[l] for l in range(L)]
    assert sum(b * g for b, g in zip(beta, gamma)) == 1
    return net, i0, beta, gamma


def explicit_cases(type1_only: bool = False) -> list[tuple]:
    """Fixed cases that exercise every branch: the Section 4.1.1 final minimum
    (neuron 0 on the kink of x_5, not tangentially flat; neuron 1 flat)."""
    from exactland.builtin.examples import load_example

    net = Net.from_problem(load_example("final-minimum"))
    F = Fraction
    out = [(net, 0, [F(1), F(1)], [F(-1), F(2)]), (net, 0, [F(1), F(1)], [F(0), F(1)]),
           (net, 0, [F(1), F(2)], [F(1, 2), F(1, 4)]), (net, 1, [F(1), F(1)], [F(-1), F(2)]),
           (net, 1, [F(2), F(1)], [F(0), F(1)])]
    if not type1_only:
        origin = Net.from_problem(load_example("origin-saddle"))
        out.append((origin, 0, [F(1), F(1)], [F(-1), F(2)]))
    return out


def replicate(net: Net, i0: int, beta: list, gamma: list) -> tuple[Net, list[int]]:
    """Replica 0 keeps index ``i₀``, the others are appended."""
    W = [list(r) for r in net.W]
    H = [list(r) for r in net.H]
    w0, h0 = net.W[i0], [net.H[j][i0] for j in range(net.J)]
    W[i0] = [beta[0] * c for c in w0]
    for j in range(net.J):
        H[j][i0] = gamma[0] * h0[j]
    idx = [i0]
    for b, g in zip(beta[1:], gamma[1:]):
        idx.append(len(W))
        W.append([b * c for c in w0])
        for j in range(net.J):
            H[j].append(g * h0[j])
    new = net.with_params(W, H)
    assert new.out == net.out, "replication changed the network function"
    return new, idx


def flat(net: Net, i: int) -> bool:
    """``F_i ≡ 0``: all tangential derivatives of ``w_i`` vanish (PL, zero on all generators)."""
    return all(net.F(i, g) == 0 for g in generators_2d(net, i))


def _prop49(drop_flat: bool) -> Any:
    def prop(case: tuple, stats: dict) -> str | None:
        from exactland.embedding.operations import replicate as ex_replicate
        from exactland.embedding.rules import certified_status

        net, i0, beta, gamma = case
        a = analyse_2d(net)
        if not a.stationary:
            return None
        fl = flat(net, i0) and not drop_flat
        pred_stat = fl or all(g >= 0 for g in gamma)
        pred_t1 = (fl or all(g > 0 for g in gamma)) if a.type1 else False
        new, _ = replicate(net, i0, beta, gamma)
        b = analyse_2d(new)
        key = ("flat" if flat(net, i0) else "non-flat") + (", some gamma < 0" if any(g < 0 for g in gamma)
                                                           else ", some gamma = 0" if any(g == 0 for g in gamma)
                                                           else ", gamma > 0")
        stats[key] = stats.get(key, 0) + 1
        where = f"replicating neuron {i0} with beta = {[str(x) for x in beta]}, gamma = {[str(x) for x in gamma]} at {net}"
        if pred_stat != b.stationary:
            return f"predicted stationary = {pred_stat}, actual {b.stationary} ({b.reason}); {where}"
        if a.type1 and pred_t1 != b.type1:
            return f"predicted type-1 = {pred_t1}, actual {b.type1} (escape {list(b.escape)}); {where}"
        if drop_flat:
            return None
        res = ex_replicate(net.to_problem(), i0, [str(x) for x in beta], [str(x) for x in gamma])
        st_, t1 = certified_status(res.certificate)
        if st_ != b.stationary or (t1 is not None and t1 != b.type1):
            return f"exactland's certificate says stationary {st_}, type-1 {t1}; independent {b.stationary}, {b.type1}; {where}"
        p = res.prediction
        if p.stationary != pred_stat or (a.type1 and p.type1_minimum != pred_t1):
            return f"exactland's Prop. 4.9 prediction {p.to_dict()} differs from the paper's; {where}"
        return None
    return prop


def run49(n: int) -> Outcome:
    res = search(replication_cases(), _prop49(False), n, explicit=explicit_cases())
    if res.counterexample is not None:
        return fails("Proposition 4.9 contradicted", res.message, instances=res.count)
    s = res.stats
    need = [k for k in s if k.startswith("non-flat, some gamma < 0")]
    if not need or not any(k.startswith("flat") for k in s):
        return fails(f"vacuous: {s}", instances=res.count)
    return holds("both 'iff's of Proposition 4.9 agree with independent decisions and exactland's "
                 "certificates of the replicated points", ["; ".join(f"{k}: {v}" for k, v in sorted(s.items()))],
                 instances=res.count)


def broken49(n: int) -> Outcome:
    res = search(replication_cases(), _prop49(True), n, shrink=False, explicit=explicit_cases())
    if res.counterexample is not None:
        return fails("without condition (1) the prediction is wrong", res.message, instances=res.count)
    return holds("broken variant not detected", instances=res.count)


CHECKS = (
    Check("4.9", "Proposition 4.9: unit replication and stationarity / type-1 minimality",
          Method.INSTANCES, run49, broken49, "condition (1) (F_i0 = 0) dropped"),
)

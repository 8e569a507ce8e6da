"""Proposition L.1: unit replication avoids escape neurons iff F_i0 = 0 or every gamma_l != 0.

At generated type-1 minima (least-squares constructions with a neuron on a
kink, teacher constructions), a neuron ``i₀`` is replicated exactly with
``β_l > 0``, ``Σ β_l γ_l = 1`` and ``γ`` of every sign pattern (all positive,
one zero, one negative). Definition 4.1's condition (``F = 0`` and some
``φ ≠ 0`` on a generator of the tangent arrangement) is evaluated on every
replica and compared with the proposition. Where some ``γ_l < 0`` the
replicated point is not stationary (Proposition 4.9), so the condition is
evaluated formally there, as the paper's proof does.
"""
from __future__ import annotations

from typing import Any

from .analysis2d import analyse_2d, escape_witness_2d
from .prop_4_9 import explicit_cases, flat, replicate, replication_cases
from .registry import Check, Method, Outcome, fails, holds, search

__all__ = ["CHECKS"]


def _propL1(strict: bool) -> Any:
    def prop(case: tuple, stats: dict) -> str | None:
        net, i0, beta, gamma = case
        a = analyse_2d(net)
        if not a.type1:
            return None
        fl = flat(net, i0)
        pred_none = fl or (all(g > 0 for g in gamma) if strict else all(g != 0 for g in gamma))
        new, idx = replicate(net, i0, beta, gamma)
        esc = [i for i in idx if escape_witness_2d(new, i) is not None]
        key = ("flat" if fl else "non-flat") + (", some gamma = 0" if any(g == 0 for g in gamma)
                                                else ", some gamma < 0" if any(g < 0 for g in gamma)
                                                else ", gamma > 0")
        stats[key] = stats.get(key, 0) + 1
        if pred_none != (not esc):
            return (f"predicted no escape neurons = {pred_none}, replicas {esc} satisfy Definition 4.1's "
                    f"condition; replicating neuron {i0}, gamma = {[str(x) for x in gamma]} at {net}")
        return None
    return prop


def runL1(n: int) -> Outcome:
    res = search(replication_cases(type1_only=True), _propL1(False), n, explicit=explicit_cases(True))
    if res.counterexample is not None:
        return fails("Proposition L.1 contradicted", res.message, instances=res.count)
    s = res.stats
    if not any(k.startswith("non-flat, some gamma = 0") for k in s) or not any(k.startswith("non-flat, some gamma < 0") for k in s):
        return fails(f"vacuous: {s}", instances=res.count)
    return holds("at type-1 minima, replication creates no escape neuron iff F_i0 = 0 or every gamma_l != 0",
                 ["; ".join(f"{k}: {v}" for k, v in sorted(s.items())),
                  "note: with some gamma_l < 0 (non-flat) no escape neuron appears but the point is "
                  "not stationary (Prop. 4.9), so Definition 4.1 is evaluated formally there"],
                 instances=res.count)


def brokenL1(n: int) -> Outcome:
    res = search(replication_cases(type1_only=True), _propL1(True), n, shrink=False, explicit=explicit_cases(True))
    if res.counterexample is not None:
        return fails("with 'gamma_l > 0' in place of 'gamma_l != 0' the prediction is wrong",
                     res.message, instances=res.count)
    return holds("broken variant not detected", instances=res.count)


CHECKS = (
    Check("L.1", "Proposition L.1: replication without new escape neurons", Method.INSTANCES, runL1,
          brokenL1, "'gamma_l != 0' replaced by 'gamma_l > 0'"),
)

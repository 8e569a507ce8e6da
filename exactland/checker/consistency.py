"""Rules between the fields of a certificate that need no arithmetic.

Each rule ties a field to the verdict or to another field, so that no field
can carry a claim the checker does not check: a reason only on an undecided
verdict, ``budget-exceeded`` only with an undecided verdict and no
``nonnegative`` claim, a missing tangential analysis only where stationarity
is already refuted, and an undecided verdict only for one of its two
documented causes.
"""
from __future__ import annotations

__all__ = ["consistency_reasons"]


def consistency_reasons(c: dict, n_outputs: int) -> list[str]:
    """Every violated rule, as a reason naming the field."""
    v = c["verdict"]
    out: list[str] = []
    if v != "undecided" and c["reason"] is not None:
        out.append(f"reason: must be null for verdict {v} (only an undecided verdict has a reason)")
    budget_neurons = []
    for i, n in enumerate(c["neurons"]):
        t, w = n["tangential"], f"neurons[{i}].tangential"
        if t is None:
            if v != "not-stationary":
                out.append(f"{w}: required for verdict {v} (may be null only when stationarity is "
                           "refuted by an earlier first-order test)")
            continue
        out += _tangential_rules(t, w, v)
        if t["method"] == "budget-exceeded":
            budget_neurons.append(i)
    if v == "undecided":
        by_budget = bool(budget_neurons) and c["stationary"] is None
        by_order = c["stationary"] is True and bool(c["escape_neurons"]) and n_outputs > 1
        if not (by_budget or by_order):
            out.append("verdict: undecided needs an exhausted budget (a 'budget-exceeded' neuron and "
                       "stationary null) or escape neurons with |J| > 1 (stationary true)")
    return out


def _tangential_rules(t: dict, w: str, verdict: str) -> list[str]:
    out = []
    method, nonneg = t["method"], t["nonnegative"]
    if method == "budget-exceeded":
        if verdict != "undecided":
            out.append(f"{w}.method: 'budget-exceeded' requires verdict undecided")
        for name in ("nonnegative", "witness", "c"):
            if t[name] is not None:
                out.append(f"{w}.{name}: must be null when the budget was exceeded")
        return out
    if nonneg is None:
        out.append(f"{w}.nonnegative: required (true or false) for method {method!r}")
    if nonneg is False and t["witness"] is None:
        out.append(f"{w}.witness: a negative tangential derivative needs its witness")
    if nonneg is True and t["witness"] is not None:
        out.append(f"{w}.witness: must be null when F_i ≥ 0")
    if nonneg is False and t["c"] is not None:
        out.append(f"{w}.c: must be null when F_i is not ≥ 0")
    return out

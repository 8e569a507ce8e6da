"""Fact 4.8: a strictly loss-decreasing path from a stationary point must move escape neurons.

At every generated stationary point with escape neurons (any |J|), freeze the
escape neurons: the loss of every perturbation that does not move them is the
loss of the *reduced* problem (escape neurons removed, their fixed
contribution ``h_ji ρ(w_i·x_k)`` subtracted from the targets). The reduced
point has the same residuals, hence the same first-order quantities for the
remaining neurons: it is stationary without escape neurons, and its docs/mathematics.md §6
radius (computed independently) must be positive — so no path that keeps the
escape neurons fixed decreases the loss near P. exactland must certify the
reduced point as a type-1 minimum. Conversely (the 'must'), the F.2 path that
moves only an escape neuron decreases the loss when |J| = 1.
"""
from __future__ import annotations

from fractions import Fraction
from typing import Any

from .analysis2d import analyse_2d
from .common import certify
from .examples import explicit_stationary
from .gen import stationary_family
from .net import Net
from .registry import Check, Method, Outcome, fails, holds, search
from .theorem_4_2 import necessity

__all__ = ["CHECKS", "freeze"]


def freeze(net: Net, frozen: tuple[int, ...]) -> Net:
    """The reduced problem: ``frozen`` neurons removed, their output moved into the targets."""
    keep = [i for i in range(net.I) if i not in frozen]
    Y = [[net.Y[k][j] - sum((net.H[j][i] * net.A[i][k] for i in frozen), Fraction(0))
          for j in range(net.J)] for k in range(net.K)]
    return Net(net.ap, net.am, net.X, tuple(tuple(r) for r in Y),
               tuple(net.W[i] for i in keep), tuple(tuple(row[i] for i in keep) for row in net.H))


def _prop(swap: bool) -> Any:
    def prop(net: Net, stats: dict) -> str | None:
        a = analyse_2d(net)
        if not a.stationary or not a.escape or len(a.escape) == net.I:
            return None
        stats["stationary points with escape neurons"] = stats.get("stationary points with escape neurons", 0) + 1
        frozen = a.escape if not swap else tuple(i for i in range(net.I) if i not in a.escape)
        red = freeze(net, frozen)
        if red.E != net.E:
            return f"reduction changed the residuals at {net}"
        b = analyse_2d(red)
        if not b.stationary or b.escape or (b.radius is not None and b.radius <= 0):
            return (f"moving only the neurons {[i for i in range(net.I) if i not in frozen]} "
                    f"(frozen: {list(frozen)}) can decrease the loss: reduced point stationary "
                    f"{b.stationary}, escape neurons {list(b.escape)}, radius {b.radius}; at {net}")
        if certify(red).verdict.value != "type-1-minimum":
            return f"exactland: reduced point is {certify(red).verdict.value} at {red}"
        if net.J == 1:
            stats["|J| = 1: escape-only descent exhibited"] = stats.get("|J| = 1: escape-only descent exhibited", 0) + 1
            return necessity(net, a, check_exactland=False)
        return None
    return prop


def run(n: int) -> Outcome:
    res = search(stationary_family(), _prop(False), n, explicit=explicit_stationary())
    if res.counterexample is not None:
        return fails("Fact 4.8 contradicted", res.message, instances=res.count)
    s = res.stats
    if not s.get("stationary points with escape neurons"):
        return fails("vacuous", instances=res.count)
    return holds("with the escape neurons frozen the reduced point is a type-1 minimum "
                 "(positive radius): every strictly decreasing path moves an escape neuron",
                 ["; ".join(f"{k}: {v}" for k, v in sorted(s.items()))], instances=res.count)


def broken(n: int) -> Outcome:
    res = search(stationary_family(), _prop(True), n, shrink=False,
                 explicit=explicit_stationary())
    if res.counterexample is not None:
        return fails("freezing the non-escape neurons instead leaves a decreasing path",
                     res.message, instances=res.count)
    return holds("broken variant not detected", instances=res.count)


CHECKS = (
    Check("4.8", "Fact 4.8: decreasing paths must move escape neurons", Method.INSTANCES, run,
          broken, "the non-escape neurons frozen instead of the escape neurons"),
)

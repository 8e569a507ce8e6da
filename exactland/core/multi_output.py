"""Deciding a stationary point with escape neurons and several outputs (docs/type2.md).

Order of the tests, each exact:

1. the complete joint second-order test (:mod:`exactland.core.second_order`):
   a direction with ``c1 = 0`` and ``c2 < 0`` → ``saddle`` with that multi-neuron path;
2. otherwise the single-moving-column variable-projection certificate
   (:mod:`exactland.core.type2`) → ``type-2-minimum`` with its radius;
3. otherwise ``undecided``, with a reason naming what failed and the evidence:
   how many products of flat cones and supports the joint test examined (or
   that its budget ran out), why the type-2 condition does not apply, and what an
   exact search for lower points (:mod:`exactland.core.probe`) found.

A type-2 certificate at a point where the joint test found a descent would be a
contradiction; it is checked and raises :class:`~exactland.errors.InternalError`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from exactland.core.curved import CurvedPath
from exactland.core.curved_search import CurvedSearch, curved_search
from exactland.core.joint_path import JointPath
from exactland.core.network import Evaluation
from exactland.core.probe import probe
from exactland.core.second_order import JointResult, joint_test
from exactland.core.tangent import Budget
from exactland.core.type2 import Type2Result, type2_single_column
from exactland.errors import InternalError
from exactland.exact.scalars import to_str

__all__ = ["MultiOutputDecision", "decide_multi_output"]


@dataclass(frozen=True)
class MultiOutputDecision:
    """The verdict-dependent outcome for escape neurons with several outputs.

    Attributes
    ----------
    verdict : str
        ``"saddle"``, ``"type-2-minimum"`` or ``"undecided"``.
    descent : JointPath, CurvedPath or None
        The descent path of a saddle: straight of order 2, or curved of order 3 or 4.
    type2 : Type2Result or None
        The certificate data of a type-2 minimum.
    reason : str or None
        Why undecided, with the evidence.
    """

    verdict: str
    descent: JointPath | CurvedPath | None
    type2: Type2Result | None
    reason: str | None


def _evidence(jr: JointResult) -> str:
    if jr.status == "budget-exceeded":
        return (f"the joint second-order test ran out of budget after {jr.products} product(s) of flat "
                f"cones and {jr.supports} support(s)")
    if jr.products == 0:
        return ("the joint second-order test (all neurons, Δh and Δb free) found the reduced t² form positive "
                "semidefinite on all flat directions: no straight path descends at second order")
    dims = sorted(set(jr.cone_dims))
    return (f"the joint second-order test (all neurons, Δh and Δb free) proved the t² coefficient "
            f"copositive on all {jr.products} product(s) of flat cones (cone dimensions {dims}, "
            f"{jr.supports} support(s) examined): no straight path descends at second order")


def _curved_evidence(cs: CurvedSearch) -> str:
    if cs.candidates == 0 and not cs.exhausted:
        return "no curved path P + tΔ₁ + t²Δ₂ was tried (irrational data or no budget left)"
    return (f"curved paths P + tΔ₁ + t²Δ₂ were tried on {cs.candidates} zero direction(s) Δ₁ of the t² form "
            f"({'all kernel directions of the examined cone products' if cs.exhausted else 'a bounded part'}): "
            "none descends at order 3 or 4")


def decide_multi_output(ev: Evaluation, tab: Any, tans: dict, escapes: dict, budget: Budget,
                        rho_w: Any, escape_list: list[int]) -> MultiOutputDecision:
    """Decide a stationary point with escape neurons ``escape_list`` and |J| > 1.

    Parameters
    ----------
    ev, tab, tans, escapes
        The evaluation, neuron table and per-neuron analyses of :func:`exactland.core.classify.certify`.
    budget : Budget
        The certification's shared budget.
    rho_w : exact number or "inf"
        The no-side-change radius (docs/mathematics.md §6).
    escape_list : list of int
    """
    jr = joint_test(ev, tab, tans, escapes, budget)
    rational = ev.problem.is_rational()
    t2 = type2_single_column(ev, rho_w, budget) if rational else Type2Result(
        None, None, 0, "the type-2 certificate is implemented for rational problems only")
    if jr.status == "descent":
        if t2.radius is not None:
            raise InternalError("a type-2 certificate at a point with a second-order descent path")
        return MultiOutputDecision("saddle", jr.path, None, None)
    if t2.radius is not None:
        return MultiOutputDecision("type-2-minimum", None, t2, None)
    cs = curved_search(ev, tab, tans, escapes, budget) if rational else CurvedSearch(None, 0, False)
    if cs.path is not None:
        return MultiOutputDecision("saddle", cs.path, None, None)
    radius = rho_w if rho_w != "inf" and rho_w < 1 else 1
    if rational:
        pr = probe(ev.problem, radius, samples=24)
        found = (f"an exact search of {pr.candidates} points with ‖δ‖∞ ≤ {to_str(radius)} found a strictly "
                 f"lower point at ∞-distance {to_str(pr.distance)} (L = {to_str(pr.loss)}) but no descent "
                 "path certifies it" if pr.found else
                 f"an exact search of {pr.candidates} points with ‖δ‖∞ ≤ {to_str(radius)} found no strictly "
                 "lower point")
    else:
        found = "no search for lower points was run (irrational algebraic data)"
    reason = (f"escape neurons {escape_list[:10]} with |J| = {ev.problem.n_outputs} > 1: {_evidence(jr)}; "
              f"the type-2 certificate does not apply ({t2.reason}); {_curved_evidence(cs)}; {found}. "
              "The point may be a "
              "type-2 local minimum or a saddle of higher order")
    return MultiOutputDecision("undecided", None, None, reason)

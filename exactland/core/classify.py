"""Theorem 4.2 as an algorithm: classify a point and build its certificate.

1. ``∂L/∂h_ji != 0`` for some (j, i) → not stationary; descent along −sgn·h_ji.
2. ``F_i(v) < 0`` for some neuron and tangential v → not stationary; descent
   along ``Δw_i = v`` (one-sided slope ``F_i(v)``).
3. Otherwise stationary (Definition 3.3). Without escape neurons → type-1
   local minimum with the exact radius of docs/mathematics.md (the type-1 radius). With escape neurons and
   |J| = 1 → saddle: descent path of Appendix F.2 (eq. 17, second order,
   Corollary 4.4) and an ascent path (Appendix D). With |J| > 1 the second-order
   block of the escape neuron is searched for an exact descent (Appendix
   F.2.1); if none is found, the complete joint second-order test, then the
   type-2 certificate (docs/type2.md, :mod:`exactland.core.multi_output`):
   ``saddle``, ``type-2-minimum`` or ``undecided`` with the reason.
4. Minimum verdicts carry the radius bracket (:mod:`exactland.core.bracket`).

Exponential work (general ray enumeration for degenerate kink sets) draws on
an explicit budget; running out gives ``undecided`` with the reason.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
from flint import fmpq

from exactland.core.certificate import Certificate, NeuronReport, RadiusConstants, Verdict
from exactland.core.escape import UNBOUNDED, EscapeAnalysis, escape_analysis
from exactland.core.bulk import NeuronTable, QuietReports
from exactland.core.bracket import radius_bracket
from exactland.core.multi_output import decide_multi_output
from exactland.core.kinks import NeuronData
from exactland.exact.linalg import dot
from exactland.core.network import Evaluation, evaluate
from exactland.exact.scalars import sign
from exactland.core.paths import PathWitness, activation_increments, bias_gradient, bias_path, neuron_path
from exactland.core.problem import Problem, load
from exactland.core.stationarity import TangentialAnalysis, tangential_analysis
from exactland.core.defaults import DEFAULT_BUDGET
from exactland.core.tangent import Budget
from exactland.errors import InternalError

__all__ = ["certify", "DEFAULT_BUDGET"]


Vector = tuple[Any, ...]


def _unit(J: int, j: int, value: Any) -> tuple[Any, ...]:
    return tuple(value if jj == j else fmpq(0) for jj in range(J))


def _activation_terms(ev: Evaluation, i: int, v: Vector) -> tuple[Any, Any, Any]:
    """``R = Σ rho_k²``, ``S = Σ rho_k ψ_k``, ``Ψ = Σ ψ_k²`` for ``Δw_i = v``."""
    R = S = Psi = fmpq(0)
    for a, psi in activation_increments(ev, i, v)[0]:
        R, S, Psi = R + a * a, S + a * psi, Psi + psi * psi
    return R, S, Psi


def _second_order_descent(
    ev: Evaluation, nd: NeuronData, v: Vector
) -> PathWitness | None:
    """Minimise the t² coefficient over Δh_{·i} for Δw_i = v (Appendix F.2).

    With ``g_j = φ_ji(v)`` the t² coefficient of ``L(P + t(α, v))`` is
    ``α·g + ½ Σ_k ‖α rho_k + h ψ_k‖²``; its minimiser is
    ``α = −(g + S h)/R`` when ``R > 0`` (value ``½‖h‖²Ψ − ½‖g + S h‖²/R``) and any
    large multiple of ``−g`` when ``R = 0``. For |J| = 1 and ``h_i = 0`` this is
    eq. (17)'s path and the value is always negative.
    """
    g = tuple(phi(v) for phi in nd.phi)
    h = nd.h
    R, S, Psi = _activation_terms(ev, nd.index, v)
    if R != 0:
        alpha = tuple(-(gj + S * hj) / R for gj, hj in zip(g, h))
    else:
        gg = dot(g, g)
        if gg == 0:
            return None
        s = dot(h, h) * Psi / gg + 1
        alpha = tuple(-s * gj for gj in g)
    path = neuron_path(ev, nd.index, alpha, v, "descent")
    return path if path is not None and path.order == 2 else None


def _ascent(
    ev: Evaluation, nds: NeuronTable, escapes: dict[int, EscapeAnalysis]
) -> PathWitness | None:
    """An ascent path: along ``h_0i`` where some rho(w_i·x_k) != 0 (Theorem D.1),
    else along an escape witness with ``Δh = +φ(v)``."""
    p = ev.problem
    J = p.n_outputs
    for i in ev.activating_neurons():
        path = neuron_path(ev, i, _unit(J, 0, fmpq(1)), (fmpq(0),) * p.dim, "ascent")
        if path is not None:
            return path
    for i, ea in escapes.items():
        for _, v, _ in ea.witnesses:
            g = tuple(phi(v) for phi in nds[i].phi)
            path = neuron_path(ev, i, g, v, "ascent")
            if path is not None:
                return path
    return None


def _rho_w(ev: Evaluation) -> Any:
    """``min_{i, k∉K⁰(i)} |w_i·x_k| / ‖x_k‖₁`` exactly (``UNBOUNDED`` if no such pair).

    With ``z_ik = Zn_ik/(wd_i xd_k)`` and ``‖x_k‖₁ = N_k/xd_k`` the ratio is
    ``|Zn_ik| / (wd_i N_k)``: a vectorised tournament of exact integer
    cross-multiplications (:func:`exactland.core.network.min_ratio`).
    """
    p = ev.problem
    if not p.is_rational():
        best: Any = UNBOUNDED
        for i in range(p.n_neurons):
            for k in np.flatnonzero(ev.signs[i] != 0).tolist():
                r = abs(ev.z(i, k)) / sum((abs(c) for c in p.X[k]), fmpq(0))
                best = r if best is UNBOUNDED or r < best else best
        return best
    num, den = ev.rho_w_fraction()
    return UNBOUNDED if den == 0 else fmpq(num, den)


def _min_unbounded(a: Any, b: Any) -> Any:
    if a is UNBOUNDED:
        return b
    if b is UNBOUNDED:
        return a
    return a if a <= b else b


def certify(problem: Problem | Any, *, budget: int = DEFAULT_BUDGET, bulk: bool = True) -> Certificate:
    """Classify ``problem``'s point exactly and return the certificate.

    Parameters
    ----------
    problem : Problem, dict or path
        Data, activation and the point (W, H); a dict or file is read by ``load`` first.
    budget : int, default 200000
        Maximal number of subsets examined by the general ray enumeration
        (docs/mathematics.md, the tangential decision); exceeding it yields ``undecided`` with the reason.
    bulk : bool, default True
        Settle the quiet neurons (no kink sample, every ``d_ji = 0``) in one
        vectorised pass (:mod:`exactland.core.bulk`). False forces the
        per-neuron path for every neuron; the certificate is the same.

    Returns
    -------
    Certificate
        Verdict ``not-stationary``, ``saddle``, ``type-1-minimum``, ``type-2-minimum``
        or ``undecided``, with its evidence; ``cert.verify()`` re-checks it.

    Notes
    -----
    Implements Lemma 3.2, Definitions 3.3 and 4.1, Theorem 4.2, Corollary 4.4
    and Theorem D.1 of the paper, with the radius certificate of docs/mathematics.md.

    References
    ----------
    .. [1] "Loss landscape of shallow ReLU-like neural networks: stationary
       points, saddle escaping, and network embedding", Sections 3–4.

    Examples
    --------
    A one-neuron ReLU network fitting both samples exactly is a (global,
    type-1) minimum:

    >>> import exactland
    >>> p = exactland.load({"activation": {"alpha_plus": 1, "alpha_minus": 0},
    ...     "X": [[1, 0], [0, 1]], "Y": [[1], [2]], "W": [[1, 2]], "H": [[1]]})
    >>> cert = certify(p)
    >>> cert.verdict.value, cert.loss, cert.radius
    ('type-1-minimum', 0, 1)
    """
    problem = problem if isinstance(problem, Problem) else load(problem)
    ev = evaluate(problem)
    bud = Budget(budget)
    tab = NeuronTable(ev, bulk)
    out = _gradient_refutation(ev, tab)
    tans, bad = _tangential_stage(ev, tab, bud) if out is None else ({}, -1)
    reached = len(tab) if bad is None else bad + 1  # neurons below it had condition 3 examined
    if out is None and bad is not None:
        out = _tangential_refutation(ev, tab[bad], tans[bad])
    if out is None and any(t.nonnegative is None for t in tans.values()):
        bad = sorted(i for i, t in tans.items() if t.nonnegative is None)
        out = _Outcome(Verdict.UNDECIDED, None, reason=(
            f"budget of {budget} subset evaluations exhausted while deciding the "
            f"tangential condition (Definition 3.3) of neuron(s) {bad[:10]}: their "
            "kink normals are linearly dependent; raise --budget"))
    escapes: dict[int, EscapeAnalysis] | None = None
    if out is None:
        escapes = _escape_stage(tab, tans)
        out = _second_order(ev, tab, escapes, tans, bud)
    return Certificate(
        problem=problem,
        verdict=out.verdict,
        loss=ev.loss,
        stationary=out.stationary,
        escape_neurons=tuple(i for i, ea in sorted((escapes or {}).items()) if ea.is_escape),
        radius=out.radius,
        radius_constants=out.constants,
        local_maximum_possible=not ev.activates() and problem.b is None,
        dL_db=bias_gradient(ev),
        global_minimum=ev.loss == 0,
        neurons=_reports(tab, tans, reached, escapes),
        descent=out.descent,
        ascent=out.ascent,
        reason=out.reason,
        budget_limit=budget, budget_used=bud.used, type2=out.type2,
        bracket=radius_bracket(problem, out.radius) if out.radius is not None else None,
    )


def _tangential_stage(
    ev: Evaluation, tab: NeuronTable, bud: Budget
) -> tuple[dict[int, TangentialAnalysis], int | None]:
    """Condition 3 of Definition 3.3, neuron by neuron in index order.

    Returns the analyses of the non-quiet neurons examined (quiet ones are
    ``"zero-form"``) and the first neuron with ``F_i(v) < 0``, which ends the
    examination, or None.
    """
    shared = _ZeroNeuronMemo()
    tans: dict[int, TangentialAnalysis] = {}
    for i in tab.loud():
        nd = tab[i]
        tans[i] = t = shared.get(nd, tab.is_zero(i), "tan", lambda nd=nd: tangential_analysis(nd, bud))
        if t.nonnegative is False:
            return tans, i
    return tans, None


def _escape_stage(tab: NeuronTable, tans: dict[int, TangentialAnalysis]) -> dict[int, EscapeAnalysis]:
    """Definition 4.1 for every non-quiet neuron (quiet ones are no escape neurons)."""
    shared = _ZeroNeuronMemo()
    out: dict[int, EscapeAnalysis] = {}
    for i, t in tans.items():
        nd = tab[i]
        out[i] = shared.get(nd, tab.is_zero(i), "esc", lambda nd=nd, t=t: escape_analysis(nd, t))
    return out


def _reports(tab: NeuronTable, tans: dict[int, TangentialAnalysis], reached: int,
             escapes: dict[int, EscapeAnalysis] | None) -> tuple[NeuronReport, ...]:
    """One report per neuron: quiet ones in bulk, the others from their analyses."""
    p = tab.ev.problem
    quiet = QuietReports(p.n_outputs, p.dim, tab)
    esc = escapes or {}
    return tuple(
        quiet.report(i, i < reached, escapes is not None) if q
        else _report(tab[i], tans.get(i), esc.get(i))
        for i, q in enumerate(tab.quiet.tolist())
    )


@dataclass(frozen=True)
class _Outcome:
    """The verdict-dependent fields of a certificate."""

    verdict: Verdict
    stationary: bool | None
    descent: PathWitness | None = None
    ascent: PathWitness | None = None
    radius: Any = None
    constants: RadiusConstants | None = None
    reason: str | None = None
    type2: Any = None


class _ZeroNeuronMemo:
    """Zero neurons (w = 0) with equal h share every analysis; compute it once.

    Local to one :func:`certify` call (no state survives it).
    """

    def __init__(self) -> None:
        self._memo: dict[Any, Any] = {}

    def get(self, nd: NeuronData, is_zero: bool, tag: str, fn: Callable[[], Any]) -> Any:
        """``fn()``, computed once per ``(tag, h)`` for zero neurons."""
        if not is_zero:
            return fn()
        key = (tag, nd.h)
        if key not in self._memo:
            self._memo[key] = fn()
        return self._memo[key]


def _gradient_refutation(ev: Evaluation, tab: NeuronTable) -> _Outcome | None:
    """Definition 3.3, condition 1: a nonzero ``∂L/∂h_ji`` (eq. 4) gives
    ``not-stationary`` with a first-order descent along ``−sgn·h_ji``; with an
    output bias, so does a nonzero ``∂L/∂b_j = Σ_k e_kj`` (along ``−sgn·b_j``)."""
    problem, J = ev.problem, ev.problem.n_outputs
    if tab.bulk:
        grad = ev.first_nonzero_gradient()
    else:
        grad = next(((i, j) for i in range(len(tab)) for j in range(J) if tab[i].dL_dh[j] != 0), None)
    if grad is None:
        gb = bias_gradient(ev)
        j = next((j for j, g in enumerate(gb or ()) if g != 0), None)
        if j is None:
            return None
        return _Outcome(Verdict.NOT_STATIONARY, False,
                        descent=bias_path(ev, _unit(J, j, fmpq(-sign(gb[j]))), "descent"))
    i, j = grad
    dh = _unit(J, j, fmpq(-sign(ev.dL_dh(j, i))))
    descent = neuron_path(ev, i, dh, (fmpq(0),) * problem.dim, "descent")
    return _Outcome(Verdict.NOT_STATIONARY, False, descent=descent)


def _tangential_refutation(ev: Evaluation, nd: NeuronData, t: TangentialAnalysis) -> _Outcome:
    """Definition 3.3, condition 3: ``F_i(v) < 0`` gives ``not-stationary`` with
    a first-order descent along ``Δw_i = v``."""
    if t.witness is None:
        raise InternalError(f"neuron {nd.index}: a negative tangential derivative without witness")
    descent = neuron_path(ev, nd.index, (fmpq(0),) * ev.problem.n_outputs, t.witness[0], "descent")
    return _Outcome(Verdict.NOT_STATIONARY, False, descent=descent)


def _second_order(ev: Evaluation, nds: NeuronTable, escapes: dict[int, EscapeAnalysis],
                  tans: dict[int, TangentialAnalysis], bud: Budget) -> _Outcome:
    """A stationary point: type-1 minimum with its radius (no escape neuron),
    saddle (an exact second-order descent), or for |J| > 1 when no single
    escape neuron descends: the joint test, a type-2 minimum or undecided
    (Appendix F.2.1, docs/type2.md; :mod:`exactland.core.multi_output`)."""
    J = ev.problem.n_outputs
    esc = [i for i, ea in escapes.items() if ea.is_escape]
    if not esc:
        cs = tuple(escapes[i].c if i in escapes else UNBOUNDED for i in range(ev.problem.n_neurons))
        rho_h: Any = UNBOUNDED
        for c in (ea.c for ea in escapes.values()):
            if c is not UNBOUNDED:
                rho_h = _min_unbounded(rho_h, c / J)
        rho_w = _rho_w(ev)
        return _Outcome(Verdict.TYPE_1_MINIMUM, True, radius=_min_unbounded(rho_w, rho_h),
                        constants=RadiusConstants(rho_w, rho_h, cs))
    descent = next((path for i in esc for _, v, _ in escapes[i].witnesses
                    for path in [_second_order_descent(ev, nds[i], v)] if path is not None), None)
    if descent is None:
        dec = decide_multi_output(ev, nds, tans, escapes, bud, _rho_w(ev), esc)
        if dec.verdict == "type-2-minimum" and dec.type2 is not None:
            return _Outcome(Verdict.TYPE_2_MINIMUM, True, radius=dec.type2.radius, type2=dec.type2)
        if dec.verdict == "undecided":
            return _Outcome(Verdict.UNDECIDED, True, reason=dec.reason)
        descent = dec.descent
    ascent = _ascent(ev, nds, escapes)
    if ascent is None:
        raise InternalError("a stationary point with an escape neuron has no ascent path")
    return _Outcome(Verdict.SADDLE, True, descent=descent, ascent=ascent)


def _report(nd: NeuronData, t: TangentialAnalysis | None, ea: EscapeAnalysis | None) -> NeuronReport:
    ew = None
    if ea is not None and ea.is_escape:
        j, v, val = ea.witnesses[0]
        ew = (j, v, nd.F(v), val)
    return NeuronReport(
        index=nd.index,
        kink_set=nd.kink_set,
        d=nd.d,
        dL_dh=nd.dL_dh,
        dL_dr_scaled=nd.dL_dr_scaled,
        method=None if t is None else t.method,
        lines=() if t is None else nd.arrangement.lines,
        nonnegative=None if t is None else t.nonnegative,
        c=None if ea is None else ea.c,
        tangential_witness=None if t is None else t.witness,
        is_escape=None if ea is None else ea.is_escape,
        escape_witness=ew,
    )

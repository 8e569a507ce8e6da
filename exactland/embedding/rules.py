"""The paper's predictions for network embeddings (Section 4.3, Appendices L–O).

What Proposition 4.9 (unit replication), Proposition M.1 / Remark M.2
(negative units) and the case analyses of Appendices M.1 (orthogonal units)
and N (inactive propagation) predict about stationarity (Definition 3.3) and
type-1 minimality (stationary without escape neurons, Theorem 4.2) of the
embedded point, from the original point's certificate and, where the rule
needs it, the exact test ``F_i ≡ 0`` ("all tangential derivatives of ``w_i``
vanish", :func:`exactland.embedding.tangential.tangentially_flat`). ``None``
marks the cases where the paper makes no general claim.
:mod:`exactland.embedding.operations` applies the embeddings and compares these
predictions with fresh certificates.

:class:`~exactland.embedding.prediction.Prediction`, :func:`certified_status`,
:func:`disagreements` (from :mod:`exactland.embedding.prediction`) and
:func:`tangentially_flat`, :func:`fukumizu_f_matrix` (from
:mod:`exactland.embedding.tangential`) are re-exported here: they are part of
this module's public interface.
"""
from __future__ import annotations

from typing import Any, Sequence

from exactland.core.certificate import Certificate, Verdict
from exactland.core.classify import DEFAULT_BUDGET
from exactland.core.problem import Problem
from exactland.embedding.arguments import Vector, exact_vector, format_vector, neuron_index
from exactland.embedding.prediction import Prediction, base_certificate, certified_status, disagreements
from exactland.embedding.tangential import fukumizu_f_matrix, tangentially_flat
from exactland.exact.linalg import dot
from exactland.exact.scalars import sign, to_str

__all__ = [
    "Prediction",
    "certified_status",
    "disagreements",
    "tangentially_flat",
    "fukumizu_f_matrix",
    "predict_replication",
    "predict_orthogonal_unit",
    "predict_negative_unit",
    "predict_inactive_propagation",
]


# ----------------------------------------------------------------- premises shared by the rules
def _common(base: Certificate) -> Prediction | None:
    """Predictions shared by every embedding (the network function is unchanged
    and the old neurons keep all their first-order quantities)."""
    if base.stationary is False:
        return Prediction(
            False, False,
            "the original point is not stationary: the old neurons keep their derivatives "
            "(same network function, Section 4.3), so the embedded point is not stationary "
            "(Section 4.3, closing remark)",
        )
    if base.stationary is None:
        return Prediction(
            None, None,
            f"no prediction: the original point is undecided ({base.reason})",
        )
    return None


def _old_escapes(base: Certificate) -> str:
    return (
        f"the original point has escape neurons {list(base.escape_neurons)}; an embedding "
        "that keeps the network function keeps them (their d_ji, phi_ji, F_i are unchanged), "
        "so no type-1 minimum (Theorem 4.2)"
    )


def _zero_loss(base: Certificate) -> Prediction | None:
    if base.global_minimum:
        return Prediction(
            True, True,
            "zero loss: every residual is 0, so every d_ji and d_ji^v vanishes and no neuron "
            "can violate Definition 3.3 or be an escape neuron (Appendix M.1's trivial case)",
        )
    return None


# ----------------------------------------------------------------- predictions
def predict_replication(
    problem: Problem,
    neuron: int,
    gamma: Sequence[Any],
    *,
    base: Certificate | None = None,
    budget: int = DEFAULT_BUDGET,
) -> Prediction:
    """Proposition 4.9's prediction for replicating neuron ``i₀`` with ``γ``.

    Stationarity is kept iff ``F_{i₀} ≡ 0`` (all tangential derivatives of
    ``w_{i₀}`` vanish) or every ``γ_l ≥ 0``; type-1 minimality iff
    ``F_{i₀} ≡ 0`` or every ``γ_l > 0`` (Appendix L: the replicas have
    ``∂L/∂s = γ_l F_{i₀}`` and the same ``φ``). A non-stationary point stays
    non-stationary (Σβγ = 1 forces some ``γ_l > 0``); a stationary point with
    escape neurons keeps one (a replica of an escape neuron is one, or the point
    loses stationarity).

    Parameters
    ----------
    problem : Problem
        The original point.
    neuron : int
        ``i₀`` (0-based).
    gamma : sequence of exact numbers
    base : Certificate, optional
        The original point's certificate (computed when omitted).
    budget : int

    Returns
    -------
    Prediction

    Examples
    --------
    >>> from exactland.builtin.examples import load_example
    >>> p = load_example("final-minimum")
    >>> pr = predict_replication(p, 0, [2, -1]); pr.stationary, pr.type1_minimum
    (False, False)
    >>> pr = predict_replication(p, 1, [2, -1]); pr.stationary, pr.type1_minimum
    (True, True)
    """
    i0 = neuron_index(problem, neuron)
    g = exact_vector(gamma, "gamma")
    cert = base_certificate(problem, base, budget)
    common = _common(cert)
    if common is not None:
        return common
    flat = tangentially_flat(problem, i0)
    nonneg = all(sign(x) >= 0 for x in g)
    pos = all(sign(x) > 0 for x in g)
    gs = format_vector(g)
    if flat:
        stat = True
        srule = f"F_{i0} == 0 (all tangential derivatives of w_{i0} vanish): condition (1) holds"
    else:
        stat = nonneg
        srule = (
            f"F_{i0} != 0 and gamma = {gs}: stationarity is kept iff every gamma_l >= 0 "
            f"({'kept' if stat else 'lost'})"
        )
    if cert.verdict is Verdict.TYPE_1_MINIMUM:
        t1 = flat or pos
        trule = (
            "type-1 minimality kept (condition (1))" if flat else
            f"type-1 minimality is kept iff every gamma_l > 0 ({'kept' if t1 else 'lost'})"
        )
    else:
        t1 = False
        trule = _old_escapes(cert)
    return Prediction(stat, t1, f"Proposition 4.9: {srule}; {trule}")


def predict_orthogonal_unit(
    problem: Problem, h: Sequence[Any], *, base: Certificate | None = None,
    budget: int = DEFAULT_BUDGET,
) -> Prediction:
    """Appendix M.1's case analysis for adding an orthogonal unit with output weights h.

    The unit has ``∂L/∂h = ∂L/∂r = 0`` and ``∂L/∂s(v) = Σ_j h_j d^v_j·v`` (eq. 35),
    whose sign is not determined in general: stationarity is predicted only in the
    trivial cases (zero loss, or ``h = 0``); type-1 minimality only at zero loss
    (True) or when the original point is no type-1 minimum (False).

    Examples
    --------
    >>> from exactland.builtin.examples import load_example
    >>> predict_orthogonal_unit(load_example("final-minimum"), [0]).stationary
    True
    """
    hv = exact_vector(h, "h", problem.n_outputs)
    cert = base_certificate(problem, base, budget)
    for pred in (_common(cert), _zero_loss(cert)):
        if pred is not None:
            return pred
    t1 = None if cert.verdict is Verdict.TYPE_1_MINIMUM else False
    trule = (
        "type-1 minimality: no general prediction (Appendix M.1: orthogonal units may be "
        "escape neurons)" if t1 is None else _old_escapes(cert)
    )
    if all(x == 0 for x in hv):
        return Prediction(True, t1, f"Appendix M.1: h = 0, so dL/ds of the unit is 0 (eq. 35): stationarity kept; {trule}")
    return Prediction(
        None, t1,
        "Appendix M.1: dL/ds of the unit is sum_j h_j d_j^v . v (eq. 35), not sign-definite "
        f"in general: no prediction of stationarity; {trule}",
    )


def predict_negative_unit(
    problem: Problem, *, base: Certificate | None = None, budget: int = DEFAULT_BUDGET,
) -> Prediction:
    """Proposition M.1 and Remark M.2 for adding a negative unit (``a⁻ = 0``).

    The unit has ``d_ji = d_ji^v = 0`` (eq. 36): all its derivatives and all its
    ``φ_ji`` vanish, so stationarity (Proposition M.1) and type-1 minimality
    (Remark M.2; the unit is no escape neuron, Definition 4.1) are exactly those
    of the original point.

    Examples
    --------
    >>> from exactland.builtin.examples import load_example
    >>> pr = predict_negative_unit(load_example("final-minimum"))
    >>> pr.stationary, pr.type1_minimum
    (True, True)
    """
    cert = base_certificate(problem, base, budget)
    common = _common(cert)
    if common is not None:
        return common
    t1 = cert.verdict is Verdict.TYPE_1_MINIMUM
    return Prediction(
        True, t1,
        "Proposition M.1: adding negative units keeps stationarity (d_ji = d_ji^v = 0, eq. 36); "
        + ("Remark M.2: local minimality kept, and the unit is no escape neuron, so the type-1 "
           "minimum stays one" if t1 else _old_escapes(cert)),
    )


def _positive_multiple(w: Vector, problem: Problem) -> tuple[int, Any] | None:
    """``(i, β)`` with ``w = β w_i``, ``β > 0`` (``w = 0 = 1·w_i`` for a zero neuron)."""
    for i, wi in enumerate(problem.W):
        c = next((n for n, x in enumerate(wi) if x != 0), None)
        if c is None:
            if all(x == 0 for x in w):
                return i, wi[0] - wi[0] + 1
            continue
        beta = w[c] / wi[c]
        if sign(beta) > 0 and all(a == beta * b for a, b in zip(w, wi)):
            return i, beta
    return None


def predict_inactive_propagation(
    problem: Problem, w: Sequence[Any], *, base: Certificate | None = None,
    budget: int = DEFAULT_BUDGET,
) -> Prediction:
    """Appendix N's case analysis for adding a unit with input weight w and ``h = 0``.

    The unit has zero radial and tangential derivatives but ``∂L/∂h_j = w·d_j``
    (eq. 37). Cases with a prediction: ``w = β w_i`` with ``β > 0`` is unit
    replication of i with ``γ = (1, 0)`` (stationarity kept; type-1 minimality
    kept iff ``F_i ≡ 0``, Proposition 4.9); ``w`` orthogonal to every ``x_k``
    (``w = 0`` included) is an orthogonal unit with ``h = 0`` (stationarity kept,
    Appendix M.1); zero loss; a non-stationary or non-type-1 original.

    Examples
    --------
    >>> from exactland.builtin.examples import load_example
    >>> p = load_example("final-minimum")
    >>> pr = predict_inactive_propagation(p, [-2, "7/5"])    # 2 w_0
    >>> pr.stationary, pr.type1_minimum
    (True, False)
    """
    wv = exact_vector(w, "w", problem.dim)
    cert = base_certificate(problem, base, budget)
    for pred in (_common(cert), _zero_loss(cert)):
        if pred is not None:
            return pred
    is_t1 = cert.verdict is Verdict.TYPE_1_MINIMUM
    rep = _positive_multiple(wv, problem)
    if rep is not None:
        i, beta = rep
        flat = tangentially_flat(problem, i)
        rule = (
            f"Appendix N: w = {to_str(beta)} w_{i}, so the unit is a replica of neuron {i} with "
            "gamma = 0 (replication with beta = (1, " + to_str(beta) + "), gamma = (1, 0)); "
            "Proposition 4.9: stationarity kept (gamma >= 0); "
        )
        if is_t1:
            rule += (
                f"F_{i} == 0, type-1 minimality kept" if flat else
                f"F_{i} != 0 and gamma has a 0, type-1 minimality lost (the unit is an escape neuron)"
            )
            return Prediction(True, flat, rule)
        return Prediction(True, False, rule + _old_escapes(cert))
    t1 = None if is_t1 else False
    trule = (
        "type-1 minimality: no general prediction (Appendix N: the unit is 'highly possibly' "
        "an escape neuron)" if is_t1 else _old_escapes(cert)
    )
    if all(dot(wv, x) == 0 for x in problem.X):
        return Prediction(
            True, t1,
            "Appendix N / M.1: w is orthogonal to every x_k, so the unit is an orthogonal unit "
            f"with h = 0 and dL/dh = w . d_j = 0: stationarity kept; {trule}",
        )
    return Prediction(
        None, t1,
        "Appendix N: dL/dh_j of the unit is w . d_j (eq. 37), nonzero in general: no "
        f"prediction of stationarity; {trule}",
    )

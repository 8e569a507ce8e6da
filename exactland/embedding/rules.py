"""The paper's predictions for network embeddings (Section 4.3, Appendices L–O).

What Proposition 4.9 (unit replication), Proposition M.1 / Remark M.2
(negative units) and the case analyses of Appendices M.1 (orthogonal units)
and N (inactive propagation) predict about stationarity (Definition 3.3) and
type-1 minimality (stationary without escape neurons, Theorem 4.2) of the
embedded point, from the original point's certificate and, where the rule
needs it, the exact test ``F_i ≡ 0`` ("all tangential derivatives of ``w_i``
vanish"). ``None`` marks the cases where the paper makes no general claim.
:mod:`exactland.embedding.operations` applies the embeddings and compares these
predictions with fresh certificates.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from exactland.core.certificate import Certificate, Verdict
from exactland.core.classify import DEFAULT_BUDGET, certify
from exactland.errors import InputError, ShapeError
from exactland.core.kinks import neuron_data
from exactland.exact.linalg import dot
from exactland.core.network import evaluate
from exactland.exact.scalars import parse_exact, sign, to_str
from exactland.core.problem import Problem

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

Vector = tuple[Any, ...]


# ----------------------------------------------------------------- predictions and certified status
@dataclass(frozen=True)
class Prediction:
    """What the paper predicts for the embedded point.

    Attributes
    ----------
    stationary : bool or None
        Definition 3.3 after the embedding; None where the paper makes no
        general prediction.
    type1_minimum : bool or None
        Stationary without escape neurons (Theorem 4.2) after the embedding.
    rule : str
        The proposition or case analysis applied, with the case that fired.
    """

    stationary: bool | None
    type1_minimum: bool | None
    rule: str

    def to_dict(self) -> dict[str, Any]:
        """``{"stationary", "type1_minimum", "rule"}`` (JSON-ready)."""
        return {"stationary": self.stationary, "type1_minimum": self.type1_minimum, "rule": self.rule}


def certified_status(cert: Certificate) -> tuple[bool | None, bool | None]:
    """``(stationary, type-1 minimum)`` as decided by a certificate.

    A point is a type-1 minimum iff it is stationary without escape neurons
    (Theorem 4.2): True for the verdict ``type-1-minimum``, False when the
    point is not stationary or has an escape neuron (whatever the verdict,
    ``undecided`` multi-output points included), None when the certificate
    did not decide stationarity (budget exhausted).

    Examples
    --------
    >>> import exactland
    >>> certified_status(exactland.certify(exactland.examples.load_example("origin-saddle")))
    (True, False)
    """
    if cert.verdict is Verdict.TYPE_1_MINIMUM:
        return True, True
    if cert.stationary is False or cert.escape_neurons:
        return cert.stationary, False
    return cert.stationary, None


def disagreements(pred: Prediction, cert: Certificate) -> tuple[str, ...]:
    """One line per non-null prediction that a decided certificate contradicts."""
    stat, t1 = certified_status(cert)
    out = []
    if pred.stationary is not None and stat is not None and pred.stationary != stat:
        out.append(f"predicted stationary = {pred.stationary}, certificate: {stat} (verdict {cert.verdict.value})")
    if pred.type1_minimum is not None and t1 is not None and pred.type1_minimum != t1:
        out.append(
            f"predicted type-1 minimum = {pred.type1_minimum}, certificate: {t1} "
            f"(verdict {cert.verdict.value}, escape neurons {list(cert.escape_neurons)})"
        )
    return tuple(out)


# ----------------------------------------------------------------- helpers
def _vector(values: Sequence[Any], name: str, length: int | None = None) -> Vector:
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise ShapeError("must be a list of exact numbers", name)
    if length is not None and len(values) != length:
        raise ShapeError(f"expected {length} entries, got {len(values)}", name)
    return tuple(parse_exact(x, f"{name}[{n}]") for n, x in enumerate(values))


def _neuron(problem: Problem, neuron: Any) -> int:
    if isinstance(neuron, bool) or not isinstance(neuron, int):
        raise InputError(f"must be an integer neuron index, got {neuron!r}", "neuron")
    if not 0 <= neuron < problem.n_neurons:
        raise InputError(
            f"no neuron {neuron}: indices are 0-based, |I| = {problem.n_neurons}", "neuron"
        )
    return neuron


def _fmt(v: Sequence[Any]) -> str:
    return "(" + ", ".join(to_str(x) for x in v) + ")"


def tangentially_flat(problem: Problem, neuron: int) -> bool:
    """Whether all tangential derivatives of ``w_i`` vanish: ``F_i ≡ 0``.

    ``∂L/∂s_i = F_i(v)`` (eq. 6) is a piecewise-linear form on the tangent
    space; ``F_i ≡ 0`` is an exact coefficient test (condition (1) of
    Proposition 4.9).

    Examples
    --------
    >>> from exactland.builtin.examples import load_example
    >>> p = load_example("final-minimum")   # neuron 0 sits on the kink of x_5
    >>> tangentially_flat(p, 0), tangentially_flat(p, 1)
    (False, True)
    """
    return neuron_data(evaluate(problem), _neuron(problem, neuron)).F.is_zero()


def fukumizu_f_matrix(problem: Problem, neuron: int) -> tuple[Vector, ...]:
    """Fukumizu et al.'s F matrix of a kink-free neuron (eq. 41), as columns.

    ``F_{:,j} = Σ_k e_kj ∂rho(x_k·w_i)/∂w_i = d_ji`` (for ReLU-like rho the
    derivative is ``a⁺x_k`` or ``a⁻x_k``). Lemma O.1: at a type-1 minimum
    every kink-free neuron has ``d_ji = 0``, so this matrix is zero and
    Theorem 10 of Fukumizu et al. (2019) says nothing there (Appendix O).

    Returns
    -------
    tuple of vectors
        Column j is ``d_ji`` (length d), for j in J.

    Raises
    ------
    InputError
        If some ``w_i·x_k = 0`` (eq. 40, the assumption of their theorem).

    Examples
    --------
    >>> from exactland.builtin.examples import load_example
    >>> fukumizu_f_matrix(load_example("final-minimum"), 1)
    ((0, 0),)
    """
    nd = neuron_data(evaluate(problem), _neuron(problem, neuron))
    if nd.kink_set:
        raise InputError(
            f"w_{neuron} is orthogonal to x_k for k in {list(nd.kink_set)}: the F matrix "
            "of Fukumizu et al. (eq. 41) needs w·x_k != 0 for every k (eq. 40)",
            "neuron",
        )
    return nd.d


def _base(problem: Problem, base: Certificate | None, budget: int) -> Certificate:
    """The original point's certificate: ``base`` (checked to be about ``problem``) or a fresh one."""
    if base is None:
        return certify(problem, budget=budget)
    if base.problem != problem:
        raise InputError("the given certificate is not about this problem", "base")
    return base


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
    i0 = _neuron(problem, neuron)
    g = _vector(gamma, "gamma")
    cert = _base(problem, base, budget)
    common = _common(cert)
    if common is not None:
        return common
    flat = tangentially_flat(problem, i0)
    nonneg = all(sign(x) >= 0 for x in g)
    pos = all(sign(x) > 0 for x in g)
    gs = _fmt(g)
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
    hv = _vector(h, "h", problem.n_outputs)
    cert = _base(problem, base, budget)
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
    cert = _base(problem, base, budget)
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
    wv = _vector(w, "w", problem.dim)
    cert = _base(problem, base, budget)
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

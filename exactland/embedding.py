"""Network embedding (Section 4.3, Appendices L–O): apply, predict, certify.

Four ways of instantiating a network inside a wider one without changing the
network function on the training inputs (Section 4.3, following Fukumizu et
al., 2019), each applied exactly:

* **unit replication** (Figure 5): neuron ``i₀`` is replaced by replicas
  ``w = β_l w_{i₀}``, ``h_{·} = γ_l h_{·i₀}`` with ``β_l > 0`` and
  ``Σ_l β_l γ_l = 1``;
* **orthogonal units** (Appendix M, (2-1)): ``w·x_k = 0`` for every k, any h;
* **negative units** (Appendix M, (2-2)): ``a⁻ = 0`` and ``w·x_k < 0`` for
  every k, any h;
* **inactive propagation** (Appendix N): any w, ``h = 0``.

For each the paper's prediction (:class:`Prediction`) is stated —
Proposition 4.9 for replication, Proposition M.1 / Remark M.2 for negative
units, the case analyses of Appendices M.1 and N for the others, ``None``
where the paper makes no general claim — and compared with a fresh exact
certificate of the embedded point (:class:`EmbeddingResult`). Index
convention (0-based): the replicas of ``i₀`` take index ``i₀`` followed by
new indices at the end; an added unit gets index ``|I|``.

The split procedure of Section 4.3's closing remark lives in
:mod:`exactland.split`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from .certificate import Certificate, Verdict
from .certify import DEFAULT_BUDGET, certify
from .errors import InputError, ShapeError
from .kinks import neuron_data
from .linalg import dot
from .network import evaluate
from .numbers import parse_exact, sign, to_str
from .problem import Problem

__all__ = [
    "Prediction",
    "EmbeddingResult",
    "replicate",
    "add_orthogonal_unit",
    "add_negative_unit",
    "inactive_propagation",
    "predict_replication",
    "predict_orthogonal_unit",
    "predict_negative_unit",
    "predict_inactive_propagation",
    "certified_status",
    "tangentially_flat",
    "fukumizu_f_matrix",
]

Vector = tuple[Any, ...]


# ----------------------------------------------------------------- results
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


@dataclass(frozen=True)
class EmbeddingResult:
    """An exact embedding, the paper's prediction and a fresh certificate.

    Attributes
    ----------
    operation : str
        ``"replicate"``, ``"orthogonal-unit"``, ``"negative-unit"`` or
        ``"inactive-propagation"``.
    original : Problem
        The narrower point.
    problem : Problem
        The embedded (wider) point; same data, same network function on the
        training inputs (checked exactly).
    new_neurons : tuple of int
        Indices of the replicas (``i₀`` first) or of the added unit.
    prediction : Prediction or None
        None when the comparison was not requested.
    base_certificate : Certificate or None
        Certificate of the original point (the premise of the prediction).
    certificate : Certificate or None
        Fresh certificate of the embedded point.
    agree : bool or None
        False iff some non-null prediction contradicts what the certificate
        decided; None when not compared.
    """

    operation: str
    original: Problem
    problem: Problem
    new_neurons: tuple[int, ...]
    prediction: Prediction | None
    base_certificate: Certificate | None
    certificate: Certificate | None
    agree: bool | None

    def disagreements(self) -> tuple[str, ...]:
        """One line per contradicted prediction (empty when they agree)."""
        if self.prediction is None or self.certificate is None:
            return ()
        return _disagreements(self.prediction, self.certificate)

    def to_dict(self) -> dict[str, Any]:
        """``{"problem", "predicted", "certificate", "agree"}`` (the CLI's ``--json``)."""
        return {
            "problem": self.problem.to_dict(),
            "predicted": None if self.prediction is None else self.prediction.to_dict(),
            "certificate": None if self.certificate is None else self.certificate.to_dict(),
            "agree": self.agree,
        }


def _disagreements(pred: Prediction, cert: Certificate) -> tuple[str, ...]:
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


def _check_function_kept(original: Problem, embedded: Problem) -> None:
    """Refuse unless ``ŷ_k`` is unchanged on every training input (exact)."""
    a, b = evaluate(original).residuals(), evaluate(embedded).residuals()
    for k, (ra, rb) in enumerate(zip(a, b)):
        if ra != rb:
            raise InputError(
                f"the embedding changes the network output on training input x_{k} "
                f"(residual {_fmt(ra)} becomes {_fmt(rb)})",
                "embedding",
            )


def _with_unit(problem: Problem, w: Vector, h: Vector) -> Problem:
    W = [list(r) for r in problem.W] + [list(w)]
    H = [list(row) + [hj] for row, hj in zip(problem.H, h)]
    return problem.with_params(W, H)


def tangentially_flat(problem: Problem, neuron: int) -> bool:
    """Whether all tangential derivatives of ``w_i`` vanish: ``F_i ≡ 0``.

    ``∂L/∂s_i = F_i(v)`` (eq. 6) is a piecewise-linear form on the tangent
    space; ``F_i ≡ 0`` is an exact coefficient test (condition (1) of
    Proposition 4.9).

    Examples
    --------
    >>> from exactland.examples import load_example
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
    >>> from exactland.examples import load_example
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
    return base if base is not None else certify(problem, budget=budget)


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


# ----------------------------------------------------------------- replication
def _check_replication(problem: Problem, neuron: int, beta: Any, gamma: Any) -> tuple[int, Vector, Vector]:
    i0 = _neuron(problem, neuron)
    b = _vector(beta, "beta")
    g = _vector(gamma, "gamma", len(b))
    if not b:
        raise ShapeError("unit replication needs at least one replica", "beta")
    for l, x in enumerate(b):
        if sign(x) <= 0:
            raise InputError(
                f"beta_{l} = {to_str(x)}: unit replication needs beta_l > 0 (Section 4.3)",
                f"beta[{l}]",
            )
    total = sum((x * y for x, y in zip(b, g)), b[0] - b[0])
    if total != 1:
        raise InputError(
            f"sum_l beta_l gamma_l = {to_str(total)} != 1: the network function would change "
            "(Section 4.3 requires sum_l beta_l gamma_l = 1)",
            "gamma",
        )
    return i0, b, g


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
    >>> from exactland.examples import load_example
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


def replicate(
    problem: Problem,
    neuron: int,
    beta: Sequence[Any],
    gamma: Sequence[Any],
    *,
    compare: bool = True,
    base: Certificate | None = None,
    budget: int = DEFAULT_BUDGET,
) -> EmbeddingResult:
    """Unit replication of neuron ``i₀`` (Section 4.3, Figure 5), exactly.

    Replica l gets ``w = β_l w_{i₀}`` and ``h_{j·} = γ_l h_{ji₀}``; replica 0
    keeps index ``i₀``, the others are appended at the end.

    Parameters
    ----------
    problem : Problem
    neuron : int
        ``i₀``, 0-based.
    beta, gamma : sequences of exact numbers (equal length L ≥ 1)
        ``β_l > 0`` and ``Σ_l β_l γ_l = 1``, else the network function changes.
    compare : bool, default True
        State Proposition 4.9's prediction and certify the embedded point.
    base : Certificate, optional
        Certificate of the original point (computed when needed and omitted).
    budget : int
        Budget of both certifications (:func:`exactland.certify`).

    Returns
    -------
    EmbeddingResult

    Raises
    ------
    InputError
        A neuron index out of range, some ``β_l ≤ 0``, ``Σ β_l γ_l != 1``.

    Examples
    --------
    >>> from exactland.examples import load_example
    >>> r = replicate(load_example("final-minimum"), 0, [1, 1], [1, 0])
    >>> r.new_neurons, r.prediction.type1_minimum, r.certificate.verdict.value, r.agree
    ((0, 3), False, 'saddle', True)
    """
    i0, b, g = _check_replication(problem, neuron, beta, gamma)
    W = [list(r) for r in problem.W]
    H = [list(r) for r in problem.H]
    w0, h0 = problem.W[i0], problem.h_column(i0)
    W[i0] = [b[0] * c for c in w0]
    for j, row in enumerate(H):
        row[i0] = g[0] * h0[j]
    for bl, gl in zip(b[1:], g[1:]):
        W.append([bl * c for c in w0])
        for j, row in enumerate(H):
            row.append(gl * h0[j])
    embedded = problem.with_params(W, H)
    _check_function_kept(problem, embedded)
    new = (i0,) + tuple(range(problem.n_neurons, embedded.n_neurons))
    if not compare:
        return EmbeddingResult("replicate", problem, embedded, new, None, base, None, None)
    cert0 = _base(problem, base, budget)
    pred = predict_replication(problem, i0, g, base=cert0, budget=budget)
    return _finish("replicate", problem, embedded, new, pred, cert0, budget)


def _finish(
    op: str, problem: Problem, embedded: Problem, new: tuple[int, ...],
    pred: Prediction, base: Certificate, budget: int,
) -> EmbeddingResult:
    cert = certify(embedded, budget=budget)
    agree = not _disagreements(pred, cert)
    return EmbeddingResult(op, problem, embedded, new, pred, base, cert, agree)


# ----------------------------------------------------------------- inactive units
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
    >>> from exactland.examples import load_example
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


def add_orthogonal_unit(
    problem: Problem, w: Sequence[Any], h: Sequence[Any], *, compare: bool = True,
    base: Certificate | None = None, budget: int = DEFAULT_BUDGET,
) -> EmbeddingResult:
    """Add an orthogonal unit (Appendix M, (2-1)): ``w·x_k = 0`` for every k.

    Parameters
    ----------
    problem : Problem
    w : sequence of d exact numbers
        Orthogonal to every training input (``w = 0`` qualifies).
    h : sequence of |J| exact numbers
        Any output weights.
    compare, base, budget
        As in :func:`replicate`.

    Raises
    ------
    InputError
        Some ``w·x_k != 0`` (the output at ``x_k`` would change).

    Examples
    --------
    >>> from exactland.examples import load_example
    >>> r = add_orthogonal_unit(load_example("interpolating-minimum"), [0, 0], [5])
    >>> r.new_neurons, r.prediction.type1_minimum, r.certificate.verdict.value
    ((5,), True, 'type-1-minimum')
    """
    wv = _vector(w, "w", problem.dim)
    hv = _vector(h, "h", problem.n_outputs)
    for k, x in enumerate(problem.X):
        z = dot(wv, x)
        if z != 0:
            raise InputError(
                f"not an orthogonal unit: w . x_{k} = {to_str(z)} != 0 (Appendix M requires "
                "w . x_k = 0 for every training input)",
                "w",
            )
    embedded = _with_unit(problem, wv, hv)
    _check_function_kept(problem, embedded)
    new = (problem.n_neurons,)
    if not compare:
        return EmbeddingResult("orthogonal-unit", problem, embedded, new, None, base, None, None)
    cert0 = _base(problem, base, budget)
    pred = predict_orthogonal_unit(problem, hv, base=cert0, budget=budget)
    return _finish("orthogonal-unit", problem, embedded, new, pred, cert0, budget)


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
    >>> from exactland.examples import load_example
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


def add_negative_unit(
    problem: Problem, w: Sequence[Any], h: Sequence[Any], *, compare: bool = True,
    base: Certificate | None = None, budget: int = DEFAULT_BUDGET,
) -> EmbeddingResult:
    """Add a negative unit (Appendix M, (2-2)): ``a⁻ = 0`` and ``w·x_k < 0`` for all k.

    Parameters
    ----------
    problem : Problem
    w : sequence of d exact numbers
    h : sequence of |J| exact numbers
    compare, base, budget
        As in :func:`replicate`.

    Raises
    ------
    InputError
        ``a⁻ != 0`` (the unit would contribute ``a⁻ w·x_k``), or some
        ``w·x_k ≥ 0``.

    Examples
    --------
    >>> from exactland.examples import load_example
    >>> r = add_negative_unit(load_example("final-minimum"), [0, -1], [7])
    >>> r.prediction.type1_minimum, r.certificate.verdict.value, r.agree
    (True, 'type-1-minimum', True)
    """
    act = problem.activation
    if act.alpha_minus != 0:
        raise InputError(
            f"negative units need alpha_minus = 0 (Appendix M, (2-2)); here alpha_minus = "
            f"{to_str(act.alpha_minus)}, so the unit would output alpha_minus w . x_k != 0",
            "activation",
        )
    wv = _vector(w, "w", problem.dim)
    hv = _vector(h, "h", problem.n_outputs)
    for k, x in enumerate(problem.X):
        z = dot(wv, x)
        if sign(z) >= 0:
            raise InputError(
                f"not a negative unit: w . x_{k} = {to_str(z)} >= 0 (Appendix M requires "
                "w . x_k < 0 for every training input)",
                "w",
            )
    embedded = _with_unit(problem, wv, hv)
    _check_function_kept(problem, embedded)
    new = (problem.n_neurons,)
    if not compare:
        return EmbeddingResult("negative-unit", problem, embedded, new, None, base, None, None)
    cert0 = _base(problem, base, budget)
    pred = predict_negative_unit(problem, base=cert0, budget=budget)
    return _finish("negative-unit", problem, embedded, new, pred, cert0, budget)


# ----------------------------------------------------------------- inactive propagation
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
    >>> from exactland.examples import load_example
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


def inactive_propagation(
    problem: Problem, w: Sequence[Any], *, compare: bool = True,
    base: Certificate | None = None, budget: int = DEFAULT_BUDGET,
) -> EmbeddingResult:
    """Add a unit with inactive propagation (Appendix N): any w, ``h = 0``.

    Parameters
    ----------
    problem : Problem
    w : sequence of d exact numbers
    compare, base, budget
        As in :func:`replicate`.

    Examples
    --------
    >>> from exactland.examples import load_example
    >>> r = inactive_propagation(load_example("final-minimum"), [-2, "7/5"])
    >>> r.prediction.stationary, r.certificate.verdict.value, r.agree
    (True, 'saddle', True)
    """
    wv = _vector(w, "w", problem.dim)
    hv = tuple(wv[0] - wv[0] for _ in range(problem.n_outputs))
    embedded = _with_unit(problem, wv, hv)
    _check_function_kept(problem, embedded)
    new = (problem.n_neurons,)
    if not compare:
        return EmbeddingResult("inactive-propagation", problem, embedded, new, None, base, None, None)
    cert0 = _base(problem, base, budget)
    pred = predict_inactive_propagation(problem, wv, base=cert0, budget=budget)
    return _finish("inactive-propagation", problem, embedded, new, pred, cert0, budget)

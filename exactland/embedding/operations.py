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

The predictions themselves live in :mod:`exactland.embedding.rules`, the
:class:`Prediction` type and its comparison with a certificate in
:mod:`exactland.embedding.prediction`, the per-neuron tests in
:mod:`exactland.embedding.tangential` (all re-exported here as part of this
module's public interface); the split procedure of Section 4.3's closing
remark is in :mod:`exactland.embedding.split`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from exactland.core.certificate import Certificate
from exactland.core.classify import DEFAULT_BUDGET, certify
from exactland.core.network import evaluate
from exactland.core.problem import Problem
from exactland.embedding.arguments import Vector, exact_vector, format_vector, neuron_index
from exactland.embedding.prediction import Prediction, base_certificate, certified_status, disagreements
from exactland.embedding.rules import (
    predict_inactive_propagation,
    predict_negative_unit,
    predict_orthogonal_unit,
    predict_replication,
)
from exactland.embedding.tangential import fukumizu_f_matrix, tangentially_flat
from exactland.errors import InputError, ShapeError
from exactland.exact.linalg import dot
from exactland.exact.scalars import sign, to_str

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
    "disagreements",
    "tangentially_flat",
    "fukumizu_f_matrix",
]


# ----------------------------------------------------------------- results
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
        return disagreements(self.prediction, self.certificate)

    def to_dict(self) -> dict[str, Any]:
        """``{"problem", "predicted", "certificate", "agree"}`` (the CLI's ``--json``)."""
        return {
            "problem": self.problem.to_dict(),
            "predicted": None if self.prediction is None else self.prediction.to_dict(),
            "certificate": None if self.certificate is None else self.certificate.to_dict(),
            "agree": self.agree,
        }


# ----------------------------------------------------------------- helpers
def _check_function_kept(original: Problem, embedded: Problem) -> None:
    """Refuse unless ``ŷ_k`` is unchanged on every training input (exact)."""
    a, b = evaluate(original).residuals(), evaluate(embedded).residuals()
    for k, (ra, rb) in enumerate(zip(a, b)):
        if ra != rb:
            raise InputError(
                f"the embedding changes the network output on training input x_{k} "
                f"(residual {format_vector(ra)} becomes {format_vector(rb)})",
                "embedding",
            )


def _with_unit(problem: Problem, w: Vector, h: Vector) -> Problem:
    W = [list(r) for r in problem.W] + [list(w)]
    H = [list(row) + [hj] for row, hj in zip(problem.H, h)]
    return problem.with_params(W, H, problem.b)


# ----------------------------------------------------------------- replication
def _check_replication(problem: Problem, neuron: int, beta: Any, gamma: Any) -> tuple[int, Vector, Vector]:
    i0 = neuron_index(problem, neuron)
    b = exact_vector(beta, "beta")
    g = exact_vector(gamma, "gamma", len(b))
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
        Budget of both certifications (:func:`exactland.core.classify`).

    Returns
    -------
    EmbeddingResult

    Raises
    ------
    InputError
        A neuron index out of range, some ``β_l ≤ 0``, ``Σ β_l γ_l != 1``.

    Examples
    --------
    >>> from exactland.builtin.examples import load_example
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
    embedded = problem.with_params(W, H, problem.b)
    _check_function_kept(problem, embedded)
    new = (i0,) + tuple(range(problem.n_neurons, embedded.n_neurons))
    if not compare:
        return EmbeddingResult("replicate", problem, embedded, new, None, base, None, None)
    cert0 = base_certificate(problem, base, budget)
    pred = predict_replication(problem, i0, g, base=cert0, budget=budget)
    return _finish("replicate", problem, embedded, new, pred, cert0, budget)


def _finish(
    op: str, problem: Problem, embedded: Problem, new: tuple[int, ...],
    pred: Prediction, base: Certificate, budget: int,
) -> EmbeddingResult:
    cert = certify(embedded, budget=budget)
    agree = not disagreements(pred, cert)
    return EmbeddingResult(op, problem, embedded, new, pred, base, cert, agree)


# ----------------------------------------------------------------- inactive units
def _one_unit(
    op: str, problem: Problem, wv: tuple[Any, ...], hv: tuple[Any, ...], compare: bool,
    base: Certificate | None, budget: int, predict: Any,
) -> EmbeddingResult:
    """Append one unit (w, h), check the network function, predict and certify."""
    embedded = _with_unit(problem, wv, hv)
    _check_function_kept(problem, embedded)
    new = (problem.n_neurons,)
    if not compare:
        return EmbeddingResult(op, problem, embedded, new, None, base, None, None)
    cert0 = base_certificate(problem, base, budget)
    return _finish(op, problem, embedded, new, predict(cert0), cert0, budget)


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
    >>> from exactland.builtin.examples import load_example
    >>> r = add_orthogonal_unit(load_example("interpolating-minimum"), [0, 0], [5])
    >>> r.new_neurons, r.prediction.type1_minimum, r.certificate.verdict.value
    ((5,), True, 'type-1-minimum')
    """
    wv = exact_vector(w, "w", problem.dim)
    hv = exact_vector(h, "h", problem.n_outputs)
    for k, x in enumerate(problem.X):
        z = dot(wv, x)
        if z != 0:
            raise InputError(
                f"not an orthogonal unit: w . x_{k} = {to_str(z)} != 0 (Appendix M requires "
                "w . x_k = 0 for every training input)",
                "w",
            )
    return _one_unit("orthogonal-unit", problem, wv, hv, compare, base, budget,
                     lambda c: predict_orthogonal_unit(problem, hv, base=c, budget=budget))


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
    >>> from exactland.builtin.examples import load_example
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
    wv = exact_vector(w, "w", problem.dim)
    hv = exact_vector(h, "h", problem.n_outputs)
    for k, x in enumerate(problem.X):
        z = dot(wv, x)
        if sign(z) >= 0:
            raise InputError(
                f"not a negative unit: w . x_{k} = {to_str(z)} >= 0 (Appendix M requires "
                "w . x_k < 0 for every training input)",
                "w",
            )
    return _one_unit("negative-unit", problem, wv, hv, compare, base, budget,
                     lambda c: predict_negative_unit(problem, base=c, budget=budget))


# ----------------------------------------------------------------- inactive propagation
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
    >>> from exactland.builtin.examples import load_example
    >>> r = inactive_propagation(load_example("final-minimum"), [-2, "7/5"])
    >>> r.prediction.stationary, r.certificate.verdict.value, r.agree
    (True, 'saddle', True)
    """
    wv = exact_vector(w, "w", problem.dim)
    hv = tuple(wv[0] - wv[0] for _ in range(problem.n_outputs))
    return _one_unit("inactive-propagation", problem, wv, hv, compare, base, budget,
                     lambda c: predict_inactive_propagation(problem, wv, base=c, budget=budget))

"""Escaping a bad minimum by widening the network (Section 4.3, closing remark).

"Simply replicate a neuron whose input weight has non-zero tangential
derivative and choose γ_l ≤ 0": at a type-1 minimum of a scalar-output
network (every local minimum there is of type 1, Theorem 4.2), Proposition 4.9
says such a replication destroys type-1 minimality — with some ``γ_l < 0`` the
point is not even stationary, with ``γ_l = 0`` (and the others ≥ 0) the replica
is an escape neuron and the point is a saddle (Appendix L.2, Theorem 4.2).
:func:`split` does this exactly:

1. certify the given point (it must be a type-1 minimum, |J| = 1);
2. pick a neuron with ``F_i ≢ 0`` (:func:`exactland.embedding.tangential.tangentially_flat`);
3. replicate it (default ``β = (1, 1)``, ``γ = (1, 0)``: the neuron itself plus a
   copy with zero output weight), state Proposition 4.9's prediction and certify
   the embedded point (a saddle, with the exact descent path of Appendix F.2);
4. follow the certificate's descent witness ``P' + tΔ``: the loss along the ray
   is piecewise quartic in t with breakpoints where a sample changes side, so an
   exact line search over the pieces picks a rational t (critical points are
   located in floating point and rounded on purpose; every candidate is
   evaluated exactly, and the witness t itself is always a candidate;
   :func:`exactland.embedding.line_search.ray_line_search`);
5. check ``L(P' + tΔ) < L(P)`` by a fresh exact evaluation;
6. optionally hand the lower-loss point to a ``continuation`` callable (the hook
   for the gradient-descent fast path) and evaluate its result exactly.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

from exactland.core.certificate import Certificate, Verdict
from exactland.core.classify import DEFAULT_BUDGET, certify
from exactland.core.kinks import neuron_data
from exactland.core.network import evaluate
from exactland.core.paths import PathWitness
from exactland.core.problem import Problem
from exactland.embedding.line_search import move_neuron, ray_line_search
from exactland.embedding.operations import EmbeddingResult, replicate
from exactland.errors import InputError, InternalError
from exactland.exact.scalars import parse_exact, sign, to_str

__all__ = ["SplitResult", "split", "ray_line_search"]

Continuation = Callable[[Problem], Problem]
"""Hook type: takes the exact lower-loss point, returns a point of the same data
(e.g. after gradient descent and exact snapping); its loss is evaluated exactly."""


@dataclass(frozen=True)
class SplitResult:
    """The outcome of :func:`split`.

    Attributes
    ----------
    original : Problem
        The type-1 minimum.
    base_certificate : Certificate
        Its certificate.
    neuron : int
        The replicated neuron ``i₀`` (``F_{i₀} ≢ 0``).
    beta, gamma : tuple
        The replication coefficients.
    embedding : EmbeddingResult
        The replicated point, Proposition 4.9's prediction, its certificate and
        ``agree``.
    descent : PathWitness
        The embedded certificate's exact descent witness (neuron, Δh, Δw).
    t : exact number
        The step along the witness direction chosen by the exact line search.
    point : Problem
        ``P' + tΔ``: the wider point of strictly lower loss.
    loss_before, loss_after : exact numbers
        ``L`` (eq. 2, ½ Σ squared residuals) at the original point and at ``point``,
        both by exact evaluation; ``loss_after < loss_before``.
    continued : Problem or None
        The continuation's result, if a continuation was given.
    continued_loss : exact number or None
        Its exact loss.
    """

    original: Problem
    base_certificate: Certificate
    neuron: int
    beta: tuple[Any, ...]
    gamma: tuple[Any, ...]
    embedding: EmbeddingResult
    descent: PathWitness
    t: Any
    point: Problem
    loss_before: Any
    loss_after: Any
    continued: Problem | None
    continued_loss: Any

    @property
    def final_loss(self) -> Any:
        """The continuation's loss when there is one, else ``loss_after``."""
        return self.loss_after if self.continued_loss is None else self.continued_loss

    def mse(self, loss: Any) -> Any:
        """The paper's training metric ``MSE = 2L/(|K||J|)`` (docs/mathematics.md §1)."""
        p = self.original
        return 2 * loss / (p.n_samples * p.n_outputs)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (every exact number a string)."""
        d = self.descent
        return {
            "neuron": self.neuron,
            "beta": [to_str(x) for x in self.beta],
            "gamma": [to_str(x) for x in self.gamma],
            "embedded": self.embedding.to_dict(),
            "descent": {
                "neuron": d.neuron,
                "dh": [to_str(x) for x in d.dh],
                "dw": [to_str(x) for x in d.dw],
                "witness_t": to_str(d.t),
                "witness_loss": to_str(d.loss),
            },
            "t": to_str(self.t),
            "point": self.point.to_dict(),
            "loss_before": to_str(self.loss_before),
            "loss_after": to_str(self.loss_after),
            "mse_before": to_str(self.mse(self.loss_before)),
            "mse_after": to_str(self.mse(self.loss_after)),
            "continued": None if self.continued is None else {
                "problem": self.continued.to_dict(),
                "loss": to_str(self.continued_loss),
                "mse": to_str(self.mse(self.continued_loss)),
            },
        }


# ----------------------------------------------------------------- following the witness
def _follow(
    problem: Problem, base: Certificate, i0: int, beta: tuple[Any, ...], gamma: tuple[Any, ...],
    budget: int, line_search: bool,
) -> tuple[EmbeddingResult, PathWitness, Any, Problem, Any]:
    """Replicate ``i0``, follow the embedded certificate's descent witness, evaluate exactly."""
    emb = replicate(problem, i0, beta, gamma, base=base, budget=budget)
    cert = emb.certificate
    if cert is None:  # pragma: no cover - replicate certifies when compare=True
        raise InternalError("replicate(compare=True) returned no certificate")
    pw = cert.descent
    if pw is None or cert.verdict not in (Verdict.SADDLE, Verdict.NOT_STATIONARY):
        clash = "; ".join(emb.disagreements())
        raise InputError(
            f"the replicated point has no exact descent witness (verdict {cert.verdict.value})"
            + (f"; DISAGREEMENT with the paper's prediction: {clash}" if clash else ""),
            "split",
        )
    t, val = pw.t, pw.loss
    if line_search:
        t2, val2 = ray_line_search(emb.problem, pw.neuron, pw.dh, pw.dw)
        if val2 < val:
            t, val = t2, val2
    point = move_neuron(emb.problem, pw.neuron, pw.dh, pw.dw, t)
    loss = evaluate(point).loss
    if loss != val:  # pragma: no cover - two exact routes must agree
        raise InternalError(f"line-search value {val} != exact loss {loss}")
    return emb, pw, t, point, loss


# ----------------------------------------------------------------- checks of split's arguments
def _coefficients(
    problem: Problem, beta: Sequence[Any], gamma: Sequence[Any]
) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """Parsed ``(β, γ)``; refuses |J| > 1 and an all-positive γ (nothing to escape with)."""
    if problem.n_outputs != 1:
        raise InputError(
            f"split is for scalar-output networks (|J| = {problem.n_outputs}); with |J| > 1 "
            "an escape neuron need not give a descent (Appendix F.2.1)", "problem")
    b = tuple(parse_exact(x, f"beta[{n}]") for n, x in enumerate(beta))
    g = tuple(parse_exact(x, f"gamma[{n}]") for n, x in enumerate(gamma))
    if g and all(sign(x) > 0 for x in g):
        raise InputError(
            "every gamma_l > 0: by Proposition 4.9 the type-1 minimum is kept; split needs "
            "some gamma_l <= 0", "gamma")
    return b, g


def _type1_certificate(problem: Problem, base: Certificate | None, budget: int) -> Certificate:
    """``base`` or a fresh certificate; refuses anything but a type-1 minimum."""
    cert = base if base is not None else certify(problem, budget=budget)
    if cert.verdict is not Verdict.TYPE_1_MINIMUM:
        raise InputError(
            f"the point is not a type-1 minimum (verdict {cert.verdict.value}); split starts "
            "from a type-1 minimum — at a saddle or non-stationary point follow the "
            "certificate's descent witness instead", "problem")
    return cert


def _candidate_neurons(problem: Problem, neuron: int | None) -> list[int]:
    """The neurons to try: ``[neuron]`` if given, else every neuron with ``F_i ≢ 0``."""
    ev = evaluate(problem)
    flat = [neuron_data(ev, i).F.is_zero() for i in range(problem.n_neurons)]
    if neuron is not None:
        if isinstance(neuron, bool) or not isinstance(neuron, int) or not 0 <= neuron < problem.n_neurons:
            raise InputError(f"no neuron {neuron!r}: indices are 0-based, |I| = {problem.n_neurons}", "neuron")
        if flat[neuron]:
            raise InputError(
                f"all tangential derivatives of w_{neuron} vanish (F_{neuron} == 0): by "
                "Proposition 4.9 replicating it keeps the type-1 minimum", "neuron")
        return [neuron]
    candidates = [i for i, f in enumerate(flat) if not f]
    if not candidates:
        raise InputError(
            "every neuron has F_i == 0 (all tangential derivatives vanish): by "
            "Proposition 4.9 no unit replication destroys this type-1 minimum", "problem")
    return candidates


def _continue(point: Problem, continuation: Continuation | None) -> tuple[Problem | None, Any]:
    """The continuation's result and its exact loss (``(None, None)`` without one)."""
    if continuation is None:
        return None, None
    cont = continuation(point)
    if not isinstance(cont, Problem) or (cont.activation, cont.X, cont.Y) != (
        point.activation, point.X, point.Y
    ):
        raise InputError("the continuation must return a Problem on the same data", "continuation")
    return cont, evaluate(cont).loss


# ----------------------------------------------------------------- split
def split(
    problem: Problem,
    *,
    neuron: int | None = None,
    beta: Sequence[Any] = (1, 1),
    gamma: Sequence[Any] = (1, 0),
    budget: int = DEFAULT_BUDGET,
    line_search: bool = True,
    continuation: Continuation | None = None,
    base: Certificate | None = None,
) -> SplitResult:
    """Escape a type-1 minimum by unit replication (Section 4.3, closing remark).

    Parameters
    ----------
    problem : Problem
        A type-1 minimum of a scalar-output network.
    neuron : int, optional
        The neuron to replicate; it must have ``F_i ≢ 0`` (a nonzero tangential
        derivative). By default every such neuron is tried and the one reaching
        the lowest loss is kept.
    beta, gamma : sequences of exact numbers
        Replication coefficients (``β_l > 0``, ``Σ β_l γ_l = 1``, some ``γ_l ≤ 0``).
        Default ``(1, 1), (1, 0)``: keep the neuron and add a copy with zero output
        weight (a saddle by Proposition 4.9); a negative ``γ_l`` gives a
        non-stationary point instead.
    budget : int
        Certification budget.
    line_search : bool, default True
        Search the witness ray exactly (:func:`ray_line_search`) instead of
        stopping at the certificate's witness point.
    continuation : callable, optional
        Hook for the gradient-descent fast path: called with the exact lower-loss
        point, must return a :class:`~exactland.core.problem.Problem` on the same data
        (e.g. a GD run followed by exact snapping); its loss is evaluated exactly
        and reported as ``continued_loss``. Not called when omitted.
    base : Certificate, optional
        The certificate of ``problem`` if already at hand.

    Returns
    -------
    SplitResult

    Raises
    ------
    InputError
        |J| > 1; the point is not a type-1 minimum; no neuron (or not the chosen
        one) has a nonzero tangential derivative — then Proposition 4.9 says every
        replication keeps the minimum; every ``γ_l > 0``; a continuation that does
        not return a problem on the same data.

    Examples
    --------
    >>> from exactland.builtin.examples import load_example
    >>> r = split(load_example("final-minimum"))
    >>> r.neuron, r.embedding.certificate.verdict.value, r.loss_after < r.loss_before
    (0, 'saddle', True)
    """
    b, g = _coefficients(problem, beta, gamma)
    cert0 = _type1_certificate(problem, base, budget)
    best = None
    for i0 in _candidate_neurons(problem, neuron):
        out = _follow(problem, cert0, i0, b, g, budget, line_search)
        if best is None or out[4] < best[1][4]:
            best = (i0, out)
    if best is None:  # pragma: no cover - _candidate_neurons never returns an empty list
        raise InternalError("split tried no neuron")
    i0, (emb, pw, t, point, loss) = best
    if not loss < cert0.loss:  # pragma: no cover - guaranteed by the witness
        raise InternalError("the descent witness did not lower the loss")
    cont, cont_loss = _continue(point, continuation)
    return SplitResult(problem, cert0, i0, b, g, emb, pw, t, point, cert0.loss, loss, cont, cont_loss)

"""Generated exact stationary points with a known verdict (teacher construction).

The construction (ReLU, scalar output) makes stationarity hold *by design*,
so tests and benchmarks get large instances whose verdict is known without
running the certifier:

* inputs ``x_k = (x'_k, 1)`` with a constant last coordinate (a bias);
* "living" neurons ``w = (u, β)`` with ``u`` componentwise positive, and
  "kink" neurons ``w = (u, −u·x'_k)`` that sit exactly on the kink of a chosen
  fitted sample k;
* fitted samples get the teacher's own output as target (residual 0);
* "unfittable" samples ``x'_u = −s·(1, …, 1) + noise`` lie strictly on the
  negative side of every living and kink neuron, so their residuals
  ``e_u = −y_u ≠ 0`` never enter any ``d_ji`` (``a⁻ = 0``);
* dead neurons ``w = (u, −B)`` are negative on every sample; zero neurons
  ``w = 0, h = 0``.

Then ``d_ji = 0`` and every kink sample has residual 0, so every living, kink
and dead neuron has ``F_i ≡ 0`` and ``φ_i ≡ 0``: the point is stationary and
none of them is an escape neuron. A zero neuron has
``φ(v) = Σ_u e_u rho(x_u·v) ≢ 0``: it is an escape neuron. Hence the verdict
is ``saddle`` iff ``n_zero > 0`` (and unfittable samples exist), otherwise
``type-1-minimum``; with no unfittable sample the loss is 0.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

from flint import fmpq

from exactland.core.activation import Activation
from exactland.core.problem import Problem
from exactland.errors import InputError, InternalError

__all__ = ["TeacherInstance", "teacher_stationary_point"]

Point = tuple[fmpq, ...]


@dataclass(frozen=True)
class TeacherInstance:
    """A generated problem and the facts known by construction.

    Attributes
    ----------
    problem : Problem
    living, kink, dead, zero : tuple of int
        Neuron indices of each kind.
    unfit : tuple of int
        Samples with nonzero residual.
    kink_of : dict
        For each kink neuron, the sample on its kink.
    """

    problem: Problem
    living: tuple[int, ...]
    kink: tuple[int, ...]
    dead: tuple[int, ...]
    zero: tuple[int, ...]
    unfit: tuple[int, ...]
    kink_of: dict[int, int]


def _inputs(rng: random.Random, dim: int, n_fitted: int, n_unfit: int) -> tuple[list[Point], list[Point]]:
    """Fitted inputs ``x'`` in [-1, 1]^(d-1), then unfittable ones near ``-10·(1, …, 1)``."""
    fitted = [tuple(fmpq(rng.randint(-100, 100), 100) for _ in range(dim - 1)) for _ in range(n_fitted)]
    unfit = [tuple(fmpq(-1000 + rng.randint(-50, 50), 100) for _ in range(dim - 1)) for _ in range(n_unfit)]
    return fitted, unfit


def _input_weights(
    rng: random.Random, dim: int, fitted: list[Point], counts: dict[str, int]
) -> tuple[list[Point], dict[str, list[int]], dict[int, int]]:
    """Input weights of the living, kink, dead and zero neurons (in this order).

    Returns ``(W, kinds, kink_of)``: the weights, the indices of each kind and,
    for each kink neuron, the fitted sample on its kink.
    """
    W: list[Point] = []
    kinds: dict[str, list[int]] = {"living": [], "kink": [], "dead": [], "zero": []}
    kink_of: dict[int, int] = {}

    def posvec() -> Point:
        return tuple(fmpq(rng.randint(1, 9), 2) for _ in range(dim - 1))

    for _ in range(counts["living"]):
        kinds["living"].append(len(W))
        W.append(posvec() + (fmpq(rng.randint(-100, 100), 100),))
    for _ in range(counts["kink"]):
        k = rng.randrange(len(fitted))
        u = posvec()
        kinds["kink"].append(len(W))
        kink_of[len(W)] = k
        W.append(u + (-sum((a * b for a, b in zip(u, fitted[k])), fmpq(0)),))
    for _ in range(counts["dead"]):
        kinds["dead"].append(len(W))
        u = tuple(fmpq(rng.randint(-3, 3)) for _ in range(dim - 1))
        W.append(u + (fmpq(-(3 * 101 * (dim - 1) + 1)),))
    for _ in range(counts["zero"]):
        kinds["zero"].append(len(W))
        W.append((fmpq(0),) * dim)
    return W, kinds, kink_of


def _check_unfit_inactive(W: list[Point], unfit: list[Point]) -> None:
    """The construction's invariant: every nonzero neuron is negative on every unfittable sample."""
    for u in unfit:
        for w in W:
            if not (sum((a * b for a, b in zip(w, u + (fmpq(1),))), fmpq(0)) < 0 or all(c == 0 for c in w)):
                raise InternalError(f"neuron {w} is not inactive on the unfittable sample {u}")


def teacher_stationary_point(
    seed: int,
    *,
    dim: int = 3,
    n_samples: int = 8,
    n_living: int = 2,
    n_kink: int = 1,
    n_dead: int = 1,
    n_zero: int = 1,
    n_unfit: int = 1,
) -> TeacherInstance:
    """Generate a rational stationary point with a known verdict.

    Parameters
    ----------
    seed : int
        Seed of the private ``random.Random`` stream.
    dim : int
        d ≥ 2 (the last coordinate is the constant 1).
    n_samples : int
        |K|, including ``n_unfit`` unfittable samples.
    n_living, n_kink, n_dead, n_zero : int
        Numbers of neurons of each kind (|I| is their sum).
    n_unfit : int
        Samples with nonzero residual (0 gives a zero-loss global minimum).

    Returns
    -------
    TeacherInstance

    Raises
    ------
    InputError
        ``dim < 2`` or no fitted sample (an ``InputError`` is a ``ValueError``).

    Examples
    --------
    >>> inst = teacher_stationary_point(1)
    >>> inst.problem.n_neurons, inst.problem.n_samples, len(inst.zero)
    (5, 8, 1)
    """
    if dim < 2 or n_samples <= n_unfit or (n_kink and n_samples - n_unfit < 1):
        raise InputError("need d ≥ 2 and at least one fitted sample")
    rng = random.Random(seed)
    fitted, unfit = _inputs(rng, dim, n_samples - n_unfit, n_unfit)
    xs = [x + (fmpq(1),) for x in fitted + unfit]
    counts = {"living": n_living, "kink": n_kink, "dead": n_dead, "zero": n_zero}
    W, kinds, kink_of = _input_weights(rng, dim, fitted, counts)
    h = [fmpq(rng.choice([-1, 1]) * rng.randint(1, 20), 10) for _ in W]
    for i in kinds["zero"]:
        h[i] = fmpq(0)
    relu = Activation(fmpq(1), fmpq(0))

    def out(x: Point) -> fmpq:
        return sum((hi * relu(sum((a * b for a, b in zip(w, x)), fmpq(0))) for w, hi in zip(W, h)), fmpq(0))

    _check_unfit_inactive(W, unfit)
    Y = [(out(x),) for x in xs[: len(fitted)]] + [
        (fmpq(rng.choice([-1, 1]) * rng.randint(1, 10), 10),) for _ in unfit
    ]
    problem = Problem(relu, tuple(xs), tuple(Y), tuple(W), (tuple(h),))
    K = len(xs)
    return TeacherInstance(
        problem,
        tuple(kinds["living"]),
        tuple(kinds["kink"]),
        tuple(kinds["dead"]),
        tuple(kinds["zero"]),
        tuple(range(K - n_unfit, K)),
        kink_of,
    )

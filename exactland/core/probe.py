"""An exact search for strictly lower points in an ∞-ball (the radius bracket, DESIGN §12).

The paper's Appendix H perturbs a point randomly and looks at the loss in
floating point. Here every candidate is an exact point and its loss is
evaluated exactly (:func:`exactland.core.network.loss`); a candidate counts
only when ``L(P') < L(P)`` holds exactly. Candidates, for scales
``s = R, R/2, R/4, …``:

* random rational perturbations of every parameter with ``‖δ‖∞ ≤ s``;
* *projected* moves: a random ``W'`` with ``‖W' − W‖∞ ≤ s``, its exact
  least-squares output layer ``(H*, b*)`` (so ``L(W', H*, b*) = L*(W')``) and the
  point ``(W', H + λ(H* − H), b + λ(b* − b))`` with ``λ`` the largest value in
  ``(0, 1]`` that stays in the ball (the loss is convex in ``λ``);
* extra directions given by the caller (descent witnesses, kink rays).

A lower point found is then pulled towards ``P`` along the segment while it
stays lower, and the closest lower point is reported. Finding none proves
nothing; finding one is an exact upper bound on the radius of any ball around
``P`` free of lower points.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, Sequence

from flint import fmpq, fmpq_mat

from exactland.core.network import loss
from exactland.core.problem import Problem
from exactland.exact.projection import Projector

__all__ = ["ProbeResult", "probe"]

Point = tuple[tuple[tuple[Any, ...], ...], tuple[tuple[Any, ...], ...], "tuple[Any, ...] | None"]


@dataclass(frozen=True)
class ProbeResult:
    """Outcome of :func:`probe`.

    Attributes
    ----------
    radius : exact number
        The ∞-radius searched.
    base_loss : exact number
        ``L(P)``.
    candidates : int
        Exact points evaluated.
    point : (W, H, b) or None
        The closest strictly lower point found.
    loss : exact number or None
        Its loss.
    distance : exact number or None
        ``‖P' − P‖∞`` over every parameter.
    """

    radius: Any
    base_loss: Any
    candidates: int
    point: Point | None
    loss: Any
    distance: Any

    @property
    def found(self) -> bool:
        """A strictly lower point was found."""
        return self.point is not None


def _flat(pt: Point) -> list[Any]:
    W, H, b = pt
    return [x for r in W for x in r] + [x for r in H for x in r] + list(b or ())


def _dist(a: Point, b: Point) -> Any:
    return max(abs(x - y) for x, y in zip(_flat(a), _flat(b)))


def _toward(p0: Point, p1: Point, lam: Any) -> Point:
    W = tuple(tuple(x + lam * (y - x) for x, y in zip(r0, r1)) for r0, r1 in zip(p0[0], p1[0]))
    H = tuple(tuple(x + lam * (y - x) for x, y in zip(r0, r1)) for r0, r1 in zip(p0[1], p1[1]))
    b = None if p0[2] is None else tuple(x + lam * (y - x) for x, y in zip(p0[2], p1[2]))
    return W, H, b


class _Search:
    def __init__(self, problem: Problem, radius: Any, rng: random.Random) -> None:
        self.p, self.rng = problem, rng
        self.P0: Point = (problem.W, problem.H, problem.b)
        self.L0 = loss(problem)
        self.count = 0
        self.best: tuple[Any, Point, Any] | None = None
        self.one = self.L0 - self.L0 + 1
        self.R = self.one * radius
        rational = problem.is_rational()  # then every probed point is rational too
        self.XT = fmpq_mat([list(c) for c in zip(*problem.X)]) if rational else None
        self.YT = fmpq_mat([list(c) for c in zip(*problem.Y)]) if rational else None

    def value(self, pt: Point) -> Any:
        self.count += 1
        p = self.p
        if p.n_neurons * p.n_samples * p.dim > 20_000:
            return loss(p.with_params(pt[0], pt[1], pt[2]))
        if self.XT is not None:
            return self._rational_value(pt)
        act, zero = p.activation, self.one - 1  # small problems: eq. (1)–(2) directly, exactly
        W, H, b = pt
        total = zero
        for x, y in zip(p.X, p.Y):
            a = [act(sum((wc * xc for wc, xc in zip(w, x)), zero)) for w in W]
            for j, hrow in enumerate(H):
                e = sum((hc * ac for hc, ac in zip(hrow, a)), zero) + (b[j] if b is not None else zero) - y[j]
                total += e * e
        return total / 2

    def _rational_value(self, pt: Point) -> Any:
        """Eqs. (1)–(2) with python-flint rational matrices (rational problems)."""
        W, H, b = pt
        Z = fmpq_mat([list(r) for r in W]) * self.XT
        ap, am = self.p.activation.alpha_plus, self.p.activation.alpha_minus
        rows, cols = Z.nrows(), Z.ncols()
        A = fmpq_mat(rows, cols, [ap * z if z >= 0 else am * z for z in Z.entries()])
        E = fmpq_mat([list(r) for r in H]) * A - self.YT
        J, K = E.nrows(), E.ncols()
        total = fmpq(0)
        for j in range(J):
            bj = b[j] if b is not None else 0
            for k in range(K):
                e = E[j, k] + bj
                total += e * e
        return total / 2

    def offer(self, pt: Point) -> None:
        """Record ``pt`` if lower; first pull it towards P while it stays lower."""
        if _dist(pt, self.P0) > self.R:
            return
        val = self.value(pt)
        if not val < self.L0:
            return
        for _ in range(12):
            half = _toward(self.P0, pt, self.one / 2)
            hv = self.value(half)
            if not hv < self.L0:
                break
            pt, val = half, hv
        d = _dist(pt, self.P0)
        if self.best is None or d < self.best[0]:
            self.best = (d, pt, val)

    def rnd(self, s: Any) -> Any:
        return s * self.one * self.rng.randint(-1000, 1000) / 1000

    def random_point(self, s: Any) -> Point:
        W, H, b = self.P0
        return (tuple(tuple(x + self.rnd(s) for x in r) for r in W), tuple(tuple(x + self.rnd(s) for x in r) for r in H),
                None if b is None else tuple(x + self.rnd(s) for x in b))

    def projected(self, s: Any) -> Point | None:
        """A random ``W'`` with its exact least-squares output layer, pulled into the ball."""
        p = self.p
        W2 = tuple(tuple(x + self.rnd(s) for x in r) for r in p.W)
        act = p.activation
        cols = [tuple(act(sum((a * c for a, c in zip(w, x)), self.one - 1)) for x in p.X) for w in W2]
        if p.b is not None:
            cols.append((self.one,) * p.n_samples)
        proj = Projector(cols, p.n_samples, self.one - 1)
        G = [proj.coefficients(tuple(row[j] for row in p.Y)) for j in range(p.n_outputs)]
        H2 = tuple(tuple(G[j][i] for i in range(p.n_neurons)) for j in range(p.n_outputs))
        b2 = None if p.b is None else tuple(G[j][p.n_neurons] for j in range(p.n_outputs))
        far = _dist((p.W, H2, b2), (p.W, p.H, p.b))
        lam = self.one if far <= self.R else self.R / far
        return W2, _toward(self.P0, (W2, H2, b2), lam)[1], _toward(self.P0, (W2, H2, b2), lam)[2]


def probe(problem: Problem, radius: Any, *, seed: int = 0, samples: int = 64,
          directions: Sequence[Point] = (), projected: bool = True) -> ProbeResult:
    """Search the ∞-ball of ``radius`` around the point for strictly lower points (exact).

    Parameters
    ----------
    problem : Problem
    radius : exact number > 0
    seed : int
        Seed of the private random stream (the search is reproducible).
    samples : int
        Random candidates per kind.
    directions : sequence of (ΔW, ΔH, Δb)
        Extra directions, tried at the scales ``R, R/2, …, R/2^20``.
    projected : bool
        Also try projected moves (one exact least-squares solve each).

    Examples
    --------
    >>> import exactland
    >>> p = exactland.examples.load_example("origin-saddle")
    >>> r = probe(p, 1, samples=16)
    >>> r.found, r.loss < r.base_loss
    (True, True)
    """
    s = _Search(problem, radius, random.Random(seed))
    radius = s.R
    scales = [radius / 2 ** m for m in range(0, 12, 2)]
    for n in range(samples):
        sc = scales[n % len(scales)]
        s.offer(s.random_point(sc))
        if projected:
            s.offer(s.projected(sc))
    for dW, dH, db in directions:
        norm = max((abs(x) for x in _flat((dW, dH, db))), default=0)
        if norm == 0:
            continue
        for m in range(0, 21, 4):
            t = radius / 2 ** m / norm
            pt = _toward(s.P0, (tuple(tuple(x + y for x, y in zip(r, d)) for r, d in zip(problem.W, dW)),
                                tuple(tuple(x + y for x, y in zip(r, d)) for r, d in zip(problem.H, dH)),
                                None if problem.b is None else tuple(x + y for x, y in zip(problem.b, db or ()))), t)
            s.offer(pt)
    if s.best is None:
        return ProbeResult(radius, s.L0, s.count, None, None, None)
    d, pt, val = s.best
    return ProbeResult(radius, s.L0, s.count, pt, val, d)

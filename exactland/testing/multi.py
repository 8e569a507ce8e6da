"""Generated multi-output stationary points with escape neurons (issue 13 families).

Construction (exact, stationary by design, several outputs):

* every input weight ``w_i`` lies in a subspace ``U``; the *residual samples*
  lie in ``U^⊥`` (dimension ``c`` = 1 or 2), so they sit on the kink of every
  neuron; every other sample is fitted exactly (residual 0). Some fitted
  samples are put in ``U^⊥`` too, and some residual samples repeat a line:
  dependent kink normals (degenerate kink sets).
* Then every ``d_ji = 0`` (non-kink samples have residual 0), so
  ``∂L/∂h = 0``, and ``φ_i(v) = N(v) := Σ_{k residual} e_k rho(x_k·v)`` for every
  neuron: ``F_i(v) = h_i·N(v)``. ``N`` is piecewise linear on ``U^⊥`` with the
  rays ``r`` of the residual samples' lines, so ``F_i ≥ 0`` iff
  ``h_i·N(r) ≥ 0`` on every ray: ``h_i`` is drawn in that dual cone, on its
  boundary (``h_i ⊥ N(r₀)`` with ``N(r₀) ≠ 0``: an escape neuron), in its
  interior, or 0. Optionally zero neurons (``w = 0, h = 0``) are appended.

The verdict is *not* known by construction (saddle or type-2 minimum); the
point is stationary and, when some ``h_i`` sits on the boundary, has an escape
neuron. Tests use these families to exercise the joint second-order test and
check every certificate independently.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

from flint import fmpq

from exactland.core.activation import Activation
from exactland.core.problem import Problem
from exactland.exact.linalg import dot, nullspace

__all__ = ["MultiInstance", "multi_output_point", "ACTIVATIONS"]

Vec = tuple[fmpq, ...]
ACTIVATIONS = ((1, 0), (1, fmpq(1, 10)), (1, -1), (0, 1), (2, fmpq(1, 2)))


@dataclass(frozen=True)
class MultiInstance:
    """A generated point and what the construction guarantees.

    Attributes
    ----------
    problem : Problem
    boundary : tuple of int
        Neurons whose ``h_i`` was put on the boundary of the dual cone.
    residual_samples : tuple of int
    """

    problem: Problem
    boundary: tuple[int, ...]
    residual_samples: tuple[int, ...]


def _small(rng: random.Random, lo: int = -3, hi: int = 3) -> fmpq:
    return fmpq(rng.randint(lo, hi), rng.choice((1, 1, 2)))


def _combo(rng: random.Random, basis: list[Vec], dim: int) -> Vec:
    while True:
        cs = [_small(rng) for _ in basis]
        v = tuple(sum((c * b[m] for c, b in zip(cs, basis)), fmpq(0)) for m in range(dim))
        if any(v):
            return v


def _rays(perp: list[Vec], xs: list[Vec]) -> list[Vec]:
    """Rays of the arrangement {x_k·v = 0} inside span(perp) (dimension 1 or 2)."""
    if len(perp) == 1:
        return [perp[0], tuple(-c for c in perp[0])]
    q1, q2 = perp
    out = []
    for x in xs:
        a, b = dot(x, q2), -dot(x, q1)
        v = tuple(a * c1 + b * c2 for c1, c2 in zip(q1, q2))
        if any(v):
            out += [v, tuple(-c for c in v)]
    return out or [q1, tuple(-c for c in q1), q2, tuple(-c for c in q2)]


def _dual_h(rng: random.Random, values: list[Vec], J: int, kind: str) -> Vec | None:
    """An ``h`` with ``h·n ≥ 0`` for every ``n`` in values: on the boundary or inside."""
    nz = [n for n in values if any(n)]
    cands: list[Vec] = []
    for n0 in nz:
        if J == 2:
            cands += [(n0[1], -n0[0]), (-n0[1], n0[0])]
        else:
            for n1 in nz:
                c = (n0[1] * n1[2] - n0[2] * n1[1], n0[2] * n1[0] - n0[0] * n1[2], n0[0] * n1[1] - n0[1] * n1[0])
                if any(c):
                    cands += [c, tuple(-x for x in c)]
            cands += [h for h in nullspace([n0], J, fmpq(1))] + [tuple(-x for x in h) for h in nullspace([n0], J, fmpq(1))]
    rng.shuffle(cands)
    ok = [h for h in cands if all(dot(h, n) >= 0 for n in values)]
    if not ok:
        return None
    h = ok[0]
    if kind == "interior" and len(ok) > 1:
        h2 = next((g for g in ok if any(dot(g, n) != 0 and dot(h, n) == 0 for n in nz)), None)
        h = h if h2 is None else tuple(a + b for a, b in zip(h, h2))
    scale = fmpq(rng.randint(1, 4), rng.randint(1, 3))
    return tuple(scale * c for c in h)


def _neurons(rng: random.Random, U: list[Vec], values: list[Vec], J: int, dim: int, n: int,
             kinds: tuple[str, ...]) -> tuple[list[Vec], list[Vec], list[int]]:
    """Input weights in U and output weights in the dual cone of the values of N."""
    W: list[Vec] = []
    H_cols: list[Vec] = []
    boundary: list[int] = []
    for i in range(n):
        lam = fmpq(rng.randint(1, 3))
        w = _combo(rng, U, dim) if not W or rng.random() < 0.8 else tuple(lam * a for a in W[-1])
        kind = rng.choice(kinds)
        h = None if kind == "zero-h" else _dual_h(rng, values, J, kind)
        if h is None:
            h = (fmpq(0),) * J
        elif any(dot(h, n) == 0 and any(n) for n in values):
            boundary.append(i)
        W.append(w)
        H_cols.append(h)
    return W, H_cols, boundary


def multi_output_point(seed: int, *, J: int = 2, dim: int = 3, n_neurons: int = 3, n_samples: int = 6,
                       codim: int | None = None, n_zero: int = 0,
                       activation: tuple | None = None,
                       kinds: tuple[str, ...] = ("boundary", "boundary", "interior", "zero-h"),
                       bias: bool = False) -> MultiInstance:
    """Generate a stationary multi-output point (see the module notes).

    Parameters
    ----------
    seed : int
    J : int
        Outputs (2 or 3).
    dim : int
        d in 2..4.
    n_neurons : int
        Neurons with ``w_i ∈ U`` (|I| is this plus ``n_zero``).
    n_samples : int
        |K| (at least 2).
    codim : int, optional
        ``dim U^⊥`` (1 or 2, at most ``dim − 1``).
    n_zero : int
        Zero neurons appended.
    activation : (alpha_plus, alpha_minus), optional
    kinds : tuple of str
        Drawn per neuron: ``"boundary"`` (``h_i`` on the boundary of the dual
        cone when possible), ``"interior"``, ``"zero-h"`` (``h_i = 0``).
    bias : bool
        Give the model an output bias ``b``; the residuals of the residual
        samples then sum to zero (``∂L/∂b = Σ_k e_k = 0``), so the point stays
        stationary in ``b`` too.

    Examples
    --------
    >>> inst = multi_output_point(3)
    >>> inst.problem.n_outputs, inst.problem.dim
    (2, 3)
    """
    rng = random.Random(seed)
    ap, am = activation or rng.choice(ACTIVATIONS)
    act = Activation(fmpq(ap), fmpq(am))
    c = codim or rng.choice([1] if dim == 2 else [1, 2])
    perp = [tuple(fmpq(rng.randint(-2, 2)) for _ in range(dim)) for _ in range(c)]
    while len(nullspace(perp, dim, fmpq(1))) != dim - c:
        perp = [tuple(fmpq(rng.randint(-2, 2)) for _ in range(dim)) for _ in range(c)]
    U = nullspace(perp, dim, fmpq(1))
    n_res = rng.randint(1, max(1, min(4, n_samples - 1)))
    xs_res: list[Vec] = []
    for _ in range(n_res):
        if xs_res and rng.random() < 0.3:
            lam, base = fmpq(rng.choice((-2, -1, 2))), rng.choice(xs_res)
            xs_res.append(tuple(lam * x for x in base))
        else:
            xs_res.append(_combo(rng, perp, dim))
    E = [tuple(_small(rng) for _ in range(J)) for _ in xs_res]
    if bias:  # Σ_k e_k = 0: the last residual balances the others
        E[-1] = tuple(-sum((e[j] for e in E[:-1]), fmpq(0)) for j in range(J))
    rays = _rays(perp, xs_res)
    values = [tuple(sum((e[j] * act(dot(x, r)) for x, e in zip(xs_res, E)), fmpq(0)) for j in range(J))
              for r in rays]
    W, H_cols, boundary = _neurons(rng, U, values, J, dim, n_neurons, kinds)
    W += [(fmpq(0),) * dim] * n_zero
    H_cols += [(fmpq(0),) * J] * n_zero
    fitted = []
    for _ in range(n_samples - n_res):
        fitted.append(_combo(rng, perp, dim) if rng.random() < 0.2 else
                      tuple(fmpq(rng.randint(-4, 4), rng.choice((1, 2))) for _ in range(dim)))
    X = xs_res + fitted
    H = tuple(tuple(col[j] for col in H_cols) for j in range(J))
    outs = [tuple(sum((H[j][i] * act(dot(W[i], x)) for i in range(len(W))), fmpq(0)) for j in range(J)) for x in X]
    b = tuple(_small(rng) for _ in range(J)) if bias else None
    outs = [tuple(o + (b[j] if b else 0) for j, o in enumerate(row)) for row in outs]
    Y = [tuple(o - e for o, e in zip(outs[k], E[k])) for k in range(n_res)] + outs[n_res:]
    problem = Problem(act, tuple(X), tuple(Y), tuple(W), H, b)
    return MultiInstance(problem, tuple(boundary), tuple(range(n_res)))

"""Exact line search along a ray that moves one neuron (Section 4.3, closing remark).

Along ``t ↦ P + tΔ`` with Δ moving a single neuron m, the loss is piecewise a
polynomial of degree ≤ 4 in t, with breakpoints where a sample changes side of
``w_m + tΔw``; :func:`ray_line_search` searches every piece exactly (critical
points are located in floating point and rounded on purpose, every candidate
is evaluated exactly). :func:`move_neuron` builds the moved point. Used by
:func:`exactland.embedding.split.split` to follow a certificate's descent
witness further than the witness point.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
from flint import fmpq

from exactland.core.network import evaluate
from exactland.core.polynomial import horner, loss_polynomial
from exactland.core.problem import Problem
from exactland.exact.linalg import dot
from exactland.exact.scalars import parse_exact, rational_from_float, sign, to_float

__all__ = ["ray_line_search", "move_neuron"]


def _piece_polynomial(ev: Any, m: int, dh: Sequence[Any], dw: Sequence[Any], t_mid: Any) -> list[Any]:
    """Loss coefficients ``L0..L4`` of ``t ↦ L(P + tΔ)`` on the piece containing ``t_mid``.

    With every sample's side fixed on the piece, ``rho((w_m + tΔw)·x_k) =
    A_k + t B_k`` (``A_k = a_k z_k``, ``B_k = a_k Δw·x_k``, ``a_k`` the slope on
    that side) and the residuals are quadratic in t.
    """
    p = ev.problem
    act = p.activation
    h = p.h_column(m)
    triples = []
    for k, x in enumerate(p.X):
        z, q = ev.z(m, k), dot(dw, x)
        a = act.slope(sign(z + t_mid * q))
        A, B = a * z, a * q
        for j in range(p.n_outputs):
            triples.append((ev.e(k, j) - h[j] * ev.rho(m, k) + h[j] * A, h[j] * B + dh[j] * A, dh[j] * B))
    return list(loss_polynomial(triples))


def _critical_points(L: Sequence[Any], lo: Any, hi: Any | None) -> list[Any]:
    """Rational guesses near the real critical points of the quartic in (lo, hi).

    Located in floating point (a guess only) and rounded on purpose with
    :func:`exactland.exact.scalars.rational_from_float`; the caller evaluates every
    guess exactly.
    """
    der = [4 * to_float(L[4]), 3 * to_float(L[3]), 2 * to_float(L[2]), to_float(L[1])]
    while der and der[0] == 0:
        der = der[1:]
    if len(der) < 2 or not all(np.isfinite(der)):
        return []
    out = []
    for r in np.roots(der):
        if abs(r.imag) > 1e-9 * max(1.0, abs(r.real)) or r.real <= 0:
            continue
        for den in (10, 1000, 10**6):
            t = rational_from_float(float(r.real), den)
            if t > lo and (hi is None or t < hi):
                out.append(t)
    return out


def ray_line_search(problem: Problem, neuron: int, dh: Sequence[Any], dw: Sequence[Any]) -> tuple[Any, Any]:
    """Exact line search of ``t ↦ L(P + tΔ)`` over ``t > 0``, Δ moving one neuron.

    The ray's breakpoints (``(w_m + tΔw)·x_k = 0``) cut it into pieces on which
    the loss is a polynomial of degree ≤ 4; on each, the endpoints and rounded
    critical points are evaluated exactly and the lowest value wins.

    Parameters
    ----------
    problem : Problem
    neuron : int
        The neuron m that moves by ``(Δh_{·m}, Δw_m)``.
    dh, dw : sequences of exact numbers

    Returns
    -------
    (t, loss) : exact numbers
        The best t found (> 0) and the exact ``L(P + tΔ)`` there.

    Examples
    --------
    One ReLU neuron, x = (1, 0), (0, 1), y = 1, 2, at the origin; moving
    ``h = t, w = t(0, 1)`` gives ``L = ½(1 + (t² − 2)²)``, minimal at ``t² = 2``:

    >>> from exactland.core.problem import load
    >>> p = load({"activation": {"alpha_plus": 1, "alpha_minus": 0},
    ...           "X": [[1, 0], [0, 1]], "Y": [[1], [2]], "W": [[0, 0]], "H": [[0]]})
    >>> t, loss = ray_line_search(p, 0, [1], [0, 1])
    >>> from flint import fmpq
    >>> t, fmpq(1, 2) < loss < fmpq(1, 2) + fmpq(1, 10**12)
    (941664/665857, True)
    """
    ev = evaluate(problem)
    dh = tuple(parse_exact(x, "dh") for x in dh)
    dw = tuple(parse_exact(x, "dw") for x in dw)
    cuts = set()
    for k, x in enumerate(problem.X):
        z, q = ev.z(neuron, k), dot(dw, x)
        if z != 0 and q != 0 and sign(z) == -sign(q):
            cuts.add(-z / q)
    bounds = sorted(cuts)
    best_t, best = None, None
    lo = fmpq(0)
    for hi in bounds + [None]:
        mid = (lo + hi) / 2 if hi is not None else lo + 1
        L = _piece_polynomial(ev, neuron, dh, dw, mid)
        cands = _critical_points(L, lo, hi) + ([hi] if hi is not None else [])
        for t in cands:
            val = horner(L, t)
            if best is None or val < best:
                best_t, best = t, val
        if hi is not None:
            lo = hi
    if best_t is None:  # no breakpoint and no critical point: the loss is monotone on t > 0
        best_t = fmpq(1)
        best = horner(_piece_polynomial(ev, neuron, dh, dw, best_t), best_t)
    return best_t, best


def move_neuron(problem: Problem, m: int, dh: Sequence[Any], dw: Sequence[Any], t: Any) -> Problem:
    """The point ``P + tΔ`` with Δ moving neuron m by ``(Δh_{·m}, Δw_m)`` (exact).

    Examples
    --------
    >>> from exactland.core.problem import load
    >>> p = load({"activation": {"alpha_plus": 1, "alpha_minus": 0},
    ...           "X": [[1, 0], [0, 1]], "Y": [[1], [2]], "W": [[0, 0]], "H": [[0]]})
    >>> q = move_neuron(p, 0, [1], [0, 1], 2)
    >>> q.W, q.H
    (((0, 2),), ((2,),))
    """
    W = [list(r) for r in problem.W]
    H = [list(r) for r in problem.H]
    W[m] = [a + t * b for a, b in zip(W[m], dw)]
    for j, row in enumerate(H):
        row[m] = row[m] + t * dh[j]
    return problem.with_params(W, H, problem.b)

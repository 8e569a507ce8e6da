"""Independent oracles of the tests: plain ``fractions.Fraction`` arithmetic.

Nothing here imports :mod:`exactland`; the tests compare exactland's results
against these re-derivations from the paper's definitions (Section 2,
Definitions 3.3 and 4.1, Theorem 4.2):

* the network and its loss, brute force (eqs. 1-2): :func:`own_outputs`,
  :func:`own_loss`, and :func:`own_loss_of` for any object with exactland's
  problem attributes (read through their exact text form);
* exact linear algebra: :func:`null_space`, :func:`interpolate`;
* "is phi identically zero" on R^d: :func:`phi_identically_zero`;
* the verdict of any point with d in {2, 3} by brute force on finitely many
  tangential directions: :func:`tangent_candidates`, :func:`brute_force_verdict`.

A matrix is a sequence of rows of Fractions; ``act = (alpha_plus, alpha_minus)``.
"""
from __future__ import annotations

import itertools
from fractions import Fraction as Fr
from typing import Any, Sequence

__all__ = ["NOT_STATIONARY", "SADDLE", "MINIMUM", "UNDECIDED", "SADDLE_OR_UNDECIDED",
           "fr", "rho", "dotf", "cross", "own_outputs", "own_residuals", "own_loss",
           "own_loss_of", "null_space", "interpolate", "phi_identically_zero",
           "tangent_candidates", "brute_force_verdict"]

NOT_STATIONARY, SADDLE, MINIMUM, UNDECIDED = (
    "not-stationary", "saddle", "type-1-minimum", "undecided")
SADDLE_OR_UNDECIDED = "saddle|undecided"

Act = tuple[Fr, Fr]
Rows = Sequence[Sequence[Fr]]


# ===================================================================== the network
def fr(x: Any) -> Fr:
    """An exact number (fmpq, int, Fraction, exact string) -> Fraction, via its text."""
    return Fr(str(x))


def rho(act: Act, z: Fr) -> Fr:
    """rho(z) = a+ z for z >= 0, a- z for z < 0 (paper, Section 2)."""
    return act[0] * z if z >= 0 else act[1] * z


def dotf(a: Sequence[Fr], b: Sequence[Fr]) -> Fr:
    return sum((x * y for x, y in zip(a, b)), Fr(0))


def cross(a: Sequence[Fr], b: Sequence[Fr]) -> tuple[Fr, Fr, Fr]:
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def own_outputs(act: Act, X: Rows, W: Rows, H: Rows) -> list[list[Fr]]:
    """yhat_kj = sum_i h_ji rho(w_i.x_k)  (eq. 1)."""
    out = []
    for x in X:
        a = [rho(act, dotf(w, x)) for w in W]
        out.append([dotf(hrow, a) for hrow in H])
    return out


def own_residuals(act: Act, X: Rows, Y: Rows, W: Rows, H: Rows) -> list[list[Fr]]:
    """e_kj = yhat_kj - y_kj."""
    return [[yh - y for yh, y in zip(yhr, yr)]
            for yhr, yr in zip(own_outputs(act, X, W, H), Y)]


def own_loss(act: Act, X: Rows, Y: Rows, W: Rows, H: Rows) -> Fr:
    """L = 1/2 sum_kj (yhat_kj - y_kj)^2  (eq. 2), brute force.

    >>> relu = (Fr(1), Fr(0))
    >>> own_loss(relu, [[1, 0], [0, 1]], [[1], [2]], [[1, 0]], [[3]])  # ½((3-1)² + (0-2)²)
    Fraction(4, 1)
    """
    return sum((e * e for row in own_residuals(act, X, Y, W, H) for e in row), Fr(0)) / 2


def own_loss_of(problem: Any) -> Fr:
    """:func:`own_loss` of anything with ``activation.alpha_plus/alpha_minus``, ``X``,
    ``Y``, ``W``, ``H`` of exact numbers (an ``exactland.Problem``), read as text."""
    a = problem.activation
    m = lambda rows: [[fr(c) for c in r] for r in rows]  # noqa: E731
    return own_loss((fr(a.alpha_plus), fr(a.alpha_minus)), m(problem.X), m(problem.Y),
                    m(problem.W), m(problem.H))


# ===================================================================== linear algebra
def null_space(rows: list[list[Fr]], n: int) -> list[list[Fr]]:
    """Basis of {e in Q^n : r.e = 0 for every r in rows} (Gauss-Jordan).

    >>> null_space([[Fr(1), Fr(1)]], 2)
    [[Fraction(-1, 1), Fraction(1, 1)]]
    """
    A = [list(r) for r in rows]
    piv_cols: list[int] = []
    r = 0
    for c in range(n):
        p = next((i for i in range(r, len(A)) if A[i][c] != 0), None)
        if p is None:
            continue
        A[r], A[p] = A[p], A[r]
        A[r] = [x / A[r][c] for x in A[r]]
        for i in range(len(A)):
            if i != r and A[i][c] != 0:
                f = A[i][c]
                A[i] = [a - f * b for a, b in zip(A[i], A[r])]
        piv_cols.append(c)
        r += 1
    free = [c for c in range(n) if c not in piv_cols]
    basis = []
    for f in free:
        v = [Fr(0)] * n
        v[f] = Fr(1)
        for i, pc in enumerate(piv_cols):
            v[pc] = -A[i][f]
        basis.append(v)
    return basis


def interpolate(ts: Sequence[Fr], vals: Sequence[Fr]) -> list[Fr]:
    """Monomial coefficients of the polynomial of degree < n through (ts, vals)
    (Vandermonde solve).

    >>> interpolate([Fr(0), Fr(1), Fr(2)], [Fr(1), Fr(2), Fr(5)])  # 1 + t²
    [Fraction(1, 1), Fraction(0, 1), Fraction(1, 1)]
    """
    n = len(ts)
    A = [[t ** p for p in range(n)] + [v] for t, v in zip(ts, vals)]
    for c in range(n):
        p = next(i for i in range(c, n) if A[i][c] != 0)
        A[c], A[p] = A[p], A[c]
        A[c] = [x / A[c][c] for x in A[c]]
        for i in range(n):
            if i != c and A[i][c] != 0:
                f = A[i][c]
                A[i] = [a - f * b for a, b in zip(A[i], A[c])]
    return [A[i][n] for i in range(n)]


# ===================================================================== phi and the verdict
def phi_identically_zero(act: Act, X: Rows, e_col: Sequence[Fr]) -> bool:
    """Is phi(v) = sum_k e_k rho(x_k.v) the zero function on R^d?

    rho(t) = a- t + (a+ - a-) max(t, 0), and for x_k = c_k n (n the line's
    representative with first nonzero entry 1),
    max(c n.v, 0) = |c| max(n.v, 0) - [c < 0] |c| n.v.  So phi is a linear
    form plus (a+ - a-) sum_lines gamma_l max(n_l.v, 0) with
    gamma_l = sum_{k on l} e_k |c_k|; the max terms of distinct lines and the
    linear forms are linearly independent, hence phi == 0 iff every gamma_l = 0
    and then (phi being linear) phi(basis vectors) = 0.
    """
    gamma: dict[tuple[Fr, ...], Fr] = {}
    for x, e in zip(X, e_col):
        if all(c == 0 for c in x):
            continue
        lead = next(c for c in x if c != 0)
        n = tuple(c / lead for c in x)
        gamma[n] = gamma.get(n, Fr(0)) + e * abs(lead)
    if any(g != 0 for g in gamma.values()):
        return False
    d = len(X[0])
    for m in range(d):
        v = [Fr(int(m == mm)) for mm in range(d)]
        if sum((e * rho(act, dotf(x, v)) for x, e in zip(X, e_col)), Fr(0)) != 0:
            return False
    return True


def tangent_candidates(w: Sequence[Fr], X: Rows, kinks: Sequence[int]) -> list[tuple[Fr, ...]]:
    """Finitely many tangential directions that decide Definitions 3.3/4.1 (d in {2, 3}).

    F_i and phi_ji are positively homogeneous and linear on every closed cone of
    the kink arrangement {x_k.v = 0 : k in K0(i)} inside T_i, so F_i >= 0 iff it
    is >= 0 on a set of vectors generating every such cone, and (with F_i >= 0,
    whose zero set is a union of faces) neuron i escapes iff some generator v
    has F_i(v) = 0 and phi_ji(v) != 0.  Generators, by the rank r of the kink
    normals inside T_i (dim T_i = 2 when d = 3 and w != 0):
      * r = dim T_i (pointed cones): the lines T_i ∩ x_a^perp ∩ x_b^perp
        (d = 3, w = 0: x_a x x_b; T_i a plane: w x x_k or perp(x_k) in d = 2);
      * one dimension less: those rays, the normals x_k, and +-(the lineality
        direction) n = x_a x x_b and n x x_k;
      * rank 1: +-x and a basis of x^perp ∩ T_i (w x x, e_m x x);
      * rank 0 / no kinks: a basis of T_i (perp(w), w x e_m, e_m).
    Every candidate below is tangential; extra candidates are harmless (F >= 0
    at any tangential v is necessary, and a zero of F with phi != 0 at any
    tangential v is a genuine escape witness), so the union of all cases is used.
    """
    d = len(w)
    nz = lambda v: any(c != 0 for c in v)  # noqa: E731
    xs = [tuple(X[k]) for k in kinks if nz(X[k])]
    E = [tuple(Fr(int(m == mm)) for mm in range(d)) for m in range(d)]
    cand: list[tuple[Fr, ...]] = []
    if d == 2:
        if nz(w):
            cand = [(-w[1], w[0])]
        else:
            cand = E + xs + [(-x[1], x[0]) for x in xs]
    elif nz(w):
        cand = [cross(w, x) for x in xs] + xs + [cross(w, e) for e in E]
    else:
        pairs = [cross(a, b) for a, b in itertools.combinations(xs, 2)]
        cand = E + xs + pairs + [cross(n, x) for n in pairs for x in xs] \
            + [cross(e, x) for e in E for x in xs]
    out = []
    for v in cand:
        if nz(v):
            assert dotf(v, w) == 0
            out += [tuple(v), tuple(-c for c in v)]
    return out


def brute_force_verdict(act: Act, X: Rows, Y: Rows, W: Rows, H: Rows) -> str:
    """The verdict of any point with d in {2, 3}, decided by brute force from the
    definitions: dL/dh_ji = w_i.d_ji (eq. 4), F_i and phi_ji on the candidates
    of :func:`tangent_candidates` (Definitions 3.3, 4.1) and Theorem 4.2.  An
    escape neuron with h_.i = 0 gives a saddle for any |J| (t^2 coefficient
    min_a a.g + |a|^2 R/2 < 0 along (a, v), R = sum_k rho_ik^2; unbounded below
    when R = 0); with |J| = 1 every escape neuron gives a saddle (Theorem 4.2);
    otherwise |J| = 2 escape neurons leave saddle or undecided.
    """
    J, d = len(Y[0]), len(X[0])
    e = own_residuals(act, X, Y, W, H)
    esc_zero_h = esc_other = not_stat = False
    for i, w in enumerate(W):
        z = [dotf(w, x) for x in X]
        dvec = [[sum(((act[0] if zk > 0 else act[1]) * e[k][j] * X[k][m]
                      for k, zk in enumerate(z) if zk != 0), Fr(0)) for m in range(d)]
                for j in range(J)]
        if any(dotf(w, dvec[j]) != 0 for j in range(J)):
            return NOT_STATIONARY  # dL/dh_ji = w_i.d_ji != 0 (eq. 4)
        kinks = [k for k, zk in enumerate(z) if zk == 0]

        def phi(j: int, v: Sequence[Fr]) -> Fr:
            return dotf(dvec[j], v) + sum((e[k][j] * rho(act, dotf(X[k], v)) for k in kinks), Fr(0))

        h = [H[j][i] for j in range(J)]
        for v in tangent_candidates(w, X, kinks):
            phis = [phi(j, v) for j in range(J)]
            F = dotf(h, phis)
            if F < 0:
                not_stat = True
            elif F == 0 and any(p != 0 for p in phis):
                if all(hj == 0 for hj in h):
                    esc_zero_h = True
                else:
                    esc_other = True
    if not_stat:
        return NOT_STATIONARY
    if not (esc_zero_h or esc_other):
        return MINIMUM
    if J == 1 or esc_zero_h:
        return SADDLE
    return SADDLE_OR_UNDECIDED

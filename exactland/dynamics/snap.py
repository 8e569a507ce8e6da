"""From a float GD point to an exact, certified stationary candidate (DESIGN §9).

1. Guess the structure (:mod:`.structure`) with a list of tolerance sets.
2. For fixed sign patterns the outputs are linear in the group matrices
   ``A_g = Σ_{i∈g} h_{·i} w_iᵀ``; the exact candidate solves the exact
   least-squares problem with the kink constraints ``A_g x_k = 0``
   (``A_g = B_g N_gᵀ`` with ``N_g`` a basis of the kink normals' orthogonal
   complement). A non-unique solution is replaced by the solution nearest to
   (a rational rounding of) the float one.
3. Each ``A_g`` (rank one; for |J| > 1 a group whose solution is not rank one
   keeps the rational rounding of its float direction and re-solves for its
   output weights) is split back over the group's neurons with positive
   factors close to the float ones (positive rescaling keeps every verdict);
   small living neurons become exactly zero, dead neurons are rounded and
   stay strictly dead.
4. The sign patterns are checked exactly and the point is certified by the
   exact core. A guess whose patterns flip or whose point is not stationary
   is reported and the next guess is tried — never a wrong verdict.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Sequence

import numpy as np
from flint import fmpq

from ..certificate import Certificate, Verdict
from ..certify import DEFAULT_BUDGET, certify
from ..linalg import dot, nullspace, rank, rref
from ..numbers import sign, to_float
from ..problem import Dataset, Problem
from .structure import DEFAULT_GUESSES, Structure, Tolerances, guess_structure

__all__ = ["SnapAttempt", "SnapResult", "snap", "rational"]

Vector = tuple[Any, ...]


def rational(x: float, max_den: int = 10**6) -> fmpq:
    """Named rounding of a float to a nearby rational with a bounded denominator."""
    f = Fraction(float(x)).limit_denominator(max_den)
    return fmpq(f.numerator, f.denominator)


@dataclass(frozen=True)
class SnapAttempt:
    """One structure guess and what became of it."""

    tolerances: Tolerances
    outcome: str  # "certified", "pattern-flip", "not-stationary", "degenerate"
    detail: str
    verdict: str | None


@dataclass(frozen=True)
class SnapResult:
    """The exact point derived from a float point, with its certificate.

    Attributes
    ----------
    problem : Problem or None
        The exact candidate (None when every guess failed).
    certificate : Certificate or None
    structure : Structure or None
        The guess that was certified.
    tolerances : Tolerances or None
    distance : float or None
        ``max |P_float − P_exact|`` over all parameters (∞-norm, float).
    attempts : tuple of SnapAttempt
    """

    problem: Problem | None
    certificate: Certificate | None
    structure: Structure | None
    tolerances: Tolerances | None
    distance: float | None
    attempts: tuple[SnapAttempt, ...]

    @property
    def verdict(self) -> str | None:
        """The certified verdict, if any guess survived."""
        return None if self.certificate is None else self.certificate.verdict.value


def _solve_nearest(M: list[list[fmpq]], y: list[fmpq], target: list[fmpq]) -> list[fmpq] | None:
    """Exact least squares ``min ‖M b − y‖``; among minimisers the one nearest ``target``."""
    n = len(target)
    if n == 0:
        return []
    G = [[sum((M[k][a] * M[k][b] for k in range(len(M))), fmpq(0)) for b in range(n)] for a in range(n)]
    r = [sum((M[k][a] * y[k] for k in range(len(M))), fmpq(0)) for a in range(n)]
    R, piv = rref([G[a] + [r[a]] for a in range(n)], n + 1)
    if n in piv:  # inconsistent normal equations cannot happen; guard anyway
        return None
    b0 = [fmpq(0)] * n
    for row, p in zip(R, piv):
        b0[p] = row[n]
    Z = nullspace(G, n, fmpq(1))
    if not Z:
        return b0
    diff = [t - b for t, b in zip(target, b0)]
    ZZ = [[dot(z1, z2) for z2 in Z] for z1 in Z]
    rhs = [dot(z, diff) for z in Z]
    R2, piv2 = rref([ZZ[a] + [rhs[a]] for a in range(len(Z))], len(Z) + 1)
    coef = [fmpq(0)] * len(Z)
    for row, p in zip(R2, piv2):
        coef[p] = row[len(Z)]
    return [b + sum((c * z[a] for c, z in zip(coef, Z)), fmpq(0)) for a, b in enumerate(b0)]


def _group_matrices(
    ds: Dataset, st: Structure, W: np.ndarray, H: np.ndarray
) -> list[list[Vector]] | None:
    """Exact ``A_g`` (list over j of d-vectors) for every group; None if degenerate."""
    X, Y = ds.X, ds.Y
    act = ds.activation
    K, d, J = len(X), len(X[0]), len(Y[0])
    bases, cols = [], []
    for g, kinks in enumerate(st.kinks):
        N = nullspace([X[k] for k in kinks], d, fmpq(1)) if kinks else [
            tuple(fmpq(1) if a == b else fmpq(0) for b in range(d)) for a in range(d)]
        bases.append(N)
        for n in N:
            cols.append([act.slope(st.patterns[g][k]) * dot(n, X[k]) for k in range(K)])
    M = [[c[k] for c in cols] for k in range(K)]
    out: list[list[Vector]] = [[] for _ in st.groups]
    for j in range(J):
        target: list[fmpq] = []
        for g, members in enumerate(st.groups):
            a = sum(H[j, i] * W[i] for i in members)
            N = bases[g]
            Nf = np.array([[to_float(c) for c in n] for n in N])
            coords = np.linalg.lstsq(Nf.T, a, rcond=None)[0]
            target.extend(rational(c) for c in coords)
        b = _solve_nearest(M, [Y[k][j] for k in range(K)], target)
        if b is None:
            return None
        pos = 0
        for g, N in enumerate(bases):
            coef = b[pos:pos + len(N)]
            pos += len(N)
            out[g].append(tuple(sum((c * n[q] for c, n in zip(coef, N)), fmpq(0)) for q in range(d)))
    return out


def _fixed_direction(ds: Dataset, st: Structure, dirs: list[Vector]) -> list[list[Vector]]:
    """Re-solve for the output weights with every group direction fixed."""
    X, Y = ds.X, ds.Y
    K, J = len(X), len(Y[0])
    M = [[ds.activation.slope(st.patterns[g][k]) * dot(u, X[k]) for g, u in enumerate(dirs)] for k in range(K)]
    hs = []
    for j in range(J):
        b = _solve_nearest(M, [Y[k][j] for k in range(K)], [fmpq(0)] * len(dirs))
        hs.append(b)
    return [[tuple(hs[j][g] * c for c in u) for j in range(J)] for g, u in enumerate(dirs)]


def _candidate(
    ds: Dataset, st: Structure, W: np.ndarray, H: np.ndarray
) -> tuple[list[Vector], list[Vector]] | str:
    """The exact (W, H) for a structure, or the reason it cannot be built."""
    X = ds.X
    I, d = W.shape
    J = H.shape[0]
    A = _group_matrices(ds, st, W, H)
    if A is None:
        return "degenerate: normal equations inconsistent"
    if J > 1 and any(rank(Ag, d) > 1 for Ag in A):
        dirs = []
        for g, Ag in enumerate(A):
            u = tuple(rational(c) for c in st.directions[g])
            if st.kinks[g]:
                N = nullspace([X[k] for k in st.kinks[g]], d, fmpq(1))
                Nf = np.array([[to_float(c) for c in n] for n in N])
                coords = np.linalg.lstsq(Nf.T, st.directions[g], rcond=None)[0]
                u = tuple(sum((rational(c) * n[q] for c, n in zip(coords, N)), fmpq(0)) for q in range(d))
            dirs.append(u)
        A = _fixed_direction(ds, st, dirs)
    Wx: list[Vector] = [tuple(fmpq(0) for _ in range(d)) for _ in range(I)]
    Hx: list[list[fmpq]] = [[fmpq(0)] * I for _ in range(J)]
    for i in st.dead:
        w = tuple(rational(c, 10**9) for c in W[i])
        if any(sign(dot(w, x)) >= 0 for x in X):
            return f"dead neuron {i} is not strictly dead after rounding"
        Wx[i] = w
        for j in range(J):
            Hx[j][i] = rational(H[j, i], 10**9)
    for g, members in enumerate(st.groups):
        Ag = A[g]
        row = next((r for r in Ag if any(c != 0 for c in r)), None)
        if row is None:
            continue  # the group vanishes: its neurons stay exactly zero
        u = row
        h = [dot(r, u) / dot(u, u) for r in Ag]  # A_g = h uᵀ (rank one)
        if any(tuple(hj * c for c in u) != tuple(r) for hj, r in zip(h, Ag)):
            return f"group {g}: A_g is not of rank one"
        ref = next((k for k, s in enumerate(st.patterns[g]) if s != 0), None)
        sigma = 1
        if ref is not None and sign(dot(u, X[ref])) != st.patterns[g][ref]:
            sigma = -1
        for k, s in enumerate(st.patterns[g]):
            if sign(sigma * dot(u, X[k])) != s:
                return f"group {g}: sign pattern flips at sample {k}"
        nu = float(np.sqrt(sum(to_float(c) ** 2 for c in u)))
        shares = [abs(float(np.linalg.norm(H[:, i]))) * float(np.linalg.norm(W[i])) for i in members]
        tot = sum(shares)
        pis = [rational(s / tot, 10**6) if tot > 0 else fmpq(1, len(members)) for s in shares]
        pis = [p if p > 0 else fmpq(1, 10**6) for p in pis]
        norm = sum(pis, fmpq(0))
        pis = [p / norm for p in pis]
        for i, p in zip(members, pis):
            lam = rational(max(float(np.linalg.norm(W[i])), 1e-12) / nu, 10**4)
            lam = lam if lam > 0 else fmpq(1, 10**4)
            mu = p / lam
            Wx[i] = tuple(sigma * lam * c for c in u)
            for j in range(J):
                Hx[j][i] = sigma * mu * h[j]
    return Wx, [tuple(r) for r in Hx]


def _distance(W: np.ndarray, H: np.ndarray, Wx: Sequence[Vector], Hx: Sequence[Vector]) -> float:
    dw = max((abs(W[i, c] - to_float(Wx[i][c])) for i in range(W.shape[0]) for c in range(W.shape[1])), default=0.0)
    dh = max((abs(H[j, i] - to_float(Hx[j][i])) for j in range(H.shape[0]) for i in range(H.shape[1])), default=0.0)
    return float(max(dw, dh))


def snap(
    dataset: Dataset,
    W: np.ndarray,
    H: np.ndarray,
    guesses: Sequence[Tolerances] = DEFAULT_GUESSES,
    budget: int = DEFAULT_BUDGET,
) -> SnapResult:
    """Turn a float point into an exact certified stationary candidate.

    Parameters
    ----------
    dataset : Dataset
        The exact data the float point was trained on.
    W : (I, d) float array
    H : (J, I) float array
    guesses : sequence of Tolerances
        Structure guesses, tried in order until one yields a stationary
        point (saddle, type-1 minimum or undecided).
    budget : int
        Passed to :func:`exactland.certify`.

    Returns
    -------
    SnapResult

    Examples
    --------
    A float point near the exact zero-loss fit ``w = (1, 2), h = 1`` of two
    samples is snapped onto it:

    >>> import numpy as np
    >>> from exactland.problem import load_data
    >>> ds = load_data({"activation": {"alpha_plus": 1, "alpha_minus": 0},
    ...                 "X": [[1, 0], [0, 1]], "Y": [[1], [2]]})
    >>> res = snap(ds, np.array([[1.0000001, 1.9999998]]), np.array([[0.9999999]]))
    >>> res.verdict, res.certificate.loss
    ('type-1-minimum', 0)
    """
    X = np.array([[to_float(c) for c in row] for row in dataset.X])
    Y = np.array([[to_float(c) for c in row] for row in dataset.Y])
    am = to_float(dataset.activation.alpha_minus)
    attempts: list[SnapAttempt] = []
    seen: set[Any] = set()
    for tol in guesses:
        st = guess_structure(W, H, X, Y, am, tol)
        key = (st.dead, st.small, st.groups, st.kinks, st.patterns)
        if key in seen:
            continue
        seen.add(key)
        cand = _candidate(dataset, st, W, H)
        if isinstance(cand, str):
            outcome = "pattern-flip" if "flips" in cand or "dead" in cand else "degenerate"
            attempts.append(SnapAttempt(tol, outcome, cand, None))
            continue
        Wx, Hx = cand
        problem = dataset.with_params(Wx, Hx)
        cert = certify(problem, budget=budget)
        if cert.verdict is Verdict.NOT_STATIONARY:
            attempts.append(SnapAttempt(tol, "not-stationary",
                                        "the exact candidate is not stationary (its certificate "
                                        "has a descent witness); trying the next guess", cert.verdict.value))
            continue
        attempts.append(SnapAttempt(tol, "certified", "", cert.verdict.value))
        return SnapResult(problem, cert, st, tol, _distance(W, H, Wx, Hx), tuple(attempts))
    return SnapResult(None, None, None, None, None, tuple(attempts))

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
from typing import Any, Sequence

import numpy as np
from flint import fmpq

from exactland.core.certificate import Certificate, Verdict
from exactland.core.classify import DEFAULT_BUDGET, certify
from exactland.exact.linalg import dot, nullspace, rref
from exactland.exact.scalars import rational_from_float, sign, to_float
from exactland.core.problem import Dataset, Problem
from exactland.dynamics.structure import DEFAULT_GUESSES, Structure, Tolerances, guess_structure

__all__ = ["SnapAttempt", "SnapResult", "snap"]

Vector = tuple[Any, ...]


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


def _rational_coords(N: Sequence[Vector], v: np.ndarray) -> list[fmpq]:
    """Rational roundings of the (float, least-squares) coordinates of ``v`` in the basis ``N``."""
    Nf = np.array([[to_float(c) for c in n] for n in N])
    return [rational_from_float(c, 10**6) for c in np.linalg.lstsq(Nf.T, v, rcond=None)[0]]


def _combine(coef: Sequence[Any], N: Sequence[Vector], d: int) -> Vector:
    """``Σ_t coef[t] N[t]`` (exact)."""
    return tuple(sum((c * n[q] for c, n in zip(coef, N)), fmpq(0)) for q in range(d))


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
    for g in range(len(st.groups)):
        N = _pinned(ds, st, g)
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
            if not N:  # the kink set leaves no direction: the group vanishes
                continue
            target.extend(_rational_coords(N, a))
        b = _solve_nearest(M, [Y[k][j] for k in range(K)], target)
        if b is None:
            return None
        pos = 0
        for g, N in enumerate(bases):
            coef = b[pos:pos + len(N)]
            pos += len(N)
            out[g].append(_combine(coef, N, d))
    return out


def _fixed_direction(
    ds: Dataset, st: Structure, dirs: list[Vector], W: np.ndarray, H: np.ndarray
) -> list[list[Vector]]:
    """Re-solve for the output weights with every group direction fixed
    (nearest to the float output weights when not unique)."""
    X, Y = ds.X, ds.Y
    K, J = len(X), len(Y[0])
    M = [[ds.activation.slope(st.patterns[g][k]) * dot(u, X[k]) for g, u in enumerate(dirs)] for k in range(K)]
    hs = []
    for j in range(J):
        target = []
        for g, u in enumerate(dirs):
            uf = np.array([to_float(c) for c in u])
            a = sum(H[j, i] * W[i] for i in st.groups[g])
            target.append(rational_from_float(float(a @ uf) / float(uf @ uf), 10**6))
        hs.append(_solve_nearest(M, [Y[k][j] for k in range(K)], target))
    return [[tuple(hs[j][g] * c for c in u) for j in range(J)] for g, u in enumerate(dirs)]


def _pinned(ds: Dataset, st: Structure, g: int) -> list[Vector]:
    """Basis of the directions allowed by group g's kink set."""
    d = len(ds.X[0])
    if not st.kinks[g]:
        return [tuple(fmpq(1) if a == b else fmpq(0) for b in range(d)) for a in range(d)]
    return nullspace([ds.X[k] for k in st.kinks[g]], d, fmpq(1))


def _orient(u: Vector, uf: np.ndarray) -> Vector:
    return u if float(np.array([to_float(c) for c in u]) @ uf) >= 0 else tuple(-c for c in u)


def _eigen_direction(ds: Dataset, st: Structure, free: int, dirs: dict[int, Vector]) -> Vector | None:
    """Exact optimal direction of the single free group (|J| > 1, d' = 2).

    With the other groups' directions fixed, eliminating every output weight
    leaves ``max uᵀAu / uᵀBu`` with ``A = (PZ)ᵀ(PY)(PY)ᵀ(PZ)``, ``B = (PZ)ᵀ(PZ)``
    (Z: the free group's activated inputs, P: the projector off the fixed
    groups' columns) — a generalized eigenproblem; for a 2-dimensional
    direction space its top eigenvector has real algebraic (quadratic) entries.
    """
    import sympy as sp

    from exactland.exact.scalars import parse_exact, to_sympy

    X, Y = ds.X, ds.Y
    K, J = len(X), len(Y[0])
    N = _pinned(ds, st, free)
    if len(N) != 2:
        return None
    slope = [ds.activation.slope(st.patterns[free][k]) for k in range(K)]
    Z = sp.Matrix([[to_sympy(slope[k] * dot(n, X[k])) for n in N] for k in range(K)])
    Ym = sp.Matrix([[to_sympy(Y[k][j]) for j in range(J)] for k in range(K)])
    cols = [[to_sympy(ds.activation.slope(st.patterns[g][k]) * dot(u, X[k])) for k in range(K)]
            for g, u in dirs.items()]
    if cols:
        C = sp.Matrix(cols).T
        C = C[:, list(C.rref()[1])]
        P = sp.eye(K) - C * (C.T * C).inv() * C.T
    else:
        P = sp.eye(K)
    PZ, PY = P * Z, P * Ym
    A, B = PZ.T * PY * PY.T * PZ, PZ.T * PZ
    lam = sp.Symbol("lam")
    roots = [r for r in sp.Poly((A - lam * B).det(), lam).all_roots() if r.is_real]
    if not roots or B.det() == 0:
        return None
    top = max(roots, key=lambda r: float(r))
    ns = (A - top * B).nullspace()
    if len(ns) != 1:
        return None
    c = [sp.radsimp(v) for v in ns[0]]
    try:
        coef = [parse_exact(sp.simplify(v), "eigenvector") for v in c]
    except Exception:  # not expressible with the supported algebraic numbers
        return None
    return _combine(coef, N, len(X[0]))


def _directions_multi(ds: Dataset, st: Structure, W: np.ndarray) -> list[Vector] | None:
    """Exact group directions for |J| > 1: pinned by the kink set when it leaves
    one direction, the exact eigen-direction for a single free group, otherwise
    the rational rounding of the float direction."""
    d = len(ds.X[0])
    dirs: dict[int, Vector] = {}
    free = []
    for g in range(len(st.groups)):
        N = _pinned(ds, st, g)
        uf = st.directions[g]
        if not N:
            dirs[g] = tuple(fmpq(0) for _ in range(d))
        elif len(N) == 1:
            dirs[g] = _orient(N[0], uf)
        else:
            free.append(g)
    if len(free) == 1 and len(_pinned(ds, st, free[0])) == 2 and d >= 2:
        u = _eigen_direction(ds, st, free[0], dirs)
        if u is not None:
            dirs[free[0]] = _orient(u, st.directions[free[0]])
            free = []
    for g in free:
        N = _pinned(ds, st, g)
        dirs[g] = _combine(_rational_coords(N, st.directions[g]), N, d)
    return [dirs[g] for g in range(len(st.groups))]


@dataclass(frozen=True)
class _Flip:
    """The exact least-squares solution moved sample ``k`` across group ``g``'s kink."""

    group: int
    sample: int

    def __str__(self) -> str:
        return f"group {self.group}: sign pattern flips at sample {self.sample}"


def _on_kink(st: Structure, flip: _Flip) -> Structure:
    """The structure with the flipped sample moved onto the group's kink set."""
    g, k = flip.group, flip.sample
    kinks = list(st.kinks)
    kinks[g] = tuple(sorted(set(kinks[g]) | {k}))
    patterns = list(st.patterns)
    patterns[g] = tuple(0 if q == k else s for q, s in enumerate(patterns[g]))
    return Structure(st.dead, st.small, st.groups, st.directions, tuple(kinks), tuple(patterns))


def _candidate(
    ds: Dataset, st: Structure, W: np.ndarray, H: np.ndarray
) -> tuple[list[Vector], list[Vector]] | str | _Flip:
    """The exact (W, H) for a structure, or the reason it cannot be built."""
    X = ds.X
    I, d = W.shape
    J = H.shape[0]
    if J == 1:
        A = _group_matrices(ds, st, W, H)
        if A is None:
            return "degenerate: normal equations inconsistent"
    else:
        dirs = _directions_multi(ds, st, W)
        if dirs is None:
            return "degenerate: no exact direction"
        A = _fixed_direction(ds, st, dirs, W, H)
    Wx: list[Vector] = [tuple(fmpq(0) for _ in range(d)) for _ in range(I)]
    Hx: list[list[Any]] = [[fmpq(0)] * I for _ in range(J)]
    for i in st.dead:
        w = tuple(rational_from_float(c, 10**9) for c in W[i])
        if any(sign(dot(w, x)) >= 0 for x in X):
            return f"dead neuron {i} is not strictly dead after rounding"
        Wx[i] = w
        for j in range(J):
            Hx[j][i] = rational_from_float(H[j, i], 10**9)
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
                return _Flip(g, k)
        nu = float(np.sqrt(sum(to_float(c) ** 2 for c in u)))
        shares = [abs(float(np.linalg.norm(H[:, i]))) * float(np.linalg.norm(W[i])) for i in members]
        tot = sum(shares)
        pis = [rational_from_float(s / tot, 10**6) if tot > 0 else fmpq(1, len(members)) for s in shares]
        pis = [p if p > 0 else fmpq(1, 10**6) for p in pis]
        norm = sum(pis, fmpq(0))
        pis = [p / norm for p in pis]
        for i, p in zip(members, pis):
            lam = rational_from_float(max(float(np.linalg.norm(W[i])), 1e-12) / nu, 10**4)
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
    max_kink_moves: int = 4,
) -> SnapResult:
    """Turn a float point into an exact certified stationary candidate.

    Parameters
    ----------
    dataset : Dataset
        The exact data the float point was trained on.
    W : (I, d) float array
    H : (J, I) float array
    guesses : sequence of Tolerances
        Structure guesses; every distinct guess is tried, and among those
        that yield a stationary point (saddle, type-1 minimum or undecided)
        the one nearest to the float point is returned.
    budget : int
        Passed to :func:`exactland.core.classify`.
    max_kink_moves : int
        When the exact solution pushes a sample across a group's kink, the
        stationary point may sit on that kink (GD approaches kinks slowly):
        the guess is retried with the sample on the kink, at most this often.

    Returns
    -------
    SnapResult

    Examples
    --------
    A float point near the exact zero-loss fit ``w = (1, 2), h = 1`` of two
    samples is snapped onto it:

    >>> import numpy as np
    >>> from exactland.core.problem import load_data
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
    best: tuple[Problem, Certificate, Structure, Tolerances, float] | None = None
    for tol in guesses:
        st = guess_structure(W, H, X, Y, am, tol)
        for _ in range(max_kink_moves + 1):
            key = (st.dead, st.small, st.groups, st.kinks, st.patterns)
            if key in seen:
                break
            seen.add(key)
            cand = _candidate(dataset, st, W, H)
            if isinstance(cand, _Flip):
                # the constrained optimum lies on the boundary: retry with the sample on the kink
                attempts.append(SnapAttempt(tol, "pattern-flip", f"{cand}; retrying with sample "
                                            f"{cand.sample} on the kink of group {cand.group}", None))
                st = _on_kink(st, cand)
                continue
            if isinstance(cand, str):
                outcome = "pattern-flip" if "dead" in cand else "degenerate"
                attempts.append(SnapAttempt(tol, outcome, cand, None))
                break
            Wx, Hx = cand
            problem = dataset.with_params(Wx, Hx)
            cert = certify(problem, budget=budget)
            if cert.verdict is Verdict.NOT_STATIONARY:
                attempts.append(SnapAttempt(tol, "not-stationary",
                                            "the exact candidate is not stationary (its certificate "
                                            "has a descent witness); trying the next guess", cert.verdict.value))
                break
            dist = _distance(W, H, Wx, Hx)
            attempts.append(SnapAttempt(tol, "certified", f"|float - exact|_inf = {dist:.3g}",
                                        cert.verdict.value))
            if best is None or dist < best[4]:
                best = (problem, cert, st, tol, dist)
            break
    if best is not None:
        return SnapResult(*best, tuple(attempts))
    return SnapResult(None, None, None, None, None, tuple(attempts))

"""Exact group matrices for a fixed structure (docs/mathematics.md §9, step 2).

For fixed sign patterns the network outputs are linear in the group matrices
``A_g = Σ_{i∈g} h_{·i} w_iᵀ``. For |J| = 1, :func:`group_matrices` solves the
exact least-squares problem with the kink constraints ``A_g x_k = 0``
(``A_g = B_g N_gᵀ`` with ``N_g`` a basis of the kink normals' orthogonal
complement); a non-unique solution is replaced by the solution nearest to (a
rational rounding of) the float one. For |J| > 1 the group directions are
fixed first (:func:`group_directions`: pinned by the kink set, the exact
eigen-direction of a single free group, or the rounded float direction) and
:func:`fixed_direction_matrices` re-solves for the output weights.

With an output bias ``b`` (``ŷ = Hρ(Wx) + b``), :func:`bias_solution` solves
the same problems with one more, constant column: ``b`` is free and solved
exactly together with the group products, so the normal equations include
``Σ_k e_k = 0`` (``∂L/∂b = 0``). The group matrices at that ``b`` are then
those of the bias-free problem with targets ``Y − 1bᵀ`` (an optimum of the
joint problem is an optimum at its own fixed ``b``, and the solution nearest
to the float one restricts to the nearest one at that ``b``).
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
from flint import fmpq

from exactland.core.problem import Dataset
from exactland.dynamics.structure import Structure
from exactland.dynamics.exact_ls import solve_nearest
from exactland.exact.linalg import dot, nullspace
from exactland.exact.scalars import parse_exact, rational_from_float, to_float, to_sympy

__all__ = ["group_matrices", "fixed_direction_matrices", "group_directions", "bias_solution"]

Vector = tuple[Any, ...]


def _rational_coords(N: Sequence[Vector], v: np.ndarray) -> list[fmpq]:
    """Rational roundings of the (float, least-squares) coordinates of ``v`` in the basis ``N``."""
    Nf = np.array([[to_float(c) for c in n] for n in N])
    return [rational_from_float(c, 10**6) for c in np.linalg.lstsq(Nf.T, v, rcond=None)[0]]


def _combine(coef: Sequence[Any], N: Sequence[Vector], d: int) -> Vector:
    """``Σ_t coef[t] N[t]`` (exact)."""
    return tuple(sum((c * n[q] for c, n in zip(coef, N)), fmpq(0)) for q in range(d))


def group_matrices(
    ds: Dataset, st: Structure, W: np.ndarray, H: np.ndarray
) -> list[list[Vector]] | None:
    """Exact ``A_g`` (list over j of d-vectors) for every group; None if degenerate.

    For |J| = 1: the exact least-squares problem in the group matrices with the
    kink constraints ``A_g x_k = 0`` built in (``A_g = B_g N_gᵀ``); a non-unique
    solution is the one nearest to the rational rounding of the float ``A_g``.

    Parameters
    ----------
    ds : Dataset
    st : Structure
        The guessed structure (groups, kink sets, sign patterns).
    W : (I, d) float array
    H : (J, I) float array
        The float point (it only picks the solution among minimisers).
    """
    X, Y = ds.X, ds.Y
    K, d, J = len(X), len(X[0]), len(Y[0])
    bases, M = _design(ds, st)
    out: list[list[Vector]] = [[] for _ in st.groups]
    for j in range(J):
        target = _group_targets(st, bases, W, H, j)
        b = solve_nearest(M, [Y[k][j] for k in range(K)], target)
        if b is None:
            return None
        pos = 0
        for g, N in enumerate(bases):
            coef = b[pos:pos + len(N)]
            pos += len(N)
            out[g].append(_combine(coef, N, d))
    return out


def _design(ds: Dataset, st: Structure) -> tuple[list[list[Vector]], list[list[Any]]]:
    """The kink-constrained bases ``N_g`` of every group and the design matrix (K rows):
    one column ``α_{s_gk} n·x_k`` per basis vector ``n`` of every group."""
    X, act, K = ds.X, ds.activation, len(ds.X)
    bases, cols = [], []
    for g in range(len(st.groups)):
        N = _pinned(ds, st, g)
        bases.append(N)
        for n in N:
            cols.append([act.slope(st.patterns[g][k]) * dot(n, X[k]) for k in range(K)])
    return bases, [[c[k] for c in cols] for k in range(K)]


def _group_targets(st: Structure, bases: list[list[Vector]], W: np.ndarray, H: np.ndarray, j: int) -> list[fmpq]:
    """Rational roundings of the float ``A_g``'s row ``j`` in the coordinates of every basis ``N_g``."""
    target: list[fmpq] = []
    for g, members in enumerate(st.groups):
        a = sum(H[j, i] * W[i] for i in members)
        if bases[g]:  # an empty basis: the kink set leaves no direction, the group vanishes
            target.extend(_rational_coords(bases[g], a))
    return target


def _direction_targets(st: Structure, dirs: list[Vector], W: np.ndarray, H: np.ndarray, j: int) -> list[fmpq]:
    """Rational roundings of the float output weights ``h_gj`` along fixed directions ``u_g``."""
    target = []
    for g, u in enumerate(dirs):
        uf = np.array([to_float(c) for c in u])
        a = sum(H[j, i] * W[i] for i in st.groups[g])
        norm2 = float(uf @ uf)  # a float guess of the nearest solution only; 0 for a vanished direction
        target.append(rational_from_float(float(a @ uf) / norm2, 10**6) if norm2 > 0 else fmpq(0))
    return target


def bias_solution(
    ds: Dataset, st: Structure, W: np.ndarray, H: np.ndarray, b: np.ndarray
) -> tuple[Any, ...] | None:
    """The exact output bias of a structure: ``b`` solved jointly with the group products.

    The least-squares problems of :func:`group_matrices` get one more column,
    the constant 1; among minimisers the one nearest to the rational rounding
    of the float point is taken. For |J| > 1, when some group's solution is
    not of rank one, the problems of :func:`fixed_direction_matrices` with the
    directions of :func:`group_directions` (the constant column included in
    the eigen-direction) are solved instead — the same order in which the
    group matrices are built, so that the group matrices at this ``b`` follow
    from the bias-free solvers with targets ``Y − 1bᵀ``.

    Parameters
    ----------
    ds : Dataset
    st : Structure
    W : (I, d) float array
    H : (J, I) float array
    b : (J,) float array
        The float point's output bias (it only picks the solution among minimisers).

    Returns
    -------
    tuple of exact numbers, or None
        ``b`` (|J| entries); None when no exact direction was found.
    """
    X, J = ds.X, len(ds.Y[0])
    bases, M = _design(ds, st)
    sols = _with_constant(ds, M, [_group_targets(st, bases, W, H, j) for j in range(J)], b)
    if sols is None or J == 1 or _all_rank_one(sols, bases, len(X[0])):
        return None if sols is None else tuple(sol[-1] for sol in sols)
    dirs = group_directions(ds, st, W, bias=True)
    if dirs is None:
        return None
    M = [[ds.activation.slope(st.patterns[g][k]) * dot(u, x) for g, u in enumerate(dirs)] for k, x in enumerate(X)]
    sols = _with_constant(ds, M, [_direction_targets(st, dirs, W, H, j) for j in range(J)], b)
    return None if sols is None else tuple(sol[-1] for sol in sols)


def _with_constant(ds: Dataset, M: list[list[Any]], targets: list[list[fmpq]], b: np.ndarray) -> list[list[Any]] | None:
    """For every output j: the exact least squares with the design ``M`` plus a constant column,
    nearest to ``targets[j]`` and the rounded float ``b_j`` (the last coefficient is ``b_j``)."""
    Y, K = ds.Y, len(ds.Y)
    M1 = [row + [fmpq(1)] for row in M]
    out = []
    for j, target in enumerate(targets):
        sol = solve_nearest(M1, [Y[k][j] for k in range(K)], target + [rational_from_float(b[j], 10**6)])
        if sol is None:
            return None
        out.append(sol)
    return out


def _all_rank_one(sols: list[list[Any]], bases: list[list[Vector]], d: int) -> bool:
    """True when every group's matrix (rows ``Σ_t coef_jt N_t`` over j) has rank at most one."""
    pos = 0
    for N in bases:
        rows = [_combine(sol[pos:pos + len(N)], N, d) for sol in sols]
        pos += len(N)
        u = next((r for r in rows if any(c != 0 for c in r)), None)
        if u is None:
            continue
        uu = dot(u, u)
        if any(tuple(dot(r, u) / uu * c for c in u) != tuple(r) for r in rows):
            return False
    return True


def fixed_direction_matrices(
    ds: Dataset, st: Structure, dirs: list[Vector], W: np.ndarray, H: np.ndarray
) -> list[list[Vector]]:
    """``A_g = h_g u_gᵀ`` with every group direction ``u_g`` fixed (|J| > 1).

    Re-solves the exact least-squares problem for the output weights ``h_g``
    (nearest to the float output weights when not unique).

    Parameters
    ----------
    ds : Dataset
    st : Structure
    dirs : list of exact vectors
        ``u_g`` for every group (:func:`group_directions`).
    W : (I, d) float array
    H : (J, I) float array
    """
    X, Y = ds.X, ds.Y
    K, J = len(X), len(Y[0])
    M = [[ds.activation.slope(st.patterns[g][k]) * dot(u, X[k]) for g, u in enumerate(dirs)] for k in range(K)]
    hs = []
    for j in range(J):
        hs.append(solve_nearest(M, [Y[k][j] for k in range(K)], _direction_targets(st, dirs, W, H, j)))
    return [[tuple(hs[j][g] * c for c in u) for j in range(J)] for g, u in enumerate(dirs)]


def _pinned(ds: Dataset, st: Structure, g: int) -> list[Vector]:
    """Basis of the directions allowed by group g's kink set."""
    d = len(ds.X[0])
    if not st.kinks[g]:
        return [tuple(fmpq(1) if a == b else fmpq(0) for b in range(d)) for a in range(d)]
    return nullspace([ds.X[k] for k in st.kinks[g]], d, fmpq(1))


def _orient(u: Vector, uf: np.ndarray) -> Vector:
    return u if float(np.array([to_float(c) for c in u]) @ uf) >= 0 else tuple(-c for c in u)


def _eigen_direction(ds: Dataset, st: Structure, free: int, dirs: dict[int, Vector],
                     bias: bool = False) -> Vector | None:
    """Exact optimal direction of the single free group (|J| > 1, d' = 2).

    With the other groups' directions fixed, eliminating every output weight
    leaves ``max uᵀAu / uᵀBu`` with ``A = (PZ)ᵀ(PY)(PY)ᵀ(PZ)``, ``B = (PZ)ᵀ(PZ)``
    (Z: the free group's activated inputs, P: the projector off the fixed
    groups' columns, and off the constant column when ``bias``: a free output
    bias) — a generalized eigenproblem; for a 2-dimensional direction space
    its top eigenvector has real algebraic (quadratic) entries.
    """
    import sympy as sp  # imported on first use: slow to import, needed only here

    X, Y = ds.X, ds.Y
    K, J = len(X), len(Y[0])
    N = _pinned(ds, st, free)
    if len(N) != 2:
        return None
    slope = [ds.activation.slope(st.patterns[free][k]) for k in range(K)]
    Z = sp.Matrix([[to_sympy(slope[k] * dot(n, X[k])) for n in N] for k in range(K)])
    Ym = sp.Matrix([[to_sympy(Y[k][j]) for j in range(J)] for k in range(K)])
    cols = [[to_sympy(ds.activation.slope(st.patterns[g][k]) * dot(u, X[k])) for k in range(K)]
            for g, u in dirs.items()] + ([[sp.Integer(1)] * K] if bias else [])
    if cols:
        C = sp.Matrix(cols).T
        C = C[:, list(C.rref()[1])]
        P = sp.eye(K) - C * (C.T * C).inv() * C.T
    else:
        P = sp.eye(K)
    PZ, PY = P * Z, P * Ym
    A, B = PZ.T * PY * PY.T * PZ, PZ.T * PZ
    lam = sp.Symbol("lam")
    if B.det() == 0:
        return None
    roots = _real_roots(sp.Poly(sp.expand((A - lam * B).det()), lam))
    if not roots:
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


def _real_roots(poly: Any) -> list[Any]:
    """The real roots of the (at most quadratic) characteristic polynomial; [] when not found.

    Rational coefficients: SymPy's exact real roots. Algebraic coefficients
    (data shifted by an algebraic output bias): the quadratic formula, the
    real roots kept by an exact sign test of the discriminant.
    """
    import sympy as sp

    if poly.domain.is_QQ or poly.domain.is_ZZ:
        return [r for r in poly.all_roots() if r.is_real]
    if poly.degree() != 2:
        return []
    a, b, c = poly.all_coeffs()
    disc = sp.radsimp(sp.expand(b * b - 4 * a * c))
    try:
        if parse_exact(disc, "discriminant") < 0:
            return []
    except Exception:  # not expressible with the supported algebraic numbers
        return []
    return [(-b + s * sp.sqrt(disc)) / (2 * a) for s in (1, -1)]


def group_directions(ds: Dataset, st: Structure, W: np.ndarray, bias: bool = False) -> list[Vector] | None:
    """Exact group directions for |J| > 1.

    Pinned by the kink set when it leaves one direction, the exact
    eigen-direction for a single free group (with a free output bias when
    ``bias``), otherwise the rational rounding of the float direction. ``W``
    is the float input-weight matrix (I, d).
    """
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
        u = _eigen_direction(ds, st, free[0], dirs, bias)
        if u is not None:
            dirs[free[0]] = _orient(u, st.directions[free[0]])
            free = []
    for g in free:
        N = _pinned(ds, st, g)
        dirs[g] = _combine(_rational_coords(N, st.directions[g]), N, d)
    return [dirs[g] for g in range(len(st.groups))]

"""The exact point of a guessed structure (docs/mathematics.md §9, step 3).

Each exact group matrix ``A_g`` (:mod:`exactland.dynamics.group_solve`) has
rank one, ``A_g = h uᵀ`` (for |J| > 1 the unconstrained exact optimum is tried
first and kept when every ``A_g`` has rank one, then a zero-loss fit with the
output weights held, :mod:`exactland.dynamics.fixed_outputs`); it is split back over the
group's neurons with positive factors close to the float ones (positive
rescaling keeps every verdict), members keeping their own output weights where
that keeps stationarity. Small living neurons become exactly zero; dead
neurons get exact strictly dead rows near the float ones
(:mod:`exactland.dynamics.dead`). When the exact solution moves a sample
across a group's kink, :class:`PatternFlip` says which, so that the caller can
retry with the sample on the kink.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from flint import fmpq

from exactland.core.problem import Dataset
from exactland.dynamics.dead import strictly_dead_row
from exactland.dynamics.exact_ls import sample_dots
from exactland.dynamics.fixed_outputs import zero_loss_fixed_outputs
from exactland.dynamics.group_solve import fixed_direction_matrices, group_directions, group_matrices
from exactland.dynamics.structure import Structure
from exactland.exact.linalg import dot
from exactland.exact.scalars import rational_from_float, sign, to_float

__all__ = ["PatternFlip", "exact_candidate"]

Vector = tuple[Any, ...]


@dataclass(frozen=True)
class PatternFlip:
    """The exact least-squares solution moved a sample across a group's kink.

    Attributes
    ----------
    group : int
        The group g whose sign pattern flipped.
    sample : int
        The sample k that crossed the kink.
    """

    group: int
    sample: int

    def __str__(self) -> str:
        return f"group {self.group}: sign pattern flips at sample {self.sample}"

    def on_kink(self, st: Structure) -> Structure:
        """The structure with the flipped sample moved onto the group's kink set."""
        g, k = self.group, self.sample
        kinks = list(st.kinks)
        kinks[g] = tuple(sorted(set(kinks[g]) | {k}))
        patterns = list(st.patterns)
        patterns[g] = tuple(0 if q == k else s for q, s in enumerate(patterns[g]))
        return Structure(st.dead, st.small, st.groups, st.directions, tuple(kinks), tuple(patterns))


def _rank_one(A: list[Vector]) -> bool:
    """True when the exact matrix with rows ``A`` has rank at most one."""
    u = next((r for r in A if any(c != 0 for c in r)), None)
    if u is None:
        return True
    uu = dot(u, u)
    return all(tuple(dot(r, u) / uu * c for c in u) == tuple(r) for r in A)


def _all_group_matrices(
    ds: Dataset, st: Structure, W: np.ndarray, H: np.ndarray
) -> tuple[list[list[Vector]], bool] | str:
    """Exact ``A_g`` of every group and whether they solve the unconstrained problem, or why not.

    |J| = 1: the exact constrained least squares. |J| > 1: the same problem
    without the rank-one constraint first — when every solution matrix has
    rank one it is the exact optimum (a zero-loss fit, for instance); else
    the directions are fixed first (:func:`group_directions`).
    """
    A = group_matrices(ds, st, W, H)
    if H.shape[0] == 1:
        return "degenerate: normal equations inconsistent" if A is None else (A, True)
    if A is not None and all(_rank_one(Ag) for Ag in A):
        return A, True
    dirs = group_directions(ds, st, W)
    if dirs is None:
        return "degenerate: no exact direction"
    return fixed_direction_matrices(ds, st, dirs, W, H), False


def _round_dead(
    ds: Dataset, st: Structure, W: np.ndarray, H: np.ndarray, Wx: list[Vector], Hx: list[list[Any]]
) -> str | None:
    """Exact strictly dead rows for the dead neurons into ``Wx``, ``Hx``; the reason if one fails.

    The row is rounded relative to the neuron's size, or shifted exactly along
    a strictly dead direction (:func:`exactland.dynamics.dead.strictly_dead_row`).
    """
    if not st.dead:
        return None
    Xf = np.array([[to_float(c) for c in x] for x in ds.X])
    for i in st.dead:
        w = strictly_dead_row(W[i], ds.X, Xf)
        if w is None:
            return f"dead neuron {i} is not strictly dead after rounding"
        Wx[i] = w
        for j in range(H.shape[0]):
            Hx[j][i] = _relative_round(float(H[j, i]))
    return None


def _relative_round(x: float, digits: int = 9) -> fmpq:
    """``x`` rounded to about ``digits`` significant digits (a binary scale times a bounded fraction)."""
    if x == 0 or not np.isfinite(x):
        return fmpq(0)
    scale = fmpq(2) ** int(np.floor(np.log2(abs(x))))
    return scale * rational_from_float(x / float(scale), 10**digits)


def _split_group(
    ds: Dataset, st: Structure, g: int, Ag: list[Vector], W: np.ndarray, H: np.ndarray,
    Wx: list[Vector], Hx: list[list[Any]], own_outputs: bool = False,
) -> str | PatternFlip | None:
    """Split the rank-one ``A_g = h uᵀ`` over group g's neurons into ``Wx``, ``Hx``.

    Positive factors close to the float neurons' shares; the sign of u is
    chosen to match the group's sign pattern. Returns the reason or the flip
    when the split is impossible, None on success.
    """
    members = st.groups[g]
    u = next((r for r in Ag if any(c != 0 for c in r)), None)
    if u is None:  # the group's product vanishes: zero neurons, or a cancelling set kept near the float one
        if own_outputs and not st.kinks[g]:
            _keep_cancelling(ds, st, g, W, H, Wx, Hx)
        return None
    h = [dot(r, u) / dot(u, u) for r in Ag]  # A_g = h uᵀ (rank one)
    if any(tuple(hj * c for c in u) != tuple(r) for hj, r in zip(h, Ag)):
        return f"group {g}: A_g is not of rank one"
    ux = sample_dots(u, ds.X)
    ref = next((k for k, s in enumerate(st.patterns[g]) if s != 0), None)
    sigma = 1
    if ref is not None and sign(ux[ref]) != st.patterns[g][ref]:
        sigma = -1
    for k, s in enumerate(st.patterns[g]):
        if sigma * sign(ux[k]) != s:
            return PatternFlip(g, k)
    if all(c == 0 for c in u):  # exact test: the group's exact product vanished
        return f"group {g}: its exact direction is zero"
    _split_members(members, sigma, u, h, W, H, Wx, Hx, own_outputs, bool(st.kinks[g]))
    return None


def _keep_cancelling(
    ds: Dataset, st: Structure, g: int, W: np.ndarray, H: np.ndarray, Wx: list[Vector], Hx: list[list[Any]]
) -> None:
    """A group whose exact product is 0 (no kink sample): members along the rounded float direction.

    Their output vectors are their own, shifted exactly so that ``Σ λ_i h_i = 0``
    (the network is unchanged and, every ``d_jg`` being 0, so is stationarity)
    — but only when the rounded direction has the group's sign pattern,
    checked exactly; otherwise the members stay exactly zero.
    """
    ut = tuple(rational_from_float(float(c), 10**6) for c in st.directions[g])
    ux = sample_dots(ut, ds.X)
    if any(sign(v) != s for v, s in zip(ux, st.patterns[g])):
        return
    _split_members(st.groups[g], 1, ut, [fmpq(0)] * H.shape[0], W, H, Wx, Hx, True, False)


def _split_members(
    members: tuple[int, ...], sigma: int, u: Vector, h: list[Any], W: np.ndarray, H: np.ndarray,
    Wx: list[Vector], Hx: list[list[Any]], own_outputs: bool = False, kinked: bool = True,
) -> None:
    """Members ``w_i = σλ_i u``, ``h_i`` with ``Σ_i λ_i h_i = σh`` (so ``Σ_i h_i w_iᵀ = h uᵀ``).

    Floats only choose the positive scales ``λ_i`` (every verdict is invariant
    under them) and how the group's output vector is shared. With
    ``own_outputs`` (``A_g`` the *unconstrained* exact optimum, so every
    ``d_jg`` vanishes on the group's allowed directions and
    ``∂L/∂w_i = Σ_j h_ji d_jg`` does for any ``h_i``), the members keep
    their own rounded output vectors, corrected by a least-norm exact shift
    (only ``Σ λ_i h_i`` enters the network) — when the group has no kink
    sample (``kinked`` False; with kinks the kink conditions depend on the
    ``h_i``), or for |J| > 1 when they all point along ``σh``; otherwise every
    member gets ``h_i ∝ σh`` (unit replication with positive factors).
    """
    J = H.shape[0]
    nu = max(float(np.sqrt(sum(to_float(c) ** 2 for c in u))), 1e-300)
    lams = []
    for i in members:
        lam = rational_from_float(max(float(np.linalg.norm(W[i])), 1e-12) / nu, 10**4)
        lams.append(lam if lam > 0 else fmpq(1, 10**4))
    for i, lam in zip(members, lams):
        Wx[i] = tuple(sigma * lam * c for c in u)
    hf = np.array([sigma * to_float(c) for c in h])
    if own_outputs and (not kinked or (J > 1 and all(float(H[:, i] @ hf) > 0 for i in members))):
        r = [[rational_from_float(float(H[j, i]), 10**9) for j in range(J)] for i in members]
        ll = sum((lam * lam for lam in lams), fmpq(0))
        for j in range(J):
            delta = (sigma * h[j] - sum((lam * ri[j] for lam, ri in zip(lams, r)), fmpq(0))) / ll
            for i, lam, ri in zip(members, lams, r):
                Hx[j][i] = ri[j] + lam * delta
        return
    shares = [abs(float(np.linalg.norm(H[:, i]))) * float(np.linalg.norm(W[i])) for i in members]
    tot = sum(shares)
    pis = [rational_from_float(s / tot, 10**6) if tot > 0 else fmpq(1, len(members)) for s in shares]
    pis = [p if p > 0 else fmpq(1, 10**6) for p in pis]
    norm = sum(pis, fmpq(0))
    for i, p, lam in zip(members, pis, lams):
        for j in range(J):
            Hx[j][i] = sigma * (p / norm) / lam * h[j]


def exact_candidate(
    ds: Dataset, st: Structure, W: np.ndarray, H: np.ndarray
) -> tuple[list[Vector], list[Vector]] | str | PatternFlip:
    """The exact (W, H) for a structure, or the reason it cannot be built.

    Parameters
    ----------
    ds : Dataset
        The exact data.
    st : Structure
        The guessed structure (:func:`exactland.dynamics.structure.guess_structure`).
    W : (I, d) float array
    H : (J, I) float array
        The float point the structure was guessed at.

    Returns
    -------
    (W, H) or str or PatternFlip
        The exact parameters (rows of W, rows of H); a reason (``"degenerate:
        ..."``, a dead neuron that is not strictly dead, a group matrix not of
        rank one); or the sample that crossed a group's kink.
    """
    I, d = W.shape
    J = H.shape[0]
    solved = _all_group_matrices(ds, st, W, H)
    if isinstance(solved, str):
        return solved
    A, own_outputs = solved
    Wx: list[Vector] = [tuple(fmpq(0) for _ in range(d)) for _ in range(I)]
    Hx: list[list[Any]] = [[fmpq(0)] * I for _ in range(J)]
    dead = _round_dead(ds, st, W, H, Wx, Hx)
    if dead is not None:
        return dead
    if J > 1 and not own_outputs:  # not rank one: first a zero-loss fit with the output weights held
        fixed = zero_loss_fixed_outputs(ds, st, W, H, Hx)
        if fixed is not None:
            for i, w in fixed.items():
                Wx[i] = w
            return Wx, [tuple(r) for r in Hx]
    for g in range(len(st.groups)):
        failure = _split_group(ds, st, g, A[g], W, H, Wx, Hx, own_outputs)
        if failure is not None:
            return failure
    return Wx, [tuple(r) for r in Hx]

"""The exact point of a guessed structure (docs/mathematics.md §9, step 3).

Each exact group matrix ``A_g`` (:mod:`exactland.dynamics.group_solve`) has
rank one, ``A_g = h uᵀ``; it is split back over the group's neurons with
positive factors close to the float ones (positive rescaling keeps every
verdict). Small living neurons become exactly zero; dead neurons are rounded
and must stay strictly dead. When the exact solution moves a sample across a
group's kink, :class:`PatternFlip` says which, so that the caller can retry
with the sample on the kink.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from flint import fmpq

from exactland.core.problem import Dataset
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


def _all_group_matrices(
    ds: Dataset, st: Structure, W: np.ndarray, H: np.ndarray
) -> list[list[Vector]] | str:
    """Exact ``A_g`` of every group (|J| = 1 directly, |J| > 1 via fixed directions), or why not."""
    if H.shape[0] == 1:
        A = group_matrices(ds, st, W, H)
        return "degenerate: normal equations inconsistent" if A is None else A
    dirs = group_directions(ds, st, W)
    if dirs is None:
        return "degenerate: no exact direction"
    return fixed_direction_matrices(ds, st, dirs, W, H)


def _round_dead(
    ds: Dataset, st: Structure, W: np.ndarray, H: np.ndarray, Wx: list[Vector], Hx: list[list[Any]]
) -> str | None:
    """Round the dead neurons into ``Wx``, ``Hx``; the reason if one is not strictly dead."""
    for i in st.dead:
        w = tuple(rational_from_float(c, 10**9) for c in W[i])
        if any(sign(dot(w, x)) >= 0 for x in ds.X):
            return f"dead neuron {i} is not strictly dead after rounding"
        Wx[i] = w
        for j in range(H.shape[0]):
            Hx[j][i] = rational_from_float(H[j, i], 10**9)
    return None


def _split_group(
    ds: Dataset, st: Structure, g: int, Ag: list[Vector], W: np.ndarray, H: np.ndarray,
    Wx: list[Vector], Hx: list[list[Any]],
) -> str | PatternFlip | None:
    """Split the rank-one ``A_g = h uᵀ`` over group g's neurons into ``Wx``, ``Hx``.

    Positive factors close to the float neurons' shares; the sign of u is
    chosen to match the group's sign pattern. Returns the reason or the flip
    when the split is impossible, None on success.
    """
    X, members, J = ds.X, st.groups[g], H.shape[0]
    u = next((r for r in Ag if any(c != 0 for c in r)), None)
    if u is None:
        return None  # the group vanishes: its neurons stay exactly zero
    h = [dot(r, u) / dot(u, u) for r in Ag]  # A_g = h uᵀ (rank one)
    if any(tuple(hj * c for c in u) != tuple(r) for hj, r in zip(h, Ag)):
        return f"group {g}: A_g is not of rank one"
    ref = next((k for k, s in enumerate(st.patterns[g]) if s != 0), None)
    sigma = 1
    if ref is not None and sign(dot(u, X[ref])) != st.patterns[g][ref]:
        sigma = -1
    for k, s in enumerate(st.patterns[g]):
        if sign(sigma * dot(u, X[k])) != s:
            return PatternFlip(g, k)
    if all(c == 0 for c in u):  # exact test: the group's exact product vanished
        return f"group {g}: its exact direction is zero"
    # floats only choose the positive rescaling of each neuron (every verdict is invariant under it)
    nu = max(float(np.sqrt(sum(to_float(c) ** 2 for c in u))), 1e-300)
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
    return None


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
    A = _all_group_matrices(ds, st, W, H)
    if isinstance(A, str):
        return A
    Wx: list[Vector] = [tuple(fmpq(0) for _ in range(d)) for _ in range(I)]
    Hx: list[list[Any]] = [[fmpq(0)] * I for _ in range(J)]
    dead = _round_dead(ds, st, W, H, Wx, Hx)
    if dead is not None:
        return dead
    for g in range(len(st.groups)):
        failure = _split_group(ds, st, g, A[g], W, H, Wx, Hx)
        if failure is not None:
            return failure
    return Wx, [tuple(r) for r in Hx]

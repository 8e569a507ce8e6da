"""Exact copositivity of a quadratic form on ``R^f × R^m_+`` (free and sign-constrained variables).

The joint second-order test of docs/mathematics.md (multi-output escape
points, DESIGN §12) asks whether ``q(x) = xᵀ M x`` is ≥ 0 for every ``x``
whose first ``f`` coordinates are free and whose last ``m`` are ≥ 0, and for an
exact rational ``x`` with ``q(x) < 0`` when it is not. The decision has two
exact stages:

1. **Free variables, by Schur complements.** For a free pivot ``k``:
   ``M_kk < 0`` gives the witness ``e_k``; ``M_kk = 0`` with a nonzero
   ``M_kj`` gives ``x_j = 1, x_k = −(M_jj + 1)/(2M_kj)`` with ``q = −1`` (``x_j``
   may be a sign-constrained variable, its value 1 is admissible); a zero row
   is dropped (``x_k = 0``); ``M_kk > 0`` is eliminated:
   ``min_{x_k} q = q'(rest)`` with ``x_k = −Σ_a M_ka x_a / M_kk``. A witness of the
   reduced form lifts back by these formulas with the same value.
2. **Orthant copositivity of the reduced form** ``S`` (``m×m``). Variables whose
   row is entirely ≥ 0 are dropped (setting such a variable to 0 never raises
   ``q``). A negative diagonal entry is a witness; a positive semidefinite ``S``
   is copositive. Otherwise supports ``J`` are enumerated by size: if ``S`` is
   not copositive, a global minimiser of ``q`` on the simplex with minimal
   support ``J`` has the nonsingular KKT system ``S_JJ y = μ1, 1ᵀy = 1`` (a
   singular one would let the minimiser slide to a smaller support at the same
   value), so solving that system for every ``J`` and keeping a solution
   ``y > 0`` with ``μ < 0`` finds a rational witness exactly when one exists.
   A support is skipped when some row of ``S_JJ`` has no negative entry
   (then ``(S_JJ y)_a = μ < 0`` is impossible for ``y > 0``). Each support
   solved costs one unit of an explicit budget.

Everything is exact (``fmpq`` or any exact field with :func:`~exactland.exact.scalars.sign`).
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Any, Sequence

from flint import fmpq, fmpq_mat

from exactland.errors import BudgetExceeded, InternalError
from exactland.exact.linalg import rref
from exactland.exact.scalars import sign

__all__ = ["ConeFormResult", "decide_cone_form", "eliminate_free", "is_psd", "orthant_copositive", "quad"]

Matrix = list[list[Any]]


@dataclass(frozen=True)
class ConeFormResult:
    """Outcome of :func:`decide_cone_form`.

    Attributes
    ----------
    copositive : bool
        ``xᵀMx ≥ 0`` on the whole cone.
    witness : tuple or None
        An exact ``x`` in the cone with ``xᵀMx < 0`` (only when not copositive).
    value : exact number or None
        ``xᵀMx`` at the witness.
    supports : int
        Supports examined by the orthant stage (budget units spent).
    """

    copositive: bool
    witness: tuple[Any, ...] | None
    value: Any
    supports: int


def quad(M: Sequence[Sequence[Any]], x: Sequence[Any], zero: Any) -> Any:
    """``xᵀ M x`` exactly."""
    total = zero
    for a, xa in enumerate(x):
        if xa == 0:
            continue
        row = M[a]
        total = total + xa * sum((row[b] * xb for b, xb in enumerate(x) if xb != 0), zero)
    return total


@dataclass(frozen=True)
class _Elimination:
    """Free variables eliminated in order: ``(k, {a: M_ka}, M_kk)`` each."""

    steps: tuple[tuple[int, dict[int, Any], Any], ...]

    def lift(self, y: dict[int, Any], zero: Any) -> dict[int, Any]:
        """Extend a vector on the remaining indices to all indices, value preserved."""
        x = dict(y)
        for k, row, p in reversed(self.steps):
            x[k] = -sum((c * x.get(a, zero) for a, c in row.items()), zero) / p
        return x


def eliminate_free(M: Sequence[Sequence[Any]], free: Sequence[int], zero: Any, one: Any
                   ) -> tuple[Matrix, list[int], _Elimination, dict[int, Any] | None]:
    """Minimise ``xᵀMx`` over the ``free`` indices by exact Schur complements.

    Returns
    -------
    S : list of lists
        The reduced matrix on ``rest`` (the indices not in ``free``).
    rest : list of int
    elimination : _Elimination
        For lifting witnesses of ``S`` back (``lift``).
    witness : dict or None
        When the free block already has ``q < 0`` somewhere (an indefinite
        free block, or a zero pivot coupled to another variable): an exact
        witness over the original indices; then ``S`` is meaningless.
    """
    n = len(M)
    A = [list(row) for row in M]
    active = list(range(n))
    steps: list[tuple[int, dict[int, Any], Any]] = []
    for k in free:
        p = A[k][k]
        others = [a for a in active if a != k]
        if sign(p) < 0:
            return A, [], _Elimination(tuple(steps)), _Elimination(tuple(steps)).lift({k: one}, zero)
        if p == 0:
            j = next((a for a in others if A[k][a] != 0), None)
            if j is None:
                active.remove(k)
                continue
            s = -(A[j][j] + one) / (2 * A[k][j])
            return A, [], _Elimination(tuple(steps)), _Elimination(tuple(steps)).lift({j: one, k: s}, zero)
        row = {a: A[k][a] for a in others if A[k][a] != 0}
        for a in row:
            f = row[a] / p
            Aa = A[a]
            for b in row:
                Aa[b] = Aa[b] - f * row[b]
        steps.append((k, row, p))
        active.remove(k)
    rest = [a for a in active if a not in set(free)]
    S = [[A[a][b] for b in rest] for a in rest]
    return S, rest, _Elimination(tuple(steps)), None


def is_psd(S: Matrix, zero: Any, one: Any) -> bool:
    """Exact positive semidefiniteness (every variable treated as free)."""
    _, rest, _, wit = eliminate_free(S, list(range(len(S))), zero, one)
    return wit is None and not rest


def _kkt_point(S: Matrix, J: Sequence[int], zero: Any, one: Any) -> tuple[list[Any], Any] | None:
    """The unique solution ``(y, μ)`` of ``S_JJ y = μ1, 1ᵀy = 1``, or None if singular."""
    n = len(J)
    if type(one) is fmpq and all(type(S[a][b]) is fmpq for a in J for b in J):
        A = fmpq_mat(n + 1, n + 1, [x for a in J for x in [S[a][b] for b in J] + [-one]] + [one] * n + [zero])
        try:
            sol = A.solve(fmpq_mat(n + 1, 1, [zero] * n + [one]))
        except ZeroDivisionError:  # singular
            return None
        return [sol[a, 0] for a in range(n)], sol[n, 0]
    rows = [[S[a][b] for b in J] + [-one, zero] for a in J]
    rows.append([one] * n + [zero, one])
    R, piv = rref(rows, n + 2)
    if piv != list(range(n + 1)):
        return None
    return [R[a][n + 1] for a in range(n)], R[n][n + 1]


def orthant_copositive(S: Matrix, zero: Any, one: Any, budget: int
                       ) -> tuple[bool, dict[int, Any] | None, int]:
    """Decide ``yᵀSy ≥ 0`` for ``y ≥ 0``; return ``(copositive, witness, supports)``.

    Raises
    ------
    BudgetExceeded
        More than ``budget`` supports would be needed.
    """
    idx = list(range(len(S)))
    for a in idx:
        if sign(S[a][a]) < 0:
            return False, {a: one}, 0
    changed = True
    while changed:  # a variable with a non-negative row never helps a witness
        changed = False
        for a in list(idx):
            if all(sign(S[a][b]) >= 0 for b in idx):
                idx.remove(a)
                changed = True
    sub = [[S[a][b] for b in idx] for a in idx]
    if not idx or is_psd(sub, zero, one):
        return True, None, 0
    used = 0
    neg = [{b for b in range(len(idx)) if sign(sub[a][b]) < 0} for a in range(len(idx))]
    for size in range(2, len(idx) + 1):
        for J in combinations(range(len(idx)), size):
            Js = set(J)
            if any(not (neg[a] & Js) for a in J):
                continue  # (S_JJ y)_a = μ < 0 with y > 0 needs a negative entry in row a of S_JJ
            used += 1
            if used > budget:
                raise BudgetExceeded(f"copositivity: more than {budget} supports")
            sol = _kkt_point(sub, J, zero, one)
            if sol is None:
                continue
            y, mu = sol
            if sign(mu) < 0 and all(sign(c) > 0 for c in y):
                return False, {idx[a]: c for a, c in zip(J, y)}, used
    return True, None, used


def decide_cone_form(M: Sequence[Sequence[Any]], n_free: int, zero: Any, one: Any,
                     budget: int = 100_000) -> ConeFormResult:
    """Is ``xᵀMx ≥ 0`` on ``R^{n_free} × R^m_+``? Exact, with a witness when not.

    Parameters
    ----------
    M : square symmetric matrix (list of rows) of exact numbers
    n_free : int
        The first ``n_free`` variables are free, the others ≥ 0.
    zero, one : exact numbers
        The field's 0 and 1.
    budget : int
        Most supports the orthant stage may examine.

    Raises
    ------
    BudgetExceeded
        When the orthant stage needs more than ``budget`` supports.

    Examples
    --------
    >>> from flint import fmpq
    >>> z, o = fmpq(0), fmpq(1)
    >>> r = decide_cone_form([[o, -2 * o], [-2 * o, o]], 0, z, o)
    >>> r.copositive, r.value < 0, all(c >= 0 for c in r.witness)
    (False, True, True)
    >>> decide_cone_form([[o, o], [o, o]], 0, z, o).copositive
    True
    """
    n = len(M)
    S, rest, elim, wit = eliminate_free(M, list(range(n_free)), zero, one)
    supports = 0
    if wit is None:
        ok, y, supports = orthant_copositive(S, zero, one, budget)
        if ok:
            return ConeFormResult(True, None, None, supports)
        wit = elim.lift({rest[a]: c for a, c in y.items()}, zero)
    x = tuple(wit.get(a, zero) for a in range(n))
    if any(sign(c) < 0 for c in x[n_free:]):
        raise InternalError("copositivity witness leaves the cone")
    val = quad(M, x, zero)
    if sign(val) >= 0:
        raise InternalError("copositivity witness has a non-negative value")
    return ConeFormResult(False, x, val, supports)

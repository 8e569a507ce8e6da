"""Piecewise-linear forms on a neuron's kink arrangement (docs/mathematics.md §4).

For neuron i every first-order quantity along a tangential direction v has
the form ``f(v) = c·v + Σ_{k∈K⁰(i)} b_k rho(x_k·v)`` (eq. 6: ``φ_ji`` with
``c = d_ji, b_k = e_kj``; ``F_i = Σ_j h_ji φ_ji``). Writing
``rho(t) = a⁻ t + (a⁺ − a⁻) max(t, 0)`` and merging parallel and antiparallel
kink normals gives the canonical form

    f(v) = ℓ·v + Σ_l γ_l max(n_l·v, 0)

over the *distinct* kink lines ``n_l``. The functions ``max(n_l·v, 0)`` of
distinct lines are linearly independent modulo linear functions, so ``f ≡ 0``
iff ``ℓ = 0`` and every ``γ_l = 0`` — an exact test with no enumeration.

``f ≥ 0`` everywhere iff ``ℓ`` is orthogonal to the lineality space
``Λ = {v : n_l·v = 0 ∀l}`` and ``f ≥ 0`` on every extreme ray of the essential
arrangement (the one-dimensional intersections of hyperplanes inside
``span(n_l)``). When the normals are independent (the generic case, at most
d − 1 kinks) the rays are ± the dual basis and the test separates into one
condition per kink (the fast path); otherwise every (r−1)-subset of normals is
tried, against an explicit budget.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from itertools import combinations
from typing import Any, Iterator, Sequence

from flint import fmpq, fmpz_mat

from exactland.errors import BudgetExceeded
from exactland.exact.linalg import canonical_line, dot, nullspace, rref
from exactland.exact.scalars import sign

__all__ = [
    "Arrangement",
    "Budget",
    "PLForm",
    "arrangement",
    "pl_form",
    "extreme_rays",
    "project_tangent",
    "generic_nonzero_point",
]

Vector = tuple[Any, ...]


@dataclass
class Budget:
    """A mutable counter of subset evaluations of the general ray routine.

    Parameters
    ----------
    limit : int
        Maximum number of (r−1)-subsets examined over the whole certification.
    """

    limit: int
    used: int = 0

    def spend(self, n: int = 1) -> None:
        """Account for ``n`` evaluations; raise :class:`BudgetExceeded` past the limit."""
        self.used += n
        if self.used > self.limit:
            raise BudgetExceeded(
                f"ray enumeration budget of {self.limit} subset evaluations exceeded"
            )


@dataclass(frozen=True)
class Arrangement:
    """The central arrangement of kink hyperplanes ``{n_l·v = 0}`` in R^d.

    ``basis`` and ``lineality`` are computed on first use only (a neuron
    whose forms vanish identically never needs them).

    Attributes
    ----------
    dim : int
        d.
    lines : tuple of vectors
        One canonical normal per distinct kink line.
    one : exact number
        The field's unit.
    """

    dim: int
    lines: tuple[Vector, ...]
    one: Any = field(repr=False)

    @cached_property
    def basis(self) -> tuple[int, ...]:
        """Indices of lines forming a basis of ``span(n_l)``."""
        if not self.lines:
            return ()
        ints = _integer_columns(self.lines, self.dim)
        if ints is not None:  # pivots of the fraction-free rref are those of the rref
            rows = fmpz_mat(ints).rref()[0].tolist()
            return tuple(next(c for c, x in enumerate(row) if x != 0) for row in rows if any(row))
        cols = [[n[c] for n in self.lines] for c in range(self.dim)]
        return tuple(rref(cols, len(self.lines))[1])

    @cached_property
    def lineality(self) -> tuple[Vector, ...]:
        """A basis of ``Λ = {v : n_l·v = 0 ∀l}``."""
        if not self.lines:
            zero = self.one - self.one
            return tuple(
                tuple(self.one if a == b else zero for b in range(self.dim)) for a in range(self.dim)
            )
        return tuple(nullspace([self.lines[l] for l in self.basis], self.dim, self.one))

    @property
    def rank(self) -> int:
        """Dimension of ``span(n_l)``."""
        return len(self.basis)

    @property
    def independent(self) -> bool:
        """True when the kink normals are linearly independent (fast path)."""
        return self.rank == len(self.lines)


def _integer_columns(lines: Sequence[Vector], dim: int) -> list[list[int]] | None:
    """The d×m matrix of integer-valued ``fmpq`` lines as Python ints, else None."""
    if not all(type(c) is fmpq and c.q == 1 for n in lines for c in n):
        return None
    return [[int(n[c].p) for n in lines] for c in range(dim)]


def arrangement(
    normals: Sequence[Vector], dim: int, one: Any
) -> tuple[Arrangement, list[tuple[int, Any] | None]]:
    """Group kink normals into distinct lines.

    Parameters
    ----------
    normals : sequence of vectors
        The inputs ``x_k`` of the kink samples.
    dim : int
        d.
    one : exact number
        The field's unit.

    Returns
    -------
    arr : Arrangement
    assignment : list
        For every normal, ``(l, λ)`` with ``x_k = λ n_l``, or None for x_k = 0.

    Examples
    --------
    >>> from flint import fmpq, fmpz_mat
    >>> arr, asg = arrangement([(fmpq(1), fmpq(2)), (fmpq(-2), fmpq(-4))], 2, fmpq(1))
    >>> arr.lines, asg, arr.lineality
    (((1, 2),), [(0, 1), (0, -2)], ((-2, 1),))
    """
    index: dict[Any, int] = {}
    lines: list[Vector] = []
    assignment: list[tuple[int, Any] | None] = []
    for x in normals:
        if all(c == 0 for c in x):
            assignment.append(None)
            continue
        n, lam = canonical_line(x)
        key = _key(n)
        if key not in index:
            index[key] = len(lines)
            lines.append(n)
        assignment.append((index[key], lam))
    return Arrangement(dim, tuple(lines), one), assignment


def _key(n: Vector) -> Any:
    """A cheap hashable key for a canonical normal (integer numerators when rational)."""
    if all(type(c) is fmpq for c in n):
        return tuple(int(c.p) for c in n)
    return n


@dataclass(frozen=True)
class PLForm:
    """``f(v) = lin·v + Σ_l gamma[l] max(lines[l]·v, 0)``.

    Examples
    --------
    >>> from flint import fmpq, fmpz_mat
    >>> f = PLForm((fmpq(0), fmpq(-1)), (fmpq(2),), ((fmpq(1), fmpq(0)),))
    >>> f((fmpq(1), fmpq(1))), f((fmpq(-1), fmpq(1)))
    (1, -1)
    """

    lin: Vector
    gamma: tuple[Any, ...]
    lines: tuple[Vector, ...] = field(repr=False)

    def __call__(self, v: Sequence[Any]) -> Any:
        total = dot(self.lin, v)
        for g, n in zip(self.gamma, self.lines):
            if g != 0:
                t = dot(n, v)
                if sign(t) > 0:
                    total = total + g * t
        return total

    def is_zero(self) -> bool:
        """``f ≡ 0`` (exact; see the module notes)."""
        return all(c == 0 for c in self.lin) and all(g == 0 for g in self.gamma)

    def linear_on_lineality(self, arr: Arrangement) -> tuple[Vector, Any] | None:
        """A basis vector ``b`` of Λ with ``lin·b != 0`` and that value, or None."""
        for b in arr.lineality:
            val = dot(self.lin, b)
            if val != 0:
                return b, val
        return None


def project_tangent(v: Sequence[Any], w: Sequence[Any]) -> Vector:
    """Orthogonal projection of ``v`` onto ``T = w^⊥`` (identity when w = 0).

    Examples
    --------
    >>> from flint import fmpq, fmpz_mat
    >>> project_tangent((fmpq(1), fmpq(1)), (fmpq(1), fmpq(0)))
    (0, 1)
    """
    ww = dot(w, w)
    if ww == 0:
        return tuple(v)
    c = dot(v, w) / ww
    return tuple(a - c * b for a, b in zip(v, w))


def pl_form(
    lin: Sequence[Any],
    coefs: Sequence[Any],
    assignment: Sequence[tuple[int, Any] | None],
    arr: Arrangement,
    alpha_plus: Any,
    alpha_minus: Any,
    w: Sequence[Any],
) -> PLForm:
    """Canonical form of ``v ↦ lin·v + Σ_k coefs[k] rho(x_k·v)`` on ``T = w^⊥``.

    The linear part is projected onto ``w^⊥`` so that the form is invariant
    along ``w``; it then agrees with the original on every tangential v.
    """
    jump = alpha_plus - alpha_minus
    ell = list(lin)
    gamma = [alpha_plus * 0 for _ in arr.lines]
    for b, asg in zip(coefs, assignment):
        if asg is None or b == 0:
            continue
        l, lam = asg
        n = arr.lines[l]
        if sign(lam) > 0:
            s = b * alpha_minus * lam
        else:
            s = b * alpha_plus * lam
        gamma[l] = gamma[l] + b * jump * abs(lam)
        ell = [a + s * c for a, c in zip(ell, n)]
    return PLForm(project_tangent(ell, w), tuple(gamma), arr.lines)


def _dual_basis(arr: Arrangement) -> list[Vector]:
    lines = arr.lines
    m = len(lines)
    gram = [[dot(a, b) for b in lines] for a in lines]
    one = _one(lines[0])
    aug = [row + [one if r == c else one - one for c in range(m)] for r, row in enumerate(gram)]
    R, _ = rref(aug, 2 * m)
    inv = [row[m:] for row in R]
    return [
        tuple(sum((inv[lp][l] * lines[lp][c] for lp in range(m)), one - one) for c in range(arr.dim))
        for l in range(m)
    ]


def _one(v: Vector) -> Any:
    """The field's unit, of the element type of the nonzero vector ``v``."""
    c = next(c for c in v if c != 0)
    return c / c


def _ray_key(v: Vector) -> tuple[Vector, int]:
    n, lam = canonical_line(v)
    return n, sign(lam)


def extreme_rays(arr: Arrangement, budget: Budget) -> Iterator[Vector]:
    """All extreme rays of the essential kink arrangement, each once.

    Independent normals: ± the dual basis (2m rays, the separable fast path).
    Otherwise: for each (r−1)-subset of normals of rank r−1, the ray(s) of
    ``span(n) ∩ subset^⊥``. Every subset costs one unit of ``budget``.

    Raises
    ------
    BudgetExceeded
        When the budget runs out (caught by the caller).

    Examples
    --------
    >>> from flint import fmpq, fmpz_mat
    >>> arr, _ = arrangement([(fmpq(1), fmpq(0)), (fmpq(0), fmpq(1)), (fmpq(1), fmpq(1))], 2, fmpq(1))
    >>> sorted(extreme_rays(arr, Budget(100)))
    [(-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0)]
    """
    if arr.rank == 0:
        return
    if arr.independent:
        budget.spend(len(arr.lines))
        for b in _dual_basis(arr):
            yield b
            yield tuple(-c for c in b)
        return
    r = arr.rank
    base = [arr.lines[l] for l in arr.basis]
    coords = [[dot(n, b) for b in base] for n in arr.lines]
    one = _one(base[0])
    seen: set[tuple[Vector, int]] = set()
    for subset in combinations(range(len(arr.lines)), r - 1):
        budget.spend()
        ns = nullspace([coords[l] for l in subset], r, one)
        if len(ns) != 1:
            continue
        c = ns[0]
        v = tuple(sum((c[t] * base[t][q] for t in range(r)), one - one) for q in range(arr.dim))
        for ray in (v, tuple(-x for x in v)):
            key = _ray_key(ray)
            if key not in seen:
                seen.add(key)
                yield ray


def generic_nonzero_point(form: PLForm, arr: Arrangement) -> Vector | None:
    """A point where a nonzero form does not vanish, without enumeration.

    If some ``γ_l != 0``, pick ``p`` on the hyperplane ``n_l^⊥`` off every other
    hyperplane (points ``q(t) = (1, t, …, t^{d−1})`` projected onto ``n_l^⊥``;
    only finitely many t fail) and a step ``s`` that crosses no other
    hyperplane: f is ``linear + γ_l max(n_l·v, 0)`` near ``p``, so f cannot
    vanish at all of ``p``, ``p + s n_l`` and ``p − s n_l``. Otherwise f is
    linear and ``ℓ`` itself is a point with ``f(ℓ) = ‖ℓ‖² > 0``.

    Returns None only for the zero form.

    Examples
    --------
    >>> from flint import fmpq, fmpz_mat
    >>> arr, asg = arrangement([(fmpq(1), fmpq(0)), (fmpq(0), fmpq(1)), (fmpq(1), fmpq(1))], 2, fmpq(1))
    >>> f = PLForm((fmpq(0), fmpq(0)), (fmpq(1), fmpq(1), fmpq(-1)), arr.lines)
    >>> v = generic_nonzero_point(f, arr); f(v) != 0
    True
    """
    if form.is_zero():
        return None
    l = next((i for i, g in enumerate(form.gamma) if g != 0), None)
    if l is None:
        return form.lin
    n = arr.lines[l]
    nn = dot(n, n)
    t = 1
    while True:
        q = tuple(_one(n) * t**e for e in range(arr.dim))
        p = tuple(a - (dot(q, n) / nn) * b for a, b in zip(q, n))
        others = [dot(m, p) for i, m in enumerate(arr.lines) if i != l]
        if all(o != 0 for o in others):
            break
        t += 1
    s = _one(n)
    for i, m in enumerate(arr.lines):
        if i == l:
            continue
        mn = dot(m, n)
        if mn != 0:
            bound = abs(dot(m, p)) / abs(mn)
            if bound <= s:
                s = bound / 2
    for v in (p, tuple(a + s * b for a, b in zip(p, n)), tuple(a - s * b for a, b in zip(p, n))):
        if form(v) != 0:
            return v
    raise AssertionError("a nonzero piecewise-linear form vanished at three test points")

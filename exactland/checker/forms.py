"""Piecewise-linear forms, kink lines and extreme rays (the checker's own).

With ``rho(t) = a⁻ t + (a⁺ − a⁻) max(t, 0)`` every ``φ_ji`` is written
``ℓ·v + Σ_l γ_l max(n_l·v, 0)`` over the distinct kink lines ``n_l``
(``max(−t, 0) = max(t, 0) − t`` merges antiparallel normals).  ``ℓ`` is
projected onto ``w_i^⊥``; the form is then invariant along ``w_i`` and its
behaviour on R^d is its behaviour on the tangent space.  A form is identically
zero iff ``ℓ = 0`` and ``γ = 0``; it is ``≥ 0`` iff ``ℓ`` lies in the span of
the normals and it is ``≥ 0`` on every extreme ray of the (essential) kink
arrangement, a ray being the line of ``span(n)`` orthogonal to ``r − 1``
normals of rank ``r − 1`` (both orientations).
"""
from __future__ import annotations

from typing import Any, Callable, Iterator

from exactland.checker.arith import INFINITY, absolute, dot, minimum, is_zero_vector


class CheckerBudgetExceeded(Exception):
    """Raised internally when ray enumeration would pass the budget."""


class Span:
    """Incremental row echelon form of a set of vectors."""

    def __init__(self, div: Callable[[Any, Any], Any]) -> None:
        self.div, self.rows = div, []

    def reduce(self, v: Any) -> list:
        v = list(v)
        for p, row in self.rows:
            if v[p] != 0:
                f = v[p]
                v = [a - f * b for a, b in zip(v, row)]
        return v

    def add(self, v: Any) -> bool:
        v = self.reduce(v)
        p = next((t for t, x in enumerate(v) if x != 0), None)
        if p is None:
            return False
        self.rows.append((p, [self.div(x, v[p]) for x in v]))
        return True

    def contains(self, v: Any) -> bool:
        return is_zero_vector(self.reduce(v))


def kernels(M: list, r: int, div: Callable[[Any, Any], Any],
             spend: Callable[[int], None]) -> Iterator[list]:
    """Kernel vector of every (r−1)-subset of rank r−1 of the rows of M (m×r).

    Depth-first over subsets in lexicographic order, keeping the echelon form of
    the chosen prefix: a dependent row prunes its whole subtree and each node
    costs one O(r²) reduction; nodes and leaves are charged to ``spend``.
    """
    def rec(start: int, rows: list) -> Iterator[list]:
        need = r - 1 - len(rows)
        if need == 0:
            spend(1)
            piv = {p for p, _ in rows}
            c: list = [0] * r
            c[next(q for q in range(r) if q not in piv)] = 1
            for p, row in reversed(rows):  # rows vanish on earlier pivots
                c[p] = -sum((row[q] * c[q] for q in range(r) if q != p), 0)
            yield c
            return
        for s in range(start, len(M) - need + 1):
            spend(1)
            v = M[s]
            for p, row in rows:
                if v[p] != 0:
                    f = v[p]
                    v = [a - f * b for a, b in zip(v, row)]
            p = next((q for q, a in enumerate(v) if a != 0), None)
            if p is not None:
                yield from rec(s + 1, rows + [(p, [div(a, v[p]) for a in v])])

    yield from rec(0, [])


class Forms:
    """The forms ``φ_ji`` and ``F_i`` of every neuron, and their ray analysis."""

    def __init__(self, pt: Any, budget: int) -> None:
        self.pt = pt
        self.budget, self.used = budget, 0
        self._reps: dict[int, tuple] = {}
        self._F: dict[int, tuple] = {}
        self._ana: dict[int, tuple] = {}

    def rep(self, i: int) -> tuple[list, list, list]:
        """(lines, ℓ_j, γ_j) of the φ_ji of neuron i (the point's :meth:`form`)."""
        if i not in self._reps:
            self._reps[i] = self.pt.form(i)
        return self._reps[i]

    def find(self, lines: list, n: tuple) -> int:
        """Position of line ``n`` in ``lines`` (``len(lines)`` when new; fmpq and
        RealAlg need not hash alike, so lines are compared, not hashed)."""
        return next((l for l, m in enumerate(lines) if all(a == b for a, b in zip(m, n))), len(lines))

    def show(self, n: tuple) -> list:
        """A kink line as the schema writes it (rational: its primitive integer vector)."""
        return list(n)

    def spend(self, n: int) -> None:
        if self.used + n > self.budget:
            raise CheckerBudgetExceeded
        self.used += n

    def F_form(self, i: int) -> tuple[list, list]:
        """(ℓ, γ) of F_i = Σ_j h_ji φ_ji, up to a positive factor."""
        if i not in self._F:
            lines, ell, gam = self.rep(i)
            if not self.pt.f.algebraic and not any(map(any, ell)) and not any(map(any, gam)):
                self._F[i] = ([0] * self.pt.d, [0] * len(lines))  # integer forms, all zero
            else:
                h = self.pt.hcol_scaled(i)
                self._F[i] = ([sum((a * b for a, b in zip(h, col)), 0) for col in zip(*ell)],
                              [sum((a * b for a, b in zip(h, col)), 0) for col in zip(*gam)])
        return self._F[i]

    def analysis(self, i: int) -> tuple[bool, bool, Any]:
        """(F_i ≥ 0 on T_i, escape: ∃v F_i(v)=0≠φ_ji(v), c_i) — c_i is 0 for escape."""
        if i in self._ana:
            return self._ana[i]
        lines, ell, gam = self.rep(i)
        J, h, div = self.pt.J, self.pt.hcol(i), self.pt.f.div
        ellF, gamF = self.F_form(i)
        if is_zero_vector(ellF) and is_zero_vector(gamF):  # F_i ≡ 0: escape iff some φ_ji ≢ 0
            esc = not all(is_zero_vector(ell[j]) and is_zero_vector(gam[j]) for j in range(J))
            self._ana[i] = (True, esc, 0 if esc else INFINITY)
            return self._ana[i]
        span = Span(div)
        basis = [n for n in lines if span.add(n)]
        if not span.contains(ellF):
            self._ana[i] = (False, False, None)
            return self._ana[i]
        escape = any(not span.contains(ell[j]) for j in range(J))
        r = len(basis)
        M = [[dot(n, b) for b in basis] for n in lines]
        Lj = [[dot(ell[j], b) for b in basis] for j in range(J)]
        cmin: Any = INFINITY
        for cvec in kernels(M, r, div, self.spend):
            p0 = [dot(row, cvec) for row in M]
            l0 = [dot(Lj[j], cvec) for j in range(J)]
            for sg in (1, -1):
                p = p0 if sg > 0 else [-a for a in p0]
                phis = [(l0[j] if sg > 0 else -l0[j])
                        + sum((gam[j][l] * a for l, a in enumerate(p) if a > 0), 0) for j in range(J)]
                F = sum((h[j] * phis[j] for j in range(J)), 0)
                if F < 0:
                    self._ana[i] = (False, False, None)
                    return self._ana[i]
                mx = max((absolute(a) for a in phis), default=0)
                if mx != 0:
                    escape = escape or F == 0
                    cmin = minimum(cmin, div(F, mx))
        self._ana[i] = (True, escape, 0 if escape else cmin)
        return self._ana[i]

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

import math
from typing import Any, Callable, Iterator

from exactland.checker.arith import INF, _abs, _dot, _Field, _min, _zero
from exactland.checker.point import _Point


class _BudgetExceeded(Exception):
    """Raised internally when ray enumeration would pass the budget."""


class _Span:
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
        return _zero(self.reduce(v))


def _kernels(M: list, r: int, div: Callable[[Any, Any], Any],
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


class _Forms(_Point):
    """The forms ``φ_ji`` and ``F_i`` of every neuron, and their ray analysis."""

    def __init__(self, problem: dict, field: _Field, budget: int) -> None:
        self.budget, self.used = budget, 0
        self._reps: dict[int, tuple] = {}
        self._forms: dict[tuple, tuple] = {}
        self._ana: dict[int, tuple] = {}
        super().__init__(problem, field)

    def _kink_form(self, kinks: tuple) -> tuple[list, list, list]:
        """(lines, Σ_k coef_kj x_k, γ_j) of a kink set; shared by equal kink sets."""
        if kinks in self._forms:
            return self._forms[kinks]
        f, J, diff = self.f, self.J, self.ap - self.am
        lines: list = []
        index: dict = {}  # rational mode only: fmpq and RealAlg need not hash alike
        lin: list = [[0] * self.d for _ in range(J)]
        gam: list[list] = [[] for _ in range(J)]
        for k in kinks:
            x = self.X[k]
            p = next((t for t, a in enumerate(x) if a != 0), None)
            if p is None:
                continue
            lam = x[p]
            n = tuple(f.div(a, lam) for a in x)
            l = self._find(lines, index, n)
            if l == len(lines):
                index[n] = l
                lines.append(n)
                for g in gam:
                    g.append(0)
            for j in range(J):
                e = self.E[k][j]
                if e != 0:  # rho(t) = a⁻t + (a⁺−a⁻)max(t,0); max(λt,0) = |λ|max(t,0) − [λ<0]|λ|t
                    gam[j][l] += diff * e * _abs(lam)
                    coef = self.am * e + (diff * e if lam < 0 else 0)
                    lin[j] = [a + coef * b for a, b in zip(lin[j], x)]
        self._forms[kinks] = (lines, lin, gam)
        return self._forms[kinks]

    def _rep(self, i: int) -> tuple[list, list, list]:
        """(lines, ℓ_j, γ_j) of the φ_ji of neuron i, ℓ projected on w_i^⊥."""
        if i not in self._reps:
            lines, lin, gam = self._kink_form(tuple(self.K0[i]))
            ell = [[a + b for a, b in zip(self.D[i][j], lin[j])] for j in range(self.J)]
            w = self.W[i]
            ww = _dot(w, w)
            for j in range(self.J):
                s = _dot(ell[j], w)
                if ww != 0 and s != 0:
                    s = self.f.div(s, ww)
                    ell[j] = [a - s * b for a, b in zip(ell[j], w)]
            self._reps[i] = (lines, ell, gam)
        return self._reps[i]

    def _find(self, lines: list, index: dict, n: tuple) -> int:
        """Position of line ``n`` in ``lines`` (``len(lines)`` when new)."""
        if not self.f.algebraic:
            return index.get(n, len(lines))
        return next((l for l, m in enumerate(lines) if all(a == b for a, b in zip(m, n))), len(lines))

    def _show(self, n: tuple) -> list:
        """A kink line as the schema writes it: a primitive integer vector."""
        if self.f.algebraic:
            return list(n)
        ints, _ = self.f.clear(list(n))
        g = math.gcd(*ints)
        return [a // g for a in ints]

    def _spend(self, n: int) -> None:
        if self.used + n > self.budget:
            raise _BudgetExceeded
        self.used += n

    def _F_form(self, i: int) -> tuple[list, list]:
        """(ℓ, γ) of F_i = Σ_j h_ji φ_ji."""
        lines, ell, gam = self._rep(i)
        h = self._hcol(i)
        return ([sum((h[j] * ell[j][t] for j in range(self.J)), 0) for t in range(self.d)],
                [sum((h[j] * gam[j][l] for j in range(self.J)), 0) for l in range(len(lines))])

    def _analysis(self, i: int) -> tuple[bool, bool, Any]:
        """(F_i ≥ 0 on T_i, escape: ∃v F_i(v)=0≠φ_ji(v), c_i) — c_i is 0 for escape."""
        if i in self._ana:
            return self._ana[i]
        lines, ell, gam = self._rep(i)
        J, h, div = self.J, self._hcol(i), self.f.div
        ellF, gamF = self._F_form(i)
        if _zero(ellF) and _zero(gamF):  # F_i ≡ 0: escape iff some φ_ji ≢ 0
            esc = not all(_zero(ell[j]) and _zero(gam[j]) for j in range(J))
            self._ana[i] = (True, esc, 0 if esc else INF)
            return self._ana[i]
        span = _Span(div)
        basis = [n for n in lines if span.add(n)]
        if not span.contains(ellF):
            self._ana[i] = (False, False, None)
            return self._ana[i]
        escape = any(not span.contains(ell[j]) for j in range(J))
        r = len(basis)
        M = [[_dot(n, b) for b in basis] for n in lines]
        Lj = [[_dot(ell[j], b) for b in basis] for j in range(J)]
        cmin: Any = INF
        for cvec in _kernels(M, r, div, self._spend):
            p0 = [_dot(row, cvec) for row in M]
            l0 = [_dot(Lj[j], cvec) for j in range(J)]
            for sg in (1, -1):
                p = p0 if sg > 0 else [-a for a in p0]
                phis = [(l0[j] if sg > 0 else -l0[j])
                        + sum((gam[j][l] * a for l, a in enumerate(p) if a > 0), 0) for j in range(J)]
                F = sum((h[j] * phis[j] for j in range(J)), 0)
                if F < 0:
                    self._ana[i] = (False, False, None)
                    return self._ana[i]
                mx = max((_abs(a) for a in phis), default=0)
                if mx != 0:
                    escape = escape or F == 0
                    cmin = _min(cmin, div(F, mx))
        self._ana[i] = (True, escape, 0 if escape else cmin)
        return self._ana[i]

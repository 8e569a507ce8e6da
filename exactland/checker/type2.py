"""The checker's own derivation of the type-2 radius (docs/type2.md).

Written from the mathematics, with ``Fraction`` arithmetic and its own small
elimination routines; it shares no code with :mod:`exactland.core.type2`.

Claim: exactly one neuron ``i`` moves (every other neuron has no kink sample
and slope 0 on the side of every sample), the residual ``E`` is orthogonal to
the columns ``ρ(Xw_l)`` (and to ``1`` with an output bias), the moving column
is not constant, and ``L*(W') ≥ L*(W)`` for ``‖W' − W‖∞ < radius``.
:func:`type2_bound` recomputes the largest radius the sufficient condition of
docs/type2.md gives: ``ρ_w`` and, on every simplicial cone spanned by a basis
of rays of one closed cell of neuron ``i``'s kink arrangement plus a basis of its
lineality space, ``−ℓ_s/(β K_s)`` for each steep ray ``s``, after checking
``ℓ = 0`` on the lineality, ``ℓ ≤ 0`` on the rays and the flat block negative
semidefinite. A violated hypothesis is reported as a reason.
"""
from __future__ import annotations

from fractions import Fraction
from itertools import combinations
from typing import Any

from exactland.checker.arith import INFINITY, minimum

__all__ = ["type2_bound"]


class _Spend:
    def __init__(self, budget: int) -> None:
        self.left = budget

    def __call__(self) -> None:
        self.left -= 1
        if self.left < 0:
            from exactland.checker.forms import CheckerBudgetExceeded
            raise CheckerBudgetExceeded


def _rows(m: Any) -> list[list[Fraction]]:
    m = m.fractions() if hasattr(m, "fractions") else m
    return [[Fraction(x) for x in row] for row in m]


def _dot(a: Any, b: Any) -> Fraction:
    return sum((x * y for x, y in zip(a, b)), Fraction(0))


def _echelon(vs: list[list[Fraction]], n: int) -> tuple[list[list[Fraction]], list[int]]:
    """Reduced echelon rows of ``vs`` (length-n vectors) and their pivot columns."""
    rows = [list(v) for v in vs]
    out: list[list[Fraction]] = []
    piv: list[int] = []
    for c in range(n):
        r = next((a for a, row in enumerate(rows) if row[c] != 0), None)
        if r is None:
            continue
        p = rows.pop(r)
        p = [x / p[c] for x in p]
        rows = [[x - row[c] * y for x, y in zip(row, p)] for row in rows]
        out = [[x - o[c] * y for x, y in zip(o, p)] for o in out]
        out.append(p)
        piv.append(c)
    return out, piv


def _kernel(vs: list[list[Fraction]], n: int) -> list[list[Fraction]]:
    R, piv = _echelon(vs, n)
    ker = []
    for f in (c for c in range(n) if c not in piv):
        v = [Fraction(0)] * n
        v[f] = Fraction(1)
        for row, p in zip(R, piv):
            v[p] = -row[f]
        ker.append(v)
    return ker


def _nsd(Q: list[list[Fraction]]) -> bool:
    """``Q`` negative semidefinite (symmetric elimination on ``−Q``)."""
    A = [[-x for x in row] for row in Q]
    idx = list(range(len(A)))
    while idx:
        k = idx.pop(0)
        p = A[k][k]
        if p < 0:
            return False
        if p == 0:
            if any(A[k][a] != 0 for a in idx):
                return False
            continue
        for a in idx:
            for c in idx:
                A[a][c] -= A[a][k] * A[k][c] / p
    return True


class _Setting:
    """Data, the moving column and the Rayleigh form of the claim."""

    def __init__(self, problem: dict) -> None:
        self.X, self.Y = _rows(problem["X"]), _rows(problem["Y"])
        self.W, H = _rows(problem["W"]), _rows(problem["H"])
        self.b = None if problem.get("b") is None else [Fraction(x) for x in problem["b"]]
        self.ap, self.am = Fraction(problem["alpha_plus"]), Fraction(problem["alpha_minus"])
        self.K, self.d, self.J, self.I = len(self.X), len(self.X[0]), len(self.Y[0]), len(self.W)
        self.Z = [[_dot(w, x) for x in self.X] for w in self.W]
        self.R = [[self.act(z) for z in row] for row in self.Z]
        self.E = [[sum((H[j][i] * self.R[i][k] for i in range(self.I)), Fraction(0))
                   + (self.b[j] if self.b else 0) - self.Y[k][j] for j in range(self.J)] for k in range(self.K)]

    def act(self, z: Fraction) -> Fraction:
        return self.ap * z if z >= 0 else self.am * z

    def slope(self, z: Fraction) -> Fraction:
        return self.ap if z > 0 else self.am if z < 0 else Fraction(0)

    def center(self, v: list[Fraction]) -> list[Fraction]:
        if self.b is None:
            return list(v)
        m = sum(v, Fraction(0)) / len(v)
        return [x - m for x in v]

    def moving(self) -> list[int]:
        return [i for i in range(self.I) if not all(z != 0 and self.slope(z) == 0 for z in self.Z[i])]

    def column(self, i: int, g: list[Fraction]) -> list[Fraction]:
        """``ρ((w_i + g)·x_k) − ρ(w_i·x_k)`` for small g, on g's closed cell."""
        out = []
        for k, x in enumerate(self.X):
            z, dz = self.Z[i][k], _dot(g, x)
            out.append(self.act(dz) if z == 0 else self.slope(z) * dz)
        return out

    def rho_w(self) -> Any:
        best: Any = INFINITY
        for i in range(self.I):
            for k, x in enumerate(self.X):
                if self.Z[i][k] != 0:
                    best = minimum(best, abs(self.Z[i][k]) / sum((abs(c) for c in x), Fraction(0)))
        return best


def _rays(kinks: list[list[Fraction]], d: int, spend: _Spend) -> tuple[list[list[Fraction]], int]:
    """Extreme-ray candidates of the arrangement {x·v = 0 : x ∈ kinks} inside span(kinks)."""
    basis, _ = _echelon(kinks, d)
    r = len(basis)
    if r == 0:
        return [], 0
    coords = [[_dot(x, bv) for bv in basis] for x in kinks]
    seen, out = set(), []
    for sub in combinations(range(len(kinks)), r - 1):
        spend()
        ker = _kernel([coords[s] for s in sub], r)
        if len(ker) != 1:
            continue
        v = [sum((ker[0][t] * basis[t][q] for t in range(r)), Fraction(0)) for q in range(d)]
        for s in (1, -1):
            u = [s * c for c in v]
            m = max(abs(c) for c in u)
            key = tuple(c / m for c in u)  # canonical: ∞-norm 1
            if key not in seen:
                seen.add(key)
                out.append(list(key))
    return out, r


def type2_bound(problem: dict, neuron: int, budget: int) -> tuple[Any, list[str]]:
    """The largest type-2 radius the sufficient condition gives, or reasons why none.

    Returns
    -------
    (bound, reasons) : bound is a Fraction, ``INFINITY`` or None (with reasons).
    """
    st, spend = _Setting(problem), _Spend(budget)
    mv = st.moving()
    if mv != [neuron]:
        return None, [f"type2.neuron: the moving neurons are {mv}, the certificate needs exactly [{neuron}]"]
    i = neuron
    if any(sum((st.E[k][j] * st.R[i][k] for k in range(st.K)), Fraction(0)) != 0 for j in range(st.J)) or (
            st.b is not None and any(sum((st.E[k][j] for k in range(st.K)), Fraction(0)) != 0
                                     for j in range(st.J))):
        return None, ["type2: (H, b) is not the least-squares optimum for W (Eᵀρ_i ≠ 0 or Σe ≠ 0)"]
    at = st.center(st.R[i])
    Yt = [st.center([st.Y[k][j] for k in range(st.K)]) for j in range(st.J)]
    n0, m0 = _dot(at, at), sum((_dot(c, at) ** 2 for c in Yt), Fraction(0))
    if n0 == 0:
        return None, ["type2: the moving column is constant"]

    def S(x: list[Fraction], y: list[Fraction]) -> Fraction:
        px, py = st.center(x), st.center(y)
        return n0 * sum((_dot(c, px) * _dot(c, py) for c in Yt), Fraction(0)) - m0 * _dot(px, py)

    kinks = [x for k, x in enumerate(st.X) if st.Z[i][k] == 0 and any(x)]
    rays, r = _rays(kinks, st.d, spend)
    lin = _kernel(kinks, st.d) if kinks else [[Fraction(int(a == b)) for b in range(st.d)] for a in range(st.d)]
    bound = st.rho_w()
    for sub in (combinations(range(len(rays)), r) if r else [()]):
        spend()
        B = [rays[s] for s in sub]
        sg = [[(_dot(x, v) > 0) - (_dot(x, v) < 0) for x in kinks] for v in B]
        if any(p * q < 0 for s1, s2 in combinations(sg, 2) for p, q in zip(s1, s2)):
            continue
        gens = lin + B
        R, piv = _echelon([[g[q] for g in gens] + [Fraction(int(q == c)) for c in range(st.d)]
                           for q in range(st.d)], 2 * st.d)
        if piv[:st.d] != list(range(st.d)):
            continue  # dependent rays: not a simplicial cone
        beta = max(sum((abs(c) for c in row[st.d:]), Fraction(0)) for row in R)
        cols = [st.column(i, g) for g in gens]
        ell = [2 * S(st.R[i], c) for c in cols]
        if any(x != 0 for x in ell[:len(lin)]) or any(x > 0 for x in ell[len(lin):]):
            return None, ["type2: L* decreases to first order along a generator of a cone"]
        Q = [[S(x, y) for y in cols] for x in cols]
        nu = [g for g in range(len(gens)) if ell[g] == 0]
        if not _nsd([[Q[x][y] for y in nu] for x in nu]):
            return None, ["type2: the flat block of the second-order form of L* is not negative semidefinite"]
        for s in (g for g in range(len(gens)) if ell[g] != 0):
            Kc = 2 * sum((abs(Q[v][s]) for v in nu), Fraction(0)) + sum((max(Q[t][s], Fraction(0))
                                                                        for t in range(len(gens)) if ell[t] != 0), Fraction(0))
            if Kc > 0:
                bound = minimum(bound, -ell[s] / (beta * Kc))
    return bound, []


def type2_reasons(c: dict, budget: int) -> list[str]:
    """Every failed claim of a ``type-2-minimum`` certificate's radius (schema: ``type2``)."""
    t2 = c.get("type2")
    if t2 is None:
        return ["type2: required for verdict type-2-minimum"]
    if c["radius_constants"] is not None:
        return ["radius_constants: must be null for a type-2-minimum (the radius is re-derived from type2)"]
    bound, reasons = type2_bound(c["problem"], t2["neuron"], budget)
    if reasons:
        return reasons
    r = c["radius"]
    finite_ok = r is not None and r is not INFINITY and r > 0 and (bound is INFINITY or r <= bound)
    if not (finite_ok or (r is INFINITY and bound is INFINITY)):
        return [f"radius: certificate says {r}, must be positive and at most the type-2 bound {bound} "
                "(docs/type2.md)"]
    return []

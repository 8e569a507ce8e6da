"""The search for curved descent paths of order 3 or 4 (docs/type2.md §6).

When the joint second-order test proves ``Q ≥ 0`` on every flat direction, a zero ``Δ₁`` of ``Q``
(here: a vector of the kernel of ``Q``'s matrix on one product of flat faces, with nonnegative ray
coordinates) leaves ``c1 = c2 = 0`` along the straight path. Along ``P + tΔ₁ + t²Δ₂`` the residuals
are ``E + tR1 + t²R2 + t³R3 + t⁴R4`` with

    R1 = 1βᵀ + Σ_i (rho_i α_iᵀ + A_i h_iᵀ),         R2 = 1β₂ᵀ + Σ_i (rho_i α₂_iᵀ + A_i α_iᵀ + C_i h_iᵀ),
    R3 = Σ_i (A_i α₂_iᵀ + C_i α_iᵀ),                 R4 = Σ_i C_i α₂_iᵀ,

(``A_ik = σ_ik a_ik``, ``C_ik = σ_ik c_ik``, ``σ`` the slope on the side of the curve), so
``c2 = ⟨E,R2⟩ + ½‖R1‖²``, ``c3 = ⟨E,R3⟩ + ⟨R1,R2⟩``, ``c4 = ⟨E,R4⟩ + ⟨R1,R3⟩ + ½‖R2‖²``. On the
subspace ``V`` of ``Δ₂ = (u, α₂, β₂)`` with ``u_i·x_k = 0`` for the kink samples on which ``Δ₁`` is 0
(every side is then fixed), ``c2`` and ``c3`` are affine and ``c4`` quadratic in ``Δ₂``. The search
keeps ``c2 = 0``, makes ``c3 < 0`` when ``c3`` is not constant there, and otherwise minimises ``c4``
exactly (homogenised, by exact Schur complements). A candidate counts only after its exact degree-8
polynomial and witness point (:func:`exactland.core.curved.curved_path`) confirm the descent.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations, product
from typing import Any

from flint import fmpq, fmpq_mat

from exactland.core.curved import CurvedPath, curved_path
from exactland.core.joint_path import increments
from exactland.core.network import Evaluation
from exactland.core.second_order import FlatNeuron, flat_neuron, quiet_flat_neuron
from exactland.core.stationarity import TangentialAnalysis
from exactland.core.tangent import Budget
from exactland.errors import BudgetExceeded
from exactland.exact.copositive import eliminate_free
from exactland.exact.linalg import dot as _dot
from exactland.exact.linalg import nullspace
from exactland.exact.scalars import sign

__all__ = ["CurvedSearch", "curved_search"]

Z, ONE = fmpq(0), fmpq(1)


def dot(u: Any, v: Any) -> fmpq:
    """Exact inner product, always an ``fmpq`` (never the int 0 of an empty sum)."""
    return Z + _dot(u, v)


@dataclass(frozen=True)
class CurvedSearch:
    """Outcome of :func:`curved_search`: the path (or None) and the evidence."""

    path: CurvedPath | None
    candidates: int
    exhausted: bool


def _mat(rows: list[list[Any]], n: int) -> fmpq_mat:
    return fmpq_mat(len(rows), n, [x for r in rows for x in r])


def _flats(ev: Evaluation, tab: Any, tans: dict, escapes: dict, budget: Budget) -> list[FlatNeuron]:
    p = ev.problem
    zero_tan = TangentialAnalysis("zero-form", True, (), None)
    out = []
    for i in range(p.n_neurons):
        if bool(tab.quiet[i]) and not ev.kink_set(i):
            out.append(quiet_flat_neuron(i, p.dim, ONE))
        else:
            esc = escapes[i].is_escape if i in escapes else False
            out.append(flat_neuron(tab[i], tans.get(i, zero_tan), esc, budget))
    return out


def _zeros(ev: Evaluation, flats: list[FlatNeuron], combo: tuple, limit: int) -> list[tuple]:
    """Kernel vectors of Q on one product of faces with nonnegative ray coordinates, as Δ₁ = (ΔW, ΔH, Δb)."""
    p = ev.problem
    K, J, I, d = p.n_samples, p.n_outputs, p.n_neurons, p.dim
    gens: list[tuple[str, int, Any, bool]] = [("b", -1, j, False) for j in range(J)] if p.b is not None else []
    for fl, face in zip(flats, combo):
        gens += [("a", fl.index, j, False) for j in range(J)]
        gens += [("g", fl.index, g, False) for g in fl.free] + [("g", fl.index, fl.rays[r], True) for r in face]
    cols, incr = [], {}
    for kind, i, x, _ in gens:
        col = [Z] * (K * J)
        if kind == "b":
            for k in range(K):
                col[k * J + x] = ONE
        elif kind == "a":
            for k in range(K):
                col[k * J + x] = ev.rho(i, k)
        else:
            a = incr[(i, x)] = increments(ev, i, x)[0]
            h = p.h_column(i)
            col = [a[k] * h[j] for k in range(K) for j in range(J)]
        cols.append(col)
    n = len(gens)
    C = _mat(cols, K * J)
    G = C * C.transpose()
    M = [[G[r, s] for s in range(n)] for r in range(n)]
    for r, (kr, ir, jr, _) in enumerate(gens):
        for s, (ks, is_, g, _) in enumerate(gens):
            if kr == "a" and ks == "g" and ir == is_:
                phi = sum((ev.e(k, jr) * incr[(is_, g)][k] for k in range(K)), Z)
                M[r][s] += phi
                M[s][r] += phi
    out = []
    for z in _face_zeros(M, gens, n, limit):
        for sg in (1, -1):
            if any(sg * c < 0 for c, gen in zip(z, gens) if gen[3]):
                continue
            dW = [[Z] * d for _ in range(I)]
            dH = [[Z] * I for _ in range(J)]
            db = [Z] * J if p.b is not None else None
            for c, (kind, i, x, _) in zip(z, gens):
                c = sg * c
                if c == 0:
                    continue
                if kind == "b":
                    db[x] += c
                elif kind == "a":
                    dH[x][i] += c
                else:
                    dW[i] = [w + c * g for w, g in zip(dW[i], x)]
            out.append((dW, dH, db))
    return out


def _face_zeros(M: list[list[Any]], gens: list[tuple], n: int, limit: int) -> list[list[Any]]:
    """Zeros of ``Q`` on the cone: kernel vectors of ``Q`` on the free generators plus a support ``S`` of
    at most two rays (and on all of them), whose ray coordinates are all of one strict sign.

    ``Q`` is copositive on the cone (the joint test proved it), so a zero with ray support ``S``
    is a kernel vector of ``Q`` restricted to the free generators and ``S``; these zeros on faces
    of the cone are found here even when ``Q`` is not semidefinite.
    """
    free = [r for r, g in enumerate(gens) if not g[3]]
    rays = [r for r, g in enumerate(gens) if g[3]]
    supports = [()] + [(r,) for r in rays] + list(combinations(rays, 2)) + [tuple(rays)]
    out: list[list[Any]] = []
    seen: set = set()
    for S in supports:
        idx = free + list(S)
        sub = [[M[a][b] for b in idx] for a in idx]
        for z in nullspace(sub, len(idx), ONE):
            if S and not (all(z[len(free) + m] > 0 for m in range(len(S)))
                          or all(z[len(free) + m] < 0 for m in range(len(S)))):
                continue
            full = [Z] * n
            for a, c in zip(idx, z):
                full[a] = c
            key = str(full)
            if key not in seen:
                seen.add(key)
                out.append(full)
            if len(out) >= limit:
                return out
    return out


class _Forms:
    """c2, c3, c4 along ``P + tΔ₁ + t²Δ₂`` as affine/quadratic functions of Δ₂ in natural coordinates."""

    def __init__(self, ev: Evaluation, d1: tuple) -> None:
        p = ev.problem
        self.p, self.ev = p, ev
        K, J, I, d = p.n_samples, p.n_outputs, p.n_neurons, p.dim
        self.n = I * d + J * I + (J if p.b is not None else 0)
        dW, dH, db = d1
        E = [ev.e(k, j) for k in range(K) for j in range(J)]
        R1 = [db[j] if db is not None else Z for k in range(K) for j in range(J)]
        R20 = [Z] * (K * J)
        L2 = [[Z] * (K * J) for _ in range(self.n)]
        L3 = [[Z] * (K * J) for _ in range(self.n)]
        N = [[Z] * self.n for _ in range(self.n)]
        self.cons: list[list[Any]] = []
        for i in range(I):
            h = p.h_column(i)
            al = [dH[j][i] for j in range(J)]
            for k, x in enumerate(p.X):
                a = dot(dW[i], x)
                s = int(ev.signs[i, k])
                if s == 0 and a == 0:
                    row = [Z] * self.n
                    row[i * d:(i + 1) * d] = list(x)
                    self.cons.append(row)
                    sl = Z
                else:
                    sl = p.activation.slope(s if s != 0 else sign(a))
                A, r = sl * a, ev.rho(i, k)
                for j in range(J):
                    q = k * J + j
                    R1[q] += r * al[j] + A * h[j]
                    R20[q] += A * al[j]
                    aj = I * d + j * I + i
                    L2[aj][q] += r
                    L3[aj][q] += A
                    for m in range(d):
                        if x[m] != 0 and sl != 0:
                            L2[i * d + m][q] += sl * x[m] * h[j]
                            L3[i * d + m][q] += sl * x[m] * al[j]
                            half = ev.e(k, j) * sl * x[m] / 2
                            N[i * d + m][aj] += half
                            N[aj][i * d + m] += half
        if p.b is not None:
            for j in range(J):
                for k in range(K):
                    L2[I * d + J * I + j][k * J + j] += ONE
        self.c1, self.c2 = dot(E, R1), dot(E, R20) + dot(R1, R1) / 2
        self.c3, self.c4 = dot(R1, R20), dot(R20, R20) / 2
        self.g2 = [dot(E, col) for col in L2]
        self.g3 = [dot(E, c3) + dot(R1, c2) for c2, c3 in zip(L2, L3)]
        self.g4 = [dot(R1, c3) + dot(R20, c2) for c2, c3 in zip(L2, L3)]
        L2m = _mat(L2, K * J)
        G = L2m * L2m.transpose()
        self.Q = [[G[r, s] / 2 + N[r][s] for s in range(self.n)] for r in range(self.n)]

    def step(self, y: list[Any]) -> tuple:
        """Δ₂ from natural coordinates."""
        p = self.p
        I, J, d = p.n_neurons, p.n_outputs, p.dim
        dW = [y[i * d:(i + 1) * d] for i in range(I)]
        dH = [[y[I * d + j * I + i] for i in range(I)] for j in range(J)]
        db = y[I * d + J * I:] if p.b is not None else None
        return dW, dH, db


def _second(fm: _Forms) -> list[Any] | None:
    """A Δ₂ (natural coordinates) with c2 = 0 and c3 < 0, or c2 = c3 = 0 and c4 < 0; None if none here."""
    n = fm.n
    if fm.c1 != 0 or fm.c2 != 0:
        return None
    basis = nullspace(fm.cons + [fm.g2], n, ONE)
    if not basis:
        return None
    g3 = [dot(fm.g3, b) for b in basis]
    if fm.c3 < 0:
        return [Z] * n
    norm = dot(g3, g3)
    if norm != 0:
        lam = (fm.c3 + 1) / norm
        return [-lam * sum((g * b[m] for g, b in zip(g3, basis)), Z) for m in range(n)]
    if fm.c3 != 0:
        return None
    nz = len(basis)
    Bm = _mat([list(b) for b in basis], n)
    Qm = _mat(fm.Q, n)
    Mz = Bm * Qm * Bm.transpose()
    gz = [dot(fm.g4, b) for b in basis]
    H = [[fm.c4] + [g / 2 for g in gz]] + [[gz[r] / 2] + [Mz[r, s] for s in range(nz)] for r in range(nz)]
    S, rest, elim, wit = eliminate_free(H, list(range(1, nz + 1)), Z, ONE)
    if wit is None:
        if not rest or sign(S[0][0]) >= 0:
            return None
        wit = elim.lift({0: ONE}, Z)
    s = [wit.get(r + 1, Z) for r in range(nz)]
    tau = wit.get(0, Z)
    if tau < 0:
        s, tau = [-c for c in s], -tau
    if tau == 0:
        tau = ONE
        while fm.c4 * tau * tau + tau * dot(gz, s) + sum((s[r] * Mz[r, c] * s[c] for r in range(nz)
                                                          for c in range(nz)), Z) >= 0:
            tau = tau / 2
    return [sum((s[r] * basis[r][m] for r in range(nz)), Z) / tau for m in range(n)]


def curved_search(ev: Evaluation, tab: Any, tans: dict, escapes: dict, budget: Budget,
                  max_products: int = 64, max_kernel: int = 16) -> CurvedSearch:
    """Look for a verified curved descent path of order 3 or 4 (rational problems only)."""
    if not ev.problem.is_rational():
        return CurvedSearch(None, 0, False)
    try:
        flats = _flats(ev, tab, tans, escapes, budget)
    except BudgetExceeded:
        return CurvedSearch(None, 0, False)
    seen: set = set()
    tried = 0
    for m, combo in enumerate(product(*(fl.faces for fl in flats))):
        if m >= max_products or budget.used >= budget.limit:
            return CurvedSearch(None, tried, False)
        budget.used += 1
        for d1 in _zeros(ev, flats, combo, max_kernel):
            key = str(d1)
            if key in seen:
                continue
            seen.add(key)
            tried += 1
            fm = _Forms(ev, d1)
            y = _second(fm)
            if y is None:
                continue
            path = curved_path(ev, d1, fm.step(y))
            if path is not None and path.order in (3, 4):
                return CurvedSearch(path, tried, True)
    return CurvedSearch(None, tried, True)

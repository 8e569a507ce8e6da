"""KKT points of ``max ‖N(u)‖`` on the sphere for |J| > 1 (DESIGN.md §13).

On a face (flat ``V = span(x_Z)^⊥``, strict signs S elsewhere) ``N(v) = M_S v``
and the KKT condition is ``P_V M_Sᵀ M_S u = μ u`` with ``u ∈ V``: with an
orthogonal rational basis ``C`` of V, ``u = C c`` and ``c`` is an eigenvector of
``A_il = (M C_i)·(M C_l)/‖C_i‖²`` (similar to a symmetric matrix), and
``‖N(u)‖ = sqrt(μ)`` for unit u. Faces of dimension 1 and 2 (every face when
d = 2) are solved in closed form, ``μ = (tr A ± sqrt(Δ))/2`` with
``Δ = (A₀₀ − A₁₁)² + 4A₀₁A₁₀ ≥ 0``, in the residuals' own number field (rational
or real algebraic: snapped saddles of Appendix I.0.2 live in ``Q(√29)``) extended
by ``sqrt(Δ)``; larger faces use SymPy's exact eigenvectors and need
rational residuals. Eigenvalues of multiplicity above one (a continuum of
KKT points) are skipped, as are ``μ = 0`` (no growth). Kinds come from the
exact second-order test of :mod:`exactland.ncf.second` (Kumar & Haupt,
arXiv:2402.09226; summary in /work/shared/paper/).
"""
from __future__ import annotations

from fractions import Fraction
from typing import Any

from exactland.errors import InputError
from exactland.exact.algebraic import import_sympy
from exactland.exact.scalars import is_rational, parse_exact, sign
from exactland.ncf.function import NCF, Vec, dot, flats, span_basis
from exactland.ncf.points import KKTPoint, exact_number, sign_patterns, sqrt_exact
from exactland.ncf.second import multi_kind

__all__ = ["multi_output", "face_eigen"]


def _complement(basis: list[Vec], d: int) -> list[Vec]:
    """An orthogonal rational basis of ``span(basis)^⊥``."""
    units = [tuple(Fraction(int(i == c)) for i in range(d)) for c in range(d)]
    full = span_basis(list(basis) + units)
    return full[len(basis):]


def face_eigen(A: list[list[Any]]) -> list[tuple[tuple[Any, ...], Any]]:
    """Simple eigenpairs ``(c, μ)`` of A with ``μ > 0``, exactly.

    Examples
    --------
    >>> F = Fraction
    >>> [(tuple(map(str, c)), str(m)) for c, m in face_eigen([[F(2), F(1)], [F(1), F(2)]])]
    [(('1', '1'), '3'), (('1', '-1'), '1')]
    """
    n = len(A)
    if n == 1:
        return [((Fraction(1),), A[0][0])] if sign(A[0][0]) > 0 else []
    if n == 2:
        return _eigen2(A)
    if not all(is_rational(c) for row in A for c in row):
        raise InputError(f"a face of dimension {n} with irrational residuals: exact eigenvectors are "
                         "implemented for faces of dimension at most 2 there", "problem")
    return _eigen_sympy(A)


def _eigen2(A: list[list[Any]]) -> list[tuple[tuple[Any, ...], Any]]:
    """2×2 A (similar to symmetric): ``μ = (tr ± sqrt(Δ))/2`` and ``(A₀₁, μ − A₀₀)`` or ``(μ − A₁₁, A₁₀)``."""
    a, b, c, e = A[0][0], A[0][1], A[1][0], A[1][1]
    disc = (a - e) * (a - e) + 4 * b * c
    if sign(disc) <= 0:
        return []  # a double eigenvalue: a continuum of KKT points, skipped
    root = sqrt_exact(disc)
    out = []
    for mu in ((a + e + root) / 2, (a + e - root) / 2):
        if sign(mu) <= 0:
            continue
        if b:
            vec = (b, mu - a)
        elif c:
            vec = (mu - e, c)
        else:
            vec = (Fraction(1), Fraction(0)) if mu == a else (Fraction(0), Fraction(1))
        out.append((vec, mu))
    return out


def _eigen_sympy(A: list[list[Any]]) -> list[tuple[tuple[Any, ...], Any]]:
    """Rational A of any size: SymPy's exact eigenvectors, read back as exact numbers."""
    sp = import_sympy()
    n = len(A)
    S = sp.Matrix(n, n, lambda i, l: sp.Rational(str(A[i][l])))
    out = []
    for mu, mult, vecs in S.eigenvects():
        m = exact_number(parse_exact(str(mu), "eigenvalue"))
        if mult != 1 or len(vecs) != 1 or sign(m) <= 0:
            continue
        out.append((tuple(exact_number(parse_exact(str(sp.simplify(c)), "eigenvector")) for c in vecs[0]), m))
    return out


def _face(ncf: NCF, C: list[Vec], signs: dict[int, int]) -> list[tuple[tuple[Any, ...], Any]]:
    """``(u, μ)`` pairs with ``u`` in V reproducing ``signs``, ``μ > 0`` simple."""
    M = ncf.cell_vectors(signs)
    MC = [tuple(dot(g, c) for g in M) for c in C]
    A = [[dot(MC[i], MC[l]) / dot(C[i], C[i]) for l in range(len(C))] for i in range(len(C))]
    out = []
    for coeffs, mu in face_eigen(A):
        u = tuple(sum((cf * c[i] for cf, c in zip(coeffs, C)), Fraction(0)) for i in range(ncf.dim))
        for o in (1, -1):
            q = tuple(o * x for x in u)
            if all(sign(dot(q, ncf.X[k])) == s for k, s in signs.items()):
                out.append((q, mu))
    return out


def multi_output(ncf: NCF) -> list[KKTPoint]:
    """Every simple KKT candidate of ``max ‖N(u)‖``, ``‖u‖ = 1``, with its kind (module docstring)."""
    out = []
    for Z, basis in flats(ncf.X):
        C = _complement(basis, ncf.dim)
        others, pats = sign_patterns(Z, len(ncf.X))
        for pat in pats:
            signs = dict(zip(others, pat))
            M = ncf.cell_vectors(signs)
            for q, mu in _face(ncf, C, signs):
                n2 = dot(q, q)
                h = tuple(-dot(g, q) for g in M)
                kind = multi_kind(ncf, Z, basis, signs, q, mu, C)
                out.append(KKTPoint(q, n2, mu, 1, Z, kind, 1, h))
    return out

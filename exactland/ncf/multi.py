"""KKT points of ``max ‖N(u)‖`` on the sphere for |J| > 1 (DESIGN.md §13).

On a face (flat ``V = span(x_Z)^⊥``, strict signs S elsewhere) ``N(v) = M_S v``
and the KKT condition is ``P_V M_Sᵀ M_S u = μ u`` with ``u ∈ V``: with an
orthogonal rational basis ``C`` of V, ``u = C c`` and ``c`` is an eigenvector of
``A_il = (M C_i)·(M C_l)/‖C_i‖²`` (similar to a symmetric matrix), and
``‖N(u)‖ = sqrt(μ)`` for unit u. Eigenvectors are computed exactly by SymPy;
signs are decided with :class:`exactland.exact.algebraic.RealAlg`. Eigenvalues
of multiplicity above one (a continuum of KKT points) are skipped, as are
``μ = 0`` (no growth). The largest values are global maxima of ‖N‖ on the
sphere, hence local maxima: they are marked ``local-max``; the rest ``other``
(Kumar & Haupt, arXiv:2402.09226; summary in /work/shared/paper/).
"""
from __future__ import annotations

from typing import Any

from exactland.exact.algebraic import import_sympy
from exactland.exact.scalars import parse_exact, sign
from exactland.ncf.function import NCF, Vec, dot, flats, span_basis
from exactland.ncf.points import KKTPoint, sign_patterns, sqrt_exact

__all__ = ["multi_output"]


def _complement(basis: list[Vec], d: int) -> list[Vec]:
    """An orthogonal rational basis of ``span(basis)^⊥``."""
    full = span_basis(list(basis) + [tuple(1 if i == c else 0 for i in range(d)) for c in range(d)])
    return full[len(basis):]


def _exact(expr: Any) -> Any:
    return parse_exact(str(expr), "eigenvector")


def _face(ncf: NCF, C: list[Vec], signs: dict[int, int]) -> list[tuple[tuple[Any, ...], Any]]:
    """``(u, μ)`` pairs with ``u`` in V reproducing ``signs``, ``μ > 0`` simple."""
    sp = import_sympy()
    M = ncf.cell_vectors(signs)
    MC = [[dot(g, c) for g in M] for c in C]
    A = sp.Matrix(len(C), len(C), lambda i, l: sp.Rational(str(dot(MC[i], MC[l]) / dot(C[i], C[i]))))
    out = []
    for mu, mult, vecs in A.eigenvects():
        if mult != 1 or len(vecs) != 1 or sign(_exact(mu)) <= 0:
            continue
        coeffs = [_exact(sp.simplify(c)) for c in vecs[0]]
        u = tuple(sum((cf * _exact(c[i]) for cf, c in zip(coeffs, C)), 0 * coeffs[0]) for i in range(ncf.dim))
        for o in (1, -1):
            q = tuple(o * c for c in u)
            if all(sign(sum(qi * _exact(xi) for qi, xi in zip(q, ncf.X[k]))) == s for k, s in signs.items()):
                out.append((q, _exact(mu)))
    return out


def multi_output(ncf: NCF) -> list[KKTPoint]:
    """Every simple KKT candidate of ``max ‖N(u)‖``, ``‖u‖ = 1`` (module docstring)."""
    found: list[tuple[tuple[Any, ...], Any, tuple[int, ...], dict[int, int]]] = []
    for Z, basis in flats(ncf.X):
        C = _complement(basis, ncf.dim)
        others, pats = sign_patterns(Z, len(ncf.X))
        for pat in pats:
            signs = dict(zip(others, pat))
            for q, mu in _face(ncf, C, signs):
                found.append((q, mu, Z, signs))
    if not found:
        return []
    top = max(mu for _, mu, _, _ in found)
    out = []
    for q, mu, Z, signs in found:
        n2 = sum((c * c for c in q), 0 * q[0])
        M = ncf.cell_vectors(signs)
        h = tuple(-sum((_exact(gi) * qi for gi, qi in zip(g, q)), 0 * q[0]) for g in M)
        out.append(KKTPoint(q, n2, sqrt_exact(mu), Z, "local-max" if mu == top else "other", 1, h))
    return out

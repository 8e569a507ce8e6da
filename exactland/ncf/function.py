"""The neural correlation function (NCF) of the current residual, exactly.

Kumar & Haupt (arXiv:2402.09226; ``/work/shared/paper/directional-convergence-summary.md``,
DESIGN.md §13) define, for a residual ``e``, the neural correlation function of
one neuron

    ``N(u) = Σ_k e_k ρ(u·x_k) ∈ R^|J|``.

Sign convention (written once, used everywhere in :mod:`exactland.ncf`): the
loss is the paper's ``L = ½ Σ_k ‖ŷ_k − y_k‖²`` (eq. 2) and ``e_k = ŷ_k − y_k``.
For a neuron (w, h) with h ∈ R^|J|, ``∂L/∂h = N(w)`` and ``∂L/∂w = ∇_w (h·N(w))``,
so gradient flow is ``ḣ = −N(w)``, ``ẇ = −∇_w (h·N(w))``. With a small balanced
neuron ``w = r u``, ``h = r s`` (‖u‖ = ‖s‖ = 1) this gives ``ṙ = −(s·N(u)) r``:
the neuron grows along directions where ``h·N(u) < 0``. For |J| = 1 the
scalar objective is ``−h N(u)``: with ``h > 0`` gradient descent seeks local
minima of N with ``N < 0``; with ``h < 0`` local maxima with ``N > 0``; the
growth rate (gradient flow on ``L``) is ``λ = |N(u)|``. For |J| > 1, h aligns with
``−N(u)`` and ``λ = ‖N(u)‖``, so the relevant problem is ``max ‖N(u)‖`` on the
sphere. Under the paper's training code (mean squared error, no ½, divided
by |K||J|) the gradient is ``2/(|K||J|)`` times that of ``L``.

N is linear on each cell of the sample arrangement ``{u : sign(u·x_k) fixed}``:
``N_j(u) = g_{S,j}·u`` with ``g_{S,j} = Σ_k e_kj a(S_k) x_k`` (``a(+) = a⁺``,
``a(−) = a⁻``). Everything here is exact: rationals are
:class:`fractions.Fraction`, irrational real algebraic entries (snapped saddles
of Appendix I.0.2 have residuals in ``Q(√29)``) are
:class:`~exactland.exact.algebraic.RealAlg` whose rational results come back
as ``Fraction`` (:func:`exactland.ncf.points.exact_number`).
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations
from typing import Any, Sequence

from exactland.core.network import evaluate
from exactland.core.problem import Problem
from exactland.ncf.points import exact_number

__all__ = ["NCF", "ncf_of", "ncf_from_data", "dot", "span_basis", "project_out", "flats"]

Vec = tuple[Fraction, ...]


def dot(a: Sequence[Fraction], b: Sequence[Fraction]) -> Fraction:
    """Exact inner product."""
    return sum((x * y for x, y in zip(a, b)), Fraction(0))


def span_basis(vectors: Sequence[Vec]) -> list[Vec]:
    """An orthogonal (not normalised) rational basis of ``span(vectors)`` (Gram–Schmidt)."""
    basis: list[Vec] = []
    for v in vectors:
        r = project_out(v, basis)
        if any(r):
            basis.append(r)
    return basis


def project_out(v: Sequence[Fraction], basis: Sequence[Vec]) -> Vec:
    """``v`` minus its orthogonal projection onto ``span(basis)`` (basis orthogonal)."""
    out = list(v)
    for b in basis:
        c = dot(out, b) / dot(b, b)
        out = [x - c * y for x, y in zip(out, b)]
    return tuple(out)


@dataclass(frozen=True)
class NCF:
    """``N(u) = Σ_k e_k ρ(u·x_k)`` for fixed residuals (see the module docstring).

    Attributes
    ----------
    X : tuple of Vec
        Samples ``x_k``.
    E : tuple of tuple of Fraction
        Residuals ``e_kj = ŷ_kj − y_kj``, |K|×|J|.
    alpha : (Fraction, Fraction)
        ``(a⁺, a⁻)``.
    """

    X: tuple[Vec, ...]
    E: tuple[tuple[Fraction, ...], ...]
    alpha: tuple[Fraction, Fraction]

    @property
    def dim(self) -> int:
        return len(self.X[0])

    @property
    def n_outputs(self) -> int:
        return len(self.E[0])

    def rho(self, z: Fraction) -> Fraction:
        """``ρ(z)``."""
        return self.alpha[0] * z if z >= 0 else self.alpha[1] * z

    def __call__(self, u: Sequence[Fraction]) -> Vec:
        """``N(u)`` exactly (rational u)."""
        out = [Fraction(0)] * self.n_outputs
        for x, e in zip(self.X, self.E):
            r = self.rho(dot(u, x))
            if r:
                out = [o + ej * r for o, ej in zip(out, e)]
        return tuple(out)

    def cell_vectors(self, signs: dict[int, int]) -> tuple[Vec, ...]:
        """``g_{S,j} = Σ_{k∈S} e_kj a(S_k) x_k`` for every output j (samples not in ``signs`` add 0)."""
        d = self.dim
        g = [[Fraction(0)] * d for _ in range(self.n_outputs)]
        for k, s in signs.items():
            a = self.alpha[0] if s > 0 else self.alpha[1]
            if a == 0:
                continue
            for j in range(self.n_outputs):
                c = a * self.E[k][j]
                if c:
                    g[j] = [gi + c * xi for gi, xi in zip(g[j], self.X[k])]
        return tuple(tuple(r) for r in g)

    def derivative(self, signs: dict[int, int], zero: Sequence[int], delta: Sequence[Fraction]) -> Vec:
        """One-sided derivative ``N'(u; δ)`` at a u with the given signs and ``u·x_k = 0`` for k in ``zero``."""
        g = self.cell_vectors(signs)
        out = []
        for j in range(self.n_outputs):
            v = dot(g[j], delta)
            for k in zero:
                v += self.E[k][j] * self.rho(dot(self.X[k], delta))
            out.append(v)
        return tuple(out)


def ncf_from_data(X: Sequence[Sequence[Any]], E: Sequence[Sequence[Any]],
                  alpha: tuple[Any, Any]) -> NCF:
    """An :class:`NCF` from exact samples, residuals and slopes (numbers or exact strings)."""
    return NCF(tuple(tuple(exact_number(c) for c in x) for x in X),
               tuple(tuple(exact_number(c) for c in e) for e in E),
               (exact_number(alpha[0]), exact_number(alpha[1])))


def ncf_of(problem: Problem) -> NCF:
    """The NCF of the residual at the problem's exact point (rational or real algebraic).

    Examples
    --------
    >>> from exactland.core.problem import load
    >>> p = load({"activation": {"alpha_plus": 1, "alpha_minus": 0}, "X": [[1, 0]],
    ...           "Y": [[1]], "W": [["sqrt(2)", 0]], "H": [[0]]})
    >>> ncf_of(p).E
    ((Fraction(-1, 1),),)
    """
    ev = evaluate(problem)
    E = ev.residuals()
    act = problem.activation
    return ncf_from_data(problem.X, E, (act.alpha_plus, act.alpha_minus))


def flats(X: Sequence[Vec]) -> list[tuple[tuple[int, ...], list[Vec]]]:
    """Every flat of the arrangement ``{u·x_k = 0}`` of positive dimension.

    Returns ``(Z, basis)`` pairs: Z is closed (every k with ``x_k ∈ span(x_Z)``)
    and ``basis`` is an orthogonal basis of ``span(x_Z)``; the flat itself is
    ``V = span(x_Z)^⊥``. The full space (Z = the zero samples) comes first.
    """
    d, K = len(X[0]), len(X)
    seen: dict[tuple[int, ...], list[Vec]] = {}
    for r in range(0, d):
        for sub in combinations(range(K), r):
            basis = span_basis([X[k] for k in sub])
            if len(basis) != r:
                continue
            Z = tuple(k for k in range(K) if not any(project_out(X[k], basis)))
            if Z not in seen:
                seen[Z] = basis
    return sorted(seen.items(), key=lambda t: len(t[1]))

"""KKT points of the constrained NCF on the unit sphere, exactly.

Kumar & Haupt (arXiv:2402.09226, summary in
``/work/shared/paper/directional-convergence-summary.md``; DESIGN.md §13):
small neurons converge in direction to KKT points of the constrained NCF.
Every Clarke-KKT point u of a piecewise-linear N on the sphere lies in the
relative interior of some face of the sample arrangement: a flat
``V = span(x_Z)^⊥`` (Z closed) together with strict signs S on the other samples.
There ``N`` is linear, ``N(v) = M_S v`` (rows ``g_{S,j}``), and the kink terms
``x_k`` (k ∈ Z) are orthogonal to V, so projecting the Clarke condition
``g + Σ_{k∈Z} c_k x_k = μ u`` onto V gives the face condition
``P_V M_Sᵀ M_S u = μ u`` (|J| > 1) or ``u = ±P_V g_S/‖P_V g_S‖`` (|J| = 1).
We enumerate every face and keep the candidates whose own signs are S: a
superset of the KKT points that contains every local maximum and minimum.

Kinds (|J| = 1): at such a u with value μ, for tangent δ ⊥ u,
``N(u+δ)/‖u+δ‖ = (μ + D(δ))/sqrt(1+‖δ‖²)`` with the piecewise-linear
``D(δ) = g_S·δ + Σ_{k∈Z} e_k ρ(x_k·δ)``, which vanishes on ``V ∩ u^⊥`` and is
decided on the extreme rays of ``{x_k·δ = 0 : k ∈ Z}`` in ``span(x_Z)``
(docs/mathematics.md §4): ``local-max`` iff ``D ≤ 0`` on every ray and (``μ ≥ 0``,
or V is the line through u and ``D < 0`` on every ray); ``local-min``
symmetrically; ``other`` otherwise. For |J| > 1 kinds (of ‖N‖) come from the
exact second-order test of :mod:`exactland.ncf.second`. Residuals may be
rational or real algebraic (:mod:`exactland.ncf.function`).
"""
from __future__ import annotations

from fractions import Fraction

from exactland.ncf.function import NCF, Vec, flats, project_out, dot
from exactland.ncf.multi import multi_output
from exactland.ncf.points import KKTPoint, sign_patterns
from exactland.ncf.second import transversal_rays

__all__ = ["kkt_points"]

def _kind(ncf: NCF, Z: tuple[int, ...], basis: list[Vec], signs: dict[int, int], mu_sign: int) -> str:
    """The scalar kind from the extreme rays of the transversal arrangement (module docstring)."""
    Ds = [ncf.derivative(signs, Z, ray)[0] for ray in transversal_rays(ncf, Z, basis)]
    line = ncf.dim - len(basis) == 1
    is_max = all(D <= 0 for D in Ds) and (mu_sign >= 0 or (line and all(D < 0 for D in Ds)))
    is_min = all(D >= 0 for D in Ds) and (mu_sign <= 0 or (line and all(D > 0 for D in Ds)))
    if is_max and not is_min:
        return "local-max"
    if is_min and not is_max:
        return "local-min"
    return "other"


def clarke_possible(ncf: NCF, Z: tuple[int, ...], basis: list[Vec], g: Vec, p: Vec) -> bool:
    """False only when u (with ``P_V g = μ u = p``) is certainly not a Clarke-KKT point.

    Clarke's condition needs ``c_k ∈ e_k·hull{a⁺, a⁻}`` (k ∈ Z) with
    ``Σ c_k x_k = p − g``; this is decided exactly when ``span(x_Z)`` is a line
    (always in d = 2) and assumed possible otherwise (a superset).
    """
    if len(basis) != 1:
        return True
    x0 = basis[0]
    n0 = dot(x0, x0)
    tau = dot(tuple(a - b for a, b in zip(p, g)), x0) / n0
    lo = hi = Fraction(0)
    for k in Z:
        t = dot(ncf.X[k], x0) / n0
        ends = (ncf.E[k][0] * t * ncf.alpha[0], ncf.E[k][0] * t * ncf.alpha[1])
        lo, hi = lo + min(ends), hi + max(ends)
    return lo <= tau <= hi


def _scalar(ncf: NCF) -> list[KKTPoint]:
    """|J| = 1: ``u = ±P_V g_S/‖P_V g_S‖`` on every face whose signs it reproduces."""
    out = []
    for Z, basis in flats(ncf.X):
        others, pats = sign_patterns(Z, len(ncf.X))
        for pat in pats:
            signs = dict(zip(others, pat))
            g = ncf.cell_vectors(signs)[0]
            p = project_out(g, basis)
            if not any(p):
                continue
            for o in (1, -1):
                q = tuple(o * c for c in p)
                if all((dot(q, ncf.X[k]) > 0) == (s > 0) and dot(q, ncf.X[k]) != 0
                       for k, s in signs.items()):
                    n2 = dot(q, q)
                    kind = _kind(ncf, Z, basis, signs, o)
                    if kind == "other" and not clarke_possible(ncf, Z, basis, g, p):
                        continue
                    out.append(KKTPoint(q, n2, n2, o, Z, kind, -o, (Fraction(-o) * n2,)))
    return out


def kkt_points(ncf: NCF) -> list[KKTPoint]:
    """Every KKT candidate of the constrained NCF on the unit sphere (module docstring).

    Parameters
    ----------
    ncf : NCF

    Returns
    -------
    list of KKTPoint
        Sorted by decreasing growth (``|value|``), then by face dimension.

    Examples
    --------
    ReLU, x = (1, 0), (0, 1), residuals −1 and −2 (targets 1 and 2 at the
    origin): on the open quadrant ``N(u) = −u₁ − 2u₂``, minimised at (1, 2)/√5
    with value −√5, and h > 0 grows along it.

    >>> from exactland.ncf.function import ncf_from_data
    >>> pts = kkt_points(ncf_from_data([[1, 0], [0, 1]], [[-1], [-2]], (1, 0)))
    >>> [(tuple(map(str, p.vector)), str(p.value), p.kind, p.grows) for p in pts][0]
    (('1', '2'), '-sqrt(5)', 'local-min', 1)
    """
    if ncf.n_outputs == 1:
        pts = _scalar(ncf)
    else:
        pts = multi_output(ncf)
    return sorted(pts, key=lambda p: -p.value2)

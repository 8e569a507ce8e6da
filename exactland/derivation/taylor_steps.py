"""Taylor views in a network derivation (Appendix F.1, Appendix G).

One-sided Taylor polynomials of a kinked neuron, the contrast of canonical
and aligned axes, and the expansion in aligned coordinates at a type-1
minimum. Every polynomial comes from :mod:`exactland.taylor` and is checked
there (against exact loss values, or by expanding both sides of an identity).
"""
from __future__ import annotations

from typing import Any

import sympy as sp

from exactland.core.certificate import Certificate
from exactland.derivation.latex import tex, tex_matrix, tex_poly, tex_set, tex_vec
from exactland.derivation.model import Step, Table
from exactland.exact.scalars import to_str
from exactland.taylor.axes import axes_contrast
from exactland.taylor.directions import named_direction
from exactland.taylor.rays import CheckFailed, check_against_loss, ray_polynomial
from exactland.taylor.symbolic import gram_on_flat_face, symbolic_expansion

__all__ = ["tangential_axis_step", "contrast_step", "gram_step"]

Vector = tuple[Any, ...]


def tangential_axis_step(problem: Any, i: int, v: Vector) -> Step:
    """Both one-sided Taylor polynomials along +v and -v of neuron i."""
    rows, checks = [], []
    for sgn in (1, -1):
        vv = tuple(sgn * c for c in v)
        spec = f"tangential:{i}," + ",".join(to_str(c) for c in vv)
        rp = ray_polynomial(problem, named_direction(problem, spec))
        pts = check_against_loss(rp)
        rng = r"\infty" if rp.eps0 is None else tex(rp.eps0)
        rows.append((f"${tex_vec(vv)}$", f"${tex_poly(rp.coefficients)}$", f"${rng}$", f"${tex(rp.coefficients[1])}$"))
        checks.append(f"along {'+' if sgn > 0 else '-'}v: polynomial = exact loss at {len(pts)} points")
    n = i
    claim = (f"Moving $w_{{{n}}}$ alone along $\\pm v$ gives two different polynomials: the loss is not "
             "differentiable there, yet each side is an exact polynomial with its own slope.")
    return Step(f"tangential-axis-{n}", f"One-sided Taylor polynomials of neuron {n}", ("Section 3.1", "Appendix G"),
                claim, r"Valid for $0 \le \varepsilon < \varepsilon_0$, where $\varepsilon_0$ is the first kink crossing.",
                (), Table(("$\\Delta w$", "$L(P + \\varepsilon\\Delta)$", "$\\varepsilon_0$", "slope"), tuple(rows)),
                checks=tuple(checks))


def contrast_step(problem: Any, i: int) -> Step:
    """Appendix G: canonical vs aligned axes for neuron i (d = 2)."""
    ac = axes_contrast(problem, i)
    rows = []
    for name, data in (("canonical", ac.canonical), ("aligned", ac.aligned)):
        for sg in ((1, 1), (1, -1), (-1, 1), (-1, -1)):
            sel = [r for r in data if r[0] == sg]
            bad = [r for r in sel if r[3] != r[4]]
            cut = sel[0][1]
            ex = (f"e.g. $\\Delta w = {tex_vec(bad[0][2])}$: exact ${tex(bad[0][3])}$, composed ${tex(bad[0][4])}$"
                  if bad else "all agree")
            rows.append((name, f"$({'+' if sg[0] > 0 else '-'}, {'+' if sg[1] > 0 else '-'})$",
                         f"${tex_set(cut)}$" if cut else "none", f"${len(sel)}$", f"${len(bad)}$", ex))
    if not ac.aligned_exact:
        raise CheckFailed("a slope composed from aligned axes is wrong (contradicts Appendix G)")
    n = i
    aligned = (f"in every orthant of the aligned axes $u = w_{{{n}}} = {tex_vec(ac.u)}$, "
               f"$v = {tex_vec(ac.v)}$ it is exact.")
    if ac.canonical_fails:
        claim = (f"For neuron ${n}$ a kink line cuts canonical orthants, and there the slope composed from the "
                 "one-sided canonical axis slopes is wrong; " + aligned)
    else:
        claim = (f"For neuron ${n}$ the slopes composed from canonical axes happen to be right on every test "
                 "direction (the kink terms carry zero weight here); " + aligned)
    just = (r"In an aligned orthant $\Delta w = \alpha u + \beta v$ with fixed signs, "
            r"$x_k\cdot\Delta w = \beta\, x_k\cdot v$ for every kink sample ($x_k \cdot u = 0$), so no sample "
            r"changes side and the loss is one polynomial there (Appendix G, Figure 9).")
    return Step("appendix-g", "Canonical versus aligned axes", ("Appendix G", "Section 3.1"), claim, just, (),
                Table(("axes", "orthant", "cut by kink of", "directions", "wrong", "example"), tuple(rows)),
                checks=("every slope is the exact c1 of the ray polynomial (exactland.taylor)",))


def gram_step(problem: Any, cert: Certificate) -> Step | None:
    """Appendix F.1 in aligned coordinates: eq. (13), eq. (14), F.1.3 (small problems only)."""
    I, J = problem.n_neurons, problem.n_outputs
    if I * (J + 2) > 12 or problem.n_samples > 10:
        return None
    se = symbolic_expansion(problem, cert=cert)
    names = se.latex_names()
    lat = lambda e: sp.latex(e, symbol_names=names)  # noqa: E731
    order = ", ".join(names[s] for s in se.variables)
    if not gram_on_flat_face(se):
        raise CheckFailed("H~ does not vanish on the flat face at a type-1 minimum (contradicts eq. (9))")
    disp = [rf"c_1 = {lat(se.coefficients[1])}"]
    if se.flat_face:
        disp.append(r"c_1 = 0 \iff " + ",\\ ".join(f"{names[s]} = 0" for s in se.flat_face))
    disp += [rf"V_{{{j}}} = {tex_matrix(se.V[j].tolist())}" for j in range(J)]
    disp.append(r"c_2 = \tfrac12 \sum_j \lVert V_j \Delta\rVert^2\ \text{on the face } c_1 = 0")
    disp.append(r"c_3 = \sum_j (V_j\Delta)\cdot \bar V_j,\qquad c_4 = \tfrac12 \sum_j \lVert \bar V_j\rVert^2,\qquad "
                rf"\bar V_{{1}} = {lat(se.Vbar[0])}")
    tang = ", ".join(f"v_{{{i}}} = {tex_vec(v)}" for i, v in enumerate(se.tangents))
    claim = (f"In the orthant fixed by ${tang}$ (with $\\Delta s_i \\ge 0$), the loss is one polynomial in "
             f"$({order})$; its Hessian is a sum of Gram matrices on the first-order-flat face, the third-order "
             "term vanishes wherever $V_j\\Delta = 0$, and the fourth-order term is a sum of squares.")
    just = (r"Aligned coordinates: $\Delta w_i = \Delta r_i\, w_i + \Delta s_i\, v_i$ (the paper's $\Delta r_i$ "
            r"divided by $\lVert w_i\rVert$, keeping every number rational). Columns of $V_j$: eqs. (10)-(12).")
    return Step("appendix-f1", "Taylor expansion in aligned coordinates",
                ("Appendix F.1.1", "eq. (13)", "eq. (14)", "Appendix F.1.3"), claim, just, tuple(disp),
                checks=se.checks)

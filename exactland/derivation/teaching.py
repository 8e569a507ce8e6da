"""The teaching derivation: Appendix C and Remark 3.4 without a network.

:func:`teaching_derivation` assembles the worked examples of
:mod:`exactland.derivation.directional` (one-sided Taylor polynomials of
:mod:`exactland.derivation.piecewise` functions) and
:mod:`exactland.derivation.gradient_descent` into a
:class:`~exactland.derivation.model.Derivation`:

* ``|x + y|`` (Appendix C.1): a non-differentiable local minimum;
* eq. (7) (Appendix C.2): a non-differentiable saddle with second-order
  descent, and no subgradient there (Remark C.1);
* ``|x|`` vs ``−|x|`` (Remark 3.4): Clarke stationarity cannot tell them apart;
* gradient descent on eq. (7) from ``(10⁻⁶, 1)``.
"""
from __future__ import annotations

from typing import Any, Sequence

import sympy as sp
from flint import fmpq

from exactland.exact.scalars import sign, to_float, to_str
from exactland.derivation.directional import (
    DirectionalAnalysis, clarke_generators, directional_analysis, subgradient_obstruction, zero_in_hull,
)
from exactland.derivation.gradient_descent import eq7_gradient_descent
from exactland.derivation.latex import tex, tex_poly, tex_vec
from exactland.derivation.model import Derivation, Step, Table
from exactland.derivation.piecewise import abs1, abs_sum, eq7, neg_abs1
from exactland.taylor.rays import CheckFailed

__all__ = ["teaching_derivation"]

_DIR_HEADER = ("$d$", "active piece", "$f(x_0 + \\varepsilon d)$", "slope $c_1$", "$\\varepsilon_0$")
_ONE_SIDED = ("Directions: the unit vectors, the normals of the condition lines through the point and "
              "the lines themselves (both orientations); the slope is linear on each cone between them, "
              "so these decide its sign everywhere.")


def teaching_derivation(etas: Sequence[str] = ("1/8", "1/5", "1/4", "1/3", "49/100", "1/2", "3/5"),
                        steps: int = 40) -> Derivation:
    """The Appendix C / Remark 3.4 examples as a :class:`~exactland.derivation.model.Derivation`.

    Parameters
    ----------
    etas : sequence of exact numbers (text)
        The gradient-descent step sizes tabulated in the last step.
    steps : int
        Gradient-descent iterations per step size.

    Returns
    -------
    Derivation
        Steps ``c1``, ``c2``, ``remark-c1``, ``remark-3-4`` and ``gd``.

    Raises
    ------
    CheckFailed
        An example did not come out as the paper says (a bug).

    Examples
    --------
    >>> [s.key for s in teaching_derivation(etas=("1/4",), steps=3).steps]
    ['c1', 'c2', 'remark-c1', 'remark-3-4', 'gd']
    """
    a1 = directional_analysis(abs_sum(), (0, 0))
    a7 = directional_analysis(eq7(), (0, 0))
    if (a1.verdict, a7.verdict) != ("local-minimum", "saddle"):
        raise CheckFailed("Appendix C examples did not classify as the paper says")
    return Derivation("Non-differentiable stationary points without a network (Appendix C, Remark 3.4)",
                      "The same one-sided Taylor machinery as for networks, applied to the paper's "
                      "two-variable examples; every number is exact.",
                      (_abs_sum_step(a1), _eq7_step(a7), _no_subgradient_step(a7), _clarke_step(),
                       _gd_step(etas, steps)))


def _dir_rows(a: DirectionalAnalysis) -> tuple[tuple[str, ...], ...]:
    """Table rows: direction, active piece, restriction, slope and ε0 per test ray."""
    f = a.function
    rows = []
    for r in a.rows:
        pc = f.pieces[r.piece]
        rows.append((f"${tex_vec(r.direction)}$", f"${sp.latex(pc.poly)}$", f"${tex_poly(r.coefficients)}$",
                     f"${tex(r.coefficient(1))}$", "$\\infty$" if r.eps0 is None else f"${tex(r.eps0)}$"))
    return tuple(rows)


def _abs_sum_step(a1: DirectionalAnalysis) -> Step:
    """Appendix C.1: ``|x + y|`` has a non-differentiable local minimum at 0."""
    return Step("c1", "A non-differentiable local minimum: $\\lvert x + y\\rvert$", ("Appendix C.1", "Figure 6"),
                "At the origin every one-sided slope is $\\ge 0$ and the function is piecewise linear, so "
                "$f(0 + d) - f(0) = c_1(d) \\ge 0$ for small $d$: a local minimum where no gradient exists.",
                _ONE_SIDED, (), Table(_DIR_HEADER, _dir_rows(a1)),
                checks=("each row: the exact restriction of the active piece to the ray",))


def _eq7_step(a7: DirectionalAnalysis) -> Step:
    """Appendix C.2: eq. (7) is stationary at 0 but descends at second order."""
    down = next(r for r in a7.rows if r.order and sign(r.coefficients[r.order]) < 0)
    return Step("c2", "A non-differentiable saddle: eq. (7)", ("Appendix C.2", "eq. (7)", "Definition 3.5"),
                f"Every slope is $\\ge 0$ (stationary: $c_1(d) = \\lvert d_x\\rvert$), but along "
                f"$d = {tex_vec(down.direction)}$ the loss is ${tex(down.coefficient(2))}\\,\\varepsilon^2$: "
                "second-order descent, while $d = (1, 0)$ increases. A saddle.",
                _ONE_SIDED + " In closed form eq. (7) is $f(x, y) = \\lvert x\\rvert + y\\lvert y\\rvert$.",
                (r"f(x, y) = \begin{cases} y^2 + x & x > 0,\ y > 0 \\ -y^2 + x & x > 0,\ y \le 0 \\ "
                 r"y^2 - x & x \le 0,\ y > 0 \\ -y^2 - x & x \le 0,\ y \le 0 \end{cases}",),
                Table(_DIR_HEADER, _dir_rows(a7)), checks=("each row: the exact restriction of the active piece",))


def _no_subgradient_step(a7: DirectionalAnalysis) -> Step:
    """Remark C.1: the saddle of eq. (7) has no subgradient."""
    obs = subgradient_obstruction(a7)
    if obs is None:
        raise CheckFailed("eq. (7) should have no subgradient")
    d, eps, val = obs
    return Step("remark-c1", "No subgradient at the saddle of eq. (7)", ("Remark C.1", "Definition C.2"),
                "The subgradient set at the origin is empty.",
                f"A subgradient $g$ needs $g \\cdot d \\le c_1(d)$ for every $d$; with $c_1(\\pm {tex_vec(d)}) = 0$ "
                f"this forces $g \\cdot {tex_vec(d)} = 0$, and then $f({tex(eps)} \\cdot {tex_vec(d)}) = {tex(val)} "
                "< 0 = f(0) + g \\cdot (\\varepsilon d)$ violates Definition C.2 for every $g$.")


def _clarke_step() -> Step:
    """Remark 3.4: ``|x|`` and ``−|x|`` share the Clarke subdifferential, not the slopes."""
    rows = []
    for f in (abs1(), neg_abs1()):
        an = directional_analysis(f, (0,))
        gens = clarke_generators(f, (0,))
        rows.append((f"${f.latex}$", "$[" + ", ".join(tex(g[0]) for g in gens) + "]$",
                     "yes" if zero_in_hull(gens) else "no",
                     ", ".join(f"$c_1({tex(r.direction[0])}) = {tex(r.coefficient(1))}$" for r in an.rows),
                     "yes" if an.stationary else "no"))
    if [r[2] for r in rows] != ["yes", "yes"] or [r[4] for r in rows] != ["yes", "no"]:
        raise CheckFailed("Remark 3.4's contrast did not come out")
    return Step("remark-3-4", "Clarke stationarity cannot tell $\\lvert x\\rvert$ from $-\\lvert x\\rvert$",
                ("Remark 3.4", "Definition 3.3"),
                "Both origins have Clarke subdifferential $[-1, 1] \\ni 0$; only $\\lvert x\\rvert$ has no "
                "negative one-sided slope, so only it is stationary in the sense of Definition 3.3.",
                "Clarke's generalized gradient is the convex hull of the limits of nearby gradients; the "
                "one-sided slopes come from the same piecewise-polynomial restriction as above.", (),
                Table(("$f$", "$\\partial_C f(0)$", "$0 \\in \\partial_C f(0)$", "one-sided slopes", "stationary"),
                      tuple(rows)))


def _gd_step(etas: Sequence[str], steps: int) -> Step:
    """Appendix C.2, Figure 7: GD from ``(10⁻⁶, 1)`` stays above the saddle for ``η ≤ 1/2``."""
    gd_rows = []
    for e in etas:
        r = eq7_gradient_descent(e, steps)
        y_last = r.points[-1][1]
        gd_rows.append((f"${tex(r.eta)}$", f"$y_n = {_y_formula(r.eta)}$", f"$y_{{{steps}}} = {_short(y_last)}$",
                        f"${_short(min(r.values))}$", "never" if r.escaped_at is None else f"step {r.escaped_at}"))
    return Step("gd", "Gradient descent cannot escape the saddle of eq. (7) from $(10^{-6}, 1)$",
                ("Appendix C.2", "Figure 7"),
                "For every step $\\eta \\le 1/2$ the iterates satisfy $y_n \\ge 0$ and $f(z_n) \\ge 0 = f(0)$: GD "
                "never gets past the saddle. The paper's bound $\\eta < 1/4$ is sufficient but not sharp; for "
                "$\\eta > 1/2$ GD escapes.",
                "The gradient decouples: $y_{n+1} = (1 - 2\\eta) y_n$ while $y_n > 0$, and $(1 + 2\\eta) y_n$ when "
                "$y_n \\le 0$; $x_{n+1} = x_n \\mp \\eta$ (sign of $x_n > 0$), so $x$ settles into a 2-cycle within "
                "$\\eta$ of $0$. From $y_0 = 1$: $y_n = (1 - 2\\eta)^n > 0$ for $\\eta < 1/2$, $y_n = 0$ ($n \\ge 1$) "
                "for $\\eta = 1/2$, and $y_n = (1 + 2\\eta)^{n-1}(1 - 2\\eta) \\to -\\infty$ for $\\eta > 1/2$.",
                (r"f(x, y) = \lvert x\rvert + y \lvert y\rvert,\qquad z_{n+1} = z_n - \eta \nabla f(z_n),\qquad "
                 r"z_0 = \left(\tfrac{1}{1000000}, 1\right)",),
                Table(("$\\eta$", "closed form", "last $y$", "$\\min_n f(z_n)$", "$f(z_n) < 0$ from"),
                      tuple(gd_rows)),
                checks=(f"exact GD with rationals, {steps} steps per eta; y_n equals its closed form at every step",
                        "f(z_n) >= 0 and |x_n| <= max(x_0, eta) at every step when eta <= 1/2"))


def _short(x: Any) -> str:
    """An exact number as LaTeX, abbreviated to 6 significant digits when long (display only)."""
    if len(to_str(x)) <= 24:
        return tex(x)
    mant, _, exp = f"{to_float(x):.6g}".partition("e")
    return (mant + (rf" \times 10^{{{int(exp)}}}" if exp else "")) + r"\ (\text{rounded})"


def _y_formula(eta: Any) -> str:
    """The closed form of ``y_n`` from ``y_0 = 1`` as LaTeX."""
    if eta < fmpq(1, 2):
        return rf"\left({tex(1 - 2 * eta)}\right)^n"
    if eta == fmpq(1, 2):
        return r"0\ (n \ge 1)"
    return rf"\left({tex(1 + 2 * eta)}\right)^{{n-1}} \left({tex(1 - 2 * eta)}\right)"

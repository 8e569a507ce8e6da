"""The steps of Theorem 4.2's verdict and its certificate in a network derivation.

Escape neurons (Definition 4.1), the verdict, the explicit radius of a type-1
minimum, the witness paths, and at a saddle the second-order construction of
Appendix F.2. Witnesses are re-evaluated directly from eqs. (3), (6)
(:mod:`exactland.derivation.stationarity_steps`), and every path polynomial is
re-derived by the all-parameter Taylor machinery (:mod:`exactland.taylor`) and
checked against exact loss values.
"""
from __future__ import annotations

from typing import Any

from exactland.core.certificate import Certificate, Verdict
from exactland.core.curved import curved_polynomial
from exactland.core.kinks import NeuronData
from exactland.core.network import Evaluation, evaluate
from exactland.core.polynomial import horner
from exactland.core.problem import Problem, parse_matrix
from exactland.derivation.latex import tex, tex_ji, tex_matrix, tex_poly, tex_vec
from exactland.derivation.model import (
    DerivationMismatch,
    Fact,
    Step,
    Table,
    fact_vector,
)
from exactland.derivation.stationarity_steps import F_direct, phi_direct
from exactland.exact.scalars import sign, to_str, to_sympy, to_text
from exactland.taylor.directions import (
    Direction,
    escape_path_constants,
    named_direction,
)
from exactland.taylor.rays import CheckFailed, check_against_loss, ray_polynomial
from exactland.taylor.symbolic import escape_block, symbolic_expansion

__all__ = ["escape_step", "verdict_step", "radius_step", "path_steps"]


def escape_step(ev: Evaluation, nds: list[NeuronData], cert: Certificate) -> Step:
    """Definition 4.1 per neuron: a witness (j, v) or the constant c_i."""
    rows, facts = [], []
    J = ev.problem.n_outputs
    for nd, rep in zip(nds, cert.neurons):
        i = nd.index
        facts.append(Fact(("neurons", i, "escape", "is_escape"), rep.is_escape))
        if rep.is_escape:
            j, v, Fv, ph = rep.escape_witness  # type: ignore[misc]
            if F_direct(ev, i, v) != Fv or Fv != 0 or phi_direct(ev, i, j, v) != ph or ph == 0:
                raise CheckFailed("escape witness does not satisfy Definition 4.1")
            facts.append(Fact(("neurons", i, "escape", "witness"),
                              {"j": j, "v": fact_vector(v), "F": to_str(Fv), "phi": to_str(ph)}))
            what = (f"escape: $v = {tex_vec(v)}$, $F_{{{i}}}(v) = 0$, "
                    f"$\\varphi_{{{tex_ji(J, j, i)}}}(v) = {tex(ph)} \\ne 0$")
        else:
            facts.append(Fact(("neurons", i, "tangential", "c"), to_text(rep.c)))
            what = f"not an escape neuron; $c_{{{i}}} = {tex(rep.c)}$"
        rows.append((f"${i}$", what))
    esc = list(cert.escape_neurons)
    facts.append(Fact(("escape_neurons",), esc))
    claim = ("There is no escape neuron." if not esc else
             "Escape neurons: $" + ", ".join(str(i) for i in esc) + "$.")
    just = (r"Neuron $i$ is an escape neuron iff some tangential $v$ has $F_i(v) = 0$ and "
            r"$\varphi_{j'i}(v) \ne 0$ for some $j'$. Otherwise $c_i$ is the largest constant with "
            r"$F_i(v) \ge c_i \max_j \lvert\varphi_{ji}(v)\rvert$ (docs/mathematics.md, section 6).")
    return Step("escape", "Escape neurons", ("Definition 4.1",), claim, just, (),
                Table(("$i$", "test"), tuple(rows)), tuple(facts),
                ("every witness re-evaluated directly from eqs. (3), (6)",))


def verdict_step(cert: Certificate) -> Step:
    """The verdict: Theorem 4.2 at stationary points, Definition 3.3 otherwise."""
    v = cert.verdict
    text, refs = {
        Verdict.TYPE_1_MINIMUM: ("Theorem 4.2: a stationary point without escape neurons is a local minimum "
                                 "(type 1).", ("Theorem 4.2",)),
        Verdict.SADDLE: ("Theorem 4.2: a stationary point with an escape neuron and $\\lvert J\\rvert = 1$ is not "
                         "a local minimum; it is not a local maximum either (Appendix D), so it is a saddle "
                         "(Definition 3.5).", ("Theorem 4.2", "Definition 3.5", "Appendix D")),
        Verdict.NOT_STATIONARY: ("Definition 3.3 fails: a negative first-order directional derivative gives a "
                                 "descent direction (Theorem 4.2 does not apply).", ("Definition 3.3",)),
        Verdict.TYPE_2_MINIMUM: ("A stationary point with an escape neuron that is a local minimum (type 2): "
                                 "the least-squares loss over the output layer does not decrease near W "
                                 "(variable projection, docs/type2.md).", ("Appendix F.2.1", "Open Question 1")),
        Verdict.UNDECIDED: (f"Undecided: {cert.reason}", ("Theorem 4.2", "Appendix F.2.1")),
    }[v]
    return Step("verdict", f"Verdict: {v.value}", refs, text, facts=(Fact(("verdict",), v.value),))


def radius_step(cert: Certificate) -> Step:
    """The explicit radius of a type-1 minimum (docs/mathematics.md, section 6)."""
    rc = cert.radius_constants
    if rc is None:
        raise DerivationMismatch("a type-1 minimum's certificate has no radius constants")
    facts = (Fact(("radius",), to_text(cert.radius)), Fact(("radius_constants", "rho_w"), to_text(rc.rho_w)),
             Fact(("radius_constants", "rho_h"), to_text(rc.rho_h)))
    claim = (f"$L(P + \\delta P) \\ge L(P)$ for every $\\lVert \\delta P\\rVert_\\infty < {tex(cert.radius)}$ "
             f"($\\rho_w = {tex(rc.rho_w)}$, $\\rho_h = {tex(rc.rho_h)}$).")
    just = (r"While no sample outside the kink sets changes side, "
            r"$L(P+\delta P) - L(P) = \sum_{i,j} (h_{ji} + \delta h_{ji})\, \varphi_{ji}(\delta w_i) + "
            r"\tfrac12 \sum_k \lVert \Delta \hat y_k\rVert^2$; $F_i \ge c_i \max_j\lvert\varphi_{ji}\rvert$ makes the "
            r"first sum non-negative when $\sum_j \lvert\delta h_{ji}\rvert \le c_i$. This box statement is stronger "
            r"than the ray-by-ray Taylor argument of Appendix F.1 (docs/mathematics.md, section 6).")
    disp = (r"\rho_w = \min_{i,\, k \notin K^0(i)} \frac{\lvert w_i\cdot x_k\rvert}{\lVert x_k\rVert_1},\qquad "
            r"\rho_h = \min_i \frac{c_i}{\lvert J\rvert},\qquad \text{radius} = \min(\rho_w, \rho_h)",)
    return Step("radius", "Certificate: an explicit radius", ("Theorem 4.2", "Appendix F.1"), claim, just,
                disp, facts=facts)


def _path_step(key: str, title: str, refs: tuple[str, ...], cert: Certificate, which: str) -> Step:
    """The certificate's ``descent`` or ``ascent`` path, its polynomial re-derived and checked."""
    pw = getattr(cert, which)
    p = cert.problem
    if hasattr(pw, "dW2"):
        return _curved_step(key, title, refs, cert, pw)
    rp = ray_polynomial(p, Direction(*pw.full_direction(p.n_neurons, p.n_outputs), b=pw.db))
    if rp.coefficients != pw.coefficients:
        raise CheckFailed(f"{which} path: the all-parameter Taylor polynomial != the certificate's")
    pts = check_against_loss(rp)
    base = ("witness", which)
    facts = [Fact(base + ("coefficients",), fact_vector(pw.coefficients)), Fact(base + ("t",), to_str(pw.t)),
             Fact(base + ("loss",), to_str(pw.loss)), Fact(base + ("neuron",), pw.neuron),
             Fact(base + ("t_max",), None if pw.t_max is None else to_str(pw.t_max))]
    rel = "<" if which == "descent" else ">"
    rng = (r"t \ge 0" if pw.t_max is None else rf"0 \le t < {tex(pw.t_max)}")
    disp = [rf"\Delta W = {tex_vec(pw.dw)},\ \Delta H = {tex_vec(pw.dh)}\ \text{{(flattened)}}"
            if pw.neuron is None and any(c != 0 for c in pw.dw) else
            rf"\Delta b = {tex_vec(pw.db)}" if pw.neuron is None else
            rf"\Delta h_{{\cdot {pw.neuron}}} = {tex_vec(pw.dh)},\quad \Delta w_{{{pw.neuron}}} = {tex_vec(pw.dw)}",
            rf"L(P + t\Delta) = {tex_poly(pw.coefficients, 't')} \quad ({rng})",
            rf"L(P + {tex(pw.t)}\,\Delta) = {tex(pw.loss)} {rel} {tex(cert.loss)} = L(P)"]
    claim = f"Along this path the loss {'decreases' if which == 'descent' else 'increases'} strictly."
    if which == "descent" and cert.verdict is Verdict.SADDLE:
        C, n, cu = pw.corollary_4_4()
        facts.append(Fact(("witness", "descent", "corollary_4_4"),
                          {"C": to_str(C), "direction_norm_sq": to_str(n), "C_unit": to_str(cu)}))
        disp.append(rf"L(P + \delta \ell) - L(P) \sim {tex(cu)}\, \delta^2,\quad \ell = \Delta/\lVert\Delta\rVert,\ "
                    rf"\lVert \Delta\rVert^2 = {tex(n)}")
        claim += " Its first nonzero coefficient is of order 2 (Corollary 4.4)."
    checks = ("coefficients re-derived by the all-parameter Taylor machinery (exactland.taylor)",
              f"polynomial = exact loss at {len(pts)} points of the validity interval")
    just = "The certificate's witness path; each coefficient is re-derived and checked against exact loss values."
    return Step(key, title, refs, claim, just, tuple(disp), None, tuple(facts), checks)


def _curved_step(key: str, title: str, refs: tuple[str, ...], cert: Certificate, pw: Any) -> Step:
    """A curved descent path ``P + tΔ₁ + t²Δ₂`` (docs/type2.md §6): its polynomial against exact losses."""
    ev = evaluate(cert.problem)
    coeffs, t_max = curved_polynomial(ev, (pw.dW, pw.dH, pw.db), (pw.dW2, pw.dH2, pw.db2))
    if coeffs != pw.coefficients or horner(coeffs, pw.t) != pw.loss:
        raise CheckFailed("curved descent path: the re-derived polynomial != the certificate's")
    base = ("witness", "descent")
    facts = [Fact(base + ("coefficients",), fact_vector(pw.coefficients)), Fact(base + ("t",), to_str(pw.t)),
             Fact(base + ("loss",), to_str(pw.loss)), Fact(base + ("t_max",), to_str(pw.t_max))]
    disp = [rf"L(P + t\Delta_1 + t^2\Delta_2) = {tex_poly(pw.coefficients, 't')} \quad (0 \le t < {tex(t_max)})",
            rf"L(P({tex(pw.t)})) = {tex(pw.loss)} < {tex(cert.loss)} = L(P)"]
    claim = (f"Along this curved path the loss decreases strictly; its first nonzero coefficient is of order "
             f"{pw.order} (no straight path descends at second order).")
    checks = ("coefficients re-derived by exactland.core.curved (degree 8)",)
    just = "The certificate's curved witness path (docs/type2.md §6)."
    return Step(key, title, refs, claim, just, tuple(disp), None, tuple(facts), checks)


def path_steps(cert: Certificate, ev: Evaluation) -> list[Step]:
    """Descent/ascent paths (and, for saddles, the Appendix F.2 construction)."""
    steps = []
    if cert.verdict is Verdict.SADDLE and cert.problem.n_outputs == 1:
        steps.append(_f2_step(cert, ev))
    if cert.descent is not None:
        refs = ("Appendix F.2", "eq. (17)", "Corollary 4.4") if cert.verdict is Verdict.SADDLE else ("Lemma 3.2",)
        steps.append(_path_step("descent", "Certificate: descent path", refs, cert, "descent"))
    if cert.ascent is not None:
        steps.append(_path_step("ascent", "Certificate: ascent path (not a local maximum)",
                                ("Theorem D.1", "Appendix D"), cert, "ascent"))
    return steps


def _f2_step(cert: Certificate, ev: Evaluation) -> Step:
    """Appendix F.2 at the first escape neuron: the indefinite block of eq. (16) and the path of eq. (17)."""
    p = cert.problem
    i = cert.escape_neurons[0]
    j, v, _, phi = cert.neurons[i].escape_witness  # type: ignore[misc]
    vh, bound, b = escape_path_constants(p, i, phi)
    se = symbolic_expansion(_single_neuron_problem(p, i), {0: v})
    eb = escape_block(se, 0, j)
    if eb.phi != to_sympy(phi):
        raise CheckFailed("eq. (16): the Hessian's cross term != phi(v) of the certificate")
    rp = ray_polynomial(p, named_direction(p, f"escape:{i}", cert))
    pts = check_against_loss(rp)
    if not (rp.order == 2 and sign(rp.coefficients[2]) < 0):
        raise CheckFailed("the eq. (17) path does not decrease at second order")
    n = i
    disp = (rf"\begin{{pmatrix}} \partial^2_{{h}} L & \partial_h\partial_{{s}} L \\ \partial_s\partial_h L & "
            rf"\partial^2_{{s}} L \end{{pmatrix}} = {tex_matrix(eb.matrix.tolist())},\quad \det = {tex(eb.determinant)} < 0",
            rf"T_2 = \lVert V_{{h}}\rVert^2 a^2 - 2\lvert\varphi\rvert a b = {tex(eb.t2)}",
            rf"b > \frac{{\lVert V_h\rVert^2}}{{2\lvert\varphi\rvert}}\, a = {tex(bound)}\, a;\quad "
            rf"a = 1,\ b = {tex(b)}:\ L(P + \varepsilon\Delta) = {tex_poly(rp.coefficients)}")
    claim = (f"At escape neuron ${n}$ ($h_{{{n}}} = 0$, $v = {tex_vec(v)}$, $\\varphi(v) = {tex(phi)}$) the "
             f"$(h_{{{n}}}, s_{{{n}}})$ block of the Hessian is indefinite, and the path "
             f"$\\Delta h_{{{n}}} = -\\operatorname{{sgn}}(\\varphi)\\, a$, $\\Delta w_{{{n}}} = b\\, v$ decreases the loss.")
    just = (r"With $h_i = 0$ the column $V_{s_i}$ vanishes, so $\partial^2_s L = 0$ while "
            r"$\partial_h\partial_s L = \varphi_{i}(v) + V_h\cdot V_s = \varphi_i(v) \ne 0$ (eq. (16b)). "
            r"Here $T_2 = \Delta^\top \mathcal{H} \Delta$ is twice the $\varepsilon^2$ coefficient.")
    return Step("appendix-f2", "Second order at an escape neuron", ("Appendix F.2", "eq. (16)", "eq. (17)"),
                claim, just, disp,
                facts=(Fact(("neurons", i, "escape", "witness", "phi"), to_str(phi)),),
                checks=("eq. (16) block = the Hessian block of the loss piece (SymPy differentiation)",
                        f"eq. (17) path polynomial = exact loss at {len(pts)} points"))


def _single_neuron_problem(p: Any, i: int) -> Any:
    """Neuron i alone, with the other neurons' (fixed) output folded into the targets.

    Moving only neuron i's parameters of ``p`` is moving every parameter of this
    one-neuron problem.
    """
    others = p.with_params([w for m, w in enumerate(p.W) if m != i] or [[0] * p.dim],
                           [[h for m, h in enumerate(row) if m != i] or [0] for row in p.H])
    ev = evaluate(others)
    Y = [[p.targets[k][j] - (ev.e(k, j) + others.Y[k][j]) for j in range(p.n_outputs)] for k in range(p.n_samples)]
    return Problem(p.activation, p.X, parse_matrix(Y, "Y"), (p.W[i],), tuple((row[i],) for row in p.H))

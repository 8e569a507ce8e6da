"""The steps of a network derivation (see :mod:`exactland.derivation.model`).

Each builder returns one :class:`~exactland.derivation.model.Step`; numbers come
from the evaluation and the certificate, and every number the certificate
also states is recorded as a :class:`~exactland.derivation.model.Fact`. Values the
certificate does not state (extreme rays and their ``F_i`` values, Taylor
polynomials, Gram factors) are recomputed by a second route while building
the step, and the step lists that check.
"""
from __future__ import annotations

from typing import Any

import sympy as sp
from flint import fmpq

from exactland.core.certificate import Certificate, Verdict
from exactland.derivation.latex import tex, tex_matrix, tex_poly, tex_set, tex_vec
from exactland.derivation.model import Fact, Step, Table
from exactland.core.kinks import NeuronData
from exactland.exact.linalg import dot
from exactland.core.network import Evaluation, evaluate
from exactland.exact.scalars import sign, to_str, to_text, to_sympy
from exactland.core.problem import Problem, parse_matrix
from exactland.core.stationarity import tangential_analysis
from exactland.core.tangent import Budget, project_tangent
from exactland.taylor.axes import axes_contrast
from exactland.taylor.directions import Direction, escape_path_constants, named_direction
from exactland.taylor.rays import CheckFailed, check_against_loss, ray_polynomial
from exactland.taylor.symbolic import escape_block, gram_on_flat_face, symbolic_expansion

__all__ = [
    "data_step", "forward_step", "kink_step", "d_step", "condition1_step",
    "condition2_step", "condition3_step", "stationary_step", "escape_step",
    "verdict_step", "radius_step", "path_steps", "contrast_step", "tangential_axis_step",
    "gram_step",
]

Vector = tuple[Any, ...]
ZERO = fmpq(0)


def _vs(v: Any) -> list[str]:
    return [to_str(x) for x in v]


def _rho_tex(problem: Any) -> str:
    a, b = problem.activation.alpha_plus, problem.activation.alpha_minus
    return rf"\rho(z) = {tex(a)}\,z \ (z \ge 0),\quad \rho(z) = {tex(b)}\,z \ (z < 0)"


def _hidx(J: int, j: int, i: int) -> str:
    return f"{j + 1},{i + 1}" if J > 1 else f"{i + 1}"


def data_step(problem: Any, description: str) -> Step:
    """Step 1: the data and the point (Section 2, eqs. 1-2)."""
    p = problem
    rows = tuple((f"${k + 1}$", f"${tex_vec(p.X[k])}$", f"${tex_vec(p.Y[k])}$") for k in range(p.n_samples))
    claim = (f"$\\lvert K\\rvert = {p.n_samples}$ samples in $d = {p.dim}$ dimensions, "
             f"$\\lvert I\\rvert = {p.n_neurons}$ hidden neurons, $\\lvert J\\rvert = {p.n_outputs}$ "
             f"output(s), activation ${_rho_tex(p)}$.")
    facts = (Fact(("problem",), p.to_dict()),)
    return Step("data", "Data, activation and the point", ("Section 2", "eq. (1)", "eq. (2)"), claim,
                description, (f"W = {tex_matrix(p.W)}", f"H = {tex_matrix(p.H)}"),
                Table(("$k$", "$x_k$", "$y_k$"), rows), facts)


def forward_step(ev: Evaluation) -> Step:
    """Pre-activations, outputs, residuals and the loss (eqs. 1-2)."""
    p = ev.problem
    rows = []
    for k in range(p.n_samples):
        yhat = tuple(ev.e(k, j) + p.Y[k][j] for j in range(p.n_outputs))
        rows.append((f"${k + 1}$", ", ".join(f"${tex(ev.z(i, k))}$" for i in range(p.n_neurons)),
                     f"${tex_vec(yhat)}$", f"${tex_vec(tuple(ev.e(k, j) for j in range(p.n_outputs)))}$"))
    claim = f"The loss at the point is $L = {tex(ev.loss)}$."
    just = (r"Outputs $\hat y_k = H\rho(W x_k)$ (eq. (1)), residuals $e_{kj} = \hat y_{kj} - y_{kj}$ and "
            r"$L = \tfrac12 \sum_{k,j} e_{kj}^2$ (eq. (2)).")
    return Step("forward", "Forward pass and loss", ("eq. (1)", "eq. (2)"), claim, just,
                (rf"L = \tfrac12 \sum_{{k,j}} e_{{kj}}^2 = {tex(ev.loss)}",),
                Table(("$k$", "$w_i \\cdot x_k$ for $i = 1, 2, \\dots$", "$\\hat y_k$", "$e_k$"), tuple(rows)),
                (Fact(("loss",), to_str(ev.loss)),))


def kink_step(ev: Evaluation) -> Step:
    """The sets K+, K0 (kink set), K- per neuron (Section 3.1)."""
    p = ev.problem
    rows, facts = [], []
    for i in range(p.n_neurons):
        sg = ev.signs[i].tolist()
        kp = [k for k, s in enumerate(sg) if s > 0]
        k0 = [k for k, s in enumerate(sg) if s == 0]
        km = [k for k, s in enumerate(sg) if s < 0]
        rows.append((f"${i + 1}$", f"${tex_vec(p.W[i])}$", f"${tex_set(kp)}$", f"${tex_set(k0)}$", f"${tex_set(km)}$"))
        facts += [Fact(("neurons", i, "kink_set"), k0), Fact(("neurons", i, "signs"), [int(s) for s in sg])]
    claim = ("Every sign $\\operatorname{sign}(w_i \\cdot x_k)$ is decided exactly; $K^0(i)$ is the "
             "kink set of neuron $i$ (the loss is not differentiable in $w_i$ there).")
    just = ("Non-differentiability arises only from input weights orthogonal to some $x_k$ "
            "(Section 3.1); a zero neuron $w_i = 0$ has every sample in its kink set.")
    return Step("kink-sets", "Kink sets", ("Section 3.1", "Lemma 3.2"), claim, just, (),
                Table(("$i$", "$w_i$", "$K^+(i)$", "$K^0(i)$", "$K^-(i)$"), tuple(rows)), tuple(facts))


def d_step(ev: Evaluation) -> Step:
    """The vectors d_ji (eq. 3)."""
    p = ev.problem
    J = p.n_outputs
    rows, facts = [], []
    for i in range(p.n_neurons):
        for j in range(J):
            d = ev.d(j, i)
            rows.append((f"${_hidx(J, j, i)}$", f"${tex_vec(d)}$"))
            facts.append(Fact(("neurons", i, "d", j), _vs(d)))
    disp = (r"d_{ji} = \sum_{k \in K^+(i)} \alpha^+ e_{kj} x_k + \sum_{k \in K^-(i)} \alpha^- e_{kj} x_k",)
    return Step("d", "The vectors $d_{ji}$", ("Lemma 3.2", "eq. (3)"),
                "Kink samples contribute nothing to $d_{ji}$; their effect enters through "
                "the one-sided terms of eq. (6).", "", disp,
                Table(("$j,i$" if J > 1 else "$i$", "$d_{ji}$"), tuple(rows)), tuple(facts))


def condition1_step(ev: Evaluation) -> Step:
    """Condition 1 of Definition 3.3: dL/dh_ji = w_i . d_ji = 0 (eq. 4)."""
    p = ev.problem
    J = p.n_outputs
    rows, facts, bad = [], [], []
    for i in range(p.n_neurons):
        vals = tuple(ev.dL_dh(j, i) for j in range(J))
        if dot(p.W[i], ev.d(0, i)) != vals[0]:
            raise CheckFailed("eq. (4): w_i . d_ji != dL/dh_ji")
        rows.append((f"${i + 1}$", f"${tex_vec(vals)}$"))
        facts.append(Fact(("neurons", i, "dL_dh"), _vs(vals)))
        bad += [(j, i, v) for j, v in enumerate(vals) if v != 0]
    if bad:
        j, i, v = bad[0]
        claim = (f"Condition 1 fails: $\\partial L/\\partial h_{{{_hidx(J, j, i)}}} = {tex(v)} \\ne 0$, "
                 "so the point is not stationary.")
    else:
        claim = "Condition 1 holds: every $\\partial L/\\partial h_{ji} = w_i \\cdot d_{ji}$ is $0$."
    return Step("condition-1", "Definition 3.3, condition 1", ("Definition 3.3", "eq. (4)"), claim,
                "The loss is differentiable in the output weights, so their derivatives must vanish.",
                (r"\frac{\partial L}{\partial h_{ji}} = w_i \cdot d_{ji}",),
                Table(("$i$", "$(\\partial L/\\partial h_{ji})_j$"), tuple(rows)), tuple(facts),
                ("w_i . d_ji recomputed from d_ji equals the certificate's dL/dh",))


def condition2_step(ev: Evaluation, nds: list[NeuronData]) -> Step:
    """Condition 2: dL/dr_i = 0 (eq. 5), reported as |w_i| dL/dr_i (rational)."""
    rows, facts, bad = [], [], []
    for nd in nds:
        v = nd.dL_dr_scaled
        rows.append((f"${nd.index + 1}$", f"${tex(v)}$"))
        facts.append(Fact(("neurons", nd.index, "dL_dr_scaled"), to_str(v)))
        if v != 0:
            bad.append(nd.index)
    claim = ("Condition 2 holds: every radial derivative vanishes." if not bad else
             f"Condition 2 fails for neuron(s) ${', '.join(str(i + 1) for i in bad)}$.")
    just = (r"$\lVert w_i\rVert\, \partial L/\partial r_i = \sum_j h_{ji}\, d_{ji}\cdot w_i = \sum_j h_{ji}\, "
            r"\partial L/\partial h_{ji}$, so condition 2 follows from condition 1; it is $0$ by convention "
            r"when $w_i = 0$.")
    return Step("condition-2", "Definition 3.3, condition 2", ("Definition 3.3", "eq. (5)"), claim, just,
                (r"\frac{\partial L}{\partial r_i} = \sum_j h_{ji}\, d_{ji} \cdot u_i,\quad u_i = w_i/\lVert w_i\rVert",),
                Table(("$i$", "$\\lVert w_i\\rVert\\, \\partial L/\\partial r_i$"), tuple(rows)), tuple(facts))


def phi_direct(ev: Evaluation, i: int, j: int, v: Vector) -> Any:
    """``φ_ji(v) = d_ji·v + Σ_{k∈K⁰(i)} e_kj rho(x_k·v)`` straight from eqs. (3), (6)."""
    p = ev.problem
    total = dot(ev.d(j, i), v)
    for k in ev.kink_set(i):
        total = total + ev.e(k, j) * p.activation(dot(p.X[k], v))
    return total


def F_direct(ev: Evaluation, i: int, v: Vector) -> Any:
    """``F_i(v) = Σ_j h_ji φ_ji(v)`` (eq. 6)."""
    p = ev.problem
    return sum((p.H[j][i] * phi_direct(ev, i, j, v) for j in range(p.n_outputs)), ZERO)


def condition3_step(ev: Evaluation, nds: list[NeuronData], cert: Certificate) -> Step:
    """Condition 3: F_i(v) >= 0 for every tangential v (eq. 6), on the extreme rays."""
    rows, facts, checks = [], [], []
    witness = None
    for nd, rep in zip(nds, cert.neurons):
        i = nd.index
        if rep.method == "budget-exceeded":  # the certificate's shared budget ran out here
            rows.append((f"${i + 1}$", f"${len(nd.kink_set)}$", rep.method, "undecided (budget exhausted)"))
            continue
        ta = tangential_analysis(nd, Budget(cert.budget_limit))  # a fresh budget: at least what was left
        facts += [Fact(("neurons", i, "tangential", "method"), ta.method),
                  Fact(("neurons", i, "tangential", "nonnegative"), ta.nonnegative),
                  Fact(("neurons", i, "tangential", "rays"), len(ta.rays))]
        if ta.method == "zero-form":
            what = "$F_i \\equiv 0$" + (" ($h_i = 0$)" if all(h == 0 for h in nd.h) else "")
        else:
            parts = []
            for ray in ta.rays[:8]:
                v = project_tangent(ray, nd.w)
                val = F_direct(ev, i, v)
                if val != nd.F(ray):
                    raise CheckFailed("eq. (6) evaluated directly != the canonical form")
                parts.append(f"$F({tex_vec(v)}) = {tex(val)}$")
            what = "; ".join(parts) + ("; ..." if len(ta.rays) > 8 else "")
            checks.append(f"neuron {i + 1}: F_i on every listed ray evaluated directly from eq. (6)")
        if rep.tangential_witness is not None:
            v, val = rep.tangential_witness
            if F_direct(ev, i, v) != val or sign(val) >= 0:
                raise CheckFailed("tangential witness does not give F_i(v) < 0")
            witness = witness or (i, v, val)
            facts.append(Fact(("neurons", i, "tangential", "witness"), {"v": _vs(v), "F": to_str(val)}))
            what += f"; witness $F_{{{i + 1}}}({tex_vec(v)}) = {tex(val)} < 0$"
        rows.append((f"${i + 1}$", f"${len(nd.kink_set)}$", ta.method, what))
    if witness is None:
        claim = "Condition 3 holds: $F_i(v) \\ge 0$ for every neuron and every tangential $v$."
    else:
        i, v, val = witness
        claim = (f"Condition 3 fails: along $v = {tex_vec(v)}$ the tangential derivative of neuron "
                 f"${i + 1}$ is $F_{{{i + 1}}}(v) = {tex(val)} < 0$.")
    just = (r"$F_i$ is continuous, piecewise linear and positively homogeneous on the tangent space; it is "
            r"$\ge 0$ everywhere iff its linear part vanishes on the lineality space of the kink lines "
            r"$x_k \cdot v = 0$ ($k \in K^0(i)$) and it is $\ge 0$ on every extreme ray (DESIGN section 4).")
    disp = (r"\frac{\partial L}{\partial s_i} = F_i(v) = \sum_j h_{ji}\, \varphi_{ji}(v),\quad "
            r"\varphi_{ji}(v) = d_{ji}^{v}\cdot v = d_{ji}\cdot v + \sum_{k \in K^0(i)} e_{kj}\, \rho(x_k \cdot v)",)
    return Step("condition-3", "Definition 3.3, condition 3", ("Definition 3.3", "eq. (6)", "Appendix A.3"),
                claim, just, disp, Table(("$i$", "$\\lvert K^0(i)\\rvert$", "method", "values"), tuple(rows)),
                tuple(facts), tuple(checks))


def stationary_step(cert: Certificate) -> Step:
    """Definition 3.3's verdict."""
    st = cert.stationary
    claim = {True: "The point is stationary.", False: "The point is not stationary.",
             None: "Stationarity is undecided within the budget."}[st]
    return Step("stationary", "Stationarity", ("Definition 3.3",), claim,
                "Stationary means: no first-order directional derivative is negative (conditions 1-3).",
                facts=(Fact(("stationary",), st),))


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
                              {"j": j, "v": _vs(v), "F": to_str(Fv), "phi": to_str(ph)}))
            what = (f"escape: $v = {tex_vec(v)}$, $F_{{{i + 1}}}(v) = 0$, "
                    f"$\\varphi_{{{_hidx(J, j, i)}}}(v) = {tex(ph)} \\ne 0$")
        else:
            facts.append(Fact(("neurons", i, "tangential", "c"), to_text(rep.c)))
            what = f"not an escape neuron; $c_{{{i + 1}}} = {tex(rep.c)}$"
        rows.append((f"${i + 1}$", what))
    esc = list(cert.escape_neurons)
    facts.append(Fact(("escape_neurons",), esc))
    claim = ("There is no escape neuron." if not esc else
             "Escape neurons: $" + ", ".join(str(i + 1) for i in esc) + "$.")
    just = (r"Neuron $i$ is an escape neuron iff some tangential $v$ has $F_i(v) = 0$ and "
            r"$\varphi_{j'i}(v) \ne 0$ for some $j'$. Otherwise $c_i$ is the largest constant with "
            r"$F_i(v) \ge c_i \max_j \lvert\varphi_{ji}(v)\rvert$ (DESIGN section 6).")
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
        Verdict.UNDECIDED: (f"Undecided: {cert.reason}", ("Theorem 4.2", "Appendix F.2.1")),
    }[v]
    return Step("verdict", f"Verdict: {v.value}", refs, text, facts=(Fact(("verdict",), v.value),))


def radius_step(cert: Certificate) -> Step:
    """The explicit radius of a type-1 minimum (DESIGN section 6)."""
    rc = cert.radius_constants
    assert rc is not None
    facts = (Fact(("radius",), to_text(cert.radius)), Fact(("radius_constants", "rho_w"), to_text(rc.rho_w)),
             Fact(("radius_constants", "rho_h"), to_text(rc.rho_h)))
    claim = (f"$L(P + \\delta P) \\ge L(P)$ for every $\\lVert \\delta P\\rVert_\\infty < {tex(cert.radius)}$ "
             f"($\\rho_w = {tex(rc.rho_w)}$, $\\rho_h = {tex(rc.rho_h)}$).")
    just = (r"While no sample outside the kink sets changes side, "
            r"$L(P+\delta P) - L(P) = \sum_{i,j} (h_{ji} + \delta h_{ji})\, \varphi_{ji}(\delta w_i) + "
            r"\tfrac12 \sum_k \lVert \Delta \hat y_k\rVert^2$; $F_i \ge c_i \max_j\lvert\varphi_{ji}\rvert$ makes the "
            r"first sum non-negative when $\sum_j \lvert\delta h_{ji}\rvert \le c_i$. This box statement is stronger "
            r"than the ray-by-ray Taylor argument of Appendix F.1 (DESIGN section 6).")
    disp = (r"\rho_w = \min_{i,\, k \notin K^0(i)} \frac{\lvert w_i\cdot x_k\rvert}{\lVert x_k\rVert_1},\qquad "
            r"\rho_h = \min_i \frac{c_i}{\lvert J\rvert},\qquad \text{radius} = \min(\rho_w, \rho_h)",)
    return Step("radius", "Certificate: an explicit radius", ("Theorem 4.2", "Appendix F.1"), claim, just,
                disp, facts=facts)


def _path_step(key: str, title: str, refs: tuple[str, ...], cert: Certificate, which: str) -> Step:
    pw = getattr(cert, which)
    p = cert.problem
    rp = ray_polynomial(p, Direction(*pw.full_direction(p.n_neurons, p.n_outputs)))
    if rp.coefficients != pw.coefficients:
        raise CheckFailed(f"{which} path: the all-parameter Taylor polynomial != the certificate's")
    pts = check_against_loss(rp)
    base = ("witness", which)
    facts = [Fact(base + ("coefficients",), _vs(pw.coefficients)), Fact(base + ("t",), to_str(pw.t)),
             Fact(base + ("loss",), to_str(pw.loss)), Fact(base + ("neuron",), pw.neuron),
             Fact(base + ("t_max",), None if pw.t_max is None else to_str(pw.t_max))]
    rel = "<" if which == "descent" else ">"
    rng = (r"t \ge 0" if pw.t_max is None else rf"0 \le t < {tex(pw.t_max)}")
    disp = [rf"\Delta h_{{\cdot {pw.neuron + 1}}} = {tex_vec(pw.dh)},\quad \Delta w_{{{pw.neuron + 1}}} = {tex_vec(pw.dw)}",
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
    p = cert.problem
    i = cert.escape_neurons[0]
    j, v, _, phi = cert.neurons[i].escape_witness  # type: ignore[misc]
    vh, bound, b = escape_path_constants(p, i, phi)
    se = symbolic_expansion(_single(p, i), {0: v})
    eb = escape_block(se, 0, j)
    if eb.phi != to_sympy(phi):
        raise CheckFailed("eq. (16): the Hessian's cross term != phi(v) of the certificate")
    rp = ray_polynomial(p, named_direction(p, f"escape:{i}", cert))
    pts = check_against_loss(rp)
    if not (rp.order == 2 and sign(rp.coefficients[2]) < 0):
        raise CheckFailed("the eq. (17) path does not decrease at second order")
    n = i + 1
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


def _single(p: Any, i: int) -> Any:
    """The problem restricted to neuron i's parameters moving (others fixed), as
    a one-neuron problem with the other neurons' output folded into the targets."""
    others = p.with_params([w for m, w in enumerate(p.W) if m != i] or [[0] * p.dim],
                           [[h for m, h in enumerate(row) if m != i] or [0] for row in p.H])
    ev = evaluate(others)
    Y = [[p.Y[k][j] - (ev.e(k, j) + others.Y[k][j]) for j in range(p.n_outputs)] for k in range(p.n_samples)]
    return Problem(p.activation, p.X, parse_matrix(Y, "Y"), (p.W[i],), tuple((row[i],) for row in p.H))


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
    n = i + 1
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
    n = i + 1
    claim = (f"Moving $w_{{{n}}}$ alone along $\\pm v$ gives two different polynomials: the loss is not "
             "differentiable there, yet each side is an exact polynomial with its own slope.")
    return Step(f"tangential-axis-{n}", f"One-sided Taylor polynomials of neuron {n}", ("Section 3.1", "Appendix G"),
                claim, r"Valid for $0 \le \varepsilon < \varepsilon_0$, where $\varepsilon_0$ is the first kink crossing.",
                (), Table(("$\\Delta w$", "$L(P + \\varepsilon\\Delta)$", "$\\varepsilon_0$", "slope"), tuple(rows)),
                checks=tuple(checks))


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
    disp += [rf"V_{{{j + 1}}} = {tex_matrix(se.V[j].tolist())}" for j in range(J)]
    disp.append(r"c_2 = \tfrac12 \sum_j \lVert V_j \Delta\rVert^2\ \text{on the face } c_1 = 0")
    disp.append(r"c_3 = \sum_j (V_j\Delta)\cdot \bar V_j,\qquad c_4 = \tfrac12 \sum_j \lVert \bar V_j\rVert^2,\qquad "
                rf"\bar V_{{1}} = {lat(se.Vbar[0])}")
    tang = ", ".join(f"v_{{{i + 1}}} = {tex_vec(v)}" for i, v in enumerate(se.tangents))
    claim = (f"In the orthant fixed by ${tang}$ (with $\\Delta s_i \\ge 0$), the loss is one polynomial in "
             f"$({order})$; its Hessian is a sum of Gram matrices on the first-order-flat face, the third-order "
             "term vanishes wherever $V_j\\Delta = 0$, and the fourth-order term is a sum of squares.")
    just = (r"Aligned coordinates: $\Delta w_i = \Delta r_i\, w_i + \Delta s_i\, v_i$ (the paper's $\Delta r_i$ "
            r"divided by $\lVert w_i\rVert$, keeping every number rational). Columns of $V_j$: eqs. (10)-(12).")
    return Step("appendix-f1", "Taylor expansion in aligned coordinates",
                ("Appendix F.1.1", "eq. (13)", "eq. (14)", "Appendix F.1.3"), claim, just, tuple(disp),
                checks=se.checks)

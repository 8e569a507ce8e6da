"""The steps of Definition 3.3 (stationarity) in a network derivation.

Data and forward pass (eqs. 1-2), kink sets (Section 3.1), the vectors
``d_ji`` (eq. 3) and the three conditions (eqs. 4-6). Each builder returns one
:class:`~exactland.derivation.model.Step`; numbers come from the evaluation
and the certificate, and every number the certificate also states is
recorded as a :class:`~exactland.derivation.model.Fact`. Values the
certificate does not state (extreme rays and their ``F_i`` values) are
recomputed by a second route (:func:`phi_direct`, :func:`F_direct`) while
building the step, and the step lists that check.
"""
from __future__ import annotations

from typing import Any

from flint import fmpq

from exactland.core.certificate import Certificate
from exactland.core.kinks import NeuronData
from exactland.core.network import Evaluation
from exactland.core.stationarity import tangential_analysis
from exactland.core.tangent import Budget, project_tangent
from exactland.derivation.latex import tex, tex_ji, tex_matrix, tex_set, tex_vec
from exactland.derivation.model import Fact, Step, Table, fact_vector
from exactland.exact.linalg import dot
from exactland.exact.scalars import sign, to_str
from exactland.taylor.rays import CheckFailed

__all__ = [
    "data_step", "forward_step", "kink_step", "d_step", "condition1_step", "bias_step",
    "condition2_step", "condition3_step", "stationary_step", "phi_direct", "F_direct",
]

Vector = tuple[Any, ...]
ZERO = fmpq(0)


def _rho_tex(problem: Any) -> str:
    """The activation ``ρ`` as LaTeX (its two slopes)."""
    a, b = problem.activation.alpha_plus, problem.activation.alpha_minus
    return rf"\rho(z) = {tex(a)}\,z \ (z \ge 0),\quad \rho(z) = {tex(b)}\,z \ (z < 0)"


def data_step(problem: Any, description: str) -> Step:
    """Step 1: the data and the point (Section 2, eqs. 1-2)."""
    p = problem
    rows = tuple((f"${k}$", f"${tex_vec(p.X[k])}$", f"${tex_vec(p.Y[k])}$") for k in range(p.n_samples))
    claim = (f"$\\lvert K\\rvert = {p.n_samples}$ samples in $d = {p.dim}$ dimensions, "
             f"$\\lvert I\\rvert = {p.n_neurons}$ hidden neurons, $\\lvert J\\rvert = {p.n_outputs}$ "
             f"output(s), activation ${_rho_tex(p)}$. Samples, neurons and outputs are numbered from 0, "
             "as in certificates (the paper counts from 1).")
    facts = (Fact(("problem",), p.to_dict()),)
    return Step("data", "Data, activation and the point", ("Section 2", "eq. (1)", "eq. (2)"), claim,
                description, (f"W = {tex_matrix(p.W)}", f"H = {tex_matrix(p.H)}")
                + ((f"b = {tex_vec(p.b)}",) if p.b is not None else ()),
                Table(("$k$", "$x_k$", "$y_k$"), rows), facts)


def forward_step(ev: Evaluation) -> Step:
    """Pre-activations, outputs, residuals and the loss (eqs. 1-2)."""
    p = ev.problem
    rows = []
    for k in range(p.n_samples):
        yhat = tuple(ev.e(k, j) + p.Y[k][j] for j in range(p.n_outputs))
        rows.append((f"${k}$", ", ".join(f"${tex(ev.z(i, k))}$" for i in range(p.n_neurons)),
                     f"${tex_vec(yhat)}$", f"${tex_vec(tuple(ev.e(k, j) for j in range(p.n_outputs)))}$"))
    claim = f"The loss at the point is $L = {tex(ev.loss)}$."
    just = (r"Outputs $\hat y_k = H\rho(W x_k)" + (r" + b" if p.b is not None else "") + r"$ (eq. (1)), residuals $e_{kj} = \hat y_{kj} - y_{kj}$ and "
            r"$L = \tfrac12 \sum_{k,j} e_{kj}^2$ (eq. (2)).")
    return Step("forward", "Forward pass and loss", ("eq. (1)", "eq. (2)"), claim, just,
                (rf"L = \tfrac12 \sum_{{k,j}} e_{{kj}}^2 = {tex(ev.loss)}",),
                Table(("$k$", "$w_i \\cdot x_k$ for $i = 0, 1, \\dots$", "$\\hat y_k$", "$e_k$"), tuple(rows)),
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
        rows.append((f"${i}$", f"${tex_vec(p.W[i])}$", f"${tex_set(kp)}$", f"${tex_set(k0)}$", f"${tex_set(km)}$"))
        facts.append(Fact(("neurons", i, "kink_set"), k0))
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
            rows.append((f"${tex_ji(J, j, i)}$", f"${tex_vec(d)}$"))
            facts.append(Fact(("neurons", i, "d", j), fact_vector(d)))
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
        rows.append((f"${i}$", f"${tex_vec(vals)}$"))
        facts.append(Fact(("neurons", i, "dL_dh"), fact_vector(vals)))
        bad += [(j, i, v) for j, v in enumerate(vals) if v != 0]
    if bad:
        j, i, v = bad[0]
        claim = (f"Condition 1 fails: $\\partial L/\\partial h_{{{tex_ji(J, j, i)}}} = {tex(v)} \\ne 0$, "
                 "so the point is not stationary.")
    else:
        claim = "Condition 1 holds: every $\\partial L/\\partial h_{ji} = w_i \\cdot d_{ji}$ is $0$."
    return Step("condition-1", "Definition 3.3, condition 1", ("Definition 3.3", "eq. (4)"), claim,
                "The loss is differentiable in the output weights, so their derivatives must vanish.",
                (r"\frac{\partial L}{\partial h_{ji}} = w_i \cdot d_{ji}",),
                Table(("$i$", "$(\\partial L/\\partial h_{ji})_j$"), tuple(rows)), tuple(facts),
                ("w_i . d_ji recomputed from d_ji equals the certificate's dL/dh",))


def bias_step(ev: Evaluation) -> Step:
    """With an output bias: ``∂L/∂b_j = Σ_k e_kj`` must vanish (docs/mathematics.md §12)."""
    p = ev.problem
    J = p.n_outputs
    grad = tuple(sum((ev.e(k, j) for k in range(p.n_samples)), ZERO) for j in range(J))
    bad = [(j, v) for j, v in enumerate(grad) if v != 0]
    claim = (r"Condition 1 for the bias holds: every $\partial L/\partial b_j = \sum_k e_{kj}$ is $0$."
             if not bad else
             rf"Condition 1 for the bias fails: $\partial L/\partial b_{{{bad[0][0]}}} = {tex(bad[0][1])} \ne 0$, "
             "so the point is not stationary.")
    return Step("condition-1b", "Definition 3.3 with an output bias", ("Definition 3.3", "eq. (2)"), claim,
                "The loss is differentiable in the output bias, so its derivatives must vanish "
                "(docs/mathematics.md, section 12).",
                (rf"\frac{{\partial L}}{{\partial b}} = \sum_k e_k = {tex_vec(grad)}",), None,
                (Fact(("dL_db",), fact_vector(grad)),), ("Σ_k e_k recomputed from the residuals",))


def condition2_step(ev: Evaluation, nds: list[NeuronData]) -> Step:
    """Condition 2: dL/dr_i = 0 (eq. 5), reported as |w_i| dL/dr_i (rational)."""
    rows, facts, bad = [], [], []
    for nd in nds:
        v = nd.dL_dr_scaled
        rows.append((f"${nd.index}$", f"${tex(v)}$"))
        facts.append(Fact(("neurons", nd.index, "dL_dr_scaled"), to_str(v)))
        if v != 0:
            bad.append(nd.index)
    claim = ("Condition 2 holds: every radial derivative vanishes." if not bad else
             f"Condition 2 fails for neuron(s) ${', '.join(str(i) for i in bad)}$.")
    just = (r"$\lVert w_i\rVert\, \partial L/\partial r_i = \sum_j h_{ji}\, d_{ji}\cdot w_i = \sum_j h_{ji}\, "
            r"\partial L/\partial h_{ji}$, so condition 2 follows from condition 1; it is $0$ by convention "
            r"when $w_i = 0$.")
    return Step("condition-2", "Definition 3.3, condition 2", ("Definition 3.3", "eq. (5)"), claim, just,
                (r"\frac{\partial L}{\partial r_i} = \sum_j h_{ji}\, d_{ji} \cdot u_i,\quad u_i = w_i/\lVert w_i\rVert",),
                Table(("$i$", "$\\lVert w_i\\rVert\\, \\partial L/\\partial r_i$"), tuple(rows)), tuple(facts))


def phi_direct(ev: Evaluation, i: int, j: int, v: Vector) -> Any:
    """``φ_ji(v) = d_ji·v + Σ_{k∈K⁰(i)} e_kj rho(x_k·v)`` straight from eqs. (3), (6).

    Parameters
    ----------
    ev : Evaluation
    i, j : int
        Neuron and output (0-based).
    v : vector
        A tangential direction of neuron i.

    Returns
    -------
    exact number

    Examples
    --------
    >>> from flint import fmpq
    >>> from exactland.builtin.examples import load_example
    >>> from exactland.core.network import evaluate
    >>> phi_direct(evaluate(load_example("appendix-g-kink")), 0, 0, (fmpq(9, 20), fmpq(3, 20)))
    -27/20
    """
    p = ev.problem
    total = dot(ev.d(j, i), v)
    for k in ev.kink_set(i):
        total = total + ev.e(k, j) * p.activation(dot(p.X[k], v))
    return total


def F_direct(ev: Evaluation, i: int, v: Vector) -> Any:
    """``F_i(v) = Σ_j h_ji φ_ji(v)`` (eq. 6), from :func:`phi_direct`.

    Parameters
    ----------
    ev : Evaluation
    i : int
        The neuron (0-based).
    v : vector
        A tangential direction of neuron i.

    Returns
    -------
    exact number

    Examples
    --------
    >>> from flint import fmpq
    >>> from exactland.builtin.examples import load_example
    >>> from exactland.core.network import evaluate
    >>> F_direct(evaluate(load_example("appendix-g-kink")), 0, (fmpq(9, 20), fmpq(3, 20)))
    -27/40
    """
    p = ev.problem
    return sum((p.H[j][i] * phi_direct(ev, i, j, v) for j in range(p.n_outputs)), ZERO)


def condition3_step(ev: Evaluation, nds: list[NeuronData], cert: Certificate) -> Step:
    """Condition 3: F_i(v) >= 0 for every tangential v (eq. 6), on the extreme rays."""
    rows, facts, checks = [], [], []
    witness = None
    for nd, rep in zip(nds, cert.neurons):
        i = nd.index
        if rep.method == "budget-exceeded":  # the certificate's shared budget ran out here
            rows.append((f"${i}$", f"${len(nd.kink_set)}$", rep.method, "undecided (budget exhausted)"))
            continue
        if rep.method is None:  # an earlier first-order test already refuted stationarity
            facts.append(Fact(("neurons", i, "tangential"), None))
            rows.append((f"${i}$", f"${len(nd.kink_set)}$", "not needed",
                         "stationarity is already refuted by an earlier first-order test"))
            continue
        ta = tangential_analysis(nd, Budget(cert.budget_limit))  # a fresh budget: at least what was left
        facts += [Fact(("neurons", i, "tangential", "method"), ta.method),
                  Fact(("neurons", i, "tangential", "nonnegative"), ta.nonnegative)]
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
            checks.append(f"neuron {i}: F_i on every listed ray evaluated directly from eq. (6)")
        if rep.tangential_witness is not None:
            v, val = rep.tangential_witness
            if F_direct(ev, i, v) != val or sign(val) >= 0:
                raise CheckFailed("tangential witness does not give F_i(v) < 0")
            witness = witness or (i, v, val)
            facts.append(Fact(("neurons", i, "tangential", "witness"), {"v": fact_vector(v), "F": to_str(val)}))
            what += f"; witness $F_{{{i}}}({tex_vec(v)}) = {tex(val)} < 0$"
        rows.append((f"${i}$", f"${len(nd.kink_set)}$", ta.method, what))
    if witness is None:
        claim = "Condition 3 holds: $F_i(v) \\ge 0$ for every neuron and every tangential $v$."
    else:
        i, v, val = witness
        claim = (f"Condition 3 fails: along $v = {tex_vec(v)}$ the tangential derivative of neuron "
                 f"${i}$ is $F_{{{i}}}(v) = {tex(val)} < 0$.")
    just = (r"$F_i$ is continuous, piecewise linear and positively homogeneous on the tangent space; it is "
            r"$\ge 0$ everywhere iff its linear part vanishes on the lineality space of the kink lines "
            r"$x_k \cdot v = 0$ ($k \in K^0(i)$) and it is $\ge 0$ on every extreme ray (docs/mathematics.md, section 4).")
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

"""The ray-wise argument: why F.1's Taylor expansion along each ray is not enough, and
why the radius certificate of docs/mathematics.md §6 does not rely on it.

* **Peano's function** ``f = (y − x²)(y − 2x²)``: along every ray ``(a, b)``,
  ``f(ta, tb) = b² t² − 3a²b t³ + 2a⁴ t⁴`` (SymPy) has a strictly positive first
  nonzero coefficient, so the origin is a strict minimum on every line — yet
  ``f(x, 3x²/2) = −x⁴/4 < 0``: not a local minimum. Along ``(1, b)`` the loss is
  ``≥ 0`` only for ``t ≤ b/2``, so no radius is uniform over the rays. F.1's
  proof shows exactly this ray-wise positivity (each ray's expansion holds on
  its own ``[0, ε₀(Δ))``), so by itself it does not prove a local minimum.
* **docs/mathematics.md §6 identity.** For perturbations under which no sample outside the
  kink sets changes side,
  ``L(P+δP) − L(P) = Σ_ji δh_ji ∂L/∂h_ji + Σ_ij (h_ji + δh_ji) φ_ji(δw_i) + ½ Σ_k ‖Δŷ_k‖²``
  with ``φ_ji(δw) = d_ji·δw + Σ_{k∈K⁰(i)} e_kj ρ(x_k·δw)`` — derived here as a
  polynomial identity (SymPy; activations of kink samples are free symbols
  ``R_ik = ρ(δw_i·x_k)``). At a stationary point the first sum vanishes; with
  ``F_i ≥ c_i max_j |φ_ji|`` and ``Σ_j |δh_ji| ≤ c_i`` each neuron's term is
  ``≥ (c_i − Σ_j|δh_ji|) max_j|φ_ji| ≥ 0`` — a bound on the whole box
  ``‖δP‖_∞ < min(ρ_w, min c_i/|J|)``, with no ray argument. The identity is
  also checked exactly on generated stationary points for random perturbations
  inside ``‖δW‖_∞ < ρ_w``.
"""
from __future__ import annotations


import sympy as sp

from .analysis2d import analyse_2d
from .common import box_perturbations, perturbed, seed_of
from .examples import explicit_stationary
from .gen import stationary_family
from .net import Net
from .registry import Check, Method, Outcome, fails, holds, search

__all__ = ["CHECKS", "ray_coefficients", "design6_identity"]

x, y = sp.symbols("x y", real=True)
a, b = sp.symbols("a b", real=True)
t = sp.Symbol("t", positive=True)


def ray_coefficients(f: sp.Expr) -> list[sp.Expr]:
    """Coefficients of ``f(ta, tb)`` in t."""
    g = sp.expand(f.subs({x: t * a, y: t * b}, simultaneous=True))
    return [g.coeff(t, n) for n in range(sp.Poly(g, t).degree() + 1)]


def _peano(f: sp.Expr) -> tuple[bool, list[str]]:
    c = ray_coefficients(f)
    lines = ["f(ta, tb) = " + " + ".join(f"({ci}) t^{n}" for n, ci in enumerate(c) if ci != 0)]
    # ray-wise: b != 0 -> first nonzero coefficient c2 = b^2 > 0 (if c0 = c1 = 0); b = 0 -> c at a^4
    raywise = True
    if c[0] != 0 or (len(c) > 1 and c[1] != 0):
        raywise = False
    bnz = sp.Symbol("bnz", nonzero=True, real=True)
    anz = sp.Symbol("anz", nonzero=True, real=True)
    lead_b = next((ci.subs(b, bnz) for ci in c if sp.simplify(ci.subs(b, bnz)) != 0), 0)
    lead_a = next((ci.subs({b: 0, a: anz}) for ci in c if sp.simplify(ci.subs({b: 0, a: anz})) != 0), 0)
    pos_b = bool(sp.ask(sp.Q.positive(lead_b), sp.Q.nonzero(bnz) & sp.Q.real(a)))
    pos_a = bool(sp.ask(sp.Q.positive(lead_a), sp.Q.nonzero(anz)))
    raywise = raywise and pos_b and pos_a
    lines.append(f"leading coefficient: b != 0: {lead_b} (> 0: {pos_b}); b = 0: {lead_a} (> 0: {pos_a})")
    curve = sp.factor(f.subs(y, sp.Rational(3, 2) * x ** 2))
    not_min = bool(sp.ask(sp.Q.negative(curve), sp.Q.nonzero(x)))
    lines.append(f"on the parabola y = 3x^2/2: f = {curve} (< 0 for x != 0: {not_min})")
    # non-uniform ray radius along (1, b), b > 0
    bp = sp.Symbol("bp", positive=True)
    roots = sorted(sp.solve(sp.expand(f.subs({x: t, y: t * bp}) / t ** 2), t), key=sp.default_sort_key)
    lines.append(f"along (1, b), b > 0: f = 0 at t in {roots}, f < 0 between: the ray-wise radius "
                 "b/2 tends to 0 with b")
    return raywise and not_min, lines


def design6_identity(drop_quadratic: bool = False) -> tuple[bool, sp.Expr]:
    """Verify the docs/mathematics.md §6 identity symbolically for |K| = 3, |I| = 2, |J| = 2.

    Neuron 0 has sample 0 on its kink, neuron 1 has none; non-kink activations
    are ``σ_ik (z_ik + δz_ik)`` (no side change), kink ones ``R_ik``.
    """
    K, I, J = 3, 2, 2  # noqa: E741
    kink = {(0, 0)}
    sig = [[sp.Symbol(f"sig{i}{k}") for k in range(K)] for i in range(I)]
    z = [[sp.Symbol(f"z{i}{k}") for k in range(K)] for i in range(I)]
    dz = [[sp.Symbol(f"dz{i}{k}") for k in range(K)] for i in range(I)]
    R = [[sp.Symbol(f"R{i}{k}") for k in range(K)] for i in range(I)]
    h = [[sp.Symbol(f"h{j}{i}") for i in range(I)] for j in range(J)]
    dh = [[sp.Symbol(f"dh{j}{i}") for i in range(I)] for j in range(J)]
    yy = [[sp.Symbol(f"y{k}{j}") for j in range(J)] for k in range(K)]
    act0 = [[0 if (i, k) in kink else sig[i][k] * z[i][k] for k in range(K)] for i in range(I)]
    act1 = [[R[i][k] if (i, k) in kink else sig[i][k] * (z[i][k] + dz[i][k]) for k in range(K)]
            for i in range(I)]
    out0 = [[sum(h[j][i] * act0[i][k] for i in range(I)) for j in range(J)] for k in range(K)]
    out1 = [[sum((h[j][i] + dh[j][i]) * act1[i][k] for i in range(I)) for j in range(J)] for k in range(K)]
    e = [[out0[k][j] - yy[k][j] for j in range(J)] for k in range(K)]
    lhs = sum((out1[k][j] - yy[k][j]) ** 2 - e[k][j] ** 2 for k in range(K) for j in range(J)) / 2
    dLdh = [[sum(e[k][j] * act0[i][k] for k in range(K)) for i in range(I)] for j in range(J)]
    # phi_ji(dw) = d_ji.dw + sum_{kink} e_kj rho(x_k.dw), with d_ji.dw = sum_{non-kink} sig e dz
    phi = [[sum(e[k][j] * (R[i][k] if (i, k) in kink else sig[i][k] * dz[i][k]) for k in range(K))
            for i in range(I)] for j in range(J)]
    quad = sum((out1[k][j] - out0[k][j]) ** 2 for k in range(K) for j in range(J)) / 2
    rhs = (sum(dh[j][i] * dLdh[j][i] for j in range(J) for i in range(I))
           + sum((h[j][i] + dh[j][i]) * phi[j][i] for j in range(J) for i in range(I))
           + (0 if drop_quadratic else quad))
    diff = sp.expand(lhs - rhs)
    return diff == 0, diff


def _identity_instances(drop_quadratic: bool, n: int) -> tuple[str | None, int, dict]:
    def prop(net: Net, stats: dict) -> str | None:
        a_ = analyse_2d(net)
        if not a_.stationary:
            return None
        stats["stationary points"] = stats.get("stationary points", 0) + 1
        for dW, dH in box_perturbations(net, a_.rho_w, 3, seed_of(net)):
            lhs = perturbed(net, dW, dH).loss - net.loss
            new = perturbed(net, dW, dH)
            quad = sum((o1 - o0) ** 2 for r1, r0 in zip(new.out, net.out) for o1, o0 in zip(r1, r0)) / 2
            lin = sum((net.H[j][i] + dH[j][i]) * net.phi(j, i, dW[i]) for j in range(net.J)
                      for i in range(net.I))
            rhs = lin + (0 if drop_quadratic else quad)
            stats["perturbations"] = stats.get("perturbations", 0) + 1
            if lhs != rhs:
                return f"L(P+dP) - L(P) = {lhs} but the identity gives {rhs} at {net}"
            if a_.type1 and a_.radius is not None and all(
                    abs(c) < a_.radius for r in dW + dH for c in r) and lhs < 0:
                return f"loss decreases inside the certified box at {net}"
        return None
    res = search(stationary_family(), prop, n, shrink=not drop_quadratic,
                 explicit=explicit_stationary())
    return res.message, res.count, res.stats


def _run(drop_quadratic: bool, peano: sp.Expr, n: int) -> Outcome:
    ok_p, lines = _peano(peano)
    if not ok_p:
        return fails("Peano's function is not a ray-wise minimum that fails to be a local minimum",
                     details=lines)
    ok_i, diff = design6_identity(drop_quadratic)
    lines.append("docs/mathematics.md §6 identity L(P+dP) - L(P) = sum dh dL/dh + sum (h+dh) phi(dw) + 1/2 sum |d yhat|^2: "
                 + ("a polynomial identity (SymPy)" if ok_i else f"FAILS, difference {diff}"))
    if not ok_i:
        return fails("the docs/mathematics.md §6 identity does not hold", str(diff), lines)
    msg, count, stats = _identity_instances(drop_quadratic, n)
    if msg:
        return fails("the identity fails on an instance", msg, lines, instances=count)
    lines.append(f"exact check on {stats.get('perturbations', 0)} random perturbations in the "
                 f"no-side-change box at {stats.get('stationary points', 0)} stationary points")
    return holds("ray-wise nonnegativity does not imply a local minimum (Peano); the radius "
                 "certificate rests on an exact identity valid on a whole box, not on rays",
                 lines, instances=count)


def run(n: int) -> Outcome:
    return _run(False, (y - x ** 2) * (y - 2 * x ** 2), n)


def broken(n: int) -> Outcome:
    out_p = _run(False, (y - x ** 2) * (y + 2 * x ** 2), n)
    out_i = _run(True, (y - x ** 2) * (y - 2 * x ** 2), n)
    if out_p.status.value == "fails" and out_i.status.value == "fails":
        return fails("both mutants detected: (y - x^2)(y + 2x^2) is not a ray-wise minimum; the "
                     "identity without 1/2 |d yhat|^2 is false",
                     out_i.counterexample, [out_p.summary, out_i.summary], instances=out_i.instances)
    return holds("a mutant went undetected", [out_p.summary, out_i.summary])


CHECKS = (
    Check("ray-wise", "Ray-wise positivity (F.1) vs local minimality; the docs/mathematics.md §6 identity",
          Method.SYMBOLIC, run, broken,
          "Peano with a flipped sign (y + 2x^2); identity without the 1/2 |d yhat|^2 term"),
)

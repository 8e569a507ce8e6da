"""Fact 4.6: ``‖w_i‖² − h_{j0 i}²`` is constant along the gradient flow.

Derived symbolically (SymPy) from the flow equations of Corollary 4.7,
``dP/dt = −∂L/∂P`` with the paper's chain-rule convention
``∂ReLU(x)/∂x = 1{x > 0}`` (footnote 5), for a network with |K| = 3, d = 2,
|I| = 2 and symbolic data, weights and targets:

``d/dt (‖w_i‖² − h_i²) = 2 w_i·ẇ_i − 2 h_i ḣ_i = 2 h_i Σ_k e_k (ρ(z_ik) − ρ'(z_ik) z_ik)``

is zero on every sign pattern of ``(z_i1, z_i2, z_i3)`` (exhaustive: 27
patterns, each a polynomial identity), for ReLU and also for any ``α±`` and any
value ``c`` of the derivative at 0 (the identity only uses ``ρ(z) = ρ'(z) z``).
The |J| = 2 version ``‖w_i‖² − ‖h_{·i}‖²`` is checked the same way.

For gradient *descent* with step ``η`` the same algebra gives the exact
per-step change ``η² (‖∂L/∂w_i‖² − (∂L/∂h_i)²)``: the quantity is only
approximately conserved during the paper's (discrete) training.
"""
from __future__ import annotations

import itertools
from typing import Any

import sympy as sp

from .registry import Check, Method, Outcome, fails, holds

__all__ = ["CHECKS", "conservation_rate"]


def _rho(z: sp.Expr, s: int, ap: sp.Expr, am: sp.Expr) -> sp.Expr:
    """ρ on the piece of sign s (z of sign s)."""
    return ap * z if s > 0 else (am * z if s < 0 else sp.Integer(0))


def _drho(s: int, ap: sp.Expr, am: sp.Expr, c0: sp.Expr) -> sp.Expr:
    """The chain-rule derivative: α⁺ (z > 0), α⁻ (z < 0), c0 at z = 0 (ReLU: 1{x>0} → 0)."""
    return ap if s > 0 else (am if s < 0 else c0)


def conservation_rate(J: int = 1, ap: Any = 1, am: Any = 0, c0: Any = 0, flip_h: bool = False,
                      K: int = 3, I: int = 2) -> tuple[int, list[tuple[tuple[int, ...], sp.Expr]]]:
    """``d/dt (‖w_0‖² − ‖h_{·0}‖²)`` on every sign pattern of neuron 0's pre-activations.

    Returns the number of patterns and the list of (pattern, nonzero rate).
    A sample on the kink (pattern 0) is imposed by substituting ``z = 0`` for
    that sample's pre-activation (a constraint on ``x_k``, realised by
    replacing ``w_0·x_k`` with 0 wherever it appears).
    """
    ap, am, c0 = sp.sympify(ap), sp.sympify(am), sp.sympify(c0)
    d = 2
    W = [[sp.Symbol(f"w{i}{a}", real=True) for a in range(d)] for i in range(I)]
    H = [[sp.Symbol(f"h{j}{i}", real=True) for i in range(I)] for j in range(J)]
    X = [[sp.Symbol(f"x{k}{a}", real=True) for a in range(d)] for k in range(K)]
    Y = [[sp.Symbol(f"y{k}{j}", real=True) for j in range(J)] for k in range(K)]
    bad = []
    count = 0
    # other neurons: a fixed generic pattern (they only enter through e_k)
    others = [[1 if (i + k) % 2 else -1 for k in range(K)] for i in range(I)]
    for pattern in itertools.product((1, 0, -1), repeat=K):
        count += 1
        sgn = [list(pattern)] + others[1:]
        Z = [[sum(W[i][a] * X[k][a] for a in range(d)) for k in range(K)] for i in range(I)]
        rho = [[_rho(Z[i][k], sgn[i][k], ap, am) for k in range(K)] for i in range(I)]
        E = [[sum(H[j][i] * rho[i][k] for i in range(I)) - Y[k][j] for j in range(J)] for k in range(K)]
        # flow equations (dP/dt = -dL/dP, chain rule with the convention)
        hdot = [[-sum(E[k][j] * rho[i][k] for k in range(K)) for i in range(I)] for j in range(J)]
        wdot = [[-sum(E[k][j] * H[j][i] * _drho(sgn[i][k], ap, am, c0) * X[k][a]
                      for k in range(K) for j in range(J)) for a in range(d)] for i in range(I)]
        if flip_h:
            hdot = [[-v for v in row] for row in hdot]
        rate = 2 * sum(W[0][a] * wdot[0][a] for a in range(d)) - 2 * sum(H[j][0] * hdot[j][0] for j in range(J))
        rate = sp.expand(rate)
        # impose the kink: w_0·x_k = 0 for pattern-0 samples (solve for x_k1 when w01 != 0)
        subs = {}
        for k, s in enumerate(pattern):
            if s == 0:
                subs[X[k][1]] = -W[0][0] * X[k][0] / W[0][1]
        if subs:
            rate = sp.simplify(sp.together(rate.subs(subs)))
        if rate != 0:
            bad.append((pattern, rate))
    return count, bad


def _run(flip_h: bool) -> Outcome:
    cases = [("ReLU, dReLU(0) = 0 (the paper's 1{x>0})", dict(ap=1, am=0, c0=0)),
             ("ReLU, dReLU(0) = 1", dict(ap=1, am=0, c0=1)),
             ("any alpha+-, any derivative c at 0", dict(ap=sp.Symbol("ap"), am=sp.Symbol("am"), c0=sp.Symbol("c"))),
             ("|J| = 2, ||w||^2 - ||h||^2, ReLU", dict(J=2, ap=1, am=0, c0=0))]
    total, lines = 0, []
    for label, kw in cases:
        n, bad = conservation_rate(flip_h=flip_h, **kw)
        total += n
        if bad:
            pat, rate = bad[0]
            return fails(f"{label}: d/dt(|w|^2 - h^2) != 0 on {len(bad)} of {n} sign patterns",
                         f"pattern {pat}: rate = {sp.factor(rate)}", instances=total)
        lines.append(f"{label}: rate = 0 on all {n} sign patterns")
    eta, gw, gh, w, h = sp.symbols("eta g_w g_h w h", real=True)
    step = sp.expand((w - eta * gw) ** 2 - (h - eta * gh) ** 2 - (w ** 2 - h ** 2))
    lines.append(f"one GD step changes w^2 - h^2 by {step} = -2 eta (w g_w - h g_h) + eta^2 (g_w^2 - g_h^2); "
                 "the flow identity gives w.g_w - h g_h = 0, so GD drifts by eta^2 (|g_w|^2 - g_h^2) per step")
    return holds("d/dt (|w_i|^2 - h_i^2) = 0 symbolically on every activation pattern (gradient "
                 "flow); for gradient descent it changes by eta^2 (|dL/dw_i|^2 - (dL/dh_i)^2) per step",
                 lines, instances=total)


def run(n: int) -> Outcome:
    return _run(False)


def broken(n: int) -> Outcome:
    return _run(True)


CHECKS = (
    Check("4.6", "Fact 4.6: |w_i|^2 - h_i^2 conserved by the gradient flow", Method.EXHAUSTIVE,
          run, broken, "flow equation of h with the wrong sign (dh/dt = +dL/dh)"),
)

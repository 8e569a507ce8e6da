"""Appendix B: Lemma 3.2 for networks with several hidden layers (B.1–B.2).

* **Back-propagation recursion** (symbolic). On a piece (fixed activation
  slopes ``α^{(l)}``) with ``η^{(l)} = W^{(l)} x^{(l−1)}``, ``x^{(l)} = diag(α^{(l)}) η^{(l)}``,
  ``ŷ = H x^{(L)}``, SymPy differentiates ``ŷ`` with respect to ``x^{(l)}`` and
  compares with the printed recursion ``∂ŷ/∂x^{(l)} = (W_l^{(l)})ᵀ diag(α^{(l)})
  ∂ŷ/∂x^{(l+1)}``. It is right only as ``(W^{(l+1)})ᵀ diag(α^{(l+1)})
  ∂ŷ/∂x^{(l+1)}`` (both layer indices off by one; with unequal widths the
  printed product is not even defined). The stated shape
  ``W^{(l)} ∈ R^{|I_{l−1}|×|I_l|}`` is the transpose of what ``η^{(l)} = W^{(l)}
  x^{(l−1)}`` needs.
* **Radial and tangential derivatives** (instances). For generated exact
  2-hidden-layer networks (kinks forced in both layers, any ``α±``) the
  one-sided derivative along the radial and tangential directions of a
  first-layer neuron is computed exactly (the loss along the ray is a
  quadratic on ``[0, t_max)``, interpolated from exact evaluations and
  cross-checked at a fourth point) and compared with B.2's formulas, using the
  corrected recursion with ``α`` chosen by the side of ``η + Δη`` as printed.
"""
from __future__ import annotations

from fractions import Fraction
from typing import Any

import sympy as sp

from . import sampling as st
from .gen import ACTIVATIONS, rat
from .net import dot, perp, sign
from .registry import Check, Method, Outcome, Status, corrected, fails, holds, search

__all__ = ["CHECKS", "recursion_check"]


# ------------------------------------------------------------------ symbolic recursion
def recursion_check(widths: tuple[int, ...], printed: bool) -> tuple[bool, str]:
    """Compare ∂ŷ/∂x^{(1)} of a network with hidden widths ``widths`` (two hidden
    layers) with the recursion, printed or corrected."""
    d, I1, I2, J = widths
    W1 = sp.Matrix(I1, d, lambda a, b: sp.Symbol(f"a{a}{b}"))
    W2 = sp.Matrix(I2, I1, lambda a, b: sp.Symbol(f"b{a}{b}"))
    H = sp.Matrix(J, I2, lambda a, b: sp.Symbol(f"h{a}{b}"))
    al1 = sp.Matrix([sp.Symbol(f"p{a}") for a in range(I1)])
    al2 = sp.Matrix([sp.Symbol(f"q{a}") for a in range(I2)])
    x1 = sp.Matrix([sp.Symbol(f"x1_{a}") for a in range(I1)])
    x2 = sp.diag(*al2) * (W2 * x1)
    yhat = H * x2
    true = yhat.jacobian(x1).T  # |I1| x |J| (the paper's layout: d yhat / d x^{(1)})
    dy_dx2 = H.T  # d yhat / d x^{(L)} = H^T (printed, correct)
    if printed:
        # (W^{(l)})^T diag(alpha^{(l)}) d yhat / d x^{(l+1)} with l = 1
        A, B = W1.T, sp.diag(*al1)
        if A.shape[1] != B.shape[0] or B.shape[1] != dy_dx2.shape[0]:
            return False, (f"widths {widths}: (W^(1))^T is {A.shape}, diag(alpha^(1)) {B.shape}, "
                           f"d yhat/d x^(2) {dy_dx2.shape}: the printed product is undefined")
        rec = A * B * dy_dx2
    else:
        rec = W2.T * sp.diag(*al2) * dy_dx2
    if rec.shape != true.shape:
        return False, f"widths {widths}: recursion gives shape {rec.shape}, true {true.shape}"
    ok = (rec - true).applyfunc(sp.expand) == sp.zeros(*true.shape)
    return ok, f"widths {widths}: {'equal' if ok else 'differs'}"


# ------------------------------------------------------------------ instances
@st.composite
def deep_nets(draw: Any, widths1: tuple[int, ...] = (1, 2, 3), widths2: tuple[int, ...] = (1, 2)) -> dict:
    """Exact 2-hidden-layer networks (d = 2) with kinks forced in both layers."""
    ap, am = draw(st.sampled_from(ACTIVATIONS[:6]))
    K = draw(st.integers(1, 3))
    I1 = draw(st.sampled_from(widths1))
    I2 = draw(st.sampled_from(widths2))
    J = draw(st.integers(1, 2))
    r = rat(-6, 6, 3)
    X = [(draw(r), draw(r)) for _ in range(K)]
    W1 = [[draw(r), draw(r)] for _ in range(I1)]
    if draw(st.booleans()) and any(X[0]):
        W1[0] = list(perp(X[0]))  # neuron 0 of layer 1 on the kink of x_1
    W2 = [[draw(r) for _ in range(I1)] for _ in range(I2)]
    H = [[draw(r) for _ in range(I2)] for _ in range(J)]
    Y = [[draw(r) for _ in range(J)] for _ in range(K)]
    net = dict(ap=ap, am=am, X=X, W1=W1, W2=W2, H=H, Y=Y)
    if draw(st.booleans()):
        # a second-layer neuron on a kink for sample 0: make row 0 of W2 orthogonal to x^(1)_0
        x1 = _layer(net, W1, X[0])
        if any(x1) and I1 >= 2:
            c = next(a for a in range(I1) if x1[a] != 0)
            row = [draw(r) for _ in range(I1)]
            row[c] = 0
            row[c] = -sum(rw * xv for rw, xv in zip(row, x1)) / x1[c]
            net["W2"] = [row] + W2[1:]
    return net


def example_deep() -> dict:
    """A fixed 2-hidden-layer ReLU network (widths 2, 2): layer-1 neuron 0 on the kink of x_1."""
    F = Fraction
    return dict(ap=F(1), am=F(0), X=[(F(1), F(-1)), (F(1), F(2))],
                W1=[[F(1), F(1)], [F(2), F(-1)]], W2=[[F(1), F(2)], [F(-1), F(3)]],
                H=[[F(1), F(-2)]], Y=[[F(1)], [F(-1)]])


def _rho(net: dict, z: Fraction) -> Fraction:
    return net["ap"] * z if z >= 0 else net["am"] * z


def _slope(net: dict, s: int) -> Fraction:
    return net["ap"] if s > 0 else (net["am"] if s < 0 else Fraction(0))


def _layer(net: dict, W: list, x: Any) -> list[Fraction]:
    return [_rho(net, dot(w, x)) for w in W]


def _loss(net: dict, W1: list) -> Fraction:
    tot = Fraction(0)
    for x, y in zip(net["X"], net["Y"]):
        x2 = _layer(net, net["W2"], _layer(net, W1, x))
        for j in range(len(net["H"])):
            tot += (dot(net["H"][j], x2) - y[j]) ** 2
    return tot / 2


def _exact_slope(net: dict, i: int, dw: Any) -> Fraction:
    """Linear coefficient of L along ``w_i^{(1)} + t Δw`` (quadratic on [0, t_max))."""
    W1 = net["W1"]
    tmax = None
    # first t at which any pre-activation (layer 1 neuron i, layer 2) changes side
    for x in net["X"]:
        z, dz = dot(W1[i], x), dot(dw, x)
        if z != 0 and sign(dz) == -sign(z):
            tmax = min(tmax, abs(z) / abs(dz)) if tmax is not None else abs(z) / abs(dz)
    probe = Fraction(1, 10**6) if tmax is None else min(tmax / 2, Fraction(1, 10**6))
    for x in net["X"]:
        x1 = _layer(net, W1, x)
        x1t = _layer(net, [w if a != i else [wc + probe * dc for wc, dc in zip(w, dw)] for a, w in enumerate(W1)], x)
        dx1 = [(b - a) / probe for a, b in zip(x1, x1t)]
        for row in net["W2"]:
            z, dz = dot(row, x1), dot(row, dx1)
            if z != 0 and sign(dz) == -sign(z):
                f = abs(z) / abs(dz)
                tmax = min(tmax, f) if tmax is not None else f
    top = Fraction(1) if tmax is None else tmax
    ts = [top * Fraction(n, 11) for n in (1, 2, 3, 4)]
    vals = [_loss(net, [w if a != i else [wc + t * dc for wc, dc in zip(w, dw)] for a, w in enumerate(W1)])
            for t in ts]
    # quadratic through the first three points, checked at the fourth
    (t1, t2, t3), (v1, v2, v3) = ts[:3], vals[:3]
    c2 = ((v3 - v1) / (t3 - t1) - (v2 - v1) / (t2 - t1)) / (t3 - t2)
    c1 = (v2 - v1) / (t2 - t1) - c2 * (t1 + t2)
    c0 = v1 - c1 * t1 - c2 * t1 * t1
    if c0 + c1 * ts[3] + c2 * ts[3] ** 2 != vals[3] or c0 != _loss(net, W1):
        raise AssertionError("the loss along the ray is not a quadratic near 0+")
    return c1


def _formula(net: dict, i: int, dw: Any, printed_rec: bool) -> Fraction:
    """B.2: Σ_j Σ_k e_kj (∂ŷ_kj/∂x_ki^{(1)}) ρ̃_{w·x}(Δw·x), α by the side of η + Δη."""
    W1, W2, H = net["W1"], net["W2"], net["H"]
    tot = Fraction(0)
    for x, y in zip(net["X"], net["Y"]):
        x1 = _layer(net, W1, x)
        z = dot(W1[i], x)
        dz = dot(dw, x)
        s = sign(z) if z != 0 else sign(dz)
        dxi = _slope(net, s) * dz  # rho~_{w.x}(dw.x)
        dx1 = [dxi if a == i else Fraction(0) for a in range(len(W1))]
        eta2 = [dot(row, x1) for row in W2]
        deta2 = [dot(row, dx1) for row in W2]
        al2 = [_slope(net, sign(e) if e != 0 else sign(de)) for e, de in zip(eta2, deta2)]
        al1 = [_slope(net, sign(dot(w, x)) if dot(w, x) != 0 else sign(dot(dw, x)) if a == i else 0)
               for a, w in enumerate(W1)]
        x2 = _layer(net, W2, x1)
        e = [dot(H[j], x2) - y[j] for j in range(len(H))]
        for j in range(len(H)):
            if printed_rec:
                # (W^{(1)})^T diag(alpha^{(1)}) H^T: only defined when the shapes allow; use
                # the square part (equal widths) as printed
                if len(W1) != len(W2) or len(W1[0]) != len(W1):
                    raise ValueError("printed recursion undefined for these widths")
                g = sum(W1[m][i] * al1[m] * H[j][m] for m in range(len(W1)))
            else:
                g = sum(W2[m][i] * al2[m] * H[j][m] for m in range(len(W2)))
            tot += e[j] * g * dx1[i]
    return tot


def _prop(printed_rec: bool) -> Any:
    def prop(net: dict, stats: dict) -> str | None:
        W1 = net["W1"]
        for i in range(len(W1)):
            w = W1[i]
            dirs = []
            if any(w):
                dirs += [("radial", list(w)), ("tangential", list(perp(w))),
                         ("tangential", [-c for c in perp(w)])]
            else:
                dirs += [("tangential", [Fraction(1), Fraction(0)]), ("tangential", [Fraction(-1), Fraction(1)])]
            for kind, dw in dirs:
                try:
                    f = _formula(net, i, dw, printed_rec)
                except ValueError:
                    if printed_rec:
                        return "printed recursion undefined (layer widths differ)"
                    raise
                ex = _exact_slope(net, i, dw)
                stats[kind] = stats.get(kind, 0) + 1
                if f != ex:
                    return f"{kind} derivative of layer-1 neuron {i}: exact {ex}, B.2 formula {f} at {net}"
        return None
    return prop


def run(n: int) -> Outcome:
    lines = []
    c_sq, t_sq = recursion_check((2, 2, 2, 2), False)
    p_sq, tp_sq = recursion_check((2, 2, 2, 2), True)
    c_ne, t_ne = recursion_check((2, 3, 2, 1), False)
    p_ne, tp_ne = recursion_check((2, 3, 2, 1), True)
    lines += [f"corrected recursion (W^(l+1))^T diag(alpha^(l+1)): {t_sq}; {t_ne}",
              f"printed recursion (W^(l))^T diag(alpha^(l)): {tp_sq}; {tp_ne}"]
    if not (c_sq and c_ne):
        return fails("even the corrected recursion disagrees", details=lines)
    res = search(deep_nets(), _prop(False), n, explicit=[example_deep()])
    if res.counterexample is not None:
        return fails("B.2's derivative formulas disagree with the exact one-sided derivatives",
                     res.message, lines, instances=res.count)
    lines.append(f"radial/tangential derivatives of first-layer neurons of 2-hidden-layer nets: "
                 f"{res.stats} agree with the exact limits (corrected recursion, alpha by the side "
                 "of eta + d eta as printed)")
    lines.append("the stated shape W^(l) in R^{|I_{l-1}| x |I_l|} is the transpose of what "
                 "eta^(l) = W^(l) x^(l-1) requires")
    if p_sq or p_ne:
        return holds("Appendix B formulas hold as printed", lines, instances=res.count)
    return corrected("B.2's formulas hold with the recursion d yhat/d x^(l) = (W^(l+1))^T "
                     "diag(alpha^(l+1)) d yhat/d x^(l+1); the printed layer indices are off by one",
                     lines, instances=res.count, errata=("E-B",))


def broken(n: int) -> Outcome:
    res = search(deep_nets(widths1=(2,), widths2=(2,)), _prop(True), n, shrink=False,
                 explicit=[example_deep()])
    if res.counterexample is not None:
        return fails("with the printed recursion the derivative is wrong", res.message, instances=res.count)
    return holds("broken variant not detected", instances=res.count)


CHECKS = (
    Check("B", "Appendix B: one-sided derivatives in deeper networks (back-propagation)",
          Method.INSTANCES, run, broken, "the printed recursion (W^(l), alpha^(l))", Status.CORRECTED),
)

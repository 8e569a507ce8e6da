"""A constructed order-3 saddle: the curved-path search decides a point that second order cannot.

The point (``tests/data/order3_saddle.json``) has two ReLU neurons, |J| = 2, |K| = 16, d = 4, and
no sample on a kink. It was built so that second order is silent (docs/type2.md §6):

1. ``W``, ``H`` and ``X`` (small integers) are fixed.
2. In gauge coordinates, fixing ``w_0[1]`` and ``w_1[0]``, a kernel direction ``v`` is chosen. It
   is a rational point where both per-neuron quadrics vanish, steered from a real solution with the
   help of a rational point on a conic.
3. The residual ``E`` is solved so that the point is stationary and ``Hs(E) v = 0``; then
   ``Y = Ŷ − E``.

So the Hessian in gauge coordinates is positive semidefinite with kernel exactly ``span(v)``.
Since there is no kink, no straight path descends at order 2: the joint second-order test proves
the t² form nonnegative, and the type-2 certificate does not apply, because two neurons move and
the form is singular. Along ``v`` the loss is ``L + c3 t³ + c4 t⁴`` with ``c3 < 0``: a third-order
descent, so the point is a saddle. Everything below is re-derived with this file's own exact
forward pass and SymPy, not with the certifier.
"""
from __future__ import annotations

import json
import pathlib
from fractions import Fraction

import sympy

import exactland
from exactland.checker import check_certificate

DATA = json.loads((pathlib.Path(__file__).parent / "data" / "order3_saddle.json").read_text())
PROB = {k: v for k, v in DATA["problem"].items() if k != "description"}
X = [[Fraction(c) for c in x] for x in PROB["X"]]
Y = [[Fraction(c) for c in y] for y in PROB["Y"]]
W0 = [[Fraction(c) for c in w] for w in PROB["W"]]
H0 = [[Fraction(c) for c in h] for h in PROB["H"]]
GAUGE = DATA["gauge"]
V = [Fraction(c) for c in DATA["kernel_direction_gauge"]]


def loss(W, H) -> Fraction:
    """½ Σ_k ‖H relu(W x_k) − y_k‖², exact."""
    total = Fraction(0)
    for x, y in zip(X, Y):
        act = [max(sum((a * b for a, b in zip(w, x)), Fraction(0)), Fraction(0)) for w in W]
        for j, yj in enumerate(y):
            total += (sum((H[j][i] * act[i] for i in range(len(W))), Fraction(0)) - yj) ** 2
    return total / 2


def from_gauge(u, W=W0, H=H0):
    """The point W + Δ, H + Δ for a vector ``u`` in gauge coordinates (per neuron: w without the gauge entry, then h)."""
    W2, H2, pos = [list(w) for w in W], [list(h) for h in H], 0
    for i, g in enumerate(GAUGE):
        for c in range(4):
            if c != g:
                W2[i][c] += u[pos]
                pos += 1
        for j in range(2):
            H2[j][i] += u[pos]
            pos += 1
    return W2, H2


def test_the_point_has_no_kink_and_is_stationary_with_escape_neurons():
    assert all(sum(a * b for a, b in zip(w, x)) != 0 for w in W0 for x in X)
    # ∂L/∂h and ∂L/∂w vanish: L is a polynomial near P (no kink), so a symbolic gradient decides it
    us = sympy.symbols("u0:10")
    Ws, Hs = from_gauge(us, [[sympy.Rational(c) for c in w] for w in W0], [[sympy.Rational(c) for c in h] for h in H0])
    f = _poly_loss(Ws, Hs)
    grad = [sympy.diff(f, u).subs({u: 0 for u in us}) for u in us]
    assert all(g == 0 for g in grad)
    cert = exactland.certify(PROB)
    assert cert.stationary and list(cert.escape_neurons) == [0, 1]


def _poly_loss(Ws, Hs):
    """The loss as a polynomial in the gauge coordinates, on P's activation pattern (no kink: valid near P)."""
    f = 0
    for x, y in zip(X, Y):
        act = [sum(a * b for a, b in zip(w, x)) for w in Ws]
        on = [sum(a * b for a, b in zip(w, x)) > 0 for w in W0]
        for j in range(2):
            f += (sum(Hs[j][i] * act[i] for i in range(2) if on[i]) - y[j]) ** 2
    return sympy.expand(f / 2)


def test_second_order_is_silent_hessian_psd_with_one_dim_kernel():
    us = sympy.symbols("u0:10")
    Ws, Hs = from_gauge(us, [[sympy.Rational(c) for c in w] for w in W0], [[sympy.Rational(c) for c in h] for h in H0])
    hess = sympy.hessian(_poly_loss(Ws, Hs), us).subs({u: 0 for u in us})
    v = sympy.Matrix([sympy.Rational(c.numerator, c.denominator) for c in V])
    assert hess * v == sympy.zeros(10, 1)
    k = next(i for i, c in enumerate(V) if c != 0)
    keep = [i for i in range(10) if i != k]
    # Hs v = 0 and the principal submatrix without a coordinate where v ≠ 0 positive definite
    # ⇔ Hs ⪰ 0 with kernel exactly span(v)
    assert hess.extract(keep, keep).is_positive_definite


def test_third_order_descent_along_the_kernel_direction():
    # the loss along P + t v is a quartic on [0, ε); five exact values determine it (own interpolation)
    ts = [Fraction(1, 10 ** 6 * m) for m in range(1, 6)]
    vals = [loss(*from_gauge([t * c for c in V])) for t in ts]
    L0 = loss(W0, H0)
    t = sympy.symbols("t")
    poly = sympy.expand(sympy.interpolate(list(zip(ts, [val - L0 for val in vals])), t))
    c = [poly.coeff(t, n) for n in range(5)]
    assert c[0] == 0 and c[1] == 0 and c[2] == 0 and c[3] < 0


def test_certify_finds_the_order_3_path_and_the_checker_agrees():
    cert = exactland.certify(PROB)
    assert cert.verdict.value == "saddle"
    d = cert.to_dict()
    desc = d["witness"]["descent"]
    assert desc["order"] == 3 and desc["direction2"] is not None and desc["corollary_4_4"] is None
    assert check_certificate(d, problem=PROB).valid
    # the witness point, evaluated here: P + tΔ₁ + t²Δ₂ is strictly lower
    tw = Fraction(desc["t"])
    d1, d2 = desc["direction"], desc["direction2"]
    W = [[w + tw * Fraction(a) + tw * tw * Fraction(b) for w, a, b in zip(wr, ar, br)]
         for wr, ar, br in zip(W0, d1["W"], d2["W"])]
    H = [[h + tw * Fraction(a) + tw * tw * Fraction(b) for h, a, b in zip(hr, ar, br)]
         for hr, ar, br in zip(H0, d1["H"], d2["H"])]
    assert loss(W, H) == Fraction(desc["loss"]) < loss(W0, H0) == Fraction(d["loss"])

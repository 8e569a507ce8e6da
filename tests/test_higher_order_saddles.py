"""Constructed saddles of order 3 and 4: the curved-path search decides points that second order cannot.

Both points (``tests/data/order3_saddle.json``, ``tests/data/order4_curved_saddle.json``) have two
ReLU neurons, |J| = 2, |K| = 16, d = 4, and no sample on a kink. They were built so that second
order is silent (docs/type2.md §6):

1. ``W``, ``H`` and ``X`` (small integers) are fixed.
2. In gauge coordinates, fixing ``w_0[1]`` and ``w_1[0]``, a kernel direction ``v`` is chosen. It
   is a rational point where both per-neuron quadrics vanish, steered from a real solution with the
   help of a rational point on a conic.
3. The residual ``E`` is solved so that the point is stationary and ``Hs(E) v = 0``; then
   ``Y = Ŷ − E``.

So the Hessian in gauge coordinates is positive semidefinite with kernel exactly ``span(v)``.
Since there is no kink, no straight path descends at order 2: the joint second-order test proves
the t² form nonnegative, and the type-2 certificate does not apply, because two neurons move and
the form is singular.

**Order 3.** Along ``v`` the loss is ``L + c3 t³ + c4 t⁴`` with ``c3 < 0``: a third-order descent,
so the point is a saddle.

**Order 4, curved (Peano type).** The data are symmetric under ``x₀ ↔ x₁`` with ``y → −y``, the
two neurons mirror each other (``h₁ = −h₀``), and ``v`` is antisymmetric. So ``L(P + tv)`` is even
in ``t``: ``c3 = 0`` and ``c4 > 0``. Every straight path in the gauge coordinates is therefore
nonnegative up to fourth order: ``c2 > 0`` off ``span(v)``, and ``c3 = 0``, ``c4 > 0`` on it. The curve
``P + tv + t²Δ₂``, with ``Δ₂`` in the symmetric directions, still lowers the quartic coefficient
below zero, so the point is a saddle that only a curved path reveals.

Everything below is re-derived with this file's own exact forward pass and SymPy, not with the
certifier.
"""
from __future__ import annotations

import json
import pathlib
from fractions import Fraction

import sympy

import exactland
from exactland.checker import check_certificate

import pytest


class Instance:
    """One data file: the problem, the gauge coordinates and the kernel direction."""

    def __init__(self, name: str) -> None:
        data = json.loads((pathlib.Path(__file__).parent / "data" / name).read_text())
        self.prob = {k: v for k, v in data["problem"].items() if k != "description"}
        self.X = [[Fraction(c) for c in x] for x in self.prob["X"]]
        self.Y = [[Fraction(c) for c in y] for y in self.prob["Y"]]
        self.W0 = [[Fraction(c) for c in w] for w in self.prob["W"]]
        self.H0 = [[Fraction(c) for c in h] for h in self.prob["H"]]
        self.gauge = data["gauge"]
        self.V = [Fraction(c) for c in data["kernel_direction_gauge"]]


ORDER3, ORDER4 = Instance("order3_saddle.json"), Instance("order4_curved_saddle.json")
BOTH = pytest.mark.parametrize("case", [ORDER3, ORDER4], ids=["order3", "order4-curved"])


def loss(case: Instance, W, H) -> Fraction:
    """½ Σ_k ‖H relu(W x_k) − y_k‖², exact."""
    total = Fraction(0)
    for x, y in zip(case.X, case.Y):
        act = [max(sum((a * b for a, b in zip(w, x)), Fraction(0)), Fraction(0)) for w in W]
        for j, yj in enumerate(y):
            total += (sum((H[j][i] * act[i] for i in range(len(W))), Fraction(0)) - yj) ** 2
    return total / 2


def from_gauge(case: Instance, u, W=None, H=None):
    """The point W + Δ, H + Δ for a vector ``u`` in gauge coordinates (per neuron: w without the gauge entry, then h)."""
    W, H = case.W0 if W is None else W, case.H0 if H is None else H
    W2, H2, pos = [list(w) for w in W], [list(h) for h in H], 0
    for i, g in enumerate(case.gauge):
        for c in range(4):
            if c != g:
                W2[i][c] += u[pos]
                pos += 1
        for j in range(2):
            H2[j][i] += u[pos]
            pos += 1
    return W2, H2


def _symbolic(case: Instance) -> tuple:
    us = sympy.symbols("u0:10")
    W = [[sympy.Rational(c.numerator, c.denominator) for c in w] for w in case.W0]
    H = [[sympy.Rational(c.numerator, c.denominator) for c in h] for h in case.H0]
    return us, _poly_loss(case, *from_gauge(case, us, W, H))


@BOTH
def test_the_point_has_no_kink_and_is_stationary_with_escape_neurons(case):
    assert all(sum(a * b for a, b in zip(w, x)) != 0 for w in case.W0 for x in case.X)
    # ∂L/∂h and ∂L/∂w vanish: L is a polynomial near P (no kink), so a symbolic gradient decides it;
    # the gauge coordinate's derivative follows by Euler's identity (rescaling invariance)
    us, f = _symbolic(case)
    assert all(sympy.diff(f, u).subs({u: 0 for u in us}) == 0 for u in us)
    cert = exactland.certify(case.prob)
    assert cert.stationary and list(cert.escape_neurons) == [0, 1]


def _poly_loss(case: Instance, Ws, Hs):
    """The loss as a polynomial in the gauge coordinates, on P's activation pattern (no kink: valid near P)."""
    f = 0
    for x, y in zip(case.X, case.Y):
        act = [sum(a * b for a, b in zip(w, x)) for w in Ws]
        on = [sum(a * b for a, b in zip(w, x)) > 0 for w in case.W0]
        for j in range(2):
            f += (sum(Hs[j][i] * act[i] for i in range(2) if on[i]) - y[j]) ** 2
    return sympy.expand(f / 2)


@BOTH
def test_second_order_is_silent_hessian_psd_with_one_dim_kernel(case):
    us, f = _symbolic(case)
    hess = sympy.hessian(f, us).subs({u: 0 for u in us})
    v = sympy.Matrix([sympy.Rational(c.numerator, c.denominator) for c in case.V])
    assert hess * v == sympy.zeros(10, 1)
    k = next(i for i, c in enumerate(case.V) if c != 0)
    keep = [i for i in range(10) if i != k]
    # Hs v = 0 and the principal submatrix without a coordinate where v ≠ 0 positive definite
    # ⇔ Hs ⪰ 0 with kernel exactly span(v)
    assert hess.extract(keep, keep).is_positive_definite


def _coefficients(values: list, ts: list, degree: int) -> list:
    t = sympy.symbols("t")
    poly = sympy.expand(sympy.interpolate(list(zip(ts, values)), t))
    return [poly.coeff(t, n) for n in range(degree + 1)]


def test_straight_along_the_kernel_order3_descends_order4_does_not():
    # the loss along P + t v is a quartic on [0, ε); five exact values determine it (own interpolation)
    ts = [Fraction(1, 10 ** 30 * m) for m in range(1, 6)]
    for case, descends in ((ORDER3, True), (ORDER4, False)):
        L0 = loss(case, case.W0, case.H0)
        vals = [loss(case, *from_gauge(case, [t * c for c in case.V])) - L0 for t in ts]
        c = _coefficients(vals, ts, 4)
        assert c[0] == c[1] == c[2] == 0
        if descends:
            assert c[3] < 0
        else:  # even in t (antisymmetric v): no straight descent along ±v up to order 4
            assert c[3] == 0 and c[4] > 0


@BOTH
def test_certify_finds_the_path_and_the_checker_agrees(case):
    cert = exactland.certify(case.prob)
    assert cert.verdict.value == "saddle"
    d = cert.to_dict()
    desc = d["witness"]["descent"]
    assert desc["direction2"] is not None and desc["corollary_4_4"] is None
    assert check_certificate(d, problem=case.prob).valid
    d1, d2 = desc["direction"], desc["direction2"]

    def point(t: Fraction) -> tuple:
        W = [[w + t * Fraction(a) + t * t * Fraction(b) for w, a, b in zip(wr, ar, br)]
             for wr, ar, br in zip(case.W0, d1["W"], d2["W"])]
        H = [[h + t * Fraction(a) + t * t * Fraction(b) for h, a, b in zip(hr, ar, br)]
             for hr, ar, br in zip(case.H0, d1["H"], d2["H"])]
        return W, H

    L0 = loss(case, case.W0, case.H0)
    assert L0 == Fraction(d["loss"])
    # the witness point, evaluated here, is strictly lower
    tw = Fraction(desc["t"])
    assert loss(case, *point(tw)) == Fraction(desc["loss"]) < L0
    # the curve's own degree-8 polynomial, from nine exact values below t_max (own interpolation)
    tmax = Fraction(desc["t_max"])
    ts = [tmax * m / 10 for m in range(1, 10)]
    c = _coefficients([loss(case, *point(t)) - L0 for t in ts], ts, 8)
    order = next(n for n in range(1, 9) if c[n] != 0)
    assert order == desc["order"] and c[order] < 0
    if case is ORDER4:  # genuinely curved: Δ₂ ≠ 0 and the first nonzero coefficient is c4
        assert order == 4 and any(Fraction(x) != 0 for row in d2["W"] + d2["H"] for x in row)
    else:
        assert order == 3

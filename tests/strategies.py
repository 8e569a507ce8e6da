"""Hypothesis strategies of the property tests: generated points with their predicted verdict.

Every expected verdict comes from the theory (paper Sections 2-4.1, docs/mathematics.md
sections 1-7) or from the independent oracles of :mod:`oracles`, never from
the code under test.  ``exactland`` is only used to parse problems
(:meth:`Spec.problem`) and to build the teacher points.

Families of points (all with small exact rationals):

* ``random_points``: arbitrary; almost always not stationary.
* ``origin_points``: W = 0, H = 0.  Every neuron has w_i = 0, so every sample
  is on its kink, d_ji = 0, dL/dh_ji = w_i.d_ji = 0 and F_i = sum_j 0*phi = 0:
  the origin is stationary (never ``not-stationary``).  All neurons share
  phi_j(v) = sum_k e_kj rho(x_k.v) with e = -Y; a neuron with h = 0 is an
  escape neuron iff some phi_j is not identically 0 (Definition 4.1), and then
  moving (w_i, h_i) = (t v, -t s g) with g_j = phi_j(v) gives the t^2
  coefficient -s|g|^2 < 0 (the outputs are 0, rho(0*x) = 0), so it is a saddle
  for any |J|; otherwise it is a type-1 minimum (Theorem 4.2).
* ``interpolating_points``: Y := yhat(P).  All residuals are 0, so every
  d_ji = 0 and every phi_ji = 0: stationary without escape neurons, a type-1
  minimum with loss 0.
* ``lsq_points``: "linear regime least squares".  X has a positive last
  coordinate, every living neuron has all samples strictly on one side
  (w_i.x_k of constant sign, no kinks), and the residual columns e_j lie in
  the null space of X^T (so d_ji = slope_i X^T e_j = 0).  Then dL/dh = 0,
  F_i = 0 and phi_i = 0 for the living neurons: a type-1 minimum with loss
  |e|^2/2 > 0 in general.  Optionally zero neurons (w = 0, h = 0) are appended:
  they do not change the outputs, keep stationarity (d = 0, F = 0) and are
  escape neurons iff phi_j(v) = sum_k e_kj rho(x_k.v) is not identically 0, in
  which case the point is a saddle (same argument as for the origin).
* ``kink_points``: non-differentiable stationary points, residuals only on a
  line of samples lying on the kink of every neuron; stationarity, escape
  neurons and the verdict are predicted in closed form (see its docstring).
* ``teacher_points``: ``exactland.testing.instances.teacher_stationary_point``.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction as Fr
from typing import Optional

from hypothesis import HealthCheck, assume
from hypothesis import strategies as st
from oracles import (MINIMUM, NOT_STATIONARY, SADDLE, SADDLE_OR_UNDECIDED, dotf, fr,
                     null_space, own_loss, own_outputs, own_residuals, phi_identically_zero)

import exactland
from exactland.testing.instances import teacher_stationary_point

SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                      HealthCheck.filter_too_much])

Mat = tuple[tuple[Fr, ...], ...]


@dataclass(frozen=True)
class Spec:
    """A problem in Fractions, with the verdict the theory predicts (if known)."""

    act: tuple[Fr, Fr]
    X: Mat
    Y: Mat
    W: Mat
    H: Mat
    expected: Optional[str] = None
    family: str = "random"

    @property
    def d(self) -> int:
        return len(self.X[0])

    @property
    def K(self) -> int:
        return len(self.X)

    @property
    def I(self) -> int:  # noqa: E743
        return len(self.W)

    @property
    def J(self) -> int:
        return len(self.Y[0])

    def loss(self) -> Fr:
        return own_loss(self.act, self.X, self.Y, self.W, self.H)

    def residuals(self) -> list[list[Fr]]:
        return own_residuals(self.act, self.X, self.Y, self.W, self.H)

    def to_dict(self) -> dict:
        m = lambda a: [[str(x) for x in row] for row in a]  # noqa: E731
        return {"activation": {"alpha_plus": str(self.act[0]), "alpha_minus": str(self.act[1])},
                "X": m(self.X), "Y": m(self.Y), "W": m(self.W), "H": m(self.H)}

    def problem(self) -> exactland.Problem:
        return exactland.load(self.to_dict())

    def loss_at(self, W: Mat, H: Mat) -> Fr:
        return own_loss(self.act, self.X, self.Y, W, H)


def tup(m) -> Mat:
    return tuple(tuple(Fr(x) for x in row) for row in m)


def zero_neuron_escapes(spec: Spec) -> bool:
    """A zero neuron (w = 0, h = 0) at a stationary point is an escape neuron iff
    some phi_j(v) = sum_k e_kj rho(x_k.v) is not identically 0 (d_j = 0 at w = 0)."""
    e = spec.residuals()
    return any(not phi_identically_zero(spec.act, spec.X, [e[k][j] for k in range(spec.K)])
               for j in range(spec.J))


# ===================================================================== strategies
DENS = [1, 2, 3, 4, 5]
Q = st.builds(Fr, st.integers(-6, 6), st.sampled_from(DENS))
QPOS = st.builds(Fr, st.integers(1, 6), st.sampled_from(DENS))
ACTS = [(Fr(1), Fr(0)), (Fr(1), Fr(1, 10)), (Fr(1), Fr(-1)), (Fr(2), Fr(1, 2)), (Fr(0), Fr(1))]
ACT = st.sampled_from(ACTS)
ZERO_SLOPE_ACTS = [(Fr(1), Fr(0)), (Fr(0), Fr(1))]  # activations with a flat side


def draw_mat(draw, r: int, c: int, elem=Q) -> Mat:
    return tuple(tuple(draw(elem) for _ in range(c)) for _ in range(r))


@st.composite
def random_points(draw, J: Optional[int] = None, d: Optional[int] = None) -> Spec:
    d = d or draw(st.sampled_from([2, 3]))
    K = draw(st.integers(1, 5))
    I = draw(st.integers(1, 3))  # noqa: E741
    J = J or draw(st.sampled_from([1, 2]))
    return Spec(draw(ACT), draw_mat(draw, K, d), draw_mat(draw, K, J),
                draw_mat(draw, I, d), draw_mat(draw, J, I), None, "random")


@st.composite
def origin_points(draw, J: Optional[int] = None, d: Optional[int] = None) -> Spec:
    d = d or draw(st.sampled_from([2, 3]))
    K = draw(st.integers(1, 5))
    I = draw(st.integers(1, 3))  # noqa: E741
    J = J or draw(st.sampled_from([1, 2]))
    act = draw(ACT)
    X = draw_mat(draw, K, d)
    Y = draw_mat(draw, K, J)
    spec = Spec(act, X, Y, tup([[0] * d] * I), tup([[0] * I] * J), None, "origin")
    # e = -Y at the origin; see the module docstring for the verdict.
    return replace(spec, expected=SADDLE if zero_neuron_escapes(spec) else MINIMUM)


@st.composite
def interpolating_points(draw, J: Optional[int] = None, d: Optional[int] = None) -> Spec:
    spec = draw(random_points(J, d))
    Y = tup(own_outputs(spec.act, spec.X, spec.W, spec.H))
    return replace(spec, Y=Y, expected=MINIMUM, family="interpolating")


@st.composite
def lsq_points(draw, J: Optional[int] = None, n_zero: Optional[int] = None,
               act: Optional[tuple[Fr, Fr]] = None, d: Optional[int] = None,
               zero_h: bool = True) -> Spec:
    """``zero_h=False``: the appended w = 0 neurons get random output weights
    (their F_i = sum_j h_ji phi_j may then be negative somewhere: no prediction
    here, the d = 2 oracle decides)."""
    d = d or draw(st.sampled_from([2, 3]))
    K = draw(st.integers(d + 1, 5))
    J = J or draw(st.sampled_from([1, 2]))
    act = act or draw(ACT)
    X = tuple(tuple(draw(Q) for _ in range(d - 1)) + (draw(QPOS),) for _ in range(K))
    n_zero = draw(st.integers(0, 2)) if n_zero is None else n_zero
    n_living = draw(st.integers(1 if n_zero == 0 else 0, 3 - n_zero))
    xmin = min(x[-1] for x in X)
    W = []
    for _ in range(n_living):
        u = tuple(draw(Q) for _ in range(d - 1))
        bound = sum((abs(a * x[m]) for x in X for m, a in enumerate(u)), Fr(0)) / xmin
        s = draw(st.sampled_from([1, -1]))
        W.append(u + (s * (bound + draw(QPOS)),))  # sign(w.x_k) = s for every k
    W += [(Fr(0),) * d] * n_zero
    I = len(W)  # noqa: E741
    H = [[draw(Q) for _ in range(n_living)]
         + [Fr(0) if zero_h else draw(Q) for _ in range(n_zero)] for _ in range(J)]
    basis = null_space([[X[k][m] for k in range(K)] for m in range(d)], K)
    assert basis  # K > d
    E = [[Fr(0)] * J for _ in range(K)]
    for j in range(J):
        for b in basis:
            c = draw(st.integers(-3, 3))
            for k in range(K):
                E[k][j] += c * b[k]
    yhat = own_outputs(act, X, W, H)
    Y = tup([[yhat[k][j] - E[k][j] for j in range(J)] for k in range(K)])  # e = yhat - y = E
    spec = Spec(act, X, Y, tup(W), tup(H), None, f"lsq+{n_zero}zero")
    assert I >= 1
    expected = SADDLE if n_zero and zero_neuron_escapes(spec) else MINIMUM
    if not zero_h:
        return replace(spec, family=f"lsq+{n_zero}w0")
    return replace(spec, expected=expected)


KINK_ACTS = [(Fr(1), Fr(0)), (Fr(1), Fr(-1)), (Fr(0), Fr(1))]


@st.composite
def kink_points(draw, J: Optional[int] = None, min_bias: bool = False,
                d: Optional[int] = None) -> Spec:
    """Non-differentiable stationary points: residuals only on a kink line.

    Every neuron has w_i orthogonal to a vector x* (so every sample c_k x* lies
    on the kink of every neuron); all other samples are fitted exactly (residual
    0).  Then every residual that is nonzero belongs to a kink sample of every
    neuron, so d_ji = 0 and dL/dh = 0, and with z = x*.v (taking both signs on
    T_i, since x* is orthogonal to w_i):
        phi_j(v) = sum_{line} e_kj rho(c_k z) = P_j z (z > 0),  M_j |z| (z < 0)
    with A_j = sum_{c_k>0} e_kj c_k, B_j = sum_{c_k<0} e_kj |c_k|,
    P_j = a+ A_j - a- B_j and M_j = a+ B_j - a- A_j; phi_j = 0 where z = 0.
    F_i = sum_j h_ji phi_j, so (Definition 3.3) stationary iff
    s+_i = sum_j h_ji P_j >= 0 and s-_i = sum_j h_ji M_j >= 0 for every i;
    neuron i escapes (Definition 4.1) iff s+_i = 0 with some P_j != 0 or
    s-_i = 0 with some M_j != 0.  |J| = 1: saddle iff some neuron escapes
    (Theorem 4.2), else type-1 minimum.  Any |J|: an escape neuron with
    h_.i = 0 gives the t^2 coefficient min_a a.g + |a|^2 R / 2 < 0 along
    (a, v) (R = sum_k rho_ik^2; unbounded below if R = 0), so a saddle.

    ``min_bias``: line residuals e >= 0 and h = sigma*positive with sigma = +1
    (ReLU, |.|) or -1 for (0, 1); then sigma P_j >= 0 and sigma M_j >= 0, so
    every s+-_i >= 0 and vanishes only if all P_j (M_j) vanish: no escape
    neuron, a (non-differentiable) type-1 minimum with finite constants c_i.
    """
    d = d or draw(st.sampled_from([2, 3]))
    J = J or draw(st.sampled_from([1, 2]))
    act = draw(st.sampled_from(KINK_ACTS))
    xs = tuple(draw(Q) for _ in range(d))
    assume(any(c != 0 for c in xs))
    I = draw(st.integers(1, 3))  # noqa: E741
    W = []
    for _ in range(I):
        if d == 2:
            lam = draw(Q)
            w = (-lam * xs[1], lam * xs[0])
        else:
            a = tuple(draw(Q) for _ in range(3))
            w = (a[1] * xs[2] - a[2] * xs[1], a[2] * xs[0] - a[0] * xs[2],
                 a[0] * xs[1] - a[1] * xs[0])  # a x x*, orthogonal to x*
        assert dotf(w, xs) == 0
        W.append(w)
    sigma = -1 if act[0] == 0 else 1
    H = draw_mat(draw, J, I, QPOS.map(lambda q: sigma * q) if min_bias else Q)
    n_line = draw(st.integers(1, 2))
    cs = [draw(Q.filter(lambda q: q != 0)) for _ in range(n_line)]
    others = draw_mat(draw, draw(st.integers(0, 5 - n_line)), d)
    X = tuple(tuple(c * x for x in xs) for c in cs) + others
    elem = Q.map(abs) if min_bias else Q
    E = [[draw(elem) for _ in range(J)] for _ in range(n_line)] + [[Fr(0)] * J for _ in others]
    yhat = own_outputs(act, X, W, H)
    Y = tup([[yhat[k][j] - E[k][j] for j in range(J)] for k in range(len(X))])
    ap, am = act
    A = [sum((E[k][j] * c for k, c in enumerate(cs) if c > 0), Fr(0)) for j in range(J)]
    B = [sum((E[k][j] * -c for k, c in enumerate(cs) if c < 0), Fr(0)) for j in range(J)]
    P = [ap * A[j] - am * B[j] for j in range(J)]
    M = [ap * B[j] - am * A[j] for j in range(J)]
    stationary, esc = True, []
    for i in range(I):
        sp = sum((H[j][i] * P[j] for j in range(J)), Fr(0))
        sm = sum((H[j][i] * M[j] for j in range(J)), Fr(0))
        stationary &= sp >= 0 and sm >= 0
        if (sp == 0 and any(P)) or (sm == 0 and any(M)):
            esc.append(i)
    if not stationary:
        expected = NOT_STATIONARY
    elif not esc:
        expected = MINIMUM
    elif J == 1 or any(all(H[j][i] == 0 for j in range(J)) for i in esc):
        expected = SADDLE
    else:
        expected = SADDLE_OR_UNDECIDED
    if min_bias:
        assert expected == MINIMUM
    return Spec(act, X, Y, tup(W), H, expected, "kink-min" if min_bias else "kink")


def spec_of(problem: exactland.Problem, expected=None, family="teacher") -> Spec:
    a = problem.activation
    return Spec((fr(a.alpha_plus), fr(a.alpha_minus)),
                tup([[fr(x) for x in r] for r in problem.X]),
                tup([[fr(x) for x in r] for r in problem.Y]),
                tup([[fr(x) for x in r] for r in problem.W]),
                tup([[fr(x) for x in r] for r in problem.H]), expected, family)


@st.composite
def teacher_args(draw, dim: Optional[int] = None) -> dict:
    dim = dim or draw(st.sampled_from([2, 3]))
    n_unfit = draw(st.integers(0, 2))
    n_samples = draw(st.integers(n_unfit + 1, 6))
    kinds = dict(n_living=draw(st.integers(0, 2)), n_kink=draw(st.integers(0, 1)),
                 n_dead=draw(st.integers(0, 1)), n_zero=draw(st.integers(0, 1)))
    assume(sum(kinds.values()) >= 1)
    return dict(seed=draw(st.integers(0, 10 ** 6)), dim=dim, n_samples=n_samples,
                n_unfit=n_unfit, **kinds)


@st.composite
def teacher_points(draw, n_zero: Optional[int] = None, dim: Optional[int] = None) -> Spec:
    args = draw(teacher_args(dim))
    if n_zero is not None:
        args["n_zero"] = n_zero
        assume(args["n_living"] + args["n_kink"] + args["n_dead"] + n_zero >= 1)
    inst = teacher_stationary_point(**args)
    spec = spec_of(inst.problem)
    # Expected verdict from our own residuals: the construction claims stationarity
    # with F = phi = 0 for every non-zero neuron; a zero neuron then escapes iff
    # its phi is not identically 0 (checked independently here).
    expected = SADDLE if inst.zero and zero_neuron_escapes(spec) else MINIMUM
    return replace(spec, expected=expected)


def structural_points(J: Optional[int] = None):
    fams = [origin_points(J), interpolating_points(J), lsq_points(J), kink_points(J),
            kink_points(J, min_bias=True)]
    if J in (None, 1):
        fams.append(teacher_points())
    return st.one_of(*fams)


def any_points(J: Optional[int] = None):
    return st.one_of(random_points(J), structural_points(J))


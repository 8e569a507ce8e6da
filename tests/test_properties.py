"""Property-based tests of exactland.core.classify (Hypothesis).

Honesty rule: every expected value here comes from the theory (paper
Sections 2-4.1, DESIGN sections 1-7) or from an independent route written in
this file -- a brute-force loss in ``fractions.Fraction`` (``own_loss``), an
independent test of "phi is identically zero" (``phi_identically_zero``) and
Lagrange interpolation -- never from the code under test.  ``exactland`` is
only used to parse problems (``exactland.load``), to certify them and to read
the certificate.

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

For d in {2, 3} ``oracle`` decides the verdict of *any* point by brute force
from the definitions on finitely many tangential directions
(``tangent_candidates``), independently of exactland's ray enumeration.
"""
from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, replace
from fractions import Fraction as Fr
from typing import Any, Optional, Sequence

import pytest
from _oracle import null_space
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

import exactland
from exactland.testing.instances import teacher_stationary_point

try:  # the checker is being finished concurrently; tests using it still run once it lands
    import exactland.checker  # noqa: F401
    HAVE_CHECKER = True
except Exception:  # pragma: no cover
    HAVE_CHECKER = False

SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                      HealthCheck.filter_too_much])

NOT_STATIONARY, SADDLE, MINIMUM, UNDECIDED = (
    "not-stationary", "saddle", "type-1-minimum", "undecided")

Mat = tuple[tuple[Fr, ...], ...]


# ===================================================================== own maths
def rho(act: tuple[Fr, Fr], z: Fr) -> Fr:
    """rho(z) = a+ z for z >= 0, a- z for z < 0 (paper, Section 2)."""
    return act[0] * z if z >= 0 else act[1] * z


def dotf(a: Sequence[Fr], b: Sequence[Fr]) -> Fr:
    return sum((x * y for x, y in zip(a, b)), Fr(0))


def outputs(act, X, W, H) -> list[list[Fr]]:
    """yhat_kj = sum_i h_ji rho(w_i.x_k)  (eq. 1)."""
    out = []
    for x in X:
        a = [rho(act, dotf(w, x)) for w in W]
        out.append([dotf(hrow, a) for hrow in H])
    return out


def own_loss(act, X, Y, W, H) -> Fr:
    """L = 1/2 sum_kj (yhat_kj - y_kj)^2  (eq. 2), brute force in Fractions."""
    return sum(((yh - y) ** 2 for yhr, yr in zip(outputs(act, X, W, H), Y)
                for yh, y in zip(yhr, yr)), Fr(0)) / 2


def fr(x: Any) -> Fr:
    """fmpq -> Fraction (through the exact text form)."""
    return Fr(str(x))


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
        return [[yh - y for yh, y in zip(yhr, yr)]
                for yhr, yr in zip(outputs(self.act, self.X, self.W, self.H), self.Y)]

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


def phi_identically_zero(act, X, e_col: Sequence[Fr]) -> bool:
    """Is phi(v) = sum_k e_k rho(x_k.v) the zero function on R^d?

    Independent route: rho(t) = a- t + (a+ - a-) max(t, 0), and for x_k = c_k n
    (n the line's representative with first nonzero entry 1),
    max(c n.v, 0) = |c| max(n.v, 0) - [c < 0] |c| n.v.  So phi is a linear
    form plus (a+ - a-) sum_lines gamma_l max(n_l.v, 0) with
    gamma_l = sum_{k on l} e_k |c_k|; the max terms of distinct lines and the
    linear forms are linearly independent, hence phi == 0 iff every gamma_l = 0
    and then (phi being linear) phi(basis vectors) = 0.
    """
    gamma: dict[tuple[Fr, ...], Fr] = {}
    for x, e in zip(X, e_col):
        if all(c == 0 for c in x):
            continue
        lead = next(c for c in x if c != 0)
        n = tuple(c / lead for c in x)
        gamma[n] = gamma.get(n, Fr(0)) + e * abs(lead)
    if any(g != 0 for g in gamma.values()):
        return False
    d = len(X[0])
    for m in range(d):
        v = [Fr(int(m == mm)) for mm in range(d)]
        if sum((e * rho(act, dotf(x, v)) for x, e in zip(X, e_col)), Fr(0)) != 0:
            return False
    return True


def zero_neuron_escapes(spec: Spec) -> bool:
    """A zero neuron (w = 0, h = 0) at a stationary point is an escape neuron iff
    some phi_j(v) = sum_k e_kj rho(x_k.v) is not identically 0 (d_j = 0 at w = 0)."""
    e = spec.residuals()
    return any(not phi_identically_zero(spec.act, spec.X, [e[k][j] for k in range(spec.K)])
               for j in range(spec.J))


def interpolate(ts: list[Fr], vals: list[Fr]) -> list[Fr]:
    """Monomial coefficients of the polynomial through (ts, vals) (Vandermonde solve)."""
    n = len(ts)
    A = [[t ** p for p in range(n)] + [v] for t, v in zip(ts, vals)]
    for c in range(n):
        p = next(i for i in range(c, n) if A[i][c] != 0)
        A[c], A[p] = A[p], A[c]
        A[c] = [x / A[c][c] for x in A[c]]
        for i in range(n):
            if i != c and A[i][c] != 0:
                f = A[i][c]
                A[i] = [a - f * b for a, b in zip(A[i], A[c])]
    return [A[i][n] for i in range(n)]


def move_neuron(spec: Spec, i: int, dh: Sequence[Fr], dw: Sequence[Fr], t: Fr) -> tuple[Mat, Mat]:
    """(W, H) of P + t*Delta where Delta moves only neuron i by (dh, dw)."""
    W = [list(r) for r in spec.W]
    H = [list(r) for r in spec.H]
    W[i] = [w + t * x for w, x in zip(W[i], dw)]
    for j in range(spec.J):
        H[j][i] += t * dh[j]
    return tup(W), tup(H)


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
    Y = tup(outputs(spec.act, spec.X, spec.W, spec.H))
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
    yhat = outputs(act, X, W, H)
    Y = tup([[yhat[k][j] - E[k][j] for j in range(J)] for k in range(K)])  # e = yhat - y = E
    spec = Spec(act, X, Y, tup(W), tup(H), None, f"lsq+{n_zero}zero")
    assert I >= 1
    expected = SADDLE if n_zero and zero_neuron_escapes(spec) else MINIMUM
    if not zero_h:
        return replace(spec, family=f"lsq+{n_zero}w0")
    return replace(spec, expected=expected)


KINK_ACTS = [(Fr(1), Fr(0)), (Fr(1), Fr(-1)), (Fr(0), Fr(1))]
SADDLE_OR_UNDECIDED = "saddle|undecided"


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
    yhat = outputs(act, X, W, H)
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


def cross(a: Sequence[Fr], b: Sequence[Fr]) -> tuple[Fr, Fr, Fr]:
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def tangent_candidates(w: Sequence[Fr], X: Sequence[Sequence[Fr]],
                       kinks: Sequence[int]) -> list[tuple[Fr, ...]]:
    """Finitely many tangential directions that decide Definitions 3.3/4.1.

    F_i and phi_ji are positively homogeneous and linear on every closed cone of
    the kink arrangement {x_k.v = 0 : k in K0(i)} inside T_i, so F_i >= 0 iff it
    is >= 0 on a set of vectors generating every such cone, and (with F_i >= 0,
    whose zero set is a union of faces) neuron i escapes iff some generator v
    has F_i(v) = 0 and phi_ji(v) != 0.  Generators, by the rank r of the kink
    normals inside T_i (dim T_i = 2 when d = 3 and w != 0):
      * r = dim T_i (pointed cones): the lines T_i ∩ x_a^perp ∩ x_b^perp
        (d = 3, w = 0: x_a x x_b; T_i a plane: w x x_k or perp(x_k) in d = 2);
      * one dimension less: those rays, the normals x_k, and +-(the lineality
        direction) n = x_a x x_b and n x x_k;
      * rank 1: +-x and a basis of x^perp ∩ T_i (w x x, e_m x x);
      * rank 0 / no kinks: a basis of T_i (perp(w), w x e_m, e_m).
    Every candidate below is tangential; extra candidates are harmless (F >= 0
    at any tangential v is necessary, and a zero of F with phi != 0 at any
    tangential v is a genuine escape witness), so the union of all cases is used.
    """
    d = len(w)
    nz = lambda v: any(c != 0 for c in v)  # noqa: E731
    xs = [tuple(X[k]) for k in kinks if nz(X[k])]
    E = [tuple(Fr(int(m == mm)) for mm in range(d)) for m in range(d)]
    cand: list[tuple[Fr, ...]] = []
    if d == 2:
        if nz(w):
            cand = [(-w[1], w[0])]
        else:
            cand = E + xs + [(-x[1], x[0]) for x in xs]
    elif nz(w):
        cand = [cross(w, x) for x in xs] + xs + [cross(w, e) for e in E]
    else:
        pairs = [cross(a, b) for a, b in itertools.combinations(xs, 2)]
        cand = E + xs + pairs + [cross(n, x) for n in pairs for x in xs] \
            + [cross(e, x) for e in E for x in xs]
    out = []
    for v in cand:
        if nz(v):
            assert dotf(v, w) == 0
            out += [tuple(v), tuple(-c for c in v)]
    return out


def oracle(spec: Spec) -> str:
    """The verdict of any point with d in {2, 3}, decided by brute force from the
    definitions: dL/dh_ji = w_i.d_ji (eq. 4), F_i and phi_ji on the candidates
    of ``tangent_candidates`` (Definitions 3.3, 4.1) and Theorem 4.2.  An escape
    neuron with h_.i = 0 gives a saddle for any |J| (t^2 coefficient
    min_a a.g + |a|^2 R/2 < 0 along (a, v), R = sum_k rho_ik^2; unbounded below
    when R = 0); with |J| = 1 every escape neuron gives a saddle (Theorem 4.2);
    otherwise |J| = 2 escape neurons leave saddle or undecided.
    """
    act, J, d = spec.act, spec.J, spec.d
    e = spec.residuals()
    esc_zero_h = esc_other = False
    not_stat = False
    for i, w in enumerate(spec.W):
        z = [dotf(w, x) for x in spec.X]
        dvec = [[sum(((act[0] if zk > 0 else act[1]) * e[k][j] * spec.X[k][m]
                      for k, zk in enumerate(z) if zk != 0), Fr(0)) for m in range(d)]
                for j in range(J)]
        if any(dotf(w, dvec[j]) != 0 for j in range(J)):
            return NOT_STATIONARY  # dL/dh_ji = w_i.d_ji != 0 (eq. 4)
        kinks = [k for k, zk in enumerate(z) if zk == 0]

        def phi(j: int, v) -> Fr:
            return dotf(dvec[j], v) + sum((e[k][j] * rho(act, dotf(spec.X[k], v))
                                           for k in kinks), Fr(0))

        h = [spec.H[j][i] for j in range(J)]
        for v in tangent_candidates(w, spec.X, kinks):
            phis = [phi(j, v) for j in range(J)]
            F = dotf(h, phis)
            if F < 0:
                not_stat = True
            elif F == 0 and any(p != 0 for p in phis):
                if all(hj == 0 for hj in h):
                    esc_zero_h = True
                else:
                    esc_other = True
    if not_stat:
        return NOT_STATIONARY
    if not (esc_zero_h or esc_other):
        return MINIMUM
    if J == 1 or esc_zero_h:
        return SADDLE
    return SADDLE_OR_UNDECIDED


def oracle_points():
    return st.one_of(random_points(), origin_points(), interpolating_points(),
                     lsq_points(), lsq_points(zero_h=False), lsq_points(zero_h=False, n_zero=2),
                     kink_points(), kink_points(min_bias=True), teacher_points())


# ===================================================================== helpers
def certify(spec: Spec, **kw) -> exactland.Certificate:
    cert = exactland.certify(spec.problem(), **kw)
    if currently_in_test_context():
        event(f"{spec.family} |J|={spec.J}: {cert.verdict.value}")
    return cert


def assert_valid(cert: exactland.Certificate) -> None:
    if not HAVE_CHECKER:
        pytest.skip("exactland.checker not importable yet")
    report = cert.verify()
    assert report.valid, report.reasons


def radius_of(cert) -> Fr:
    r = cert.to_dict()["radius"]
    return Fr(1) if r == "inf" else Fr(r)


def check_path(spec: Spec, cert, path, kind: str) -> list[Fr]:
    """Re-derive a witness path with our own loss; returns its coefficients."""
    L0 = spec.loss()
    i, dh, dw = path.neuron, [fr(x) for x in path.dh], [fr(x) for x in path.dw]
    assert len(dh) == spec.J and len(dw) == spec.d
    assert any(x != 0 for x in dh + dw), "zero direction"
    t = fr(path.t)
    Wt, Ht = move_neuron(spec, i, dh, dw, t)
    Lt = spec.loss_at(Wt, Ht)
    assert Lt == fr(path.loss)
    if kind == "descent":
        assert Lt < L0, (Lt, L0)
    else:
        assert Lt > L0, (Lt, L0)
    # own t_max: the first t > 0 at which a sample off the kink set changes side
    mine = None
    for x in spec.X:
        z, dz = dotf(spec.W[i], x), dotf(dw, x)
        if z != 0 and dz != 0 and (z > 0) != (dz > 0):
            flip = abs(z) / abs(dz)
            mine = flip if mine is None or flip < mine else mine
    tmax = None if path.t_max is None else fr(path.t_max)
    if tmax is None:
        assert mine is None
    else:
        assert tmax > 0 and (mine is None or tmax <= mine)
        assert 0 < t < tmax
    top = tmax if tmax is not None else Fr(1)
    ts = [top * n / 6 for n in range(1, 6)]
    vals = [spec.loss_at(*move_neuron(spec, i, dh, dw, s)) for s in ts]
    coeffs = interpolate(ts, vals)
    assert coeffs == [fr(c) for c in path.coefficients]
    assert coeffs[0] == L0
    return coeffs


# ===================================================================== tests
@settings(max_examples=60, **SETTINGS)
@given(any_points())
def test_every_certificate_verifies(spec: Spec) -> None:
    cert = certify(spec)
    assert fr(cert.loss) == spec.loss()
    assert_valid(cert)


@settings(max_examples=60, **SETTINGS)
@given(structural_points())
def test_structural_points_get_the_verdict_the_theory_predicts(spec: Spec) -> None:
    cert = certify(spec)
    assert cert.verdict.value in spec.expected.split("|"), spec.family
    if spec.expected != NOT_STATIONARY:
        assert cert.stationary is True
    else:
        assert cert.stationary is False
    assert fr(cert.loss) == spec.loss()
    if spec.family == "interpolating":
        assert cert.loss == 0 and cert.global_minimum


@settings(max_examples=40, **SETTINGS)
@given(origin_points())
def test_origin_is_never_not_stationary(spec: Spec) -> None:
    cert = certify(spec)
    assert cert.verdict.value != NOT_STATIONARY
    assert cert.stationary is True
    # L(0) = 1/2 sum y^2 (all outputs vanish)
    assert fr(cert.loss) == sum((y * y for r in spec.Y for y in r), Fr(0)) / 2
    # no activation is nonzero at the origin: Theorem D.1's necessary condition holds
    assert cert.local_maximum_possible is True
    if all(y == 0 for r in spec.Y for y in r):
        assert cert.verdict.value == MINIMUM
    if cert.verdict.value == SADDLE:  # every neuron is identical: all or none escape
        assert cert.escape_neurons == tuple(range(spec.I))


@settings(max_examples=40, **SETTINGS)
@given(teacher_args())
def test_teacher_points_verdict_rule(args: dict) -> None:
    inst = teacher_stationary_point(**args)
    spec = spec_of(inst.problem)
    # the unfittable inputs are (x', 1): distinct x' give distinct kink lines, so
    # a zero neuron's phi(v) = sum_u e_u relu(x_u.v) (e_u = -y_u != 0) is not
    # identically 0; only then is the documented rule a theorem.
    unfit_x = [spec.X[k] for k in inst.unfit]
    assume(len(set(unfit_x)) == len(unfit_x))
    for k in inst.unfit:
        assert spec.Y[k][0] != 0
    cert = exactland.certify(inst.problem)
    want = SADDLE if args["n_zero"] > 0 and args["n_unfit"] > 0 else MINIMUM
    assert cert.verdict.value == want
    assert set(cert.escape_neurons) == (set(inst.zero) if want == SADDLE else set())
    # the residual is -y_u on unfittable samples and 0 elsewhere
    assert fr(cert.loss) == spec.loss() == sum((spec.Y[k][0] ** 2 for k in inst.unfit), Fr(0)) / 2
    assert_valid(cert)


def _same_verdict(c1, c2) -> None:
    assert c1.verdict == c2.verdict
    assert c1.stationary == c2.stationary


@settings(max_examples=40, **SETTINGS)
@given(any_points(), st.data())
def test_permuting_neurons_changes_nothing(spec: Spec, data) -> None:
    perm = data.draw(st.permutations(range(spec.I)))
    # new neuron n is old neuron perm[n]: rows of W and columns of H move together
    W = tuple(spec.W[perm[n]] for n in range(spec.I))
    H = tuple(tuple(row[perm[n]] for n in range(spec.I)) for row in spec.H)
    other = replace(spec, W=W, H=H)
    assert other.loss() == spec.loss()  # the network function is a sum over neurons
    c1, c2 = certify(spec), certify(other)
    _same_verdict(c1, c2)
    assert fr(c2.loss) == fr(c1.loss) == spec.loss()
    assert set(c2.escape_neurons) == {n for n in range(spec.I) if perm[n] in c1.escape_neurons}
    if c1.verdict.value == MINIMUM:
        assert c1.to_dict()["radius"] == c2.to_dict()["radius"]  # min over neurons


@settings(max_examples=40, **SETTINGS)
@given(any_points(), st.data())
def test_positive_rescaling_of_a_neuron(spec: Spec, data) -> None:
    # rho(c z) = c rho(z) for c > 0, so (w_i, h_.i) -> (c w_i, h_.i / c) leaves every
    # output, hence L, unchanged at every point; the map is a linear bijection of
    # parameter space, so local minima/saddles correspond.  Definition 3.3 is
    # preserved too: kink sets and tangent spaces are unchanged, d_ji unchanged,
    # dL/dh_ji = w_i.d_ji is multiplied by c and F_i = sum_j h_ji phi_ji by 1/c
    # (signs and zeros preserved), so escape neurons are the same.
    i = data.draw(st.integers(0, spec.I - 1))
    c = data.draw(QPOS)
    W = tuple(tuple(c * x for x in w) if n == i else w for n, w in enumerate(spec.W))
    H = tuple(tuple(h / c if n == i else h for n, h in enumerate(row)) for row in spec.H)
    other = replace(spec, W=W, H=H)
    assert other.loss() == spec.loss()
    c1, c2 = certify(spec), certify(other)
    _same_verdict(c1, c2)
    assert fr(c2.loss) == fr(c1.loss)
    assert c2.escape_neurons == c1.escape_neurons


@settings(max_examples=40, **SETTINGS)
@given(any_points(), QPOS)
def test_scaling_inputs_against_input_weights(spec: Spec, c: Fr) -> None:
    # w_i.x_k is unchanged by (X, W) -> (c X, W / c): every output and residual is
    # unchanged, L_{cX}(W/c, H) = L_X(W, H) for all (W, H), and W -> W/c is a linear
    # bijection; d_ji is multiplied by c, dL/dh and the signs of F_i are unchanged.
    X = tuple(tuple(c * x for x in r) for r in spec.X)
    W = tuple(tuple(w / c for w in r) for r in spec.W)
    other = replace(spec, X=X, W=W)
    c1, c2 = certify(spec), certify(other)
    _same_verdict(c1, c2)
    assert fr(c2.loss) == fr(c1.loss) == spec.loss() == other.loss()
    assert c2.escape_neurons == c1.escape_neurons


@settings(max_examples=40, **SETTINGS)
@given(any_points(), QPOS)
def test_scaling_targets_with_output_weights(spec: Spec, c: Fr) -> None:
    # yhat is linear in H, so with (Y, H) -> (c Y, c H) every residual is multiplied
    # by c: L_{cY}(W, cH) = c^2 L_Y(W, H) for ALL (W, H).  (W, H) -> (W, cH) is a
    # linear bijection and c^2 > 0 preserves the order of losses, so stationarity
    # (dL/dh scales by c, F_i by c^2), escape neurons and local minimality all
    # correspond: the verdict is unchanged and the loss scales by c^2.
    Y = tuple(tuple(c * y for y in r) for r in spec.Y)
    H = tuple(tuple(c * h for h in r) for r in spec.H)
    other = replace(spec, Y=Y, H=H)
    c1, c2 = certify(spec), certify(other)
    _same_verdict(c1, c2)
    assert fr(c2.loss) == c * c * fr(c1.loss)
    assert other.loss() == c * c * spec.loss() == fr(c2.loss)
    assert c2.escape_neurons == c1.escape_neurons


def minimum_points():
    return st.one_of(
        lsq_points(n_zero=0),
        interpolating_points(),
        kink_points(min_bias=True),
        teacher_points(n_zero=0),
        random_points(),  # rarely a minimum; filtered in the test
    )


def _perturbed(spec: Spec, delta: Sequence[Fr]) -> tuple[Mat, Mat]:
    it = iter(delta)
    W = tuple(tuple(w + next(it) for w in r) for r in spec.W)
    H = tuple(tuple(h + next(it) for h in r) for r in spec.H)
    return W, H


@settings(max_examples=35, **SETTINGS)
@given(minimum_points(), st.randoms(use_true_random=False))
def test_type1_minimum_holds_inside_the_certified_radius(spec: Spec, rnd: random.Random) -> None:
    cert = certify(spec)
    assume(cert.verdict.value == MINIMUM)
    assert cert.escape_neurons == ()
    raw = cert.to_dict()["radius"]
    assert raw is not None and (raw == "inf" or Fr(raw) > 0)
    L0 = spec.loss()
    assert fr(cert.loss) == L0
    r = radius_of(cert) * (1 - Fr(1, 1000))  # strictly inside the open box
    n = spec.I * spec.d + spec.J * spec.I
    deltas: list[list[Fr]] = []
    if n <= 10:  # all 2^n corners of the box of half-width r
        deltas += [[s * r for s in signs] for signs in itertools.product((1, -1), repeat=n)]
    for _ in range(40):  # random points inside the box
        deltas.append([r * Fr(rnd.randint(-1000, 1000), 1000) for _ in range(n)])
    # escape-like moves: one neuron at a time, delta h only / delta w only / both,
    # every sign pattern of that neuron's block, at several scales
    for i in range(spec.I):
        wpos = [i * spec.d + m for m in range(spec.d)]
        hpos = [spec.I * spec.d + j * spec.I + i for j in range(spec.J)]
        for scale in (Fr(1), Fr(1, 3), Fr(1, 1000)):
            for block in (wpos, hpos, wpos + hpos):
                for signs in itertools.product((1, -1), repeat=len(block)):
                    dlt = [Fr(0)] * n
                    for p, s in zip(block, signs):
                        dlt[p] = s * r * scale
                    deltas.append(dlt)
            for p in wpos + hpos:  # single coordinates
                for s in (1, -1):
                    dlt = [Fr(0)] * n
                    dlt[p] = s * r * scale
                    deltas.append(dlt)
    for dlt in deltas:
        Lp = spec.loss_at(*_perturbed(spec, dlt))
        assert Lp >= L0, (dlt, Lp, L0)


def witness_points():
    return st.one_of(random_points(), structural_points())


@settings(max_examples=60, **SETTINGS)
@given(witness_points())
def test_descent_and_ascent_witnesses_by_own_evaluation(spec: Spec) -> None:
    cert = certify(spec)
    v = cert.verdict.value
    if v in (NOT_STATIONARY, SADDLE):
        assert cert.descent is not None
        coeffs = check_path(spec, cert, cert.descent, "descent")
        first = next(c for c in coeffs[1:] if c != 0)
        assert first < 0
    else:
        assert cert.descent is None
    if v == SADDLE:
        assert cert.ascent is not None
        coeffs = check_path(spec, cert, cert.ascent, "ascent")
        assert next(c for c in coeffs[1:] if c != 0) > 0
        # at a stationary point every one-sided directional derivative is >= 0, so a
        # descent path starts with c1 = 0
        assert fr(cert.descent.coefficients[1]) == 0
    else:
        assert cert.ascent is None


def scalar_saddles():
    return st.one_of(origin_points(J=1), lsq_points(J=1, n_zero=1), lsq_points(J=1, n_zero=2),
                     teacher_points(), kink_points(J=1)).filter(lambda s: s.expected == SADDLE)


@settings(max_examples=40, **SETTINGS)
@given(scalar_saddles())
def test_scalar_saddle_descent_is_second_order_corollary_4_4(spec: Spec) -> None:
    cert = certify(spec)
    assert cert.verdict.value == SADDLE
    path = cert.descent
    coeffs = check_path(spec, cert, path, "descent")  # our own interpolation
    c1, c2 = coeffs[1], coeffs[2]
    assert c1 == 0 and c2 < 0  # Corollary 4.4: second-order decrease
    norm_sq = sum((fr(x) ** 2 for x in list(path.dh) + list(path.dw)), Fr(0))
    C, n2, C_unit = path.corollary_4_4()
    assert (fr(C), fr(n2), fr(C_unit)) == (c2, norm_sq, c2 / norm_sq)
    assert cert.descent.neuron in cert.escape_neurons


@settings(max_examples=60, **SETTINGS)
@given(any_points())
def test_consistency_of_the_certificate(spec: Spec) -> None:
    cert = certify(spec)
    v = cert.verdict.value
    if v != UNDECIDED:
        assert (cert.stationary is False) == (v == NOT_STATIONARY)
    if v == NOT_STATIONARY:
        assert cert.escape_neurons == () and cert.radius is None
    if v == MINIMUM:
        assert cert.escape_neurons == () and cert.radius is not None
    if v == SADDLE:
        assert cert.escape_neurons != ()
    if cert.stationary is True and v != UNDECIDED and spec.J == 1:
        # Theorem 4.2 with |J| = 1: no escape neuron <=> (type-1) local minimum
        assert (cert.escape_neurons == ()) == (v == MINIMUM)
    assert cert.global_minimum == (spec.loss() == 0)
    # Theorem D.1 flag: false as soon as some rho(w_i.x_k) != 0
    some_active = any(rho(spec.act, dotf(w, x)) != 0 for w in spec.W for x in spec.X)
    assert cert.local_maximum_possible == (not some_active)
    assert all(0 <= i < spec.I for i in cert.escape_neurons)


@st.composite
def points_with_a_dead_neuron(draw) -> tuple[Spec, Spec, int]:
    """A point (inputs with a positive last coordinate) and the same point with one
    extra neuron strictly on the flat side of rho on every sample."""
    act = draw(st.sampled_from(ZERO_SLOPE_ACTS))
    base = draw(st.one_of(random_points(), lsq_points(act=act)))
    d = base.d
    if base.family == "random":  # give the inputs a positive last coordinate
        base = replace(base, X=tuple(x[:-1] + (draw(QPOS),) for x in base.X), act=act)
    X = base.X
    u = tuple(draw(Q) for _ in range(d - 1))
    xmin = min(x[-1] for x in X)
    bound = sum((abs(a * x[m]) for x in X for m, a in enumerate(u)), Fr(0)) / xmin
    flat_sign = -1 if act[1] == 0 else 1  # ReLU: negative side; (0, 1): positive side
    w = u + (flat_sign * (bound + draw(QPOS)),)
    for x in X:
        z = dotf(w, x)
        assert z != 0 and rho(act, z) == 0 and (z > 0) == (flat_sign > 0)
    pos = draw(st.integers(0, base.I))
    W = list(base.W)
    W.insert(pos, w)
    H = tuple(tuple(r[:pos]) + (draw(Q),) + tuple(r[pos:]) for r in base.H)
    return base, replace(base, W=tuple(W), H=H), pos


@settings(max_examples=50, **SETTINGS)
@given(points_with_a_dead_neuron())
def test_strictly_dead_neuron_is_never_an_escape_neuron(arg) -> None:
    # A neuron with every sample strictly on the flat side of rho has no kinks,
    # d_ji = sum (slope 0) e x = 0, hence phi_ji = 0 and F_i = 0 (DESIGN 5): it is
    # never an escape neuron, and adding it changes neither the outputs nor any
    # other neuron's quantities.
    base, spec, pos = arg
    assert spec.loss() == base.loss()
    c0, c1 = certify(base), certify(spec)
    assert pos not in c1.escape_neurons
    _same_verdict(c0, c1)
    shift = lambda i: i if i < pos else i + 1  # noqa: E731
    assert set(c1.escape_neurons) == {shift(i) for i in c0.escape_neurons}
    assert fr(c1.loss) == fr(c0.loss)
    if c1.verdict.value != UNDECIDED:
        assert_valid(c1)


# ----------------------------------------------------------------- the budget
def all_kink_problem(ys: Sequence[Fr], h: Fr = Fr(1)) -> Spec:
    """d = 3, one neuron w = (0, 0, 1), six samples in the plane w^perp in general
    position (no two parallel), so K0 = all samples and the six kink normals are
    linearly dependent inside the 2-dimensional tangent space."""
    X = tup([[1, 0, 0], [0, 1, 0], [1, 1, 0], [1, -1, 0], [1, 2, 0], [2, -1, 0]])
    return Spec((Fr(1), Fr(0)), X, tup([[y] for y in ys]), tup([[0, 0, 1]]), tup([[h]]),
                None, "all-kink")


def expected_all_kink(spec: Spec) -> str:
    """Independent decision.  All samples are on the kink, so yhat = 0, e = -y,
    d = 0 and dL/dh = 0; F(v) = h phi(v) with phi(v) = sum_k e_k relu(x_k.v) on the
    plane T = {v3 = 0}.  In 2-D a piecewise-linear positively homogeneous F is
    >= 0 iff it is >= 0 on both rays orthogonal (inside T) to every kink normal.
    With |J| = 1 and h != 0, F = 0 <=> phi = 0, so there is no escape neuron:
    stationary => type-1 minimum (Theorem 4.2)."""
    e = [r[0] for r in spec.residuals()]
    h = spec.H[0][0]
    rays = []
    for x in spec.X:
        rays += [(-x[1], x[0], Fr(0)), (x[1], -x[0], Fr(0))]
    Fvals = [h * sum((ek * rho(spec.act, dotf(x, v)) for x, ek in zip(spec.X, e)), Fr(0))
             for v in rays]
    return MINIMUM if min(Fvals) >= 0 else NOT_STATIONARY


def test_budget_one_gives_undecided_and_default_budget_decides() -> None:
    spec = all_kink_problem([Fr(1), Fr(-2), Fr(3), Fr(-1, 2), Fr(2), Fr(-3)])
    cert = certify(spec, budget=1)
    if cert.verdict.value == UNDECIDED:
        assert cert.reason and "budget" in cert.reason
        assert cert.stationary is None
        assert cert.budget_limit == 1
    else:  # decided without enumeration: it must then be right
        assert cert.verdict.value == expected_all_kink(spec)
    assert_valid(cert)
    full = certify(spec)
    assert full.verdict.value != UNDECIDED
    assert full.verdict.value == expected_all_kink(spec)
    assert fr(full.loss) == spec.loss()
    assert_valid(full)


@settings(max_examples=25, **SETTINGS)
@given(st.lists(Q.filter(lambda q: q != 0), min_size=6, max_size=6),
       Q.filter(lambda q: q != 0))
def test_all_kink_neuron_budget(ys: list[Fr], h: Fr) -> None:
    spec = all_kink_problem(ys, h)
    want = expected_all_kink(spec)
    small = certify(spec, budget=1)
    if small.verdict.value == UNDECIDED:
        assert small.reason and "budget" in small.reason.lower()
    else:
        assert small.verdict.value == want
    full = certify(spec)
    assert full.verdict.value == want
    if want == NOT_STATIONARY:
        coeffs = check_path(spec, full, full.descent, "descent")
        assert coeffs[1] < 0  # a negative tangential slope F(v) < 0: first order
    assert_valid(small)
    assert_valid(full)


@settings(max_examples=120, **SETTINGS)
@given(oracle_points())
def test_verdict_matches_brute_force_oracle(spec: Spec) -> None:
    want = oracle(spec)
    if spec.expected is not None:  # two independent predictions must agree
        assert want == spec.expected
    cert = certify(spec)
    assert cert.verdict.value in want.split("|"), (spec.family, want)
    assert fr(cert.loss) == spec.loss()
    assert_valid(cert)

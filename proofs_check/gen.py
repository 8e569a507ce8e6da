"""Strategies for exact instances (small rationals, any ``α±``), on :mod:`.sampling`.

* :func:`random_nets` — arbitrary points, with zero neurons and neurons placed
  exactly on kinks (``w_i ⟂ x_k``), ``d ∈ {2, 3}``, ``|J| ∈ {1, 2}``.
* :func:`ls_family` — stationary points *by construction* (d = 2): inputs
  ``(x_k, 1)``; the network function on the data is the least-squares line of
  every output (normal equations ``Σ_k e_kj x_k = 0``), made of a neuron on
  the kink of an extreme sample (whose activation ``α⁺ s (x_m − x)`` is affine
  on the data), two neurons active on every sample, optionally a zero neuron
  and (ReLU) a dead neuron. The kink neuron's ``F(λ x_m) = Σ_j h_j e_mj ‖x_m‖²
  (α⁻ − α⁺) λ·1{λ<0}``, so its output weights choose between a type-1
  minimum, a saddle (``Σ_j h_j e_mj = 0``: an escape neuron, with ``h ≠ 0``
  when |J| = 2) and a non-stationary point.
* :func:`teacher_family` — :func:`exactland.testing.instances.teacher_stationary_point`
  (d = 2; its facts are re-derived by the checks, not trusted).
* :func:`origin_family` — ``W = 0, H = 0`` on random data.
"""
from __future__ import annotations

from fractions import Fraction
from typing import Any

from . import sampling as st
from .net import Net, dot, perp

__all__ = ["ACTIVATIONS", "random_nets", "ls_family", "teacher_family", "origin_family",
           "stationary_family", "rat"]

#: (α⁺, α⁻) pairs: ReLU, leaky ReLU, absolute value, and unusual slopes (α⁺ ≤ 0 too).
ACTIVATIONS: tuple[tuple[Fraction, Fraction], ...] = (
    (Fraction(1), Fraction(0)), (Fraction(1), Fraction(1, 10)), (Fraction(1), Fraction(-1)),
    (Fraction(2), Fraction(-1, 2)), (Fraction(-1), Fraction(1, 3)), (Fraction(1, 2), Fraction(3)),
    (Fraction(0), Fraction(1)),
)


def rat(lo: int, hi: int, den: int) -> st.Strategy:
    """Rationals ``n/den`` with ``lo ≤ n ≤ hi``."""
    return st.integers(lo, hi).map(lambda n: Fraction(n, den))


def _cross(a: tuple, b: tuple) -> tuple:
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


@st.composite
def random_nets(draw: Any, dims: tuple[int, ...] = (2, 3), max_k: int = 4, max_i: int = 3,
                max_j: int = 2, activations: tuple = ACTIVATIONS) -> Net:
    """An arbitrary exact point with kinks and zero neurons."""
    ap, am = draw(st.sampled_from(activations))
    d = draw(st.sampled_from(dims))
    K = draw(st.integers(1, max_k))
    I = draw(st.integers(1, max_i))  # noqa: E741
    J = draw(st.integers(1, max_j))
    x = rat(-8, 8, 4)
    X = [tuple(draw(x) for _ in range(d)) for _ in range(K)]
    Y = [tuple(draw(x) for _ in range(J)) for _ in range(K)]
    W = []
    for _ in range(I):
        kind = draw(st.sampled_from(["random", "zero", "kink", "kink", "kink2"]))
        w = tuple(draw(x) for _ in range(d))
        k = draw(st.integers(0, K - 1))
        c = draw(st.sampled_from([Fraction(1), Fraction(-2), Fraction(1, 3)]))
        if kind == "zero":
            w = (Fraction(0),) * d
        elif kind in ("kink", "kink2") and any(X[k]):
            if d == 2:
                w = tuple(c * a for a in perp(X[k]))
            else:
                other = X[(k + 1) % K] if kind == "kink2" else w
                cr = _cross(X[k], other)
                if any(cr):
                    w = tuple(c * a for a in cr)
        W.append(w)
    H = [[draw(st.sampled_from([Fraction(0), Fraction(1), Fraction(-3, 2), Fraction(1, 2)]))
          for _ in range(I)] for _ in range(J)]
    return Net.make(ap, am, X, Y, W, H)


def _ls_line(xs: list[Fraction], ys: list[Fraction]) -> tuple[Fraction, Fraction]:
    """Least-squares ``(a, b)`` of ``y ≈ a x + b`` (exact normal equations)."""
    K = len(xs)
    sx, sy = sum(xs, Fraction(0)), sum(ys, Fraction(0))
    sxx = sum((x * x for x in xs), Fraction(0))
    sxy = sum((x * y for x, y in zip(xs, ys)), Fraction(0))
    det = sxx * K - sx * sx
    return (sxy * K - sx * sy) / det, (sxx * sy - sx * sxy) / det


@st.composite
def ls_family(draw: Any, modes: tuple[str, ...] = ("type1", "type1", "escape", "any"),
              J_values: tuple[int, ...] = (1, 2), extras: bool = True,
              ap_values: tuple = (Fraction(1), Fraction(2), Fraction(1, 2)),
              am_values: tuple = (Fraction(0), Fraction(0), Fraction(1, 10), Fraction(-1), Fraction(3))) -> Net:
    """A stationary point by construction (see the module docstring), d = 2.

    ``mode``: ``type1`` (kink neuron with ``Σ_j h_j e_mj (α⁺−α⁻) > 0`` or flat),
    ``escape`` (``Σ_j h_j e_mj = 0``), ``any`` (output weights unconstrained:
    possibly not stationary).
    """
    ap = draw(st.sampled_from(ap_values))
    am = draw(st.sampled_from([a for a in am_values if a != ap]))
    K = draw(st.integers(3, 5))
    ns = sorted(draw(st.sets(st.integers(-10, 10), min_size=K, max_size=K)))
    xs = [Fraction(n, 10) for n in ns]
    J = draw(st.sampled_from(J_values))
    Ys = [[draw(rat(-20, 20, 20)) for _ in range(K)] for _ in range(J)]
    lines = [_ls_line(xs, ys) for ys in Ys]
    E = [[a * x + b - y for x, y in zip(xs, ys)] for (a, b), ys in zip(lines, Ys)]
    at_max = draw(st.booleans())
    m = K - 1 if at_max else 0
    s0 = draw(st.sampled_from([Fraction(1), Fraction(1, 2), Fraction(3)]))
    w0 = (-s0, s0 * xs[m]) if at_max else (s0, -s0 * xs[m])
    mode = draw(st.sampled_from(modes))
    em = [E[j][m] for j in range(J)]
    h0 = [draw(st.sampled_from([Fraction(1), Fraction(-1), Fraction(1, 4), Fraction(-2)]))
          for _ in range(J)]
    if mode == "escape":
        if J == 1:
            h0 = [Fraction(0)]
        else:
            t = draw(st.sampled_from([Fraction(1), Fraction(-3, 2)]))
            h0 = [t * c for c in perp(tuple(em))] if any(em) else h0
    elif mode == "type1":
        if dot(h0, em) * (ap - am) < 0:
            h0 = [-c for c in h0]
    # activation of neuron 0 on the data: ap s0 (x_m - x) (max) or ap s0 (x - x_m) (min)
    C = 1 + max(abs(x) for x in xs) + draw(st.sampled_from([Fraction(0), Fraction(1, 2)]))
    cA = draw(st.sampled_from([Fraction(1), Fraction(2)]))
    cB = draw(st.sampled_from([Fraction(1), Fraction(1, 3)]))
    hA, hB = [], []
    for j, (a, b) in enumerate(lines):
        g = ap * s0 * h0[j]
        p, qq = (a + g, b - g * xs[m]) if at_max else (a - g, b + g * xs[m])
        hA.append(p / (ap * cA))
        hB.append((qq - p * C) / (ap * cB))
    W = [w0, (cA, cA * C), (Fraction(0), cB)]
    H = [[h0[j], hA[j], hB[j]] for j in range(J)]
    if extras and draw(st.sampled_from([False, False, True])):
        W.append((Fraction(0), Fraction(0)))
        for row in H:
            row.append(Fraction(0))
    if extras and am == 0 and draw(st.booleans()):
        W.append((draw(rat(-2, 2, 2)), -C - 2))
        for row in H:
            row.append(draw(rat(-4, 4, 2)))
    X = [(x, Fraction(1)) for x in xs]
    Y = [tuple(Ys[j][k] for j in range(J)) for k in range(K)]
    net = Net.make(ap, am, X, Y, W, H)
    # the construction fits the least-squares lines exactly (not a trusted fact: re-checked)
    assert all(net.E[k][j] == E[j][k] for k in range(K) for j in range(J))
    return net


@st.composite
def teacher_family(draw: Any, zero: tuple[int, ...] = (0, 1)) -> Net:
    """exactland's teacher construction at d = 2 (stationary by design)."""
    from exactland.testing.instances import teacher_stationary_point

    seed = draw(st.integers(0, 10_000))
    nz = draw(st.sampled_from(zero))
    inst = teacher_stationary_point(seed, dim=2, n_samples=5, n_living=1, n_kink=1, n_dead=1,
                                    n_zero=nz, n_unfit=1)
    return Net.from_problem(inst.problem)


@st.composite
def origin_family(draw: Any, J_values: tuple[int, ...] = (1, 2),
                  activations: tuple = ACTIVATIONS[:6]) -> Net:
    """``W = 0, H = 0`` (always stationary) on random data with a bias coordinate."""
    ap, am = draw(st.sampled_from(activations))
    K = draw(st.integers(2, 4))
    J = draw(st.sampled_from(J_values))
    I = draw(st.integers(1, 2))  # noqa: E741
    X = [(draw(rat(-10, 10, 10)), Fraction(1)) for _ in range(K)]
    Y = [tuple(draw(rat(-10, 10, 10)) for _ in range(J)) for _ in range(K)]
    return Net.make(ap, am, X, Y, [(0, 0)] * I, [[0] * I for _ in range(J)])


def stationary_family(J_values: tuple[int, ...] = (1, 2)) -> st.Strategy:
    """Stationary points of all three constructions (mostly the least-squares family)."""
    return st.one_of(ls_family(J_values=J_values, modes=("type1",)), ls_family(J_values=J_values),
                     teacher_family(), origin_family(J_values=J_values))

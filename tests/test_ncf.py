"""Tests of exactland.ncf: the NCF and its exact KKT points (Kumar & Haupt, DESIGN.md §13)."""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from exactland.builtin.examples import load_example
from exactland.ncf import kkt_points, ncf_from_data, ncf_of


def _circle(n: int) -> list[tuple[Fraction, Fraction]]:
    """Exact rational points on the unit circle: ((1−t²)/(1+t²), 2t/(1+t²)), t = ±m/n, plus (−1, 0)."""
    pts = [(Fraction(-1), Fraction(0))]
    for m in range(-4 * n, 4 * n + 1):
        t = Fraction(m, n)
        pts.append(((1 - t * t) / (1 + t * t), 2 * t / (1 + t * t)))
    return pts


def test_hand_derived_quadrant() -> None:
    # ReLU, x1 = (1,0), x2 = (0,1), targets 1, 2 at the origin: e = ŷ − y = (−1, −2).
    # N(u) = −ρ(u₁) − 2ρ(u₂). On the open quadrant N = −u₁ − 2u₂, gradient (−1,−2):
    # interior minimum at u = (1,2)/√5 with N = −√5 (h > 0 grows, h·N < 0).
    # Elsewhere N ≥ −max(u₁,u₂,0)·…; on u₂ = 0, u₁ = 1 the face value is −1 (other),
    # the quadrant u ≤ 0 has N ≡ 0 (no isolated KKT point reported).
    pts = kkt_points(ncf_from_data([[1, 0], [0, 1]], [[-1], [-2]], (1, 0)))
    top = pts[0]
    assert [str(c) for c in top.direction()] == ["sqrt(5)/5", "2*sqrt(5)/5"]
    assert str(top.value) == "-sqrt(5)" and top.kind == "local-min" and top.grows == 1


def test_sign_convention_numerically() -> None:
    # L = ½Σ(ŷ−y)², ŷ_k = h ρ(w·x_k): ∂L/∂h = Σ e_k ρ(w·x_k) = N(w) (e at h = 0).
    X = np.array([[1.0, 0.0], [0.0, 1.0]]); Y = np.array([1.0, 2.0])
    w = np.array([0.3, 0.7]); eps = 1e-6
    loss = lambda h: 0.5 * ((h * np.maximum(X @ w, 0) - Y) ** 2).sum()
    dh = (loss(eps) - loss(-eps)) / (2 * eps)
    N = ncf_from_data([[1, 0], [0, 1]], [[-1], [-2]], (1, 0))
    assert math.isclose(dh, float(N((Fraction(3, 10), Fraction(7, 10)))[0]), rel_tol=1e-6)


def _brute(ncf, pts) -> None:
    """Every local max/min on a fine rational grid is near a reported KKT point of that kind."""
    grid = _circle(40)
    vals = [ncf(u)[0] for u in grid]  # exact
    n = len(grid)
    order = sorted(range(n), key=lambda i: math.atan2(float(grid[i][1]), float(grid[i][0])))
    for a, i in enumerate(order):
        l, r = vals[order[a - 1]], vals[order[(a + 1) % n]]
        kind = "local-max" if vals[i] > l and vals[i] > r else "local-min" if vals[i] < l and vals[i] < r else None
        if kind is None:
            continue
        ang = math.atan2(float(grid[i][1]), float(grid[i][0]))
        near = [p for p in pts if p.kind == kind and abs(math.remainder(
            ang - math.atan2(p.direction_float()[1], p.direction_float()[0]), 2 * math.pi)) < 0.1]
        assert near, (kind, ang)
        # the exact KKT value is at least as extreme as every grid value (norm² comparison)
        v, g = near[0].value, vals[i]
        assert (v >= g) if kind == "local-max" else (v <= g)


def test_brute_force_origin_saddle() -> None:
    ncf = ncf_of(load_example("origin-saddle"))
    pts = kkt_points(ncf)
    _brute(ncf, pts)
    assert [p.kind for p in pts].count("local-max") == 2


def test_degenerate_face_kkt() -> None:
    # Absolute value, x = (1,0), (0,1), (0,−1), e = (1, −1, −1): N(u) = |u₁| − 2|u₂|.
    # Cells are open quadrants with gradients (±1, ∓2)…: no interior stationary point
    # in its own quadrant except where P g lies in the cell; the maxima are on the face
    # u₂ = 0 (samples 1 and 2 are kinks): u = (±1, 0) with N = 1, both local maxima.
    ncf = ncf_from_data([[1, 0], [0, 1], [0, -1]], [[1], [-1], [-1]], (1, -1))
    pts = kkt_points(ncf)
    maxima = sorted(tuple(str(c) for c in p.direction()) for p in pts if p.kind == "local-max")
    assert maxima == [("-1", "0"), ("1", "0")]
    assert all(p.zero == (1, 2) for p in pts if p.kind == "local-max")
    _brute(ncf, pts)


def test_multi_output() -> None:
    # Two outputs, x = (1,0), (0,1), ReLU, e = ((−1,0), (0,−1)): on the quadrant N(u) = −u,
    # ‖N(u)‖ = 1 for every unit u in it (a continuum, skipped); with e₂ = (0,−2)
    # N = (−u₁, −2u₂) and the maximum of ‖N‖ is at u = (0,1) (face), value 2.
    ncf = ncf_from_data([[1, 0], [0, 1]], [[-1, 0], [0, -2]], (1, 0))
    pts = kkt_points(ncf)
    top = [p for p in pts if p.kind == "local-max"]
    assert [tuple(str(c) for c in p.direction()) for p in top] == [("0", "1")]
    assert str(top[0].value) == "2"


def test_escape_iff_ncf_nonzero() -> None:
    import exactland
    p = load_example("origin-saddle")
    cert = exactland.certify(p)
    assert set(cert.escape_neurons) == set(range(p.n_neurons))
    assert kkt_points(ncf_of(p))


def test_gradient_descent_origin_saddle() -> None:
    # Section 4.1.1: from small init, GD on origin-saddle first grows along the NCF's
    # global minimiser (h > 0), u* = (−7, 5)/√74 (angle 144.46°). Tolerance 2°.
    from exactland.dynamics.config import TrainConfig
    from exactland.dynamics.run import train
    ds = load_example("origin-saddle").dataset
    rng = np.random.default_rng(0)
    W0 = rng.normal(scale=1e-6, size=(8, 2)); H0 = rng.normal(scale=1e-6, size=(1, 8))
    cfg = TrainConfig(width=8, init_std=0.0, lr=0.05, steps=30000, loss="half-sse",
                      log_every=1000, checkpoint_every=30000, engine="numpy")
    r = train(ds, cfg, init=(W0, H0))
    W, H = r.raw.W[-1, 0], r.raw.H[-1, 0]
    i = int(np.argmax(np.linalg.norm(W, axis=1)))
    u = W[i] / np.linalg.norm(W[i])
    best = kkt_points(ncf_of(load_example("origin-saddle")))[0]
    assert H[0, i] > 0 and best.grows == 1
    assert math.degrees(math.acos(float(np.dot(u, best.direction_float())))) < 2.0

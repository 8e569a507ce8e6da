"""Benchmark: exact certification vs. a float64 NumPy loss-plus-gradient.

Run:  python benchmarks/bench_certify.py [--repeat N]

Prints a table with the median wall time of ``exactland.core.classify`` on
(a) the 50-neuron, 5-sample network of Section 4.1.1 at two stationary points
    (the origin, a saddle; and the zero-loss interpolant with each of its 5
    neurons replicated 10 times, a type-1 minimum), and
(b) a generated 1000-neuron, 200-sample, d = 10 stationary rational point
    (``exactland.testing.instances.teacher_stationary_point``: 150 neurons on kinks,
    100 dead, 50 zero, 10 unfittable samples), once as a saddle and once
    without zero neurons (type-1 minimum, so the radius is computed),
together with the float64 evaluation of the same loss and full gradient, and
the ratio of the two, all measured in one run. "cold" includes converting the
problem's rationals to integer form (cached on the problem afterwards).
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

import exactland
from exactland.builtin.examples import load_example
from exactland.testing.instances import teacher_stationary_point
from exactland.exact.scalars import to_float
from exactland.core.problem import Problem


def float_loss_grad(W: np.ndarray, H: np.ndarray, X: np.ndarray, Y: np.ndarray, ap: float, am: float):
    """Loss ½Σe² and its gradient in float64 (the baseline)."""
    Z = W @ X.T
    S = np.where(Z > 0, ap, am)
    A = S * Z
    E = (H @ A).T - Y
    loss = 0.5 * float((E * E).sum())
    gH = E.T @ A.T
    gW = ((H.T @ E.T) * S) @ X
    return loss, gW, gH


def _arr(m) -> np.ndarray:
    return np.array([[to_float(x) for x in row] for row in m], dtype=np.float64)


def _median(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _fresh(p: Problem) -> Problem:
    return Problem(p.activation, p.X, p.Y, p.W, p.H)


def cases() -> list[tuple[str, Problem]]:
    origin = load_example("origin-saddle")
    origin50 = origin.with_params([[0, 0]] * 50, [[0] * 50])
    interp = load_example("interpolating-minimum")
    W = [row for row in interp.W for _ in range(10)]
    H = [[h / 10 for h in interp.H[0] for _ in range(10)]]
    interp50 = interp.with_params(W, H)
    big = dict(dim=10, n_samples=200, n_living=700, n_kink=150, n_dead=100, n_unfit=10)
    saddle = teacher_stationary_point(0, n_zero=50, **big).problem
    minimum = teacher_stationary_point(0, n_zero=0, **{**big, "n_living": 750}).problem
    return [
        ("(a) Sec. 4.1.1 origin, 50 neurons", origin50),
        ("(a) Sec. 4.1.1 interpolant x10, 50 neurons", interp50),
        ("(b) teacher 1000x200xd10, saddle", saddle),
        ("(b) teacher 1000x200xd10, type-1 min", minimum),
    ]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    print(f"{'case':44s} {'verdict':15s} {'certify ms':>10s} {'cold ms':>9s} {'float64 ms':>10s} {'ratio':>7s}")
    for name, p in cases():
        cert = exactland.certify(p)
        warm = _median(lambda: exactland.certify(p), args.repeat)
        cold = _median(lambda: exactland.certify(_fresh(p)), max(3, args.repeat // 2))
        W, H, X, Y = _arr(p.W), _arr(p.H), _arr(p.X), _arr(p.Y)
        a_p, a_m = to_float(p.activation.alpha_plus), to_float(p.activation.alpha_minus)
        flt = _median(lambda: float_loss_grad(W, H, X, Y, a_p, a_m), max(args.repeat, 50))
        print(
            f"{name:44s} {cert.verdict.value:15s} {warm * 1e3:10.1f} {cold * 1e3:9.1f} "
            f"{flt * 1e3:10.3f} {warm / flt:7.0f}"
        )


if __name__ == "__main__":
    main()

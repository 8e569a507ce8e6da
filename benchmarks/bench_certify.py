"""Benchmark: exact certification vs. a float64 NumPy loss-plus-gradient.

Run:  python benchmarks/bench_certify.py [--repeat N] [--big] [--rss] [--profile] [--only SUBSTRING]

Prints a table with the wall time of ``exactland.certify`` on

(a) the 50-neuron, 5-sample network of Section 4.1.1 at two stationary points
    (the origin, a saddle; the zero-loss interpolant with each of its 5
    neurons replicated 10 times, a type-1 minimum);
(b) generated stationary rational points of the teacher construction
    (``exactland.testing.instances``: 70 % living, 15 % on a kink, 10 % dead,
    5 % zero neurons, 10 unfittable samples), each once as a saddle (with zero
    neurons) and once as a type-1 minimum (no zero neuron, so the radius is
    computed), at 1000x200xd10, 4000x1000xd20 and, with ``--big``,
    10000x2000xd40;

together with the float64 evaluation of the same loss and full gradient, the
ratios, and the peak memory of one cold certification, all measured in one
run. Times are the *minimum* over the repeats (the machine is shared; the
minimum is the least disturbed run), and the float, warm and cold runs are
interleaved so that all three see the same load; the float64 time is also
measured alone first (NumPy's large temporaries are page-faulted afresh when
the allocator has returned memory to the system, so the float time depends on
what ran just before it; its best time is taken). "warm" certifies a problem whose integer
form is cached; "cold" certifies a fresh copy of the problem, so it includes
converting the rationals to integer form. "peak MB" is the tracemalloc peak
of one cold certification (NumPy's buffers included), above the memory the
loaded problem already holds; with ``--rss``, "RSS MB" is the peak resident
memory (VmHWM) of a fresh Python process that loads the problem's JSON file and
certifies it (interpreter, libraries and the parsed problem included). The 1000x200xd10 points come from
``teacher_stationary_point`` itself; the larger ones from the same
construction written with integer NumPy arrays (``teacher_fast``), because the
pure-Python generator needs minutes there.
"""
from __future__ import annotations

import argparse
import pathlib
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc

import numpy as np
from flint import fmpq

import exactland
from exactland.builtin.examples import load_example
from exactland.core.activation import Activation
from exactland.core.problem import Problem
from exactland.exact.intmat import matmul
from exactland.exact.scalars import to_float
from exactland.testing.instances import teacher_stationary_point


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


def _best(fn, repeat: int) -> float:
    """The minimum wall time of ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


# Peak resident memory of a fresh process that loads a problem file and certifies it:
# VmHWM of /proc/self/status (Linux), else ru_maxrss.
_RSS = ("import resource, sys, exactland\n"
        "v = exactland.certify(exactland.load(sys.argv[1])).verdict.value\n"
        "try:\n"
        "    kb = next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM:'))\n"
        "except (OSError, StopIteration):\n"
        "    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print(v, kb)\n")


def _rss_mb(p: Problem) -> float:
    """Peak RSS (MB) of a fresh Python process that loads ``p``'s file and certifies it."""
    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(tmp) / "problem.json"
        path.write_text(p.to_json(indent=None))
        out = subprocess.run([sys.executable, "-c", _RSS, str(path)], capture_output=True, text=True,
                             check=True)
    return int(out.stdout.split()[1]) / 1024


def _peak_mb(fn) -> float:
    """tracemalloc peak (MB) of one call, above what was allocated before it."""
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return (peak - base) / 2**20


def _fresh(p: Problem) -> Problem:
    return Problem(p.activation, p.X, p.Y, p.W, p.H)


def _fmpq_matrix(num: np.ndarray, den: int) -> tuple[tuple[fmpq, ...], ...]:
    return tuple(tuple(fmpq(int(v), den) for v in row) for row in num.tolist())


def teacher_fast(seed: int, *, dim: int, n_samples: int, n_living: int, n_kink: int,
                 n_dead: int, n_zero: int, n_unfit: int) -> Problem:
    """The teacher construction of ``exactland.testing.instances`` in integer NumPy.

    Inputs ``x = (x', 1)`` with ``x' ∈ [-1, 1]^(d-1)`` in steps of 1/100
    (unfittable ones near ``-10·(1, …, 1)``), living ``w = (u, β)`` with
    ``u ∈ {1/2, …, 9/2}``, kink neurons ``w = (u, −u·x'_k)``, dead ones negative
    on every sample, zero neurons ``w = 0, h = 0``; targets are the teacher's
    outputs on fitted samples. Everything is computed on integers (X over 100,
    W over 200, h over 10), so the point is exactly the construction's.
    """
    rng = np.random.default_rng(seed)
    nf, e = n_samples - n_unfit, dim - 1
    Xp = np.concatenate([rng.integers(-100, 101, (nf, e)), -1000 + rng.integers(-50, 51, (n_unfit, e))])
    Xn = np.concatenate([Xp, np.full((n_samples, 1), 100)], axis=1)  # X = Xn / 100
    U = rng.integers(1, 10, (n_living + n_kink, e)) * 100  # u over 200
    beta = rng.integers(-100, 101, n_living) * 2
    ks = rng.integers(0, nf, n_kink)
    kink_num = -(U[n_living:] * Xp[ks]).sum(axis=1)  # over 200*100
    Wl = np.concatenate([U[:n_living] * 100, (beta * 100)[:, None]], axis=1)  # over 20000
    Wk = np.concatenate([U[n_living:] * 100, kink_num[:, None]], axis=1)
    Wd = np.concatenate([rng.integers(-3, 4, (n_dead, e)) * 20000,
                         np.full((n_dead, 1), -(3 * 101 * e + 1) * 20000)], axis=1)
    Wn = np.concatenate([Wl, Wk, Wd, np.zeros((n_zero, dim), dtype=np.int64)])  # W = Wn / 20000
    hn = rng.choice([-1, 1], len(Wn)) * rng.integers(1, 21, len(Wn))
    hn[len(Wn) - n_zero:] = 0
    Z = matmul(Wn, Xn.T, True)  # over 2_000_000; exact (int64 under a proved bound, else Python ints)
    out = matmul(np.maximum(Z, 0).T, hn[:, None], True)[:, 0]  # over 20_000_000
    if ((Z[: len(Wn) - n_zero, nf:] >= 0)).any():
        raise RuntimeError("an unfittable sample is not inactive")
    Y = [(fmpq(int(v), 20_000_000),) for v in out[:nf]]
    Y += [(fmpq(int(s * m), 10),) for s, m in zip(rng.choice([-1, 1], n_unfit), rng.integers(1, 11, n_unfit))]
    return Problem(Activation(fmpq(1), fmpq(0)), _fmpq_matrix(Xn, 100), tuple(Y),
                   _fmpq_matrix(Wn, 20000), (tuple(fmpq(int(v), 10) for v in hn),))


def _mix(n: int, K: int, d: int, zero: bool) -> dict[str, int]:
    n_kink, n_dead = 15 * n // 100, 10 * n // 100
    n_zero = 5 * n // 100 if zero else 0
    return dict(dim=d, n_samples=K, n_living=n - n_kink - n_dead - n_zero, n_kink=n_kink,
                n_dead=n_dead, n_zero=n_zero, n_unfit=10)


def cases(big: bool) -> list[tuple[str, Problem]]:
    origin = load_example("origin-saddle")
    origin50 = origin.with_params([[0, 0]] * 50, [[0] * 50])
    interp = load_example("interpolating-minimum")
    W = [row for row in interp.W for _ in range(10)]
    H = [[h / 10 for h in interp.H[0] for _ in range(10)]]
    out = [
        ("(a) Sec. 4.1.1 origin, 50 neurons", origin50),
        ("(a) Sec. 4.1.1 interpolant x10, 50 neurons", interp.with_params(W, H)),
    ]
    for zero, kind in ((True, "saddle"), (False, "type-1 min")):
        out.append((f"(b) teacher 1000x200xd10, {kind}", teacher_stationary_point(0, **_mix(1000, 200, 10, zero)).problem))
    sizes = [(4000, 1000, 20)] + ([(10000, 2000, 40)] if big else [])
    for n, K, d in sizes:
        for zero, kind in ((True, "saddle"), (False, "type-1 min")):
            out.append((f"(b) teacher {n}x{K}xd{d}, {kind}", teacher_fast(0, **_mix(n, K, d, zero))))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--big", action="store_true", help="also 10000x2000xd40")
    ap.add_argument("--profile", action="store_true", help="cProfile one cold certify per case")
    ap.add_argument("--only", default="", help="only the cases whose name contains this")
    ap.add_argument("--rss", action="store_true",
                    help="also the peak RSS of a fresh process loading the problem file and certifying it")
    args = ap.parse_args()
    print(f"{'case':44s} {'verdict':15s} {'warm ms':>9s} {'cold ms':>9s} {'float64 ms':>10s} "
          f"{'warm/f':>7s} {'cold/f':>7s} {'peak MB':>8s}" + (f" {'RSS MB':>7s}" if args.rss else ""))
    for name, p in cases(args.big):
        if args.only not in name:
            continue
        cert = exactland.certify(p)
        # small cases are cheap and the most disturbed by other load: more repeats
        rep = (5 * args.repeat if p.n_neurons <= 1000 else args.repeat if p.n_neurons <= 4000
               else max(3, args.repeat // 2))
        W, H, X, Y = _arr(p.W), _arr(p.H), _arr(p.X), _arr(p.Y)
        a_p, a_m = to_float(p.activation.alpha_plus), to_float(p.activation.alpha_minus)
        flt = _best(lambda: float_loss_grad(W, H, X, Y, a_p, a_m), 4 * rep)  # alone, then interleaved
        warm = cold = float("inf")
        for _ in range(rep):  # interleaved, so that exact and float runs see the same load
            flt = min(flt, _best(lambda: float_loss_grad(W, H, X, Y, a_p, a_m), 5))
            warm = min(warm, _best(lambda: exactland.certify(p), 1))
            cold = min(cold, _best(lambda: exactland.certify(_fresh(p)), 1))
        q = _fresh(p)
        peak = _peak_mb(lambda: exactland.certify(q))
        print(
            f"{name:44s} {cert.verdict.value:15s} {warm * 1e3:9.1f} {cold * 1e3:9.1f} "
            f"{flt * 1e3:10.3f} {warm / flt:7.1f} {cold / flt:7.1f} {peak:8.1f}"
            + (f" {_rss_mb(p):7.0f}" if args.rss else ""), flush=True
        )
        if args.profile:
            import cProfile
            import pstats
            q = _fresh(p)
            cProfile.runctx("exactland.certify(q)", globals(), {"q": q, "exactland": exactland}, "/tmp/prof")
            pstats.Stats("/tmp/prof").sort_stats("cumulative").print_stats(25)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak RSS (generation of every case included): {rss:.0f} MB")


if __name__ == "__main__":
    main()

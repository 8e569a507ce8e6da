"""Benchmark: snapping converged gradient-descent endpoints of teacher–student runs.

Run:  python benchmarks/bench_snap.py [--quick] [--seeds N] [--float32]
      python benchmarks/bench_snap.py --run RUN_DIR   # every final point of a run folder, float64 and float32

A generated *teacher* ``y = H_t ρ(W_t x)`` of width m (ReLU, one-decimal
weights, so the targets are exact rationals with denominator 100) labels
|K| inputs ``x_k = (z_k, 1)`` (``z_k`` one-decimal Gaussians in d − 1
coordinates, the last coordinate the paper's constant-1 bias input). Students
of width below m, equal to m and above m are trained by the float path
(:func:`exactland.dynamics.train.gradient_descent`, small initialisation, MSE)
over several seeds. An endpoint is *converged* when its float gradient is
small (``‖∇‖_∞ ≤ --grad-tol``, in the MSE convention); every converged endpoint
is snapped (:func:`exactland.dynamics.snap.snap`) and counted as snapped when
the snap returns a certified point (the certificate decides, exactly).

The printed table gives per case: the converged share, the share snapped, the
certified verdicts (``(isolated)``: a minimum at an irrational point,
isolated near a rational center, docs/isolation.md), the median and largest
snap time, the largest ∞-distance of a snap, and how many of the endpoints
that did *not* converge were snapped all the same (not counted in the share). ``--float32`` casts the endpoints to float32 (and back)
before snapping. Targets (issue 12): at least 95 % snapped, median snap < 2 s.
"""
from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import time
from collections import Counter
from fractions import Fraction

import numpy as np

from exactland.core.problem import Dataset, load_data
from exactland.dynamics.config import TrainConfig, numba_available
from exactland.dynamics.run import float_data
from exactland.dynamics.snap import snap
from exactland.dynamics.train import gradient_descent


@dataclasses.dataclass(frozen=True)
class Case:
    """One teacher: input dimension d (constant input included), samples K, outputs J, width m."""

    d: int
    K: int
    J: int
    m: int
    steps: int
    lr: float


QUICK = (Case(2, 40, 1, 3, 60_000, 5e-2), Case(4, 100, 2, 3, 60_000, 5e-2), Case(10, 200, 3, 3, 60_000, 5e-2))
FULL = QUICK + (Case(3, 200, 1, 4, 200_000, 5e-2), Case(6, 300, 2, 4, 200_000, 5e-2),
                Case(10, 500, 1, 4, 200_000, 5e-2), Case(10, 500, 3, 4, 200_000, 5e-2))


def _decimal(v: float) -> Fraction:
    return Fraction(round(v * 10), 10)


def teacher_data(case: Case, seed: int) -> Dataset:
    """Exact data labelled by a generated ReLU teacher of width ``case.m``."""
    rng = np.random.default_rng(1000 + seed)
    Z = [[_decimal(v) for v in rng.normal(size=case.d - 1)] + [Fraction(1)] for _ in range(case.K)]
    Wt = [[_decimal(v) for v in rng.normal(size=case.d)] for _ in range(case.m)]
    Ht = [[_decimal(v) or Fraction(1, 10) for v in rng.normal(size=case.m)] for _ in range(case.J)]
    Y = []
    for x in Z:
        act = [max(sum((w * c for w, c in zip(wi, x)), Fraction(0)), Fraction(0)) for wi in Wt]
        Y.append([str(sum((h * a for h, a in zip(hj, act)), Fraction(0))) for hj in Ht])
    return load_data({"activation": {"alpha_plus": 1, "alpha_minus": 0},
                      "X": [[str(c) for c in x] for x in Z], "Y": Y})


def mse_gradient_norm(W: np.ndarray, H: np.ndarray, X: np.ndarray, Y: np.ndarray) -> float:
    """``‖∇‖_∞`` of the MSE loss (mean over samples and outputs) at a float point (ρ'(0) = 0)."""
    Z = W @ X.T
    A = np.maximum(Z, 0.0)
    E = (H @ A).T - Y
    scale = 2.0 / E.size
    gH = scale * E.T @ A.T
    gW = scale * ((H.T @ E.T) * (Z > 0)) @ X
    return float(max(np.abs(gH).max(), np.abs(gW).max()))


def run_case(case: Case, width: int, seeds: int, grad_tol: float, float32: bool) -> dict:
    """Train ``seeds`` students of ``width`` on the case's teacher data; snap the converged ends."""
    ds = teacher_data(case, 0)
    X, Y, alpha = float_data(ds)
    cfg = TrainConfig(width=width, init_std=1e-3, lr=case.lr, steps=case.steps, seeds=tuple(range(seeds)),
                      log_every=case.steps // 10, checkpoint_every=case.steps,
                      engine="numba" if numba_available() else "numpy")
    raw = gradient_descent(X, Y, alpha, cfg)
    times, verdicts, dists, converged, early = [], Counter(), [], 0, Counter()
    for s in range(seeds):
        W, H = raw.W[-1, s], raw.H[-1, s]
        if not (np.isfinite(W).all() and np.isfinite(H).all()):
            continue
        if float32:
            W, H = W.astype(np.float32).astype(np.float64), H.astype(np.float32).astype(np.float64)
        done = mse_gradient_norm(W, H, X, Y) <= grad_tol
        t = time.perf_counter()
        res = snap(ds, W, H)
        if not done:  # not converged: not counted; snapped anyway?
            early["snapped" if res.verdict else "unsnapped"] += 1
            continue
        converged += 1
        times.append(time.perf_counter() - t)
        verdicts[(f"{res.verdict} (isolated)" if res.isolation is not None else res.verdict) or "unsnapped"] += 1
        if res.distance is not None:
            dists.append(res.distance)
    return {"case": case, "width": width, "seeds": seeds, "converged": converged, "times": times,
            "verdicts": verdicts, "max_distance": max(dists, default=float("nan")), "train_s": raw.seconds,
            "early": early}


def _row(r: dict) -> str:
    c, v, t = r["case"], r["verdicts"], r["times"]
    snapped = r["converged"] - v.get("unsnapped", 0)
    share = f"{snapped}/{r['converged']}"
    verdicts = ", ".join(f"{k} {n}" for k, n in sorted(v.items()))
    med = f"{statistics.median(t):.2f}" if t else "-"
    mx = f"{max(t):.2f}" if t else "-"
    early = r["early"]
    unconv = f"{early['snapped']}/{early['snapped'] + early['unsnapped']}"
    return (f"| {c.d:2d} | {c.K:3d} | {c.J} | {c.m} | {r['width']:2d} | {r['converged']:2d}/{r['seeds']:<2d} "
            f"| {share:>7s} | {med:>6s} | {mx:>6s} | {r['max_distance']:.1e} | {verdicts} | {unconv} |")


def snap_run_finals(folder: str) -> int:
    """Snap every seed's final point of a run folder, as trained and cast to float32; print the counts."""
    from exactland.dynamics.run import load_run

    run = load_run(folder)
    for label, cast in (("float64", False), ("float32", True)):
        times, verdicts, failed = [], Counter(), []
        for s in range(run.n_seeds):
            W, H = run.raw.W[-1, s], run.raw.H[-1, s]
            if cast:
                W, H = W.astype(np.float32).astype(np.float64), H.astype(np.float32).astype(np.float64)
            t = time.perf_counter()
            res = snap(run.dataset, W, H)
            times.append(time.perf_counter() - t)
            verdicts[f"{res.verdict} L = {res.certificate.loss}" if res.certificate else "unsnapped"] += 1
            if res.certificate is None:
                failed.append(s)
        print(f"{label}: {run.n_seeds - len(failed)}/{run.n_seeds} final points snapped to a certified point "
              f"(snap time median {statistics.median(times):.2f} s, max {max(times):.2f} s); "
              + "; ".join(f"{k}: {n}" for k, n in verdicts.most_common())
              + (f"; unsnapped seeds {failed}" if failed else ""))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its table; the exit status is 1 when a target is missed."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="three small teachers, few seeds (a few minutes)")
    ap.add_argument("--seeds", type=int, default=None, help="seeds per student (default 4 quick, 10 full)")
    ap.add_argument("--grad-tol", type=float, default=1e-6, help="converged: ‖∇ MSE‖_∞ at most this")
    ap.add_argument("--float32", action="store_true", help="cast the endpoints to float32 before snapping")
    ap.add_argument("--run", metavar="RUN_DIR", help="instead: snap every seed's final point of a run folder "
                    "(exactland train --seeds …), in float64 and cast to float32")
    args = ap.parse_args(argv)
    if args.run:
        return snap_run_finals(args.run)
    cases = QUICK if args.quick else FULL
    seeds = args.seeds or (4 if args.quick else 10)
    results = []
    print("| d | K | J | m | width | converged | snapped | median s | max s | max dist | verdicts "
          "| not converged, snapped |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for case in cases:
        for width in (case.m - 1, case.m, case.m + 2):
            results.append(run_case(case, width, seeds, args.grad_tol, args.float32))
            print(_row(results[-1]), flush=True)
    for label, keep in (("|J| = 1", lambda r: r["case"].J == 1), ("|J| > 1", lambda r: r["case"].J > 1),
                        ("|J| > 1, width < m", lambda r: r["case"].J > 1 and r["width"] < r["case"].m),
                        ("|J| > 1, width ≥ m", lambda r: r["case"].J > 1 and r["width"] >= r["case"].m)):
        print(_summary(label, [r for r in results if keep(r)]))
    line = _summary("all", results)
    print(line)
    conv, snapped, med = _totals(results)
    return 0 if conv and snapped / conv >= 0.95 and med < 2.0 else 1


def _totals(results: list[dict]) -> tuple[int, int, float]:
    times = [t for r in results for t in r["times"]]
    conv = sum(r["converged"] for r in results)
    snapped = conv - sum(r["verdicts"].get("unsnapped", 0) for r in results)
    return conv, snapped, statistics.median(times) if times else float("nan")


def _summary(label: str, results: list[dict]) -> str:
    conv, snapped, med = _totals(results)
    share = 100 * snapped / conv if conv else 0.0
    mx = max((t for r in results for t in r["times"]), default=float("nan"))
    return (f"{label:>20s}: converged endpoints {conv:3d}, snapped to a certified point {snapped:3d} "
            f"({share:5.1f} %); snap time median {med:.2f} s, max {mx:.2f} s")

if __name__ == "__main__":
    sys.exit(main())

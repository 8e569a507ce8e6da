"""Benchmark: multi-output stationary points with escape neurons (issue 13).

Run:  python benchmarks/bench_multi.py [--n 300] [--seed 0] [--check]

Generates ``--n`` exact stationary points of the family of
``exactland.testing.multi.multi_output_point`` (|J| ∈ {2, 3}, d ∈ {2, 3, 4},
1–5 neurons plus 0–1 zero neurons so |I| ≤ 6, 3–8 samples, residual samples on
every neuron's kink, degenerate kink sets included), certifies each, and
prints the split of verdicts among the points with escape neurons (the
undecided share is the issue's target, ≤ 5 %), the median and maximum time
per point, and the wall time of a 50-neuron |J| = 2 point whose one-neuron
second-order search fails (the joint test decides it). With ``--check`` every
certificate is re-checked by the independent checker.
"""
from __future__ import annotations

import argparse
import collections
import random
import statistics
import time

import exactland
from exactland.testing.multi import multi_output_point


def family(n: int, seed: int) -> list:
    rng = random.Random(seed)
    out = []
    for s in range(n):
        out.append(multi_output_point(seed * 100_000 + s, J=rng.choice([2, 3]), dim=rng.choice([2, 3, 4]),
                                      n_neurons=rng.randint(1, 5), n_samples=rng.randint(3, 8),
                                      n_zero=rng.choice([0, 0, 0, 1])).problem)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    split: collections.Counter = collections.Counter()
    times = []
    bad = 0
    for p in family(args.n, args.seed):
        t0 = time.perf_counter()
        cert = exactland.certify(p)
        times.append(time.perf_counter() - t0)
        key = cert.verdict.value if cert.escape_neurons else f"{cert.verdict.value} (no escape neuron)"
        split[key] += 1
        if args.check and not cert.verify(problem=p).valid:
            bad += 1
    esc = sum(v for k, v in split.items() if "no escape" not in k)
    print(f"{args.n} generated points, {esc} with escape neurons")
    for k, v in sorted(split.items()):
        share = f"{100 * v / esc:5.1f} % of escape points" if "no escape" not in k and esc else ""
        print(f"  {k:32s} {v:5d}  {share}")
    print(f"time per point: median {statistics.median(times) * 1000:.1f} ms, max {max(times) * 1000:.1f} ms")
    if args.check:
        print(f"certificates failing the independent check: {bad}")
    p = multi_output_point(10, J=2, dim=4, n_neurons=50, n_samples=4, kinds=("boundary", "interior")).problem
    t0 = time.perf_counter()
    cert = exactland.certify(p)
    print(f"50-neuron |J| = 2 point: {cert.verdict.value} in {time.perf_counter() - t0:.3f} s "
          f"({len(cert.escape_neurons)} escape neurons)")


if __name__ == "__main__":
    main()

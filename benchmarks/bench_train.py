"""Benchmark: gradient-descent steps per second (issue 3).

Run:  python benchmarks/bench_train.py [--steps N] [--seeds S]

Measures, in one run on this machine, full-batch GD on the paper's
Section 4.1.1 problem (5 samples, width 50, MSE, lr 1e-3, init std 8e-6):
the numba engine and the pure-NumPy engine of exactland, a 100-seed batch
(leading seed axis) with the numba engine, and a plain PyTorch full-batch
SGD loop (``torch.nn.Linear`` without bias, ReLU, ``MSELoss``, ``optim.SGD``
— the way the paper's code trains) when torch is installed.
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from exactland.dynamics.config import TrainConfig, numba_available
from exactland.dynamics.train import gradient_descent

X = np.array([[-1, 1], [-0.6, 1], [-0.1, 1], [0.3, 1], [0.7, 1]], dtype=np.float64)
Y = np.array([[0.28], [-0.1], [0.03], [0.23], [-0.22]], dtype=np.float64)


def ours(engine: str, steps: int, seeds: int) -> float:
    cfg = TrainConfig(width=50, init_std=8e-6, lr=1e-3, steps=steps, seeds=tuple(range(seeds)),
                      log_every=max(1, steps // 3000), checkpoint_every=max(1, steps // 600 if seeds == 1 else steps),
                      engine=engine)
    gradient_descent(X, Y, (1.0, 0.0), TrainConfig(**{**cfg.__dict__, "steps": 10}))  # compile/warm up
    t = time.perf_counter()
    gradient_descent(X, Y, (1.0, 0.0), cfg)
    return time.perf_counter() - t


def torch_loop(steps: int) -> float | None:
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(2, 50, bias=False), torch.nn.ReLU(),
                              torch.nn.Linear(50, 1, bias=False)).double()
    for p in net.parameters():
        torch.nn.init.normal_(p, std=8e-6)
    opt = torch.optim.SGD(net.parameters(), lr=1e-3)
    lossf = torch.nn.MSELoss()
    x, y = torch.tensor(X), torch.tensor(Y)
    t = time.perf_counter()
    for _ in range(steps):
        opt.zero_grad()
        loss = lossf(net(x), y)
        loss.backward()
        opt.step()
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=600_000)
    ap.add_argument("--seeds", type=int, default=100)
    ap.add_argument("--torch-steps", type=int, default=20_000)
    ap.add_argument("--numpy-steps", type=int, default=60_000)
    args = ap.parse_args()
    rows = []
    if numba_available():
        t = ours("numba", args.steps, 1)
        rows.append(("exactland numba, 1 seed", args.steps, t, args.steps / t))
        tb = ours("numba", args.steps, args.seeds)
        rows.append((f"exactland numba, {args.seeds} seeds", args.steps * args.seeds, tb,
                     args.steps * args.seeds / tb))
    t = ours("numpy", args.numpy_steps, 1)
    rows.append(("exactland numpy, 1 seed", args.numpy_steps, t, args.numpy_steps / t))
    tt = torch_loop(args.torch_steps)
    if tt is not None:
        rows.append(("PyTorch SGD loop (float64, 1 thread)", args.torch_steps, tt, args.torch_steps / tt))
    print(f"{'engine':40s} {'seed-steps':>12s} {'seconds':>9s} {'seed-steps/s':>13s} {'µs/seed-step':>13s}")
    for name, n, sec, rate in rows:
        print(f"{name:40s} {n:12d} {sec:9.2f} {rate:13.0f} {1e6 / rate:13.2f}")
    if tt is not None and numba_available():
        print(f"numba 1-seed speed-up over the PyTorch loop: {rows[0][3] / rows[-1][3]:.0f}x")


if __name__ == "__main__":
    main()

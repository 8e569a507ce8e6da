"""Subcommand ``ncf`` (wired into :mod:`exactland.cli.main`).

``exactland ncf PROBLEM [--json] [--lr ETA --loss mse|half-sse]``
    The neural correlation function ``N(u) = Σ_k e_k ρ(u·x_k)`` of the residual
    at an exact point and all its KKT points on the unit sphere, exactly
    (Kumar & Haupt, arXiv:2402.09226; DESIGN.md §13; sign convention in
    :mod:`exactland.ncf.function`).
``exactland ncf RUN_DIR [--seed-index S]``
    For each plateau of a run written by ``exactland train``: snap it, compute
    the KKT points of the snapped point's residual, and compare with the run:
    the angle between the neuron that grows at the plateau's end and the
    nearest predicted direction, and the predicted plateau length
    ``ln(1/σ)/log_factor`` against the measured one.

``PROBLEM`` may be replaced by ``--example NAME``.
"""
from __future__ import annotations

import argparse
import json
import pathlib
from typing import Any

from exactland.errors import InputError
from exactland.cli.common import EXIT_OK, add_problem_source, load_problem

__all__ = ["register"]


def register(subparsers: Any) -> None:
    """Add the ``ncf`` subcommand to an argparse subparsers object."""
    p = subparsers.add_parser(
        "ncf", help="neural correlation function and its exact KKT points (Kumar & Haupt)",
        description="The NCF N(u) = sum_k e_k rho(u.x_k) of the residual e = yhat - y and its KKT points "
        "on the unit sphere, exactly; with a run folder, predictions against gradient descent.")
    add_problem_source(p, what="problem JSON file, or a run folder written by `exactland train`")
    p.add_argument("--json", action="store_true", help="print JSON (every number an exact string)")
    p.add_argument("--lr", help="step size, for the growth rate per step")
    p.add_argument("--loss", choices=("mse", "half-sse"), default="mse",
                   help="loss convention of --lr (default mse, the paper's code)")
    p.add_argument("--seed-index", type=int, default=0, help="run folders: which seed (default 0)")
    p.set_defaults(handler=_ncf)


def _ncf(args: argparse.Namespace) -> int:
    from exactland.ncf import kkt_points, ncf_of
    from exactland.ncf.report import kkt_dict, kkt_table, step_on_L

    if args.problem is not None and pathlib.Path(args.problem).is_dir():
        return _compare_run(args)
    problem, name, _ = load_problem(args)
    ncf = ncf_of(problem)
    pts = kkt_points(ncf)
    eta = None if args.lr is None else step_on_L(args.lr, args.loss, ncf)
    if args.json:
        out = {"problem": name, "residuals": [[str(c) for c in e] for e in ncf.E],
               "convention": "e = yhat - y; L = 1/2 sum ||e||^2; a neuron grows where h.N(u) < 0",
               "kkt": [kkt_dict(p, eta) for p in pts]}
        print(json.dumps(out, indent=1))
        return EXIT_OK
    print(f"{name}: N(u) = sum_k e_k rho(u.x_k), e = yhat - y = "
          + ", ".join("(" + ", ".join(str(c) for c in e) + ")" for e in ncf.E))
    print("KKT points of N on the unit sphere (a neuron grows along u with h.N(u) < 0):")
    print(kkt_table(pts, eta))
    return EXIT_OK


def _grower(run: Any, seed: int, snap_step: int, end: int) -> tuple[int, Any, Any, float]:
    """The neuron whose norm grew most from the snapshot to the plateau's end (float, display)."""
    import numpy as np

    steps = run.raw.ckpt_steps
    c0 = int(np.argmin(np.abs(steps - snap_step)))
    c1 = int(np.argmin(np.abs(steps - end)))
    W0, H0 = run.raw.W[c0, seed], run.raw.H[c0, seed]
    W1, H1 = run.raw.W[c1, seed], run.raw.H[c1, seed]
    n0 = np.sqrt((W0**2).sum(axis=1) + (H0**2).sum(axis=0))
    n1 = np.sqrt((W1**2).sum(axis=1) + (H1**2).sum(axis=0))
    i = int(np.argmax(n1 / np.maximum(n0, 1e-300)))
    return i, W1[i] / np.linalg.norm(W1[i]), H1[:, i], float(n0[i])


def _compare_run(args: argparse.Namespace) -> int:
    """The plateau table of ``exactland ncf RUN_DIR`` (float comparisons are display only)."""
    import math

    import numpy as np

    from exactland.dynamics.checkpoints import snap_at
    from exactland.dynamics.phases import phases
    from exactland.dynamics.run import load_run
    from exactland.ncf import kkt_points, ncf_of
    from exactland.ncf.report import kkt_dict, step_on_L

    run = load_run(args.problem)
    seed = args.seed_index
    rows = []
    for pl in phases(run, seed):
        if pl.final:
            continue
        step, res = snap_at(run, f"plateau-{pl.index}", seed)
        if res.problem is None:
            rows.append({"plateau": pl.index, "note": "no exact stationary point found near the plateau"})
            continue
        try:
            ncf = ncf_of(res.problem)
        except InputError as exc:
            rows.append({"plateau": pl.index, "note": f"not predicted: {exc.message} (rational points only)"})
            continue
        eta = step_on_L(repr(run.config.lr), run.config.loss, ncf)
        pts = [kkt_dict(p, eta) for p in kkt_points(ncf)]
        i, u, h, sigma = _grower(run, seed, step, pl.end)
        hs = 1 if h.sum() > 0 else -1
        cands = [p for p in pts if ncf.n_outputs > 1 or p["grows"] == hs] or pts
        angs = [math.degrees(math.acos(max(-1.0, min(1.0, float(np.dot(u, p["direction_float"]))))))
                for p in cands]
        best = cands[int(np.argmin(angs))] if cands else None
        pred = None if best is None or sigma <= 0 else math.log(1 / sigma) / best["log_factor"]
        rows.append({"plateau": pl.index, "start": pl.start, "end": pl.end, "snap_step": step,
                     "verdict": res.verdict, "grower": i, "grower_h_sign": hs,
                     "angle_to_nearest_kkt_deg": min(angs) if angs else None,
                     "nearest_kkt": best, "sigma": sigma, "measured_length": pl.end - pl.start,
                     "predicted_length": pred,
                     "fitted_constant": None if not pred else (pl.end - pl.start) / pred, "kkt": pts})
    if args.json:
        print(json.dumps({"run": str(args.problem), "seed_index": seed, "plateaus": rows}, indent=1))
        return EXIT_OK
    print(f"{'plateau':>7} {'steps':>17} {'verdict':>14} {'neuron':>6} {'angle':>8} "
          f"{'kkt value':>10} {'sigma':>9} {'measured':>9} {'predicted':>9} {'ratio':>6}")
    for r in rows:
        if "note" in r:
            print(f"{r['plateau']:>7} {r['note']}")
            continue
        b = r["nearest_kkt"]
        pred = "-" if r["predicted_length"] is None else f"{r['predicted_length']:.0f}"
        print(f"{r['plateau']:>7} {r['start']:>8}-{r['end']:<8} {str(r['verdict']):>14} {r['grower']:>6} "
              f"{r['angle_to_nearest_kkt_deg']:8.3f} {b['value_float']:10.4g} {r['sigma']:9.2e} "
              f"{r['measured_length']:>9} {pred:>9} "
              f"{'-' if r['fitted_constant'] is None else format(r['fitted_constant'], '6.2f')}")
    print("angle: degrees between the neuron that grows at the plateau's end and the nearest predicted KKT "
          "direction; predicted length ln(1/sigma)/ln(1+rate); ratio = measured/predicted (the fitted constant)")
    return EXIT_OK

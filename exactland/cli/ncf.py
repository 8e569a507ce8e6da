"""Subcommand ``ncf`` (wired into :mod:`exactland.cli.main`).

``exactland ncf PROBLEM [--json] [--lr ETA --loss mse|half-sse]``
    The neural correlation function ``N(u) = Σ_k e_k ρ(u·x_k)`` of the residual
    at an exact point and all its KKT points on the unit sphere, exactly
    (Kumar & Haupt, arXiv:2402.09226; DESIGN.md §13; sign convention in
    :mod:`exactland.ncf.function`).
``exactland ncf RUN_DIR [--seed-index S]``
    For each plateau of a run written by ``exactland train``: snap it, compute
    the KKT points of the snapped point's residual (rational or real
    algebraic), and compare with the run: the angle between the neuron that
    grows most over the plateau (its direction at the end) and the nearest
    attracting KKT direction (:func:`attracting`), its measured exponential
    growth rate against the predicted ``ln(1 + η_L|N(u)|)`` per step, and the
    plateau length against ``ln(1/σ)/rate``, with the fitted constants of
    :func:`fit_constant`.

``PROBLEM`` may be replaced by ``--example NAME``. :func:`plateau_angles` and
:func:`snapped_angles` give the predicted directions as plain numbers for the
dashed lines of ``exactland plot --ncf`` and ``exactland demo``
(:mod:`exactland.dynamics.plot` does not import :mod:`exactland.ncf`).
"""
from __future__ import annotations

import argparse
import json
import pathlib
from typing import Any

from exactland.errors import InputError, NotExactError
from exactland.cli.common import EXIT_OK, add_problem_source, load_problem

__all__ = ["register", "attracting", "plateau_angles", "snapped_angles", "fit_constant", "GROWTH_WINDOW",
           "RATE_AGREEMENT"]

#: The growing neuron's rate is fitted while its norm is below this (it then leaves the saddle).
GROWTH_WINDOW = 0.05
#: Plateaus whose measured rate is within this relative distance of the NCF rate enter the length fit.
RATE_AGREEMENT = 0.1


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


def attracting(points: list[Any]) -> list[Any]:
    """The KKT points small neurons converge to (the order is kept).

    |J| > 1: the local maxima of ‖N‖. |J| = 1: the local minima of N with
    N < 0 (h > 0 grows) and the local maxima with N > 0 (h < 0 grows).
    """
    out = []
    for p in points:
        if len(p.h_direction) > 1:
            ok = p.kind == "local-max"
        else:
            ok = (p.kind, p.grows) in (("local-min", 1), ("local-max", -1))
        if ok:
            out.append(p)
    return out


def _predict(problem: Any) -> tuple[Any, list[Any]]:
    """The NCF at an exact point and its attracting KKT points (strongest first)."""
    from exactland.ncf import kkt_points, ncf_of

    ncf = ncf_of(problem)
    return ncf, attracting(kkt_points(ncf))


def _angle_lines(points: list[Any], top: int = 3) -> list[tuple[float, str]]:
    """``(angle, label)`` of the strongest attracting points: angle of the first two coordinates (radians)."""
    import math

    out = []
    for p in points[:top]:
        u = p.direction_float()
        a = math.atan2(u[1], u[0]) % (2 * math.pi)
        out.append((a, f"{a:.2f}"))
    return out


def plateau_angles(run: Any, seed: int, plateaus: list[Any]) -> dict[int, list[tuple[float, str]]]:
    """Predicted directions per plateau (snap it, NCF KKT points): ``{index: [(angle, label)]}``.

    Plateaus that do not snap, or whose NCF cannot be solved exactly, get no lines.
    """
    from exactland.dynamics.checkpoints import snap_at

    out: dict[int, list[tuple[float, str]]] = {}
    for pl in plateaus:
        if pl.final:
            continue
        _, res = snap_at(run, f"plateau-{pl.index}", seed)
        if res.certificate is None:  # the NCF needs an exact stationary point, not an isolation center
            continue
        try:
            out[pl.index] = _angle_lines(_predict(res.problem)[1])
        except (InputError, NotExactError):
            continue
    return out


def snapped_angles(problem: Any) -> list[tuple[float, str]]:
    """Predicted directions at one snapped exact point (for ``exactland demo``)."""
    try:
        return _angle_lines(_predict(problem)[1])
    except (InputError, NotExactError):
        return []


def _grower(run: Any, seed: int, start: int, end: int) -> tuple[int, Any, Any, dict[str, float]]:
    """The neuron whose norm grew most over the plateau, its direction and h at the end, and its growth.

    Growth (float, display only): ``sigma`` the smallest norm ``‖(w_i, h_i)‖``
    on the plateau's checkpoints, ``end_norm`` the norm at its end, and
    ``measured_rate`` the least-squares slope of ``ln‖(w_i, h_i)‖`` per step from
    that minimum while the norm stays below ``GROWTH_WINDOW``.
    """
    import numpy as np

    steps = run.raw.ckpt_steps
    m = np.flatnonzero((steps >= start) & (steps <= end))
    W, H = run.raw.W[m, seed], run.raw.H[m, seed]  # C×I×d, C×J×I
    n = np.sqrt((W**2).sum(axis=2) + (H**2).sum(axis=1))  # C×I
    i = int(np.argmax(n[-1] / np.maximum(n.min(axis=0), 1e-300)))
    k0 = int(np.argmin(n[:, i]))
    win = [k for k in range(k0, len(m)) if n[k, i] < GROWTH_WINDOW]
    rate = float(np.polyfit(steps[m][win], np.log(n[win, i]), 1)[0]) if len(win) > 2 else float("nan")
    growth = {"sigma": float(n[k0, i]), "end_norm": float(n[-1, i]), "measured_rate": rate}
    return i, W[-1, i] / np.linalg.norm(W[-1, i]), H[-1, :, i], growth


def fit_constant(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Fit the constant of the plateau-length prediction over a run's plateaus (floats, display only).

    Two fits, over the plateaus whose measured growth rate is within
    ``RATE_AGREEMENT`` of the predicted one (small neurons escaping; a
    plateau left by splitting a large neuron is not this mechanism):

    * ``constant`` c in ``length ≈ c · ln(1/σ)/rate``: the geometric mean of
      measured/predicted (least squares on log lengths);
    * ``escape_norm`` ν in ``length ≈ ln(ν/σ)/rate`` (growth from σ to the norm ν
      at which the plateau ends): ``ln ν`` is the mean of ``ln σ + rate·length``
      (least squares on ``rate·length``), with the largest relative error of
      the lengths it then predicts.
    """
    import math

    use = [r for r in rows if r.get("predicted_length") and r.get("measured_length")
           and r.get("rate_ratio") is not None and abs(r["rate_ratio"] - 1) <= RATE_AGREEMENT]
    if not use:
        return None
    ratios = [r["measured_length"] / r["predicted_length"] for r in use]
    c = math.exp(sum(math.log(x) for x in ratios) / len(ratios))
    rates = [r["nearest_kkt"]["log_factor"] for r in use]
    ln_nu = sum(math.log(r["sigma"]) + k * r["measured_length"] for r, k in zip(use, rates)) / len(use)
    errs = [abs((ln_nu - math.log(r["sigma"])) / k / r["measured_length"] - 1) for r, k in zip(use, rates)]
    return {"constant": c, "min_ratio": min(ratios), "max_ratio": max(ratios), "plateaus": len(use),
            "method": "geometric mean of measured/predicted (least squares on log lengths)",
            "escape_norm": math.exp(ln_nu), "escape_norm_max_rel_error": max(errs)}


def _plateau_row(run: Any, seed: int, pl: Any) -> dict[str, Any]:
    """One plateau's prediction against the run (float comparisons are display only)."""
    import math

    import numpy as np

    from exactland.dynamics.checkpoints import snap_at
    from exactland.ncf import kkt_points, ncf_of
    from exactland.ncf.report import kkt_dict, step_on_L

    step, res = snap_at(run, f"plateau-{pl.index}", seed)
    if res.certificate is None:  # the NCF needs an exact stationary point, not an isolation center
        return {"plateau": pl.index, "note": "no exact stationary point found near the plateau"}
    try:
        ncf = ncf_of(res.problem)
        pts = kkt_points(ncf)
        eta = step_on_L(repr(run.config.lr), run.config.loss, ncf)
        allp = [kkt_dict(p, eta) for p in pts]
    except (InputError, NotExactError) as exc:
        return {"plateau": pl.index, "note": f"not predicted: {exc.message}"}
    i, u, h, growth = _grower(run, seed, pl.start, pl.end)
    sigma = growth["sigma"]
    hs = 1 if h.sum() > 0 else -1
    att = [kkt_dict(p, eta) for p in attracting(pts) if ncf.n_outputs > 1 or p.grows == hs]
    angs = [math.degrees(math.acos(max(-1.0, min(1.0, float(np.dot(u, p["direction_float"]))))))
            for p in att]
    best = att[int(np.argmin(angs))] if att else None
    pred = None if best is None or sigma <= 0 else math.log(1 / sigma) / best["log_factor"]
    return {"plateau": pl.index, "start": pl.start, "end": pl.end, "snap_step": step,
            "verdict": res.verdict, "residual_field": "rational" if res.problem.is_rational() else "algebraic",
            "grower": i, "grower_h_sign": hs, "grower_angle_rad": math.atan2(u[1], u[0]) % (2 * math.pi),
            "angle_to_nearest_kkt_deg": min(angs) if angs else None,
            "angle_to_top_kkt_deg": angs[0] if angs else None, "nearest_kkt": best,
            "top_kkt": att[0] if att else None, **growth,
            "rate_ratio": None if best is None else growth["measured_rate"] / best["log_factor"],
            "measured_length": pl.end - pl.start,
            "predicted_length": pred, "ratio": None if not pred else (pl.end - pl.start) / pred,
            "kkt": allp}


def _compare_run(args: argparse.Namespace) -> int:
    """The plateau table of ``exactland ncf RUN_DIR``."""
    import math

    from exactland.dynamics.phases import phases
    from exactland.dynamics.run import load_run

    run = load_run(args.problem)
    seed = args.seed_index
    rows = [_plateau_row(run, seed, pl) for pl in phases(run, seed) if not pl.final]
    fit = fit_constant([r for r in rows if "note" not in r])
    if args.json:
        print(json.dumps({"run": str(args.problem), "seed_index": seed, "plateaus": rows,
                          "fitted_constant": fit}, indent=1))
        return EXIT_OK
    print(f"{'plateau':>7} {'steps':>17} {'verdict':>8} {'neuron':>6} {'angle':>6} {'top':>6} "
          f"{'kkt rad':>7} {'kkt |N|':>7} {'rate':>9} {'measured':>9} {'sigma':>8} {'length':>6} "
          f"{'predicted':>9} {'ratio':>5}")
    for r in rows:
        if "note" in r:
            print(f"{r['plateau']:>7} {r['note']}")
            continue
        b = r["nearest_kkt"]
        if b is None:
            print(f"{r['plateau']:>7} no attracting KKT point for the growing neuron")
            continue
        pred = "-" if r["predicted_length"] is None else f"{r['predicted_length']:.0f}"
        rad = math.radians(b["angle"]) if "angle" in b else float("nan")
        print(f"{r['plateau']:>7} {r['start']:>8}-{r['end']:<8} {str(r['verdict']):>8} {r['grower']:>6} "
              f"{r['angle_to_nearest_kkt_deg']:6.2f} {r['angle_to_top_kkt_deg']:6.2f} {rad:7.4f} "
              f"{abs(b['value_float']):7.4g} {b['log_factor']:9.3e} {r['measured_rate']:9.3e} "
              f"{r['sigma']:8.2e} {r['measured_length']:>6} {pred:>9} "
              f"{'-' if r['ratio'] is None else format(r['ratio'], '5.2f')}")
    print("angle/top: degrees between the neuron that grows most over the plateau (direction at its end) "
          "and the nearest / the strongest attracting KKT direction; kkt rad: the nearest one's angle; "
          "rate: predicted ln(1+eta_L |N|) per step; measured: slope of ln||(w_i,h_i)|| while below "
          f"{GROWTH_WINDOW}; predicted length ln(1/sigma)/rate, sigma the neuron's smallest norm on the plateau")
    if fit:
        print(f"fitted constant (measured ≈ c·predicted, {fit['method']}): c = {fit['constant']:.3f} "
              f"(ratios {fit['min_ratio']:.2f} to {fit['max_ratio']:.2f}, {fit['plateaus']} plateaus with "
              f"rates within {RATE_AGREEMENT:.0%}); escape norm: length ≈ ln(nu/sigma)/rate with "
              f"nu = {fit['escape_norm']:.3g} (lengths within {fit['escape_norm_max_rel_error']:.0%})")
    return EXIT_OK

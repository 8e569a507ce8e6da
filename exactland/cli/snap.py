"""Command ``snap``: an exact certified point near a float point.

``exactland snap PROBLEM`` snaps a problem file whose W, H (and b) are float
approximations; ``exactland snap RUN`` snaps a step, a plateau or the end of a
run folder written by ``exactland train``. A verdict is printed only for a
certified point; when no structure guess certifies, ``snap PROBLEM`` says so
and exits with 1 (a run folder's report says so, exit 0, as before).
"""
from __future__ import annotations

import argparse
import json
import pathlib
import sys
from typing import Any

from exactland.cli.common import EXIT_FAILED, EXIT_OK, add_budget, add_force, budget_of, refuse_overwrite
from exactland.core.defaults import DEFAULT_BUDGET
from exactland.errors import InputError

__all__ = ["register"]


def _tolerance(text: str) -> float:
    """A non-negative tolerance such as ``1e-3`` or ``0.01``."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number such as 1e-3, got {text!r}") from None
    if not (value >= 0 and value != float("inf")):
        raise argparse.ArgumentTypeError(f"expected a non-negative finite number, got {text!r}")
    return value


def register(sub: Any) -> None:
    """Add the ``snap`` subcommand."""
    s = sub.add_parser(
        "snap", help="exact certified point near a float point: a problem file whose W, H (and b) are "
        "floats, or a step, plateau or the end of a run folder",
        description="Guess the structure of a float point (dead neurons, neurons that are zero, aligned "
        "groups, kink samples), solve for the exact point of that structure, and certify it. The "
        "tolerances only choose the guess; a verdict is given only for a certified point. Without "
        "--tol-* options every default guess is tried; each option fixes its tolerance in every default guess "
        "(wider fallback guesses follow only when these certify nothing near the float point). "
        "Exit codes: 0 certified (a run folder: report written), 1 no guess certified (PROBLEM), "
        "2 bad input.")
    s.add_argument("source", metavar="PROBLEM|RUN",
                   help="a problem JSON file whose W, H (and b) are float approximations, or a run folder")
    s.add_argument("--json", action="store_true",
                   help='print JSON: for PROBLEM {"verdict", "loss", "distance", "structure", "point", '
                   '"certificate"}; for RUN the full snap report')
    s.add_argument("--tol-dead", type=_tolerance, help="ReLU: a neuron is dead when cos(w_i, x_k) < -T on "
                   "every sample (default 0)")
    s.add_argument("--tol-zero", type=_tolerance,
                   help="neurons below this share of the largest magnitude are set to exactly zero")
    s.add_argument("--tol-kink", type=_tolerance,
                   help="samples with |cos(u_g, x_k)| below this lie on a group's kink")
    s.add_argument("--tol-group", type=_tolerance, help="neurons within this angle (radians) form a group")
    s.add_argument("--at", help="RUN only: a step number, 'final' or 'plateau-N' (default final)")
    s.add_argument("--seed-index", type=int, default=None, help="RUN only: which seed of a batch (default 0)")
    s.add_argument("-o", "--out", help="where to save the exact point as a problem JSON (PROBLEM: not saved "
                   "by default; RUN: default RUN/snap-AT.json)")
    add_budget(s, DEFAULT_BUDGET, "subset evaluations allowed to the certifier")
    add_force(s)
    s.set_defaults(handler=_snap)


def _guesses(args: argparse.Namespace) -> Any:
    from exactland.dynamics.point_snap import tolerance_guesses

    return tolerance_guesses(dead=args.tol_dead, zero=args.tol_zero, kink=args.tol_kink, group=args.tol_group)


def _snap(args: argparse.Namespace) -> int:
    source = pathlib.Path(args.source)
    if source.is_dir():
        return _snap_run(args, source)
    for option, value in (("--at", args.at), ("--seed-index", args.seed_index)):
        if value is not None:
            raise InputError(f"applies to run folders only; {source} is a problem file", option)
    return _snap_problem(args, source)


def _snap_problem(args: argparse.Namespace, source: pathlib.Path) -> int:
    from exactland.dynamics.point_snap import snap_point

    budget = budget_of(args)
    refuse_overwrite(args.out, args.force)
    res = snap_point(source, guesses=_guesses(args), budget=budget)
    if res.point is not None and args.out:
        pathlib.Path(args.out).write_text(res.point.to_json() + "\n", encoding="utf-8")
    if args.json:
        print(json.dumps(res.to_dict(), indent=1))
    else:
        print("\n".join(_describe(res, source, args.out)))
    return EXIT_OK if res.certified else EXIT_FAILED


def _describe(res: Any, source: pathlib.Path, out: str | None) -> list[str]:
    """The text report of ``snap PROBLEM``."""
    from exactland.exact.scalars import to_float, to_str

    st = res.structure_dict()
    if not res.certified:
        lines = [f"no certified exact point near the float point of {source}: no verdict "
                 f"({len(st['attempts'])} structure guesses tried)"]
        lines += [f"  {a['outcome']}: {a['detail']}" for a in st["attempts"][:8]]
        if len(st["attempts"]) > 8:
            lines.append(f"  … {len(st['attempts']) - 8} more (--json lists them all)")
        lines.append("try other tolerances (--tol-zero, --tol-group, --tol-kink), or train further "
                     "(exactland train --from PROBLEM)")
        return lines
    if res.isolation is not None:
        return _describe_isolated(res, out)
    cert, tol = res.certificate, st["tolerances"]
    p = cert.problem
    mse = 2 * cert.loss / (p.n_samples * p.n_outputs)
    valid = cert.verify().valid
    dist = res.distance
    lines = [
        f"{cert.verdict.value} — exact L = {to_str(cert.loss)} (MSE ≈ {to_float(mse):.9g}); "
        f"escape neurons {list(cert.escape_neurons)}",
        f"assumed structure: dead {st['dead']}, zero {st['zero']}, groups {st['groups']}, "
        f"kink samples {st['kink_samples']}",
        f"tolerances: zero {tol['small']:g}, group {tol['angle']:g} rad, kink {tol['kink']:g}"
        + (f", dead margin {tol['dead']:g}" if "dead" in tol else ""),
        f"|given − exact|_∞ = {to_float(dist):.3g} (exact: {_short(to_str(dist))})",
        f"independent check: {'valid' if valid else 'INVALID'}",
    ]
    if p.b is not None:
        lines.insert(2, f"exact output bias b = [{', '.join(_short(to_str(c)) for c in p.b)}]")
    lines.append(f"exact point written to {out}" if out else
                 "the exact point: -o FILE to save it, --json for it and its certificate")
    return lines


def _describe_isolated(res: Any, out: str | None) -> list[str]:
    """The text report of an isolated irrational minimum (docs/isolation.md)."""
    from exactland.exact.scalars import to_float

    iso = res.isolation
    lo, hi = iso.loss_interval
    p = iso.problem
    mse = 2 * hi / (p.n_samples * p.n_outputs)
    reasons = iso.verify()
    return [
        f"{iso.verdict} — no rational stationary point: the minimum is irrational and isolated near a "
        f"rational center; exact L in [{to_float(lo):.15g}, {to_float(hi):.15g}] (MSE ≈ {to_float(mse):.9g}); "
        f"escape neurons {list(iso.escape_neurons)}",
        f"dead neurons {list(iso.dead)}; gauge coordinates {list(iso.gauge)} (fixed, one per alive neuron)",
        f"the minimum lies within {to_float(iso.location_radius):.3g} of the center (2-norm, gauge "
        f"coordinates) and is the only critical point within {to_float(iso.radius):.3g}; "
        f"Hessian ⪰ {to_float(iso.mu):.3g}·I at the center",
        f"|given − center|_∞ = {to_float(res.distance):.3g}",
        f"independent check: {'valid' if not reasons else 'INVALID: ' + reasons[0]}",
        f"the center written to {out}" if out else
        "the rational center: -o FILE to save it, --json for it and its isolation certificate",
    ]


def _short(text: str, limit: int = 60) -> str:
    """``text``, cut in the middle when longer than ``limit`` characters."""
    return text if len(text) <= limit else f"{text[:limit // 2]}…{text[-limit // 2:]}"


def _snap_run(args: argparse.Namespace, run_dir: pathlib.Path) -> int:
    from exactland.dynamics.checkpoints import checkpoint_note, describe_snap, snap_at, snap_report
    from exactland.dynamics.run import load_run

    budget = budget_of(args)
    at = args.at or "final"
    r = load_run(run_dir)
    path = pathlib.Path(args.out or run_dir / f"snap-{at}.json")
    refuse_overwrite(path, args.force)
    step, res = snap_at(r, at, args.seed_index or 0, guesses=_guesses(args), budget=budget)
    note = checkpoint_note(at, step)
    if note:
        print(f"note: {note}", file=sys.stderr)
    if res.problem is not None:
        path.write_text(res.problem.to_json() + "\n", encoding="utf-8")
    if args.json:
        print(json.dumps(snap_report(step, res), indent=1))
    else:
        print(describe_snap(step, res, verbose=True))
    return EXIT_OK

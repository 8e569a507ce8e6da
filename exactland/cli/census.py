"""The ``census`` command: saddles and minima over many runs, on Dask."""
from __future__ import annotations

import argparse
import sys
from typing import Any

from exactland.cli.common import EXIT_FAILED, EXIT_OK, add_force
from exactland.errors import InputError

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the ``census`` subcommand."""
    c = sub.add_parser("census", help="train a grid of runs on Dask, snap and certify every plateau and the "
                       "end, count the verdicts (resumable)")
    c.add_argument("config", help="census configuration (TOML: [[data]] entries and a [grid])")
    c.add_argument("--out", required=True, help="results folder (results.jsonl, summary.json, figures); "
                   "running again with the same folder resumes")
    where = c.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, default=None,
                       help="local worker processes (default: one per CPU)")
    where.add_argument("--scheduler", help="address of an existing Dask scheduler (tcp://host:port), used unchanged")
    add_force(c)
    c.set_defaults(handler=_census)


def _census(args: argparse.Namespace) -> int:
    from exactland.census.config import load_census

    if args.workers is not None and args.workers < 1:
        raise InputError("must be at least 1", "--workers")
    census = load_census(args.config)
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise InputError("Dask distributed is not installed (pip install 'exactland[census]')", "census") from None
    from exactland.census.engine import open_folder, run_census
    from exactland.cli.common import prepare_folder

    if args.force:
        prepare_folder(args.out, True)
    open_folder(args.out, census)  # refuse a foreign folder before any cluster starts
    res = run_census(census, args.out, workers=args.workers, scheduler=args.scheduler)
    o = res.summary["overall"]
    final = ", ".join(f"{n} {v}" for v, n in o["final"].items() if n)
    print(f"{res.computed} run(s) computed, {res.skipped} already in {res.folder}; "
          f"{o['runs']} of {res.summary['expected_runs']} recorded ({o['errors']} with an error)")
    print(f"final points: {final or 'none'}")
    print(f"summary: {res.folder / 'summary.json'}; figures: verdicts.png, escapes.png")
    if res.lost:
        print(f"{res.lost} run(s) were lost on the cluster; run the same command again to compute them",
              file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK

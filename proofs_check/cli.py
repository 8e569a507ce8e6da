"""Command line: ``python -m proofs_check``; :mod:`exactland.cli.proofs` adds
the same options to ``exactland proofs`` with :func:`add_arguments` and runs
:func:`run`.

Exit status: 0 when every selected claim has its documented result and every
broken variant failed, 1 otherwise, 2 for an unknown ``--claim``.
"""
from __future__ import annotations

import argparse
import sys
from typing import Any, Sequence

__all__ = ["add_arguments", "run", "main", "DEFAULT_INSTANCES"]

#: Generated instances per check on the command line (the test suite uses fewer).
DEFAULT_INSTANCES = 100


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options shared by ``python -m proofs_check`` and ``exactland proofs``."""
    p.add_argument("--claim", help="run one claim (its number: 3.2, 4.2, F.1.3, O.1, I.0.2, ...); a "
                   "prefix selects a group (F.1 runs F.1.1-F.1.3)")
    p.add_argument("--instances", type=int, default=DEFAULT_INSTANCES,
                   help=f"generated instances per check (default {DEFAULT_INSTANCES})")
    p.add_argument("--list", action="store_true", help="list the claims and exit")
    p.add_argument("--verbose", "-v", action="store_true", help="print every detail line")
    p.add_argument("--json", action="store_true", help="print the results as JSON")


def run(args: argparse.Namespace) -> int:
    """Run the selected checks and print the table; see the module docstring for exit codes."""
    from .registry import all_checks, select
    from .report import details, summary_line, table, to_json

    checks = select(getattr(args, "claim", None))
    if not checks:
        known = ", ".join(c.claim for c in all_checks())
        print(f"error: no claim {args.claim!r}; known: {known}", file=sys.stderr)
        return 2
    if getattr(args, "list", False):
        for c in checks:
            print(f"{c.claim:8s} {c.method.value:32s} {c.title}")
        return 0
    if args.instances < 1:
        print("error: --instances must be at least 1", file=sys.stderr)
        return 2
    results = _run_incrementally(checks, args.instances, quiet=getattr(args, "json", False))
    if getattr(args, "json", False):
        print(to_json(results))
    else:
        print(table(results))
        print()
        print(details(results, verbose=getattr(args, "verbose", False)))
        print()
        print(summary_line(results))
        print("errata: proofs_check/ERRATA.md")
    return 0 if all(r.ok for r in results) else 1


def _run_incrementally(checks: Sequence[Any], instances: int, quiet: bool) -> tuple[Any, ...]:
    """Run the checks one by one, printing each claim's line as it completes
    (so that an interrupted run keeps what it finished), with a progress bar
    on a terminal."""
    from tqdm import tqdm

    from .registry import run_check
    from .report import progress_line

    results = []
    bar = tqdm(checks, desc="proofs", unit="claim", file=sys.stderr, disable=not sys.stderr.isatty(),
               leave=False)
    for check in bar:
        bar.set_postfix_str(check.claim)
        result = run_check(check, instances)
        results.append(result)
        if not quiet:
            bar.write(progress_line(result), file=sys.stdout)
            sys.stdout.flush()
    if not quiet:
        print()
    return tuple(results)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m proofs_check",
                                 description="Machine re-derivation of the paper's lemmas and theorems.")
    add_arguments(ap)
    return run(ap.parse_args(argv))

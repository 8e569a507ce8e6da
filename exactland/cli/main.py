"""Command-line interface: ``exactland certify|check|demo|examples``.

Exit codes: 0 success (``check``: certificate valid), 1 ``check``: certificate
invalid, 2 bad input (the message names the field and position).
"""
from __future__ import annotations

import argparse
import json
import pathlib
import sys
from typing import Sequence

from exactland.core.classify import DEFAULT_BUDGET, certify
from exactland.errors import ExactlandError
from exactland.builtin.examples import example_description, example_names, load_example
from exactland.core.problem import load
from exactland.core.render import summary

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="exactland",
        description="Exact certification of stationary points, saddles and type-1 minima "
        "of one-hidden-layer ReLU-like networks.",
    )
    sub = ap.add_subparsers(dest="command", required=True)
    c = sub.add_parser("certify", help="classify a point exactly and print its certificate")
    src = c.add_mutually_exclusive_group(required=True)
    src.add_argument("problem", nargs="?", help="problem JSON file (activation, X, Y, W, H)")
    src.add_argument("--example", help="a built-in example instead of a file (see `exactland examples`)")
    c.add_argument("--json", action="store_true", help="print the certificate as JSON")
    c.add_argument("--out", "-o", help="also write the JSON certificate to this file")
    c.add_argument("--budget", type=int, default=DEFAULT_BUDGET,
                   help="subset evaluations allowed to the general tangential routine "
                   f"(default {DEFAULT_BUDGET}); beyond it the verdict is 'undecided'")
    k = sub.add_parser("check", help="independently re-check a certificate (exit 0 valid, 1 invalid)")
    k.add_argument("certificate", help="certificate JSON file written by `certify --json`")
    e = sub.add_parser("examples", help="list the built-in examples")
    e.add_argument("--certify", action="store_true", help="certify and re-check each of them")
    from exactland.cli.dynamics import add_parsers as dynamics_parsers
    from exactland.cli.embedding import add_parsers as embedding_parsers

    from exactland.cli.taylor import add_parsers as taylor_parsers

    from proofs_check.cli import add_parsers as proofs_parsers

    dynamics_parsers(sub)
    embedding_parsers(sub)
    taylor_parsers(sub)
    proofs_parsers(sub)
    sp = sub.choices["split"]
    sp.add_argument("--gd-steps", type=int, default=0,
                    help="continue with this many gradient-descent steps (float path) from the "
                    "lower-loss point and snap the end to an exact point (0: no continuation)")
    sp.add_argument("--gd-lr", type=float, default=1e-3, help="step size of the continuation (MSE)")
    return ap


def _certify(args: argparse.Namespace) -> int:
    if args.budget < 0:
        raise ExactlandError("must be non-negative", "--budget")
    problem = load_example(args.example) if args.example else load(args.problem)
    cert = certify(problem, budget=args.budget)
    text = cert.to_json()
    if args.out:
        pathlib.Path(args.out).write_text(text + "\n", encoding="utf-8")
    print(text if args.json else summary(cert))
    return 0


def _check(args: argparse.Namespace) -> int:
    from exactland.checker import check_certificate

    report = check_certificate(pathlib.Path(args.certificate))
    if report.valid:
        print(f"valid: {len(report.checked)} claim groups re-derived")
        for line in report.checked:
            print(f"  ok  {line}")
        return 0
    print("INVALID certificate:")
    for line in report.reasons:
        print(f"  {line}")
    return 1


def _examples(certify_them: bool) -> int:
    if not certify_them:
        for name in example_names():
            print(f"{name}: {example_description(name)}")
        return 0
    for name in example_names():
        cert = certify(load_example(name))
        report = cert.verify()
        print(f"== {name}: {example_description(name)}")
        print(summary(cert, max_neurons=6))
        print(f"independent check: {'valid' if report.valid else 'INVALID ' + '; '.join(report.reasons)}")
        print()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``exactland`` console script."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "certify":
            return _certify(args)
        if args.command == "check":
            return _check(args)
        if args.command == "examples":
            return _examples(args.certify)
        if args.command == "proofs":
            from proofs_check.cli import run as proofs_run

            return proofs_run(args)
        if args.command in ("taylor", "derive", "teach"):
            from exactland.cli.taylor import run as taylor_run

            return taylor_run(args)
        if args.command in ("embed", "split"):
            from exactland.cli.embedding import run as embedding_run

            cont = None
            if args.command == "split" and args.gd_steps > 0:
                from exactland.dynamics.run import continue_gd

                steps, lr = args.gd_steps, args.gd_lr
                cont = lambda p: continue_gd(p, steps, lr)  # noqa: E731
            return embedding_run(args, continuation=cont)
        from exactland.cli.dynamics import run as dynamics_run

        return dynamics_run(args)
    except ExactlandError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except json.JSONDecodeError as exc:  # pragma: no cover - load() wraps these
        print(f"error: malformed JSON: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

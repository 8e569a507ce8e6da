"""Commands ``certify``, ``check`` and ``examples``."""
from __future__ import annotations

import argparse
import json
import sys
import pathlib
from typing import Any

from exactland.core.defaults import DEFAULT_BUDGET, DEFAULT_CHECK_BUDGET
from exactland.cli.common import (
    EXIT_FAILED, EXIT_OK, add_budget, add_force, add_problem_source, budget_of, load_problem,
    refuse_overwrite,
)

__all__ = ["register"]




def register(sub: Any) -> None:
    """Add ``certify``, ``check`` and ``examples`` to the subparsers ``sub``."""
    c = sub.add_parser("certify", help="classify a point exactly and print its certificate")
    add_problem_source(c)
    c.add_argument("--json", action="store_true", help="print the certificate as JSON")
    c.add_argument("--out", "-o", help="also write the JSON certificate to this file")
    add_force(c)
    add_budget(c, DEFAULT_BUDGET, "subset evaluations allowed to the general tangential routine; "
               "beyond it the verdict is 'undecided'")
    c.set_defaults(handler=_certify)
    k = sub.add_parser("check", help="independently re-check a certificate (exit 0 valid, 1 invalid)",
                       description="Re-derive every claim of a certificate with the independent checker. "
                       "With --problem, also compare the certificate's problem exactly with yours: a "
                       "certificate about another problem is invalid. Exit codes: 0 valid, 1 invalid, "
                       "2 malformed input, 3 internal error.")
    k.add_argument("certificate", help="certificate JSON file written by `certify --json`")
    k.add_argument("--problem", help="your problem JSON file: the certificate must be about exactly it")
    k.add_argument("--json", action="store_true",
                   help='print {"valid", "reasons", "checked", "digest", "problem_matches"} as JSON')
    add_budget(k, DEFAULT_CHECK_BUDGET, "steps of the checker's ray enumeration; beyond it the "
               "certificate is reported invalid ('checker budget exceeded')")
    k.set_defaults(handler=_check)
    e = sub.add_parser("examples", help="list the built-in examples")
    e.add_argument("--certify", action="store_true", help="certify and re-check each of them")
    e.set_defaults(handler=_examples)


def _certify(args: argparse.Namespace) -> int:
    from exactland.core.classify import certify
    from exactland.core.hints import rounding_hint
    from exactland.core.render import summary

    budget = budget_of(args)
    refuse_overwrite(args.out, args.force)
    problem, _, _ = load_problem(args)
    cert = certify(problem, budget=budget)
    text = cert.to_json()
    if args.out:
        pathlib.Path(args.out).write_text(text + "\n", encoding="utf-8")
    print(text if args.json else summary(cert))
    hint = rounding_hint(problem, cert.verdict.value)
    if hint is not None:
        print(hint, file=sys.stderr)
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    from exactland.checker import check_certificate

    budget = budget_of(args)
    problem = pathlib.Path(args.problem) if args.problem else None
    report = check_certificate(pathlib.Path(args.certificate), problem=problem, budget=budget)
    if args.json:
        print(json.dumps({"valid": report.valid, "reasons": list(report.reasons),
                          "checked": list(report.checked), "digest": report.digest,
                          "problem_matches": report.problem_matches}, indent=1))
        return EXIT_OK if report.valid else EXIT_FAILED
    print(f"problem digest: {report.digest}")
    if report.problem_matches is not None:
        print(f"given problem: {'identical' if report.problem_matches else 'DIFFERENT'} "
              f"({args.problem})")
    if report.valid:
        print(f"valid: {len(report.checked)} claim groups re-derived")
        for line in report.checked:
            print(f"  ok  {line}")
        return EXIT_OK
    print("INVALID certificate:")
    for line in report.reasons:
        print(f"  {line}")
    return EXIT_FAILED


def _examples(args: argparse.Namespace) -> int:
    from exactland.builtin.examples import example_description, example_names, load_example

    if not args.certify:
        for name in example_names():
            print(f"{name}: {example_description(name)}")
        return EXIT_OK
    from exactland.core.classify import certify
    from exactland.core.render import summary

    for name in example_names():
        cert = certify(load_example(name))
        report = cert.verify()
        print(f"== {name}: {example_description(name)}")
        print(summary(cert, max_neurons=6))
        print(f"independent check: {'valid' if report.valid else 'INVALID ' + '; '.join(report.reasons)}")
        print()
    return EXIT_OK

"""Commands ``certify``, ``check`` and ``examples``."""
from __future__ import annotations

import argparse
import pathlib
from typing import Any

from exactland.core.defaults import DEFAULT_BUDGET
from exactland.cli.common import (
    EXIT_FAILED, EXIT_OK, add_budget, add_problem_source, budget_of, load_problem,
)

__all__ = ["register"]




def register(sub: Any) -> None:
    """Add ``certify``, ``check`` and ``examples`` to the subparsers ``sub``."""
    c = sub.add_parser("certify", help="classify a point exactly and print its certificate")
    add_problem_source(c)
    c.add_argument("--json", action="store_true", help="print the certificate as JSON")
    c.add_argument("--out", "-o", help="also write the JSON certificate to this file")
    add_budget(c, DEFAULT_BUDGET, "subset evaluations allowed to the general tangential routine; "
               "beyond it the verdict is 'undecided'")
    c.set_defaults(handler=_certify)
    k = sub.add_parser("check", help="independently re-check a certificate (exit 0 valid, 1 invalid)")
    k.add_argument("certificate", help="certificate JSON file written by `certify --json`")
    k.set_defaults(handler=_check)
    e = sub.add_parser("examples", help="list the built-in examples")
    e.add_argument("--certify", action="store_true", help="certify and re-check each of them")
    e.set_defaults(handler=_examples)


def _certify(args: argparse.Namespace) -> int:
    from exactland.core.classify import certify
    from exactland.core.render import summary

    budget = budget_of(args)
    problem, _, _ = load_problem(args)
    cert = certify(problem, budget=budget)
    text = cert.to_json()
    if args.out:
        pathlib.Path(args.out).write_text(text + "\n", encoding="utf-8")
    print(text if args.json else summary(cert))
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    from exactland.checker import check_certificate

    report = check_certificate(pathlib.Path(args.certificate))
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

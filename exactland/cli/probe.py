"""Command ``probe``: an exact search for strictly lower points in an ∞-ball.

``exactland probe PROBLEM --radius R`` evaluates exact candidate points with
``‖P' − P‖∞ ≤ R`` (random, projected least-squares moves, and the certificate's
own descent direction when there is one; :mod:`exactland.core.probe`) and
reports the closest strictly lower point found, with its exact loss. Finding
none proves nothing (that is what ``certify`` is for); finding one bounds the
radius of every lower-point-free ball around the point.
"""
from __future__ import annotations

import argparse
import json
from typing import Any

from exactland.cli.common import EXIT_OK, add_problem_source, load_problem
from exactland.errors import InputError

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add ``probe`` to the subparsers ``sub``."""
    c = sub.add_parser("probe", help="search an ∞-ball around a point for strictly lower points (exact)")
    add_problem_source(c)
    c.add_argument("--radius", required=True, help="the ∞-radius of the ball (an exact number, e.g. 1/10)")
    c.add_argument("--samples", type=int, default=64, help="random candidates per kind (default 64)")
    c.add_argument("--seed", type=int, default=0, help="seed of the search (default 0)")
    c.add_argument("--json", action="store_true", help="print the result as JSON")
    c.set_defaults(handler=_probe)


def _probe(args: argparse.Namespace) -> int:
    from exactland.core.classify import certify
    from exactland.core.probe import probe
    from exactland.exact.scalars import parse_exact, sign, to_str

    radius = parse_exact(args.radius, "--radius")
    if sign(radius) <= 0:
        raise InputError("the radius must be positive", "--radius")
    if args.samples < 0:
        raise InputError("must be a non-negative integer", "--samples")
    problem, _, _ = load_problem(args)
    cert = certify(problem)
    dirs = []
    if cert.descent is not None:
        dW, dH = cert.descent.full_direction(problem.n_neurons, problem.n_outputs)
        dirs.append((dW, dH, getattr(cert.descent, "db", None)))
    res = probe(problem, radius, seed=args.seed, samples=args.samples, directions=dirs)
    out: dict[str, Any] = {
        "verdict": cert.verdict.value, "radius": to_str(res.radius), "loss": to_str(res.base_loss),
        "candidates": res.candidates, "found": res.found,
        "distance": None if res.distance is None else to_str(res.distance),
        "lower_loss": None if res.loss is None else to_str(res.loss),
        "point": None if res.point is None else {
            "W": [[to_str(x) for x in r] for r in res.point[0]],
            "H": [[to_str(x) for x in r] for r in res.point[1]],
            "b": None if res.point[2] is None else [to_str(x) for x in res.point[2]]},
    }
    if args.json:
        print(json.dumps(out, indent=1))
        return EXIT_OK
    print(f"verdict: {out['verdict']}; L(P) = {out['loss']}; searched ‖δ‖∞ ≤ {out['radius']} "
          f"with {res.candidates} exact candidates")
    if res.found:
        print(f"strictly lower point at ∞-distance {out['distance']}: L = {out['lower_loss']}")
    else:
        print("no strictly lower point found (this proves nothing)")
    return EXIT_OK

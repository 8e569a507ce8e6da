"""The ``embed`` and ``split`` subcommands (Section 4.3, Appendices L–N).

Syntax::

    exactland embed PROBLEM.json replicate --neuron I --beta B1,B2,... --gamma G1,G2,...
    exactland embed PROBLEM.json orthogonal-unit --w W1,...,Wd --h H1,...
    exactland embed PROBLEM.json negative-unit --w W1,...,Wd --h H1,...
    exactland embed PROBLEM.json inactive-propagation --w W1,...,Wd
        [--certify] [--json] [--out FILE] [--budget N]     (after the operation)
    exactland split PROBLEM.json [--neuron I] [--beta ...] [--gamma ...]
        [--no-line-search] [--json] [--out FILE] [--budget N]

``--example NAME`` may replace ``PROBLEM.json`` (before the operation for
``embed``). Lists are comma-separated exact numbers (``1/2,1/2``); neuron
indices are 0-based.

Exit codes: 0 success, 1 the paper's prediction and the certificate disagree
(reported loudly on stderr with both certificates), 2 bad input, 3 an internal
error (:data:`exactland.cli.common.EXIT_CODES`).
"""
from __future__ import annotations

import argparse
import json
import pathlib
import sys
from typing import TYPE_CHECKING, Any, Callable

from exactland.cli.common import (
    EXIT_FAILED, EXIT_OK, add_budget, add_force, add_problem_source, budget_of, load_problem, parse_list,
    refuse_overwrite,
)
from exactland.core.defaults import DEFAULT_BUDGET
from exactland.errors import InputError, InternalError
from exactland.core.display import short
from exactland.exact.scalars import to_float, to_str

if TYPE_CHECKING:  # pragma: no cover
    from exactland.core.problem import Problem
    from exactland.embedding.operations import EmbeddingResult

__all__ = ["register"]


def register(subparsers: Any) -> None:
    """Add ``embed`` (with its four operations) and ``split`` to ``subparsers``."""
    common = _common_options(argparse.SUPPRESS)  # after the operation: keeps a value given before it

    e = subparsers.add_parser(
        "embed", help="embed the point into a wider network exactly (Section 4.3, Appendices L-N)",
        description="Write the wider network as a problem JSON after checking exactly that the "
        "network function on the training inputs is unchanged; with --certify compare the "
        "paper's prediction (Proposition 4.9, Proposition M.1, Appendices M.1/N) with a fresh "
        "certificate. Neuron indices are 0-based; replicas take the replaced neuron's index "
        "followed by new indices at the end.",
    )
    add_problem_source(e)
    _common_options(None, e)  # the same options are accepted before the operation
    e.set_defaults(handler=_embed)
    ops = e.add_subparsers(dest="operation", required=True, metavar="OPERATION")
    r = ops.add_parser("replicate", parents=[common],
                       help="unit replication: w = beta_l w_i, h = gamma_l h_i (Prop. 4.9)")
    r.add_argument("--neuron", type=int, required=True, help="neuron i0 to replicate (0-based)")
    r.add_argument("--beta", required=True, help="beta_1,...,beta_L (all > 0)")
    r.add_argument("--gamma", required=True, help="gamma_1,...,gamma_L (sum beta_l gamma_l = 1)")
    o = ops.add_parser("orthogonal-unit", parents=[common],
                       help="add a unit with w . x_k = 0 for every k (Appendix M.1)")
    o.add_argument("--w", required=True, help="input weight, d entries")
    o.add_argument("--h", required=True, help="output weights, |J| entries")
    n = ops.add_parser("negative-unit", parents=[common],
                       help="add a unit with w . x_k < 0 for every k, alpha- = 0 (Prop. M.1)")
    n.add_argument("--w", required=True, help="input weight, d entries")
    n.add_argument("--h", required=True, help="output weights, |J| entries")
    ip = ops.add_parser("inactive-propagation", parents=[common],
                        help="add a unit with output weights 0 (Appendix N)")
    ip.add_argument("--w", required=True, help="input weight, d entries")

    s = subparsers.add_parser(
        "split", help="escape a type-1 minimum by unit replication (Section 4.3, closing remark)",
        description="From a type-1 minimum of a scalar-output network: replicate a neuron with a "
        "nonzero tangential derivative with some gamma_l <= 0, certify the saddle, follow its "
        "exact descent witness to a point of strictly lower loss (verified exactly).",
    )
    add_problem_source(s)
    s.add_argument("--neuron", type=int, help="neuron to replicate (default: try every candidate)")
    s.add_argument("--beta", default="1,1", help="beta_l (default 1,1)")
    s.add_argument("--gamma", default="1,0", help="gamma_l, some <= 0 (default 1,0)")
    s.add_argument("--no-line-search", action="store_true",
                   help="stop at the certificate's witness point instead of searching the ray")
    s.add_argument("--json", action="store_true", help="print the result as JSON")
    s.add_argument("--out", "-o", help="write the final point (problem JSON) to this file: the "
                   "continued and snapped point with --gd-steps, else the lower-loss point")
    add_budget(s, DEFAULT_BUDGET, "certification budget")
    add_force(s)
    s.add_argument("--gd-steps", type=int, default=0,
                   help="continue with this many gradient-descent steps (float path) from the "
                   "lower-loss point and snap the end to an exact point (default 0: no continuation)")
    s.add_argument("--gd-lr", type=float, default=1e-3,
                   help="step size of the continuation, MSE loss (default 0.001)")
    s.set_defaults(handler=_split)


def _common_options(default: Any, parser: argparse.ArgumentParser | None = None) -> argparse.ArgumentParser:
    """``--certify``, ``--json``, ``--out``, ``--budget`` of ``embed``, accepted before and after
    the operation (the operation's copies default to SUPPRESS so that they never reset a value)."""
    p = parser or argparse.ArgumentParser(add_help=False)
    flag = {} if default is None else {"default": default}
    p.add_argument("--certify", action="store_true", **flag,
                   help="state the paper's prediction and compare it with a fresh certificate")
    p.add_argument("--json", action="store_true", **flag,
                   help='print {"problem", "predicted", "certificate", "agree"} as JSON')
    p.add_argument("--out", "-o", **flag, help="write the embedded problem JSON to this file")
    p.add_argument("--force", action="store_true", **flag, help="replace an existing --out file")
    p.add_argument("--budget", type=int, default=DEFAULT_BUDGET if default is None else default,
                   help=f"certification budget (default {DEFAULT_BUDGET})")
    return p


def _v(v: Any) -> str:
    return "(" + ", ".join(to_str(x) for x in v) + ")"


def _indent(text: str, pad: str = "  ") -> str:
    return "\n".join(pad + line for line in text.splitlines())


def _loud(result: EmbeddingResult, context: str) -> None:
    """Report a disagreement on stderr with both certificates."""
    err = sys.stderr
    print("!" * 78, file=err)
    print(f"DISAGREEMENT between the paper's prediction and the certificate ({context}):", file=err)
    for line in result.disagreements():
        print(f"  {line}", file=err)
    if result.prediction is not None:
        print(f"  rule: {result.prediction.rule}", file=err)
    print("certificate of the original point:", file=err)
    print(result.base_certificate.to_json() if result.base_certificate else "null", file=err)
    print("certificate of the embedded point:", file=err)
    print(result.certificate.to_json() if result.certificate else "null", file=err)
    print("!" * 78, file=err)


def _embed(args: argparse.Namespace) -> int:
    from exactland.embedding.operations import (
        add_negative_unit, add_orthogonal_unit, inactive_propagation, replicate,
    )

    budget = budget_of(args)
    refuse_overwrite(args.out, args.force)
    problem, _, _ = load_problem(args)
    compare = bool(args.certify)
    op = args.operation
    if op == "replicate":
        beta, gamma = parse_list(args.beta, "--beta"), parse_list(args.gamma, "--gamma")
        res = replicate(problem, args.neuron, beta, gamma, compare=compare, budget=budget)
        what = f"replicate neuron {args.neuron} with beta = {_v(beta)}, gamma = {_v(gamma)}"
    elif op == "orthogonal-unit":
        w, h = parse_list(args.w, "--w"), parse_list(args.h, "--h")
        res = add_orthogonal_unit(problem, w, h, compare=compare, budget=budget)
        what = f"add orthogonal unit w = {_v(w)}, h = {_v(h)}"
    elif op == "negative-unit":
        w, h = parse_list(args.w, "--w"), parse_list(args.h, "--h")
        res = add_negative_unit(problem, w, h, compare=compare, budget=budget)
        what = f"add negative unit w = {_v(w)}, h = {_v(h)}"
    else:
        w = parse_list(args.w, "--w")
        res = inactive_propagation(problem, w, compare=compare, budget=budget)
        what = f"add unit with inactive propagation w = {_v(w)}, h = 0"
    text = res.problem.to_json()
    if args.out:
        pathlib.Path(args.out).write_text(text + "\n", encoding="utf-8")
    if args.json:
        print(json.dumps(res.to_dict(), indent=1))
    elif not compare:
        print(text)
    else:
        print(_embed_report(res, what))
    if res.agree is False:
        _loud(res, what)
        return EXIT_FAILED
    return EXIT_OK


def _embed_report(res: EmbeddingResult, what: str) -> str:
    from exactland.core.render import summary
    from exactland.embedding.operations import certified_status

    if res.prediction is None or res.certificate is None:
        raise InternalError("--certify gave no prediction or no certificate")
    base = res.base_certificate
    pred = res.prediction
    lines = [
        f"embed: {what}",
        f"  |I| = {res.original.n_neurons} -> {res.problem.n_neurons}, new neurons "
        f"{list(res.new_neurons)}; network function on the training inputs unchanged (checked exactly)",
    ]
    if base is not None:
        lines.append(
            f"original point: {base.verdict.value} (stationary {base.stationary}, "
            f"escape neurons {list(base.escape_neurons)})"
        )
    lines += [
        f"predicted: stationary {_tri(pred.stationary)}, type-1 minimum {_tri(pred.type1_minimum)}",
        f"  rule: {pred.rule}",
        "certificate of the embedded point:",
        _indent(summary(res.certificate)),
    ]
    stat, t1 = certified_status(res.certificate)
    lines.append(f"certified: stationary {_tri(stat)}, type-1 minimum {_tri(t1)}")
    lines.append("agree: " + ("yes" if res.agree else "NO (see stderr)"))
    return "\n".join(lines)


def _tri(x: bool | None) -> str:
    return "no prediction" if x is None else str(x)


def _split(args: argparse.Namespace) -> int:
    from exactland.embedding.split import split

    budget = budget_of(args)
    refuse_overwrite(args.out, args.force)
    problem, _, _ = load_problem(args)
    continuation = _continuation(args.gd_steps, args.gd_lr)
    res = split(
        problem,
        neuron=args.neuron,
        beta=parse_list(args.beta, "--beta"),
        gamma=parse_list(args.gamma, "--gamma"),
        budget=budget,
        line_search=not args.no_line_search,
        continuation=continuation,
    )
    final = res.continued if res.continued is not None else res.point  # the point that is reported last
    if args.out:
        pathlib.Path(args.out).write_text(final.to_json() + "\n", encoding="utf-8")
    if args.json:
        print(json.dumps(res.to_dict(), indent=1))
    else:
        emb, d = res.embedding, res.descent
        if emb.prediction is None or emb.certificate is None:
            raise InternalError("split gave no prediction or no certificate")
        mse = lambda x: f"{to_float(res.mse(x)):.9g}"  # noqa: E731  (display only)
        lines = [
            "split (Section 4.3, closing remark): from a type-1 minimum with "
            f"L = {short(res.loss_before)} (MSE {mse(res.loss_before)})",
            f"replicated neuron {res.neuron} (nonzero tangential derivative) with beta = "
            f"{_v(res.beta)}, gamma = {_v(res.gamma)}: new neurons {list(emb.new_neurons)}",
            f"predicted: stationary {_tri(emb.prediction.stationary)}, type-1 minimum "
            f"{_tri(emb.prediction.type1_minimum)}",
            f"  rule: {emb.prediction.rule}",
            f"certificate of the replicated point: {emb.certificate.verdict.value}, escape neurons "
            f"{list(emb.certificate.escape_neurons)}; agree: {'yes' if emb.agree else 'NO (see stderr)'}",
            f"descent witness: neuron {d.neuron}, dh = {_v(d.dh)}, dw = {_v(d.dw)}; "
            f"at t = {short(d.t)}: L = {short(d.loss)}",
            f"followed to t = {short(res.t)}"
            + (" (exact line search along the witness ray)" if not args.no_line_search else ""),
            f"loss L: {short(res.loss_before)} -> {short(res.loss_after)} "
            "(strict decrease verified by exact evaluation)",
            f"MSE = 2L/(|K||J|): {mse(res.loss_before)} -> {mse(res.loss_after)}",
        ]
        if res.continued_loss is not None:
            lines.append(f"after the continuation: L = {short(res.continued_loss)} "
                         f"(MSE {mse(res.continued_loss)})")
        if args.out:
            what = "the continued (snapped) point" if res.continued is not None else "the lower-loss point"
            lines.append(f"{what} written to {args.out}")
        print("\n".join(lines))
    if res.embedding.agree is False:
        _loud(res.embedding, "split")
        return EXIT_FAILED
    return EXIT_OK


def _continuation(steps: int, lr: float) -> Callable[[Problem], Problem] | None:
    """The ``--gd-steps`` hook: float gradient descent, then an exact snap."""
    if steps < 0:
        raise InputError("must be non-negative", "--gd-steps")
    if steps == 0:
        return None
    from exactland.dynamics.run import continue_gd

    return lambda p: continue_gd(p, steps, lr)

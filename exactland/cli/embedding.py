"""The ``embed`` and ``split`` subcommands (Section 4.3, Appendices L–N).

Wiring (done by :mod:`exactland.cli.main`)::

    sub = parser.add_subparsers(dest="command")
    embedding_cli.add_parsers(sub)
    ...
    if args.command in ("embed", "split"):
        return embedding_cli.run(args)

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

Exit codes of :func:`run`: 0 success, 1 the paper's prediction and the
certificate disagree (reported loudly on stderr with both certificates);
bad input raises :class:`exactland.errors.ExactlandError` (the main CLI
prints ``error: ...`` and exits 2).
"""
from __future__ import annotations

import argparse
import json
import pathlib
import sys
from typing import Any, Callable

from exactland.core.classify import DEFAULT_BUDGET
from exactland.embedding.operations import (
    EmbeddingResult,
    add_negative_unit,
    add_orthogonal_unit,
    certified_status,
    inactive_propagation,
    replicate,
)
from exactland.errors import ExactlandError, InputError
from exactland.builtin.examples import load_example
from exactland.exact.scalars import parse_exact, to_float, to_str
from exactland.core.problem import Problem, load
from exactland.core.render import summary

__all__ = ["add_parsers", "run", "parse_list"]


def parse_list(text: str, name: str) -> list[Any]:
    """Comma-separated exact numbers (commas inside parentheses do not split).

    Examples
    --------
    >>> parse_list("1/2, 0.5,sqrt(2)/2", "--beta")
    [1/2, 1/2, RealAlg(sqrt(2)/2)]
    """
    parts, depth, cur = [], 0, ""
    for ch in text:
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
            continue
        depth += (ch == "(") - (ch == ")")
        cur += ch
    parts.append(cur)
    if any(not p.strip() for p in parts):
        raise InputError(f"empty entry in {text!r}: expected comma-separated exact numbers", name)
    return [parse_exact(p.strip(), f"{name}[{n}]") for n, p in enumerate(parts)]


def add_parsers(subparsers: Any) -> None:
    """Add ``embed`` (with its four operations) and ``split`` to ``subparsers``."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--certify", action="store_true",
                        help="state the paper's prediction and compare it with a fresh certificate")
    common.add_argument("--json", action="store_true",
                        help='print {"problem", "predicted", "certificate", "agree"} as JSON')
    common.add_argument("--out", "-o", help="write the embedded problem JSON to this file")
    common.add_argument("--budget", type=int, default=DEFAULT_BUDGET,
                        help=f"certification budget (default {DEFAULT_BUDGET})")

    e = subparsers.add_parser(
        "embed", help="embed the point into a wider network exactly (Section 4.3, Appendices L-N)",
        description="Write the wider network as a problem JSON after checking exactly that the "
        "network function on the training inputs is unchanged; with --certify compare the "
        "paper's prediction (Proposition 4.9, Proposition M.1, Appendices M.1/N) with a fresh "
        "certificate. Neuron indices are 0-based; replicas take the replaced neuron's index "
        "followed by new indices at the end.",
    )
    e.add_argument("problem", nargs="?", help="problem JSON file")
    e.add_argument("--example", help="a built-in example instead of a file")
    e.set_defaults(embedding_command="embed")
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
    s.add_argument("problem", nargs="?", help="problem JSON file")
    s.add_argument("--example", help="a built-in example instead of a file")
    s.add_argument("--neuron", type=int, help="neuron to replicate (default: try every candidate)")
    s.add_argument("--beta", default="1,1", help="beta_l (default 1,1)")
    s.add_argument("--gamma", default="1,0", help="gamma_l, some <= 0 (default 1,0)")
    s.add_argument("--no-line-search", action="store_true",
                   help="stop at the certificate's witness point instead of searching the ray")
    s.add_argument("--json", action="store_true", help="print the result as JSON")
    s.add_argument("--out", "-o", help="write the lower-loss point (problem JSON) to this file")
    s.add_argument("--budget", type=int, default=DEFAULT_BUDGET,
                   help=f"certification budget (default {DEFAULT_BUDGET})")
    s.set_defaults(embedding_command="split")


def _problem(args: argparse.Namespace) -> Problem:
    if (args.problem is None) == (args.example is None):
        raise InputError("give exactly one of a problem file and --example", "problem")
    return load_example(args.example) if args.example else load(args.problem)


def _budget(args: argparse.Namespace) -> int:
    if args.budget < 0:
        raise InputError("must be non-negative", "--budget")
    return int(args.budget)


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
    assert result.prediction is not None
    print(f"  rule: {result.prediction.rule}", file=err)
    print("certificate of the original point:", file=err)
    print(result.base_certificate.to_json() if result.base_certificate else "null", file=err)
    print("certificate of the embedded point:", file=err)
    print(result.certificate.to_json() if result.certificate else "null", file=err)
    print("!" * 78, file=err)


def _embed(args: argparse.Namespace) -> int:
    problem = _problem(args)
    budget = _budget(args)
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
        return 1
    return 0


def _embed_report(res: EmbeddingResult, what: str) -> str:
    assert res.prediction is not None and res.certificate is not None
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


def _split(args: argparse.Namespace, continuation: Callable[[Problem], Problem] | None) -> int:
    from exactland.embedding.split import split

    problem = _problem(args)
    budget = _budget(args)
    res = split(
        problem,
        neuron=args.neuron,
        beta=parse_list(args.beta, "--beta"),
        gamma=parse_list(args.gamma, "--gamma"),
        budget=budget,
        line_search=not args.no_line_search,
        continuation=continuation,
    )
    if args.out:
        pathlib.Path(args.out).write_text(res.point.to_json() + "\n", encoding="utf-8")
    if args.json:
        print(json.dumps(res.to_dict(), indent=1))
    else:
        emb, d = res.embedding, res.descent
        assert emb.prediction is not None and emb.certificate is not None
        mse = lambda x: f"{to_float(res.mse(x)):.9g}"  # noqa: E731  (display only)
        lines = [
            "split (Section 4.3, closing remark): from a type-1 minimum with "
            f"L = {to_str(res.loss_before)} (MSE {mse(res.loss_before)})",
            f"replicated neuron {res.neuron} (nonzero tangential derivative) with beta = "
            f"{_v(res.beta)}, gamma = {_v(res.gamma)}: new neurons {list(emb.new_neurons)}",
            f"predicted: stationary {_tri(emb.prediction.stationary)}, type-1 minimum "
            f"{_tri(emb.prediction.type1_minimum)}",
            f"  rule: {emb.prediction.rule}",
            f"certificate of the replicated point: {emb.certificate.verdict.value}, escape neurons "
            f"{list(emb.certificate.escape_neurons)}; agree: {'yes' if emb.agree else 'NO (see stderr)'}",
            f"descent witness: neuron {d.neuron}, dh = {_v(d.dh)}, dw = {_v(d.dw)}; "
            f"at t = {to_str(d.t)}: L = {to_str(d.loss)}",
            f"followed to t = {to_str(res.t)}"
            + (" (exact line search along the witness ray)" if not args.no_line_search else ""),
            f"loss L: {to_str(res.loss_before)} -> {to_str(res.loss_after)} "
            "(strict decrease verified by exact evaluation)",
            f"MSE = 2L/(|K||J|): {mse(res.loss_before)} -> {mse(res.loss_after)}",
        ]
        if res.continued_loss is not None:
            lines.append(f"after the continuation: L = {to_str(res.continued_loss)} "
                         f"(MSE {mse(res.continued_loss)})")
        if args.out:
            lines.append(f"lower-loss point written to {args.out}")
        print("\n".join(lines))
    if res.embedding.agree is False:
        _loud(res.embedding, "split")
        return 1
    return 0


def run(
    args: argparse.Namespace, *, continuation: Callable[[Problem], Problem] | None = None
) -> int:
    """Run ``embed`` or ``split`` for parsed arguments.

    Parameters
    ----------
    args : argparse.Namespace
        From a parser extended by :func:`add_parsers`.
    continuation : callable, optional
        Passed to :func:`exactland.embedding.split.split` (the gradient-descent hook).

    Returns
    -------
    int
        0 on success, 1 when the paper's prediction and the certificate disagree.

    Raises
    ------
    ExactlandError
        Bad input (the main CLI prints ``error: ...`` and exits 2).
    """
    cmd = getattr(args, "embedding_command", None) or getattr(args, "command", None)
    if cmd == "embed":
        return _embed(args)
    if cmd == "split":
        return _split(args, continuation)
    raise ExactlandError(f"not an embedding command: {cmd!r}", "command")

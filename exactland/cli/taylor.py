"""Subcommands ``taylor``, ``derive`` and ``teach`` (wired into :mod:`exactland.cli.main`).

``exactland taylor PROBLEM --direction SPEC [--json]``
    The exact polynomial ``L(P + εΔ) = c0 + … + c4 ε⁴`` on ``[0, ε0)``, the
    orthant, and its check against exact loss evaluations. SPEC is a
    direction file ``{"W": [[...]], "H": [[...]]}`` or a name: ``escape:i``,
    ``axis:h,i``, ``axis:h,j,i``, ``axis:w,i,c``, ``radial:i``,
    ``tangential:i[,v]``, ``tangential:i,x1,...,xd``, ``descent``, ``ascent``
    (0-based indices; a leading ``-`` negates).
``exactland taylor PROBLEM --symbolic [--tangent i:x1,...,xd ...] [--json]``
    The same with a symbolic Δ in aligned coordinates: eq. (13), eq. (14),
    Appendix F.1.3 and, at escape neurons, the eq. (16) block.
``exactland derive PROBLEM --format markdown|latex|html [--out FILE]``
    A worked derivation of the point's classification.
``exactland teach [--format ...] [--out FILE] [--gd ETA [--steps N]]``
    The Appendix C / Remark 3.4 examples, or one exact GD run on eq. (7).

``PROBLEM`` may be replaced by ``--example NAME``. Exit codes are those of
every command (:data:`exactland.cli.common.EXIT_CODES`): an internal
cross-check that fails is a bug (exit 3), bad input exits 2.
"""
from __future__ import annotations

import argparse
import json
from typing import Any

from exactland.cli.common import (
    EXIT_OK, add_force, add_problem_source, load_problem, refuse_overwrite, write_output,
)
from exactland.errors import InputError
from exactland.core.display import short
from exactland.exact.scalars import parse_exact, to_str

__all__ = ["register"]


_DIRECTION_HELP = """\
direction (--direction/-d): a file or a name.
  file   a JSON object {"W": [[...]], "H": [[...]]} of exact numbers (strings such as "1/2",
         JSON integers or decimals), the same shapes as the problem's W (|I| x d) and
         H (|J| x |I|); e.g. for one neuron in d = 2 and one output:
             {"W": [["3/10", "1/10"]], "H": [["0"]]}
  names  (0-based indices; a leading '-' negates the direction)
    escape:i            the escape witness of neuron i (Definition 4.1)
    axis:h,i | axis:h,j,i   the output weight h_ji alone
    axis:w,i,c          coordinate c of w_i alone
    radial:i            w_i itself
    tangential:i        a tangential direction of neuron i (from the certificate)
    tangential:i,x1,...,xd  the tangential direction (x1, ..., xd) of neuron i
    descent | ascent    the certificate's witness path
"""


def register(subparsers: Any) -> None:
    """Add the ``taylor``, ``derive`` and ``teach`` subcommands to an argparse subparsers object."""
    t = subparsers.add_parser(
        "taylor", help="exact Taylor polynomial of the loss along a direction, per orthant",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="The exact polynomial L(P + eps D) = c0 + ... + c4 eps^4 on [0, eps0), its orthant, and "
        "its check against exact loss evaluations (Appendix F).",
        epilog=_DIRECTION_HELP)
    add_problem_source(t)
    t.set_defaults(handler=_taylor)
    mode = t.add_mutually_exclusive_group(required=True)
    mode.add_argument("--direction", "-d", help="direction file or name (escape:i, axis:h,i, axis:w,i,c, "
                      "radial:i, tangential:i[,v], descent, ascent; leading '-' negates)")
    mode.add_argument("--symbolic", action="store_true",
                      help="symbolic direction in aligned coordinates (h, r, s): eqs. (13), (14), (16), F.1.3")
    t.add_argument("--tangent", action="append", default=[], metavar="I:X1,...,XD",
                   help="with --symbolic: the tangential direction v_i of neuron i (repeatable)")
    t.add_argument("--json", action="store_true", help="print JSON (every number an exact string)")
    d = subparsers.add_parser("derive", help="write a worked derivation of the classification")
    add_problem_source(d)
    d.set_defaults(handler=_derive)
    d.add_argument("--format", "-f", choices=("markdown", "latex", "html"), default="markdown",
                   help="output format (default markdown)")
    d.add_argument("--out", "-o", help="write to this file instead of standard output")
    add_force(d)
    d.add_argument("--title", help="heading of the derivation")
    e = subparsers.add_parser("teach", help="Appendix C / Remark 3.4 examples without a network")
    e.set_defaults(handler=_teach)
    e.add_argument("--format", "-f", choices=("markdown", "latex", "html"), default="markdown",
                   help="output format (default markdown)")
    e.add_argument("--out", "-o", help="write to this file instead of standard output")
    add_force(e)
    e.add_argument("--gd", metavar="ETA", help="run exact gradient descent on eq. (7) with this step")
    e.add_argument("--steps", type=int, default=20, help="GD steps (default 20)")


def _taylor(args: argparse.Namespace) -> int:
    from exactland.core.render import polynomial
    from exactland.taylor.directions import parse_direction
    from exactland.taylor.rays import check_against_loss, ray_polynomial

    problem, _, _ = load_problem(args)
    if args.symbolic:
        return _symbolic(args, problem)
    if args.tangent:
        raise InputError("--tangent needs --symbolic", "--tangent")
    direction = parse_direction(problem, args.direction)
    rp = ray_polynomial(problem, direction)
    pts = check_against_loss(rp)
    if args.json:
        out = rp.to_dict()
        out["direction"] = direction.to_dict()
        out["label"] = direction.label
        out["checked_at"] = [{"eps": to_str(e), "loss": to_str(v)} for e, v in pts]
        print(json.dumps(out, indent=1))
        return EXIT_OK
    if rp.first_change is None:
        rng = "for all eps >= 0 (no sample outside a kink set ever changes side)"
    else:
        i, k = rp.first_change
        rng = f"for 0 <= eps < eps0 = {short(rp.eps0)}   (at eps0 sample {k} reaches the kink of neuron {i})"
    lines = [f"direction: {direction.label}",
             f"L(P + eps D) = {polynomial(rp.coefficients, 'eps')}",
             f"  valid {rng}",
             "one-sided directional derivatives (n! c_n): "
             + ", ".join(f"d{n + 1} = {short(v)}" for n, v in enumerate(rp.derivatives())),
             "orthant (0-based; kink samples move to the side sign(Dw_i . x_k), 0 = stays on the kink):"]
    for o in rp.orthant:
        kinks = ", ".join(f"{k}->{'+' if s > 0 else '-' if s < 0 else '0'}" for k, s in o.kink_moves)
        lines.append(f"  neuron {o.index}: K+ = {list(o.positive)}, K- = {list(o.negative)}, kinks: [{kinks}]")
    lines.append(f"check: equals the exact loss at eps = {', '.join(to_str(e) for e, _ in pts)} "
                 f"({len(pts)} points; a quartic is fixed by 5)")
    print("\n".join(lines))
    return EXIT_OK


def _tangents(specs: list[str], d: int) -> dict[int, tuple[Any, ...]]:
    out = {}
    for spec in specs:
        head, sep, tail = spec.partition(":")
        if not sep:
            raise InputError("expected I:X1,...,XD", spec)
        try:
            i = int(head)
        except ValueError:
            raise InputError("the neuron index must be an integer", spec) from None
        vals = [s.strip() for s in tail.split(",")]
        if len(vals) != d:
            raise InputError(f"expected d = {d} entries", spec)
        out[i] = tuple(parse_exact(v, f"{spec}[{c}]") for c, v in enumerate(vals))
    return out


def _symbolic(args: argparse.Namespace, problem: Any) -> int:
    import sympy as sp

    from exactland.core.classify import certify
    from exactland.taylor.symbolic import escape_block, gram_on_flat_face, symbolic_expansion

    tangents = _tangents(args.tangent, problem.dim)
    bad = [i for i in tangents if not 0 <= i < problem.n_neurons]
    if bad:
        raise InputError(f"neuron index {bad[0]} out of range", "--tangent")
    cert = certify(problem)
    se = symbolic_expansion(problem, tangents, cert)
    blocks = []
    for i in cert.escape_neurons:
        w = cert.neurons[i].escape_witness
        if w is not None and i not in tangents and problem.n_outputs == 1:
            blocks.append(escape_block(se, i, w[0]))
    s = sp.sstr
    data = {
        "coordinates": "Delta w_i = dr_i w_i + ds_i v_i, ds_i >= 0 (dr_i = paper's Delta r_i / |w_i|)",
        "tangents": {str(i): [to_str(c) for c in v] for i, v in enumerate(se.tangents)},
        "sides": [list(r) for r in se.sides],
        "coefficients": [s(c) for c in se.coefficients],
        "gram_factors": [s(M.tolist()) for M in se.V],
        "H_tilde": s(se.H_tilde.tolist()),
        "flat_face": [s(x) for x in se.flat_face],
        "hessian_is_gram_on_flat_face": gram_on_flat_face(se),
        "Vbar": [s(M.T.tolist()[0]) for M in se.Vbar],
        "escape_blocks": [{"neuron": b.neuron, "output": b.output, "matrix": s(b.matrix.tolist()),
                           "det": s(b.determinant), "T2": s(b.t2), "b_bound_over_a": s(b.bound)} for b in blocks],
        "checks": list(se.checks),
    }
    if args.json:
        print(json.dumps(data, indent=1))
        return EXIT_OK
    lines = [f"aligned coordinates: {data['coordinates']}",
             "tangents: " + "; ".join(f"v_{i} = ({', '.join(v)})" for i, v in data["tangents"].items()),
             f"variables (Hessian order): {', '.join(map(str, se.variables))}"]
    lines += [f"c{n} = {c}" for n, c in enumerate(data["coefficients"])]
    lines += [f"V_{j} (eq. 13) = {g}" for j, g in enumerate(data["gram_factors"])]
    lines.append(f"H~ (eq. 18) = {data['H_tilde']}")
    lines.append(f"first-order-flat face (c1 = 0): {data['flat_face'] or 'all directions of the orthant'}; "
                 f"Hessian = sum_j V_j^T V_j there: {data['hessian_is_gram_on_flat_face']}")
    lines += [f"Vbar_{j} (F.1.3) = {v}" for j, v in enumerate(data["Vbar"])]
    for b in data["escape_blocks"]:
        lines.append(f"escape neuron {b['neuron']} (eq. 16): block {b['matrix']}, det {b['det']}, "
                     f"T2 = {b['T2']}, eq. (17): b > {b['b_bound_over_a']} a")
    lines += [f"checked: {c}" for c in data["checks"]]
    print("\n".join(lines))
    return EXIT_OK


def _derive(args: argparse.Namespace) -> int:
    from exactland.derivation.build import derive
    from exactland.derivation.render import render

    refuse_overwrite(args.out, args.force)
    problem, name, desc = load_problem(args)
    d = derive(problem, title=args.title or f"Worked derivation: {name}", description=desc)
    write_output(render(d, args.format), args.out)
    return EXIT_OK


def _teach(args: argparse.Namespace) -> int:
    from exactland.derivation.render import render
    from exactland.derivation.gradient_descent import eq7_gradient_descent
    from exactland.derivation.teaching import teaching_derivation

    refuse_overwrite(args.out, args.force)
    if args.gd is None:
        write_output(render(teaching_derivation(), args.format), args.out)
        return EXIT_OK
    if args.steps < 0:
        raise InputError("must be non-negative", "--steps")
    r = eq7_gradient_descent(args.gd, args.steps)
    lines = [f"exact GD on eq. (7), eta = {to_str(r.eta)}, start (1/1000000, 1); regime: {r.regime}"]
    lines += [f"  {n:3d}: x = {to_str(p[0])}, y = {to_str(p[1])}, f = {to_str(v)}"
              for n, (p, v) in enumerate(zip(r.points, r.values))]
    lines.append("escaped (f < f(0) = 0) at step " + str(r.escaped_at) if r.escaped_at is not None
                 else "never below f(0) = 0: no escape")
    write_output("\n".join(lines), args.out)
    return EXIT_OK

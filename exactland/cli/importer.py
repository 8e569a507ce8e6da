"""Subcommand ``import`` (wired into :mod:`exactland.cli.main`).

``exactland import WEIGHTS [--data DATA] [--activation SPEC] [--exact-binary] -o problem.json [--force]``
    Read a trained network (``.npz``, ``.safetensors``, ``.pt``/``.pth``) and
    its data (``.npz``, ``.csv``, exact ``.json``, or X and Y inside the
    weights ``.npz``) into an exact problem file, printing what was found
    (layers, shapes, biases, dtype, the float rule) and the next commands.
    See :mod:`exactland.importing`.
"""
from __future__ import annotations

import argparse
from typing import Any

from exactland.cli.common import EXIT_OK, add_force, refuse_overwrite, write_output

__all__ = ["register"]

_ACTIVATION_HELP = ("relu, leaky_relu:SLOPE (e.g. leaky_relu:0.01) or ALPHA_PLUS,ALPHA_MINUS (exact numbers); "
                    "default: read from a saved nn.Sequential, else relu")


def register(sub: Any) -> None:
    """Add ``import`` to the subparsers ``sub``."""
    p = sub.add_parser(
        "import", help="turn a trained network's float weights and data into an exact problem file",
        description="Read Linear -> activation -> Linear weights (.npz with W, H[, c, b][, X, Y]; "
        ".safetensors; PyTorch .pt/.pth state_dict or saved nn.Sequential) and data (.npz, .csv with the "
        "d0 input columns first and the |J| target columns last, header optional, or exact .json) into "
        "an exact problem. Floats become the shortest decimal that rounds back to the same float "
        "(float32 read as float32), or with --exact-binary their exact binary values. An input bias "
        "becomes a constant-1 input coordinate; an output bias is the problem's b.")
    p.add_argument("weights", help="weights file: .npz, .safetensors, .pt or .pth")
    p.add_argument("--data", help="data file: .npz (X, Y), .csv or .json (X, Y as exact strings); "
                   "not needed when the weights .npz holds X and Y")
    p.add_argument("--activation", help=_ACTIVATION_HELP)
    p.add_argument("--exact-binary", action="store_true",
                   help="read floats as their exact binary values (default: the shortest decimal that "
                   "rounds back to the same float)")
    p.add_argument("--out", "-o", required=True, help="the problem JSON file to write")
    add_force(p)
    p.set_defaults(handler=_import)


def _import(args: argparse.Namespace) -> int:
    from exactland.importing.files import import_network

    refuse_overwrite(args.out, args.force, "--out")
    imported = import_network(args.weights, args.data, args.activation, args.exact_binary)
    write_output(imported.problem.to_json(), args.out)
    for line in imported.report:
        print(line)
    print(f"wrote {args.out}")
    print("next:")
    print(f"  exactland certify {args.out}    # the exact verdict at exactly these numbers")
    print(f"  exactland snap {args.out}       # a float point is rarely stationary as it is: "
          "snap it to a nearby exact point and certify that")
    return EXIT_OK

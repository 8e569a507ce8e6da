"""Command ``proofs``: the paper's lemmas and theorems re-derived (``proofs_check``).

``proofs_check`` is a separate top-level package of this distribution; it
needs only the base install.
"""
from __future__ import annotations

import argparse
from typing import Any

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add ``proofs`` to the subparsers ``sub``."""
    from proofs_check.cli import add_arguments

    p = sub.add_parser("proofs", help="re-derive the paper's lemmas and theorems "
                       "(symbolic identities, exact generated instances) and report errata")
    add_arguments(p)
    p.set_defaults(handler=_proofs)


def _proofs(args: argparse.Namespace) -> int:
    from proofs_check.cli import run

    return run(args)

"""The ``exactland`` command: one parser, one error policy.

Each command family registers its subcommands (``register(subparsers)``) and
a handler per subcommand; the handlers raise
:class:`~exactland.errors.ExactlandError` for bad input and
:class:`~exactland.errors.InternalError` for bugs, and :func:`main` alone turns
outcomes into exit codes:

====  =====================================================================
0     success (``check``: the certificate is valid)
1     an invalid certificate, a failed check, or a prediction that disagrees
2     bad input; the message names the field and position
3     internal error (a bug in exactland); the message asks for a report
130   interrupted (Ctrl-C)
141   standard output was closed early (for example piped into ``head``)
====  =====================================================================

Any other exception is reported as an internal error (exit 3) in one line,
never as a traceback.

Command modules import their heavy dependencies inside the handlers, so that
building the parser (and ``check``) loads no search code.
"""
from __future__ import annotations

import argparse
import difflib
import os
import re
import sys
from typing import NoReturn, Sequence

from exactland.cli import census, certify, dynamics, embedding, importer, ncf, probe, proofs, snap, taylor
from exactland.cli.common import EXIT_BAD_INPUT, EXIT_BROKEN_PIPE, EXIT_INTERNAL, EXIT_INTERRUPTED
from exactland.errors import ExactlandError, InternalError
from exactland.version import __version__

__all__ = ["main", "build_parser"]

_FAMILIES = (certify, probe, importer, dynamics, snap, embedding, taylor, ncf, proofs, census)
_REPORT = "this is a bug in exactland; please report it with the command and its input"


class _Parser(argparse.ArgumentParser):
    """argparse with "did you mean" suggestions for mistyped commands and options."""

    def error(self, message: str) -> NoReturn:
        hint = _suggestion(self, message)
        super().error(message + (f"\n  did you mean {hint}?" if hint else ""))


def _suggestion(parser: argparse.ArgumentParser, message: str) -> str | None:
    choice = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", message)
    if choice:
        options = re.findall(r"'([^']*)'", choice.group(2)) or [s.strip() for s in choice.group(2).split(",")]
        close = difflib.get_close_matches(choice.group(1), options, n=1)
        return repr(close[0]) if close else None
    unknown = re.search(r"unrecognized arguments: (\S+)", message)
    if unknown and unknown.group(1).startswith("-"):
        close = difflib.get_close_matches(unknown.group(1).split("=")[0], sorted(_flags(parser)), n=1)
        return close[0] if close else None
    return None


def _flags(parser: argparse.ArgumentParser) -> set[str]:
    """Every option string of ``parser`` and of its subcommands."""
    out: set[str] = set()
    for action in parser._actions:  # noqa: SLF001 (argparse keeps them here)
        out.update(action.option_strings)
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            for sub in action.choices.values():
                out |= _flags(sub)
    return out


def build_parser() -> argparse.ArgumentParser:
    """The parser of every subcommand."""
    ap = _Parser(
        prog="exactland",
        description="Exact certification of stationary points, saddles and type-1 minima "
        "of one-hidden-layer ReLU-like networks.",
        epilog="exit codes: 0 success, 1 invalid certificate / failed check, 2 bad input, "
        "3 internal error (a bug), 130 interrupted, 141 output closed early",
    )
    ap.add_argument("--version", action="version", version=f"exactland {__version__}")
    sub = ap.add_subparsers(dest="command", required=True)
    for family in _FAMILIES:
        family.register(sub)
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``exactland`` console script; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except ExactlandError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except InternalError as exc:
        print(f"internal error: {exc}\n{_REPORT}", file=sys.stderr)
        return EXIT_INTERNAL
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except Exception as exc:  # noqa: BLE001 - the one place that turns a bug into a message
        print(f"internal error: {type(exc).__name__}: {exc}\n{_REPORT}", file=sys.stderr)
        return EXIT_INTERNAL


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # pragma: no cover - no file descriptor to redirect
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

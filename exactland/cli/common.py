"""Argument helpers shared by every command: one way to name a problem, a
budget, an output file and a list of exact numbers.

Handlers raise :class:`exactland.errors.ExactlandError` for bad input and
:class:`exactland.errors.InternalError` for bugs; :func:`exactland.cli.main.main`
turns them into exit codes (see :data:`EXIT_CODES`).
"""
from __future__ import annotations

import argparse
import pathlib
import sys
from typing import Any

from exactland.errors import InputError

__all__ = [
    "EXIT_OK", "EXIT_FAILED", "EXIT_BAD_INPUT", "EXIT_INTERNAL", "EXIT_INTERRUPTED", "EXIT_BROKEN_PIPE",
    "EXIT_CODES",
    "add_problem_source", "load_problem", "add_budget", "budget_of", "write_output", "parse_list",
    "add_force", "refuse_overwrite", "prepare_folder",
]

EXIT_OK = 0
#: An invalid certificate, a failed check, or a disagreement the command reports.
EXIT_FAILED = 1
#: Input that cannot be interpreted (the message names the field).
EXIT_BAD_INPUT = 2
#: An internal cross-check disagreed: a bug in exactland.
EXIT_INTERNAL = 3
#: Interrupted by Ctrl-C.
EXIT_INTERRUPTED = 130
#: Standard output closed early (128 + SIGPIPE, as a shell reports it).
EXIT_BROKEN_PIPE = 141
EXIT_CODES = {
    EXIT_OK: "success (check: the certificate is valid)",
    EXIT_FAILED: "an invalid certificate, a failed check, or a prediction that disagrees",
    EXIT_BAD_INPUT: "bad input; the message names the field and position",
    EXIT_INTERNAL: "internal error (a bug in exactland); please report it",
    EXIT_INTERRUPTED: "interrupted (Ctrl-C)",
    EXIT_BROKEN_PIPE: "standard output closed early (e.g. piped into head)",
}


def add_problem_source(p: argparse.ArgumentParser, *, what: str = "problem JSON file (activation, X, Y, W, H)") -> None:
    """Declare ``PROBLEM`` or ``--example NAME`` (exactly one of them)."""
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("problem", nargs="?", help=what)
    src.add_argument("--example", help="a built-in example instead of a file (see `exactland examples`)")


def load_problem(args: argparse.Namespace) -> tuple[Any, str, str]:
    """``(problem, name, description)`` from ``PROBLEM`` or ``--example``.

    Raises
    ------
    InputError
        Neither or both given, or the file cannot be read as a problem.
    """
    from exactland.builtin.examples import example_description, load_example
    from exactland.core.problem import load
    from exactland.exact.jsonio import read_json

    example, path = getattr(args, "example", None), getattr(args, "problem", None)
    if (example is None) == (path is None):
        raise InputError("give exactly one of a problem file and --example", "problem")
    if example is not None:
        return load_example(example), example, example_description(example)
    data = read_json(pathlib.Path(path))
    desc = str(data.get("description", "")) if isinstance(data, dict) else ""
    return load(data), pathlib.Path(path).stem, desc


def add_budget(p: argparse.ArgumentParser, default: int, what: str) -> None:
    """Declare ``--budget N`` with its default in the help text."""
    p.add_argument("--budget", type=int, default=default, help=f"{what} (default {default})")


def budget_of(args: argparse.Namespace) -> int:
    """The ``--budget`` value, refused when negative."""
    if args.budget < 0:
        raise InputError("must be non-negative", "--budget")
    return int(args.budget)


def add_force(p: argparse.ArgumentParser) -> None:
    """Declare ``--force``: replace an existing output instead of refusing."""
    p.add_argument("--force", action="store_true",
                   help="replace an existing output file or folder (default: refuse, before any work)")


def refuse_overwrite(path: str | pathlib.Path | None, force: bool, option: str = "--out") -> None:
    """Refuse an existing output file (unless ``force``), before any work starts.

    Raises
    ------
    InputError
        ``path`` exists and ``force`` is False, or it is a folder.
    """
    if not path:
        return
    p = pathlib.Path(path)
    if p.is_dir():
        raise InputError(f"{p} is a folder; give a file name", option)
    if p.exists() and not force:
        raise InputError(f"{p} exists; pass --force to replace it", option)


def prepare_folder(path: str | pathlib.Path, force: bool, option: str = "--out") -> pathlib.Path:
    """An output folder that is new or empty; with ``force`` an existing one is emptied first.

    Checked before any work starts, so that no old file (a figure, a snap) is
    left next to new results.

    Raises
    ------
    InputError
        A non-empty folder without ``force``, or a path that is a file.
    """
    p = pathlib.Path(path)
    if p.exists() and not p.is_dir():
        raise InputError(f"{p} is a file, not a folder", option)
    if p.is_dir() and any(p.iterdir()):
        if not force:
            raise InputError(f"{p} is not empty; pass --force to replace its contents", option)
        import shutil

        shutil.rmtree(p)
    p.mkdir(parents=True, exist_ok=True)
    return p


def write_output(text: str, out: str | pathlib.Path | None) -> None:
    """Write ``text`` to ``out``, or to standard output when ``out`` is None."""
    if out:
        pathlib.Path(out).write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def parse_list(text: str, name: str) -> list[Any]:
    """Comma-separated exact numbers (commas inside parentheses do not split).

    Examples
    --------
    >>> parse_list("1/2, 0.5,sqrt(2)/2", "--beta")
    [1/2, 1/2, RealAlg(sqrt(2)/2)]
    """
    from exactland.exact.scalars import parse_exact

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

"""Regenerate the worked derivations in this folder (issue 4).

Run:  python examples/derivations/generate.py

For each problem in ``problems/`` (copies of the built-in examples of the
same name) it writes ``<name>.md``, ``<name>.tex`` and ``<name>.html`` exactly as
``exactland derive problems/<name>.json --format markdown|latex|html`` prints
them, plus ``appendix-c.*`` (``exactland teach``). ``tests/test_derivation.py``
regenerates everything in memory and compares byte for byte.
"""
from __future__ import annotations

import pathlib
from importlib import resources

from exactland.derivation.build import derive
from exactland.core.problem import load
from exactland.exact.jsonio import read_json
from exactland.derivation.render import render
from exactland.derivation.teaching import teaching_derivation

HERE = pathlib.Path(__file__).resolve().parent
NAMES = ("origin-saddle", "final-minimum", "appendix-g-kink")
SUFFIX = {"markdown": "md", "latex": "tex", "html": "html"}


def problem_files() -> dict[str, str]:
    """``problems/<name>.json`` → the built-in example's JSON text."""
    root = resources.files("exactland.builtin") / "data"
    return {f"problems/{n}.json": (root / f"{n}.json").read_text(encoding="utf-8") for n in NAMES}


def derivation_files(folder: pathlib.Path = HERE) -> dict[str, str]:
    """Every generated derivation, keyed by its path relative to this folder."""
    out = {}
    for n in NAMES:
        path = folder / "problems" / f"{n}.json"
        data = read_json(path)
        d = derive(load(data), title=f"Worked derivation: {n}", description=str(data.get("description", "")))
        for fmt, suffix in SUFFIX.items():
            text = render(d, fmt)
            out[f"{n}.{suffix}"] = text if text.endswith("\n") else text + "\n"
    teach = teaching_derivation()
    for fmt, suffix in SUFFIX.items():
        text = render(teach, fmt)
        out[f"appendix-c.{suffix}"] = text if text.endswith("\n") else text + "\n"
    return out


def write(folder: pathlib.Path = HERE) -> list[str]:
    """Write the problem copies and every derivation; return the paths written."""
    written = []
    for rel, text in {**problem_files()}.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text, encoding="utf-8")
        written.append(rel)
    for rel, text in derivation_files(folder).items():
        (folder / rel).write_text(text, encoding="utf-8")
        written.append(rel)
    return written


if __name__ == "__main__":
    for rel in write():
        print(rel)

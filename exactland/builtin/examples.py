"""Built-in example problems (the paper's data at hand-constructed points).

The JSON files live in ``exactland/builtin/data``; each carries a ``description``.

Examples
--------
>>> from exactland.builtin.examples import example_names, load_example
>>> "origin-saddle" in example_names()
True
>>> load_example("appendix-g-kink").W
((3/20, -9/20),)
"""
from __future__ import annotations

import json
from importlib import resources

from exactland.errors import InputError
from exactland.core.problem import Problem, load

__all__ = ["example_names", "load_example", "example_description"]


def _files() -> dict[str, object]:
    root = resources.files("exactland.builtin") / "data"
    return {p.name[:-5]: p for p in root.iterdir() if p.name.endswith(".json")}


def example_names() -> list[str]:
    """Names of the built-in examples, sorted."""
    return sorted(_files())


def _read(name: str) -> dict:
    files = _files()
    if name not in files:
        raise InputError(f"unknown example {name!r}; choose one of {example_names()}", "example")
    from decimal import Decimal

    return json.loads(files[name].read_text(encoding="utf-8"), parse_float=Decimal)  # type: ignore[attr-defined]


def load_example(name: str) -> Problem:
    """Load a built-in example by name.

    Raises
    ------
    InputError
        Unknown name.
    """
    return load(_read(name))


def example_description(name: str) -> str:
    """The example's one-paragraph description."""
    return str(_read(name).get("description", ""))

"""The README and docs stand alone in a clone: every relative link resolves, and
every `exactland certify` / `check` transcript in the README is what the
command prints today (a command's output ending in a line "..." is compared
up to that line)."""
from __future__ import annotations

import os
import pathlib
import re
import shlex
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), ROOT / "proofs_check" / "ERRATA.md"]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
#: commands whose transcripts are checked (fast and deterministic)
CHECKED = ("certify", "check", "examples", "ncf")


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(doc: pathlib.Path) -> None:
    bad = []
    for target in LINK.findall(doc.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue
        path = (doc.parent / target.split("#")[0]).resolve()
        if not path.exists():
            bad.append(target)
    assert not bad, f"{doc.name}: links that do not resolve in a clone: {bad}"


def test_no_reference_outside_the_clone() -> None:
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        assert "../shared" not in text and "DESIGN §" not in text, doc


def transcripts(text: str) -> list[tuple[list[str], list[str]]]:
    """``(argv, expected lines)`` for each ``$ exactland ...`` line of console blocks."""
    out = []
    for block in re.findall(r"```console\n(.*?)```", text, flags=re.S):
        current: tuple[list[str], list[str]] | None = None
        for line in block.splitlines():
            if line.startswith("$ "):
                current = (shlex.split(line[2:]), [])
                out.append(current)
            elif current is not None:
                current[1].append(line)
    return [(argv, lines) for argv, lines in out if argv[0] == "exactland" and argv[1] in CHECKED]


def _run(argv: list[str], cwd: pathlib.Path) -> list[str]:
    env = {**os.environ, "COLUMNS": "100"}
    cmd = [sys.executable, "-m", "exactland", *argv[1:]]
    res = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, env=env, timeout=120)
    return res.stdout.rstrip("\n").splitlines()


def test_readme_transcripts_are_current(tmp_path: pathlib.Path) -> None:
    (tmp_path / "exactland").symlink_to(ROOT / "exactland")  # relative paths as in a checkout
    cases = transcripts((ROOT / "README.md").read_text(encoding="utf-8"))
    assert len(cases) >= 3
    for argv, expected in cases:
        while expected and not expected[-1].strip():
            expected.pop()
        got = _run(argv, tmp_path)
        if expected and expected[-1] == "...":
            expected = expected[:-1]
            got = got[: len(expected)]
        assert got == expected, f"README transcript of {' '.join(argv)} is stale"

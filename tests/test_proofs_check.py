"""proofs_check: every claim of the paper re-derived, and every broken variant caught.

Each check runs with a small number of generated instances (``PROOFS_CHECK_INSTANCES``,
default 8; the command line uses 100). A check passes when its outcome is the
documented one (``holds``, or ``holds with a corrected statement`` where
``proofs_check/ERRATA.md`` lists the correction) and its deliberately broken
variant fails — so no check passes vacuously.
"""
from __future__ import annotations

import contextlib
import os
import pathlib
import re
import subprocess
import sys

import pytest

from exactland.cli.main import main as exactland_main
from proofs_check.cli import main
from proofs_check import sampling
from proofs_check.registry import Status, all_checks, run_check, search, select

N = int(os.environ.get("PROOFS_CHECK_INSTANCES", "8"))
CHECKS = all_checks()
ERRATA = (pathlib.Path(__file__).resolve().parents[1] / "proofs_check" / "ERRATA.md").read_text(encoding="utf-8")


@contextlib.contextmanager
def hypothesis_blocked():
    """``import hypothesis`` fails inside (Hypothesis is only a test extra; ``exactland
    proofs`` belongs to the base install). Restored on exit, before pytest's own
    (Hypothesis plugin) hooks run again."""
    saved = {m: mod for m, mod in sys.modules.items() if m == "hypothesis" or m.startswith("hypothesis.")}
    sys.modules.update(dict.fromkeys(saved, None))
    sys.modules["hypothesis"] = None
    try:
        yield
    finally:
        for m in [m for m in sys.modules if m == "hypothesis" or m.startswith("hypothesis.")]:
            del sys.modules[m]
        sys.modules.update(saved)


@pytest.mark.parametrize("check", CHECKS, ids=[c.claim for c in CHECKS])
def test_claim_and_its_broken_variant(check):
    with hypothesis_blocked():  # any import of hypothesis while the check runs is an error
        res = run_check(check, N)
    o, b = res.outcome, res.broken
    assert o.status is check.expected, f"{check.claim}: {o.status.value}: {o.summary}\n{o.counterexample}\n" + "\n".join(o.details)
    assert b.status is Status.FAILS, f"{check.claim}: broken variant ({check.broken_label}) not caught: {b.summary}"
    if check.expected is Status.CORRECTED:
        assert o.errata, f"{check.claim}: a corrected statement must cite its ERRATA entries"
    for eid in o.errata:
        assert f"### {eid}:" in ERRATA, f"{eid} missing from ERRATA.md"


def test_search_is_reproducible_and_shrinks_without_hypothesis():
    @sampling.composite
    def vectors(draw):
        return [draw(sampling.integers(-10, 10)) for _ in range(draw(sampling.integers(1, 6)))]

    def at_most_10(v, stats):
        stats["seen"] = stats.get("seen", 0) + 1
        return None if sum(v) <= 10 else f"sum {sum(v)} > 10"

    with hypothesis_blocked():
        first = search(vectors(), at_most_10, 50)
        again = search(vectors(), at_most_10, 50)
        unshrunk = search(vectors(), at_most_10, 50, shrink=False)
        held = search(vectors(), lambda v, s: None, 20, explicit=[[0], [1]])
    assert first == again  # seeded by the property's name: the same instances every run
    # shrunk to a smallest counterexample: entries are at most 10, so two of them summing to 11
    assert len(first.counterexample) == 2 and sum(first.counterexample) == 11
    assert first.message == "sum 11 > 10" and first.count == unshrunk.count
    assert sum(unshrunk.counterexample) > 10
    assert first.stats == {"seen": first.count}  # shrinking does not count
    # the simplest instance first, explicit ones before generated ones, n generated in all
    assert held.counterexample is None and held.count == 2 + 20
    assert next(sampling.examples(vectors(), 1, seed=0))[0] == [0]


def test_registry_covers_the_issue_claims():
    claims = {c.claim for c in CHECKS}
    for needed in ("3.2", "3.4", "C.1", "F.1.1", "F.1.2", "F.1.3", "4.2", "4.4", "4.6", "4.8", "D.1",
                   "4.9", "L.1", "M.1", "O.1", "ray-wise", "4.1.1", "G", "H", "I.0.2"):
        assert needed in claims
    assert len(claims) == len(CHECKS), "claim numbers must be unique"


def test_errata_entries_are_all_established_or_marked():
    ids = re.findall(r"^### (E-[A-Za-z0-9]+):", ERRATA, flags=re.M)
    assert len(ids) == len(set(ids))
    assert "E-O1" in ids and "E-F13a" in ids and "E-I2a" in ids


def test_select_by_number_and_prefix():
    assert [c.claim for c in select("4.2")] == ["4.2"]
    assert [c.claim for c in select("F.1")] == ["F.1.1", "F.1.2", "F.1.3"]
    assert select("99.9") == ()


def test_cli_one_claim_and_unknown_claim(capsys):
    assert main(["--claim", "4.6", "--instances", "2"]) == 0
    out = capsys.readouterr().out
    assert "4.6" in out and "holds" in out and "fails (as it must)" in out
    assert main(["--claim", "nope"]) == 2
    assert main(["--list"]) == 0
    assert "O.1" in capsys.readouterr().out


def test_exactland_subcommand_wiring(capsys):
    assert exactland_main(["proofs", "--claim", "G", "--instances", "1", "--json"]) == 0
    assert '"claim": "G"' in capsys.readouterr().out


_WITHOUT_HYPOTHESIS = """
import sys
sys.modules["hypothesis"] = None  # any import of hypothesis now raises ImportError
import proofs_check.registry
from proofs_check.cli import main
assert len(proofs_check.registry.all_checks()) == {n_checks}  # imports every check module
assert main(["--claim", "4.2", "--instances", "3"]) == 0
from exactland.cli.main import main as exactland_main
sys.exit(exactland_main(["proofs", "--claim", "4.4", "--instances", "3"]))
"""


def test_proofs_need_no_hypothesis():
    # Module-level imports, in a fresh interpreter where hypothesis cannot be imported;
    # test_claim_and_its_broken_variant runs every check with hypothesis blocked too.
    code = _WITHOUT_HYPOTHESIS.format(n_checks=len(CHECKS))
    root = pathlib.Path(__file__).resolve().parents[1]
    path = os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": path}, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert done.stdout.count("1/1 claims as documented") == 2

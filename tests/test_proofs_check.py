"""proofs_check: every claim of the paper re-derived, and every broken variant caught.

Each check runs with a small number of generated instances (``PROOFS_CHECK_INSTANCES``,
default 8; the command line uses 100). A check passes when its outcome is the
documented one (``holds``, or ``holds with a corrected statement`` where
``proofs_check/ERRATA.md`` lists the correction) and its deliberately broken
variant fails — so no check passes vacuously.
"""
from __future__ import annotations

import argparse
import os
import pathlib
import re

import pytest

from proofs_check.cli import add_parsers, main, run
from proofs_check.registry import Status, all_checks, run_check, select

N = int(os.environ.get("PROOFS_CHECK_INSTANCES", "8"))
CHECKS = all_checks()
ERRATA = (pathlib.Path(__file__).resolve().parents[1] / "proofs_check" / "ERRATA.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("check", CHECKS, ids=[c.claim for c in CHECKS])
def test_claim_and_its_broken_variant(check):
    res = run_check(check, N)
    o, b = res.outcome, res.broken
    assert o.status is check.expected, f"{check.claim}: {o.status.value}: {o.summary}\n{o.counterexample}\n" + "\n".join(o.details)
    assert b.status is Status.FAILS, f"{check.claim}: broken variant ({check.broken_label}) not caught: {b.summary}"
    if check.expected is Status.CORRECTED:
        assert o.errata, f"{check.claim}: a corrected statement must cite its ERRATA entries"
    for eid in o.errata:
        assert f"### {eid}:" in ERRATA, f"{eid} missing from ERRATA.md"


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
    ap = argparse.ArgumentParser(prog="exactland")
    sub = ap.add_subparsers(dest="command", required=True)
    add_parsers(sub)
    args = ap.parse_args(["proofs", "--claim", "G", "--instances", "1", "--json"])
    assert args.command == "proofs"
    assert run(args) == 0
    assert '"claim": "G"' in capsys.readouterr().out

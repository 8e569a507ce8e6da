"""proofs_check: machine re-derivation of the paper's lemmas and theorems.

Each module re-derives one claim (or one group of printed formulas) of *Loss
landscape of shallow ReLU-like neural networks* — symbolically (SymPy) where it
is an identity, on generated exact instances (seeded, rationals; no Hypothesis) where it
is a statement about all networks — and runs the same machinery on a
deliberately broken variant that must fail. ``python -m proofs_check`` (or
``exactland proofs``) prints the table; ``ERRATA.md`` lists what is wrong in
the printed text.
"""
from __future__ import annotations

from .registry import Check, Method, Outcome, Result, Status, all_checks, run_check, run_checks, select

__all__ = ["Check", "Method", "Outcome", "Result", "Status", "all_checks", "run_check",
           "run_checks", "select"]

"""Default limits of the exact search, in one place (imports nothing).

Kept apart from the algorithms so that the command line can show them in its
help text without loading any search code.
"""
from __future__ import annotations

__all__ = ["DEFAULT_BUDGET", "DEFAULT_CHECK_BUDGET"]

#: Subset evaluations allowed to the general ray enumeration of one
#: :func:`exactland.core.classify.certify` call; beyond it the verdict is
#: ``undecided`` with the reason.
DEFAULT_BUDGET = 200_000

#: Steps of the independent checker's ray enumeration (``exactland check --budget``);
#: beyond it the certificate is reported invalid.  Equal to
#: ``exactland.checker.DEFAULT_CHECK_BUDGET`` (a test checks it).
DEFAULT_CHECK_BUDGET = 1_000_000

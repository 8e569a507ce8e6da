"""``python -m proofs_check [--claim X] [--instances N] [--verbose] [--json] [--list]``."""
from __future__ import annotations

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())

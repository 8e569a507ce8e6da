"""``python -m exactland``: the same as the ``exactland`` command."""
from __future__ import annotations

import sys

from exactland.cli.main import main

if __name__ == "__main__":
    sys.exit(main())

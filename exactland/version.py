"""The version of exactland (read by ``pyproject.toml`` and ``exactland --version``)."""
from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"

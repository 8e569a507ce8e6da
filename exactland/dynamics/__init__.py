"""The fast float path: gradient descent from small initialisation, its
phases, and their conversion into exact certified points (docs/mathematics.md §9)."""
from __future__ import annotations

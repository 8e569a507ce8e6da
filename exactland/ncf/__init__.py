"""The neural correlation function (NCF) and its KKT points (Kumar & Haupt, arXiv:2402.09226).

Layer 5 (docs/architecture.md): imports ``errors``, ``exact`` and ``core`` only.
See :mod:`exactland.ncf.function` for the sign convention.
"""
from __future__ import annotations

__all__ = ["NCF", "ncf_of", "ncf_from_data", "KKTPoint", "kkt_points"]

from exactland.ncf.function import NCF, ncf_from_data, ncf_of
from exactland.ncf.kkt import kkt_points
from exactland.ncf.points import KKTPoint

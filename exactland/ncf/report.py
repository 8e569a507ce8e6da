"""JSON and text reports of NCF KKT points, with growth rates (DESIGN.md §13).

Growth rate: along a KKT point with value μ a small balanced neuron grows, to
first order, by the factor ``1 + η_L λ`` per gradient step, ``λ = |μ|`` (|J| = 1)
or ``‖N(u)‖`` (|J| > 1), where ``η_L`` is the step size on the paper's
``L = ½Σ‖ŷ−y‖²``: ``η_L = η`` for ``half-sse`` and ``η_L = 2η/(|K||J|)`` for
``mse`` (the paper's code). ``rate`` is ``η_L λ`` (exact); ``log_factor`` is
``ln(1 + η_L λ)`` (float, display only). Kumar & Haupt, arXiv:2402.09226.
"""
from __future__ import annotations

import math
from typing import Any

from exactland.errors import InputError
from exactland.exact.scalars import parse_exact, to_float, to_str
from exactland.ncf.function import NCF
from exactland.ncf.points import KKTPoint

__all__ = ["step_on_L", "kkt_dict", "kkt_table"]


def step_on_L(lr: str, loss: str, ncf: NCF) -> Any:
    """The exact step size on ``L`` equivalent to ``lr`` under ``loss``."""
    eta = parse_exact(lr, "--lr")
    if loss == "half-sse":
        return eta
    if loss == "mse":
        return eta * 2 / (len(ncf.X) * ncf.n_outputs)
    raise InputError(f"unknown loss convention {loss!r}", "--loss")


def kkt_dict(p: KKTPoint, eta_L: Any = None) -> dict[str, Any]:
    """JSON-ready form of one KKT point (exact strings plus display floats)."""
    u = p.direction()
    out: dict[str, Any] = {
        "direction": [to_str(c) for c in u],
        "direction_float": list(p.direction_float()),
        "value": to_str(p.value),
        "value_float": to_float(p.value),
        "kind": p.kind,
        "zero_samples": list(p.zero),
        "grows": p.grows,
        "h_direction": [to_str(c) for c in p.h_direction],
    }
    if len(u) == 2:
        uf = p.direction_float()
        out["angle"] = math.degrees(math.atan2(uf[1], uf[0])) % 360.0
    if eta_L is not None:
        rate = eta_L * abs(p.value)
        out["rate"] = to_str(rate)
        out["rate_float"] = to_float(rate)
        out["log_factor"] = math.log1p(to_float(rate))
    return out


def kkt_table(points: list[KKTPoint], eta_L: Any = None) -> str:
    """A plain-text table of the KKT points."""
    lines = [f"{'#':>2} {'kind':<9} {'grows':>5} {'angle':>8} {'value':>12}  direction (exact)"]
    for n, p in enumerate(points):
        d = kkt_dict(p, eta_L)
        ang = f"{d['angle']:8.3f}" if "angle" in d else " " * 8
        g = {1: "h>0", -1: "h<0", 0: "-"}[p.grows] if len(p.h_direction) == 1 else "all"
        extra = f"  rate/step {d['rate_float']:.4g}" if "rate" in d else ""
        lines.append(f"{n:>2} {p.kind:<9} {g:>5} {ang} {d['value_float']:12.6g}  "
                     f"({', '.join(d['direction'])}) = {d['value']}{extra}")
    return "\n".join(lines)

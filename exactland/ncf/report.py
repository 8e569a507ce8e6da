"""JSON and text reports of NCF KKT points, with growth rates (DESIGN.md §13).

Growth rate: along a KKT point with value μ a small balanced neuron grows, to
first order, by the factor ``1 + η_L λ`` per gradient step, ``λ = |μ|`` (|J| = 1)
or ``‖N(u)‖`` (|J| > 1), where ``η_L`` is the step size on the paper's
``L = ½Σ‖ŷ−y‖²``: ``η_L = η`` for ``half-sse`` and ``η_L = 2η/(|K||J|)`` for
``mse`` (the paper's code). ``rate`` is ``η_L λ`` (exact); ``log_factor`` is
``ln(1 + η_L λ)`` (float, display only). Kumar & Haupt, arXiv:2402.09226.

``angle`` (degrees, display) is ``atan2(u₂, u₁)`` of the first two
coordinates, as Figure 3's angle panel draws ``w_i`` (for d > 2 too).
``vector`` is the exact unnormalised direction; ``direction`` its exact unit
form (as text ``v_i/sqrt(‖v‖²)`` when the root is not simplified).
"""
from __future__ import annotations

import math
from typing import Any

from exactland.errors import InputError, NotExactError
from exactland.exact.scalars import parse_exact, to_float, to_str
from exactland.ncf.function import NCF
from exactland.ncf.points import KKTPoint, sqrt_text

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
    u = p.direction_float()
    out: dict[str, Any] = {
        "direction": p.direction_text(),
        "direction_float": list(u),
        "vector": [to_str(c) for c in p.vector],
        "value": p.value_text(),
        "value_float": p.value_float(),
        "kind": p.kind,
        "zero_samples": list(p.zero),
        "grows": p.grows,
        "h_direction": [to_str(c) for c in p.h_direction],
    }
    if len(u) >= 2:
        out["angle"] = math.degrees(math.atan2(u[1], u[0])) % 360.0
    if eta_L is not None:
        out["rate"] = _rate_text(p, eta_L)
        out["rate_float"] = to_float(eta_L) * abs(p.value_float())
        out["log_factor"] = math.log1p(out["rate_float"])
    return out


def _rate_text(p: KKTPoint, eta_L: Any) -> str:
    """Exact text of ``η_L |value|`` (unsimplified ``η_L*sqrt(value²)`` when the root is not simplified)."""
    try:
        return to_str(eta_L * abs(parse_exact(p.value_text(), "value")))
    except NotExactError:
        return f"{to_str(eta_L)}*{sqrt_text(p.value2)}"


def kkt_table(points: list[KKTPoint], eta_L: Any = None) -> str:
    """A plain-text table of the KKT points."""
    lines = [f"{'#':>2} {'kind':<9} {'grows':>5} {'angle':>8} {'value':>12}  direction (exact)"]
    for n, p in enumerate(points):
        d = kkt_dict(p, eta_L)
        ang = f"{d['angle']:8.3f}" if len(d["direction"]) == 2 else " " * 8
        g = {1: "h>0", -1: "h<0", 0: "-"}[p.grows] if len(p.h_direction) == 1 else "all"
        extra = f"  rate/step {d['rate_float']:.4g}" if "rate" in d else ""
        lines.append(f"{n:>2} {p.kind:<9} {g:>5} {ang} {d['value_float']:12.6g}  "
                     f"({', '.join(d['direction'])}) = {d['value']}{extra}")
    return "\n".join(lines)

"""The radius bracket of a minimum verdict, re-checked (docs/type2.md §4).

``radius_bracket = [certified, witnessed]``: ``certified`` must equal the
certificate's ``radius``; ``witnessed`` is null (no lower point claimed) or
the ∞-distance of ``bracket_witness``, a point whose loss the checker evaluates
from scratch (a fresh point built from the certificate's data and the witness's
parameters): it must equal the claimed loss, be strictly below ``L(P)``, lie at
exactly that distance, and not inside the certified radius (a lower point
there would refute the verdict).
"""
from __future__ import annotations

from typing import Any, Callable

from exactland.checker.arith import INFINITY, fmt

__all__ = ["bracket_reasons"]


def _flat(m: Any) -> list:
    if m is None:
        return []
    m = m.fractions() if hasattr(m, "fractions") else m
    return [x for row in m for x in row] if m and isinstance(m[0], (list, tuple)) else list(m)


def bracket_reasons(c: dict, L0: Any, point_loss: Callable[[dict], Any]) -> list[str]:
    """Failed claims of ``radius_bracket`` / ``bracket_witness``.

    Parameters
    ----------
    c : dict
        The parsed certificate.
    L0 : exact number
        The recomputed loss at P.
    point_loss : callable
        ``problem dict -> L`` (the checker's own loss evaluation).
    """
    rb, bw, v = c.get("radius_bracket"), c.get("bracket_witness"), c["verdict"]
    if rb is None:
        return [] if bw is None else ["bracket_witness: given without radius_bracket"]
    if v not in ("type-1-minimum", "type-2-minimum"):
        return [f"radius_bracket: only for minimum verdicts, not {v}"]
    certified, witnessed = rb
    out = []
    r = c["radius"]
    if (certified is INFINITY) != (r is INFINITY) or (certified is not INFINITY and certified != r):
        out.append(f"radius_bracket[0]: certificate says {fmt(certified)}, the radius is {fmt(r)}")
    if witnessed is None:
        return out + ([] if bw is None else ["bracket_witness: must be null when nothing was witnessed"])
    if bw is None:
        return out + ["bracket_witness: required when radius_bracket[1] is not null"]
    p = c["problem"]
    moved = dict(p, W=bw["W"], H=bw["H"], b=bw.get("b"))
    L = point_loss(moved)
    if L != bw["loss"]:
        out.append(f"bracket_witness.loss: certificate says {fmt(bw['loss'])}, recomputed {fmt(L)}")
    if not L < L0:
        out.append(f"bracket_witness: L = {fmt(L)} is not strictly below L(P) = {fmt(L0)}")
    pairs = list(zip(_flat(p["W"]) + _flat(p["H"]) + _flat(p.get("b")),
                     _flat(bw["W"]) + _flat(bw["H"]) + _flat(bw.get("b"))))
    dist = max(abs(a - b) for a, b in pairs)
    if dist != witnessed:
        out.append(f"radius_bracket[1]: certificate says {fmt(witnessed)}, the witness lies at ∞-distance {fmt(dist)}")
    if certified is INFINITY or dist < certified:
        out.append(f"bracket_witness: a strictly lower point at ∞-distance {fmt(dist)} inside the certified "
                   f"radius {fmt(certified)}")
    return out

"""KKT points of the constrained NCF: the result type and shared helpers.

See :mod:`exactland.ncf.kkt` (Kumar & Haupt, arXiv:2402.09226; summary in
``/work/shared/paper/directional-convergence-summary.md``; DESIGN.md §13).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import product
from typing import Any

from exactland.errors import InputError
from exactland.exact.scalars import parse_exact, to_float, to_str

__all__ = ["KKTPoint", "MAX_PATTERN_BITS", "sqrt_exact", "sign_patterns"]

#: At most 2^MAX_PATTERN_BITS sign patterns are tried per face.
MAX_PATTERN_BITS = 16


def sqrt_exact(q: Any) -> Any:
    """The exact square root of a non-negative exact number (rational or RealAlg)."""
    return parse_exact(f"sqrt({to_str(q)})", "sqrt")


@dataclass(frozen=True)
class KKTPoint:
    """One KKT point of the constrained NCF.

    Attributes
    ----------
    vector : tuple
        An exact (unnormalised) direction: rationals for |J| = 1, exact
        algebraic numbers for |J| > 1.
    norm2 : exact number
        ``‖vector‖²``.
    value : exact number
        ``N(u)`` at ``u = vector/‖vector‖`` (|J| = 1) or ``‖N(u)‖`` (|J| > 1).
    zero : tuple of int
        Samples with ``u·x_k = 0`` (the face).
    kind : str
        ``local-max``, ``local-min`` or ``other``.
    grows : int
        |J| = 1: the sign of h that grows along u (``−sign(value)``; 0 if none).
        |J| > 1: 1 (h grows along ``−N(u)``) unless the value is 0.
    h_direction : tuple
        ``−N(vector)`` (the direction h grows along), exact.
    """

    vector: tuple[Any, ...]
    norm2: Any
    value: Any
    zero: tuple[int, ...]
    kind: str
    grows: int
    h_direction: tuple[Any, ...] = field(default=())

    def direction(self) -> tuple[Any, ...]:
        """The exact unit vector ``vector/‖vector‖``."""
        n = sqrt_exact(self.norm2)
        return tuple(parse_exact(to_str(c), "direction") / n if c else c for c in self.vector)

    def direction_float(self) -> tuple[float, ...]:
        """Display only."""
        n = to_float(self.norm2) ** 0.5
        return tuple(to_float(c) / n for c in self.vector)


def sign_patterns(Z: tuple[int, ...], K: int) -> tuple[list[int], Any]:
    """The samples off the face Z and an iterator over their strict sign patterns."""
    others = [k for k in range(K) if k not in Z]
    if len(others) > MAX_PATTERN_BITS:
        raise InputError(f"{len(others)} samples off a face: more than 2^{MAX_PATTERN_BITS} sign patterns",
                         "problem")
    return others, product((1, -1), repeat=len(others))



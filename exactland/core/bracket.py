"""The radius bracket of a minimum verdict: ``[certified, witnessed]`` (docs/type2.md §4).

``certified`` is the certificate's radius, a lower bound on the radius of the
largest ∞-ball around ``P`` free of strictly lower points. ``witnessed`` is the
∞-distance of the closest strictly lower point an exact search found
(:func:`exactland.core.probe.probe`), an upper bound, or None. The search is
kept small (a fixed number of exact loss evaluations; none for very large
problems, |I|·|K| > ``MAX_SEARCH_SIZE``, or irrational algebraic data) so that it never dominates a certification; the witness point goes
into the certificate and the checker re-evaluates its loss.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from exactland.core.probe import Point, probe
from exactland.core.problem import Problem
from exactland.errors import InternalError
from exactland.exact.scalars import to_str, to_text

__all__ = ["RadiusBracket", "radius_bracket", "MAX_SEARCH_SIZE"]

#: Above |I|·|K| = this, no search is run (witnessed stays None).
MAX_SEARCH_SIZE = 20_000


@dataclass(frozen=True)
class RadiusBracket:
    """``[certified, witnessed]`` and the witness point.

    Attributes
    ----------
    certified : exact number or "inf"
    witnessed : exact number or None
    point : (W, H, b) or None
        The closest strictly lower point found.
    loss : exact number or None
        Its exact loss.
    """

    certified: Any
    witnessed: Any
    point: Point | None
    loss: Any

    def to_dict(self) -> dict[str, Any]:
        """The certificate fields ``radius_bracket`` and ``bracket_witness``."""
        wit = None
        if self.point is not None:
            W, H, b = self.point
            wit = {"W": [[to_str(x) for x in r] for r in W], "H": [[to_str(x) for x in r] for r in H]}
            if b is not None:
                wit["b"] = [to_str(x) for x in b]
            wit["loss"] = to_str(self.loss)
        return {"radius_bracket": [to_text(self.certified), None if self.witnessed is None else to_str(self.witnessed)],
                "bracket_witness": wit}


def radius_bracket(problem: Problem, certified: Any, *, samples: int = 4) -> RadiusBracket:
    """Search balls of radius ``4r`` and ``32r`` (``r`` the certified radius, 1 if infinite) for lower points.

    Examples
    --------
    >>> import exactland
    >>> p = exactland.load({"activation": {"alpha_plus": 1, "alpha_minus": 0},
    ...     "X": [[1, 0], [0, 1]], "Y": [[1], [2]], "W": [[1, 2]], "H": [[1]]})
    >>> radius_bracket(p, 1).witnessed is None   # a global minimum: nothing is lower
    True
    """
    if problem.n_neurons * problem.n_samples > MAX_SEARCH_SIZE or not problem.is_rational():
        return RadiusBracket(certified, None, None, None)
    base = 1 if certified == "inf" else certified
    for factor in (4, 32):
        res = probe(problem, base * factor, samples=samples, projected=problem.n_neurons <= 50)
        if res.found:
            if certified != "inf" and res.distance < certified:
                raise InternalError(f"a strictly lower point at ∞-distance {res.distance} inside the "
                                    f"certified radius {certified}")
            return RadiusBracket(certified, res.distance, res.point, res.loss)
    return RadiusBracket(certified, None, None, None)

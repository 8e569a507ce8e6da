"""The canonical digest of a problem: SHA-256 of its canonical exact form.

The canonical form is the JSON object ``{"activation": {"alpha_minus": a⁻,
"alpha_plus": a⁺}, "H": ..., "W": ..., "X": ..., "Y": ...}`` (plus ``"b"`` when
the problem has an output bias) with every number written in its canonical
exact text (``"p/q"`` in lowest terms with q > 0, ``"p"`` for integers, the
normal form of :class:`~exactland.exact.algebraic.RealAlg` for irrational
algebraic numbers), keys sorted, no whitespace, ASCII.  Two problems have the
same digest exactly when they are the same problem (up to SHA-256 collisions).

Both the certifier (:meth:`exactland.core.problem.Problem.digest`) and the
independent checker compute it, each from its own parsed numbers.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any, Mapping

__all__ = ["canonical_json", "canonical_text", "problem_digest", "PROBLEM_KEYS"]

#: The fields of a problem that the digest covers, in canonical order.
PROBLEM_KEYS = ("activation", "X", "Y", "W", "H", "b")


def canonical_json(obj: Any) -> str:
    """JSON text with sorted keys, no whitespace and ASCII only (one text per value).

    Examples
    --------
    >>> canonical_json({"b": [1, "x"], "a": None})
    '{"a":null,"b":[1,"x"]}'
    """
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def canonical_text(problem: Mapping[str, Any]) -> str:
    """The canonical JSON text of a problem whose numbers are canonical strings.

    Parameters
    ----------
    problem : mapping
        ``activation`` (with ``alpha_plus``, ``alpha_minus``), ``X``, ``Y``,
        ``W``, ``H`` and optionally ``b``; other keys are ignored.

    Examples
    --------
    >>> canonical_text({"activation": {"alpha_plus": "1", "alpha_minus": "0"},
    ...                 "X": [["1", "0"]], "Y": [["1"]], "W": [["1/2", "0"]], "H": [["2"]]})
    '{"H":[["2"]],"W":[["1/2","0"]],"X":[["1","0"]],"Y":[["1"]],"activation":{"alpha_minus":"0","alpha_plus":"1"}}'
    """
    core = {k: problem[k] for k in PROBLEM_KEYS if k in problem and problem[k] is not None}
    act = core["activation"]
    core["activation"] = {"alpha_plus": act["alpha_plus"], "alpha_minus": act["alpha_minus"]}
    return canonical_json(core)


def problem_digest(problem: Mapping[str, Any]) -> str:
    """``"sha256:<hex>"`` of :func:`canonical_text`.

    Examples
    --------
    >>> problem_digest({"activation": {"alpha_plus": "1", "alpha_minus": "0"},
    ...                 "X": [["1", "0"]], "Y": [["1"]], "W": [["1/2", "0"]], "H": [["2"]]})[:15]
    'sha256:044fea3f'
    """
    return "sha256:" + hashlib.sha256(canonical_text(problem).encode("ascii")).hexdigest()

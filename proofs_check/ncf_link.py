"""NCF link (DESIGN.md §13, Kumar & Haupt): a zero neuron is an escape neuron iff its NCF ≢ 0.

At ``w_i = 0, h_i = 0`` every direction is tangential, ``d_ji = 0`` and
``φ_ji(v) = Σ_k e_kj ρ(x_k·v) = N_j(v)``, while ``F_i ≡ 0``; so Definition 4.1
says: neuron i is an escape neuron iff ``N ≢ 0``. ``N ≢ 0`` is decided here by
:func:`exactland.ncf.kkt_points` (the maximum of ‖N‖ on the sphere is attained
at a KKT point with nonzero value) and compared with
``exactland.certify(...).escape_neurons`` at the origin of generated
instances (always stationary). The broken variant decides escape by
``N(e₁) ≠ 0`` at one fixed direction and must fail.
"""
from __future__ import annotations

import random
from fractions import Fraction
from typing import Any

from .registry import Check, Method, Outcome, fails, holds

__all__ = ["CHECKS"]

_ACTS = ((1, 0), (1, Fraction(1, 10)), (1, -1))


def _instance(rng: random.Random) -> dict[str, Any]:
    d, K, J, I = rng.choice((2, 2, 3)), rng.randint(2, 5), rng.choice((1, 1, 2)), rng.randint(1, 2)
    ap, am = rng.choice(_ACTS)
    X = [[rng.randint(-3, 3) for _ in range(d)] for _ in range(K)]
    if rng.random() < 0.25:  # cancelling residuals: N ≡ 0 for |.| with opposite samples
        ap, am = 1, -1
        X = [X[0], [-c for c in X[0]]] + X[2:]
        Y = [[1] * J, [-1] * J] + [[0] * J for _ in X[2:]]
    elif rng.random() < 0.15:
        Y = [[0] * J for _ in X]
    else:
        Y = [[Fraction(rng.randint(-5, 5), rng.randint(1, 4)) for _ in range(J)] for _ in X]
    return {"activation": {"alpha_plus": str(ap), "alpha_minus": str(am)},
            "X": [[str(c) for c in r] for r in X], "Y": [[str(c) for c in r] for r in Y],
            "W": [["0"] * d for _ in range(I)], "H": [["0"] * I for _ in range(J)]}


def _nonzero_full(ncf: Any) -> bool:
    from exactland.ncf import kkt_points

    return any(p.value != 0 for p in kkt_points(ncf)) or _nonzero_at_axes(ncf)


def _nonzero_at_axes(ncf: Any) -> bool:
    d = ncf.dim
    return any(any(ncf(tuple(Fraction(s) if c == a else Fraction(0) for c in range(d))))
               for a in range(d) for s in (1, -1))


def _nonzero_fixed(ncf: Any) -> bool:
    return any(ncf(tuple(Fraction(1) if c == 0 else Fraction(0) for c in range(ncf.dim))))


def _search(n: int, decide: Any) -> tuple[str | None, dict[str, int]]:
    import exactland
    from exactland.core.problem import load
    from exactland.ncf import ncf_of

    rng = random.Random(20240214)
    stats = {"escape": 0, "not escape": 0}
    for _ in range(n):
        p = load(_instance(rng))
        if any(all(c == 0 for c in x) for x in p.X):
            continue
        esc = set(exactland.certify(p).escape_neurons)
        pred = decide(ncf_of(p))
        stats["escape" if pred else "not escape"] += 1
        if esc != (set(range(p.n_neurons)) if pred else set()):
            return f"certify: escape neurons {sorted(esc)}, NCF says {pred}, at {p.to_dict()}", stats
    return None, stats


def run(n: int) -> Outcome:
    msg, stats = _search(n, _nonzero_full)
    if msg is not None:
        return fails("zero neuron escape ≠ (NCF ≢ 0)", msg, instances=n)
    if not stats["escape"] or not stats["not escape"]:
        return fails("vacuous", str(stats), instances=n)
    return holds("at w_i = 0, h_i = 0: escape neuron (Def. 4.1) iff N ≢ 0 (NCF KKT points)",
                 [f"{k}: {v}" for k, v in stats.items()], instances=n)


def broken(n: int) -> Outcome:
    msg, _ = _search(n, _nonzero_fixed)
    if msg is not None:
        return fails("escape decided by N(e1) != 0 disagrees with Definition 4.1", msg, instances=n)
    return holds("broken variant not detected", instances=n)


CHECKS = (
    Check("NCF", "Kumar & Haupt link: zero neuron escapes iff its NCF is not identically zero",
          Method.INSTANCES, run, broken, "escape decided by N(u) != 0 at the one fixed direction e1"),
)

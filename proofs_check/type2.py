"""Open Question 1 (type-2 minima): the single-moving-column variable-projection certificate.

docs/type2.md §3: when exactly one neuron is not frozen, ``(H, b)`` is the
least-squares optimum for ``W`` and the Rayleigh-quotient conditions hold on
every simplicial cone, ``L(W', H', b') ≥ L(P)`` for ``‖W' − W‖∞ < r`` and every
``H', b'``. Re-derived here on generated multi-output stationary points
(``exactland.testing.multi``, one hidden neuron): for every certified radius,
``L*(W') = min_{H', b'} L`` is computed by this module's own exact least
squares (``Fraction`` Gauss–Jordan) at random ``W'`` inside the radius and at
``W + tΔW`` for the saddle descent direction of ``exactland.certify`` when
there is one (a saddle must never be certified); no value may be below
``L(P)``. The broken variant drops the negative-semidefiniteness test of the
flat block and must be refuted by such a lower point.
"""
from __future__ import annotations

import random
from fractions import Fraction
from typing import Any

from .common import orthogonal_basis, orthogonal_part
from .registry import Check, Method, Outcome, fails, holds

__all__ = ["CHECKS"]


def _fr(x: Any) -> Fraction:
    return Fraction(str(x))


def _lstar(p: Any, W: list) -> Fraction:
    """``½‖(I − Π_A)Y‖²`` with ``A = [ρ(Xw) …, 1]``, by the normal equations on independent columns."""
    ap, am = _fr(p.activation.alpha_plus), _fr(p.activation.alpha_minus)
    X = [[_fr(c) for c in x] for x in p.X]
    Y = [[_fr(c) for c in y] for y in p.Y]
    cols = [[(ap if z >= 0 else am) * z for z in (sum(a * c for a, c in zip(w, x)) for x in X)] for w in W]
    if p.b is not None:
        cols.append([Fraction(1)] * len(X))
    ortho = orthogonal_basis(cols)
    residuals = (orthogonal_part([row[j] for row in Y], ortho) for j in range(len(Y[0])))
    return sum((x * x for r in residuals for x in r), Fraction(0)) / 2


def _instances(n: int) -> list[Any]:
    from exactland.testing.multi import multi_output_point

    rng = random.Random(20261201)
    out = []
    for s in range(n):
        out.append(multi_output_point(s, J=rng.choice((2, 3)), dim=rng.choice((2, 3, 4)), n_neurons=1,
                                      n_samples=rng.randint(3, 7)).problem)
    return out


def _refute(p: Any, radius: Fraction, rng: random.Random) -> str | None:
    import exactland

    L0 = _fr(exactland.certify(p).loss)
    W = [[_fr(c) for c in w] for w in p.W]
    if _lstar(p, W) != L0:
        return "L*(W) != L(P)"
    cert = exactland.certify(p)
    trials = []
    if cert.descent is not None and cert.verdict.value == "saddle":
        dW, _ = cert.descent.full_direction(p.n_neurons, p.n_outputs)
        dW = [[_fr(c) for c in r] for r in dW]
        norm = max(abs(c) for r in dW for c in r)
        if norm:
            t = radius / norm / 2
            for _ in range(60):
                trials.append([[a + t * c for a, c in zip(w, r)] for w, r in zip(W, dW)])
                t /= 2
    for _ in range(25):
        s = radius * Fraction(rng.randint(1, 999), 1000)
        trials.append([[a + s * Fraction(rng.randint(-1000, 1000), 1000) for a in w] for w in W])
    for W2 in trials:
        if _lstar(p, W2) < L0:
            return f"L*(W') < L(P) at ‖W' − W‖∞ < {radius} for {p.to_dict()}"
    return None


def _search(n: int, broken: bool) -> tuple[str | None, int]:
    import exactland.core.type2 as t2
    from exactland.core.network import evaluate
    from exactland.core.tangent import Budget

    certified = 0
    saved = t2.eliminate_free
    if broken:  # the flat block is never found indefinite
        t2.eliminate_free = lambda M, free, zero, one: (M, [], None, None)
    try:
        rng = random.Random(7)
        for p in _instances(n):
            ev = evaluate(p)
            rw = _rho_w(p)
            res = t2.type2_single_column(ev, rw, Budget(10 ** 5))
            if res.radius is None:
                continue
            certified += 1
            msg = _refute(p, _fr(res.radius) if res.radius != "inf" else Fraction(1), rng)
            if msg is not None:
                return msg, certified
    finally:
        t2.eliminate_free = saved
    return None, certified


def _rho_w(p: Any) -> Any:
    best: Any = "inf"
    for w in p.W:
        for x in p.X:
            z = sum((a * c for a, c in zip(w, x)), 0)
            if z != 0:
                r = abs(z) / sum((abs(c) for c in x), 0)
                best = r if best == "inf" or r < best else best
    return best


def run(n: int) -> Outcome:
    msg, k = _search(n, broken=False)
    if msg is not None:
        return fails("a certified type-2 radius contains a lower point", msg, instances=n)
    if k == 0:
        return fails("vacuous: no instance certified", instances=n)
    return holds(f"{k} certified single-column type-2 radii: no lower L* found inside (random W', "
                 "saddle directions)", instances=n)


def broken(n: int) -> Outcome:
    msg, _ = _search(n, broken=True)
    if msg is not None:
        return fails("without the semidefiniteness test a lower point lies inside the claimed radius", msg,
                     instances=n)
    return holds("broken variant not detected", instances=n)


CHECKS = (
    Check("OQ1", "type-2 minima: single-moving-column variable projection (docs/type2.md)",
          Method.INSTANCES, run, broken, "the flat block's negative-semidefiniteness test dropped"),
)

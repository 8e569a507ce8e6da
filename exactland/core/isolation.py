"""Isolating a minimum whose exact coordinates are irrational (docs/isolation.md).

With several outputs and a positive loss, a minimum of a network without
kinks is a critical point of a quartic polynomial whose coordinates are in
general algebraic of high degree: no rational point is stationary, and the
snapping of :mod:`exactland.dynamics.snap` cannot build it.  Such a point is
represented as an algebraic number is: by a rational *center* and a region in
which it is the only critical point, with the inequalities that prove it.

:func:`isolate` takes a rational center (a refined float point, see
:mod:`exactland.dynamics.refine`) and tries to build an
:class:`IsolationCertificate`: the Hessian in gauge coordinates is positive
definite at the center with an exact margin ``μ``, the Hessian moves by less
than ``μ`` on a ball of explicit radius (bounds from the data alone), the
gradient at the center is small enough for the minimiser over the ball to be
interior, and the escape neurons of the true point are certified from the
center's ``M_i``.  Floats only *choose* ``μ`` and the radius; every claim is
then tested exactly by :mod:`exactland.checker.isolation`, which
:meth:`IsolationCertificate.verify` calls.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import isqrt
from typing import Any

import numpy as np

from exactland.checker.isolation import ISOLATION_FORMAT, SmoothData, isolation_reasons, positive_definite, \
    smooth_data
from exactland.checker.parse import parse_problem
from exactland.core.problem import Problem
from exactland.exact.digest import problem_digest
from exactland.exact.scalars import to_str

__all__ = ["IsolationCertificate", "IsolationResult", "isolate", "sqrt_up"]


@dataclass(frozen=True)
class IsolationCertificate:
    """A minimum ``P*`` isolated near a rational center (format ``exactland-isolation/1``).

    Attributes
    ----------
    verdict : str
        ``"type-2-minimum"`` (|J| ≥ 2, certified escape neurons) or ``"type-1-minimum"`` (|J| = 1).
    problem : Problem
        The data and the rational center ``P̃``.
    dead, gauge : tuple of int
        Silent neurons; the fixed coordinate ``c_i`` of every other neuron.
    radius : Fraction
        ``r``: on ``‖u − ũ‖₂ ≤ r`` (gauge coordinates) no sample changes side
        and the loss is strongly convex; ``P*`` minimises it there.
    mu, jacobian_bound, sigma_bound : Fraction
        ``Hs(ũ) − μI ≻ 0``; ``≥ ‖J̃‖_F``; ``≥ σ`` (docs/isolation.md).
    gradient_norm_sq : Fraction
        ``‖∇f(ũ)‖²`` exactly.
    location_radius : Fraction
        ``‖u* − ũ‖₂ ≤ location_radius``.
    loss_interval : tuple of Fraction
        ``L(P*) ∈ [lo, hi]``, ``hi = L(P̃)``.
    escape_neurons : tuple of int
        Neurons certified to be escape neurons at ``P*`` (Definition 4.1).
    """

    verdict: str
    problem: Problem
    dead: tuple[int, ...]
    gauge: tuple[int, ...]
    radius: Fraction
    mu: Fraction
    jacobian_bound: Fraction
    sigma_bound: Fraction
    gradient_norm_sq: Fraction
    location_radius: Fraction
    loss_interval: tuple[Fraction, Fraction]
    escape_neurons: tuple[int, ...]

    def to_dict(self) -> dict[str, Any]:
        """The certificate as JSON-ready data (every number an exact string)."""
        s = lambda x: to_str(x)  # noqa: E731
        return {"format": ISOLATION_FORMAT, "verdict": self.verdict, "problem": self.problem.to_dict(),
                "problem_digest": problem_digest(self.problem.to_dict()), "dead": list(self.dead),
                "gauge": list(self.gauge), "radius": s(self.radius), "mu": s(self.mu),
                "jacobian_bound": s(self.jacobian_bound), "sigma_bound": s(self.sigma_bound),
                "gradient_norm_sq": s(self.gradient_norm_sq), "location_radius": s(self.location_radius),
                "loss_interval": [s(x) for x in self.loss_interval], "escape_neurons": list(self.escape_neurons)}

    def verify(self) -> list[str]:
        """Re-derive every claim with :mod:`exactland.checker.isolation`; the failed claims (none: valid)."""
        return isolation_reasons(self.to_dict())[0]


@dataclass(frozen=True)
class IsolationResult:
    """The outcome of :func:`isolate`: a certificate, or the reason there is none."""

    certificate: IsolationCertificate | None
    reason: str | None


def sqrt_up(q: Fraction, bits: int = 40) -> Fraction:
    """A rational ``u ≥ √q`` within a relative ``2^-bits`` (``q ≥ 0``).

    Examples
    --------
    >>> u = sqrt_up(Fraction(2)); u * u >= 2, float(u)
    (True, 1.4142135623733338)
    """
    if q <= 0:
        return Fraction(0)
    mag = (q.numerator.bit_length() - q.denominator.bit_length()) // 2
    m = max(0, bits - mag)
    N = -((-q.numerator * 4 ** m) // q.denominator)
    s = isqrt(N)
    if s * s < N:
        s += 1
    return Fraction(s, 2 ** m)


def _below(q: Fraction, digits: int = 3) -> Fraction:
    """A short positive rational below the positive ``q`` (about ``digits`` significant digits)."""
    e = len(str(q.numerator)) - len(str(q.denominator))  # 10^(e-1) < q·(10 or so) < 10^(e+1)
    scale = Fraction(10) ** (digits - e)
    v = (q * scale).numerator // (q * scale).denominator
    return Fraction(max(v - 1, 1)) / scale if v >= 2 else q / 2


def _float(q: Fraction) -> float:
    """``q`` as a float for a message (±inf beyond the float range)."""
    try:
        return float(q)
    except OverflowError:
        return float("inf") if q > 0 else float("-inf")


def _structure(problem: Problem) -> tuple[list[int], list[int]] | str:
    p = parse_problem(problem.to_dict())
    sd = SmoothData(p, [], [0] * problem.n_neurons)
    dead = [i for i in range(sd.I) if all(s == 0 for s in sd.slopes[i])]
    for i in range(sd.I):
        if i not in dead and any(s is None for s in sd.slopes[i]):
            k = next(k for k in range(sd.K) if sd.slopes[i][k] is None)
            return f"sample {k} lies on the kink of neuron {i}: the loss is not smooth at the center"
    gauge = [max(range(sd.d), key=lambda c: abs(sd.Wf[i][c])) for i in range(sd.I) if i not in dead]
    if any(sd.Wf[i][c] == 0 for i, c in zip([i for i in range(sd.I) if i not in dead], gauge)):
        return "a neuron with w_i = 0 and a nonzero slope cannot be gauged"
    return dead, gauge


def isolate(problem: Problem) -> IsolationResult:
    """Isolate a local minimum near the rational point of ``problem`` (docs/isolation.md).

    Parameters
    ----------
    problem : Problem
        Rational data and a rational center close to a minimum without kinks
        (its gradient must be far smaller than the Hessian's least eigenvalue
        in gauge coordinates: refine a float point first).

    Returns
    -------
    IsolationResult
        A certificate that passes :meth:`IsolationCertificate.verify`, or None
        with the reason (kinks at the center, a singular Hessian, a gradient
        too large, no certified escape neuron for |J| ≥ 2).
    """
    if not problem.is_rational():
        return IsolationResult(None, "isolation is implemented for rational problems only")
    st = _structure(problem)
    if isinstance(st, str):
        return IsolationResult(None, st)
    dead, gauge = st
    sd, q = smooth_data(parse_problem(problem.to_dict()), dead, gauge)
    Hs = q["hessian"]
    n = Hs.nrows()
    if n == 0:
        return IsolationResult(None, "no moving parameters")
    try:
        dense = np.array([[float(Hs[a, c]) for c in range(n)] for a in range(n)])
        lam = float(np.linalg.eigvalsh(dense)[0]) if np.all(np.isfinite(dense)) else float("nan")
    except (OverflowError, np.linalg.LinAlgError):
        lam = float("nan")
    if not np.isfinite(lam):
        return IsolationResult(None, "the Hessian at the center is beyond the float range used to choose μ")
    if not lam > 0:
        return IsolationResult(None, f"the Hessian in gauge coordinates is not positive definite at the center "
                                     f"(least eigenvalue ≈ {lam:.3g}): not a nondegenerate critical point modulo rescaling")
    mu = _below(Fraction(lam) / 2)
    if not positive_definite(Hs, mu):
        return IsolationResult(None, f"Hs − μI is not positive definite for μ = {to_str(mu)}")
    return _bounds(problem, sd, q, dead, gauge, mu)


def _bounds(problem: Problem, sd: SmoothData, q: dict, dead: list[int], gauge: list[int],
            mu: Fraction) -> IsolationResult:
    Jn, S = sqrt_up(q["jac_sq"]), sqrt_up(q["sigma_sq"])
    margin = min((z2 / max(x2, Fraction(1, 10 ** 30)) for _, _, z2, x2 in sd.kink_distances()), default=Fraction(1))
    r = min(_below(mu / (8 * Jn * S)), _below(sqrt_up(margin) / 2))
    mu1 = mu - 3 * Jn * S * r - Fraction(3, 2) * S * S * r * r
    g2 = q["grad_sq"]
    if not (mu1 > 0 and 4 * g2 < mu1 * mu1 * r * r):
        return IsolationResult(None, f"the center is not close enough: ‖g‖ ≈ {_float(sqrt_up(g2)):.3g} must be "
                                     f"below μ'r/2 ≈ {_float(mu1 * r / 2):.3g}")
    rho = sqrt_up(g2 / (mu1 * mu1))
    drift = (Jn * rho + S * rho * rho / 2) * S
    escape = tuple(i for i in sd.alive if q["M_sq"][i] > drift * drift)
    if sd.J >= 2 and escape:
        verdict = "type-2-minimum"
    elif sd.J == 1 and all(abs(sd.Hf[0][i]) > rho for i in sd.alive):
        verdict, escape = "type-1-minimum", ()
    else:
        return IsolationResult(None, "no escape neuron of the critical point could be certified (|J| ≥ 2): its "
                                     "kind (type-1 or type-2) is not decided")
    hi = sd.loss
    lo = hi - g2 / (2 * mu1)
    lo = Fraction(lo.numerator * 10 ** 30 // lo.denominator, 10 ** 30)  # rounded down: a shorter bound
    cert = IsolationCertificate(verdict, problem, tuple(dead), tuple(gauge), r, mu, Jn, S, g2, rho, (lo, hi),
                                escape)
    return IsolationResult(cert, None)

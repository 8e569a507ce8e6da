"""Exact Taylor polynomials of the loss along a ray, one orthant at a time.

Along a direction ``Δ = (ΔW, ΔH)`` that moves *every* parameter, the
pre-activations ``(w_i + εΔw_i)·x_k = z_ik + ε Δz_ik`` are affine in ε. While
no sample outside a kink set changes side (``0 ≤ ε < ε0``) each activation is
affine too (Section 3.1, Appendix F: "moving along a fixed direction locally
exploits the loss of a linear network")::

    rho((w_i + εΔw_i)·x_k) = A_ik + ε B_ik,
    A_ik = rho(z_ik),
    B_ik = rho'(z_ik) Δz_ik   (z_ik != 0),   B_ik = rho(Δz_ik)   (z_ik = 0),

so the residuals are ``e_kj + ε p_kj + ε² q_kj`` with
``p_kj = Σ_i (Δh_ji A_ik + h_ji B_ik)`` and ``q_kj = Σ_i Δh_ji B_ik``, and the
loss (eq. 2) is the degree-4 polynomial ``½ Σ (e + εp + ε²q)²``::

    c0 = ½Σe²,  c1 = Σ e p,  c2 = Σ (½p² + e q),  c3 = Σ p q,  c4 = ½Σ q².

``n! c_n`` is the n-th one-sided directional derivative ``∂ⁿ_Δ L`` of
Appendix F.1. ε0 (exact) is the first ε at which a non-kink sample reaches
its kink; the identity holds on the closed interval ``[0, ε0]`` by continuity.
:func:`check_against_loss` re-derives the polynomial from direct exact loss
evaluations (:func:`exactland.core.network.loss`, an independent route): agreement
at five or more points of ``[0, ε0)`` proves equality of two polynomials of
degree ≤ 4.

The directions themselves (files, named directions) are
:mod:`exactland.taylor.directions`; the Appendix G contrast of canonical and aligned
axes is :mod:`exactland.taylor.axes`.

The same "eventual side" rule (:func:`ray_side`, :func:`ray_crossing`) drives
the non-network teaching examples of :mod:`exactland.derivation.piecewise`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from flint import fmpq

from exactland.errors import InternalError
from exactland.taylor.directions import ZERO, Direction, Matrix
from exactland.exact.linalg import dot
from exactland.core.network import loss as direct_loss
from exactland.exact.scalars import sign, to_str
from exactland.core.display import short
from exactland.core.polynomial import horner, loss_polynomial
from exactland.core.render import polynomial
from exactland.core.problem import Problem

__all__ = [
    "CheckFailed", "NeuronOrthant", "RayPolynomial", "ray_side", "ray_crossing",
    "ray_polynomial", "check_against_loss", "sample_points", "point_along",
]


class CheckFailed(InternalError):
    """An internal cross-check disagreed (a bug, never a property of the input)."""


# ------------------------------------------------------------ ray primitives
def ray_side(a: Any, b: Any) -> int:
    """Side of ``a + εb`` for all small ε > 0: ``sign(a)``, or ``sign(b)`` if a = 0.

    Examples
    --------
    >>> ray_side(fmpq(1, 2), -5), ray_side(0, fmpq(-1, 3)), ray_side(0, 0)
    (1, -1, 0)
    """
    s = sign(a)
    return s if s != 0 else sign(b)


def ray_crossing(a: Any, b: Any) -> Any:
    """First ε > 0 where ``a + εb`` reaches 0 coming from ``a != 0``; None if never.

    Examples
    --------
    >>> ray_crossing(fmpq(3), fmpq(-2)), ray_crossing(fmpq(3), fmpq(2)), ray_crossing(0, 1)
    (3/2, None, None)
    """
    sa = sign(a)
    if sa == 0 or sign(b) != -sa:
        return None
    return abs(a) / abs(b)


# ------------------------------------------------------------ the polynomial
@dataclass(frozen=True)
class NeuronOrthant:
    """Where neuron i's samples sit along the ray (for ``0 < ε < ε0``).

    Attributes
    ----------
    index : int
    positive, negative : tuple of int
        ``K⁺(i)``, ``K⁻(i)`` at P (they keep their side for ε < ε0).
    kink_moves : tuple of (k, side)
        Kink samples and the side ``sign(Δw_i·x_k)`` they move to (0: stays).
    crossings : tuple of (k, ε)
        Non-kink samples that reach the kink at ε (≥ ε0), if the ray went on.
    """

    index: int
    positive: tuple[int, ...]
    negative: tuple[int, ...]
    kink_moves: tuple[tuple[int, int], ...]
    crossings: tuple[tuple[int, Any], ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (0-based indices)."""
        return {
            "neuron": self.index,
            "positive": list(self.positive),
            "negative": list(self.negative),
            "kink": [{"sample": k, "side": s} for k, s in self.kink_moves],
            "crossings": [{"sample": k, "eps": to_str(e)} for k, e in self.crossings],
        }


@dataclass(frozen=True)
class RayPolynomial:
    """``L(P + εΔ) = Σ c_n εⁿ`` for ``0 ≤ ε < ε0`` (ε0 None: every ε ≥ 0).

    Attributes
    ----------
    problem : Problem
    direction : Direction
    coefficients : tuple of 5 exact numbers
    eps0 : exact number or None
    first_change : (neuron, sample) or None
        Which sample reaches its kink at ε0.
    orthant : tuple of NeuronOrthant
    p, q : tuple of tuples
        Residual increments ``p_kj``, ``q_kj``.
    """

    problem: Problem
    direction: Direction
    coefficients: tuple[Any, ...]
    eps0: Any
    first_change: tuple[int, int] | None
    orthant: tuple[NeuronOrthant, ...]
    p: Matrix
    q: Matrix

    def __call__(self, eps: Any) -> Any:
        return horner(self.coefficients, eps)

    def __repr__(self) -> str:
        rng = "every eps >= 0" if self.eps0 is None else f"0 <= eps < {short(self.eps0)}"
        return (f"RayPolynomial(L(P + eps D) = {polynomial(self.coefficients, 'eps')} for {rng}; "
                f"direction {self.direction.label!r})")

    def _repr_latex_(self) -> str:
        text = polynomial(self.coefficients, r"\varepsilon")
        rng = r"\varepsilon \ge 0" if self.eps0 is None else rf"0 \le \varepsilon < {to_str(self.eps0)}"
        return rf"$L(P + \varepsilon\Delta) = {text} \quad ({rng})$"

    @property
    def order(self) -> int | None:
        """First n ≥ 1 with ``c_n != 0`` (None: constant along the ray)."""
        return next((n for n in range(1, 5) if self.coefficients[n] != 0), None)

    def derivatives(self) -> tuple[Any, ...]:
        """``∂ⁿ_Δ L = n! c_n`` for n = 1..4 (one-sided, Appendix F.1)."""
        c = self.coefficients
        return (c[1], 2 * c[2], 6 * c[3], 24 * c[4])

    def orthant_dict(self) -> dict[str, Any]:
        """The orthant: per neuron the sides of its samples, and the first change."""
        fc = self.first_change
        return {
            "neurons": [o.to_dict() for o in self.orthant],
            "first_change": None if fc is None else {
                "neuron": fc[0], "sample": fc[1], "eps": to_str(self.eps0)},
        }

    def to_dict(self) -> dict[str, Any]:
        """``{"coefficients", "eps0", "orthant"}`` with exact strings (the CLI's JSON)."""
        return {
            "coefficients": [to_str(c) for c in self.coefficients],
            "eps0": None if self.eps0 is None else to_str(self.eps0),
            "orthant": self.orthant_dict(),
        }


def ray_polynomial(problem: Problem, direction: Direction) -> RayPolynomial:
    """The exact loss polynomial along ``P + εΔ`` in its orthant (module notes).

    Parameters
    ----------
    problem : Problem
    direction : Direction

    Returns
    -------
    RayPolynomial

    Examples
    --------
    Appendix G: one ReLU neuron on the kink of ``x_1 = (9/10, 3/10)``, ``h = 1/2``,
    ``y = 3``; moving w along ``v = (3/10, 1/10)`` activates x_1:
    ``L = ½(½·(3/10)ε − 3)² = 9/2 − 9/20 ε + 9/800 ε²``.

    >>> from exactland.builtin.examples import load_example
    >>> from exactland.taylor.directions import named_direction
    >>> p = load_example("appendix-g-kink")
    >>> rp = ray_polynomial(p, named_direction(p, "tangential:0,3/10,1/10"))
    >>> rp.coefficients, rp.eps0, rp.orthant[0].kink_moves
    ((9/2, -9/20, 9/800, 0, 0), None, ((0, 1),))
    """
    act = problem.activation
    I, J, K = problem.n_neurons, problem.n_outputs, problem.n_samples
    dW, dH = direction.W, direction.H
    A = [[ZERO] * K for _ in range(I)]
    B = [[ZERO] * K for _ in range(I)]
    eps0: Any = None
    first: tuple[int, int] | None = None
    orth: list[NeuronOrthant] = []
    for i in range(I):
        pos, neg, kinks, cross = [], [], [], []
        for k, x in enumerate(problem.X):
            z, dz = dot(problem.W[i], x), dot(dW[i], x)
            s = sign(z)
            A[i][k] = act(z)
            if s == 0:
                B[i][k] = act(dz)
                kinks.append((k, sign(dz)))
                continue
            B[i][k] = act.slope(s) * dz
            (pos if s > 0 else neg).append(k)
            t = ray_crossing(z, dz)
            if t is not None:
                cross.append((k, t))
                if eps0 is None or t < eps0:
                    eps0, first = t, (i, k)
        orth.append(NeuronOrthant(i, tuple(pos), tuple(neg), tuple(kinks), tuple(cross)))
    triples: list[tuple[Any, Any, Any]] = []
    for k in range(K):
        for j in range(J):
            yhat = sum((problem.H[j][i] * A[i][k] for i in range(I)), ZERO)
            pk = sum((dH[j][i] * A[i][k] + problem.H[j][i] * B[i][k] for i in range(I)), ZERO)
            qk = sum((dH[j][i] * B[i][k] for i in range(I)), ZERO)
            pk += direction.b[j] if direction.b is not None else ZERO  # the output bias moves by tΔb
            triples.append((yhat - problem.targets[k][j], pk, qk))  # targets Y − b
    P = tuple(tuple(triples[k * J + j][1] for j in range(J)) for k in range(K))
    Q = tuple(tuple(triples[k * J + j][2] for j in range(J)) for k in range(K))
    return RayPolynomial(problem, direction, loss_polynomial(triples), eps0, first, tuple(orth), P, Q)


def sample_points(eps0: Any, n: int = 6) -> tuple[Any, ...]:
    """``n`` distinct rational points of ``[0, ε0)`` (of ``[0, n/2)`` when ε0 is None).

    Examples
    --------
    >>> sample_points(fmpq(3), 3), sample_points(None, 3)
    ((0, 1, 2), (0, 1/2, 1))
    """
    if eps0 is None:
        return tuple(fmpq(m, 2) for m in range(n))
    return tuple(eps0 * fmpq(m, n) for m in range(n))


def point_along(problem: Problem, direction: Direction, eps: Any) -> Problem:
    """The problem at ``P + εΔ``."""
    W = [[a + eps * b for a, b in zip(r, dr)] for r, dr in zip(problem.W, direction.W)]
    H = [[a + eps * b for a, b in zip(r, dr)] for r, dr in zip(problem.H, direction.H)]
    b = problem.b
    if direction.b is not None and b is not None:
        b = tuple(a + eps * c for a, c in zip(b, direction.b))
    return problem.with_params(W, H, b)


def check_against_loss(rp: RayPolynomial, points: Sequence[Any] | None = None) -> tuple[tuple[Any, Any], ...]:
    """Compare the polynomial with exact loss evaluations at points of ``[0, ε0)``.

    Returns
    -------
    tuple of (ε, L(P + εΔ))
        The agreeing values (at least 5 distinct points: two polynomials of
        degree ≤ 4 that agree there are equal).

    Raises
    ------
    CheckFailed
        If any value differs (a bug), or a point lies outside ``[0, ε0)``.

    Examples
    --------
    >>> from exactland.builtin.examples import load_example
    >>> from exactland.taylor.directions import named_direction
    >>> p = load_example("origin-saddle")
    >>> rp = ray_polynomial(p, named_direction(p, "escape:0"))
    >>> len(check_against_loss(rp))
    6
    """
    pts = tuple(sample_points(rp.eps0) if points is None else points)
    if len(set(pts)) < 5:
        raise CheckFailed("at least 5 distinct points are needed to pin down a quartic")
    out = []
    for eps in pts:
        if sign(eps) < 0 or (rp.eps0 is not None and not eps < rp.eps0):
            raise CheckFailed(f"eps = {to_str(eps)} is outside [0, eps0)")
        direct = direct_loss(point_along(rp.problem, rp.direction, eps))
        if direct != rp(eps):
            raise CheckFailed(
                f"Taylor polynomial {to_str(rp(eps))} != exact loss {to_str(direct)} at eps = {to_str(eps)}")
        out.append((eps, direct))
    return tuple(out)


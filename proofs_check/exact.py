"""A small, independent exact toolkit (``fractions.Fraction`` only).

Everything the checks compare *against* is computed here from the paper's
definitions, without importing :mod:`exactland`'s algorithms: the network and
loss (eqs. 1–2), the quantities of Lemma 3.2 written exactly as printed
(``d_ji`` and ``d_ji^v`` of eq. 3, eqs. 4–6), the exact loss polynomial along a
ray (the one-sided derivative is its linear coefficient — no finite
differences), and, for ``d = 2``, a complete decision of Definition 3.3,
Definition 4.1 and of the radius constants of DESIGN §6 by evaluation on the
generators of the kink arrangement.

Notes
-----
Along a ray ``P + tΔ`` every pre-activation is affine in ``t``; while no
sample outside a neuron's kink set changes side (``0 ≤ t < t_max``) every
activation is ``slope · (z + t Δz)`` with a fixed slope, so every output is a
quadratic and the loss a quartic polynomial in ``t``.  :func:`ray_poly`
computes it in closed form *and* by exact interpolation of five direct loss
evaluations inside ``(0, t_max)``; the two must agree, which makes the
polynomial (and hence every one-sided derivative read from it) exact.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import Any, Iterable, Sequence

__all__ = [
    "Q", "q", "Vec", "Mat", "dot", "sign", "perp", "Net", "RayPoly", "ray_poly",
    "Analysis2D", "analyse_2d", "generators_2d", "unit_h", "zero_dir", "poly_eval",
    "strict_move", "InternalError",
]

Q = Fraction
Vec = tuple[Fraction, ...]
Mat = tuple[Vec, ...]


class InternalError(AssertionError):
    """The toolkit contradicted itself (a bug here, never a finding about the paper)."""


def q(x: Any) -> Fraction:
    """An exact rational from int, Fraction, str or any object whose ``str`` is exact."""
    if isinstance(x, Fraction):
        return x
    if isinstance(x, int):
        return Fraction(x)
    if isinstance(x, float):
        raise TypeError("floats are not exact; pass a string")
    return Fraction(str(x))


def dot(a: Iterable[Any], b: Iterable[Any]) -> Fraction:
    """Exact dot product."""
    return sum((x * y for x, y in zip(a, b)), Fraction(0))


def sign(x: Fraction) -> int:
    """-1, 0 or 1."""
    return (x > 0) - (x < 0)


def perp(x: Sequence[Fraction]) -> Vec:
    """``(−x₂, x₁)`` (d = 2)."""
    return (-x[1], x[0])


def _mat(m: Sequence[Sequence[Any]]) -> Mat:
    return tuple(tuple(q(c) for c in row) for row in m)


@dataclass(frozen=True)
class Net:
    """Data, activation and a point ``P = (W, H)`` (the paper's shapes, Section 2).

    Parameters
    ----------
    ap, am : Fraction
        ``α⁺, α⁻`` of ``ρ(z) = α⁺ z (z ≥ 0), α⁻ z (z < 0)``.
    X : K×d, Y : K×J, W : I×d, H : J×I
    """

    ap: Fraction
    am: Fraction
    X: Mat
    Y: Mat
    W: Mat
    H: Mat

    @staticmethod
    def make(ap: Any, am: Any, X: Any, Y: Any, W: Any, H: Any) -> "Net":
        """Build from nested sequences of exact entries."""
        return Net(q(ap), q(am), _mat(X), _mat(Y), _mat(W), _mat(H))

    @staticmethod
    def from_problem(p: Any) -> "Net":
        """From an :class:`exactland.core.problem.Problem` (rational entries)."""
        a = p.activation
        return Net.make(a.alpha_plus, a.alpha_minus, p.X, p.Y, p.W, p.H)

    def to_problem(self) -> Any:
        """The same point as an :class:`exactland.core.problem.Problem`."""
        import exactland

        s = lambda m: [[str(c) for c in row] for row in m]  # noqa: E731
        return exactland.load({
            "activation": {"alpha_plus": str(self.ap), "alpha_minus": str(self.am)},
            "X": s(self.X), "Y": s(self.Y), "W": s(self.W), "H": s(self.H),
        })

    # -- sizes -------------------------------------------------------------
    @property
    def K(self) -> int:
        return len(self.X)

    @property
    def d(self) -> int:
        return len(self.X[0])

    @property
    def I(self) -> int:  # noqa: E743
        return len(self.W)

    @property
    def J(self) -> int:
        return len(self.Y[0])

    def with_params(self, W: Any, H: Any) -> "Net":
        return Net(self.ap, self.am, self.X, self.Y, _mat(W), _mat(H))

    def with_targets(self, Y: Any) -> "Net":
        return Net(self.ap, self.am, self.X, _mat(Y), self.W, self.H)

    # -- eqs. (1)-(2) ------------------------------------------------------
    def slope(self, s: int) -> Fraction:
        """Slope on side ``s`` (0 on the kink: a kink sample contributes nothing)."""
        return self.ap if s > 0 else (self.am if s < 0 else Fraction(0))

    def rho(self, z: Fraction) -> Fraction:
        return self.ap * z if z >= 0 else self.am * z

    def z(self, i: int, k: int) -> Fraction:
        return dot(self.W[i], self.X[k])

    @cached_property
    def Z(self) -> tuple[Vec, ...]:
        return tuple(tuple(self.z(i, k) for k in range(self.K)) for i in range(self.I))

    @cached_property
    def A(self) -> tuple[Vec, ...]:
        """``A[i][k] = ρ(w_i·x_k)``."""
        return tuple(tuple(self.rho(z) for z in row) for row in self.Z)

    @cached_property
    def out(self) -> Mat:
        """``ŷ_kj`` (eq. 1)."""
        return tuple(
            tuple(sum((self.H[j][i] * self.A[i][k] for i in range(self.I)), Fraction(0))
                  for j in range(self.J))
            for k in range(self.K)
        )

    @cached_property
    def E(self) -> Mat:
        """Residuals ``e_kj = ŷ_kj − y_kj``."""
        return tuple(tuple(o - y for o, y in zip(ro, ry)) for ro, ry in zip(self.out, self.Y))

    @cached_property
    def loss(self) -> Fraction:
        """``L = ½ Σ_kj e_kj²`` (eq. 2)."""
        return sum((e * e for row in self.E for e in row), Fraction(0)) / 2

    def kinks(self, i: int) -> tuple[int, ...]:
        """``K⁰(i)``."""
        return tuple(k for k in range(self.K) if self.Z[i][k] == 0)

    # -- Lemma 3.2, written as printed -------------------------------------
    def d_vec(self, j: int, i: int) -> Vec:
        """``d_ji`` of eq. (3): sums over ``w_i·x_k > 0`` and ``< 0``."""
        acc = [Fraction(0)] * self.d
        for k in range(self.K):
            s = sign(self.Z[i][k])
            if s:
                c = self.slope(s) * self.E[k][j]
                acc = [a + c * x for a, x in zip(acc, self.X[k])]
        return tuple(acc)

    def side(self, i: int, k: int, dw: Sequence[Fraction]) -> int:
        """Side of ``(w_i + t Δw)·x_k`` for all small ``t > 0``."""
        z = self.Z[i][k]
        return sign(z) if z != 0 else sign(dot(dw, self.X[k]))

    def d_v(self, j: int, i: int, v: Sequence[Fraction]) -> Vec:
        """``d_ji^v`` of eq. (3): the limit ``Δs ↘ 0`` of the sums over the sides of
        ``w_i + Δs v``."""
        acc = [Fraction(0)] * self.d
        for k in range(self.K):
            s = self.side(i, k, v)
            if s:
                c = self.slope(s) * self.E[k][j]
                acc = [a + c * x for a, x in zip(acc, self.X[k])]
        return tuple(acc)

    def phi(self, j: int, i: int, v: Sequence[Fraction]) -> Fraction:
        """``φ_ji(v) = d_ji^v·v``."""
        return dot(self.d_v(j, i, v), v)

    def F(self, i: int, v: Sequence[Fraction]) -> Fraction:
        """``∂L/∂s_i`` along ``v`` by eq. (6) (for unit ``v``; positively homogeneous)."""
        return sum((self.H[j][i] * self.phi(j, i, v) for j in range(self.J)), Fraction(0))

    def dL_dh(self, j: int, i: int) -> Fraction:
        """Eq. (4): ``w_i·d_ji``."""
        return dot(self.W[i], self.d_vec(j, i))

    def dL_dr_scaled(self, i: int) -> Fraction:
        """Eq. (5) times ``‖w_i‖``: ``Σ_j h_ji d_ji·w_i`` (0 when ``w_i = 0``)."""
        return sum((self.H[j][i] * dot(self.d_vec(j, i), self.W[i]) for j in range(self.J)),
                   Fraction(0))

    def is_zero_neuron(self, i: int) -> bool:
        return all(c == 0 for c in self.W[i])

    def describe(self) -> str:
        """Compact exact text (the problem JSON's content)."""
        m = lambda M: "[" + ", ".join("[" + ", ".join(str(c) for c in r) + "]" for r in M) + "]"  # noqa: E731
        return (f"alpha=({self.ap}, {self.am}) X={m(self.X)} Y={m(self.Y)} W={m(self.W)} "
                f"H={m(self.H)}")

    def __str__(self) -> str:
        return self.describe()


def zero_dir(net: Net) -> tuple[list[list[Fraction]], list[list[Fraction]]]:
    """An all-zero direction ``(ΔW, ΔH)`` (mutable lists)."""
    return ([[Fraction(0)] * net.d for _ in range(net.I)],
            [[Fraction(0)] * net.I for _ in range(net.J)])


def unit_h(net: Net, j: int, i: int, value: Any = 1) -> tuple[Mat, Mat]:
    """The direction that moves ``h_ji`` only."""
    dW, dH = zero_dir(net)
    dH[j][i] = q(value)
    return _mat(dW), _mat(dH)


def poly_eval(c: Sequence[Fraction], t: Fraction) -> Fraction:
    acc = Fraction(0)
    for x in reversed(c):
        acc = acc * t + x
    return acc


def _interpolate(ts: Sequence[Fraction], vals: Sequence[Fraction]) -> list[Fraction]:
    """Coefficients of the degree < n polynomial through ``(t, v)`` (exact Lagrange)."""
    n = len(ts)
    coeffs = [Fraction(0)] * n
    for a, (ta, va) in enumerate(zip(ts, vals)):
        basis = [Fraction(1)]
        den = Fraction(1)
        for b, tb in enumerate(ts):
            if b == a:
                continue
            basis = [Fraction(0)] + basis
            for m in range(len(basis) - 1):
                basis[m] -= tb * basis[m + 1]
            den *= ta - tb
        for m in range(n):
            coeffs[m] += va * basis[m] / den
    return coeffs


@dataclass(frozen=True)
class RayPoly:
    """``L(P + tΔ) = Σ c_n tⁿ`` for ``0 ≤ t < t_max`` (``t_max`` None: every t ≥ 0)."""

    coeffs: tuple[Fraction, ...]
    t_max: Fraction | None
    dW: Mat = field(repr=False)
    dH: Mat = field(repr=False)

    @property
    def order(self) -> int | None:
        """First ``n ≥ 1`` with ``c_n != 0`` (None: constant along the ray)."""
        return next((n for n in range(1, 5) if self.coeffs[n] != 0), None)

    @property
    def leading(self) -> Fraction:
        o = self.order
        return Fraction(0) if o is None else self.coeffs[o]

    def sample_t(self) -> Fraction:
        return self.t_max / 2 if self.t_max is not None else Fraction(1)


def ray_poly(net: Net, dW: Sequence[Sequence[Any]], dH: Sequence[Sequence[Any]]) -> RayPoly:
    """The exact loss polynomial along ``P + tΔ`` near ``t = 0⁺``.

    Computed twice — in closed form from the fixed sides, and by interpolating
    five direct evaluations of the loss (eq. 2) inside ``(0, t_max)`` — and the
    two must agree (:class:`InternalError` otherwise).
    """
    dWm, dHm = _mat(dW), _mat(dH)
    t_max: Fraction | None = None
    a = [[Fraction(0)] * net.K for _ in range(net.I)]
    b = [[Fraction(0)] * net.K for _ in range(net.I)]
    for i in range(net.I):
        for k in range(net.K):
            z = net.Z[i][k]
            dz = dot(dWm[i], net.X[k])
            s = sign(z) if z != 0 else sign(dz)
            sl = net.slope(s)
            a[i][k], b[i][k] = sl * z, sl * dz
            if z != 0 and sign(dz) == -sign(z):
                flip = abs(z) / abs(dz)
                t_max = flip if t_max is None or flip < t_max else t_max
    c = [Fraction(0)] * 5
    for k in range(net.K):
        for j in range(net.J):
            e0, e1, e2 = -net.Y[k][j], Fraction(0), Fraction(0)
            for i in range(net.I):
                h, dh = net.H[j][i], dHm[j][i]
                e0 += h * a[i][k]
                e1 += h * b[i][k] + dh * a[i][k]
                e2 += dh * b[i][k]
            c[0] += e0 * e0 / 2
            c[1] += e0 * e1
            c[2] += e1 * e1 / 2 + e0 * e2
            c[3] += e1 * e2
            c[4] += e2 * e2 / 2
    top = t_max if t_max is not None else Fraction(1)
    ts = [top * Fraction(n, 7) for n in range(1, 6)]
    vals = [_moved(net, dWm, dHm, t).loss for t in ts]
    interp = _interpolate(ts, vals)
    if interp != c or c[0] != net.loss:
        raise InternalError("closed-form ray polynomial disagrees with direct loss evaluations")
    return RayPoly(tuple(c), t_max, dWm, dHm)


def _moved(net: Net, dW: Mat, dH: Mat, t: Fraction) -> Net:
    W = [[w + t * x for w, x in zip(rw, rd)] for rw, rd in zip(net.W, dW)]
    H = [[h + t * x for h, x in zip(rh, rd)] for rh, rd in zip(net.H, dH)]
    return net.with_params(W, H)


def strict_move(net: Net, rp: RayPoly, want: int) -> tuple[Fraction, Fraction] | None:
    """A ``t ∈ (0, t_max)`` with ``sign(L(P + tΔ) − L(P)) = want``, checked by a
    direct loss evaluation; None if the first nonzero coefficient has the other
    sign (or none exists)."""
    if rp.order is None or sign(rp.leading) != want:
        return None
    t = rp.sample_t()
    for _ in range(400):
        val = _moved(net, rp.dW, rp.dH, t).loss
        if sign(val - net.loss) == want:
            return t, val
        t /= 2
    raise InternalError("leading coefficient has the right sign but no witness point found")


# --------------------------------------------------------------------------- d = 2
def _normalise(v: Vec) -> Vec:
    m = max(abs(c) for c in v)
    return tuple(c / m for c in v)


def generators_2d(net: Net, i: int) -> tuple[Vec, ...]:
    """Directions that generate every cell of neuron i's tangent arrangement (d = 2).

    ``w_i ≠ 0``: the tangent line is ``span(perp(w_i))``, so ``±perp(w_i)``.
    ``w_i = 0``: every sample is a kink sample; the cells of the lines
    ``x_k·v = 0`` are generated by ``±perp(x_k)`` (plus ``±x_k`` for the
    half-planes when all lines coincide). A positively homogeneous function
    that is linear on each cell is ≥ 0 everywhere iff it is ≥ 0 on these.
    """
    if net.d != 2:
        raise ValueError("generators_2d needs d = 2")
    w = net.W[i]
    if any(c != 0 for c in w):
        v = perp(w)
        return (v, tuple(-c for c in v))
    out: list[Vec] = []
    for x in net.X:
        if any(c != 0 for c in x):
            p = perp(x)
            for g in (p, tuple(-c for c in p), tuple(x), tuple(-c for c in x)):
                out.append(_normalise(g))
    if not out:
        out = [(Fraction(1), Fraction(0)), (Fraction(-1), Fraction(0)),
               (Fraction(0), Fraction(1)), (Fraction(0), Fraction(-1))]
    return tuple(dict.fromkeys(out))


@dataclass(frozen=True)
class Analysis2D:
    """Definition 3.3, Definition 4.1 and the DESIGN §6 radius, decided exactly.

    Attributes
    ----------
    stationary : bool
    reason : str
        Why not stationary ('' if stationary).
    escape : tuple of int
        Escape neurons (Definition 4.1), evaluated only when stationary.
    witness : dict
        ``i -> (j, v, φ_ji(v))`` for every escape neuron.
    c : tuple
        ``c_i = min F_i/max_j|φ_ji|`` over generators with φ ≠ 0 (None = ∞).
    rho_w : Fraction or None
        ``min |w_i·x_k|/‖x_k‖₁`` over non-kink pairs (None = ∞).
    radius : Fraction or None
        ``min(rho_w, min c_i/|J|)`` for a stationary point without escape
        neurons (None = ∞); ``Fraction(0)`` otherwise.
    """

    stationary: bool
    reason: str
    escape: tuple[int, ...]
    witness: dict
    c: tuple[Fraction | None, ...]
    rho_w: Fraction | None
    radius: Fraction | None

    @property
    def type1(self) -> bool:
        return self.stationary and not self.escape


def _min_opt(a: Fraction | None, b: Fraction | None) -> Fraction | None:
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)


def escape_witness_2d(net: Net, i: int) -> tuple[int, Vec, Fraction] | None:
    """Definition 4.1 for neuron i evaluated formally (``F_i(v) = 0`` and some
    ``φ_j'i(v) ≠ 0`` on a generator); exact whenever ``F_i ≥ 0``."""
    for g in generators_2d(net, i):
        if net.F(i, g) == 0:
            for j in range(net.J):
                val = net.phi(j, i, g)
                if val != 0:
                    return j, g, val
    return None


def analyse_2d(net: Net) -> Analysis2D:
    """Decide stationarity, escape neurons and the radius constants (d = 2)."""
    reason = ""
    for i in range(net.I):
        for j in range(net.J):
            if net.dL_dh(j, i) != 0:
                reason = reason or f"dL/dh[{j}][{i}] = {net.dL_dh(j, i)} != 0"
        if net.dL_dr_scaled(i) != 0:
            reason = reason or f"|w_{i}| dL/dr_{i} = {net.dL_dr_scaled(i)} != 0"
        for g in generators_2d(net, i):
            val = net.F(i, g)
            if val < 0:
                reason = reason or f"F_{i}({_fmt(g)}) = {val} < 0"
    stationary = not reason
    escape: list[int] = []
    witness: dict = {}
    cs: list[Fraction | None] = []
    for i in range(net.I):
        if stationary:
            w = escape_witness_2d(net, i)
            if w is not None:
                escape.append(i)
                witness[i] = w
        best: Fraction | None = None
        for g in generators_2d(net, i):
            m = max(abs(net.phi(j, i, g)) for j in range(net.J))
            if m != 0:
                best = _min_opt(best, net.F(i, g) / m)
        cs.append(best)
    rho_w: Fraction | None = None
    for i in range(net.I):
        for k in range(net.K):
            z = net.Z[i][k]
            if z != 0:
                rho_w = _min_opt(rho_w, abs(z) / sum((abs(c) for c in net.X[k]), Fraction(0)))
    radius: Fraction | None = Fraction(0)
    if stationary and not escape:
        radius = rho_w
        for c in cs:
            if c is not None:
                radius = _min_opt(radius, c / net.J)
    return Analysis2D(stationary, reason, tuple(escape), witness, tuple(cs), rho_w, radius)


def _fmt(v: Sequence[Fraction]) -> str:
    return "(" + ", ".join(str(c) for c in v) + ")"


def fmt(v: Any) -> str:
    """Compact text of a number, vector or matrix."""
    if isinstance(v, (tuple, list)):
        return "(" + ", ".join(fmt(c) for c in v) + ")"
    return str(v)

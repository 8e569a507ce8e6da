"""The network, its loss and the quantities of Lemma 3.2, exactly (``Fraction`` only).

Everything the checks compare *against* is computed from the paper's
definitions, without importing :mod:`exactland`'s algorithms: the network and
loss (eqs. 1–2) and the quantities of Lemma 3.2 written exactly as printed
(``d_ji`` and ``d_ji^v`` of eq. 3, eqs. 4–6). The loss polynomial along a ray
is :mod:`.raypoly`; the complete d = 2 decision of Definitions 3.3 and 4.1 is
:mod:`.analysis2d`.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import Any, Iterable, Sequence

__all__ = ["Q", "q", "Vec", "Mat", "mat", "dot", "sign", "perp", "fmt", "Net", "unit_h",
           "zero_dir", "InternalError"]

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


def mat(m: Sequence[Sequence[Any]]) -> Mat:
    """A matrix of exact entries (tuples of :class:`Fraction`)."""
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
        return Net(q(ap), q(am), mat(X), mat(Y), mat(W), mat(H))

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
        return Net(self.ap, self.am, self.X, self.Y, mat(W), mat(H))

    def with_targets(self, Y: Any) -> "Net":
        return Net(self.ap, self.am, self.X, mat(Y), self.W, self.H)

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
    return mat(dW), mat(dH)


def fmt(v: Any) -> str:
    """Compact text of a number, vector or matrix."""
    if isinstance(v, (tuple, list)):
        return "(" + ", ".join(fmt(c) for c in v) + ")"
    return str(v)

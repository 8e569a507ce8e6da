"""Helpers shared by several checks: the Appendix F.2 path and box perturbations."""
from __future__ import annotations

import random
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from .net import Net, dot, sign, zero_dir
from .raypoly import RayPoly, ray_poly

__all__ = ["F2Path", "f2_path", "box_perturbations", "perturbed", "certify", "verdict", "seed_of"]


@dataclass(frozen=True)
class F2Path:
    """The path of Appendix F.2 (|J| = 1) and its exact loss polynomial.

    ``Δh_{j0 i} = −sgn(φ) a`` and ``Δw_i = b v`` with ``b`` above the bound of
    eq. (17): ``b > ‖V_h‖² a / (2|φ|)`` (here ``b = ‖V_h‖² a/(2|φ|) + 1``).
    """

    neuron: int
    v: tuple[Fraction, ...]
    phi: Fraction
    a: Fraction
    b: Fraction
    vh2: Fraction
    rp: RayPoly

    @property
    def printed_T2(self) -> Fraction:
        """Eq. (16d) as printed: ``‖V_h‖² a² − 2|φ| a b``."""
        return self.vh2 * self.a ** 2 - 2 * abs(self.phi) * self.a * self.b

    @property
    def norm_sq(self) -> Fraction:
        return self.a ** 2 + self.b ** 2 * dot(self.v, self.v)


def f2_path(net: Net, i: int, v: Any, phi: Fraction, *, a: Fraction = Fraction(1),
            h_sign: int = -1, b_factor: Fraction = Fraction(1)) -> F2Path:
    """Build eq. (17)'s path for escape neuron ``i`` with witness ``v``.

    ``h_sign = +1`` or ``b_factor < 1`` give the broken variants (wrong sign,
    ``b`` below the bound).
    """
    vh2 = sum((net.A[i][k] ** 2 for k in range(net.K)), Fraction(0))
    b = (vh2 * a / (2 * abs(phi)) + 1) * b_factor
    dW, dH = zero_dir(net)
    dW[i] = list(b * c for c in v)
    dH[0][i] = h_sign * sign(phi) * a
    return F2Path(i, tuple(v), phi, a, b, vh2, ray_poly(net, dW, dH))


def box_perturbations(net: Net, radius: Fraction | None, n: int, seed: int) -> list[tuple[list, list]]:
    """``n`` exact perturbations with every entry in ``(−radius, radius)``."""
    r = Fraction(1) if radius is None else radius
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        dW = [[r * Fraction(rng.randint(-99, 99), 100) for _ in range(net.d)] for _ in range(net.I)]
        dH = [[r * Fraction(rng.randint(-99, 99), 100) for _ in range(net.I)] for _ in range(net.J)]
        out.append((dW, dH))
    return out


def perturbed(net: Net, dW: Any, dH: Any) -> Net:
    W = [[w + x for w, x in zip(rw, rd)] for rw, rd in zip(net.W, dW)]
    H = [[h + x for h, x in zip(rh, rd)] for rh, rd in zip(net.H, dH)]
    return net.with_params(W, H)


def certify(net: Net) -> Any:
    """exactland's certificate of the point (the code under test)."""
    import exactland

    return exactland.certify(net.to_problem())


def verdict(net: Net) -> str:
    return certify(net).verdict.value


def seed_of(net: Net) -> int:
    """A reproducible seed derived from the instance."""
    import zlib

    return zlib.crc32(net.describe().encode())


def orthogonal_basis(cols: list[list[Fraction]]) -> list[list[Fraction]]:
    """An orthogonal basis of span(cols), by exact Gram–Schmidt (no normalisation)."""
    ortho: list[list[Fraction]] = []
    for col in cols:
        r = list(col)
        for o in ortho:
            f = sum((x * y for x, y in zip(r, o)), Fraction(0)) / sum((y * y for y in o), Fraction(0))
            r = [x - f * y for x, y in zip(r, o)]
        if any(r):
            ortho.append(r)
    return ortho


def orthogonal_part(v: list[Fraction], ortho: list[list[Fraction]]) -> list[Fraction]:
    """``v`` minus its projection on the span of the orthogonal vectors ``ortho``."""
    for o in ortho:
        f = sum((x * y for x, y in zip(v, o)), Fraction(0)) / sum((y * y for y in o), Fraction(0))
        v = [x - f * y for x, y in zip(v, o)]
    return v

"""Output bias (docs/mathematics.md, "The output bias"): the type-1 argument carries over.

With ``ŷ = Hρ(Wx) + b`` and residuals ``e_k = ŷ_k − y_k``, expanding
``½‖e + Δŷ‖²`` gives, for *every* perturbation ``(δW, δH, δb)``,

    L(P + δ) − L(P) = Σ_k ⟨e_k, Δŷ_k⟩ + ½ Σ_k ‖Δŷ_k‖²,
    Δŷ_k = δb + Σ_i (h'_i a_ik(δw_i) + δh_i ρ_ik),   h' = h + δh,

with ``a_ik(u) = ρ((w_i + u)·x_k) − ρ(w_i·x_k)``.  The δb part of the first sum
is ``δb·Σ_k e_k = δb·∂L/∂b`` and the δh part is ``Σ δh_ji ∂L/∂h_ji``; at a point
with ``∂L/∂h = 0`` and ``∂L/∂b = 0`` what remains is the paper's identity
with the bias inside the square:

    L(P + δ) − L(P) = Σ_i Σ_j h'_ji φ_ji(δw_i) + ½ Σ_k ‖Δŷ_k‖²,   φ_ji(u) = Σ_k e_kj a_ik(u).

So the type-1 radius (which bounds the first sum from below) holds with δb
unrestricted.  Two checks:

* ``bias.1`` — the identity, exactly, at generated points where ``∂L/∂h = 0``
  and ``∂L/∂b = 0`` by construction, for random (not small) perturbations.
  Broken variant: points where only ``∂L/∂h = 0`` (the bias-free condition).
* ``bias.2`` — ``exactland.certify`` on generated type-1 minima with an output
  bias; no exact point in the certified ball (δb up to ±10) is lower.  Broken
  variant: a certifier that ignores ``∂L/∂b`` (it certifies the bias-free
  problem with targets ``Y − b``) at points with ``Σ_k e_k ≠ 0``: a lower point
  along δb is found.
"""
from __future__ import annotations

import random
from fractions import Fraction as Fr
from typing import Any

from .common import orthogonal_basis, orthogonal_part
from .registry import Check, Method, Outcome, fails, holds

__all__ = ["CHECKS"]


def _relu(a: Fr, z: Fr) -> Fr:
    return z if z > 0 else a * z


def _outputs(X: list, W: list, H: list, b: list, am: Fr) -> list[list[Fr]]:
    J, I = len(H), len(W)
    out = []
    for x in X:
        r = [_relu(am, sum((wc * xc for wc, xc in zip(W[i], x)), Fr(0))) for i in range(I)]
        out.append([b[j] + sum((H[j][i] * r[i] for i in range(I)), Fr(0)) for j in range(J)])
    return out


def _loss(X: list, Y: list, W: list, H: list, b: list, am: Fr) -> Fr:
    return sum(((o - y) ** 2 for orow, yrow in zip(_outputs(X, W, H, b, am), Y)
                for o, y in zip(orow, yrow)), Fr(0)) / 2


def _identity_instance(rng: random.Random, with_bias_condition: bool) -> tuple[Any, ...]:
    d, K, J, I = 2, rng.randint(4, 6), rng.choice((1, 2)), rng.randint(1, 2)
    am = rng.choice((Fr(0), Fr(1, 10)))
    q = lambda: Fr(rng.randint(-6, 6), rng.randint(1, 3))  # noqa: E731
    X = [[q() for _ in range(d)] for _ in range(K)]
    W, H, b = [[q() for _ in range(d)] for _ in range(I)], [[q() for _ in range(I)] for _ in range(J)], \
        [q() for _ in range(J)]
    rho = [[_relu(am, sum((wc * xc for wc, xc in zip(W[i], x)), Fr(0))) for x in X] for i in range(I)]
    basis = rho + ([[Fr(1)] * K] if with_bias_condition else [])
    ortho = orthogonal_basis(basis)
    E = [orthogonal_part([q() for _ in range(K)], ortho) for _ in range(J)]  # e_·j ⟂ ρ_i (and 1)
    Yhat = _outputs(X, W, H, b, am)
    Y = [[Yhat[k][j] - E[j][k] for j in range(J)] for k in range(K)]
    return X, Y, W, H, b, am


def _identity_gap(rng: random.Random, inst: tuple[Any, ...]) -> Fr:
    X, Y, W, H, b, am = inst
    q = lambda: Fr(rng.randint(-6, 6), rng.randint(1, 4))  # noqa: E731
    dW = [[q() for _ in row] for row in W]
    dH = [[q() for _ in row] for row in H]
    db = [q() for _ in b]
    W2 = [[a + c for a, c in zip(r, s)] for r, s in zip(W, dW)]
    H2 = [[a + c for a, c in zip(r, s)] for r, s in zip(H, dH)]
    b2 = [a + c for a, c in zip(b, db)]
    lhs = _loss(X, Y, W2, H2, b2, am) - _loss(X, Y, W, H, b, am)
    Y0, Y1 = _outputs(X, W, H, b, am), _outputs(X, W2, H2, b2, am)
    E = [[Y0[k][j] - Y[k][j] for j in range(len(b))] for k in range(len(X))]
    first = Fr(0)
    for i in range(len(W)):
        for k, x in enumerate(X):
            a = _relu(am, sum((wc * xc for wc, xc in zip(W2[i], x)), Fr(0))) - \
                _relu(am, sum((wc * xc for wc, xc in zip(W[i], x)), Fr(0)))
            first += sum((H2[j][i] * E[k][j] * a for j in range(len(b))), Fr(0))
    square = sum(((y1 - y0) ** 2 for r0, r1 in zip(Y0, Y1) for y0, y1 in zip(r0, r1)), Fr(0)) / 2
    return lhs - (first + square)


def _identity(n: int, with_bias_condition: bool) -> tuple[str | None, int]:
    rng = random.Random(4711)
    for t in range(n):
        inst = _identity_instance(rng, with_bias_condition)
        gap = _identity_gap(rng, inst)
        if gap != 0:
            return f"instance {t}: L(P+δ) − L(P) − (Σ h'φ + ½‖Δŷ‖²) = {gap}", t + 1
    return None, n


def run_identity(n: int) -> Outcome:
    msg, m = _identity(max(n, 1), True)
    if msg is not None:
        return fails("the identity fails with ∂L/∂h = 0 and ∂L/∂b = 0", msg, instances=m)
    return holds("ΔL = Σ h'·φ(δw) + ½‖δb + …‖² at ∂L/∂h = ∂L/∂b = 0, for every δ", instances=m)


def broken_identity(n: int) -> Outcome:
    msg, m = _identity(max(n, 1), False)
    if msg is not None:
        return fails("without ∂L/∂b = 0 the δb·Σe term remains", msg, instances=m)
    return holds("broken variant not detected", instances=m)


def _minimum(seed: int, balanced: bool) -> Any:
    """A generated type-1 minimum, shifted by a random output bias (Y + b, b)."""
    from exactland.core.problem import Problem
    from exactland.testing.instances import teacher_stationary_point

    inst = teacher_stationary_point(seed, dim=3, n_samples=6, n_living=1, n_kink=1, n_dead=1,
                                    n_zero=0, n_unfit=2)
    p = inst.problem
    Y = [list(row) for row in p.Y]
    u1, u2 = inst.unfit[:2]
    if balanced:  # unfit residuals are −y_u: make them cancel, so Σ_k e_k = 0
        Y[u2] = [-y for y in Y[u1]]
    rng = random.Random(seed)
    b = tuple(type(y)(rng.randint(-5, 5), rng.randint(1, 3)) for y in Y[0])
    Yb = tuple(tuple(y + c for y, c in zip(row, b)) for row in Y)
    return Problem(p.activation, p.X, Yb, p.W, p.H, b)


def _lower_point(p: Any, radius: Any, rng: random.Random, tries: int) -> str | None:
    """An exact point with ‖δ(W,H)‖∞ < radius (δb in [−10, 10]) below L(P), as text."""
    am = Fr(str(p.activation.alpha_minus))
    X = [[Fr(str(c)) for c in r] for r in p.X]
    Y = [[Fr(str(c)) for c in r] for r in p.Y]
    W = [[Fr(str(c)) for c in r] for r in p.W]
    H = [[Fr(str(c)) for c in r] for r in p.H]
    b = [Fr(str(c)) for c in p.b]
    L0 = _loss(X, Y, W, H, b, am)
    r = Fr(1) if radius == "inf" else Fr(str(radius))
    for t in range(tries):
        s = r * Fr(rng.randint(0, 999), 1000)
        e = lambda: s * Fr(rng.randint(-1000, 1000), 1000)  # noqa: E731
        W2 = [[c + e() for c in row] for row in W]
        H2 = [[c + e() for c in row] for row in H]
        b2 = [c + Fr(rng.randint(-1000, 1000), 100) if t % 2 else c for c in b]
        if _loss(X, Y, W2, H2, b2, am) < L0:
            return f"L = {_loss(X, Y, W2, H2, b2, am)} < {L0} at ‖δ‖∞ ≤ {s} (δb {[x - y for x, y in zip(b2, b)]})"
    return None


def _minima(n: int, broken: bool) -> tuple[str | None, int]:
    import exactland
    from exactland.core.problem import Problem

    rng = random.Random(99)
    for seed in range(max(n // 10, 3)):
        p = _minimum(seed, balanced=not broken)
        judged = Problem(p.activation, p.X, p.targets, p.W, p.H) if broken else p  # ignores ∂L/∂b
        cert = exactland.certify(judged)
        if cert.verdict.value != "type-1-minimum":
            if broken:
                continue
            return f"seed {seed}: verdict {cert.verdict.value}, expected type-1-minimum", seed + 1
        low = _lower_point(p, cert.radius, rng, 60)
        if low is not None:
            return f"seed {seed}: type-1-minimum with radius {cert.radius}, but {low}", seed + 1
    return None, max(n // 10, 3)


def run_minima(n: int) -> Outcome:
    msg, m = _minima(n, False)
    if msg is not None:
        return fails("a type-1 certificate with an output bias is wrong", msg, instances=m)
    return holds("type-1 minima with an output bias: no lower point in the certified ball, δb free",
                 instances=m)


def broken_minima(n: int) -> Outcome:
    msg, m = _minima(n, True)
    if msg is not None:
        return fails("ignoring ∂L/∂b certifies points that descend along δb", msg, instances=m)
    return holds("broken variant not detected", instances=m)


CHECKS = (
    Check("bias.1", "output bias: ΔL = Σ h'φ(δw) + ½‖Δŷ‖² (δb inside) at ∂L/∂h = ∂L/∂b = 0",
          Method.INSTANCES, run_identity, broken_identity, "points with ∂L/∂h = 0 only (∂L/∂b ≠ 0)"),
    Check("bias.2", "output bias: type-1 radius holds with δb unrestricted",
          Method.INSTANCES, run_minima, broken_minima, "a certifier ignoring ∂L/∂b"),
)

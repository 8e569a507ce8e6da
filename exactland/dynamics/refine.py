"""From a float minimum without kinks to an isolated exact minimum (docs/isolation.md).

When no rational stationary point exists near a float endpoint (several
outputs, positive loss: the minimum is algebraic of high degree), the
endpoint is *refined* instead of snapped:

1. silent (dead) neurons are kept at their exact binary values; every other
   neuron gets a fixed *gauge* coordinate (its largest), which removes the
   positive-rescaling symmetry;
2. Newton's method in float64 on the loss in the remaining (gauge)
   coordinates, while no sample changes side;
3. a few Newton steps on the exact rational point, with the exact gradient
   (python-flint) and the float Hessian: each step gains the float
   precision again, so the gradient falls to ~1e-30 and below;
4. :func:`exactland.core.isolation.isolate` builds the certificate, whose
   every claim is then tested exactly.

Floats only guide; the verdict rests on the exact inequalities.
"""
from __future__ import annotations

from fractions import Fraction
import numpy as np

from exactland.checker.isolation import smooth_data
from exactland.checker.parse import parse_problem
from exactland.core.isolation import IsolationResult, isolate
from exactland.core.problem import Dataset, Problem
from exactland.exact.scalars import to_float

__all__ = ["isolate_float_point"]


class _Model:
    """The loss in gauge coordinates, in float64 (a guide for the exact steps)."""

    def __init__(self, dataset: Dataset, W: np.ndarray, H: np.ndarray, b: np.ndarray | None) -> None:
        self.X = np.array([[to_float(c) for c in row] for row in dataset.X])
        self.Y = np.array([[to_float(c) for c in row] for row in dataset.Y])
        self.ap, self.am = to_float(dataset.activation.alpha_plus), to_float(dataset.activation.alpha_minus)
        self.W, self.H, self.b = W.copy(), H.copy(), None if b is None else np.array(b, dtype=float)
        Z = W @ self.X.T
        S = np.where(Z > 0, self.ap, self.am)
        self.dead = [i for i in range(W.shape[0]) if not np.any(S[i])]
        self.alive = [i for i in range(W.shape[0]) if i not in self.dead]
        self.gauge = [int(np.argmax(np.abs(W[i]))) for i in self.alive]
        self.signs = np.sign(Z[self.alive])

    def unpack(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        W, H, d, J = self.W.copy(), self.H.copy(), self.W.shape[1], self.H.shape[0]
        pos = 0
        for i, c_i in zip(self.alive, self.gauge):
            cols = [c for c in range(d) if c != c_i]
            W[i, cols] = u[pos:pos + d - 1]
            H[:, i] = u[pos + d - 1:pos + d - 1 + J]
            pos += d - 1 + J
        b = None if self.b is None else u[pos:pos + J]
        return W, H, b

    def pack(self, W: np.ndarray, H: np.ndarray, b: np.ndarray | None) -> np.ndarray:
        parts = []
        for i, c_i in zip(self.alive, self.gauge):
            parts += [np.delete(W[i], c_i), H[:, i]]
        if b is not None:
            parts.append(np.asarray(b, dtype=float))
        return np.concatenate(parts) if parts else np.zeros(0)

    def derivatives(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray, bool]:
        """``(g, Hs, same_pattern)`` at ``u``."""
        W, H, b = self.unpack(u)
        X, (K, d), J = self.X, self.X.shape, H.shape[0]
        Z = W @ X.T
        S = np.where(Z > 0, self.ap, self.am)
        S[self.dead] = 0.0
        same = bool(np.all(np.sign(Z[self.alive]) == self.signs))
        R = (H @ (S * Z)).T - self.Y + (0.0 if b is None else b[None, :])
        blocks = []
        for i, c_i in zip(self.alive, self.gauge):
            Xi = np.delete(X, c_i, axis=1) * S[i][:, None]
            jw = H[:, i][None, :, None] * Xi[:, None, :]
            jh = np.zeros((K, J, J))
            jh[:, np.arange(J), np.arange(J)] = (S[i] * Z[i])[:, None]
            blocks += [jw, jh]
        if b is not None:
            blocks.append(np.broadcast_to(np.eye(J), (K, J, J)))
        Jm = np.concatenate(blocks, axis=2).reshape(K * J, -1)
        g = Jm.T @ R.reshape(-1)
        Hs = Jm.T @ Jm
        pos = 0
        for i, c_i in zip(self.alive, self.gauge):
            M = np.delete(R.T @ (X * S[i][:, None]), c_i, axis=1)  # J × (d−1)
            Hs[pos:pos + d - 1, pos + d - 1:pos + d - 1 + J] += M.T
            Hs[pos + d - 1:pos + d - 1 + J, pos:pos + d - 1] += M
            pos += d - 1 + J
        return g, Hs, same


def _newton(model: _Model, u: np.ndarray, steps: int) -> tuple[np.ndarray, np.ndarray] | None:
    """Newton's method from ``u``; it stops when a sample would change side or the iterate leaves
    the float point's neighbourhood (``‖u − u₀‖_∞ > reach``). Returns the iterate of least gradient."""
    u0 = u
    reach = 0.1 * max(1.0, float(np.abs(u0).max(initial=0.0)))
    g, Hs, same = model.derivatives(u)
    best = (np.linalg.norm(g), u, Hs)
    for _ in range(steps):
        try:
            u = u - np.linalg.solve(Hs, g)
        except np.linalg.LinAlgError:
            return None
        if not np.abs(u - u0).max(initial=0.0) <= reach:
            break
        g, Hs, same = model.derivatives(u)
        if not (same and np.all(np.isfinite(g))):
            break
        if np.linalg.norm(g) < best[0]:
            best = (np.linalg.norm(g), u, Hs)
    return best[1], best[2]


def _exact_point(dataset: Dataset, model: _Model, u: list[Fraction]) -> Problem:
    W = [[Fraction(float(x)) for x in row] for row in model.W]
    H = [[Fraction(float(x)) for x in row] for row in model.H]
    d, J, pos = model.W.shape[1], model.H.shape[0], 0
    for i, c_i in zip(model.alive, model.gauge):
        cols = [c for c in range(d) if c != c_i]
        for a, c in enumerate(cols):
            W[i][c] = u[pos + a]
        for j in range(J):
            H[j][i] = u[pos + d - 1 + j]
        pos += d - 1 + J
    b = None if model.b is None else u[pos:pos + J]
    return dataset.with_params(W, H, b)


def isolate_float_point(dataset: Dataset, W: np.ndarray, H: np.ndarray, b: np.ndarray | None = None,
                        newton_steps: int = 30, exact_steps: int = 4) -> IsolationResult:
    """Refine a float point (no kinks) to a rational center and isolate the minimum near it.

    Parameters
    ----------
    dataset : Dataset
        The exact data.
    W, H, b : float arrays
        The float point (|I|×d, |J|×|I|, optional |J|).
    newton_steps, exact_steps : int
        Most float Newton steps, then most exact-gradient Newton steps.

    Returns
    -------
    IsolationResult
        From :func:`exactland.core.isolation.isolate`, or the reason the
        refinement failed (a singular Hessian, a sample changing side).
    """
    W, H = np.asarray(W, dtype=float), np.asarray(H, dtype=float)
    if not (np.all(np.isfinite(W)) and np.all(np.isfinite(H)) and (b is None or np.all(np.isfinite(b)))):
        return IsolationResult(None, "the float point has NaN or infinite entries")
    model = _Model(dataset, W, H, b)
    if not model.alive:
        return IsolationResult(None, "every neuron is silent")
    with np.errstate(all="ignore"):
        found = _newton(model, model.pack(W, H, b), newton_steps)
    if found is None or not (np.all(np.isfinite(found[0])) and np.all(np.isfinite(found[1]))):
        return IsolationResult(None, "Newton's method in gauge coordinates failed (a singular or non-finite Hessian)")
    u, Hs = found
    scale = max(1.0, float(np.abs(u).max(initial=0.0)))
    uq = [Fraction(float(x)) for x in u]
    first: IsolationResult | None = None
    for _ in range(exact_steps):
        center = _exact_point(dataset, model, uq)
        res = isolate(center)
        if res.certificate is not None:
            return res
        first = first or res  # the reason at the float Newton point is the one reported
        _, q = smooth_data(parse_problem(center.to_dict()), model.dead, model.gauge)
        try:
            g = np.array([float(x) for x in q["grad"]])
            step = np.linalg.solve(Hs, g)
        except (OverflowError, np.linalg.LinAlgError):
            return first
        if not (np.all(np.isfinite(step)) and np.abs(step).max(initial=0.0) <= 1e-3 * scale):
            return first  # the exact steps are corrections; a large one means Newton does not converge here
        uq = [a - Fraction(float(s)) for a, s in zip(uq, step)]
    return first or IsolationResult(None, "no exact step was taken")

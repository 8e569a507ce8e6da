"""Full-batch gradient descent in float64 from small Gaussian initialisation.

This is the *fast float path* (docs/mathematics.md §1, §9): it never issues a verdict. Its
endpoints and plateaus are turned into exact points by :mod:`.snap` and
certified by the exact core.

Conventions
-----------
* ``loss="half-sse"``: the paper's ``L = ½ Σ_kj e_kj²`` (eq. 2).
* ``loss="mse"``: the paper's *code* (PyTorch ``MSELoss``): ``Σ e²/(|K||J|)``
  ``= 2L/(|K||J|)``; a step size η there equals ``η·2/(|K||J|)`` on L.
* The derivative of rho at 0 is ``a⁻`` (PyTorch's convention for ReLU and
  leaky ReLU; the paper's footnote 5).
* Initialisation: every entry of W, then of H, drawn i.i.d. from
  ``N(0, init_std²)`` by ``numpy.random.default_rng(seed)``.
* Output bias (``TrainConfig.bias``): the network is ``ŷ = Hρ(Wx) + b``,
  ``b`` starts at zero (or at the given start point) and moves with
  ``∂L/∂b = Σ_k e_k`` (times the convention's factor, as every gradient).
  Without it no bias exists and the iteration is the paper's.

Two engines compute the same iteration: a compiled numba loop (extra
``exactland[fast]``) and a vectorised pure-NumPy loop (always available);
batched runs carry a leading seed axis.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import numpy as np

from exactland.dynamics.config import TrainConfig, numba_available
from exactland.errors import InputError

__all__ = ["RawTrajectory", "gradient_descent", "init_params"]

try:  # optional compiled engine
    import numba as _numba
except ImportError:  # pragma: no cover - exercised when the extra is absent
    _numba = None


@dataclass(frozen=True)
class RawTrajectory:
    """Arrays produced by :func:`gradient_descent` (S = number of seeds).

    Attributes
    ----------
    log_steps : (T,) int array
        Steps at which the loss was recorded (before the update of that step).
    losses : (S, T) float array
        Loss (in the run's convention); NaN after a divergence.
    ckpt_steps : (C,) int array
        Steps of the parameter checkpoints (the last one is ``steps``).
    W : (C, S, I, d) float array
    H : (C, S, J, I) float array
    diverged_at : (S,) int array
        First step with a non-finite loss or parameter, -1 if none.
    seconds : float
        Wall time of the loop.
    engine : str
    b : (C, S, J) float array or None
        The output bias at the checkpoints; None for a run without one.
    """

    log_steps: np.ndarray
    losses: np.ndarray
    ckpt_steps: np.ndarray
    W: np.ndarray
    H: np.ndarray
    diverged_at: np.ndarray
    seconds: float
    engine: str
    b: np.ndarray | None = None


def init_params(seed: int, width: int, dim: int, n_outputs: int, std: float) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian initialisation: W (width×d) then H (|J|×width) from one stream.

    Examples
    --------
    >>> W, H = init_params(0, 3, 2, 1, 1e-6)
    >>> W.shape, H.shape
    ((3, 2), (1, 3))
    """
    rng = np.random.default_rng(seed)
    W = rng.normal(0.0, std, size=(width, dim))
    H = rng.normal(0.0, std, size=(n_outputs, width))
    return W, H


def _numpy_loop(W, H, B, X, Y, ap, am, lr, scale, fit_b, t0, t1, steps, log_every, ckpt_every, losses,
                Wc, Hc, Bc, div):
    """Vectorised GD over the seed axis (W: S×I×d, H: S×J×I, B: S×J), steps t0 ≤ t < t1;
    updates W, H (and B when ``fit_b``) in place."""
    KJ = Y.shape[0] * Y.shape[1]
    norm = 0.5 if scale == 1.0 else 1.0 / KJ
    alive = div < 0
    li = -(-t0 // log_every)
    ci = -(-t0 // ckpt_every)
    for t in range(t0, t1):
        Z = W @ X.T  # S×I×K
        S_ = np.where(Z > 0, ap, am)
        A = S_ * Z
        E = np.einsum("sji,sik->skj", H, A)  # S×K×J
        if fit_b:
            E += B[:, None, :]
        E -= Y
        total = norm * (E * E).sum(axis=(1, 2))
        if t % log_every == 0:
            losses[:, li] = total
            li += 1
        if t % ckpt_every == 0 or t == steps:
            Wc[ci], Hc[ci], Bc[ci] = W, H, B
            ci += 1
        bad = alive & ~np.isfinite(total)
        if bad.any():
            div[bad] = t
            alive &= ~bad
            W[bad] = np.nan
            H[bad] = np.nan
            B[bad] = np.nan
        if t == steps:
            break
        G = scale * E  # S×K×J
        gH = np.einsum("skj,sik->sji", G, A)
        gZ = np.einsum("sji,skj->sik", H, G) * S_
        gW = gZ @ X
        W -= lr * gW
        H -= lr * gH
        if fit_b:
            B -= lr * G.sum(axis=1)


if _numba is not None:

    @_numba.njit(cache=True, fastmath=False)
    def _numba_forward(W, H, Bv, X, Y, ap, am, fit_b, Z, Sl, E):
        """Pre-activations Z, slopes Sl, residuals E (in place); returns Σ e²."""
        I, d = W.shape
        J = H.shape[0]
        K = X.shape[0]
        for i in range(I):
            for k in range(K):
                z = 0.0
                for c in range(d):
                    z += W[i, c] * X[k, c]
                Z[i, k] = z
                Sl[i, k] = ap if z > 0 else am
        total = 0.0
        for k in range(K):
            for j in range(J):
                o = 0.0
                for i in range(I):
                    o += H[j, i] * Sl[i, k] * Z[i, k]
                if fit_b:
                    o += Bv[j]
                E[k, j] = o - Y[k, j]
                total += E[k, j] * E[k, j]
        return total

    @_numba.njit(cache=True, fastmath=False)
    def _numba_one(W, H, Bv, X, Y, ap, am, lr, scale, fit_b, t0, t1, steps, log_every, ckpt_every, losses,
                   Wc, Hc, Bc):
        I, d = W.shape
        J = H.shape[0]
        K = X.shape[0]
        Z = np.empty((I, K))
        Sl = np.empty((I, K))
        E = np.empty((K, J))
        gw = np.empty(d)
        norm = 0.5 if scale == 1.0 else 1.0 / (K * J)
        li = -(-t0 // log_every)
        ci = -(-t0 // ckpt_every)
        for t in range(t0, t1):
            total = _numba_forward(W, H, Bv, X, Y, ap, am, fit_b, Z, Sl, E)
            if t % log_every == 0:
                losses[li] = norm * total
                li += 1
            if t % ckpt_every == 0 or t == steps:
                Wc[ci] = W
                Hc[ci] = H
                Bc[ci] = Bv
                ci += 1
            if not np.isfinite(total):
                return t
            if t == steps:
                break
            for k in range(K):
                for j in range(J):
                    E[k, j] *= scale
            for i in range(I):
                for c in range(d):
                    gw[c] = 0.0
                for k in range(K):
                    back = 0.0
                    for j in range(J):
                        back += H[j, i] * E[k, j]
                    back *= Sl[i, k]
                    for c in range(d):
                        gw[c] += back * X[k, c]
                for j in range(J):
                    gh = 0.0
                    for k in range(K):
                        gh += E[k, j] * Sl[i, k] * Z[i, k]
                    H[j, i] -= lr * gh
                for c in range(d):
                    W[i, c] -= lr * gw[c]
            if fit_b:
                for j in range(J):
                    gb = 0.0
                    for k in range(K):
                        gb += E[k, j]
                    Bv[j] -= lr * gb
        return -1

    @_numba.njit(parallel=True, cache=True)
    def _numba_batch(W, H, B, X, Y, ap, am, lr, scale, fit_b, t0, t1, steps, log_every, ckpt_every, losses,
                     Wc, Hc, Bc, div):
        S = W.shape[0]
        for s in _numba.prange(S):
            if div[s] < 0:
                div[s] = _numba_one(W[s], H[s], B[s], X, Y, ap, am, lr, scale, fit_b, t0, t1, steps,
                                    log_every, ckpt_every, losses[s], Wc[:, s], Hc[:, s], Bc[:, s])


def _numba_single(W, H, B, X, Y, ap, am, lr, scale, fit_b, t0, t1, steps, log_every, ckpt_every, losses,
                  Wc, Hc, Bc, div):
    """One seed: the serial kernel (no thread pool to compile or start)."""
    if div[0] < 0:
        div[0] = _numba_one(W[0], H[0], B[0], X, Y, ap, am, lr, scale, fit_b, t0, t1, steps, log_every,
                            ckpt_every, losses[0], Wc[:, 0], Hc[:, 0], Bc[:, 0])


def gradient_descent(
    X: np.ndarray,
    Y: np.ndarray,
    alpha: tuple[float, float],
    config: TrainConfig,
    progress: Callable[[int, int], None] | None = None,
    init: tuple[np.ndarray, ...] | None = None,
) -> RawTrajectory:
    """Run full-batch GD for every seed of ``config``.

    Parameters
    ----------
    X : (K, d) float array
    Y : (K, J) float array
    alpha : (a⁺, a⁻) as floats
    config : TrainConfig
    progress : callable, optional
        ``progress(done_steps, total_steps)``, called between chunks (the
        progress bar of the CLI).
    init : (W, H) or (W, H, b), optional
        Start every seed from this point instead of the Gaussian
        initialisation (e.g. to continue from an exact point). ``b`` needs
        ``config.bias``; without it a trained bias starts at zero.

    Raises
    ------
    InputError
        Non-finite data; a start point whose shapes do not fit, or with a
        bias while ``config.bias`` is False.

    Returns
    -------
    RawTrajectory

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0, 0.0], [0.0, 1.0]]); Y = np.array([[1.0], [2.0]])
    >>> cfg = TrainConfig(width=2, init_std=0.5, lr=0.1, steps=300, seeds=(0,),
    ...                   log_every=100, checkpoint_every=100, engine="numpy")
    >>> raw = gradient_descent(X, Y, (1.0, 0.0), cfg)
    >>> raw.losses.shape, bool(raw.losses[0, -1] < raw.losses[0, 0])
    ((1, 4), True)
    """
    K, d = X.shape
    J = Y.shape[1]
    if not (np.isfinite(X).all() and np.isfinite(Y).all()):
        raise InputError("data contain NaN or infinity", "X/Y")
    W, H, B = _start_points(config, init, d, J)
    losses, Wc, Hc, Bc, div = _records(config, W.shape, H.shape)
    engine, kernel = _engine(config)
    scale = config.grad_scale(K, J)
    ap, am = float(alpha[0]), float(alpha[1])
    X = np.ascontiguousarray(X, dtype=np.float64)
    Y = np.ascontiguousarray(Y, dtype=np.float64)
    chunk = max(1, -(-(config.steps + 1) // 50))
    start = time.perf_counter()
    for t0 in range(0, config.steps + 1, chunk):
        t1 = min(t0 + chunk, config.steps + 1)
        with np.errstate(over="ignore", invalid="ignore"):  # divergence is detected and reported
            kernel(W, H, B, X, Y, ap, am, config.lr, scale, config.bias, t0, t1, config.steps,
                   config.log_every, config.checkpoint_every, losses, Wc, Hc, Bc, div)
        if progress is not None:
            progress(min(t1, config.steps), config.steps)
    seconds = time.perf_counter() - start
    log_steps = np.arange(losses.shape[1]) * config.log_every
    return RawTrajectory(log_steps, losses, _checkpoint_steps(config), Wc, Hc, div, seconds, engine,
                         Bc if config.bias else None)


def _start_points(
    config: TrainConfig, init: tuple[np.ndarray, ...] | None, d: int, J: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Start points of every seed, ``W`` (S×I×d), ``H`` (S×J×I) and ``B`` (S×J):
    ``init`` or Gaussian (B zero; it stays zero and unused without ``config.bias``)."""
    S, I = len(config.seeds), config.width
    W = np.empty((S, I, d))
    H = np.empty((S, J, I))
    B = np.zeros((S, J))
    start = _checked_init(config, init, d, J)
    for s, seed in enumerate(config.seeds):
        if start is None:
            W[s], H[s] = init_params(seed, I, d, J, config.init_std)
        else:
            W[s], H[s], B[s] = start
    return W, H, B


def _checked_init(
    config: TrainConfig, init: tuple[np.ndarray, ...] | None, d: int, J: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """``init`` as float arrays ``(W, H, b)`` of the run's shapes (b zero when not given)."""
    if init is None:
        return None
    parts = list(init)
    if len(parts) == 3 and parts[2] is None:
        parts = parts[:2]
    if len(parts) not in (2, 3):
        raise InputError(f"expected (W, H) or (W, H, b), got {len(parts)} arrays", "init")
    W, H = np.asarray(parts[0], dtype=np.float64), np.asarray(parts[1], dtype=np.float64)
    if len(parts) == 3 and not config.bias:
        raise InputError("a start point with an output bias b needs training with the bias (bias=True)", "b")
    b = np.asarray(parts[2], dtype=np.float64) if len(parts) == 3 else np.zeros(J)
    I = config.width
    for name, arr, shape in (("W", W, (I, d)), ("H", H, (J, I)), ("b", b, (J,))):
        if arr.shape != shape:
            raise InputError(f"the start point has shape {arr.shape}, the run needs {shape}", name)
        if not np.isfinite(arr).all():
            raise InputError("the start point has a NaN or infinite entry", name)
    return W, H, b


def _records(
    config: TrainConfig, w_shape: tuple[int, ...], h_shape: tuple[int, ...]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """NaN-filled loss log (S×T), checkpoints of W, H and b (C×S×…) and ``diverged_at`` (all -1)."""
    S = w_shape[0]
    T = config.steps // config.log_every + 1
    C = config.steps // config.checkpoint_every + 1 + (config.steps % config.checkpoint_every != 0)
    losses = np.full((S, T), np.nan)
    Wc = np.full((C,) + tuple(w_shape), np.nan)
    Hc = np.full((C,) + tuple(h_shape), np.nan)
    Bc = np.full((C, S, h_shape[1]), np.nan)
    div = np.full(S, -1, dtype=np.int64)
    return losses, Wc, Hc, Bc, div


def _engine(config: TrainConfig) -> tuple[str, Callable[..., None]]:
    """The engine name (``"auto"`` resolved) and its kernel (serial numba kernel for one seed)."""
    engine = config.engine
    if engine == "auto":
        engine = "numba" if numba_available() else "numpy"
    if engine == "numba":
        return engine, _numba_batch if len(config.seeds) > 1 else _numba_single
    return engine, _numpy_loop


def _checkpoint_steps(config: TrainConfig) -> np.ndarray:
    """Steps of the parameter checkpoints: every ``checkpoint_every`` steps, and the last step."""
    ck = list(range(0, config.steps + 1, config.checkpoint_every))
    if ck[-1] != config.steps:
        ck.append(config.steps)
    return np.array(ck)

"""Settings of a gradient-descent run (:class:`TrainConfig`), importable
without NumPy or numba so that the command line can show the defaults cheaply.
"""
from __future__ import annotations

import importlib.util
import math
from dataclasses import dataclass

from exactland.errors import InputError

__all__ = ["TrainConfig", "numba_available"]


def numba_available() -> bool:
    """True when the compiled engine (the ``fast`` extra, numba) is installed."""
    return importlib.util.find_spec("numba") is not None


@dataclass(frozen=True)
class TrainConfig:
    """Settings of a gradient-descent run.

    Parameters
    ----------
    width : int
        Number of hidden neurons |I|.
    init_std : float
        Standard deviation of the Gaussian initialisation.
    lr : float
        Step size η.
    steps : int
        Number of GD steps.
    loss : {"mse", "half-sse"}
        Loss convention (see the module notes).
    seeds : tuple of int
        One run per seed (vectorised over the leading seed axis).
    log_every : int
        Record the loss every this many steps.
    checkpoint_every : int
        Record the parameters every this many steps (and at the end).
    engine : {"auto", "numba", "numpy"}
    bias : bool
        Also train an output bias ``b`` (``ŷ = Hρ(Wx) + b``), starting at
        zero unless a start point gives it. False: the paper's model.

    Raises
    ------
    InputError
        Impossible settings (non-positive width/steps/lr, negative or
        non-finite std, unknown loss or engine).
    """

    width: int
    init_std: float
    lr: float
    steps: int
    loss: str = "mse"
    seeds: tuple[int, ...] = (0,)
    log_every: int = 100
    checkpoint_every: int = 1000
    engine: str = "auto"
    bias: bool = False

    def __post_init__(self) -> None:
        if self.width < 1:
            raise InputError("must be at least 1", "--width")
        if self.steps < 1:
            raise InputError("must be at least 1", "--steps")
        if not (math.isfinite(self.lr) and self.lr > 0):
            raise InputError("must be a positive finite number", "--lr")
        if not (math.isfinite(self.init_std) and self.init_std >= 0):
            raise InputError("must be a non-negative finite number", "--init-std")
        if self.loss not in ("mse", "half-sse"):
            raise InputError("must be 'mse' or 'half-sse'", "--loss")
        if self.engine not in ("auto", "numba", "numpy"):
            raise InputError("must be 'auto', 'numba' or 'numpy'", "--engine")
        if self.engine == "numba" and not numba_available():
            raise InputError("numba is not installed (pip install 'exactland[fast]')", "--engine")
        if self.log_every < 1 or self.checkpoint_every < 1:
            raise InputError("must be at least 1", "--log-every/--checkpoint-every")
        if not self.seeds:
            raise InputError("at least one seed is needed", "--seeds")

    def grad_scale(self, n_samples: int, n_outputs: int) -> float:
        """Factor turning ∇L (half-sse) into the gradient of the chosen loss."""
        return 1.0 if self.loss == "half-sse" else 2.0 / (n_samples * n_outputs)

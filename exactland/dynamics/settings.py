"""The training settings of the paper's experiments, defined once.

The paper's code (full-batch GD on the mean squared error, width 50) uses
init std ``50^-3 = 8e-6`` for Section 4.1.1 and ``50^-6.5 ≈ 9.05e-12`` for
Appendix I (the paper's text says 5e-6 and 9.51e-11), step sizes 1e-3 (4.1.1,
I.0.1) and 2e-3 (I.0.2), and 600k, 800k, 300k steps. Every run logs the loss
every 200 steps and keeps a checkpoint every 1000 steps.

Each constant is a complete :class:`~exactland.dynamics.train.TrainConfig`
with ``engine="auto"``; change a field with :func:`dataclasses.replace`::

    cfg = dataclasses.replace(SECTION_4_1_1, engine="numpy")
"""
from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

from exactland.dynamics.config import TrainConfig

__all__ = ["SECTION_4_1_1", "APPENDIX_I01", "APPENDIX_I02", "PAPER_SETTINGS", "describe"]

SECTION_4_1_1 = TrainConfig(width=50, init_std=50.0**-3, lr=1e-3, steps=600_000, loss="mse",
                            seeds=(12,), log_every=200, checkpoint_every=1000)
"""Section 4.1.1 (5 samples, scalar output): width 50, init std 8e-6, lr 1e-3,
600k steps, MSE. Seed 12 is the run of ``exactland demo`` and of the tests:
its plateaus end near the paper's 42k and 152k steps and its end state is the
exact minimum ``L = 16139/231500``."""

APPENDIX_I01 = TrainConfig(width=50, init_std=50.0**-6.5, lr=1e-3, steps=800_000, loss="mse",
                           seeds=(0,), log_every=200, checkpoint_every=1000)
"""Appendix I.0.1: width 50, init std 50^-6.5, lr 1e-3, 800k steps, MSE."""

APPENDIX_I02 = TrainConfig(width=50, init_std=50.0**-6.5, lr=2e-3, steps=300_000, loss="mse",
                           seeds=(0,), log_every=200, checkpoint_every=1000)
"""Appendix I.0.2 (two outputs): width 50, init std 50^-6.5, lr 2e-3, 300k steps, MSE."""

PAPER_SETTINGS: Mapping[str, TrainConfig] = MappingProxyType({
    "section-4.1.1": SECTION_4_1_1,
    "appendix-i01": APPENDIX_I01,
    "appendix-i02": APPENDIX_I02,
})
"""The three experiments by the name of their data file in ``examples/experiments/``."""


def _short(x: float) -> str:
    """The shorter of the decimal and the scientific form (``1e-3``, ``8e-6``, ``0.5``)."""
    plain = f"{x:.6g}"
    mantissa, _, exponent = f"{x:.6e}".partition("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    sci = f"{mantissa}e{int(exponent)}"
    return sci if len(sci) < len(plain) else plain


def describe(config: TrainConfig) -> str:
    """One line with the settings that define a run.

    Examples
    --------
    >>> describe(SECTION_4_1_1)
    'width 50, init std 8e-6, lr 1e-3, 600000 steps, MSE, seed 12'
    >>> describe(APPENDIX_I02)
    'width 50, init std 9.05097e-12, lr 2e-3, 300000 steps, MSE, seed 0'
    """
    seeds = ", ".join(str(s) for s in config.seeds)
    loss = "MSE" if config.loss == "mse" else "half-SSE"
    return (f"width {config.width}, init std {_short(config.init_std)}, lr {_short(config.lr)}, "
            f"{config.steps} steps, {loss}, seed{'s' if len(config.seeds) > 1 else ''} {seeds}")

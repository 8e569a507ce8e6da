"""The ReLU-like activation of the paper's Section 2."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from exactland.errors import ActivationError
from exactland.exact.scalars import sign

__all__ = ["Activation"]


@dataclass(frozen=True)
class Activation:
    """The ReLU-like activation ``rho(z) = a⁺ z (z ≥ 0), a⁻ z (z < 0)``.

    Parameters
    ----------
    alpha_plus, alpha_minus : exact number
        Slopes; the paper (Section 2) assumes ``alpha_plus != alpha_minus``.

    Raises
    ------
    ActivationError
        If ``alpha_plus == alpha_minus``.

    Examples
    --------
    >>> from flint import fmpq
    >>> relu = Activation(fmpq(1), fmpq(0))
    >>> relu(fmpq(-3)), relu(fmpq(2))
    (0, 2)
    """

    alpha_plus: Any
    alpha_minus: Any

    def __post_init__(self) -> None:
        if self.alpha_plus == self.alpha_minus:
            raise ActivationError(
                "alpha_plus = alpha_minus makes the network linear; the paper "
                "(Section 2) assumes alpha_plus != alpha_minus",
                "activation",
            )

    def __call__(self, z: Any) -> Any:
        return self.alpha_plus * z if sign(z) >= 0 else self.alpha_minus * z

    def slope(self, s: int) -> Any:
        """Slope on the side ``s`` (1: z > 0, -1: z < 0, 0: the kink → 0)."""
        return self.alpha_plus if s > 0 else (self.alpha_minus if s < 0 else 0)

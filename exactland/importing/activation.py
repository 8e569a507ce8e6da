"""The activation of an imported network, as one short spec.

``relu``, ``leaky_relu:SLOPE`` and ``ALPHA_PLUS,ALPHA_MINUS`` (exact numbers,
as in problem files: ``leaky_relu:0.01`` is the slope 1/100 exactly).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from exactland.core.activation import Activation
from exactland.errors import ActivationError
from exactland.exact.scalars import parse_exact, to_str

__all__ = ["ACTIVATION_HELP", "describe_activation", "parse_activation"]

ACTIVATION_HELP = ("relu, leaky_relu:SLOPE (e.g. leaky_relu:0.01) or ALPHA_PLUS,ALPHA_MINUS "
                   "(exact numbers, e.g. 1,1/10)")


def parse_activation(spec: Any, where: str = "activation") -> Activation:
    """An :class:`~exactland.core.activation.Activation` from a spec.

    Parameters
    ----------
    spec : str, Activation, mapping or pair
        ``"relu"``, ``"leaky_relu:SLOPE"``, ``"ALPHA_PLUS,ALPHA_MINUS"``, an
        Activation, ``{"alpha_plus": …, "alpha_minus": …}`` or a pair of exact
        numbers. Numbers are read exactly (``"0.01"`` is 1/100); Python floats
        are refused as everywhere in exactland.
    where : str
        The option's name, for the message.

    Raises
    ------
    ActivationError
        An unknown spec, or equal slopes (a linear network).
    NotExactError
        A slope that is not an exact number.

    Examples
    --------
    >>> parse_activation("relu")
    Activation(alpha_plus=1, alpha_minus=0)
    >>> parse_activation("leaky_relu:0.01").alpha_minus
    1/100
    >>> parse_activation("1, -1/2")
    Activation(alpha_plus=1, alpha_minus=-1/2)
    """
    if isinstance(spec, Activation):
        return spec
    if isinstance(spec, Mapping):
        if set(spec) != {"alpha_plus", "alpha_minus"}:
            raise ActivationError('must be {"alpha_plus": ..., "alpha_minus": ...}', where)
        return Activation(parse_exact(spec["alpha_plus"], f"{where}.alpha_plus"),
                          parse_exact(spec["alpha_minus"], f"{where}.alpha_minus"))
    if isinstance(spec, Sequence) and not isinstance(spec, str) and len(spec) == 2:
        return Activation(parse_exact(spec[0], f"{where}[0]"), parse_exact(spec[1], f"{where}[1]"))
    if not isinstance(spec, str):
        raise ActivationError(f"expected {ACTIVATION_HELP}; got {type(spec).__name__}", where)
    text = spec.strip()
    low = text.lower().replace("-", "_")
    if low == "relu":
        return Activation(parse_exact(1), parse_exact(0))
    if low.startswith(("leaky_relu:", "leakyrelu:")):
        slope = parse_exact(text.split(":", 1)[1].strip(), f"{where} slope")
        return Activation(parse_exact(1), slope)
    if "," in text:
        plus, minus = (p.strip() for p in text.split(",", 1))
        return Activation(parse_exact(plus, f"{where} alpha_plus"), parse_exact(minus, f"{where} alpha_minus"))
    raise ActivationError(f"unknown activation {text!r}: expected {ACTIVATION_HELP}", where)


def describe_activation(act: Activation) -> str:
    """A short name: ``relu``, ``leaky_relu:1/100`` or ``alpha_plus=…, alpha_minus=…``.

    Examples
    --------
    >>> describe_activation(parse_activation("leaky_relu:0.01"))
    'leaky_relu:1/100'
    """
    if act.alpha_plus == 1 and act.alpha_minus == 0:
        return "relu"
    if act.alpha_plus == 1:
        return f"leaky_relu:{to_str(act.alpha_minus)}"
    return f"alpha_plus={to_str(act.alpha_plus)}, alpha_minus={to_str(act.alpha_minus)}"

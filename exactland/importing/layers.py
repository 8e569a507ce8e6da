"""Finding ``Linear(d0→|I|) → activation → Linear(|I|→|J|)`` among named tensors, by shape.

Two conventions are recognised:

* exactland's own names (``.npz``): ``W`` (|I|×d0), ``H`` (|J|×|I|), and
  optionally ``c`` (input bias, |I|) and ``b`` (output bias, |J|);
* PyTorch's ``state_dict`` names: ``<prefix>.weight`` (out×in) with an
  optional ``<prefix>.bias`` (out), e.g. ``0.weight``, ``0.bias``,
  ``2.weight``, ``2.bias`` of an ``nn.Sequential``, or ``fc1.weight``, … .
  Exactly two 2-D weights must be present and chain by shape (the second's
  ``in`` is the first's ``out``); when both orders chain, the order of the keys
  decides (numbers in names compared as numbers).

Anything else (one or three linear layers, tensors of other layers, biases of
the wrong length) is refused with a message naming every key and shape seen.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from exactland.errors import ShapeError

__all__ = ["Layers", "find_layers", "seen"]


@dataclass(frozen=True)
class Layers:
    """The two linear layers found: float (or integer) arrays and where they came from.

    ``keys`` maps each role (``W``, ``c``, ``H``, ``b``) to the tensor name
    it was read from.
    """

    W: np.ndarray
    H: np.ndarray
    c: np.ndarray | None = None
    b: np.ndarray | None = None
    keys: dict[str, str] = field(default_factory=dict)

    @property
    def dtype(self) -> str:
        """The dtype(s) of the weights, e.g. ``"float32"``."""
        kinds = sorted({str(a.dtype) for a in (self.W, self.H, self.c, self.b) if a is not None})
        return "/".join(kinds)

    def summary(self) -> list[str]:
        """One line per layer, for the user.

        Examples
        --------
        >>> Layers(np.zeros((3, 2)), np.zeros((1, 3)), keys={"W": "W", "H": "H"}).summary()
        ['layer 1: W (3, 2): Linear(2 → 3), no bias', 'layer 2: H (1, 3): Linear(3 → 1), no bias']
        """
        out = []
        for n, (w, bias) in enumerate((("W", "c"), ("H", "b")), start=1):
            arr, vec = getattr(self, w), getattr(self, bias)
            txt = f"layer {n}: {self.keys.get(w, w)} {tuple(arr.shape)}: Linear({arr.shape[1]} → {arr.shape[0]})"
            txt += f", bias {self.keys.get(bias, bias)} {tuple(vec.shape)}" if vec is not None else ", no bias"
            out.append(txt)
        return out


def seen(tensors: Mapping[str, Any]) -> str:
    """``key (shape), …`` for messages.

    Examples
    --------
    >>> seen({"0.weight": np.zeros((3, 2)), "0.bias": np.zeros(3)})
    '0.weight (3, 2), 0.bias (3,)'
    """
    return ", ".join(f"{k} {tuple(np.shape(v))}" for k, v in tensors.items()) or "no tensors"


def _natural(key: str) -> list[Any]:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", key)]


def _exactland_names(t: Mapping[str, np.ndarray]) -> Layers:
    extra = sorted(set(t) - {"W", "H", "c", "b"})
    if extra:
        raise ShapeError(f"unexpected tensors {extra} next to W and H (expected only W, H, c, b, X, Y); "
                         f"seen: {seen(t)}", "weights")
    W, H = t["W"], t["H"]
    if W.ndim != 2 or H.ndim != 2 or H.shape[1] != W.shape[0]:
        raise ShapeError(f"W must be |I|×d0 and H |J|×|I|; seen: {seen(t)}", "weights")
    return Layers(W, H, t.get("c"), t.get("b"), {k: k for k in ("W", "H", "c", "b") if k in t})


def _bias(t: Mapping[str, np.ndarray], prefix: str, n_out: int) -> np.ndarray | None:
    key = f"{prefix}.bias" if prefix else "bias"
    if key not in t:
        return None
    v = t[key]
    if v.ndim != 1 or v.shape[0] != n_out:
        raise ShapeError(f"{key} has shape {tuple(v.shape)} but its layer has {n_out} outputs; "
                         f"seen: {seen(t)}", "weights")
    return v


def _order(t: Mapping[str, np.ndarray], prefixes: list[str]) -> tuple[str, str]:
    first, second = sorted(prefixes, key=_natural)
    wk = lambda p: f"{p}.weight" if p else "weight"
    a, b = t[wk(first)], t[wk(second)]
    if b.shape[1] == a.shape[0]:
        return first, second
    if a.shape[1] == b.shape[0]:
        return second, first
    raise ShapeError(f"the two linear layers do not chain: {wk(first)} is {tuple(a.shape)} and "
                     f"{wk(second)} is {tuple(b.shape)} (PyTorch's (out, in): the second's `in` must be "
                     f"the first's `out`); seen: {seen(t)}", "weights")


def find_layers(tensors: Mapping[str, Any]) -> Layers:
    """The two linear layers among ``tensors`` (name → array), found by shape.

    Raises
    ------
    ShapeError
        Not exactly one hidden layer of the form ``Linear → activation →
        Linear``; the message names every key and shape seen.

    Examples
    --------
    >>> t = {"0.weight": np.ones((4, 2)), "0.bias": np.ones(4), "2.weight": np.ones((1, 4))}
    >>> L = find_layers(t)
    >>> L.W.shape, L.c.shape, L.H.shape, L.b is None
    ((4, 2), (4,), (1, 4), True)
    """
    t = {str(k): np.asarray(v) for k, v in tensors.items()}
    if "W" in t and "H" in t:
        return _exactland_names(t)
    mats = [k for k, v in t.items() if (k == "weight" or k.endswith(".weight")) and v.ndim == 2]
    prefixes = [k[: -len(".weight")] if k != "weight" else "" for k in mats]
    biases = {f"{p}.bias" if p else "bias" for p in prefixes}
    other = [k for k in t if k not in set(mats) | biases]
    if len(mats) != 2:
        shape = "no linear layer" if not mats else f"{len(mats)} linear layer(s) ({', '.join(mats)})"
        raise ShapeError(f"expected exactly two linear layers (Linear → activation → Linear, one hidden "
                         f"layer) or arrays named W and H, found {shape}; seen: {seen(t)}", "weights")
    if other:
        raise ShapeError(f"tensors that belong to no linear layer: {other} (exactland handles "
                         f"Linear → activation → Linear only); seen: {seen(t)}", "weights")
    first, second = _order(t, prefixes)
    wk = lambda p: f"{p}.weight" if p else "weight"
    W, H = t[wk(first)], t[wk(second)]
    c, b = _bias(t, first, W.shape[0]), _bias(t, second, H.shape[0])
    keys = {"W": wk(first), "H": wk(second)}
    if c is not None:
        keys["c"] = f"{first}.bias" if first else "bias"
    if b is not None:
        keys["b"] = f"{second}.bias" if second else "bias"
    return Layers(W, H, c, b, keys)

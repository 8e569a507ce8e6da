"""PyTorch networks → exact problems: :func:`from_torch` and ``.pt``/``.pth`` files.

PyTorch is an optional extra (``pip install 'exactland[torch]'``): it is
imported only inside these functions, and only when a torch object or file is
given. ``.npz`` and ``.safetensors`` files never need it.

The activation of an ``nn.Module`` is read from its modules: ``nn.ReLU`` is
``relu``; ``nn.LeakyReLU(negative_slope=s)`` is ``leaky_relu:s`` with ``s``
read as the decimal it was typed as (the shortest decimal of the Python float,
``0.01`` → 1/100, whatever the float rule of the weights: a slope is a
hyperparameter a person typed). A ``state_dict`` carries no activation: pass
one, or ReLU is assumed (and said).
"""
from __future__ import annotations

import pathlib
from collections.abc import Mapping
from typing import Any

import numpy as np

from exactland.core.activation import Activation
from exactland.core.problem import Problem
from exactland.errors import ActivationError, InputError
from exactland.exact.floats import float_to_exact
from exactland.exact.scalars import parse_exact
from exactland.importing.activation import describe_activation, parse_activation
from exactland.importing.arrays import from_arrays
from exactland.importing.layers import find_layers

__all__ = ["TORCH_MISSING", "from_torch", "import_torch", "load_torch_file", "torch_tensors"]

TORCH_MISSING = ("PyTorch is not installed; install the optional extra: pip install 'exactland[torch]' "
                 "(or save the weights as .safetensors or .npz, which need no torch)")
#: modules that are the identity at inference time and may sit between the layers
_PASSTHROUGH = {"Sequential", "Identity", "Dropout", "Flatten", "Linear"}


def import_torch() -> Any:
    """``torch``, or an :class:`~exactland.errors.InputError` saying how to install it."""
    try:
        import torch
    except ImportError:
        raise InputError(TORCH_MISSING, "torch") from None
    return torch


def _module_activation(module: Any) -> Activation | None:
    """The one ReLU-like activation among ``module``'s submodules (None: none seen)."""
    found: list[Activation] = []
    for sub in module.modules():
        name = type(sub).__name__
        if name == "ReLU":
            found.append(parse_activation("relu"))
        elif name == "LeakyReLU":
            found.append(Activation(parse_exact(1), float_to_exact(float(sub.negative_slope))))
        elif name not in _PASSTHROUGH and sub is not module:
            raise ActivationError(f"module {name} is not supported: exactland handles Linear → ReLU or "
                                  "LeakyReLU → Linear (ReLU-like activations only)", "model")
    if len(set(found)) > 1:
        raise ActivationError(f"different activations in one model: {sorted(map(describe_activation, set(found)))}",
                              "model")
    return found[0] if found else None


def _to_numpy(value: Any, key: str) -> np.ndarray:
    if not hasattr(value, "detach"):
        return np.asarray(value)
    v = value.detach().cpu()
    if str(v.dtype) == "torch.bfloat16":  # NumPy has no bfloat16; widening to float32 is exact
        v = v.float()
    try:
        return v.numpy()
    except TypeError as exc:
        raise InputError(f"tensor {key} of dtype {value.dtype} cannot be read ({exc})", "weights") from None


def torch_tensors(obj: Any) -> tuple[dict[str, np.ndarray], Activation | None, str]:
    """The named arrays of a module or ``state_dict``, its activation (modules only) and its kind.

    A checkpoint dict holding ``state_dict`` or ``model_state_dict`` is unwrapped.

    Raises
    ------
    InputError
        Neither a module nor a mapping of tensors.
    """
    if hasattr(obj, "state_dict") and hasattr(obj, "modules"):
        state = obj.state_dict()
        return {k: _to_numpy(v, k) for k, v in state.items()}, _module_activation(obj), type(obj).__name__
    if isinstance(obj, Mapping):
        for key in ("state_dict", "model_state_dict"):
            if isinstance(obj.get(key), Mapping):
                return torch_tensors(obj[key])[0], None, f"checkpoint[{key!r}]"
        bad = [k for k, v in obj.items() if not hasattr(v, "shape")]
        if bad:
            raise InputError(f"entries that are not tensors: {bad[:10]} (expected a state_dict, a "
                             "checkpoint holding one, or an nn.Module)", "weights")
        return {str(k): _to_numpy(v, str(k)) for k, v in obj.items()}, None, "state_dict"
    raise InputError(f"expected an nn.Module or a state_dict, got {type(obj).__name__}", "weights")


def load_torch_file(path: str | pathlib.Path) -> Any:
    """``torch.load`` a ``.pt``/``.pth`` file safely (``weights_only=True``).

    A saved ``nn.Sequential`` of ``Linear``, ``ReLU``/``LeakyReLU``,
    ``Identity``, ``Dropout`` and ``Flatten`` loads too (those classes are
    allowed explicitly); any other pickled object is refused, never executed.

    Raises
    ------
    InputError
        PyTorch missing, or a file ``torch.load`` refuses (the reason is quoted).
    """
    torch = import_torch()
    nn = torch.nn
    allowed = [nn.Sequential, nn.Linear, nn.ReLU, nn.LeakyReLU, nn.Identity, nn.Dropout, nn.Flatten]
    safe = getattr(torch.serialization, "safe_globals", None)
    try:
        if safe is None:  # torch < 2.5: state_dicts only
            return torch.load(path, map_location="cpu", weights_only=True)
        with safe(allowed):
            return torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # noqa: BLE001 - torch raises many types; the reason is shown
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"torch.load could not read {pathlib.Path(path).name} safely: {first[:300]}",
                         "weights") from None


def from_torch(model: Any, X: Any, Y: Any, activation: Any = None, *, exact_binary: bool = False) -> Problem:
    """The exact problem of a PyTorch ``Linear → activation → Linear`` network on (X, Y).

    Parameters
    ----------
    model : nn.Module or state_dict
        For example ``nn.Sequential(nn.Linear(d0, I), nn.ReLU(), nn.Linear(I, J))``
        or its ``state_dict()``; the layers are found by shape
        (:func:`exactland.importing.layers.find_layers`), biases folded as in
        :func:`exactland.importing.arrays.from_arrays`.
    X, Y : array_like or tensors
        Data, |K|×d0 and |K|×|J| (or |K| for one output).
    activation : spec, optional
        Default: read from the module (``nn.ReLU``, ``nn.LeakyReLU``); for a
        ``state_dict`` (no modules to read) ReLU. Given explicitly, it wins.
    exact_binary : bool, default False
        The float rule (:mod:`exactland.exact.floats`).

    Returns
    -------
    Problem
        ``origin`` records the source, the keys of the layers, the dtype, the
        float rule and the input-bias column.

    Raises
    ------
    InputError, ShapeError, ActivationError, NotExactError
        PyTorch missing, unsupported layers (named with their shapes),
        unsupported activations, NaN weights.

    Examples
    --------
    A ``state_dict`` of NumPy arrays works without torch (a module needs it):

    >>> sd = {"0.weight": np.array([[0.5, -1.0]], dtype=np.float32), "0.bias": np.array([0.1]),
    ...       "2.weight": np.array([[2.0]])}
    >>> p = from_torch(sd, [[1.0, 0.0], [0.0, 1.0]], [1.0, 0.0])
    >>> p.W, p.X[0]
    (((1/2, -1, 1/10),), (1, 0, 1))
    """
    tensors, module_act, kind = torch_tensors(model)
    layers = find_layers(tensors)
    act = parse_activation(activation) if activation is not None else module_act or parse_activation("relu")
    origin = {"source": kind, "layers": layers.keys, "dtype": layers.dtype,
              "activation": describe_activation(act)}
    return from_arrays(layers.W, layers.H, X, Y, layers.b, activation=act, input_bias=layers.c,
                       exact_binary=exact_binary, origin=origin)

"""Reading a network's weights from a file: ``.npz``, ``.safetensors``, ``.pt``/``.pth``.

* ``.npz`` (NumPy): ``W`` (|I|×d0), ``H`` (|J|×|I|), optionally ``c`` (input
  bias), ``b`` (output bias), and the data ``X``, ``Y``; or PyTorch-style
  names (``0.weight``, …). Read with ``allow_pickle=False``.
* ``.safetensors``: read into NumPy with the ``safetensors`` package (no
  torch). bfloat16 tensors are widened to float32 exactly.
* ``.pt``/``.pth``: a ``state_dict`` (or a checkpoint holding one) or a saved
  ``nn.Sequential``, read by PyTorch (the optional extra) with
  ``weights_only=True``.

The layers are then found by shape (:mod:`exactland.importing.layers`).
"""
from __future__ import annotations

import json
import pathlib
import zipfile
import struct
from dataclasses import dataclass

import numpy as np

from exactland.core.activation import Activation
from exactland.errors import InputError
from exactland.importing.layers import Layers, find_layers
from exactland.importing.torch_model import load_torch_file, torch_tensors

__all__ = ["WEIGHT_SUFFIXES", "WeightsFile", "read_weights"]

WEIGHT_SUFFIXES = (".npz", ".safetensors", ".pt", ".pth")


@dataclass(frozen=True)
class WeightsFile:
    """What a weights file held: the layers, data found next to them, the activation of a module."""

    path: pathlib.Path
    kind: str
    layers: Layers
    X: np.ndarray | None = None
    Y: np.ndarray | None = None
    activation: Activation | None = None
    notes: tuple[str, ...] = ()


def _read_npz(path: pathlib.Path) -> dict[str, np.ndarray]:
    if path.is_file() and not zipfile.is_zipfile(path):  # np.load would try to unpickle it
        raise InputError(f"{path.name} is not a .npz file (not a zip archive of .npy arrays)", "weights")
    try:
        with np.load(path, allow_pickle=False) as z:
            return {k: z[k] for k in z.files}
    except ValueError as exc:  # object arrays need pickle: refused
        raise InputError(f"{path.name}: {exc} (exactland reads .npz files without pickle: save "
                         "numeric arrays)", "weights") from None
    except (OSError, EOFError) as exc:
        raise InputError(f"{path.name} is not a readable .npz file ({exc})", "weights") from None


def _bf16_to_f32(raw: bytes, shape: list[int]) -> np.ndarray:
    halves = np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16
    return halves.view(np.float32).reshape(shape)


def _read_safetensors(path: pathlib.Path) -> dict[str, np.ndarray]:
    try:
        from safetensors.numpy import load_file
    except ImportError:
        raise InputError("reading .safetensors needs the safetensors package: pip install safetensors",
                         "weights") from None
    try:
        return load_file(str(path))
    except Exception as exc:  # noqa: BLE001 - safetensors raises its own types; bfloat16 is one case
        if "bf16" in str(exc).lower() or "bfloat16" in str(exc).lower():
            return _read_safetensors_bf16(path)
        raise InputError(f"{path.name} is not a readable .safetensors file ({exc})", "weights") from None


def _bf16_keys(path: pathlib.Path) -> list[str]:
    """The names of the bfloat16 tensors of a safetensors file (from its JSON header)."""
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
    return sorted(k for k, v in header.items() if k != "__metadata__" and v.get("dtype") == "BF16")


def _read_safetensors_bf16(path: pathlib.Path) -> dict[str, np.ndarray]:
    """The safetensors layout by hand (8-byte header length, JSON header, data), for bfloat16."""
    data = path.read_bytes()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    from safetensors.numpy import load as load_bytes

    out = {}
    for key, info in header.items():
        if key == "__metadata__":
            continue
        lo, hi = info["data_offsets"]
        raw = data[8 + n + lo: 8 + n + hi]
        if info["dtype"] == "BF16":
            out[key] = _bf16_to_f32(raw, info["shape"])
        else:
            one = {key: {**info, "data_offsets": [0, hi - lo]}}
            head = json.dumps(one).encode()
            out[key] = load_bytes(struct.pack("<Q", len(head)) + head + raw)[key]
    return out


def read_weights(path: str | pathlib.Path) -> WeightsFile:
    """Read a weights file and find its two linear layers.

    Raises
    ------
    InputError
        A missing file, an unknown suffix, an unreadable file, PyTorch
        missing for ``.pt``; :class:`~exactland.errors.ShapeError` when the
        layers are not ``Linear → activation → Linear`` (keys and shapes named).

    Examples
    --------
    >>> import tempfile, os
    >>> f = os.path.join(tempfile.mkdtemp(), "net.npz")
    >>> np.savez(f, W=np.ones((3, 2)), H=np.ones((1, 3)))
    >>> read_weights(f).layers.summary()[0]
    'layer 1: W (3, 2): Linear(2 → 3), no bias'
    """
    p = pathlib.Path(path)
    if not p.is_file():
        raise InputError(f"{p} does not exist or is not a file", "weights")
    suffix = p.suffix.lower()
    if suffix not in WEIGHT_SUFFIXES:
        raise InputError(f"{p.name}: unknown weights format {suffix or '(no suffix)'!r}; expected "
                         f"{', '.join(WEIGHT_SUFFIXES)}", "weights")
    activation, notes = None, ()
    if suffix == ".npz":
        tensors, kind = _read_npz(p), "npz"
    elif suffix == ".safetensors":
        tensors, kind = _read_safetensors(p), "safetensors"
        if _bf16_keys(p):
            notes = (f"bfloat16 tensors {_bf16_keys(p)} widened to float32 exactly and read as float32",)
    else:
        tensors, activation, kind = torch_tensors(load_torch_file(p))
        kind = f"torch ({kind})"
    X, Y = tensors.pop("X", None), tensors.pop("Y", None)
    return WeightsFile(p, kind, find_layers(tensors), X, Y, activation, notes)

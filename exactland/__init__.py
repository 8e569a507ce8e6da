"""exactland: exact certification of stationary points of shallow ReLU-like networks.

Decides, in exact arithmetic, whether a point of the loss landscape of a
one-hidden-layer ReLU-like network is not stationary, a saddle, or a type-1
local minimum (Definitions 3.3, 4.1 and Theorem 4.2 of the paper,
arXiv:2402.05626), and returns a certificate that an independent checker
re-verifies.

The public names below are loaded lazily (PEP 562): ``import exactland`` loads
nothing but this file, and ``import exactland.checker`` loads the checker and
the exact-number layer only, never the search code. The layers and what each
may import are described in ``docs/architecture.md``.

Examples
--------
>>> import exactland
>>> cert = exactland.certify(exactland.examples.load_example("appendix-g-kink"))
>>> cert.verdict.value
'not-stationary'
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from exactland.version import __version__

#: public name -> (module, attribute); attribute None means the module itself.
_LAZY: dict[str, tuple[str, str | None]] = {
    "Certificate": ("exactland.core.certificate", "Certificate"),
    "Verdict": ("exactland.core.certificate", "Verdict"),
    "certify": ("exactland.core.classify", "certify"),
    "Problem": ("exactland.core.problem", "Problem"),
    "Dataset": ("exactland.core.problem", "Dataset"),
    "load": ("exactland.core.problem", "load"),
    "load_data": ("exactland.core.problem", "load_data"),
    "snap": ("exactland.dynamics.point_snap", "snap_point"),
    "from_arrays": ("exactland.importing.arrays", "from_arrays"),
    "from_torch": ("exactland.importing.torch_model", "from_torch"),
    "check_certificate": ("exactland.checker", "check_certificate"),
    "CheckReport": ("exactland.checker", "CheckReport"),
    "ExactlandError": ("exactland.errors", "ExactlandError"),
    "InternalError": ("exactland.errors", "InternalError"),
    "examples": ("exactland.builtin.examples", None),
}

__all__ = sorted(_LAZY) + ["__version__"]

if TYPE_CHECKING:  # pragma: no cover
    from exactland.builtin import examples  # noqa: F401
    from exactland.checker import CheckReport, check_certificate  # noqa: F401
    from exactland.core.certificate import Certificate, Verdict  # noqa: F401
    from exactland.core.classify import certify  # noqa: F401
    from exactland.core.problem import Dataset, Problem, load, load_data  # noqa: F401
    from exactland.dynamics.point_snap import snap_point as snap  # noqa: F401
    from exactland.errors import ExactlandError, InternalError  # noqa: F401
    from exactland.importing.arrays import from_arrays  # noqa: F401
    from exactland.importing.torch_model import from_torch  # noqa: F401


def __getattr__(name: str) -> Any:
    """Load a public name on first use (PEP 562)."""
    try:
        module, attr = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'exactland' has no attribute {name!r}") from None
    mod = importlib.import_module(module)
    value = mod if attr is None else getattr(mod, attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))

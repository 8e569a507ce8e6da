"""exactland: exact certification of stationary points of shallow ReLU-like networks.

Decides, in exact arithmetic, whether a point of the loss landscape of a
one-hidden-layer ReLU-like network is not stationary, a saddle, or a type-1
local minimum (Definitions 3.3, 4.1 and Theorem 4.2 of the paper), and returns
a certificate that an independent checker re-verifies.

Examples
--------
>>> import exactland
>>> cert = exactland.certify(exactland.examples.load_example("appendix-g-kink"))
>>> cert.verdict.value
'not-stationary'
"""
from __future__ import annotations

from . import examples
from .certificate import Certificate, Verdict
from .certify import certify
from .errors import ExactlandError
from .problem import Problem, load

__version__ = "0.1.0"

__all__ = ["Certificate", "ExactlandError", "Problem", "Verdict", "certify", "examples", "load"]

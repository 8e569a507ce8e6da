"""The :class:`Certificate`: a verdict with its complete exact evidence.

Immutable, with a fixed set of fields mirroring the JSON contract of
``docs/certificate-schema.md``. ``Certificate.verify()`` hands
the JSON form to :mod:`exactland.checker`, which re-derives every claim with
rational arithmetic and does not use the code that found the certificate.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

from exactland.exact.scalars import to_str, to_text
from exactland.core.display import certificate_html, certificate_latex, certificate_repr
from exactland.core.paths import PathWitness
from exactland.core.problem import Problem

if TYPE_CHECKING:  # pragma: no cover
    from exactland.checker import CheckReport

__all__ = ["Verdict", "NeuronReport", "RadiusConstants", "Certificate", "FORMAT"]

FORMAT = "exactland-certificate/2"
Vector = tuple[Any, ...]


class Verdict(str, Enum):
    """The outcomes of :func:`exactland.core.classify` (``type-2-minimum``: docs/type2.md)."""

    NOT_STATIONARY = "not-stationary"
    SADDLE = "saddle"
    TYPE_1_MINIMUM = "type-1-minimum"
    TYPE_2_MINIMUM = "type-2-minimum"
    UNDECIDED = "undecided"


def _vec(v: Vector) -> list[str]:
    return [to_str(x) for x in v]


@dataclass(frozen=True)
class NeuronReport:
    """First-order evidence about one neuron (Lemma 3.2, Definitions 3.3/4.1).

    Attributes mirror ``neurons[i]`` of the certificate schema; ``c`` is the
    ratio constant of docs/mathematics.md §6 (an exact number, ``"inf"`` or
    None).  ``method`` is None when the tangential condition was not needed
    (an earlier first-order test already refuted stationarity); then
    ``lines`` is empty and ``nonnegative``, ``c`` and the witnesses are None.
    ``lines`` (the distinct kink lines) is not written to the certificate:
    the checker recomputes them from the problem.
    """

    index: int
    kink_set: tuple[int, ...]
    d: tuple[Vector, ...]
    dL_dh: tuple[Any, ...]
    dL_dr_scaled: Any
    method: str | None
    lines: tuple[Vector, ...]
    nonnegative: bool | None
    c: Any
    tangential_witness: tuple[Vector, Any] | None
    is_escape: bool | None
    escape_witness: tuple[int, Vector, Any, Any] | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (schema: per-neuron object)."""
        tw = self.tangential_witness
        ew = self.escape_witness
        return {
            "index": self.index,
            "kink_set": list(self.kink_set),
            "d": [_vec(v) for v in self.d],
            "dL_dh": [to_str(x) for x in self.dL_dh],
            "dL_dr_scaled": to_str(self.dL_dr_scaled),
            "tangential": None if self.method is None else {  # the kink lines: recomputed by the checker
                "method": self.method,
                "nonnegative": self.nonnegative,
                "c": to_text(self.c),
                "witness": None if tw is None else {"v": _vec(tw[0]), "F": to_str(tw[1])},
            },
            "escape": None
            if self.is_escape is None
            else {
                "is_escape": self.is_escape,
                "witness": None
                if ew is None
                else {"j": ew[0], "v": _vec(ew[1]), "F": to_str(ew[2]), "phi": to_str(ew[3])},
            },
        }


@dataclass(frozen=True)
class RadiusConstants:
    """The constants of the radius certificate (docs/mathematics.md §6).

    Attributes
    ----------
    rho_w : exact number or "inf"
        ``min_{i, k∉K⁰(i)} |w_i·x_k| / ‖x_k‖₁``: below it no sample changes side.
    rho_h : exact number or "inf"
        ``min_i c_i / |J|``.
    c : tuple
        ``c_i`` per neuron.
    """

    rho_w: Any
    rho_h: Any
    c: tuple[Any, ...]


def _path_dict(pw: PathWitness, problem: Problem, corollary: bool) -> dict[str, Any]:
    dW, dH = pw.full_direction(problem.n_neurons, problem.n_outputs)
    W, H = [_vec(row) for row in dW], [_vec(row) for row in dH]
    out: dict[str, Any] = {
        "kind": pw.kind,
        "direction": {"W": W, "H": H},
        "t_max": to_text(pw.t_max),
        "coefficients": [to_str(c) for c in pw.coefficients],
        "order": pw.order,
        "t": to_str(pw.t),
        "loss": to_str(pw.loss),
        "neuron": pw.neuron,
        "corollary_4_4": None,
    }
    if problem.b is not None:
        out["direction"]["b"] = _vec(pw.db or (0,) * problem.n_outputs)
    if hasattr(pw, "full_direction2"):  # a curved path P + tΔ₁ + t²Δ₂ (docs/type2.md §6): no Corollary 4.4
        dW2, dH2 = pw.full_direction2(problem.n_neurons, problem.n_outputs)
        out["direction2"] = {"W": [_vec(row) for row in dW2], "H": [_vec(row) for row in dH2]}
        if problem.b is not None:
            out["direction2"]["b"] = _vec(pw.db2 or (0,) * problem.n_outputs)
        corollary = False
    if corollary:
        C, n, cu = pw.corollary_4_4()
        out["corollary_4_4"] = {"C": to_str(C), "direction_norm_sq": to_str(n), "C_unit": to_str(cu)}
    return out


@dataclass(frozen=True)
class Certificate:
    """A verdict of Theorem 4.2 with its exact evidence.

    Attributes
    ----------
    problem : Problem
        The certified point.
    verdict : Verdict
    loss : exact number
    stationary : bool or None
        Definition 3.3 (None if undecided).
    escape_neurons : tuple of int
        Definition 4.1, 0-based.
    radius : exact number, "inf" or None
        For type-1 minima: ``L(P + δP) ≥ L(P)`` whenever ``‖δP‖_∞ < radius``.
    radius_constants : RadiusConstants or None
    local_maximum_possible : bool
        False as soon as some ``rho(w_i·x_k) != 0`` (Theorem D.1), and always
        with an output bias (the loss is strictly convex in ``b``).
    global_minimum : bool
        ``L = 0``.
    neurons : tuple of NeuronReport
    descent, ascent : PathWitness or None
        Witness paths (descent for not-stationary and saddle, ascent for saddle).
    reason : str or None
        Why the verdict is undecided.
    budget_limit, budget_used : int
        Subset evaluations of the general tangential routine.
    dL_db : vector or None
        ``∂L/∂b = Σ_k e_k`` when the problem has an output bias (stationarity
        needs it to vanish), else None.
    type2 : exactland.core.type2.Type2Result or None
        The data of a ``type-2-minimum`` (docs/type2.md); ``radius`` is then a
        radius in W only (any H, b).
    bracket : exactland.core.bracket.RadiusBracket or None
        ``[certified, witnessed]`` and the witness point, for minimum verdicts.

    Examples
    --------
    >>> import exactland
    >>> cert = exactland.certify(exactland.examples.load_example("origin-saddle"))
    >>> cert.verdict.value, cert.verify().valid
    ('saddle', True)
    """

    problem: Problem
    verdict: Verdict
    loss: Any
    stationary: bool | None
    escape_neurons: tuple[int, ...]
    radius: Any
    radius_constants: RadiusConstants | None
    local_maximum_possible: bool
    global_minimum: bool
    neurons: tuple[NeuronReport, ...]
    descent: PathWitness | None
    ascent: PathWitness | None
    reason: str | None
    budget_limit: int
    budget_used: int
    dL_db: Vector | None = None
    type2: Any = None
    bracket: Any = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract as a dict (every exact number a string)."""
        rc = self.radius_constants
        witness: dict[str, Any] | None = None
        if self.descent is not None:
            witness = {
                "descent": _path_dict(
                    self.descent, self.problem, self.verdict is Verdict.SADDLE
                )
            }
            if self.ascent is not None:
                witness["ascent"] = _path_dict(self.ascent, self.problem, False)
        out = {
            "format": FORMAT,
            "problem": self.problem.to_dict(),
            "problem_digest": self.problem.digest(),
            "verdict": self.verdict.value,
            "loss": to_str(self.loss),
            "stationary": self.stationary,
            "escape_neurons": list(self.escape_neurons),
            "radius": to_text(self.radius),
            "radius_constants": None
            if rc is None
            else {"rho_w": to_text(rc.rho_w), "rho_h": to_text(rc.rho_h), "c": [to_text(c) for c in rc.c]},
            "local_maximum_possible": self.local_maximum_possible,
            "global_minimum": self.global_minimum,
            "neurons": [n.to_dict() for n in self.neurons],
            "witness": witness,
            "reason": self.reason,
            "budget": {"limit": self.budget_limit},
        }
        if self.problem.b is not None:
            out["dL_db"] = _vec(self.dL_db or ())
        if self.type2 is not None:
            out["type2"] = self.type2.to_dict()
        if self.bracket is not None:
            out.update(self.bracket.to_dict())
        return out

    def __repr__(self) -> str:
        return certificate_repr(self)

    def _repr_html_(self) -> str:
        return certificate_html(self)

    def _repr_latex_(self) -> str:
        return certificate_latex(self)

    def to_json(self, indent: int | None = 1) -> str:
        """The certificate as JSON text (schema ``exactland-certificate/2``)."""
        return json.dumps(self.to_dict(), indent=indent)

    def verify(self, problem: Any = None) -> "CheckReport":
        """Re-check every claim with the independent checker.

        Parameters
        ----------
        problem : Problem, dict or path, optional
            The problem the certificate must be about.  When given, the
            checker also compares it exactly with the certificate's problem
            (a certificate for another problem is invalid).

        Returns
        -------
        exactland.checker.CheckReport
            ``valid`` plus the reasons of any failed claim, and the digest.
        """
        from exactland.checker import check_certificate

        return check_certificate(self.to_dict(), problem=problem)

"""The bulk path of :func:`exactland.core.classify.certify`: neurons in one pass.

Most neurons of a real point are *quiet*: every ``d_ji = 0`` and every
sample on their kink has residual ``e_k = 0`` (living and kink neurons at a
stationary point, dead neurons). For them ``∂L/∂h_ji = w_i·d_ji = 0`` and
``φ_ji(v) = d_ji·v + Σ_{k∈K⁰(i)} e_kj rho(x_k·v) ≡ 0`` for every j, hence
``F_i ≡ 0`` (eqs. 3–6), so the per-neuron analyses are known without running
them: the tangential method is ``"zero-form"`` (nonnegative, no rays), the
neuron is no escape neuron and ``c_i = +∞`` (docs/mathematics.md §5–6).
:class:`NeuronTable` finds them with vectorised integer tests
(:meth:`exactland.core.network.Evaluation.quiet_neurons`) and builds
:class:`~exactland.core.kinks.NeuronData` only for the others, on demand.
:class:`QuietReports` gives a quiet neuron's report, field for field what the
per-neuron path produces (its kink set, and its distinct kink lines, built
from one canonical line per sample).
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
from flint import fmpq

from exactland.core.certificate import NeuronReport
from exactland.core.escape import UNBOUNDED
from exactland.core.kinks import NeuronData, SampleLines, neuron_data
from exactland.core.network import Evaluation

__all__ = ["NeuronTable", "QuietReports"]


class NeuronTable:
    """Per-neuron data of one evaluation, built on first use.

    Zero neurons (``w_i = 0``) with equal ``h`` share their data (every sample
    is a kink sample, so it depends on ``h`` only), and neurons with equal kink
    sets share their kink arrangement. Local to one certification.

    Parameters
    ----------
    ev : Evaluation
    bulk : bool
        True: quiet neurons are settled in bulk and never get ``NeuronData``.
        False: every neuron goes through the per-neuron path (the reference).

    Attributes
    ----------
    quiet : numpy.ndarray
        Boolean mask of the quiet neurons (all False when ``bulk`` is False).
    """

    def __init__(self, ev: Evaluation, bulk: bool) -> None:
        self.ev = ev
        self.bulk = bulk
        n = ev.problem.n_neurons
        self.quiet = ev.quiet_neurons() if bulk else np.zeros(n, dtype=bool)
        quiet = np.flatnonzero(self.quiet).tolist()
        self._quiet_kinks = dict(zip(quiet, ev.kink_sets(quiet)))
        self._sample_lines = SampleLines(ev.problem)
        self._lines = self._sample_lines if bulk else None  # the reference path: tangent.arrangement
        self._zero = ev.zero_neurons()
        self._arrangements: dict[tuple[int, ...], Any] = {}
        self._shared: dict[Any, NeuronData] = {}
        self._cache: dict[int, NeuronData] = {}

    def __len__(self) -> int:
        return len(self.quiet)

    def is_zero(self, i: int) -> bool:
        """``w_i = 0``."""
        return bool(self._zero[i])

    def quiet_kinks(self, i: int) -> tuple[int, ...]:
        """``K⁰(i)`` of quiet neuron ``i``."""
        return self._quiet_kinks[i]

    def quiet_lines(self, i: int) -> tuple[Any, ...]:
        """The distinct kink lines of quiet neuron ``i``, in the order of
        :func:`exactland.core.tangent.arrangement`."""
        kinks = self._quiet_kinks[i]
        return self._sample_lines.distinct(kinks) if kinks else ()

    def loud(self) -> list[int]:
        """Indices of the neurons that need the per-neuron analyses, in order."""
        return np.flatnonzero(~self.quiet).tolist()

    def __getitem__(self, i: int) -> NeuronData:
        nd = self._cache.get(i)
        if nd is None:
            nd = self._cache[i] = self._build(i)
        return nd

    def _build(self, i: int) -> NeuronData:
        ev = self.ev
        if not self._zero[i]:
            return neuron_data(ev, i, self._arrangements, lines=self._lines)
        h = ev.problem.h_column(i)
        if h not in self._shared:
            self._shared[h] = neuron_data(ev, i, self._arrangements, lines=self._lines)
        src = self._shared[h]
        return NeuronData(i, src.w, src.h, src.signs, src.kink_set, src.d, src.dL_dh,
                          src.dL_dr_scaled, src.arrangement, src.F, src.phi)


class QuietReports:
    """Reports of quiet neurons (every ``d_ji = 0``, ``e_k = 0`` on the kink samples), built cheaply.

    The exact zeros are shared between reports (they are immutable).

    Parameters
    ----------
    J, dim : int
        ``|J|`` and ``d``.
    table : NeuronTable, optional
        Where the kink sets and kink lines of quiet neurons come from (without
        it every quiet neuron is taken to have no kink sample).

    Examples
    --------
    >>> r = QuietReports(1, 2).report(3, True, True)
    >>> r.method, r.nonnegative, r.is_escape, r.c, r.d
    ('zero-form', True, False, 'inf', ((0, 0),))
    """

    def __init__(self, J: int, dim: int, table: NeuronTable | None = None) -> None:
        zero = fmpq(0)
        self._table = table
        self._templates: dict[tuple[bool, bool], NeuronReport] = {}
        # Reports are copied from a template by their __dict__ when NeuronReport is a
        # plain (non-slotted, no __post_init__) dataclass; otherwise by dataclasses.replace.
        self._plain = not hasattr(NeuronReport, "__slots__") and not hasattr(NeuronReport, "__post_init__")
        self._fields: dict[str, Any] = {
            "index": 0, "kink_set": (), "d": ((zero,) * dim,) * J, "dL_dh": (zero,) * J,
            "dL_dr_scaled": zero, "lines": (), "tangential_witness": None, "escape_witness": None}

    def report(self, i: int, tangential: bool, escape: bool) -> NeuronReport:
        """The report of quiet neuron ``i``.

        Parameters
        ----------
        i : int
        tangential : bool
            Whether the certification reached this neuron's tangential condition.
        escape : bool
            Whether it ran the escape analyses (the point is stationary).

        Returns
        -------
        NeuronReport
            Equal to the per-neuron path's report: ``"zero-form"``,
            nonnegative, no escape, ``c = "inf"``, or None where that stage
            was not reached; the kink lines only where it was.
        """
        tab = self._table
        kinks = tab.quiet_kinks(i) if tab is not None else ()
        lines = tab.quiet_lines(i) if tab is not None and kinks and tangential else ()
        template = self._templates.get((tangential, escape)) or self._template(tangential, escape)
        if not self._plain:
            return replace(template, index=i, kink_set=kinks, lines=lines)
        out = object.__new__(NeuronReport)  # dataclasses.replace without re-running __init__
        fields = out.__dict__
        fields.update(template.__dict__)
        fields["index"], fields["kink_set"], fields["lines"] = i, kinks, lines
        return out

    def _template(self, tangential: bool, escape: bool) -> NeuronReport:
        """The report shared by every quiet neuron at these stages (built by ``__init__``,
        so any validation of :class:`NeuronReport` runs on it)."""
        out = self._templates[(tangential, escape)] = NeuronReport(
            **self._fields, method="zero-form" if tangential else None,
            nonnegative=True if tangential else None, c=UNBOUNDED if escape else None,
            is_escape=False if escape else None)
        return out

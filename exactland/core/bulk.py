"""The bulk path of :func:`exactland.core.classify.certify`: neurons in one pass.

Most neurons of a real point are *quiet*: no sample on their kink and every
``d_ji = 0`` (living neurons at a stationary point, dead neurons). For them
``∂L/∂h_ji = w_i·d_ji = 0``, ``F_i ≡ 0`` and every ``φ_ji ≡ 0`` (eqs. 3–6), so
the per-neuron analyses are known without running them: the tangential method
is ``"zero-form"`` (nonnegative, no rays), the neuron is no escape neuron and
``c_i = +∞`` (docs/mathematics.md §5–6). :class:`NeuronTable` finds them with
one vectorised integer test (:meth:`exactland.core.network.Evaluation.plain_neurons`)
and builds :class:`~exactland.core.kinks.NeuronData` only for the others
(neurons with a kink sample, zero neurons, kink-free neurons with some
``d_ji != 0``), on demand. :class:`QuietReports` gives a quiet neuron's report,
field for field what the per-neuron path produces.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from flint import fmpq

from exactland.core.certificate import NeuronReport
from exactland.core.escape import UNBOUNDED
from exactland.core.kinks import NeuronData, neuron_data
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
        self.quiet = ev.plain_neurons() if bulk else np.zeros(n, dtype=bool)
        self._zero = ev.zero_neurons()
        self._arrangements: dict[tuple[int, ...], Any] = {}
        self._shared: dict[Any, NeuronData] = {}
        self._cache: dict[int, NeuronData] = {}

    def __len__(self) -> int:
        return len(self.quiet)

    def is_zero(self, i: int) -> bool:
        """``w_i = 0``."""
        return bool(self._zero[i])

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
            return neuron_data(ev, i, self._arrangements)
        h = ev.problem.h_column(i)
        if h not in self._shared:
            self._shared[h] = neuron_data(ev, i, self._arrangements)
        src = self._shared[h]
        return NeuronData(i, src.w, src.h, src.signs, src.kink_set, src.d, src.dL_dh,
                          src.dL_dr_scaled, src.arrangement, src.F, src.phi)


class QuietReports:
    """Reports of quiet neurons (no kink sample, every ``d_ji = 0``), built cheaply.

    The exact zeros are shared between reports (they are immutable).

    Parameters
    ----------
    J, dim : int
        ``|J|`` and ``d``.

    Examples
    --------
    >>> r = QuietReports(1, 2).report(3, True, True)
    >>> r.method, r.nonnegative, r.is_escape, r.c, r.d
    ('zero-form', True, False, 'inf', ((0, 0),))
    """

    def __init__(self, J: int, dim: int) -> None:
        self._zero = fmpq(0)
        self._d = ((self._zero,) * dim,) * J
        self._dL_dh = (self._zero,) * J

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
            was not reached.
        """
        return NeuronReport(
            index=i, kink_set=(), d=self._d, dL_dh=self._dL_dh, dL_dr_scaled=self._zero,
            method="zero-form" if tangential else None, lines=(),
            nonnegative=True if tangential else None, c=UNBOUNDED if escape else None,
            tangential_witness=None, is_escape=False if escape else None, escape_witness=None,
        )

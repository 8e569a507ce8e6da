"""Snap any float point: a problem file, a problem, float arrays or a run folder.

The point ``(W, H[, b])`` given in a problem file is usually a float printed
as a decimal (``"1.3333333333333333"``), which is never itself a stationary
point. :func:`snap_point` reads it as floats (the named conversion
:func:`exactland.dynamics.run.float_point`), snaps it
(:func:`exactland.dynamics.snap.snap`, docs/mathematics.md §9) and reports the
exact certified point next to it, or that no guess certified (never a wrong
verdict).

The distance is exact: the ∞-norm of ``P_given − P_exact`` over every entry
of W, H and b, where ``P_given`` is the point as given — a problem's entries
as written (read exactly), float arrays and run checkpoints by their exact
binary values (:func:`exactland.exact.scalars.exact_from_float`). It is
reported as exact text and as its nearest float.
"""
from __future__ import annotations

import dataclasses
import pathlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from exactland.core.certificate import Certificate
from exactland.core.defaults import DEFAULT_BUDGET
from exactland.core.isolation import IsolationCertificate
from exactland.core.problem import Dataset, Problem, load, load_data
from exactland.dynamics.checkpoints import checkpoint
from exactland.dynamics.run import float_point, load_run
from exactland.dynamics.snap import SnapResult, snap
from exactland.dynamics.structure import DEFAULT_GUESSES, Tolerances
from exactland.errors import InputError
from exactland.exact.scalars import exact_from_float, sign, to_float, to_str

__all__ = ["PointSnap", "snap_point", "tolerance_guesses", "TOLERANCE_OPTIONS"]

#: command-line name of each tolerance -> field of :class:`Tolerances`
TOLERANCE_OPTIONS = {"zero": "small", "group": "angle", "kink": "kink", "dead": "dead"}


@dataclass(frozen=True)
class PointSnap:
    """A float point, snapped.

    Attributes
    ----------
    given : Problem
        The point as given, exact (see the module notes).
    result : SnapResult
        The snap: exact point, certificate, structure, attempts.
    distance : exact number or None
        ``‖P_given − P_exact‖_∞`` over W, H and b; None when nothing certified.
    step : int or None
        The checkpoint's step for a run folder.
    """

    given: Problem
    result: SnapResult
    distance: Any
    step: int | None = None

    @property
    def certified(self) -> bool:
        """True when a guess gave a certified stationary point, or a minimum was isolated."""
        return self.result.certificate is not None or self.result.isolation is not None

    @property
    def isolation(self) -> IsolationCertificate | None:
        """The isolated irrational minimum near :attr:`point` (docs/isolation.md), if that is what certified."""
        iso, p = self.result.isolation, self.point
        return None if iso is None or p is None else dataclasses.replace(iso, problem=p)

    @property
    def verdict(self) -> str | None:
        """The certified verdict, None when nothing certified."""
        return self.result.verdict

    @property
    def point(self) -> Problem | None:
        """The exact point (same data, activation and origin as the given one)."""
        p = self.result.problem
        return None if p is None else dataclasses.replace(p, origin=self.given.origin)

    @property
    def certificate(self) -> Certificate | None:
        """The certificate of :attr:`point` (what ``certify`` gives for it)."""
        c, p = self.result.certificate, self.point
        return None if c is None or p is None else dataclasses.replace(c, problem=p)

    def structure_dict(self) -> dict[str, Any]:
        """The assumed structure and tolerances, and every attempt (JSON-ready)."""
        st, tol = self.result.structure, self.result.tolerances
        return {
            "dead": None if st is None else list(st.dead),
            "zero": None if st is None else list(st.small),
            "groups": None if st is None else [list(g) for g in st.groups],
            "kink_samples": None if st is None else [list(k) for k in st.kinks],
            "tolerances": None if tol is None else tol.as_dict(),
            "attempts": [{"tolerances": None if a.tolerances is None else a.tolerances.as_dict(), "outcome": a.outcome, "detail": a.detail,
                          "verdict": a.verdict} for a in self.result.attempts],
        }

    def to_dict(self) -> dict[str, Any]:
        """``{"verdict", "loss", "distance", "structure", "point", "certificate"}`` (JSON-ready).

        ``distance`` is ``{"exact": text, "float": number}``; ``point`` the
        exact problem in the input schema; ``certificate`` exactly what
        ``certify --json`` prints for ``point``. Everything but ``structure``
        is null when nothing certified.

        For an isolated irrational minimum (docs/isolation.md) ``point`` is
        the rational center, ``certificate`` the isolation certificate
        (``exactland check`` verifies it) and ``loss`` the interval
        ``[lo, hi]`` that holds the minimum's exact loss.
        """
        cert, point, iso = self.certificate, self.point, self.isolation
        if iso is not None:
            loss: Any = [to_str(x) for x in iso.loss_interval]
        else:
            loss = None if cert is None else to_str(cert.loss)
        return {
            "verdict": self.verdict,
            "loss": loss,
            "distance": None if self.distance is None else {"exact": to_str(self.distance),
                                                             "float": to_float(self.distance)},
            "structure": self.structure_dict(),
            "point": None if point is None else point.to_dict(),
            "certificate": iso.to_dict() if iso is not None else None if cert is None else cert.to_dict(),
        }


def tolerance_guesses(dead: float | None = None, zero: float | None = None, kink: float | None = None,
                      group: float | None = None) -> tuple[Tolerances, ...]:
    """The default structure guesses with the given tolerances fixed (duplicates dropped).

    They are the first stage of snapping's tolerance ladder
    (:mod:`exactland.dynamics.ladder`): wider fallback guesses follow only
    when these certify nothing near the float point.

    Parameters
    ----------
    dead, zero, kink, group : float, optional
        ``zero``: a neuron is set to exactly zero below this share of the
        largest magnitude (``Tolerances.small``); ``group``: neurons within
        this angle (radians) form a group (``angle``); ``kink``: samples with
        ``|cos(u_g, x_k)|`` below it lie on the group's kink (``kink``);
        ``dead``: a neuron is dead when ``cos(w_i, x_k) < −dead`` on every
        sample (``dead``, a margin; 0 by default).

    Raises
    ------
    InputError
        A negative or non-finite tolerance, or one the structure guess does not have.

    Examples
    --------
    >>> [t.kink for t in tolerance_guesses(kink=0.05)][:3]
    [0.05, 0.05, 0.05]
    """
    given = {"dead": dead, "zero": zero, "kink": kink, "group": group}
    fields = {f.name for f in dataclasses.fields(Tolerances)}
    change = {}
    for name, value in given.items():
        if value is None:
            continue
        if not (np.isfinite(value) and value >= 0):
            raise InputError("must be a non-negative finite number", f"--tol-{name}")
        if TOLERANCE_OPTIONS[name] not in fields:
            raise InputError("this version's structure guess has no such tolerance", f"--tol-{name}")
        change[TOLERANCE_OPTIONS[name]] = float(value)
    out: list[Tolerances] = []
    for tol in DEFAULT_GUESSES:
        t = dataclasses.replace(tol, **change)
        if t not in out:
            out.append(t)
    return tuple(out)


def _is_float_array(value: Any) -> bool:
    """True for NumPy float arrays and (nested) lists holding a Python or NumPy float."""
    if isinstance(value, np.ndarray):
        return value.dtype.kind == "f"
    if isinstance(value, (list, tuple)):
        return any(_is_float_array(v) for v in value)
    return isinstance(value, (float, np.floating))


def _from_mapping(source: Mapping[str, Any]) -> tuple[Dataset, Any, Any, Any, Problem | None]:
    """Data and point of a problem dict whose W, H, b may be float arrays."""
    floats = {k: source.get(k) for k in ("W", "H", "b") if _is_float_array(source.get(k))}
    if not floats:
        p = load(source)
        return p.dataset, None, None, None, p
    rest = {k: v for k, v in source.items() if k not in ("W", "H", "b")}
    return load_data(rest), source.get("W"), source.get("H"), source.get("b"), None


def _exact_point(W: np.ndarray, H: np.ndarray, b: np.ndarray | None, ds: Dataset) -> Problem:
    """The given float point by its exact binary values."""
    ex = lambda m: [[exact_from_float(float(v)) for v in row] for row in m]
    return ds.with_params(ex(W), ex(H), None if b is None else [exact_from_float(float(v)) for v in b])


def _float_arrays(W: Any, H: Any, b: Any, ds: Dataset) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Float arrays of the point, with shapes checked against the data."""
    d, J = len(ds.X[0]), len(ds.Y[0])
    try:
        Wf = np.asarray(W, dtype=np.float64)
        Hf = np.asarray(H, dtype=np.float64)
        bf = None if b is None else np.asarray(b, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError(f"expected float arrays W, H (and b): {exc}", "W/H/b") from None
    if Wf.ndim != 2 or Wf.shape[1] != d:
        raise InputError(f"W has shape {Wf.shape}, expected (|I|, {d})", "W")
    if Hf.shape != (J, Wf.shape[0]):
        raise InputError(f"H has shape {Hf.shape}, expected ({J}, {Wf.shape[0]})", "H")
    if bf is not None and bf.shape != (J,):
        raise InputError(f"b has shape {bf.shape}, expected ({J},)", "b")
    for name, arr in (("W", Wf), ("H", Hf), ("b", bf)):
        if arr is not None and not np.isfinite(arr).all():
            raise InputError("a NaN or infinite entry", name)
    return Wf, Hf, bf


def _sup_distance(a: Problem, b: Problem) -> Any:
    """``‖P_a − P_b‖_∞`` over W, H and b (exact; a missing bias counts as zero)."""
    def entries(p: Problem) -> list[Any]:
        return ([x for row in p.W for x in row] + [x for row in p.H for x in row]
                + list(p.b if p.b is not None else (0,) * p.n_outputs))
    best: Any = 0
    for x, y in zip(entries(a), entries(b)):
        d = x - y
        d = -d if sign(d) < 0 else d
        if sign(d - best) > 0:
            best = d
    return best


def snap_point(
    source: Any,
    W: Any = None,
    H: Any = None,
    b: Any = None,
    *,
    guesses: Sequence[Tolerances] | None = None,
    budget: int = DEFAULT_BUDGET,
    at: str = "final",
    seed_index: int = 0,
) -> PointSnap:
    """Snap a float point to an exact certified stationary point (``exactland.snap``).

    Parameters
    ----------
    source : Problem, Dataset, dict, path or run folder
        A problem (file, dict or :class:`Problem`) whose W, H (and b) are
        float approximations; a dict may hold NumPy float arrays for W, H, b;
        a :class:`Dataset` or a data file when ``W`` and ``H`` are given; or a
        run folder (``exactland train``), whose checkpoint ``at`` of seed
        ``seed_index`` is snapped.
    W, H, b : float arrays, optional
        The float point (|I|×d, |J|×|I|, |J|); given, they replace the source's.
    guesses : sequence of Tolerances, optional
        Structure guesses (default: :data:`DEFAULT_GUESSES`; see
        :func:`tolerance_guesses`).
    budget : int
        Passed to the certifier.
    at, seed_index : str, int
        The checkpoint of a run folder (as ``exactland snap RUN --at``).

    Returns
    -------
    PointSnap
        Check ``.certified``: a verdict is given only for a certified point.

    Examples
    --------
    A float copy of the exact zero-loss fit ``w = (1, 2), h = 1``:

    >>> r = snap_point({"activation": {"alpha_plus": 1, "alpha_minus": 0}, "X": [[1, 0], [0, 1]],
    ...                 "Y": [[1], [2]], "W": [["1.0000001", "1.9999998"]], "H": [["0.9999999"]]})
    >>> r.verdict, r.certificate.loss, r.point.W
    ('type-1-minimum', 0, ((1, 2),))
    """
    guesses = DEFAULT_GUESSES if guesses is None else tuple(guesses)
    if isinstance(source, (str, pathlib.Path)) and pathlib.Path(source).is_dir():
        return _snap_run(source, at, seed_index, guesses, budget)
    given, ds = _given(source, W, H, b)
    Wf, Hf, bf = float_point(given) if W is None else _float_arrays(W, H, b, ds)
    res = snap(ds, Wf, Hf, guesses, budget, b=bf)
    dist = None if res.problem is None else _sup_distance(given, res.problem)
    return PointSnap(given, res, dist)


def _given(source: Any, W: Any, H: Any, b: Any) -> tuple[Problem, Dataset]:
    """The given point (exact) and its data, from any accepted source."""
    if (W is None) != (H is None):
        raise InputError("give both W and H (or neither)", "W/H")
    problem: Problem | None = None
    if isinstance(source, Problem):
        ds, problem = source.dataset, source
    elif isinstance(source, Dataset):
        ds = source
    elif isinstance(source, Mapping):
        ds, fw, fh, fb, problem = _from_mapping(source)
        if W is None and problem is None:
            W, H, b = fw, fh, fb
    elif isinstance(source, (str, pathlib.Path)):
        problem = load(source) if W is None else None
        ds = problem.dataset if problem is not None else load_data(source)
    else:
        raise InputError(f"expected a problem, a path or a dict, got {type(source).__name__}", "source")
    if W is None:
        if problem is None:
            raise InputError("the source has no point: give W and H", "W/H")
        return problem, ds
    Wf, Hf, bf = _float_arrays(W, H, b, ds)
    given = _exact_point(Wf, Hf, bf, ds)
    return (given if problem is None else dataclasses.replace(given, origin=problem.origin)), ds


def _snap_run(folder: Any, at: str, seed_index: int, guesses: tuple[Tolerances, ...], budget: int) -> PointSnap:
    """A run folder's checkpoint, snapped (the float point: the checkpoint's exact binary values)."""
    run = load_run(folder)
    if not 0 <= seed_index < run.n_seeds:
        raise InputError(f"the run has {run.n_seeds} seed(s)", "seed_index")
    c, step = checkpoint(run, at, seed_index)
    Wf, Hf = run.raw.W[c, seed_index], run.raw.H[c, seed_index]
    bf = None if run.raw.b is None else run.raw.b[c, seed_index]
    Wf, Hf, bf = _float_arrays(Wf, Hf, bf, run.dataset)
    given = _exact_point(Wf, Hf, bf, run.dataset)
    res = snap(run.dataset, Wf, Hf, guesses, budget, b=bf)
    dist = None if res.problem is None else _sup_distance(given, res.problem)
    return PointSnap(given, res, dist, step)

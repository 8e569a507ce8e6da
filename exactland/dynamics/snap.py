"""From a float GD point to an exact, certified stationary candidate (docs/mathematics.md §9).

1. Guess the structure (:mod:`exactland.dynamics.structure`) with a list of
   tolerance sets.
2. For fixed sign patterns the outputs are linear in the group matrices
   ``A_g = Σ_{i∈g} h_{·i} w_iᵀ``; the exact candidate solves the exact
   least-squares problem with the kink constraints ``A_g x_k = 0``
   (``A_g = B_g N_gᵀ`` with ``N_g`` a basis of the kink normals' orthogonal
   complement). A non-unique solution is replaced by the solution nearest to
   (a rational rounding of) the float one (:mod:`exactland.dynamics.group_solve`).
3. Each ``A_g`` (rank one; for |J| > 1 a group whose solution is not rank one
   keeps the rational rounding of its float direction and re-solves for its
   output weights) is split back over the group's neurons with positive
   factors close to the float ones (positive rescaling keeps every verdict);
   small living neurons become exactly zero, dead neurons are rounded and
   stay strictly dead (:mod:`exactland.dynamics.candidate`).
4. The sign patterns are checked exactly and the point is certified by the
   exact core (this module). A guess whose patterns flip or whose point is not
   stationary is reported and the next guess is tried — never a wrong verdict.
5. When no guess certifies (or the certified point is ``undecided``), the
   minimum may be irrational (several outputs, positive loss, no kinks), or
   exact but beyond the exact type-2 test: :mod:`exactland.dynamics.refine` refines the
   float point by Newton's method to a rational center and isolates the
   minimum near it (docs/isolation.md); the result then carries an
   :class:`~exactland.core.isolation.IsolationCertificate` instead of a
   certificate of an exact point.

With an output bias ``b`` the structure is guessed against the targets
``Y − 1bᵀ`` of the float point, ``b`` is solved exactly together with the
group products (:func:`exactland.dynamics.group_solve.bias_solution`), and the
group matrices are those of the bias-free problem with the targets ``Y − 1bᵀ``
of the exact ``b``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from exactland.core.certificate import Certificate, Verdict
from exactland.core.classify import DEFAULT_BUDGET, certify
from exactland.core.isolation import IsolationCertificate
from exactland.core.problem import Dataset, Problem
from exactland.dynamics.candidate import PatternFlip, exact_candidate
from exactland.dynamics.group_solve import bias_solution
from exactland.dynamics.ladder import is_far, ladder_stages, point_scale, settled
from exactland.dynamics.refine import isolate_float_point
from exactland.dynamics.structure import DEFAULT_GUESSES, Structure, Tolerances, guess_structure
from exactland.exact.scalars import to_float

__all__ = ["SnapAttempt", "SnapResult", "snap"]

Vector = tuple[Any, ...]

#: Isolation (docs/isolation.md) is tried for at most this many gauge coordinates …
MAX_ISOLATION_VARIABLES = 200
#: … and at most this many Jacobian entries (residuals × coordinates).
MAX_ISOLATION_ENTRIES = 4_000_000


@dataclass(frozen=True)
class SnapAttempt:
    """One structure guess and what became of it."""

    tolerances: Tolerances | None  # None for the isolation attempt
    outcome: str  # "certified", "pattern-flip", "not-stationary", "degenerate", "far", "farther",
    #               "isolated", "not-isolated"
    detail: str
    verdict: str | None


@dataclass(frozen=True)
class SnapResult:
    """The exact point derived from a float point, with its certificate.

    Attributes
    ----------
    problem : Problem or None
        The exact candidate (None when every guess failed).
    certificate : Certificate or None
    structure : Structure or None
        The guess that was certified.
    tolerances : Tolerances or None
    distance : float or None
        ``max |P_float − P_exact|`` over all parameters, ``b`` included (∞-norm, float).
    attempts : tuple of SnapAttempt
    isolation : IsolationCertificate or None
        When no rational stationary point certified: the minimum isolated
        near the rational center ``problem`` (docs/isolation.md); ``certificate``
        is then None.
    """

    problem: Problem | None
    certificate: Certificate | None
    structure: Structure | None
    tolerances: Tolerances | None
    distance: float | None
    attempts: tuple[SnapAttempt, ...]
    isolation: IsolationCertificate | None = None

    @property
    def verdict(self) -> str | None:
        """The certified verdict, if any guess survived (or a minimum was isolated)."""
        if self.isolation is not None:
            return self.isolation.verdict
        return None if self.certificate is None else self.certificate.verdict.value


def _distance(W: np.ndarray, H: np.ndarray, Wx: Sequence[Vector], Hx: Sequence[Vector],
              b: np.ndarray | None = None, bx: Vector | None = None) -> float:
    dw = max((abs(W[i, c] - to_float(Wx[i][c])) for i in range(W.shape[0]) for c in range(W.shape[1])), default=0.0)
    dh = max((abs(H[j, i] - to_float(Hx[j][i])) for j in range(H.shape[0]) for i in range(H.shape[1])), default=0.0)
    db = 0.0 if b is None or bx is None else max((abs(b[j] - to_float(c)) for j, c in enumerate(bx)), default=0.0)
    return float(max(dw, dh, db))


def _shifted(dataset: Dataset, bx: Vector) -> Dataset:
    """The data with targets ``Y − 1bᵀ`` (the bias-free problem at the exact ``b``)."""
    return Dataset(dataset.activation, dataset.X, tuple(tuple(y - c for y, c in zip(row, bx)) for row in dataset.Y))


_Certified = tuple[Problem, Certificate, Structure, Tolerances, float]
"""A surviving guess: the exact point, its certificate, structure, tolerances, distance."""


def _try_guess(
    dataset: Dataset, W: np.ndarray, H: np.ndarray, tol: Tolerances, st: Structure, budget: int,
    max_kink_moves: int, seen: set[Any], attempts: list[SnapAttempt], b: np.ndarray | None = None,
    nearest: float = float("inf"),
) -> _Certified | None:
    """Build and certify the exact point of one structure guess.

    A pattern flip moves the sample onto the kink and retries (at most
    ``max_kink_moves`` times); structures in ``seen`` are skipped and added to
    it. Every outcome is appended to ``attempts``. Returns the certified
    stationary candidate, or None. ``b``: the float output bias (None: no bias).
    A candidate that is far (:func:`exactland.dynamics.ladder.is_far`) or not
    nearer than ``nearest`` (a certified candidate's distance) is not certified:
    it could not be returned.
    """
    for _ in range(max_kink_moves + 1):
        key = (st.dead, st.small, st.groups, st.kinks, st.patterns)
        if key in seen:
            return None
        seen.add(key)
        bx = None if b is None else bias_solution(dataset, st, W, H, b)
        if b is not None and bx is None:
            attempts.append(SnapAttempt(tol, "degenerate", "degenerate: no exact output bias", None))
            return None
        cand = exact_candidate(dataset if bx is None else _shifted(dataset, bx), st, W, H)
        if isinstance(cand, PatternFlip):
            # the constrained optimum lies on the boundary: retry with the sample on the kink
            attempts.append(SnapAttempt(tol, "pattern-flip", f"{cand}; retrying with sample "
                                        f"{cand.sample} on the kink of group {cand.group}", None))
            st = cand.on_kink(st)
            continue
        if isinstance(cand, str):
            outcome = "pattern-flip" if "dead" in cand else "degenerate"
            attempts.append(SnapAttempt(tol, outcome, cand, None))
            return None
        Wx, Hx = cand
        dist = _distance(W, H, Wx, Hx, b, bx)
        far = is_far(dist, W, H, b, origin=not st.groups)  # another point, not a snap (ladder.py)
        if far or not dist < nearest:
            why = (f"exceeds the float point's own scale {point_scale(W, H, b):.3g}" if far
                   else f"is not below {nearest:.3g}, a certified candidate's")
            attempts.append(SnapAttempt(tol, "far" if far else "farther",
                                        f"|float - exact|_inf = {dist:.3g} {why}", None))
            return None
        problem = dataset.with_params(Wx, Hx, bx)
        cert = certify(problem, budget=budget)
        if cert.verdict is Verdict.NOT_STATIONARY:
            attempts.append(SnapAttempt(tol, "not-stationary",
                                        "the exact candidate is not stationary (its certificate "
                                        "has a descent witness); trying the next guess", cert.verdict.value))
            return None
        attempts.append(SnapAttempt(tol, "certified", f"|float - exact|_inf = {dist:.3g}",
                                    cert.verdict.value))
        return problem, cert, st, tol, dist
    return None


def snap(
    dataset: Dataset,
    W: np.ndarray,
    H: np.ndarray,
    guesses: Sequence[Tolerances] = DEFAULT_GUESSES,
    budget: int = DEFAULT_BUDGET,
    max_kink_moves: int = 4,
    b: np.ndarray | None = None,
) -> SnapResult:
    """Turn a float point into an exact certified stationary candidate.

    Parameters
    ----------
    dataset : Dataset
        The exact data the float point was trained on.
    W : (I, d) float array
    H : (J, I) float array
    guesses : sequence of Tolerances
        Structure guesses; every distinct guess is tried, and among those
        that yield a stationary point (saddle, type-1 minimum or undecided)
        near the float point the one nearest to it is returned. They are the
        first stage of the tolerance ladder (:mod:`exactland.dynamics.ladder`:
        kink tolerances raised to the float point's precision, and wider
        fallback guesses only when the first stage certified nothing within
        ``NEAR_FACTOR·s`` of the float point;
        a certified point farther than the float point's own scale is
        rejected as ``"far"``).
    budget : int
        Passed to :func:`exactland.core.classify`.
    max_kink_moves : int
        When the exact solution pushes a sample across a group's kink, the
        stationary point may sit on that kink (GD approaches kinks slowly):
        the guess is retried with the sample on the kink, at most this often.
    b : (J,) float array, optional
        The float point's output bias; given, the exact point has a bias too
        (solved exactly, free), and its stationarity includes ``Σ_k e_k = 0``.

    Returns
    -------
    SnapResult

    Examples
    --------
    A float point near the exact zero-loss fit ``w = (1, 2), h = 1`` of two
    samples is snapped onto it:

    >>> import numpy as np
    >>> from exactland.core.problem import load_data
    >>> ds = load_data({"activation": {"alpha_plus": 1, "alpha_minus": 0},
    ...                 "X": [[1, 0], [0, 1]], "Y": [[1], [2]]})
    >>> res = snap(ds, np.array([[1.0000001, 1.9999998]]), np.array([[0.9999999]]))
    >>> res.verdict, res.certificate.loss
    ('type-1-minimum', 0)
    """
    X = np.array([[to_float(c) for c in row] for row in dataset.X])
    Y = np.array([[to_float(c) for c in row] for row in dataset.Y])
    if b is not None:
        b = np.asarray(b, dtype=np.float64).reshape(Y.shape[1])
        Y = Y - b[None, :]  # the float targets the hidden layer fits at the float point
    am = to_float(dataset.activation.alpha_minus)
    attempts: list[SnapAttempt] = []
    seen: set[Any] = set()
    best: _Certified | None = None
    for stage in ladder_stages(guesses, W, H, X, Y, am, b):  # the fallback stage only if not settled
        for tol in stage:
            st = guess_structure(W, H, X, Y, am, tol)
            found = _try_guess(dataset, W, H, tol, st, budget, max_kink_moves, seen, attempts, b,
                               float("inf") if best is None else best[4])
            if found is not None and (best is None or found[4] < best[4]):
                best = found
        if best is not None and settled(best[4], W, H, b):
            break
    if best is not None and best[1].verdict is not Verdict.UNDECIDED:
        return SnapResult(*best, tuple(attempts))
    iso = _isolated(dataset, W, H, b, attempts)  # no certified point, or an undecided one
    if iso.isolation is None and best is not None:
        return SnapResult(*best, tuple(attempts))
    return iso


def _isolated(dataset: Dataset, W: np.ndarray, H: np.ndarray, b: np.ndarray | None,
              attempts: list[SnapAttempt]) -> SnapResult:
    """No rational point certified: isolate an irrational minimum near the float point (refine.py)."""
    I, d = W.shape
    J, K = H.shape[0], len(dataset.X)
    n = I * (d - 1 + J) + (0 if b is None else J)
    if n > MAX_ISOLATION_VARIABLES or n * K * J > MAX_ISOLATION_ENTRIES:
        attempts.append(SnapAttempt(None, "not-isolated", f"isolation skipped: {n} gauge coordinates and "
                                    f"{K * J} residuals exceed its limits", None))
        return SnapResult(None, None, None, None, None, tuple(attempts))
    res = isolate_float_point(dataset, W, H, b)
    cert = res.certificate
    if cert is not None:
        p = cert.problem
        dist = _distance(W, H, p.W, p.H, b, p.b)
        if not is_far(dist, W, H, b, origin=False):
            attempts.append(SnapAttempt(None, "isolated", f"a critical point isolated within "
                                        f"{to_float(cert.location_radius):.3g} of a rational center at "
                                        f"|float - center|_inf = {dist:.3g}", cert.verdict))
            return SnapResult(p, None, None, None, dist, tuple(attempts), cert)
        reason = f"the isolated critical point's center is far from the float point (|float - center|_inf = {dist:.3g})"
    else:
        reason = res.reason
    attempts.append(SnapAttempt(None, "not-isolated", f"isolation failed: {reason}", None))
    return SnapResult(None, None, None, None, None, tuple(attempts))

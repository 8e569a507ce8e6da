"""Pick a checkpoint of a run, snap it to an exact point, and describe the result.

Shared by the ``snap``, ``train`` (batch) and ``demo`` commands; returns data
and text, prints nothing.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from exactland.dynamics.phases import phases
from exactland.dynamics.run import Run
from exactland.core.defaults import DEFAULT_BUDGET
from exactland.dynamics.snap import SnapResult, snap
from exactland.dynamics.structure import DEFAULT_GUESSES, Tolerances
from exactland.errors import InputError, InternalError

__all__ = ["checkpoint", "checkpoint_note", "snap_at", "snap_report", "describe_snap"]


def checkpoint(r: Run, at: str, seed_index: int) -> tuple[int, int]:
    """``(checkpoint index, step)`` selected by ``at``: a step, ``final`` or ``plateau-N``."""
    steps = list(r.raw.ckpt_steps)
    if at == "final":
        return len(steps) - 1, int(steps[-1])
    if at.startswith("plateau-"):
        try:
            n = int(at.split("-", 1)[1])
        except ValueError as exc:
            raise InputError(f"expected plateau-N, got {at!r}", "--at") from exc
        ps = phases(r, seed_index)
        if not 0 <= n < len(ps):
            raise InputError(f"the run has {len(ps)} plateaus (plateau-0 … plateau-{len(ps) - 1})", "--at")
        return steps.index(ps[n].snapshot), ps[n].snapshot
    step = _step_number(at)
    if not steps[0] <= step <= steps[-1]:
        raise InputError(f"step {step} is outside the run: checkpoints run from step {int(steps[0])} to "
                         f"{int(steps[-1])}" + _spacing(steps), "--at")
    c = int(np.argmin([abs(s - step) for s in steps]))
    return c, int(steps[c])


def _step_number(at: str) -> int:
    """A step written as an integer or in exponent form (``1e5``)."""
    try:
        return int(at)
    except ValueError:
        pass
    try:
        value = float(at)
    except ValueError:
        raise InputError(f"expected a step, 'final' or 'plateau-N', got {at!r}", "--at") from None
    if not value.is_integer():
        raise InputError(f"a step is a whole number, got {at!r}", "--at")
    return int(value)


def _spacing(steps: list) -> str:
    gaps = {int(b) - int(a) for a, b in zip(steps, steps[1:])}
    return f" (every {gaps.pop()} steps)" if len(gaps) == 1 else ""


def checkpoint_note(requested: str, step: int) -> str | None:
    """A message when ``--at STEP`` was not a checkpoint and the nearest one was used."""
    if requested in ("final",) or requested.startswith("plateau-"):
        return None
    want = _step_number(requested)
    if want == step:
        return None
    return f"step {want} is not a checkpoint; snapped the nearest checkpoint, step {step}"


def snap_at(r: Run, at: str, seed_index: int = 0, guesses: Sequence[Tolerances] = DEFAULT_GUESSES,
            budget: int = DEFAULT_BUDGET) -> tuple[int, SnapResult]:
    """Snap the run's checkpoint selected by ``at``; returns (step, result).

    A run with an output bias is snapped with it (the exact point has a bias).
    ``guesses`` and ``budget`` are passed to :func:`exactland.dynamics.snap.snap`.
    """
    if not 0 <= seed_index < r.n_seeds:
        raise InputError(f"the run has {r.n_seeds} seed(s)", "--seed-index")
    c, step = checkpoint(r, at, seed_index)
    W, H = r.raw.W[c, seed_index], r.raw.H[c, seed_index]
    b = None if r.raw.b is None else r.raw.b[c, seed_index]
    if not (np.isfinite(W).all() and np.isfinite(H).all() and (b is None or np.isfinite(b).all())):
        raise InputError(f"the parameters at step {step} are not finite (the run diverged)", "--at")
    return step, snap(r.dataset, W, H, guesses, budget, b=b)


def snap_report(step: int, res: SnapResult) -> dict[str, Any]:
    """JSON-ready report of a snap (an isolated irrational minimum: ``loss`` is ``[lo, hi]`` and
    ``certificate`` the isolation certificate, docs/isolation.md)."""
    cert, iso = res.certificate, res.isolation
    if iso is not None:
        esc: Any = list(iso.escape_neurons)
        loss: Any = [str(x) for x in iso.loss_interval]
        cdict: Any = iso.to_dict()
    else:
        esc = None if cert is None else list(cert.escape_neurons)
        loss = None if cert is None else str(cert.loss)
        cdict = None if cert is None else cert.to_dict()
    return {
        "step": step,
        "verdict": res.verdict,
        "distance": res.distance,
        "tolerances": None if res.tolerances is None else res.tolerances.as_dict(),
        "attempts": [{"tolerances": None if a.tolerances is None else a.tolerances.as_dict(),
                      "outcome": a.outcome, "detail": a.detail, "verdict": a.verdict} for a in res.attempts],
        "escape_neurons": esc,
        "small_living": None if res.structure is None else list(res.structure.small),
        "loss": loss,
        "certificate": cdict,
    }


def describe_snap(step: int, res: SnapResult, verbose: bool = False) -> str:
    """One line: the verdict, exact loss, escape neurons and structure of a snap."""
    if res.isolation is not None:
        iso = res.isolation
        lo, hi = iso.loss_interval
        p = iso.problem
        mse = 2 * hi / (p.n_samples * p.n_outputs)
        return (f"step {step}: {iso.verdict} — an irrational minimum isolated within "
                f"{float(iso.location_radius):.2g} of a rational center, exact L in "
                f"[{float(lo):.15g}, {float(hi):.15g}] (MSE ≈ {float(mse):.9g}); escape neurons "
                f"{list(iso.escape_neurons)}, {len(iso.dead)} dead; |float − center|_∞ = {res.distance:.2g}; "
                f"independent check: {'valid' if not iso.verify() else 'INVALID'}")
    if res.certificate is None:
        return (f"step {step}: no exact stationary point found near the float point "
                f"({len(res.attempts)} structure guesses: "
                + "; ".join(f"{a.outcome}: {a.detail}" for a in res.attempts[:4]) + " …)")
    c = res.certificate
    st = res.structure
    if st is None:
        raise InternalError("a certified snap has no structure")
    p = c.problem
    mse = 2 * c.loss / (p.n_samples * p.n_outputs)
    esc, small = list(c.escape_neurons), list(st.small)
    if verbose:
        who = f"escape neurons {esc} (small living {small})"
    elif esc and esc == small:
        who = f"{len(esc)} escape neurons = the {len(small)} small living neurons"
    else:
        who = f"{len(esc)} escape neurons, {len(small)} small living neurons"
    return (f"step {step}: {c.verdict.value} — exact L = {c.loss} (MSE ≈ {float(mse):.9g}); {who}; "
            f"groups {[len(g) for g in st.groups]}, {len(st.dead)} dead; "
            f"|float − exact|_∞ = {res.distance:.2g}; independent check: "
            f"{'valid' if c.verify().valid else 'INVALID'}")

"""Command-line front end of the fast float path: train, phases, snap, plot, demo."""
from __future__ import annotations

import argparse
import json
import pathlib
import sys
from collections import Counter
from typing import Any

import numpy as np

from exactland.errors import InputError
from exactland.core.problem import load_data
from exactland.dynamics.phases import phases
from exactland.dynamics.run import Run, load_run, train
from exactland.dynamics.snap import SnapResult, snap
from exactland.dynamics.train import TrainConfig

__all__ = ["add_parsers", "run", "SECTION_411"]

SECTION_411 = dict(width=50, init_std=8e-6, lr=1e-3, steps=600_000, loss="mse", seeds=(12,),
                   log_every=200, checkpoint_every=1000)
"""The paper's Section 4.1.1 settings (its code: init std 50^-3 = 8e-6, lr 1e-3, 600k steps, MSE)."""


def _seeds(text: str) -> tuple[int, ...]:
    try:
        if ":" in text:
            a, b = text.split(":")
            return tuple(range(int(a), int(b)))
        return tuple(int(s) for s in text.split(","))
    except ValueError as exc:
        raise InputError(f"expected 'a:b' or a comma-separated list, got {text!r}", "--seeds") from exc


def add_parsers(sub: Any) -> None:
    """Add the train/phases/snap/plot/demo subcommands."""
    t = sub.add_parser("train", help="full-batch gradient descent (float64) from small initialisation")
    t.add_argument("problem", help="problem or data JSON (W and H may be absent)")
    t.add_argument("--width", type=int, default=50)
    t.add_argument("--init-std", type=float, default=8e-6)
    t.add_argument("--lr", type=float, default=1e-3)
    t.add_argument("--steps", type=int, default=600_000)
    t.add_argument("--loss", choices=["mse", "half-sse"], default="mse",
                   help="mse: the paper's code (mean over samples and outputs); half-sse: ½Σe² (eq. 2)")
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--seeds", help="many seeds at once, 'a:b' or 'a,b,c' (overrides --seed)")
    t.add_argument("--log-every", type=int, default=None)
    t.add_argument("--checkpoint-every", type=int, default=None)
    t.add_argument("--engine", choices=["auto", "numba", "numpy"], default="auto")
    t.add_argument("--out", required=True, help="run folder to write")
    p = sub.add_parser("phases", help="plateaus (saddle neighbourhoods) and final state of a run")
    p.add_argument("run", help="run folder")
    p.add_argument("--seed-index", type=int, default=0)
    p.add_argument("--json", action="store_true")
    s = sub.add_parser("snap", help="exact certified point near a step, plateau or the end of a run")
    s.add_argument("run", help="run folder")
    s.add_argument("--at", default="final", help="a step number, 'final' or 'plateau-N'")
    s.add_argument("--seed-index", type=int, default=0)
    s.add_argument("--json", action="store_true")
    s.add_argument("--out", help="where to save the snapped problem JSON (default: RUN/snap-AT.json)")
    g = sub.add_parser("plot", help="Figure 3 panels of a run (PNG)")
    g.add_argument("run", help="run folder")
    g.add_argument("--seed-index", type=int, default=0)
    g.add_argument("--out", help="PNG path (default: RUN/figure3.png)")
    d = sub.add_parser("demo", help="the main job: train the paper's Section 4.1.1 example, find its "
                       "plateaus, snap and certify each one and the end, draw Figure 3")
    d.add_argument("--out", default="exactland-demo", help="folder for the run and the figure")
    d.add_argument("--engine", choices=["auto", "numba", "numpy"], default="auto")


def _progress(done: int, total: int) -> None:
    if sys.stderr.isatty():
        n = int(30 * done / total)
        sys.stderr.write(f"\r[{'#' * n}{'.' * (30 - n)}] {done}/{total} steps")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def _config(args: argparse.Namespace) -> TrainConfig:
    seeds = _seeds(args.seeds) if args.seeds else (args.seed,)
    log_every = args.log_every or max(1, args.steps // 3000)
    ck = args.checkpoint_every or max(1, args.steps // (600 if len(seeds) == 1 else 20))
    return TrainConfig(width=args.width, init_std=args.init_std, lr=args.lr, steps=args.steps,
                       loss=args.loss, seeds=seeds, log_every=log_every, checkpoint_every=ck,
                       engine=args.engine)


def _checkpoint(r: Run, at: str, seed_index: int) -> tuple[int, int]:
    """(checkpoint index, step) for --at."""
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
    try:
        step = int(at)
    except ValueError as exc:
        raise InputError(f"expected a step, 'final' or 'plateau-N', got {at!r}", "--at") from exc
    c = int(np.argmin([abs(s - step) for s in steps]))
    return c, int(steps[c])


def snap_at(r: Run, at: str, seed_index: int = 0) -> tuple[int, SnapResult]:
    """Snap the run's checkpoint selected by ``at``; returns (step, result)."""
    if not 0 <= seed_index < r.n_seeds:
        raise InputError(f"the run has {r.n_seeds} seed(s)", "--seed-index")
    c, step = _checkpoint(r, at, seed_index)
    W, H = r.raw.W[c, seed_index], r.raw.H[c, seed_index]
    if not (np.isfinite(W).all() and np.isfinite(H).all()):
        raise InputError(f"the parameters at step {step} are not finite (the run diverged)", "--at")
    return step, snap(r.dataset, W, H)


def snap_report(step: int, res: SnapResult) -> dict[str, Any]:
    """JSON-ready report of a snap."""
    return {
        "step": step,
        "verdict": res.verdict,
        "distance": res.distance,
        "tolerances": None if res.tolerances is None else res.tolerances.as_dict(),
        "attempts": [{"tolerances": a.tolerances.as_dict(), "outcome": a.outcome, "detail": a.detail,
                      "verdict": a.verdict} for a in res.attempts],
        "escape_neurons": None if res.certificate is None else list(res.certificate.escape_neurons),
        "small_living": None if res.structure is None else list(res.structure.small),
        "loss": None if res.certificate is None else str(res.certificate.loss),
        "certificate": None if res.certificate is None else res.certificate.to_dict(),
    }


def _describe(step: int, res: SnapResult, verbose: bool = False) -> str:
    if res.certificate is None:
        return (f"step {step}: no exact stationary point found near the float point "
                f"({len(res.attempts)} structure guesses: "
                + "; ".join(f"{a.outcome}: {a.detail}" for a in res.attempts[:4]) + " …)")
    c = res.certificate
    st = res.structure
    assert st is not None
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


def _train(args: argparse.Namespace) -> int:
    cfg = _config(args)
    r = train(load_data(args.problem), cfg, _progress)
    out = r.save(args.out)
    s = r.summary()
    print(f"trained {cfg.steps} steps × {len(cfg.seeds)} seed(s) in {r.raw.seconds:.2f} s "
          f"({r.raw.engine}); run written to {out}")
    for seed, at in zip(cfg.seeds, s["diverged_at"]):
        if at >= 0:
            print(f"seed {seed}: DIVERGED (non-finite loss or parameters) at step {at}")
    if len(cfg.seeds) > 1:
        verdicts: Counter[str] = Counter()
        losses: Counter[str] = Counter()
        rows = []
        for n, seed in enumerate(cfg.seeds):
            if s["diverged_at"][n] >= 0:
                verdicts["diverged"] += 1
                continue
            step, res = snap_at(r, "final", n)
            v = res.verdict or "no exact point"
            verdicts[v] += 1
            loss = None if res.certificate is None else str(res.certificate.loss)
            losses[f"{float(res.certificate.loss):.9g}" if res.certificate else "-"] += 1
            rows.append({"seed": seed, "verdict": v, "exact_loss": loss, "float_loss": s["final_loss"][n]})
        (out / "batch.json").write_text(json.dumps({"runs": rows, "verdicts": verdicts,
                                                    "final_losses": losses}, indent=1) + "\n")
        print("final verdicts: " + ", ".join(f"{k}: {v}" for k, v in verdicts.most_common()))
        print("final exact losses (½Σe²): " + ", ".join(f"{k} ×{v}" for k, v in losses.most_common()))
    return 0


def _phases(args: argparse.Namespace) -> int:
    r = load_run(args.run)
    ps = phases(r, args.seed_index)
    if args.json:
        print(json.dumps([p.as_dict() for p in ps], indent=1))
        return 0
    for p in ps:
        kind = "final state" if p.final else f"plateau {p.index}"
        st = p.structure
        print(f"{kind}: steps {p.start}–{p.end}, loss {p.loss:.9g} at snapshot step {p.snapshot} "
              f"(|grad| {p.grad_norm:.2g})")
        print(f"  groups {[len(g) for g in st.groups]} at angles {[round(a, 3) for a in p.angles]} rad, "
              f"kink sets {[list(k) for k in st.kinks]}")
        print(f"  dead {len(st.dead)}, small living {len(st.small)} {list(st.small)}")
        print(f"  Fact 4.6 drift max |Δ(‖w‖² − h²)| = {p.conservation_drift:.3g}")
    return 0


def _snap(args: argparse.Namespace) -> int:
    r = load_run(args.run)
    step, res = snap_at(r, args.at, args.seed_index)
    if res.problem is not None:
        path = pathlib.Path(args.out or pathlib.Path(args.run) / f"snap-{args.at}.json")
        path.write_text(res.problem.to_json() + "\n", encoding="utf-8")
    if args.json:
        print(json.dumps(snap_report(step, res), indent=1))
    else:
        print(_describe(step, res, verbose=True))
    return 0


def _plot(args: argparse.Namespace) -> int:
    from exactland.dynamics.plot import plot_run

    r = load_run(args.run)
    ps = phases(r, args.seed_index)
    out = plot_run(r, args.out or pathlib.Path(args.run) / "figure3.png", ps, ps[-1].structure, args.seed_index)
    print(f"figure written to {out}")
    return 0


def demo(out: str | pathlib.Path = "exactland-demo", engine: str = "auto") -> list[str]:
    """Section 4.1.1 end to end; returns the report lines."""
    from exactland.builtin.examples import load_example
    from exactland.dynamics.plot import plot_run

    cfg = TrainConfig(engine=engine, **SECTION_411)
    r = train(load_example("origin-saddle").dataset, cfg, _progress)
    r.save(out)
    lines = [f"Section 4.1.1: 5 samples, width 50, init std 8e-6, lr 1e-3, {cfg.steps} steps, "
             f"MSE, seed 12 — trained in {r.raw.seconds:.2f} s ({r.raw.engine})"]
    ps = phases(r)
    for p in ps:
        c = list(r.raw.ckpt_steps).index(p.snapshot)
        res = snap(r.dataset, r.raw.W[c, 0], r.raw.H[c, 0])
        head = "final state" if p.final else f"plateau {p.index} (ends at step {p.end})"
        lines.append(f"{head}: float MSE {p.loss:.9g}")
        lines.append("  " + _describe(p.snapshot, res))
    fig = plot_run(r, pathlib.Path(out) / "figure3.png", ps, ps[-1].structure)
    lines.append(f"figure: {fig}   run: {out}/")
    return lines


def run(args: argparse.Namespace) -> int:
    """Dispatch the subcommands added by :func:`add_parsers`."""
    if args.command == "train":
        return _train(args)
    if args.command == "phases":
        return _phases(args)
    if args.command == "snap":
        return _snap(args)
    if args.command == "plot":
        return _plot(args)
    for line in demo(args.out, args.engine):
        print(line)
    return 0

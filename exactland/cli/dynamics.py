"""Commands of the float path: ``train``, ``phases``, ``snap``, ``plot``, ``demo``."""
from __future__ import annotations

import argparse
import json
import pathlib
import sys
from collections import Counter
from typing import Any

from exactland.cli.common import EXIT_OK
from exactland.errors import InputError

__all__ = ["register"]


def _seeds(text: str) -> tuple[int, ...]:
    try:
        if ":" in text:
            a, b = text.split(":")
            return tuple(range(int(a), int(b)))
        return tuple(int(s) for s in text.split(","))
    except ValueError as exc:
        raise InputError(f"expected 'a:b' or a comma-separated list, got {text!r}", "--seeds") from exc


def register(sub: Any) -> None:
    """Add the train/phases/snap/plot/demo subcommands."""
    from exactland.dynamics.settings import SECTION_4_1_1

    t = sub.add_parser("train", help="full-batch gradient descent (float64) from small initialisation; "
                       "the defaults are the paper's Section 4.1.1 settings")
    t.add_argument("problem", help="problem or data JSON (W and H may be absent)")
    paper = SECTION_4_1_1
    t.add_argument("--width", type=int, default=paper.width, help=f"hidden neurons (default {paper.width})")
    t.add_argument("--init-std", type=float, default=paper.init_std,
                   help=f"standard deviation of the initial weights (default {paper.init_std:g})")
    t.add_argument("--lr", type=float, default=paper.lr, help=f"step size (default {paper.lr:g})")
    t.add_argument("--steps", type=int, default=paper.steps, help=f"gradient steps (default {paper.steps})")
    t.add_argument("--loss", choices=["mse", "half-sse"], default="mse",
                   help="mse: the paper's code (mean over samples and outputs); half-sse: ½Σe² (eq. 2) "
                   "(default mse)")
    t.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    t.add_argument("--seeds", help="many seeds at once, 'a:b' or 'a,b,c' (overrides --seed)")
    t.add_argument("--log-every", type=int, default=None,
                   help="steps between logged losses (default: steps/3000)")
    t.add_argument("--checkpoint-every", type=int, default=None,
                   help="steps between saved parameters (default: steps/600, steps/20 for several seeds)")
    t.add_argument("--engine", choices=["auto", "numba", "numpy"], default="auto",
                   help="numba when installed, else NumPy (default auto)")
    t.add_argument("--out", required=True, help="run folder to write")
    t.set_defaults(handler=_train)
    p = sub.add_parser("phases", help="plateaus (saddle neighbourhoods) and final state of a run")
    p.add_argument("run", help="run folder")
    p.add_argument("--seed-index", type=int, default=0, help="which seed of a batch (default 0)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=_phases)
    s = sub.add_parser("snap", help="exact certified point near a step, plateau or the end of a run")
    s.add_argument("run", help="run folder")
    s.add_argument("--at", default="final", help="a step number, 'final' or 'plateau-N' (default final)")
    s.add_argument("--seed-index", type=int, default=0, help="which seed of a batch (default 0)")
    s.add_argument("--json", action="store_true", help="print JSON")
    s.set_defaults(handler=_snap)
    s.add_argument("--out", help="where to save the snapped problem JSON (default: RUN/snap-AT.json)")
    g = sub.add_parser("plot", help="Figure 3 panels of a run (PNG)")
    g.add_argument("run", help="run folder")
    g.add_argument("--seed-index", type=int, default=0, help="which seed of a batch (default 0)")
    g.add_argument("--out", help="PNG path (default: RUN/figure3.png)")
    g.set_defaults(handler=_plot)
    d = sub.add_parser("demo", help="the main job: train the paper's Section 4.1.1 example, find its "
                       "plateaus, snap and certify each one and the end, draw Figure 3")
    d.add_argument("--out", default="exactland-demo",
                   help="folder for the run and the figure (default exactland-demo)")
    d.add_argument("--engine", choices=["auto", "numba", "numpy"], default="auto",
                   help="numba when installed, else NumPy (default auto)")
    d.set_defaults(handler=_demo)


def _progress(done: int, total: int) -> None:
    if sys.stderr.isatty():
        n = int(30 * done / total)
        sys.stderr.write(f"\r[{'#' * n}{'.' * (30 - n)}] {done}/{total} steps")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def _config(args: argparse.Namespace) -> Any:
    from exactland.dynamics.config import TrainConfig

    seeds = _seeds(args.seeds) if args.seeds else (args.seed,)
    log_every = args.log_every or max(1, args.steps // 3000)
    ck = args.checkpoint_every or max(1, args.steps // (600 if len(seeds) == 1 else 20))
    return TrainConfig(width=args.width, init_std=args.init_std, lr=args.lr, steps=args.steps,
                       loss=args.loss, seeds=seeds, log_every=log_every, checkpoint_every=ck,
                       engine=args.engine)


def _train(args: argparse.Namespace) -> int:
    from exactland.core.problem import load_data
    from exactland.dynamics.checkpoints import snap_at
    from exactland.dynamics.run import train

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
    return EXIT_OK


def _phases(args: argparse.Namespace) -> int:
    from exactland.dynamics.phases import phases
    from exactland.dynamics.run import load_run

    r = load_run(args.run)
    ps = phases(r, args.seed_index)
    if args.json:
        print(json.dumps([p.as_dict() for p in ps], indent=1))
        return EXIT_OK
    for p in ps:
        kind = "final state" if p.final else f"plateau {p.index}"
        st = p.structure
        print(f"{kind}: steps {p.start}–{p.end}, loss {p.loss:.9g} at snapshot step {p.snapshot} "
              f"(|grad| {p.grad_norm:.2g})")
        print(f"  groups {[len(g) for g in st.groups]} at angles {[round(a, 3) for a in p.angles]} rad, "
              f"kink sets {[list(k) for k in st.kinks]}")
        print(f"  dead {len(st.dead)}, small living {len(st.small)} {list(st.small)}")
        print(f"  Fact 4.6 drift max |Δ(‖w‖² − h²)| = {p.conservation_drift:.3g}")
    return EXIT_OK


def _snap(args: argparse.Namespace) -> int:
    from exactland.dynamics.checkpoints import describe_snap, snap_at, snap_report
    from exactland.dynamics.run import load_run

    r = load_run(args.run)
    step, res = snap_at(r, args.at, args.seed_index)
    if res.problem is not None:
        path = pathlib.Path(args.out or pathlib.Path(args.run) / f"snap-{args.at}.json")
        path.write_text(res.problem.to_json() + "\n", encoding="utf-8")
    if args.json:
        print(json.dumps(snap_report(step, res), indent=1))
    else:
        print(describe_snap(step, res, verbose=True))
    return EXIT_OK


def _plot(args: argparse.Namespace) -> int:
    from exactland.dynamics.phases import phases
    from exactland.dynamics.plot import plot_run
    from exactland.dynamics.run import load_run

    r = load_run(args.run)
    ps = phases(r, args.seed_index)
    out = plot_run(r, args.out or pathlib.Path(args.run) / "figure3.png", ps, ps[-1].structure, args.seed_index)
    print(f"figure written to {out}")
    return EXIT_OK


def _demo(args: argparse.Namespace) -> int:
    from exactland.dynamics.demo import demo

    for line in demo(args.out, args.engine, _progress):
        print(line)
    return EXIT_OK

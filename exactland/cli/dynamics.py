"""Commands of the float path: ``train``, ``phases``, ``plot``, ``demo`` (``snap``: :mod:`exactland.cli.snap`)."""
from __future__ import annotations

import argparse
import json
import pathlib
import sys
from collections import Counter
from typing import Any

from exactland.cli.common import EXIT_OK, add_force, prepare_folder, refuse_overwrite
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


def _number(text: str) -> float:
    """A positive step size or std written as ``1e-3``, ``0.001`` or ``1/1000``."""
    from fractions import Fraction

    try:
        value = float(Fraction(text.strip()))
    except (ValueError, ZeroDivisionError):
        raise argparse.ArgumentTypeError(f"expected a number such as 1e-3, 0.001 or 1/1000, got {text!r}") from None
    return value


def _count(text: str) -> int:
    """A whole number written as ``600000`` or ``6e5``."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number such as 600000 or 6e5, got {text!r}") from None
    if not value.is_integer():
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}")
    return int(value)


def register(sub: Any) -> None:
    """Add the train/phases/snap/plot/demo subcommands."""
    from exactland.dynamics.settings import SECTION_4_1_1

    t = sub.add_parser("train", help="full-batch gradient descent (float64) from small initialisation, "
                       "or continued from a problem's point (--from); the defaults are the paper's "
                       "Section 4.1.1 settings")
    t.add_argument("problem", nargs="?", help="problem or data JSON (W and H may be absent; not used as a "
                   "start point: see --from)")
    t.add_argument("--from", dest="start", metavar="PROBLEM",
                   help="continue gradient descent from this problem's W, H (and b), on its data and "
                   "activation, instead of a random initialisation (one run; --init-std and --seed(s) do "
                   "not apply)")
    t.add_argument("--bias", action="store_true",
                   help="also train an output bias b (y = H rho(Wx) + b), starting at 0 (implied by --from a "
                   "problem with b)")
    paper = SECTION_4_1_1
    t.add_argument("--width", type=_count, default=None,
                   help=f"hidden neurons (default {paper.width}; with --from: the problem's width)")
    t.add_argument("--init-std", type=_number, default=paper.init_std,
                   help=f"standard deviation of the initial weights (default {paper.init_std:g})")
    t.add_argument("--lr", type=_number, default=paper.lr,
                   help=f"step size: 1e-3, 0.001 or 1/1000 (default {paper.lr:g})")
    t.add_argument("--steps", type=_count, default=paper.steps,
                   help=f"gradient steps: 600000 or 6e5 (default {paper.steps})")
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
    t.add_argument("--out", required=True, help="run folder to write (new or empty; see --force)")
    t.add_argument("--certify-final", action=argparse.BooleanOptionalAction, default=None,
                   help="after a batch, snap and certify every seed's final point (default: only for "
                   "batches of at most 100 seeds; later: exactland snap RUN --seed-index N)")
    add_force(t)
    t.set_defaults(handler=_train)
    p = sub.add_parser("phases", help="plateaus (saddle neighbourhoods) and final state of a run")
    p.add_argument("run", help="run folder")
    p.add_argument("--seed-index", type=int, default=0, help="which seed of a batch (default 0)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=_phases)
    g = sub.add_parser("plot", help="Figure 3 panels of a run (PNG)")
    g.add_argument("run", help="run folder")
    g.add_argument("--seed-index", type=int, default=0, help="which seed of a batch (default 0)")
    g.add_argument("--seeds", help="several seed indices of a batch, one row each: 'a:b' or 'a,b,c' "
                   "(default: --seed-index alone)")
    g.add_argument("--log-step", action="store_true", help="logarithmic step axis")
    g.add_argument("--ncf", action="store_true", help="snap each plateau and draw its predicted escape "
                   "directions (NCF KKT points, `exactland ncf`) dashed on the angle panel")
    g.add_argument("--out", help="PNG path (default: RUN/figure3.png)")
    add_force(g)
    g.set_defaults(handler=_plot)
    d = sub.add_parser("demo", help="the main job: train the paper's Section 4.1.1 example, find its "
                       "plateaus, snap and certify each one and the end, draw Figure 3")
    d.add_argument("--out", default="exactland-demo",
                   help="folder for the run and the figure (default exactland-demo)")
    d.add_argument("--engine", choices=["auto", "numba", "numpy"], default="auto",
                   help="numba when installed, else NumPy (default auto)")
    add_force(d)
    d.set_defaults(handler=_demo)


def _progress(done: int, total: int) -> None:
    if sys.stderr.isatty():
        n = int(30 * done / total)
        sys.stderr.write(f"\r[{'#' * n}{'.' * (30 - n)}] {done}/{total} steps")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def _config(args: argparse.Namespace, width: int | None = None, bias: bool = False) -> Any:
    """The run's settings; ``width``/``bias`` from a start point (``--from``), else the options."""
    from exactland.dynamics.config import TrainConfig
    from exactland.dynamics.settings import SECTION_4_1_1

    seeds = _seeds(args.seeds) if args.seeds else (args.seed,)
    log_every = args.log_every or max(1, args.steps // 3000)
    ck = args.checkpoint_every or max(1, args.steps // (600 if len(seeds) == 1 else 20))
    if width is None:
        width = SECTION_4_1_1.width if args.width is None else args.width
    return TrainConfig(width=width, init_std=0.0 if args.start else args.init_std, lr=args.lr,
                       steps=args.steps, loss=args.loss, seeds=seeds, log_every=log_every,
                       checkpoint_every=ck, engine=args.engine, bias=bias or args.bias)


def _setup(args: argparse.Namespace) -> tuple[Any, Any, Any, dict | None]:
    """``(config, dataset, start point or None, start record or None)`` of ``train``.

    With ``--from``: the problem's data, width and point, converted to float64
    by :func:`exactland.dynamics.run.float_point` (its nearest floats).
    """
    from exactland.core.problem import load, load_data
    from exactland.dynamics.run import float_point

    if args.start is None:
        if args.problem is None:
            raise InputError("give a data or problem file, or --from PROBLEM", "problem")
        return _config(args), load_data(args.problem), None, None
    if args.problem is not None:
        raise InputError("give either a data file or --from PROBLEM (its data are used), not both", "--from")
    if args.seeds is not None:
        raise InputError("a run --from a point is deterministic: one run, no --seeds", "--seeds")
    problem = load(args.start)
    if args.width is not None and args.width != problem.n_neurons:
        raise InputError(f"the start point has {problem.n_neurons} neurons; --width {args.width} does not "
                         "match (leave it out)", "--width")
    W, H, b = float_point(problem)
    cfg = _config(args, problem.n_neurons, b is not None)
    return cfg, problem.dataset, (W, H, b), {"from": str(args.start), "digest": problem.digest()}


#: Largest batch whose final points are certified by default after training.
CERTIFY_FINAL_UP_TO = 100


def _train(args: argparse.Namespace) -> int:
    from exactland.dynamics.batch import train_and_save

    cfg, data, init, start = _setup(args)
    out = prepare_folder(args.out, args.force)  # before any work
    try:
        r = train_and_save(data, cfg, out, _seed_progress if len(cfg.seeds) > 1 else None, init=init,
                           start=start)
    except KeyboardInterrupt:
        print(f"interrupted: the seeds finished so far are in {out}/", file=sys.stderr)
        raise
    s = r.summary()
    print(f"trained {cfg.steps} steps × {len(cfg.seeds)} seed(s) in {r.raw.seconds:.2f} s "
          f"({r.raw.engine}); run written to {out}")
    if start is not None:
        name = "MSE" if cfg.loss == "mse" else "½Σe²"
        first, last = float(r.raw.losses[0, 0]), float(r.raw.losses[0, -1])
        print(f"continued from {start['from']}: {name} {first:.9g} at the start, {last:.9g} at step "
              f"{cfg.steps}" + ("; output bias b trained" if cfg.bias else ""))
    for seed, at in zip(cfg.seeds, s["diverged_at"]):
        if at >= 0:
            print(f"seed {seed}: DIVERGED (non-finite loss or parameters) at step {at}")
    certify = args.certify_final if args.certify_final is not None else len(cfg.seeds) <= CERTIFY_FINAL_UP_TO
    if len(cfg.seeds) > 1 and certify:
        _certify_batch(r, s, out)
    elif len(cfg.seeds) > 1:
        print(f"final points not certified ({len(cfg.seeds)} seeds > {CERTIFY_FINAL_UP_TO}; "
              "--certify-final to do it now, or exactland snap RUN --seed-index N for one seed)")
    return EXIT_OK


def _certify_batch(r: Any, s: dict, out: pathlib.Path) -> None:
    """Snap and certify every seed's final point (progress on a terminal); batch.json
    is written at the end, or with the seeds done so far when interrupted."""
    from tqdm import tqdm

    from exactland.dynamics.checkpoints import snap_at

    verdicts: Counter[str] = Counter()
    losses: Counter[str] = Counter()
    rows: list[dict] = []
    try:
        for n, seed in enumerate(tqdm(r.config.seeds, desc="certifying final points", unit="seed",
                                      file=sys.stderr, disable=not sys.stderr.isatty(), leave=False)):
            if s["diverged_at"][n] >= 0:
                verdicts["diverged"] += 1
                continue
            step, res = snap_at(r, "final", n)
            v = res.verdict or "no exact point"
            verdicts[v] += 1
            loss = None if res.certificate is None else str(res.certificate.loss)
            if res.isolation is not None:  # an isolated irrational minimum: its loss interval's upper end
                loss = f"[{res.isolation.loss_interval[0]}, {res.isolation.loss_interval[1]}]"
            value = res.certificate.loss if res.certificate else res.isolation.loss_interval[1] if res.isolation else None
            losses[f"{float(value):.9g}" if value is not None else "-"] += 1
            rows.append({"seed": seed, "verdict": v, "exact_loss": loss, "float_loss": s["final_loss"][n]})
    finally:
        (out / "batch.json").write_text(json.dumps({"runs": rows, "verdicts": verdicts,
                                                    "final_losses": losses}, indent=1) + "\n")
    print("final verdicts: " + ", ".join(f"{k}: {v}" for k, v in verdicts.most_common()))
    print("final exact losses (½Σe²): " + ", ".join(f"{k} ×{v}" for k, v in losses.most_common()))


def _seed_progress(done: int, total: int) -> None:
    if sys.stderr.isatty():
        sys.stderr.write(f"\rtrained {done}/{total} seeds")
        sys.stderr.write("\n" if done == total else "")
        sys.stderr.flush()


def _phases(args: argparse.Namespace) -> int:
    from exactland.dynamics.phases import phases
    from exactland.dynamics.run import load_run

    r = load_run(args.run)
    ps = phases(r, args.seed_index)
    if args.json:
        print(json.dumps([p.as_dict() for p in ps], indent=1))
        return EXIT_OK
    if not ps:
        print("no finite stretch to describe: the run diverged at once")
    for p in ps:
        kind = "final state" if p.final else f"plateau {p.index}"
        if p.diverged_at is not None:
            kind = f"last finite stretch (the run DIVERGED at step {p.diverged_at})"
        st = p.structure
        print(f"{kind}: steps {p.start}–{p.end}, loss {p.loss:.9g} at snapshot step {p.snapshot} "
              f"(|grad| {p.grad_norm:.2g})")
        print(f"  groups {[len(g) for g in st.groups]} at angles {[round(a, 3) for a in p.angles]} rad, "
              f"kink sets {[list(k) for k in st.kinks]}")
        print(f"  dead {len(st.dead)}, small living {len(st.small)} {list(st.small)}")
        print(f"  Fact 4.6 drift max |Δ(‖w‖² − h²)| = {p.conservation_drift:.3g}")
    return EXIT_OK


def _plot(args: argparse.Namespace) -> int:
    from exactland.dynamics.phases import phases
    from exactland.dynamics.plot import plot_run
    from exactland.dynamics.run import load_run

    r = load_run(args.run)
    path = pathlib.Path(args.out or pathlib.Path(args.run) / "figure3.png")
    if args.out:
        refuse_overwrite(path, args.force)
    seeds = list(_seeds(args.seeds)) if args.seeds else None
    for s in seeds or [args.seed_index]:
        if not 0 <= s < r.n_seeds:
            raise InputError(f"the run has {r.n_seeds} seed(s): indices 0 to {r.n_seeds - 1}", "--seeds")
    ps = phases(r, args.seed_index)
    lines = None
    if args.ncf:
        from exactland.cli.ncf import plateau_angles

        lines = plateau_angles(r, args.seed_index, ps)
    out = plot_run(r, path, ps, ps[-1].structure if ps else None, args.seed_index, seeds=seeds,
                   log_step=args.log_step, ncf_lines=lines)
    print(f"figure written to {out}")
    return EXIT_OK


def _demo(args: argparse.Namespace) -> int:
    from exactland.dynamics.demo import demo

    prepare_folder(args.out, args.force)  # before any work
    from exactland.cli.ncf import snapped_angles

    for line in demo(args.out, args.engine, _progress, predict=snapped_angles):
        print(line)
    return EXIT_OK

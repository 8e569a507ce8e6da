"""Benchmark: the independent checker against the certifier, time and size.

Run:  python benchmarks/bench_check.py [--repeat N] [--big] [--memory]

For generated rational stationary points
(``exactland.testing.instances.teacher_stationary_point(0, dim=d, n_samples=K,
n_living=0.7|I|, n_kink=0.15|I|, n_dead=0.1|I|, n_zero=rest, n_unfit=10)``:
saddles, since the zero neurons are escape neurons) of size
1000×200×d10 and 2000×500×d20, and with ``--big`` 5000×2000×d50, it prints

* ``certify s``: median wall time of ``exactland.certify(problem)`` on a fresh
  problem (its integer form not yet cached);
* ``check s``: median wall time of ``exactland.checker.check_certificate`` on
  the certificate's JSON text (reading the JSON included; serialising the
  certificate is in neither column);
* their ratio; the sizes of ``problem.to_json(indent=None)`` and of
  ``certificate.to_json(indent=None)`` and their ratio;
* with ``--memory`` (always with ``--big``): the peak resident memory
  (``VmHWM``) of a fresh Python process that loads the problem file and
  certifies it, and of one that checks the certificate file.

Both are measured in the same run on the same machine.  Generating the big
instance (pure-Python exact arithmetic) takes minutes.
"""
from __future__ import annotations

import argparse
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

import exactland
from exactland.checker import check_certificate
from exactland.core.problem import Problem
from exactland.testing.instances import teacher_stationary_point

SIZES = [(1000, 200, 10), (2000, 500, 20)]
BIG = (5000, 2000, 50)

# Peak resident memory of the child process itself: VmHWM of /proc/self/status (Linux;
# ru_maxrss would also count the parent's memory, which Linux carries across fork and exec).
_PEAK = ("import resource, sys, exactland\n"
         "from exactland.checker import check_certificate\n"
         "if sys.argv[1] == 'certify':\n"
         "    ok = exactland.certify(exactland.load(sys.argv[2])).verdict.value\n"
         "else:\n"
         "    ok = check_certificate(sys.argv[2]).valid\n"
         "try:\n"
         "    kb = next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM:'))\n"
         "except (OSError, StopIteration):\n"
         "    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
         "print(ok, kb)\n")


def teacher(I: int, K: int, d: int) -> Problem:
    living, kink, dead = int(0.7 * I), int(0.15 * I), int(0.1 * I)
    return teacher_stationary_point(0, dim=d, n_samples=K, n_living=living, n_kink=kink, n_dead=dead,
                                    n_zero=I - living - kink - dead, n_unfit=10).problem


def _fresh(p: Problem) -> Problem:
    return Problem(p.activation, p.X, p.Y, p.W, p.H)


def _median(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def peak_mb(mode: str, path: pathlib.Path) -> tuple[str, float]:
    """(result, peak RSS in MB) of certifying a problem file / checking a certificate file."""
    out = subprocess.run([sys.executable, "-c", _PEAK, mode, str(path)], capture_output=True, text=True,
                         check=True)
    result, kb = out.stdout.split()
    return result, int(kb) / 1024


def run_case(I: int, K: int, d: int, repeat: int, memory: bool, tmp: pathlib.Path) -> dict:
    t = time.perf_counter()
    p = teacher(I, K, d)
    gen = time.perf_counter() - t
    t_cert, cert = _median(lambda: exactland.certify(_fresh(p)), repeat)
    text = cert.to_json(indent=None)
    t_check, report = _median(lambda: check_certificate(text), repeat)
    if not report.valid:
        raise SystemExit(f"the checker rejected the certificate: {report.reasons[:3]}")
    ptext = p.to_json(indent=None)
    row = {"case": f"teacher {cert.verdict.value}", "size": f"{I}x{K}xd{d}", "gen": gen,
           "certify": t_cert, "check": t_check, "pkb": len(ptext) / 1e3, "ckb": len(text) / 1e3}
    if memory:
        (tmp / "p.json").write_text(ptext)
        (tmp / "c.json").write_text(text)
        row["mem_certify"] = peak_mb("certify", tmp / "p.json")[1]
        valid, row["mem_check"] = peak_mb("check", tmp / "c.json")
        if valid != "True":
            raise SystemExit("the checker rejected the certificate file")
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=3, help="timed runs per case (median; 1 for --big)")
    ap.add_argument("--big", action="store_true", help="add 5000x2000xd50 (minutes to generate)")
    ap.add_argument("--memory", action="store_true", help="measure peak memory for every case")
    args = ap.parse_args()
    print(f"{'case':16s} {'|I|x|K|xd':>14s} {'gen s':>7s} {'certify s':>9s} {'check s':>8s} {'ratio':>6s} "
          f"{'problem KB':>10s} {'cert KB':>9s} {'size':>5s} {'peak MB cert/check':>19s}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        cases = [(s, args.repeat, args.memory) for s in SIZES] + ([(BIG, 1, True)] if args.big else [])
        for (I, K, d), repeat, memory in cases:
            r = run_case(I, K, d, repeat, memory, pathlib.Path(tmp))
            mem = f"{r['mem_certify']:.0f} / {r['mem_check']:.0f}" if "mem_check" in r else "-"
            print(f"{r['case']:16s} {r['size']:>14s} {r['gen']:7.1f} {r['certify']:9.3f} {r['check']:8.3f} "
                  f"{r['check'] / r['certify']:6.2f} {r['pkb']:10.0f} {r['ckb']:9.0f} "
                  f"{r['ckb'] / r['pkb']:5.1f} {mem:>19s}", flush=True)


if __name__ == "__main__":
    main()

"""Ctrl-C keeps finished work: a long command stops with exit 130, no traceback,
and what it finished is kept (issue 11)."""
from __future__ import annotations

import os
import pathlib
import signal
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _interrupt_after(cmd: list[str], marker: str, timeout: float = 120) -> tuple[int, str, str]:
    """Start ``cmd``, wait until ``marker`` appears on stdout, send SIGINT, collect."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    out = []
    deadline = time.monotonic() + timeout
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        out.append(line)
        if marker in line:
            proc.send_signal(signal.SIGINT)
            break
    rest, err = proc.communicate(timeout=timeout)
    return proc.returncode, "".join(out) + rest, err


def test_proofs_prints_each_claim_and_stops_cleanly_on_ctrl_c() -> None:
    rc, out, err = _interrupt_after([sys.executable, "-m", "exactland", "proofs", "--instances", "20"], "ok ")
    assert rc == 130, (rc, err)
    assert "Traceback" not in err and "interrupted" in err
    assert out.count("ok ") >= 1  # the finished claims were printed as they completed

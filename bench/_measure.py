"""Shared by the benches: run a subprocess, return its wall time and its own peak RSS."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_rss_mb: float
    returncode: int
    stdout: str
    stderr: str


def run(argv: list[str], *, env: dict[str, str] | None = None) -> Run:
    """Wall time from spawn to exit, and the peak RSS of this child alone: `os.wait4` gives
    the child's own rusage (RUSAGE_CHILDREN would be the maximum over every child so far)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv, cwd=REPO, env={**os.environ, **(env or {})}, stdout=out, stderr=err, text=True
        )
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        out.seek(0)
        err.seek(0)
        # ru_maxrss is in KiB on Linux.
        return Run(seconds, usage.ru_maxrss / 1024, proc.returncode, out.read(), err.read())


def run_python(code: str, env: dict[str, str] | None = None) -> tuple[Run, dict[str, object]]:
    """Run `code` in a fresh interpreter; it prints one JSON object last, returned parsed."""
    result = run([sys.executable, "-c", code], env=env)
    if result.returncode != 0:
        raise SystemExit(f"child failed: {result.stderr.strip()[-500:]}")
    return result, json.loads(result.stdout.strip().splitlines()[-1])


def summary(runs: list[Run]) -> str:
    times = [r.seconds for r in runs]
    rss = [r.peak_rss_mb for r in runs]
    return (
        f"median {statistics.median(times):.3f} s (min {min(times):.3f}, max {max(times):.3f}); "
        f"peak RSS median {statistics.median(rss):.1f} MB; {len(runs)} runs"
    )


def machine_load() -> str:
    """Other work on the machine skews every figure: say how busy it was."""
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} CPUs"


def verdict(value: float, goal: float) -> str:
    return "PASS" if value < goal else "FAIL"

"""`okta-wizard --help`: wall time and peak RSS of the whole process, and what it imported.

Goal: under 0.3 s, without importing the Okta SDK, Textual, aiohttp or keyring.
Run: .venv/bin/python bench/help_start.py   (BENCH_RUNS=N to change the number of runs)
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _measure import machine_load, run, summary, verdict

RUNS = int(os.environ.get("BENCH_RUNS", "7"))
GOAL_S = 0.3
HEAVY = ("okta", "textual", "aiohttp", "keyring", "httpx", "pydantic")

WHAT_GOT_IMPORTED = (
    "import sys, json\n"
    "from okta_wizard.cli import main\n"
    "try:\n"
    "    main(['--help'])\n"
    "except SystemExit:\n"
    "    pass\n"
    "heavy = sorted({m.split('.')[0] for m in sys.modules} & set(json.loads(sys.argv[1])))\n"
    "print(json.dumps(heavy))\n"
)


def command() -> list[str]:
    """The installed entry point when there is one, else the module (same code path)."""
    script = Path(sys.executable).parent / "okta-wizard"
    if script.exists() or shutil.which("okta-wizard") == str(script):
        return [str(script), "--help"]
    return [sys.executable, "-m", "okta_wizard", "--help"]


def main() -> int:
    argv = command()
    runs = [run(argv) for _ in range(RUNS)]
    failed = [r for r in runs if r.returncode != 0 or "usage:" not in r.stdout]
    probe = run([sys.executable, "-c", WHAT_GOT_IMPORTED, json.dumps(HEAVY)])
    last_line = probe.stdout.strip().splitlines()[-1] if probe.stdout.strip() else ""
    heavy = json.loads(last_line) if probe.returncode == 0 else ["<probe failed>"]
    median = statistics.median(r.seconds for r in runs)
    print(f"help_start: `{' '.join(Path(a).name if i == 0 else a for i, a in enumerate(argv))}`")
    print(f"  {summary(runs)}")
    print(f"  goal < {GOAL_S} s: {verdict(median, GOAL_S)}")
    print(f"  {machine_load()}")
    print(f"  heavy modules imported: {', '.join(heavy) if heavy else 'none'}")
    if failed:
        print(f"  {len(failed)} run(s) failed: {failed[0].stderr.strip()[-300:]}")
    return 1 if failed or heavy else 0


if __name__ == "__main__":
    raise SystemExit(main())

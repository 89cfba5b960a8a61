"""The gateway's first real call, import included, in a fresh process; vs importing the SDK's
`okta.client.Client` (what a naive client pays before its first call).

Goal: import + first `whoami()` under 1 s (against about 4.6 s for `from okta.client import
Client` alone). The sandbox runs in this process; each child is a fresh interpreter.
Run: .venv/bin/python bench/gateway_first_call.py   (BENCH_RUNS=N to change the number of runs)
"""

from __future__ import annotations

import os
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from _measure import machine_load, run_python, summary, verdict  # noqa: E402

from okta_wizard.sandbox.server import start_sandbox  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "5"))
GOAL_S = 1.0

# The org URL and the (sandbox demo) token travel by environment, never argv.
GATEWAY_CHILD = """
import time
start = time.perf_counter()
import asyncio, json, os, sys
from okta_wizard.okta import ApiToken, Gateway
from okta_wizard.orgurl import parse_org_url
from okta_wizard.secret import Secret

async def first_call():
    org = parse_org_url(os.environ["BENCH_ORG_URL"])
    async with Gateway(org, ApiToken(Secret(os.environ["BENCH_TOKEN"]))) as okta:
        return await okta.whoami()

actor = asyncio.run(first_call())
print(json.dumps({
    "in_process_s": time.perf_counter() - start,
    "actor": actor.login,
    "okta_client_imported": "okta.client" in sys.modules,
    "modules": len(sys.modules),
}))
"""

SDK_IMPORT_CHILD = """
import time, json, sys
start = time.perf_counter()
from okta.client import Client
print(json.dumps({"in_process_s": time.perf_counter() - start, "modules": len(sys.modules)}))
"""


def main() -> int:
    sandbox = start_sandbox()
    try:
        env = {"BENCH_ORG_URL": sandbox.base_url, "BENCH_TOKEN": sandbox.token}
        gateway = [run_python(GATEWAY_CHILD, env) for _ in range(RUNS)]
        sdk = [run_python(SDK_IMPORT_CHILD) for _ in range(max(1, RUNS // 2))]
    finally:
        sandbox.stop()
    g_runs, g_info = [r for r, _ in gateway], [i for _, i in gateway]
    s_runs, s_info = [r for r, _ in sdk], [i for _, i in sdk]
    g_median = statistics.median(r.seconds for r in g_runs)
    in_proc = statistics.median(float(str(i["in_process_s"])) for i in g_info)
    sdk_in_proc = statistics.median(float(str(i["in_process_s"])) for i in s_info)
    print("gateway_first_call: fresh process, import the gateway + first whoami() on the sandbox")
    print(f"  process: {summary(g_runs)}")
    print(f"  import + call inside the process: median {in_proc:.3f} s")
    print(
        f"  okta.client imported: {any(i['okta_client_imported'] for i in g_info)}; "
        f"modules loaded: {g_info[0]['modules']}"
    )
    print(f"  goal < {GOAL_S} s: {verdict(g_median, GOAL_S)}")
    print(f"  {machine_load()}")
    print("  versus `from okta.client import Client` alone (fresh process):")
    print(f"  process: {summary(s_runs)}")
    print(
        f"  the import inside the process: median {sdk_in_proc:.3f} s; "
        f"modules loaded: {s_info[0]['modules']}"
    )
    s_median = statistics.median(r.seconds for r in s_runs)
    print(
        f"  gateway first call / SDK client import (same machine, same load): "
        f"{g_median / s_median:.2f}"
    )
    ok = g_median < GOAL_S and not any(i["okta_client_imported"] for i in g_info)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""Sign-in with an OAuth 2.0 service app, in a fresh process: import the gateway, sign a client
assertion, get an access token from the sandbox's /oauth2/v1/token, then make the first
Management API call with it; and a second call, which must reuse the cached token.

Cases: RS256 key, ES256 key, ES256 with DPoP required (the first token request meets
`use_dpop_nonce` and is retried with the nonce). Goal: the same < 1 s as the API-token
gateway_first_call. The sandbox runs in this process; each child is a fresh interpreter. The
child's CPU time is printed too: on a busy machine it moves less than the wall time, so compare
it when judging a change.
Run: .venv/bin/python bench/service_app_signin.py   (BENCH_RUNS=N to change the number of runs)
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from _measure import machine_load, run_python, summary, verdict  # noqa: E402

from okta_wizard.sandbox.server import RunningSandbox, start_sandbox  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "5"))
GOAL_S = 1.0

# Client id, key path and key id travel by environment; the key stays in its 0600 file.
CHILD = """
import time
start = time.perf_counter()
import asyncio, json, os, sys
from pathlib import Path
from okta_wizard.okta import Gateway, ServiceAppKey
from okta_wizard.orgurl import parse_org_url

async def calls():
    org = parse_org_url(os.environ["BENCH_ORG_URL"])
    key = ServiceAppKey(
        os.environ["BENCH_CLIENT_ID"], Path(os.environ["BENCH_KEY"]), os.environ["BENCH_KID"]
    )
    async with Gateway(org, key) as okta:
        await okta.find_apps_by_label("Upflow SSO")
        first = time.perf_counter() - start
        cpu = time.process_time()  # this process's CPU time: less swayed by the machine's load
        second_start = time.perf_counter()
        await okta.find_apps_by_label("Upflow SSO")
        return first, cpu, time.perf_counter() - second_start

first, cpu, second = asyncio.run(calls())
print(json.dumps({
    "first_s": first,
    "cpu_s": cpu,
    "second_s": second,
    "okta_client_imported": "okta.client" in sys.modules,
}))
"""

CASES = (("RS256", False), ("ES256", False), ("ES256 + DPoP", True))


def _measure(sandbox: RunningSandbox, folder: Path, name: str, dpop: bool) -> bool:
    alg = name.split()[0]
    generated = sandbox.oauth.register_generated(alg=alg, require_dpop=dpop)
    key = folder / f"{alg}-{int(dpop)}.pem"
    key.write_text(generated.private_key_pem.reveal())
    key.chmod(0o600)
    env = {
        "BENCH_ORG_URL": sandbox.base_url,
        "BENCH_CLIENT_ID": generated.client_id,
        "BENCH_KEY": str(key),
        "BENCH_KID": generated.kid,
    }
    issued_before = sandbox.oauth.tokens_issued
    results = [run_python(CHILD, env) for _ in range(RUNS)]
    tokens = sandbox.oauth.tokens_issued - issued_before
    runs, info = [r for r, _ in results], [i for _, i in results]
    first = statistics.median(float(str(i["first_s"])) for i in info)
    cpu = statistics.median(float(str(i["cpu_s"])) for i in info)
    second = statistics.median(float(str(i["second_s"])) * 1000 for i in info)
    print(f"{name}:")
    print(f"  process: {summary(runs)}")
    print(f"  import + token + first Management call inside the process: median {first:.3f} s")
    print(f"  CPU time of the process up to then (interpreter start included): median {cpu:.3f} s")
    print(f"  second call (cached token): median {second:.1f} ms")
    print(f"  tokens issued: {tokens} for {RUNS} runs (one per process: the second call reuses it)")
    print(f"  goal < {GOAL_S} s: {verdict(first, GOAL_S)}")
    imported = any(i["okta_client_imported"] for i in info)
    return first < GOAL_S and tokens == RUNS and not imported


def main() -> int:
    sandbox = start_sandbox()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            print("service app sign-in: fresh process, private key JWT against the sandbox org")
            ok = all([_measure(sandbox, Path(tmp), name, dpop) for name, dpop in CASES])
    finally:
        sandbox.stop()
    print(machine_load())
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

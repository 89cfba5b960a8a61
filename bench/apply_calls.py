"""Okta calls and wall time of `okta-wizard apply`, next to a bare-SDK script.

Run under a real Secret Service:  sh scripts/with-keyring.sh .venv/bin/python bench/apply_calls.py

1. Calls per route (from the sandbox's call log) of a fresh `apply --group Finance` and of a
   rerun with nothing to do (it should only read).
2. Wall time of the `okta-wizard apply` subprocess vs a minimal script making the same calls
   with the bare `okta` SDK (`okta.client.Client`), same sandbox, same job, median of N runs.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from okta_wizard.sandbox.server import start_sandbox  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "5"))

BARE_SDK_SCRIPT = r"""
import asyncio, base64, sys
import aiohttp
from okta.client import Client
from okta.models import (
    ApplicationCredentialsOAuthClient, ApplicationSignOnMode, GrantType,
    OAuthApplicationCredentials,
    OAuthEndpointAuthenticationMethod, OAuthResponseType, OpenIdConnectApplication,
    OpenIdConnectApplicationSettings, OpenIdConnectApplicationSettingsClient,
    OpenIdConnectApplicationType,
)

ORG, TOKEN = sys.argv[1], sys.argv[2]

async def main():
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{ORG}/.well-known/okta-organization") as r:
            await r.json()
    async with Client({"orgUrl": ORG, "token": TOKEN}) as c:
        me, _, err = await c.get_user("me"); assert not err, err
        _, _, err = await c.list_applications(limit=1); assert not err, err
        _, _, err = await c.list_groups(limit=1); assert not err, err
        _, _, err = await c.list_assigned_roles_for_user(me.id); assert not err, err
        _, _, err = await c.list_applications(q="Upflow SSO", limit=200); assert not err, err
        groups, _, err = await c.list_groups(q="Finance", limit=200); assert not err, err
        _, _, err = await c.list_applications(q="Upflow SSO", limit=200); assert not err, err
        app = OpenIdConnectApplication(
            label="Upflow SSO", name="oidc_client",
            sign_on_mode=ApplicationSignOnMode.OPENID_CONNECT,
            credentials=OAuthApplicationCredentials(oauth_client=ApplicationCredentialsOAuthClient(
                token_endpoint_auth_method=OAuthEndpointAuthenticationMethod.CLIENT_SECRET_BASIC,
                pkce_required=False)),
            settings=OpenIdConnectApplicationSettings(oauth_client=OpenIdConnectApplicationSettingsClient(
                application_type=OpenIdConnectApplicationType.WEB,
                grant_types=[GrantType.AUTHORIZATION_CODE], response_types=[OAuthResponseType.CODE],
                redirect_uris=["https://auth.upflow.io/__/auth/handler"],
                post_logout_redirect_uris=["https://app.upflow.io/"])))
        created, _, err = await c.create_application(app); assert not err, err
        app_id = created.id
        secret = created.credentials.oauth_client.client_secret
        gid = [g for g in groups if g.profile.actual_instance.name == "Finance"][0].id
        _, _, err = await c.assign_group_to_application(app_id, gid); assert not err, err
    async with aiohttp.ClientSession() as http:
        discovery = f"{ORG}/.well-known/openid-configuration"
        async with http.get(discovery, params={"client_id": app_id}) as r:
            issuer = (await r.json())["issuer"]
        auth = base64.b64encode(f"{app_id}:{secret}".encode()).decode()
        async with http.post(f"{issuer}/oauth2/v1/introspect", data={"token": "x"},
                             headers={"Authorization": f"Basic {auth}"}) as r:
            assert (await r.json()) == {"active": False}

asyncio.run(main())
"""


def _timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, cwd=REPO)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{argv[:3]} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return elapsed


def _fmt(times: list[float]) -> str:
    return " ".join(f"{t:.2f}" for t in times)


def _per_route(calls: list[object]) -> Counter[str]:
    return Counter(f"{c.method} {c.route}" for c in calls)  # type: ignore[attr-defined]


def _print_calls(title: str, counts: Counter[str]) -> None:
    writes = sum(n for key, n in counts.items() if not key.startswith("GET"))
    print(f"\n{title}: {sum(counts.values())} calls ({writes} not GET)")
    for key, n in sorted(counts.items()):
        print(f"  {n:3d}  {key}")


def main() -> None:
    sb = start_sandbox(host="127.0.0.1", port=0)
    state = tempfile.mkdtemp(prefix="okta-wizard-bench-")
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "OKTA_API_TOKEN": sb.token,
        "OKTA_WIZARD_STATE_DIR": state,
        "OKTA_TESTING_TESTINGDISABLEHTTPSCHECK": "true",  # the bare SDK, on http loopback
    }
    wizard = [sys.executable, "-m", "okta_wizard", "apply", "--org-url", sb.base_url]
    wizard += ["--group", "Finance", "--json"]
    bare = [sys.executable, "-c", BARE_SDK_SCRIPT, sb.base_url, sb.token]
    try:
        _timed(wizard, env)
        _print_calls("fresh `apply --group Finance`", _per_route(list(sb.calls)))
        sb.state.calls.clear()
        _timed(wizard, env)
        _print_calls("rerun with nothing to do", _per_route(list(sb.calls)))

        wizard_times, bare_times = [], []
        for _ in range(RUNS):
            sb.reset()
            for p in Path(state).glob("*.json"):
                p.unlink()
            wizard_times.append(_timed(wizard, env))
            sb.reset()
            bare_times.append(_timed(bare, env))
        w, b = statistics.median(wizard_times), statistics.median(bare_times)
        print(f"\nwall time, median of {RUNS} fresh runs against the sandbox (same job):")
        print(f"  okta-wizard apply --group Finance : {w:6.2f} s  {_fmt(wizard_times)}")
        print(f"  bare okta SDK script, same calls  : {b:6.2f} s  {_fmt(bare_times)}")
        print(f"  ratio                             : {w / b:6.2f}x (goal <= 0.5x)")
    finally:
        sb.stop()


if __name__ == "__main__":
    main()

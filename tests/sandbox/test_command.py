"""`okta-wizard sandbox` as a real process: banner, faults and a service app from the command
line, its tokens (random unless chosen), bad input."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from okta_wizard.errors import ExitCode
from okta_wizard.okta import Gateway, OktaError, ServiceAppKey
from okta_wizard.orgurl import parse_org_url

# Generous bounds: they only catch a hang. Under load (2 cores, parallel test runs) starting
# Python and importing aiohttp alone has taken several seconds; readiness is the banner line
# with the URL, which the command prints only once the server listens (no port polling).
HANG = 60.0


class Sandbox:
    """`okta-wizard sandbox` in a child process; its stdout read line by line on a thread."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "okta_wizard", "sandbox", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **(env or {})},
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def wait_for(self, pattern: str) -> re.Match[str]:
        """The first line (from here on) matching `pattern`; fails on exit or after HANG s."""
        deadline = time.monotonic() + HANG
        while True:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no {pattern!r} within {HANG} s: {self.seen}") from None
            if line is None:
                raise AssertionError(f"exited without {pattern!r}: {self.seen}")
            self.seen.append(line)
            match = re.search(pattern, line)
            if match:
                return match

    def org_url(self) -> str:
        return self.wait_for(r"org URL\s+(http://\S+)").group(1)

    def api_token(self) -> str:
        return self.wait_for(r"API token\s+(\S+)").group(1)

    def banner(self) -> str:
        """Everything up to the control API line (the banner's last fixed line)."""
        self.wait_for(r"control API")
        return "".join(self.seen)

    def interrupt(self) -> int:
        self.proc.send_signal(signal.SIGINT)
        return self.proc.wait(timeout=HANG)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=HANG)


@pytest.fixture
def spawn() -> Iterator[Callable[..., Sandbox]]:
    started: list[Sandbox] = []

    def start(*args: str, env: dict[str, str] | None = None) -> Sandbox:
        started.append(Sandbox(*args, env=env))
        return started[-1]

    try:
        yield start
    finally:
        for sandbox in started:
            sandbox.close()


CONTROL_TOKEN = "control-token-of-this-test"  # handed over in the environment, never argv


def test_serves_until_ctrl_c(spawn: Callable[..., Sandbox]) -> None:
    running = spawn(
        "--groups", "20", "--control", "--fault", "GET /api/v1/org=503@1",
        env={"OKTA_WIZARD_SANDBOX_CONTROL_TOKEN": CONTROL_TOKEN},
    )  # fmt: skip
    url = running.org_url()
    headers = {"Authorization": f"SSWS {running.api_token()}"}
    control = running.wait_for(r"control API\s+http").string
    assert "Bearer $OKTA_WIZARD_SANDBOX_CONTROL_TOKEN" in control and CONTROL_TOKEN not in control
    with httpx.Client(headers=headers, timeout=HANG) as client:
        groups = client.get(f"{url}/api/v1/groups").json()
        assert len(groups) == 20 + 6
        first, second = (client.get(f"{url}/api/v1/org") for _ in range(2))
        assert (first.status_code, second.status_code) == (503, 200)
        calls = client.get(
            f"{url}/__sandbox/calls", headers={"Authorization": f"Bearer {CONTROL_TOKEN}"}
        ).json()
    assert [c["status"] for c in calls if c["route"] == "/api/v1/org"] == [503, 200]
    assert running.interrupt() == 0
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/.well-known/okta-organization", timeout=HANG)


def test_banner_names_token_secrets_url_and_control(spawn: Callable[..., Sandbox]) -> None:
    running = spawn()
    banner = running.banner()
    assert running.interrupt() == 0  # Ctrl+C right after the banner: a clean stop
    token = re.search(r"API token\s+(00\S{43})\s", banner)
    assert token is not None, banner
    assert f"export OKTA_API_TOKEN={token.group(1)}" in banner
    assert re.search(r"secrets URL\s+http://127\.0\.0\.1:\d+/secrets/", banner)
    assert "control API  off" in banner
    assert "service app" not in banner


def test_api_token_is_random_unless_given(spawn: Callable[..., Sandbox]) -> None:
    """No documented token: another local user cannot guess what a sandbox accepts."""
    first, second = spawn(), spawn()
    tokens = {first.api_token(), second.api_token()}
    assert len(tokens) == 2
    chosen = spawn("--token", "00chosen-by-me")
    url, token = chosen.org_url(), chosen.api_token()
    assert token == "00chosen-by-me"
    me = httpx.get(f"{url}/api/v1/users/me", headers={"Authorization": f"SSWS {token}"})
    assert me.status_code == 200


def test_developer_rate_limits_and_a_classic_org(spawn: Callable[..., Sandbox]) -> None:
    running = spawn("--rate-limits", "developer", "--engine", "classic")
    url, token = running.org_url(), running.api_token()
    running.wait_for(r"engine\s+Classic Engine")
    assert any("rate limits  developer preset" in line for line in running.seen)
    headers = {"Authorization": f"SSWS {token}"}
    apps = httpx.get(f"{url}/api/v1/apps", headers=headers, timeout=HANG)
    assert apps.headers["x-rate-limit-limit"] == "10"
    metadata = httpx.get(f"{url}/.well-known/okta-organization", timeout=HANG).json()
    assert metadata["pipeline"] == "v1"
    assert running.interrupt() == 0


def test_control_api_is_off_unless_asked(spawn: Callable[..., Sandbox]) -> None:
    running = spawn()
    url = running.org_url()
    assert httpx.get(f"{url}/__sandbox/calls", timeout=HANG).status_code == 404


def test_control_token_is_printed_only_on_request(spawn: Callable[..., Sandbox]) -> None:
    hidden = spawn("--control")
    line = hidden.wait_for(r"control API\s+http").string
    assert "--show-control-token prints it" in line and "Bearer " not in line
    url = line.split()[2].removesuffix("/__sandbox/")
    assert httpx.get(f"{url}/__sandbox/calls", timeout=HANG).status_code == 401
    shown = spawn("--control", "--show-control-token")
    line = shown.wait_for(r"control API\s+http").string
    match = re.search(r"Authorization: Bearer (\S+?)\)", line)
    assert match is not None, line
    url = line.split()[2].removesuffix("/__sandbox/")
    auth = {"Authorization": f"Bearer {match.group(1)}"}
    assert httpx.get(f"{url}/__sandbox/calls", headers=auth, timeout=HANG).status_code == 200


def _key_files(tmp_path: Path, alg: str) -> tuple[Path, Path, str]:
    """A key pair as an admin makes it: (private key file, public key file, public JWK kid)."""
    from okta_wizard.sandbox.oauth import generate_key_pair, jwk_thumbprint

    pem, public_jwk = generate_key_pair(alg)
    private = tmp_path / "service-app.pem"
    private.write_text(pem)
    private.chmod(0o600)
    public = tmp_path / "public.json"
    public.write_text(json.dumps(public_jwk))
    return private, public, jwk_thumbprint(public_jwk)


@pytest.mark.parametrize(("alg", "dpop"), [("RS256", False), ("ES256", True)])
async def test_service_app_key_registers_an_app_that_signs_in(
    spawn: Callable[..., Sandbox], tmp_path: Path, alg: str, dpop: bool
) -> None:
    private, public, kid = _key_files(tmp_path, alg)
    if alg == "RS256":  # the PEM form of the public key
        from cryptography.hazmat.primitives import serialization

        key = serialization.load_pem_private_key(private.read_bytes(), None)
        public = tmp_path / "public.pem"
        public.write_bytes(
            key.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
    args = ["--service-app-key", str(public)] + (["--service-app-dpop"] if dpop else [])
    running = spawn(*args)
    url = running.org_url()
    line = running.wait_for(r"service app\s+(0oa\w+)\s+\(key id (\S+);")
    client_id = line.group(1)
    assert line.group(2) == kid
    assert ("DPoP required" in line.string) is dpop
    assert f"--client-id {client_id}" in running.wait_for(r"okta-wizard apply").string

    credential = ServiceAppKey(client_id, private)
    async with Gateway(
        parse_org_url(url), credential, request_timeout=HANG, max_wait=HANG
    ) as gateway:
        assert await gateway.find_apps_by_label("Upflow SSO") == []
    assert running.interrupt() == 0


def test_service_app_scopes_are_granted_as_given(
    spawn: Callable[..., Sandbox], tmp_path: Path
) -> None:
    private, public, _ = _key_files(tmp_path, "ES256")
    running = spawn(
        "--service-app-key", str(public), "--service-app-scopes", "okta.apps.read,okta.groups.read"
    )
    url = running.org_url()
    client_id = running.wait_for(r"service app\s+(0oa\w+)").group(1)
    assert "scopes okta.apps.read okta.groups.read)" in running.seen[-1]
    from okta_wizard.okta.service_app import ServiceAppAuth

    auth = ServiceAppAuth(ServiceAppKey(client_id, private), parse_org_url(url))

    async def token() -> None:
        try:
            await auth.access_token()
        finally:
            await auth.aclose()

    import asyncio

    with pytest.raises(OktaError) as caught:
        asyncio.run(token())
    assert caught.value.exit_code == ExitCode.PERMISSION  # okta.apps.manage is not granted
    assert "okta.apps.manage" in caught.value.message


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--host", "0.0.0.0"], "loopback addresses only"),  # noqa: S104
        (["--host", "192.168.1.10"], "loopback addresses only"),
        (["--fault", "POST /api/v1/apps=explode"], "unknown kind 'explode'"),
        (["--fault", "no-equals-sign"], "expected ROUTE=WHAT"),
        (["--groups", "-1"], "--groups must be 0 or more"),
        (["--show-control-token"], "the control API is off"),
        (["--service-app-key", "/nonexistent/public.pem"], "cannot read it"),
        (["--service-app-key", "PRIVATE"], "holds a private key"),
        (["--service-app-key", "NOTAKEY"], "is not an RSA (2048 bits or more) or EC P-256"),
        (["--service-app-scopes", "okta.apps.read"], "configure the service app"),
        (["--service-app-key", "PUBLIC", "--service-app-scopes", "apps"], "not a list of Okta"),
    ],
)
def test_bad_input_exits_2_with_a_remedy(args: list[str], message: str, tmp_path: Path) -> None:
    private, public, _ = _key_files(tmp_path, "ES256")
    files = {"PRIVATE": str(private), "PUBLIC": str(public), "NOTAKEY": __file__}
    args = [files.get(a, a) for a in args]
    out = subprocess.run(
        [sys.executable, "-m", "okta_wizard", "sandbox", "--port", "0", *args],
        capture_output=True,
        text=True,
        timeout=HANG,
    )
    assert out.returncode == 2, out.stderr
    assert message in out.stderr and "->" in out.stderr
    assert out.stdout == ""  # nothing started


def test_bad_seed_file_exits_2(tmp_path: Path) -> None:
    seed = tmp_path / "org.json"
    seed.write_text('{"groups": 3}')
    out = subprocess.run(
        [sys.executable, "-m", "okta_wizard", "sandbox", "--port", "0", "--seed", str(seed)],
        capture_output=True,
        text=True,
        timeout=HANG,
    )
    assert out.returncode == 2 and "'groups' must be a JSON list" in out.stderr

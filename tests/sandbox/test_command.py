"""`okta-wizard sandbox` as a real process: banner, faults from the command line, bad input."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from okta_wizard.sandbox.server import SANDBOX_TOKEN


def _spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "okta_wizard", "sandbox", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _org_url(proc: subprocess.Popen[str]) -> str:
    assert proc.stdout is not None
    for _ in range(10):
        line = proc.stdout.readline()
        match = re.search(r"org URL\s+(http://\S+)", line)
        if match:
            return match.group(1)
    raise AssertionError("no org URL in the banner")


@pytest.fixture
def running() -> Iterator[subprocess.Popen[str]]:
    proc = _spawn("--groups", "20", "--control", "--fault", "GET /api/v1/org=503@1")
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)


def test_serves_until_ctrl_c(running: subprocess.Popen[str]) -> None:
    url = _org_url(running)
    headers = {"Authorization": f"SSWS {SANDBOX_TOKEN}"}
    groups = httpx.get(f"{url}/api/v1/groups", headers=headers, timeout=10).json()
    assert len(groups) == 20 + 6
    first, second = (httpx.get(f"{url}/api/v1/org", headers=headers) for _ in range(2))
    assert (first.status_code, second.status_code) == (503, 200)
    calls = httpx.get(f"{url}/__sandbox/calls").json()
    assert [c["status"] for c in calls if c["route"] == "/api/v1/org"] == [503, 200]
    running.send_signal(signal.SIGINT)
    assert running.wait(timeout=10) == 0
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/.well-known/okta-organization")


def test_banner_names_token_secrets_url_and_control() -> None:
    proc = _spawn()
    try:
        assert proc.stdout is not None
        banner = "".join(proc.stdout.readline() for _ in range(5))
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=10)
    assert SANDBOX_TOKEN in banner
    assert re.search(r"secrets URL\s+http://127\.0\.0\.1:\d+/secrets/", banner)
    assert "control API  off" in banner
    # The control API really is off.


def test_control_api_is_off_unless_asked() -> None:
    proc = _spawn()
    try:
        url = _org_url(proc)
        assert httpx.get(f"{url}/__sandbox/calls").status_code == 404
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=10)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--host", "0.0.0.0"], "loopback addresses only"),  # noqa: S104
        (["--host", "192.168.1.10"], "loopback addresses only"),
        (["--fault", "POST /api/v1/apps=explode"], "unknown kind 'explode'"),
        (["--fault", "no-equals-sign"], "expected ROUTE=WHAT"),
        (["--groups", "-1"], "--groups must be 0 or more"),
    ],
)
def test_bad_input_exits_2_with_a_remedy(args: list[str], message: str) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "okta_wizard", "sandbox", "--port", "0", *args],
        capture_output=True,
        text=True,
        timeout=30,
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
        timeout=30,
    )
    assert out.returncode == 2 and "'groups' must be a JSON list" in out.stderr

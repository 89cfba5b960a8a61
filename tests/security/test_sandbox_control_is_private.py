"""The sandbox's control API (faults, call log, reset, kill_pid) obeys only the user who started
the sandbox: this run's random token, a loopback Host, a JSON body, and `kill_pid` only for a
process of the caller's own. Attacks as a local user or a web page would make them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from okta_wizard.sandbox import processes
from okta_wizard.sandbox.server import RunningSandbox, start_sandbox
from tests.sandbox.conftest import UPFLOW_APP

NOBODY = 65534
HANG = 30.0


def _control(sandbox: RunningSandbox, path: str = "faults") -> str:
    return f"{sandbox.base_url}/__sandbox/{path}"


def _fault(kill_pid: object) -> dict[str, object]:
    return {"route": "POST /api/v1/apps", "kill_pid": kill_pid, "nth": 1}


def _create_app(sandbox: RunningSandbox) -> None:
    """Fire every POST /api/v1/apps fault: the call a kill_pid fault waits for."""
    headers = {"Authorization": f"SSWS {sandbox.token}"}
    resp = httpx.post(f"{sandbox.base_url}/api/v1/apps", json=UPFLOW_APP, headers=headers)
    assert resp.status_code == 200, resp.text


def _as_user(uid: int, *command: str) -> list[str]:
    return ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", *command]


def _need_another_user() -> None:
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to act as another local user (uid 65534)")


@pytest.fixture
def sleeper() -> Iterator[subprocess.Popen[bytes]]:
    """A process of the test's own user, for a kill that must or must not happen."""
    proc = subprocess.Popen(["sleep", "120"])
    try:
        yield proc
    finally:
        proc.kill()
        proc.wait()


@pytest.fixture
def nobody_sleeper() -> Iterator[subprocess.Popen[bytes]]:
    """A process of another local user (nobody)."""
    _need_another_user()
    proc = subprocess.Popen(_as_user(NOBODY, "sleep", "120"))
    try:
        deadline = time.monotonic() + HANG
        while (found := processes.identify(proc.pid)) is None or found.uid != NOBODY:
            assert time.monotonic() < deadline, "setpriv never became uid 65534"
            time.sleep(0.02)
        yield proc
    finally:
        proc.kill()
        proc.wait()


def test_control_api_is_off_by_default() -> None:
    with start_sandbox() as sb:
        assert sb.control_token is None
        assert httpx.post(_control(sb), json={"route": "*", "status": 503}).status_code == 404
        assert len(sb.faults) == 0


WRONG_AUTHORIZATIONS = [None, "Bearer wrong", "Bearer", "SSWS {api}", "bearer {api}x"]


@pytest.mark.parametrize("authorization", WRONG_AUTHORIZATIONS)
def test_without_this_runs_token_nothing_changes(
    sandbox: RunningSandbox, authorization: str | None
) -> None:
    headers = {"Content-Type": "application/json"}
    if authorization is not None:
        headers["Authorization"] = authorization.format(api=sandbox.token)
    for method, path in (("POST", "faults"), ("POST", "reset"), ("GET", "calls")):
        body = json.dumps({"route": "*", "status": 503}) if method == "POST" else None
        resp = httpx.request(method, _control(sandbox, path), content=body, headers=headers)
        assert resp.status_code == 401, (path, resp.status_code)
        assert "Bearer" in resp.headers["WWW-Authenticate"]
    assert len(sandbox.faults) == 0


def test_control_tokens_differ_per_run(sandbox: RunningSandbox) -> None:
    with start_sandbox(control=True) as other:
        assert other.control_token and other.control_token != sandbox.control_token
        stolen = {**sandbox.control_headers()}
        resp = httpx.post(_control(other), json={"route": "*", "status": 503}, headers=stolen)
        assert resp.status_code == 401


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "10.0.0.1:{port}", ""])
def test_a_foreign_host_name_is_refused(sandbox: RunningSandbox, host: str) -> None:
    """DNS rebinding: a page on evil.example resolving to 127.0.0.1 sends its own Host."""
    port = sandbox.base_url.rsplit(":", 1)[1]
    headers = {**sandbox.control_headers(), "Host": host.format(port=port)}
    resp = httpx.post(_control(sandbox), json={"route": "*", "status": 503}, headers=headers)
    assert resp.status_code == 403
    assert len(sandbox.faults) == 0


@pytest.mark.parametrize(
    "content_type", ["application/x-www-form-urlencoded", "text/plain", "multipart/form-data", None]
)
def test_only_json_bodies_are_accepted(sandbox: RunningSandbox, content_type: str | None) -> None:
    """What an HTML form may send cross-site without a preflight is refused."""
    headers = {"Authorization": sandbox.control_headers()["Authorization"]}
    if content_type:
        headers["Content-Type"] = content_type
    body = json.dumps({"route": "*", "status": 503})
    for path in ("faults", "reset"):
        resp = httpx.post(_control(sandbox, path), content=body, headers=headers)
        assert resp.status_code == 415, (path, resp.status_code)
    assert len(sandbox.faults) == 0


def test_loopback_names_and_json_pass(sandbox: RunningSandbox) -> None:
    port = sandbox.base_url.rsplit(":", 1)[1]
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", "[::1]", "127.0.0.1"):
        headers = {**sandbox.control_headers(), "Host": host}
        resp = httpx.post(_control(sandbox), json={"route": "*", "latency": 0.01}, headers=headers)
        assert resp.status_code == 201, (host, resp.text)
    headers = {**sandbox.control_headers(), "Content-Type": "application/json; charset=utf-8"}
    assert httpx.get(_control(sandbox, "calls"), headers=headers).status_code == 200


@pytest.mark.parametrize("pid", [0, -1, 1, "SELF", True, "123", 2**40])
def test_kill_pid_never_names_init_a_group_or_the_sandbox(
    sandbox: RunningSandbox, pid: object
) -> None:
    pid = os.getpid() if pid == "SELF" else pid
    resp = httpx.post(_control(sandbox), json=_fault(pid), headers=sandbox.control_headers())
    assert resp.status_code in (400, 403), resp.text
    assert len(sandbox.faults) == 0


def test_kill_pid_of_another_users_process_is_refused(
    sandbox: RunningSandbox, nobody_sleeper: subprocess.Popen[bytes]
) -> None:
    resp = httpx.post(
        _control(sandbox), json=_fault(nobody_sleeper.pid), headers=sandbox.control_headers()
    )
    assert resp.status_code == 403 and "not a process of yours" in resp.text
    _create_app(sandbox)
    assert nobody_sleeper.poll() is None


def test_kill_pid_of_the_callers_own_process_works(
    sandbox: RunningSandbox, sleeper: subprocess.Popen[bytes]
) -> None:
    """The crash tool still works over HTTP for the user who runs it."""
    resp = httpx.post(
        _control(sandbox), json=_fault(sleeper.pid), headers=sandbox.control_headers()
    )
    assert resp.status_code == 201, resp.text
    assert sleeper.poll() is None  # not before the call
    _create_app(sandbox)
    assert sleeper.wait(timeout=HANG) == -9


# A client of the control API running as another user: it prints the answer's status.
SYSTEM_PYTHON = "/usr/bin/python3"  # path-ok: for a process run as another user
SYSTEM_PATH = "/usr/bin:/bin"  # path-ok: a minimal PATH for that process
CLIENT = """
import http.client, json, os, sys

host, port = sys.argv[1], int(sys.argv[2])
conn = http.client.HTTPConnection(host, port, timeout=30)
body = json.dumps({"route": "POST /api/v1/apps", "kill_pid": int(sys.argv[3]), "nth": 1})
conn.request("POST", "/__sandbox/faults", body, {
    "Authorization": "Bearer " + os.environ["CONTROL_TOKEN"],
    "Content-Type": "application/json",
})
answer = conn.getresponse()
print(answer.status, answer.read().decode()[:200])
"""


def _post_as_nobody(sandbox: RunningSandbox, pid: int) -> str:
    """The peer-uid check on its own: this caller even has the token (it never should)."""
    _need_another_user()
    host, port = sandbox.base_url.removeprefix("http://").rsplit(":", 1)
    python = SYSTEM_PYTHON if os.path.exists(SYSTEM_PYTHON) else sys.executable
    done = subprocess.run(
        _as_user(NOBODY, python, "-I", "-c", CLIENT, host, port, str(pid)),
        capture_output=True,
        text=True,
        timeout=HANG,
        cwd="/",
        env={"CONTROL_TOKEN": sandbox.control_token or "", "PATH": SYSTEM_PATH},
    )
    if done.returncode != 0:
        pytest.skip(f"cannot run a Python client as uid {NOBODY}: {done.stderr[-300:]}")
    return done.stdout


def test_another_user_cannot_kill_the_sandbox_owners_process(
    sandbox: RunningSandbox, sleeper: subprocess.Popen[bytes]
) -> None:
    """The finding: uid 65534 had a root-owned process killed through kill_pid."""
    answer = _post_as_nobody(sandbox, sleeper.pid)
    assert answer.startswith("403") and "not a process of yours" in answer, answer
    _create_app(sandbox)
    assert sleeper.poll() is None
    assert len(sandbox.faults) == 0


def test_the_caller_is_told_apart_by_its_socket(
    sandbox: RunningSandbox, nobody_sleeper: subprocess.Popen[bytes]
) -> None:
    """The same client as uid 65534 may kill its own process: the peer's uid was read from
    the socket table, not assumed."""
    answer = _post_as_nobody(sandbox, nobody_sleeper.pid)
    assert answer.startswith("201"), answer
    _create_app(sandbox)
    assert nobody_sleeper.wait(timeout=HANG) == -9


def test_a_reused_pid_is_never_signalled(sleeper: subprocess.Popen[bytes]) -> None:
    """The kill fires later than the check: it re-checks the process is still the same one."""
    granted = processes.identify(sleeper.pid)
    assert granted is not None and granted.uid == os.geteuid()
    processes.kill_if_unchanged(sleeper.pid, granted.uid, granted.start_time + 1)
    processes.kill_if_unchanged(sleeper.pid, granted.uid + 1, granted.start_time)
    assert sleeper.poll() is None
    processes.kill_if_unchanged(sleeper.pid, granted.uid, granted.start_time)
    assert sleeper.wait(timeout=HANG) == -9


def test_the_socket_table_names_this_process_as_the_caller(sandbox: RunningSandbox) -> None:
    """What the kill_pid check reads: the client end of a live connection is ours."""
    import socket

    host, port = sandbox.base_url.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port))) as client:
        mine = client.getsockname()
        assert processes.socket_owner(mine, (host, int(port))) == os.geteuid()
        assert processes.caller_uid(mine, (host, int(port))) == os.geteuid()
    assert processes.caller_uid("not a tuple", None) is None

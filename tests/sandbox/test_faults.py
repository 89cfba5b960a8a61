"""Fault injection, from the Python API and from another process through the control API."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from email.utils import parsedate_to_datetime

import httpx
import pytest

from okta_wizard.sandbox.faults import Fault, parse_fault_spec
from okta_wizard.sandbox.server import RunningSandbox, start_sandbox
from tests.sandbox.conftest import UPFLOW_APP, create_app


def test_status_fault_on_nth_call_only(sandbox: RunningSandbox, okta: httpx.Client) -> None:
    sandbox.faults.add("GET /api/v1/users/{id}", status=503, nth=2)
    codes = [okta.get("/api/v1/users/me").status_code for _ in range(3)]
    assert codes == [200, 503, 200]


def test_status_fault_without_nth_fires_every_time(
    sandbox: RunningSandbox, okta: httpx.Client
) -> None:
    sandbox.faults.add("GET /api/v1/org", status=500)
    bodies = [okta.get("/api/v1/org") for _ in range(2)]
    assert [b.status_code for b in bodies] == [500, 500]
    assert bodies[0].json()["errorCode"] == "E0000009"
    sandbox.faults.clear()
    assert okta.get("/api/v1/org").status_code == 200


def test_fault_on_first_calls_with_times(sandbox: RunningSandbox, okta: httpx.Client) -> None:
    sandbox.faults.add("GET /api/v1/org", status=503, times=2)
    assert [okta.get("/api/v1/org").status_code for _ in range(3)] == [503, 503, 200]


@pytest.mark.parametrize(
    ("status", "code"),
    [(401, "E0000011"), (403, "E0000006"), (404, "E0000007"), (429, "E0000047")],
)
def test_status_faults_use_okta_codes(
    sandbox: RunningSandbox, okta: httpx.Client, status: int, code: str
) -> None:
    sandbox.faults.add("GET /api/v1/apps", status=status)
    resp = okta.get("/api/v1/apps")
    assert resp.status_code == status and resp.json()["errorCode"] == code


def test_429_fault_says_when_to_retry(sandbox: RunningSandbox, okta: httpx.Client) -> None:
    sandbox.faults.add("GET /api/v1/groups", status=429, nth=1, reset_in=3)
    resp = okta.get("/api/v1/groups", params={"q": "Fin"})
    assert resp.status_code == 429
    assert resp.headers["x-rate-limit-remaining"] == "0"
    # Against the answer's own Date (whole seconds), not this machine's clock after the fact.
    sent = parsedate_to_datetime(resp.headers["date"]).timestamp()
    assert int(resp.headers["x-rate-limit-reset"]) - sent in (2, 3)
    assert resp.headers["date"]  # the SDK needs Date and x-rate-limit-reset to back off


def test_app_cap_fault_on_create(sandbox: RunningSandbox, okta: httpx.Client) -> None:
    sandbox.faults.add("POST /api/v1/apps", status=400)
    resp = okta.post("/api/v1/apps", json=UPFLOW_APP)
    assert resp.status_code == 400
    assert "Maximum number of instances" in resp.json()["errorCauses"][0]["errorSummary"]
    assert sandbox.org.apps_by_label("Upflow SSO") == []


def test_drop_before_applies_nothing(sandbox: RunningSandbox, okta: httpx.Client) -> None:
    sandbox.faults.add("POST /api/v1/apps", drop="before", nth=1)
    with pytest.raises(httpx.RemoteProtocolError):
        okta.post("/api/v1/apps", json=UPFLOW_APP)
    assert sandbox.org.apps_by_label("Upflow SSO") == []
    assert [(c.key, c.mutating) for c in sandbox.calls] == [("POST /api/v1/apps", False)]


def test_drop_after_applies_the_change(sandbox: RunningSandbox, okta: httpx.Client) -> None:
    """A crash right after the call: Okta made the app, the client never saw the answer."""
    sandbox.faults.add("POST /api/v1/apps", drop="after", nth=1)
    with pytest.raises(httpx.RemoteProtocolError):
        okta.post("/api/v1/apps", json=UPFLOW_APP)
    (app,) = sandbox.org.apps_by_label("Upflow SSO")
    assert sandbox.calls[-1].mutating
    # The resume path finds it and reads its secret.
    found = okta.get("/api/v1/apps", params={"q": "Upflow SSO"}).json()
    assert [a["id"] for a in found] == [app.id]
    secrets = okta.get(f"/api/v1/apps/{app.id}/credentials/secrets").json()
    assert secrets[0]["client_secret"] == app.secrets[0].value


def test_latency(sandbox: RunningSandbox, okta: httpx.Client) -> None:
    sandbox.faults.add("GET /api/v1/org", latency=0.3)
    started = time.perf_counter()
    assert okta.get("/api/v1/org").status_code == 200
    assert time.perf_counter() - started >= 0.3  # a lower bound: load cannot make it shorter
    # Cleared faults are gone: a minute of latency would outlast this request's timeout.
    sandbox.faults.add("GET /api/v1/org", latency=60.0)
    sandbox.faults.clear()
    assert okta.get("/api/v1/org", timeout=30).status_code == 200


def test_latency_and_timeout(sandbox: RunningSandbox, okta: httpx.Client) -> None:
    sandbox.set_latency(1.0)
    with pytest.raises(httpx.ReadTimeout):
        okta.get("/api/v1/org", timeout=0.2)


def test_odd_fields(sandbox: RunningSandbox, okta: httpx.Client) -> None:
    create_app(okta)
    sandbox.faults.add("GET /api/v1/apps", odd_fields=True)
    app = okta.get("/api/v1/apps", params={"q": "Upflow"}).json()[0]
    assert app["features"] == ["AUTO_CONFIRM_IMPORTS"] and "sandboxNewField" in app


def test_kill_pid_after_the_call_is_applied(sandbox: RunningSandbox) -> None:
    """The crash-consistency tool: a real client process dies right after Okta made the app."""
    script = (
        "import httpx, sys, time\n"
        "h = {'Authorization': 'SSWS ' + sys.argv[2]}\n"
        "body = __import__('json').loads(sys.argv[3])\n"
        "httpx.post(sys.argv[1] + '/api/v1/apps', json=body, headers=h)\n"
        "print('survived')\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script, sandbox.base_url, sandbox.token, json.dumps(UPFLOW_APP)],
        stdout=subprocess.PIPE,
        text=True,
    )
    sandbox.faults.add("POST /api/v1/apps", kill_pid=proc.pid, nth=1)
    out, _ = proc.communicate(timeout=30)
    assert proc.returncode == -9 and "survived" not in out
    assert len(sandbox.org.apps_by_label("Upflow SSO")) == 1


def test_route_patterns(sandbox: RunningSandbox, okta: httpx.Client) -> None:
    sandbox.faults.add("* /api/v1/apps*", status=503)
    assert okta.get("/api/v1/apps").status_code == 503
    assert okta.get("/api/v1/apps/0oanothere").status_code == 503
    assert okta.get("/api/v1/groups").status_code == 200


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"status": 200}, {"nth": 0, "status": 500}, {"drop": "sideways"}],
)
def test_bad_faults_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Fault(route="*", **kwargs)  # type: ignore[arg-type]


def test_fault_spec_grammar() -> None:
    assert parse_fault_spec("GET /api/v1/groups=429@2") == {
        "route": "GET /api/v1/groups", "nth": 2, "status": 429,
    }  # fmt: skip
    assert parse_fault_spec("POST /api/v1/apps=drop-after@1x2") == {
        "route": "POST /api/v1/apps", "nth": 1, "times": 2, "drop": "after",
    }  # fmt: skip
    assert parse_fault_spec("*=latency:0.2") == {"route": "*", "latency": 0.2}
    odd = {"route": "GET /api/v1/apps", "odd_fields": True}
    assert parse_fault_spec("GET /api/v1/apps=odd") == odd


def test_control_api_from_another_process(sandbox: RunningSandbox) -> None:
    base = f"{sandbox.base_url}/__sandbox"
    with httpx.Client(base_url=base, headers=sandbox.control_headers()) as control:
        _drive_the_control_api(sandbox, control)


def _drive_the_control_api(sandbox: RunningSandbox, control: httpx.Client) -> None:
    added = control.post("/faults", json={"route": "POST /api/v1/apps", "status": 503})
    assert added.status_code == 201 and added.json()["status"] == 503
    headers = {"Authorization": f"SSWS {sandbox.token}"}
    resp = httpx.post(f"{sandbox.base_url}/api/v1/apps", json=UPFLOW_APP, headers=headers)
    assert resp.status_code == 503
    assert [f["route"] for f in control.get("/faults").json()] == ["POST /api/v1/apps"]
    calls = control.get("/calls").json()
    assert calls == [
        {"method": "POST", "route": "/api/v1/apps", "path": "/api/v1/apps", "query": "",
         "mutating": False, "status": 503}
    ]  # fmt: skip
    assert control.delete("/faults").status_code == 204
    assert control.post("/admin-roles", json={"roles": ["ORG_ADMIN"]}).status_code == 200
    denied = httpx.post(f"{sandbox.base_url}/api/v1/apps", json=UPFLOW_APP, headers=headers)
    assert denied.status_code == 403
    assert control.post("/reset").status_code == 204
    ok = httpx.post(f"{sandbox.base_url}/api/v1/apps", json=UPFLOW_APP, headers=headers)
    assert ok.status_code == 200
    state = control.get("/state").json()
    assert [a["label"] for a in state["apps"] if a["name"] == "oidc_client"] == ["Upflow SSO"]
    assert ok.json()["credentials"]["oauthClient"]["client_secret"] not in str(state)
    assert control.post("/faults", json={"route": "*", "bogus": 1}).status_code == 400
    assert control.post("/max-apps", json={"max": -1}).status_code == 400


def test_control_api_is_absent_without_control() -> None:
    with start_sandbox(control=False) as sb:
        assert httpx.get(f"{sb.base_url}/__sandbox/calls").status_code == 404
        assert httpx.post(f"{sb.base_url}/__sandbox/reset").status_code == 404


def test_faults_given_at_start() -> None:
    with start_sandbox(faults=[{"route": "GET /api/v1/org", "status": 503, "nth": 1}]) as sb:
        headers = {"Authorization": f"SSWS {sb.token}"}
        codes = [httpx.get(f"{sb.base_url}/api/v1/org", headers=headers).status_code for _ in "ab"]
        assert codes == [503, 200]

"""Kill `rotate`, `rotate --finish` and `remove` (SIGKILL, from the sandbox) right after each of
their Okta calls; the rerun converges. The old secret is never deactivated before the new one
is stored and handed off; `remove` never deletes another app.

The kill is the sandbox's `kill_pid` fault, added in-process by the sandbox's owner (the test)
once the subprocess is running: it fires after the call has been applied, before the answer.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest

from okta_wizard.errors import ExitCode
from okta_wizard.secret import Secret
from okta_wizard.setup.journal import journal_path, receipt_path, removal_receipt_path
from okta_wizard.vault import Vault
from tests.handoff.links import pbincli_read
from tests.leakscan import find_leaks
from tests.lifecycle.conftest import (
    TEST_TOKEN,
    Cap,
    Org,
    applied,
    keyring,
    live_pastes,
    send_args,
    wizard,
    written,
)

PREFLIGHT = [  # after apply: the journal's app is read by id, step 2 uses what step 1 read
    "GET /.well-known/okta-organization",
    "GET /api/v1/users/{id}",
    "GET /api/v1/apps/{id}",
    "GET /api/v1/groups",
    "GET /api/v1/users/{id}/roles",
]
SECRETS = "/api/v1/apps/{id}/credentials/secrets"
# The calls of each command, in order (pinned by the tests below); the hand-off's calls to the
# secrets server come after the last Okta call of `rotate`.
ROTATE_CALLS = [
    *PREFLIGHT,
    f"GET {SECRETS}",
    f"GET {SECRETS}",
    f"POST {SECRETS}",
    "GET /.well-known/openid-configuration",
    "POST /oauth2/v1/introspect",
]
FINISH_CALLS = [
    *PREFLIGHT,
    f"GET {SECRETS}",
    "GET /.well-known/openid-configuration",
    "POST /oauth2/v1/introspect",
    f"POST {SECRETS}/{{sid}}/lifecycle/deactivate",
    f"DELETE {SECRETS}/{{sid}}",
]
REMOVE_CALLS = [
    *PREFLIGHT,
    "GET /api/v1/apps/{id}",
    "GET /api/v1/apps/{id}/groups",
    "POST /secrets/",  # the one-time link's delete
    "GET /api/v1/apps/{id}",
    "POST /api/v1/apps/{id}/lifecycle/deactivate",
    "DELETE /api/v1/apps/{id}",
]
LABEL = "Upflow SSO"


def _kill_points(calls: list[str]) -> list[tuple[str, int]]:
    seen: Counter[str] = Counter()
    points = []
    for key in calls:
        seen[key] += 1
        points.append((key, seen[key]))
    return points


def _okta_calls(org: Org, since: int) -> list[str]:
    return [c.key for c in org.sb.calls[since:] if not c.path.startswith("/secrets/")]


def _rotated(org: Org, capsys: Cap) -> None:
    code, _, err = org.run(capsys, "rotate", *send_args(org))
    assert code == ExitCode.OK, err


def _removable(org: Org, capsys: Cap) -> tuple[str, str]:
    """A setup with an unread link, next to another app that must survive; (paste id, other)."""
    applied(org, capsys)
    code, out, err = org.run(capsys, "send", *send_args(org))
    assert code == ExitCode.OK, err
    other = org.sb.org.add_oidc_app("Upflow SSO (staging)")
    return json.loads(out)["link"]["paste_id"], other.id


# ------------------------------------------------------------------ the pinned sequences
def test_the_pinned_call_sequences_are_the_real_ones(org: Org, capsys: Cap) -> None:
    applied(org, capsys)
    before = len(org.sb.calls)
    _rotated(org, capsys)
    assert _okta_calls(org, before) == ROTATE_CALLS
    before = len(org.sb.calls)
    assert org.run(capsys, "rotate", "--finish", "--yes")[0] == ExitCode.OK
    assert _okta_calls(org, before) == FINISH_CALLS


def test_the_pinned_remove_sequence_is_the_real_one(org: Org, capsys: Cap) -> None:
    _removable(org, capsys)
    before = len(org.sb.calls)
    assert org.run(capsys, "remove", "--yes", "--confirm-label", LABEL)[0] == ExitCode.OK
    assert [c.key for c in org.sb.calls[before:]] == REMOVE_CALLS


# ------------------------------------------------------------------ rotate
@pytest.mark.slow
@pytest.mark.parametrize(("route", "nth"), _kill_points(ROTATE_CALLS), ids=str)
def test_rotate_killed_after_each_call_then_rerun_converges(
    org: Org, capsys: Cap, route: str, nth: int
) -> None:
    app = applied(org, capsys)
    old = app.secrets[0]
    proc = wizard(org, "rotate", *send_args(org))
    org.sb.faults.add(route, kill_pid=proc.pid, nth=nth)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == -9, (out, err)
    assert old.status == "ACTIVE" and len(app.secrets) <= 2, "the old secret is untouched"
    assert live_pastes(org) == [], "nothing was handed off before the kill"
    org.sb.faults.clear()
    rerun = wizard(org, "rotate", *send_args(org))
    out2, err2 = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err2
    # Converged: exactly one new secret, stored; the old one active and kept aside; one link.
    assert len(app.secrets) == 2 and all(s.status == "ACTIVE" for s in app.secrets)
    new = next(s for s in app.secrets if s.id != old.id)
    assert keyring(org, app) == (new.value, old.value)
    rotation = org.journal()["rotation"]
    assert isinstance(rotation, dict)
    assert rotation["stage"] == "handed_off" and rotation["new_secret_id"] == new.id
    assert len(live_pastes(org)) == 1
    assert new.value in pbincli_read(json.loads(out2)["link"]["url"])
    texts = [out, err, err2]  # out2 holds the link (--reveal), not a client secret
    paths = written(org)
    values = [old.value, new.value, TEST_TOKEN]
    assert find_leaks(values, texts=[*texts, *org.outputs], paths=paths) == []


# ------------------------------------------------------------------ rotate --finish
@pytest.mark.slow
@pytest.mark.parametrize(("route", "nth"), _kill_points(FINISH_CALLS), ids=str)
def test_finish_killed_after_each_call_then_rerun_converges(
    org: Org, capsys: Cap, route: str, nth: int
) -> None:
    app = applied(org, capsys)
    old = app.secrets[0]
    _rotated(org, capsys)
    new = app.secrets[1]
    proc = wizard(org, "rotate", "--finish", "--yes")
    org.sb.faults.add(route, kill_pid=proc.pid, nth=nth)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == -9, (out, err)
    assert new.status == "ACTIVE" and keyring(org, app)[0] == new.value
    org.sb.faults.clear()
    rerun = wizard(org, "rotate", "--finish", "--yes")
    out2, err2 = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err2
    assert [(s.id, s.status) for s in app.secrets] == [(new.id, "ACTIVE")]
    assert keyring(org, app) == (new.value, None)
    assert org.journal()["rotation"] is None
    [record] = json.loads(receipt_path(org.url).read_text())["rotations"]
    assert record["old_secret_id"] == old.id and record["new_secret_id"] == new.id
    assert record["new_fingerprint"] == Secret(new.value).fingerprint()
    values = [old.value, new.value, TEST_TOKEN]
    texts = [out, err, out2, err2, *org.outputs]
    assert find_leaks(values, texts=texts, paths=written(org)) == []


# ------------------------------------------------------------------ remove
REMOVE = ("remove", "--yes", "--confirm-label", LABEL)


@pytest.mark.slow
@pytest.mark.parametrize(("route", "nth"), _kill_points(REMOVE_CALLS), ids=str)
def test_remove_killed_after_each_call_then_rerun_converges(
    org: Org, capsys: Cap, route: str, nth: int
) -> None:
    paste_id, other = _removable(org, capsys)
    app = org.only_app()
    secret = app.secrets[0].value
    proc = wizard(org, *REMOVE)
    org.sb.faults.add(route, kill_pid=proc.pid, nth=nth)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == -9, (out, err)
    org.sb.faults.clear()
    rerun = wizard(org, *REMOVE)
    out2, err2 = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err2
    assert org.sb.org.apps.get(app.id) is None
    assert org.sb.org.apps[other].status == "ACTIVE", "never another app"
    assert live_pastes(org) == [] and keyring(org, app) == (None, None)
    assert Vault().load_delete_token(org.url, paste_id) is None
    assert not journal_path(org.url).exists() and not receipt_path(org.url).exists()
    final = json.loads(removal_receipt_path(org.url).read_text())
    assert final["app_id"] == app.id
    texts = [out, err, out2, err2, *org.outputs]
    paths = written(org)
    assert find_leaks([secret, TEST_TOKEN], texts=texts, paths=paths) == []

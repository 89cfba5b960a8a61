"""What rotation and removal keep on disk, checked field by field when read, and the texts
they show (pure: no sandbox)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from okta_wizard.handoff.message import REPLACES_PREVIOUS, HandoffDetails, render_message
from okta_wizard.handoff.receipt import (
    Receipt,
    RotationRecord,
    read_receipt,
    record_rotation,
    render_receipt,
    write_receipt,
)
from okta_wizard.okta.models import LogEvent, LogEvents, OidcApp
from okta_wizard.savedfile import SavedFileDamaged
from okta_wizard.secret import Secret
from okta_wizard.setup import journal as journal_store
from okta_wizard.setup.activity import activity_filter, summarize
from okta_wizard.setup.journal import Journal, Removal, Rotation
from okta_wizard.setup.remove import RemovalReceipt, read_removal_receipt, write_removal_receipt
from okta_wizard.setup.rotate import describe_duration

ORG = "https://acme.okta.com"
ROTATION = Rotation(
    stage="handed_off",
    started_at="2026-05-01T10:00:00Z",
    old_secret_id="ocsOLD1234567890abcd",
    old_fingerprint="…abcd sha256:0123456789ab",
    secrets_before=["ocsOLD1234567890abcd"],
    new_secret_id="ocsNEW1234567890abcd",
    new_fingerprint="…wxyz sha256:ba9876543210",
    handed_off_at="2026-05-01T10:00:05Z",
)


def test_rotation_and_removal_survive_a_save_and_load(_isolated_state: Path) -> None:
    journal = Journal(org_url=ORG, app_id="0oa1", client_id="0oa1", rotation=ROTATION)
    journal.removal = Removal(started_at="2026-05-02T00:00:00Z", label="Upflow SSO", app_id="0oa1")
    journal_store.save(journal)
    loaded = journal_store.load(ORG)
    assert loaded is not None
    assert loaded.rotation == ROTATION and loaded.removal == journal.removal


CLIMBING_ID = "../../etc"  # path-ok: a hostile secret id


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("stage", "done"),
        ("old_secret_id", CLIMBING_ID),
        ("started_at", "yesterday"),
        ("secrets_before", ["ocs1", 7]),
        ("new_secret_id", "ocs/1"),
    ],
)
def test_a_rotation_this_program_did_not_write_is_refused(
    _isolated_state: Path, field: str, value: object
) -> None:
    journal = Journal(org_url=ORG, app_id="0oa1", client_id="0oa1", rotation=ROTATION)
    path = journal_store.save(journal)
    data = json.loads(path.read_text())
    data["rotation"][field] = value
    path.write_text(json.dumps(data))
    with pytest.raises(SavedFileDamaged) as err:
        journal_store.load(ORG)
    assert "rotation" in str(err.value) and "forget" in err.value.remedy
    salvaged = journal_store.salvage(ORG).journal  # forget still reads the rest
    assert salvaged is not None and salvaged.client_id == "0oa1"


def _receipt() -> Receipt:
    return Receipt(
        org_url=ORG,
        app_id="0oa1",
        client_id="0oa1",
        issuer=ORG,
        label="Upflow SSO",
        redirect_uris=("https://auth.upflow.io/__/auth/handler",),
        post_logout_redirect_uris=("https://app.upflow.io/",),
        groups=("Everyone",),
        run_by="admin@acme.com",
        created_at="2026-05-01T10:00:05Z",
        secret_fingerprint="…wxyz sha256:ba9876543210",
    )


def test_the_receipt_records_a_rotation_once_and_checks_it_when_read(tmp_path: Path) -> None:
    path = tmp_path / "r.receipt.json"
    record = RotationRecord(
        started_at=ROTATION.started_at,
        finished_at="2026-05-03T09:00:00Z",
        old_secret_id=ROTATION.old_secret_id,
        old_fingerprint=ROTATION.old_fingerprint,
        new_secret_id="ocsNEW1234567890abcd",
        new_fingerprint="…wxyz sha256:ba9876543210",
    )
    assert record_rotation(path, record) is False, "no receipt, nothing to record in"
    write_receipt(_receipt(), path)
    assert record_rotation(path, record) and record_rotation(path, record)
    receipt = read_receipt(path)
    assert receipt is not None and receipt.rotations == (record,)
    text = render_receipt(receipt)
    assert "Secret rotated" in text and record.old_fingerprint in text
    data = json.loads(path.read_text())
    data["rotations"][0]["new_secret_id"] = None
    path.write_text(json.dumps(data))
    with pytest.raises(SavedFileDamaged):
        read_receipt(path)


def test_the_removal_receipt_is_checked_when_read(_isolated_state: Path) -> None:
    receipt = RemovalReceipt(
        org_url=ORG,
        label="Upflow SSO",
        app_id="0oa1",
        removed_at="2026-05-04T00:00:00Z",
        started_at="2026-05-04T00:00:00Z",
        run_by="admin@acme.com",
        removed=("the app 'Upflow SSO' (id 0oa1) in Okta: deleted",),
    )
    path = write_removal_receipt(receipt)
    assert read_removal_receipt(ORG) == receipt
    path.write_text(json.dumps({**json.loads(path.read_text()), "removed_at": 5}))
    with pytest.raises(SavedFileDamaged):
        read_removal_receipt(ORG)
    journals, damaged = journal_store.scan_journals()
    assert journals == [] and damaged == [], "a removal receipt is not a journal"


def test_the_rotation_message_says_it_replaces_the_previous_secret() -> None:
    details = HandoffDetails(
        client_id="0oa1",
        client_secret=Secret("s" * 40),
        issuer=ORG,
        email_domains=("acme.com",),
        label="Upflow SSO",
        org_url=ORG,
    )
    plain = render_message(details).reveal()
    assert not any(line in plain for line in REPLACES_PREVIOUS)
    rotated = render_message(HandoffDetails(**{**details.__dict__, "replaces_previous": True}))
    text = rotated.reveal()
    assert all(line in text for line in REPLACES_PREVIOUS) and "s" * 40 in text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0 seconds"), (59, "59 seconds"), (3600, "1 hour"), (3660, "1 hour 1 minute"),
     (90061, "1 day 1 hour"), (3 * 86400 + 30, "3 days")],
)  # fmt: skip
def test_how_long_a_rotation_has_been_pending(seconds: int, text: str) -> None:
    assert describe_duration(seconds) == text


def _event(
    published: str, kind: str, result: str, actor: str, actor_type: str = "User"
) -> LogEvent:
    return LogEvent(
        uuid=f"{published}{actor}",
        published=published,
        event_type=kind,
        result=result,
        reason="invalid_client" if result != "SUCCESS" else "",
        actor_id=actor,
        actor_type=actor_type,
        actor_name=f"{actor}@acme.com",
        display_message="",
    )


def test_the_activity_summary_reads_the_newest_events_whatever_their_order() -> None:
    app = OidcApp("0oa1", "0oa1", "Upflow SSO", "oidc_client", "ACTIVE", "OPENID_CONNECT", "web",
                  (), (), (), (), "client_secret_basic", False)  # fmt: skip
    sso = "user.authentication.sso"
    events = (
        _event("2026-05-01T10:00:00.000Z", sso, "SUCCESS", "00u1"),
        _event("2026-05-03T10:00:00.000Z", sso, "SUCCESS", "00u2"),
        _event("2026-05-02T10:00:00.000Z", "app.oauth2.token.grant", "FAILURE", "0oa1", "App"),
        _event("2026-05-04T10:00:00.000Z", sso, "SUCCESS", "0oaX", "PublicClientApp"),
        _event("2026-04-30T10:00:00.000Z", sso, "SUCCESS", "00u1"),
    )
    activity = summarize(app, LogEvents(events, 1, True), days=30, since="s", until="u")
    assert activity.last_sign_in is not None and activity.last_sign_in.actor_id == "00u2"
    assert activity.distinct_users == 2 and activity.sign_ins == 3
    assert activity.last_failure is not None and activity.last_failure.reason == "invalid_client"
    assert activity_filter("0oa1") == (
        'target.id eq "0oa1" and (eventType eq "user.authentication.sso" '
        'or eventType sw "app.oauth2.token")'
    )

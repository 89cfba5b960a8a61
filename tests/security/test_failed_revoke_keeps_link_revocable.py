"""A delete that fails never costs the ability to revoke: every paste still readable on the
server has its delete token in the keyring, at every step.

The attacker here is a flaky network or a broken server (a proxy's 5xx, a dropped
connection, a delete applied but never answered). A second `send` must not leave two live
copies of the secret, and `send --revoke` must keep the token until the server says the paste
is gone. Real parts: the sandbox org and its PrivateBin endpoint over HTTP on 127.0.0.1
(faults on its delete route), the real Secret Service, pbincli to open the last link.
"""

from __future__ import annotations

import json
import time

import pytest

from okta_wizard.errors import ExitCode
from okta_wizard.sandbox.privatebin import pastes_of
from okta_wizard.secret import Secret
from okta_wizard.vault import Vault
from tests.handoff.links import fetch_paste, pbincli_read
from tests.setup.conftest import Org
from tests.setup.conftest import org as org

Cap = pytest.CaptureFixture[str]
DELETE_ROUTE = "DELETE /secrets/"
DELETE_FAULTS = {
    "proxy 503": {"status": 503},
    "proxy 500": {"status": 500},
    "connection dropped": {"drop": "before"},
    "deleted, answer lost": {"drop": "after"},
}


def readable_pastes(org: Org) -> set[str]:
    """Paste ids the server would still hand out (live, not yet read)."""
    store = pastes_of(org.sb.state)
    now = time.time()
    return {pid for pid in list(store.pastes) if store.get_live(pid, now) is not None}


def assert_every_readable_paste_is_revocable(org: Org) -> None:
    vault = Vault()
    orphans = [p for p in readable_pastes(org) if vault.load_delete_token(org.url, p) is None]
    assert orphans == [], f"readable on the server with no delete token in the keyring: {orphans}"


def send(org: Org, capsys: Cap, *extra: str) -> tuple[int, dict[str, object] | None, str]:
    code, out, err = org.run(
        capsys, "send", "--secrets-url", org.sb.secrets_url, "--json", "--reveal", *extra
    )
    link = json.loads(out)["link"] if code == ExitCode.OK and "--revoke" not in extra else None
    return code, link, err


@pytest.mark.parametrize("fault", DELETE_FAULTS.values(), ids=DELETE_FAULTS.keys())
def test_a_failed_delete_keeps_the_token_and_makes_no_second_link(
    org: Org, capsys: Cap, fault: dict[str, object]
) -> None:
    assert org.run(capsys, "apply", "--everyone")[0] == ExitCode.OK
    code, first, err = send(org, capsys)
    assert code == ExitCode.OK and first is not None, err
    first_id = str(first["paste_id"])
    assert readable_pastes(org) == {first_id}
    assert_every_readable_paste_is_revocable(org)
    journal_before = org.journal()

    # send again while the server fails the delete of the first link
    failing = org.sb.faults.add(DELETE_ROUTE, **fault)  # type: ignore[arg-type]
    code, second, err = send(org, capsys)
    org.sb.faults.remove(failing)
    assert code == ExitCode.HANDOFF, err
    assert second is None and f"previous one-time link {first_id} could not be deleted" in err
    assert "Nothing new was sent" in err and "okta-wizard send --revoke" in err
    assert failing.fired == 1
    assert readable_pastes(org) <= {first_id}, "no second copy of the secret was posted"
    assert Vault().load_delete_token(org.url, first_id) is not None, "the token is kept"
    assert org.journal() == journal_before, "the journal still names the first link"
    assert_every_readable_paste_is_revocable(org)

    # the retry deletes the first link (or learns it is gone) and makes the new one
    code, second, err = send(org, capsys)
    assert code == ExitCode.OK and second is not None, err
    second_id = str(second["paste_id"])
    deleted_now = fault.get("drop") != "after"
    assert (f"previous unread link ({first_id})" in err) is deleted_now
    assert readable_pastes(org) == {second_id}
    assert fetch_paste(str(first["url"]))["status"] == 1, "the first link no longer opens"
    assert Vault().load_delete_token(org.url, first_id) is None, "dropped once it is gone"
    assert_every_readable_paste_is_revocable(org)

    # revoke while the delete fails: exit 7, the token and the journal's link are kept
    failing = org.sb.faults.add(DELETE_ROUTE, **fault)  # type: ignore[arg-type]
    code, _, err = send(org, capsys, "--revoke")
    org.sb.faults.remove(failing)
    assert code == ExitCode.HANDOFF and f"link {second_id} was not deleted" in err, err
    assert "send --revoke` again" in err
    assert Vault().load_delete_token(org.url, second_id) is not None
    assert "revoked_at" not in org.journal()["link"]  # type: ignore[operator]
    assert_every_readable_paste_is_revocable(org)

    # revoke again: deleted (or already gone), the token dropped only now
    code, _, err = send(org, capsys, "--revoke")
    assert code == (ExitCode.OK if deleted_now else ExitCode.HANDOFF), err
    assert readable_pastes(org) == set()
    assert Vault().load_delete_token(org.url, second_id) is None
    assert "revoked_at" in org.journal()["link"]  # type: ignore[operator]
    assert_every_readable_paste_is_revocable(org)

    # and a new link still works end to end
    code, third, err = send(org, capsys)
    assert code == ExitCode.OK and third is not None, err
    assert org.only_app().secrets[0].value in pbincli_read(str(third["url"]))


def test_a_token_the_server_calls_wrong_is_kept_and_nothing_new_is_sent(
    org: Org, capsys: Cap
) -> None:
    """ "Wrong deletion token" means the paste is still there: not a reason to drop a token."""
    assert org.run(capsys, "apply", "--everyone")[0] == ExitCode.OK
    code, first, err = send(org, capsys)
    assert code == ExitCode.OK and first is not None, err
    first_id = str(first["paste_id"])
    Vault().store_delete_token(org.url, first_id, Secret("0" * 64))
    code, second, err = send(org, capsys)
    assert code == ExitCode.HANDOFF and second is None, err
    assert "Wrong deletion token" in err
    assert readable_pastes(org) == {first_id}
    assert Vault().load_delete_token(org.url, first_id) == Secret("0" * 64)
    code, _, err = send(org, capsys, "--revoke")
    assert code == ExitCode.HANDOFF and "Wrong deletion token" in err
    assert Vault().load_delete_token(org.url, first_id) is not None
    assert_every_readable_paste_is_revocable(org)


def test_a_link_already_read_drops_its_token_and_is_replaced(org: Org, capsys: Cap) -> None:
    """The one answer that may drop a token: the server says the paste is gone."""
    assert org.run(capsys, "apply", "--everyone")[0] == ExitCode.OK
    code, first, err = send(org, capsys)
    assert code == ExitCode.OK and first is not None, err
    assert org.only_app().secrets[0].value in pbincli_read(str(first["url"]))  # burns it
    code, second, err = send(org, capsys)
    assert code == ExitCode.OK and second is not None, err
    assert "previous unread link" not in err, "nothing was deleted: it had been read"
    assert Vault().load_delete_token(org.url, str(first["paste_id"])) is None
    assert readable_pastes(org) == {str(second["paste_id"])}
    assert_every_readable_paste_is_revocable(org)

"""A saved file that is not what okta-wizard wrote is refused by every command, never guessed at.

The journal and the receipt live on disk where an editor, a restored backup, a full disk or
another local user can change them. Fed to every command that reads them (status,
credentials, send, send --revoke, verify, apply, plan, forget): a JSON array, brackets nested
100,000 deep, fields of the wrong type or shape, ids and URLs that are not ids and URLs, a
64 MiB file, bytes that are not UTF-8, NaN, a symbolic link. Each command exits 2 naming the
file and the fix, with no traceback and the file left as it was; `forget` removes it; the
next `apply` finds the app in Okta by its label (no duplicate). Text from saved files reaches
the terminal only through `textsafe.visible()`.

Real parts: the sandbox org over HTTP on 127.0.0.1 and the real Secret Service.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from okta_wizard.cli import main
from okta_wizard.errors import ExitCode
from tests.setup.conftest import Org
from tests.setup.conftest import org as org

CLIMBING_PASTE_ID = "../../../etc/passwd"  # path-ok: a hostile paste id
CLIMBING_APP_ID = "0oa1/../../x"  # path-ok: a hostile app id

Cap = pytest.CaptureFixture[str]
Damage = Callable[[dict[str, Any]], bytes]
CONTROL_BYTES = ("\x1b", "\x07", "\x9b", "\x9d", "\u202e")
HOSTILE = "Upflow\x1b]52;c;ZXZpbA==\x07\x1b[2J\x9b31m\u202eSSO"


def _with(**fields: Any) -> Damage:
    return lambda journal: json.dumps({**journal, **fields}).encode()


def _with_link(**fields: Any) -> Damage:
    link = {"paste_id": "0123456789abcdef", "server": "https://secrets.upflow.io/"}
    return _with(link={**link, **fields})


MALFORMED: dict[str, Damage] = {
    "a JSON array": lambda j: json.dumps([j]).encode(),
    "an empty array": lambda j: b"[]",
    "a JSON string": lambda j: b'"{}"',
    "brackets nested 100000 deep": lambda j: b"[" * 100_000 + b"]" * 100_000,
    "objects nested 100000 deep": lambda j: b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
    "a field nested 100000 deep": lambda j: (
        json.dumps({**j, "link": None}).encode()[:-1]
        + b', "deep": '
        + b"[" * 100_000
        + b"]" * 100_000
        + b"}"
    ),
    "link is a string": _with(link="str"),
    "link is a list": _with(link=["0123456789abcdef"]),
    "link paste id is a path": _with_link(paste_id=CLIMBING_PASTE_ID),
    "link server is plain http": _with_link(server="http://evil.example/"),
    "link expire is a number": _with_link(expire=7),
    "steps is a list": _with(steps=["done"]),
    "a step is a string": _with(steps={"1": "done"}),
    "a step number out of range": _with(steps={"99": {"state": "done"}}),
    "a step state unknown": _with(steps={"1": {"state": "hacked"}}),
    "app id is a number": _with(app_id=5),
    "app id is not an Okta id": _with(app_id=CLIMBING_APP_ID),
    "client id has a newline": _with(client_id="0oa1\nPASS"),
    "issuer is not a URL": _with(issuer="javascript:alert(1)"),
    "group names is a string": _with(group_names="Finance"),
    "group ids hold an object": _with(group_ids=[{"id": "00g1"}]),
    "schema version is true": _with(schema_version=True),
    "schema version is a float": _with(schema_version=1.0),
    "another schema version": _with(schema_version=2),
    "org url is missing": lambda j: json.dumps(
        {k: v for k, v in j.items() if k != "org_url"}
    ).encode(),
    "another org's journal": _with(org_url="https://other.okta.com"),
    "a label of 10000 characters": _with(label="x" * 10_000),
    "not UTF-8": lambda j: b"\xff\xfe" + json.dumps(j).encode("utf-16-le"),
    "NaN": lambda j: json.dumps({**j, "schema_version": float("nan")}).encode(),
    "truncated": lambda j: json.dumps(j).encode()[:40],
    "empty": lambda j: b"",
}


def _commands(org: Org) -> list[list[str]]:
    secrets = ["--secrets-url", org.sb.secrets_url]
    return [
        ["status"],
        ["status", "--receipt"],
        ["status", "--json"],
        ["credentials"],
        ["credentials", "--json"],
        ["send", "--json", "--reveal", *secrets],
        ["send", "--revoke"],
        ["verify"],
        ["plan", "--everyone"],
        ["apply", "--everyone"],
    ]


def _set_up(org: Org, capsys: Cap) -> tuple[Path, dict[str, Any]]:
    assert org.run(capsys, "apply", "--everyone")[0] == ExitCode.OK
    code, _, err = org.run(
        capsys, "send", "--json", "--reveal", "--secrets-url", org.sb.secrets_url
    )
    assert code == ExitCode.OK, err
    path = org.journal_path()
    return path, json.loads(path.read_text())


def _refused_everywhere(org: Org, capsys: Cap, path: Path, problem: str = "") -> None:
    """Every command: exit 2 naming the file and the fix; the file unchanged; Okta untouched."""
    before, mutations = (
        path.read_bytes() if not path.is_symlink() else None,
        len(org.sb.mutating_calls()),
    )
    for argv in _commands(org):
        code, out, err = org.run(capsys, *argv)
        assert code == ExitCode.USAGE, (argv, out, err)
        assert str(path) in err and "cannot be used" in err, (argv, err)
        assert "okta-wizard forget --org-url" in err and "aside" in err, (argv, err)
        assert problem in err, (argv, err)
        assert "Traceback" not in out + err
        assert not any(c in out + err for c in CONTROL_BYTES), (argv, out, err)
        if before is not None:
            assert path.read_bytes() == before, f"{argv} changed the file"
    assert len(org.sb.mutating_calls()) == mutations, "nothing changed in Okta"
    assert len(org.apps()) == 1


def _forget_then_apply_finds_the_app(org: Org, capsys: Cap, path: Path) -> None:
    app_id = org.only_app().id
    code, out, err = org.run(capsys, "forget", "--yes")
    assert code == ExitCode.OK, err
    assert f"deleted {path}" in out and "damaged" in out
    assert not path.exists() and not path.is_symlink()
    code, out, err = org.run(capsys, "apply", "--everyone")
    assert code == ExitCode.OK, err
    assert org.only_app().id == app_id, "found again by its label: no duplicate"
    assert org.journal()["app_id"] == app_id


@pytest.mark.parametrize("damage", MALFORMED.values(), ids=MALFORMED.keys())
def test_every_command_refuses_a_malformed_journal(org: Org, capsys: Cap, damage: Damage) -> None:
    path, journal = _set_up(org, capsys)
    path.write_bytes(damage(journal))
    _refused_everywhere(org, capsys, path)
    _forget_then_apply_finds_the_app(org, capsys, path)


def test_a_journal_far_too_large_is_refused_before_it_is_read(org: Org, capsys: Cap) -> None:
    path, _ = _set_up(org, capsys)
    with path.open("r+b") as f:
        f.truncate(64 * 1024 * 1024)  # sparse: 64 MiB of NUL bytes, nothing to parse
    _refused_everywhere(org, capsys, path, problem="larger than 1024 KiB")
    _forget_then_apply_finds_the_app(org, capsys, path)


def test_a_symlinked_journal_is_refused_and_forget_removes_the_link_only(
    org: Org, capsys: Cap, tmp_path: Path
) -> None:
    path, journal = _set_up(org, capsys)
    elsewhere = tmp_path / "planted.json"
    shutil.copy(path, elsewhere)  # a valid journal: the link itself is the problem
    path.unlink()
    path.symlink_to(elsewhere)
    _refused_everywhere(org, capsys, path, problem="symbolic link")
    _forget_then_apply_finds_the_app(org, capsys, path)
    assert json.loads(elsewhere.read_text()) == journal, "the link's target is untouched"


def test_moving_the_file_aside_is_the_other_fix(org: Org, capsys: Cap) -> None:
    path, journal = _set_up(org, capsys)
    app_id = journal["app_id"]
    path.write_text("[]")
    assert org.run(capsys, "apply", "--everyone")[0] == ExitCode.USAGE
    path.rename(path.with_name(path.name + ".bak"))
    code, _, err = org.run(capsys, "apply", "--everyone")
    assert code == ExitCode.OK, err
    assert org.only_app().id == app_id
    code, out, _ = org.run(capsys, "status")
    assert code == ExitCode.OK and app_id in out, "the .bak file is not mistaken for a journal"


def test_forget_on_a_damaged_journal_deletes_the_keyring_entries_still_named(
    org: Org, capsys: Cap
) -> None:
    from okta_wizard.vault import Vault

    path, journal = _set_up(org, capsys)
    client_id, paste_id = journal["client_id"], journal["link"]["paste_id"]
    path.write_text(json.dumps({**journal, "steps": "broken"}))
    assert org.run(capsys, "status")[0] == ExitCode.USAGE
    code, out, err = org.run(capsys, "forget", "--yes")
    assert code == ExitCode.OK, err
    assert f"keyring entry {org.url}/{client_id}" in out and "delete token" in out
    assert Vault().load_client_secret(org.url, client_id) is None
    assert Vault().load_delete_token(org.url, paste_id) is None
    assert "damaged (field steps is not an object)" in out
    assert f"link {paste_id} was not revoked" in out, "forget says the link may still open"


def test_status_lists_the_readable_setups_and_names_the_damaged_file(org: Org, capsys: Cap) -> None:
    from okta_wizard.setup import journal as store

    _, journal = _set_up(org, capsys)
    other = store.Journal(org_url="https://other.okta.com", app_id="0oaOTHER")
    other_path = store.save(other)
    other_path.write_text("[1, 2")
    code = main(["status"])  # every org: no --org-url
    out, err = capsys.readouterr()
    assert code == ExitCode.USAGE
    assert journal["app_id"] in out, "the readable setup is still shown"
    assert str(other_path) in err and "okta-wizard forget --org-url" in err
    code = main(["status", "--json"])
    out, err = capsys.readouterr()
    assert code == ExitCode.USAGE
    data = json.loads(out)
    assert [s["app_id"] for s in data["setups"]] == [journal["app_id"]]
    assert data["damaged"][0]["path"] == str(other_path)
    # One org's view is not blocked by another org's damaged file.
    assert org.run(capsys, "status")[0] == ExitCode.OK


RECEIPT_DAMAGE: dict[str, Damage] = {
    "a JSON array": lambda r: b"[]",
    "nested 100000 deep": lambda r: b"[" * 100_000 + b"]" * 100_000,
    "groups is a string": lambda r: json.dumps({**r, "groups": "Finance"}).encode(),
    "a redirect URI is javascript": lambda r: json.dumps(
        {**r, "redirect_uris": ["javascript:alert(1)"]}
    ).encode(),
    "a field is missing": lambda r: json.dumps(
        {k: v for k, v in r.items() if k != "app_id"}
    ).encode(),
    "not UTF-8": lambda r: b"\xc3\x28" + json.dumps(r).encode(),
}


@pytest.mark.parametrize("damage", RECEIPT_DAMAGE.values(), ids=RECEIPT_DAMAGE.keys())
def test_a_malformed_receipt_is_refused_naming_the_file(
    org: Org, capsys: Cap, damage: Damage
) -> None:
    _set_up(org, capsys)
    receipt = next(org.state_dir.glob("*.receipt.json"))
    receipt.write_bytes(damage(json.loads(receipt.read_text())))
    before = receipt.read_bytes()
    code, out, err = org.run(capsys, "status", "--receipt")
    assert code == ExitCode.USAGE and out == ""
    assert str(receipt) in err and "cannot be used" in err and "aside" in err
    assert receipt.read_bytes() == before
    assert org.run(capsys, "status")[0] == ExitCode.OK, "the journal itself is fine"
    assert org.run(capsys, "forget", "--yes")[0] == ExitCode.OK
    assert not receipt.exists()


def test_text_from_saved_files_reaches_the_terminal_only_made_visible(
    org: Org, capsys: Cap
) -> None:
    """Free text (label, group names, login, backend name) may hold anything: shown escaped."""
    path, journal = _set_up(org, capsys)
    hostile = {
        **journal,
        "label": HOSTILE,
        "group_names": [HOSTILE],
        "actor_login": HOSTILE,
        "secret_stored_in": HOSTILE,
        "secret_fingerprint": HOSTILE,
    }
    path.write_text(json.dumps(hostile))
    receipt = next(org.state_dir.glob("*.receipt.json"))
    data = json.loads(receipt.read_text())
    receipt.write_text(
        json.dumps({**data, "label": HOSTILE, "run_by": HOSTILE, "groups": [HOSTILE]})
    )
    for argv in (["status"], ["status", "--json"], ["status", "--receipt"], ["credentials"]):
        code, out, err = org.run(capsys, *argv)
        assert code == ExitCode.OK, (argv, err)
        assert not any(c in out + err for c in CONTROL_BYTES), (argv, out)
    code, out, _ = org.run(capsys, "status")
    assert "Upflow\\x1b]52;c;ZXZpbA==\\x07" in out, "shown, as visible escapes"

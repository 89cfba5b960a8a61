"""Leak scan: run every headless command end to end, then search everything they left behind.

The journal and receipt folder, the keyring's files on disk (encrypted by gnome-keyring, so
the plaintext must not be there; keyrings.alt's files, decoded), temporary files written
during the run, and all captured stdout/stderr, for every client secret Okta issued and for
the API token.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import pytest

from okta_wizard.errors import ExitCode
from okta_wizard.vault import Vault
from tests.leakscan import find_leaks, keyring_files
from tests.setup.conftest import TEST_TOKEN, Org

Cap = pytest.CaptureFixture[str]


def _files_written_since(root: Path, since: float) -> list[Path]:
    found = []
    for dirpath, _dirs, files in os.walk(root, onerror=lambda e: None):
        for name in files:
            path = Path(dirpath, name)
            try:
                st = path.stat()
                if st.st_mtime >= since and st.st_size < 5_000_000 and os.access(path, os.R_OK):
                    found.append(path)
            except OSError:
                continue
    return found


def _left_behind(org: Org, tmp_path: Path, started: float) -> list[Path]:
    """The journal and receipt folder, the test's tmp, the keyring's files, new temp files."""
    paths = [org.state_dir, tmp_path]
    keyring_data = os.environ.get("XDG_DATA_HOME")
    if keyring_data:
        paths.append(Path(keyring_data))
    paths += keyring_files()  # keyrings.alt's files, wherever keyring keeps them
    paths += _files_written_since(Path(tempfile.gettempdir()), started)
    return [p for p in paths if p.exists()]


def test_no_secret_or_token_anywhere_after_end_to_end_runs(
    org: Org, capsys: Cap, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = time.time() - 1
    org.sb.org.add_oidc_app("Other app")  # a secret the wizard must never touch
    runs = [
        ("plan", "--group", "Finance"),
        ("apply", "--group", "Finance"),
        ("apply", "--group", "Finance", "--json"),
        ("plan", "--group", "Finance", "--json"),
        ("verify",),
        ("verify", "--json"),
        ("credentials",),
        ("credentials", "--json"),
        ("status",),
        ("status", "--json"),
    ]
    for argv in runs:
        code, _, err = org.run(capsys, *argv)
        assert code == ExitCode.OK, (argv, err)
    app = org.only_app()
    Vault().delete_client_secret(org.url, app.id)  # lost: recovered from Okta
    assert org.run(capsys, "apply", "--group", "Finance")[0] == ExitCode.OK
    Vault().delete_client_secret(org.url, app.id)  # lost again: a new one this time
    assert org.run(capsys, "apply", "--group", "Finance", "--new-secret")[0] == ExitCode.OK
    org.sb.faults.add("PUT /api/v1/apps/{id}/groups/{gid}", status=503)
    assert org.run(capsys, "apply", "--everyone")[0] == ExitCode.UNAVAILABLE
    org.sb.faults.clear()
    monkeypatch.setenv("OKTA_API_TOKEN", TEST_TOKEN[:-3] + "xyz")
    assert org.run(capsys, "verify")[0] == ExitCode.AUTH
    monkeypatch.setenv("OKTA_API_TOKEN", TEST_TOKEN)
    assert org.run(capsys, "forget", "--yes")[0] == ExitCode.OK

    secrets = [*org.secret_values(), TEST_TOKEN]
    assert len(org.secret_values()) == 3  # the other app's, the first and the new one
    existing = _left_behind(org, tmp_path, started)
    assert find_leaks(secrets, paths=existing, texts=org.outputs) == []
    # Sanity: the same scan does find a secret when one is there.
    assert org.outputs and find_leaks(secrets, texts=[*org.outputs, secrets[1]]) != []


def test_no_link_key_delete_token_or_password_left_behind_by_the_hand_off(
    org: Org, capsys: Cap, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """send and apply --send in every mode that works without a terminal, then --revoke.

    The link's key is printed only where --reveal asked for it (stdout); the delete tokens, the
    link password and the client secret appear in no output and no file, and the key in no
    file and no stderr.
    """
    from tests.handoff.links import LINK_RE

    started = time.time() - 1
    password = "pw-for-the-leak-scan-7c1e"
    monkeypatch.setenv("LINK_PW", password)
    link_runs = [
        ("apply", "--everyone", "--send", "--json", "--reveal", "--password-from-env", "LINK_PW"),
        ("send", "--json", "--reveal", "--expire", "1day"),
        ("send", "--reveal", "--password-from-env", "LINK_PW"),
        ("apply", "--everyone", "--send", "--reveal"),
    ]
    keys: list[str] = []
    tokens: list[str] = []
    revealed: list[str] = []
    for argv in link_runs:
        code, out, err = org.run(capsys, *argv, "--secrets-url", org.sb.secrets_url)
        assert code == ExitCode.OK, (argv, err)
        match = LINK_RE.search(out)
        assert match, (argv, out)
        keys.append(match.group(3))
        token = Vault().load_delete_token(org.url, match.group(2))
        assert token is not None
        tokens.append(token.reveal())
        revealed.append(out)
    refused = [
        ("send", "--json"),
        ("send",),
        ("apply", "--everyone", "--send", "--json"),
        ("apply", "--everyone", "--send", "--password-from-env", "LINK_PW"),
    ]
    for argv in refused:
        code, _, err = org.run(capsys, *argv, "--secrets-url", org.sb.secrets_url)
        assert code == ExitCode.USAGE, (argv, err)
    assert org.run(capsys, "send", "--revoke")[0] == ExitCode.OK

    client_secrets = [*org.secret_values(), TEST_TOKEN]
    existing = _left_behind(org, tmp_path, started)
    everything = [*client_secrets, *keys, *tokens, password]
    assert find_leaks(everything, paths=existing) == []
    others = [o for o in org.outputs if o not in revealed]  # every stderr, refused runs' stdout
    assert find_leaks(everything, texts=others) == []
    assert find_leaks([*client_secrets, *tokens, password], texts=revealed) == []
    # Sanity: the scan finds the keys where --reveal printed them on purpose.
    assert all(find_leaks([key], texts=[out]) for key, out in zip(keys, revealed, strict=True))

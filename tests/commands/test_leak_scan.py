"""Leak scan: run every headless command end to end, then search everything they left behind.

The journal and receipt folder, the keyring's files on disk (encrypted by gnome-keyring, so
the plaintext must not be there), temporary files written during the run, and all captured
stdout/stderr, for every client secret Okta issued and for the API token.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import pytest

from okta_wizard.errors import ExitCode
from okta_wizard.vault import Vault
from tests.leakscan import find_leaks
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
    paths = [org.state_dir, tmp_path]
    keyring_files = os.environ.get("XDG_DATA_HOME")
    if keyring_files:
        paths.append(Path(keyring_files))
    paths += _files_written_since(Path(tempfile.gettempdir()), started)
    existing = [p for p in paths if p.exists()]
    assert find_leaks(secrets, paths=existing, texts=org.outputs) == []
    # Sanity: the same scan does find a secret when one is there.
    assert org.outputs and find_leaks(secrets, texts=[*org.outputs, secrets[1]]) != []

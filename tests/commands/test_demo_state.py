"""The demo's folder between runs, in-process: the sandbox org is saved as it changes (0600, no
secret value), restored with its apps and groups, moved with its saved progress to a new
address; stale keyring entries go; bad input and a second demo change nothing."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from okta_wizard.commands import demo_state
from okta_wizard.commands.demo import DemoOrg
from okta_wizard.sandbox.persist import load_org
from okta_wizard.secret import Secret
from okta_wizard.vault import MemoryVault
from tests.leakscan import find_leaks
from tests.sandbox.conftest import UPFLOW_APP

HANG = 60.0


@pytest.fixture
def folder(_isolated_state: Path) -> Path:
    path = _isolated_state / "demo"
    demo_state.prepare_folder(path)
    return path


@pytest.fixture
def started(folder: Path) -> Iterator[DemoOrg]:
    demo = DemoOrg(folder, MemoryVault())
    demo.start(fresh=False, groups=0)
    try:
        yield demo
    finally:
        demo.stop()


def _create_app(demo: DemoOrg) -> dict[str, object]:
    assert demo.sandbox is not None
    headers = {"Authorization": f"SSWS {demo.sandbox.token}"}
    resp = httpx.post(f"{demo.sandbox.base_url}/api/v1/apps", json=UPFLOW_APP, headers=headers)
    assert resp.status_code == 200
    return dict(resp.json())


def test_the_org_is_saved_before_the_answer_without_secret_values(started: DemoOrg) -> None:
    app = _create_app(started)
    secret = app["credentials"]["oauthClient"]["client_secret"]  # type: ignore[index]
    saved = load_org(started.path)  # already on disk when the client got its answer
    assert saved is not None and app["id"] in saved.org.apps
    assert stat.S_IMODE(started.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(started.folder.stat().st_mode) == 0o700
    assert started.sandbox is not None
    assert find_leaks([secret, started.sandbox.token], paths=[started.path]) == []
    restored = saved.org.apps[str(app["id"])]
    assert restored.secrets and restored.secrets[0].value != secret  # a new value, never read


def test_a_restart_restores_the_org_and_moves_saved_progress(folder: Path) -> None:
    first = DemoOrg(folder, MemoryVault())
    sandbox = first.start(fresh=False, groups=0)
    app = _create_app(first)
    old = sandbox.base_url
    link = {"server": f"{old}/secrets/", "paste_id": "abc"}
    journal = {"org_url": old, "issuer": old, "client_id": app["id"], "link": link}
    (folder / f"{old.replace('://', '_').replace(':', '_')}.json").write_text(json.dumps(journal))
    first.stop()
    with _busy(int(old.rsplit(":", 1)[1])):
        second = DemoOrg(folder, MemoryVault())
        moved = second.start(fresh=False, groups=0)
        try:
            new = moved.base_url
            assert new != old and str(app["id"]) in moved.org.apps
            assert any("was taken" in n for n in second.notes)
            files = demo_state.saved_files(folder)
            assert [f.data["org_url"] for f in files] == [new]
            assert files[0].data["link"] == {"server": f"{new}/secrets/", "paste_id": "abc"}
            assert files[0].data["issuer"] == new
            saved = load_org(second.path)
            assert saved is not None and saved.origin == new
        finally:
            second.stop()


@contextlib.contextmanager
def _busy(port: int) -> Iterator[None]:
    """Hold a port, as another program would."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))
        sock.listen()
        yield


def test_an_unreadable_org_is_set_aside_and_its_progress_dropped(folder: Path) -> None:
    (folder / demo_state.ORG_FILE).write_text("[[[")
    (folder / "http_127.0.0.1_1.json").write_text(json.dumps({"org_url": "http://127.0.0.1:1"}))
    demo = DemoOrg(folder, MemoryVault())
    demo.start(fresh=False, groups=0)
    try:
        assert any("could not be used (it is not JSON)" in n for n in demo.notes)
        assert any("saved demo progress removed" in n for n in demo.notes)
        assert not (folder / "http_127.0.0.1_1.json").exists()
        assert list(folder.glob("sandbox-org.unreadable-*.json"))
    finally:
        demo.stop()
    lines = "\n".join(demo_state.closing_lines(folder, None))
    assert "an unreadable saved file, set aside (sandbox-org.unreadable-" in lines


def test_stale_keyring_entries_of_a_killed_demo_are_removed(
    folder: Path, secret_service: None
) -> None:
    origin = "http://127.0.0.1:9"
    journal = {"org_url": origin, "client_id": "0oastale", "link": {"paste_id": "p1"}}
    (folder / "http_127.0.0.1_9.json").write_text(json.dumps(journal))
    keyring = demo_state.DemoKeyring()
    keyring.store_client_secret(origin, "0oastale", Secret("left-by-a-killed-demo"))
    keyring.store_delete_token(origin, "p1", Secret("delete-token-left-behind"))
    demo = DemoOrg(folder, demo_state.DemoKeyring())
    demo.start(fresh=True, groups=0)
    demo.stop()
    assert keyring.load_client_secret(origin, "0oastale") is None
    assert keyring.load_delete_token(origin, "p1") is None
    assert any("removed 2 keyring entries an earlier demo left behind" in n for n in demo.notes)


def test_closing_lines_list_what_is_on_disk(folder: Path) -> None:
    for name in ("http_127.0.0.1_5.json", "http_127.0.0.1_5.receipt.json", "sandbox-org.json"):
        (folder / name).write_text("{}")
    removed = demo_state.KeyringEntry("client secret", "http://127.0.0.1:5", "0oa1")
    lines = list(demo_state.closing_lines(folder, demo_state.KeyringCleanup([removed], [])))
    assert lines[0] == (
        f"okta-wizard demo: sandbox stopped. Kept in {folder}: saved progress "
        "(http_127.0.0.1_5.json), the receipt (http_127.0.0.1_5.receipt.json) and the demo "
        "org (sandbox-org.json, no secret values)."
    )
    assert lines[2] == (
        "  Keyring: removed the entry this demo held: http://127.0.0.1:5/0oa1 (client secret)."
    )
    failed = list(demo_state.closing_lines(folder, demo_state.KeyringCleanup([], [removed])))
    assert "could NOT remove http://127.0.0.1:5/0oa1" in failed[-1]


def _demo(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "okta_wizard", "demo", *args],
        capture_output=True,
        text=True,
        timeout=HANG,
        stdin=subprocess.DEVNULL,
    )


def test_groups_with_a_saved_demo_is_refused_and_changes_nothing(folder: Path) -> None:
    (folder / demo_state.ORG_FILE).write_text("{}")
    before = sorted((p.name, p.read_bytes()) for p in folder.iterdir())
    out = _demo("--groups", "50")
    assert out.returncode == 2, out.stderr
    assert "--groups sets up a new demo org" in out.stderr and "--fresh" in out.stderr
    assert sorted((p.name, p.read_bytes()) for p in folder.iterdir()) == before


def test_a_second_demo_on_the_same_folder_is_refused(folder: Path) -> None:
    lock = demo_state.DemoLock(folder)
    lock.acquire()
    try:
        out = _demo()
    finally:
        lock.release()
    assert out.returncode == 2, out.stderr
    assert f"Another okta-wizard demo is running with this saved demo (pid {os.getpid()})" in (
        out.stderr
    )


def test_a_folder_that_is_a_symlink_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    target.mkdir()
    link = tmp_path / "link"
    link.symlink_to(target)
    with pytest.raises(Exception, match="not a folder of yours"):
        demo_state.prepare_folder(link)

"""The demo's folder between runs, in-process: the sandbox org is saved as it changes (0600, no
secret value), restored with its apps and groups, moved with its saved progress to a new
address; stale keyring entries go; bad input, a damaged or foreign saved file and a second demo
change nothing (exit 2, naming the file and the fix)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from okta_wizard.commands import demo_state
from okta_wizard.commands.demo import DemoOrg, DemoStopped, StopSignals
from okta_wizard.handoff.receipt import Receipt, read_receipt, write_receipt
from okta_wizard.sandbox.persist import load_org
from okta_wizard.savedfile import SavedFileDamaged
from okta_wizard.secret import Secret
from okta_wizard.setup import journal as store
from okta_wizard.setup.journal import Journal
from okta_wizard.vault import MemoryVault, Vault
from tests.leakscan import find_leaks
from tests.sandbox.conftest import UPFLOW_APP

HANG = 60.0
PASTE_ID = "0123456789abcdef"


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
    link = {"server": f"{old}/secrets/", "paste_id": PASTE_ID}
    store.save(Journal(org_url=old, issuer=old, client_id=str(app["id"]), link=link), folder)
    write_receipt(_receipt(old), folder / store.receipt_path(old).name)
    first.stop()
    with _busy(int(old.rsplit(":", 1)[1])):
        second = DemoOrg(folder, MemoryVault())
        moved = second.start(fresh=False, groups=0)
        try:
            new = moved.base_url
            assert new != old and str(app["id"]) in moved.org.apps
            assert any("was taken" in n for n in second.notes)
            journal, receipt = (f.content for f in demo_state.read_progress(folder).usable())
            assert isinstance(journal, Journal) and isinstance(receipt, Receipt)
            assert (journal.org_url, journal.issuer) == (new, new)
            assert journal.link is not None and journal.link["server"] == f"{new}/secrets/"
            assert journal.link["paste_id"] == PASTE_ID
            assert (receipt.org_url, receipt.issuer) == (new, new)
            assert receipt.link_server == f"{new}/secrets/"
            assert sorted(p.name for p in folder.glob("*.json")) == sorted(
                [store.journal_path(new).name, store.receipt_path(new).name, demo_state.ORG_FILE]
            )
            assert read_receipt(folder / store.receipt_path(new).name) == receipt
            saved = load_org(second.path)
            assert saved is not None and saved.origin == new
        finally:
            second.stop()


def _receipt(origin: str) -> Receipt:
    return Receipt(
        org_url=origin,
        app_id="0oa1",
        client_id="0oa1",
        issuer=origin,
        label="Upflow SSO",
        redirect_uris=("https://auth.upflow.io/__/auth/handler",),
        post_logout_redirect_uris=(),
        groups=("Everyone",),
        run_by="admin@example.com",
        created_at="2026-11-28T05:17:11+00:00",
        secret_fingerprint="…abcd sha256:0123456789ab",
        link_server=f"{origin}/secrets/",
        link_expire="1week",
        link_expires_at="2026-12-05T05:17:11+00:00",
    )


@contextlib.contextmanager
def _busy(port: int) -> Iterator[None]:
    """Hold a port, as another program would."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))
        sock.listen()
        yield


def test_an_unreadable_org_is_set_aside_and_its_progress_dropped(folder: Path) -> None:
    (folder / demo_state.ORG_FILE).write_text("[[[")
    store.save(Journal(org_url="http://127.0.0.1:1"), folder)
    demo = DemoOrg(folder, MemoryVault())
    demo.start(fresh=False, groups=0)
    try:
        assert any("could not be used (it is not valid JSON)" in n for n in demo.notes)
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
    link = {"paste_id": PASTE_ID, "server": f"{origin}/secrets/"}
    store.save(Journal(org_url=origin, client_id="0oastale", link=link), folder)
    keyring = demo_state.DemoKeyring()
    keyring.store_client_secret(origin, "0oastale", Secret("left-by-a-killed-demo"))
    keyring.store_delete_token(origin, PASTE_ID, Secret("delete-token-left-behind"))
    demo = DemoOrg(folder, demo_state.DemoKeyring())
    demo.start(fresh=True, groups=0)
    demo.stop()
    assert keyring.load_client_secret(origin, "0oastale") is None
    assert keyring.load_delete_token(origin, PASTE_ID) is None
    assert any("removed 2 keyring entries an earlier demo left behind" in n for n in demo.notes)


def test_a_rotations_previous_secret_leaves_the_keyring_with_the_demo(
    folder: Path, secret_service: None
) -> None:
    """Rotate in the demo keeps the old secret in its own entry: the demo removes it at exit,
    and a killed demo's is removed by the next one."""
    origin = "http://127.0.0.1:9"
    keyring = demo_state.DemoKeyring()
    keyring.store_previous_client_secret(origin, "0oarot", Secret("old-secret-of-a-rotation"))
    entry = demo_state.KeyringEntry("previous client secret", origin, "0oarot")
    assert keyring.written == {entry}
    assert entry.username == f"{origin}/0oarot/previous"
    journal = Journal(org_url=origin, client_id="0oarot")
    assert entry in demo_state.entries_of(journal)
    cleanup = demo_state.remove_entries(keyring, {entry})
    assert cleanup.removed == [entry]
    assert keyring.load_previous_client_secret(origin, "0oarot") is None


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
    assert f"Another okta-wizard demo is running with this saved demo (pid {os.getpid()} on " in (
        out.stderr
    )
    assert not (folder / demo_state.LOCK_FILE).exists(), "the holder's lock, released"


def _snapshot(folder: Path) -> list[tuple[str, bytes]]:
    return sorted((p.name, p.read_bytes()) for p in folder.iterdir())


def test_a_demo_folder_others_can_write_is_refused_with_the_fix(folder: Path) -> None:
    """The demo's folder is checked as every state folder is (`savedfile`)."""
    folder.chmod(0o777)
    out = _demo()
    assert out.returncode == 2, out.stderr
    assert "writable by other users" in out.stderr and f"chmod 700 {folder}" in out.stderr
    assert stat.S_IMODE(folder.stat().st_mode) == 0o777 and list(folder.iterdir()) == []


ACME = "https://acme.okta.com"


def test_a_journal_of_a_real_org_cannot_steer_the_keyring_cleanup(
    folder: Path, secret_service: None
) -> None:
    """A well-formed journal in the demo's folder that names a real org's app: the demo must
    not delete that org's client secret (what a killed demo's leftovers would get)."""
    vault = Vault()
    vault.store_client_secret(ACME, "0oaREAL", Secret("the-real-orgs-secret"))
    try:
        store.save(Journal(org_url=ACME, client_id="0oaREAL"), folder)
        before = _snapshot(folder)
        out = _demo()
        assert out.returncode == 2, out.stderr
        name = store.journal_path(ACME).name
        assert f"{folder / name} cannot be used: it is about {ACME}, not a demo sandbox" in (
            out.stderr
        )
        assert "okta-wizard demo --fresh" in out.stderr and "Traceback" not in out.stderr
        assert vault.load_client_secret(ACME, "0oaREAL") is not None, "a real org's secret"
        assert _snapshot(folder) == before
        # In process, with --fresh too: the entry is named by no demo journal, so it stays.
        assert demo_state.read_progress(folder).journals == []
        demo = DemoOrg(folder, demo_state.DemoKeyring())
        demo.start(fresh=True, groups=0)
        demo.stop()
        assert vault.load_client_secret(ACME, "0oaREAL") is not None
        assert not (folder / name).exists(), "--fresh deletes what the remedy said it would"
    finally:
        vault.delete_client_secret(ACME, "0oaREAL")


CLIMBING_ID = "../x"  # path-ok: a hostile client id
CLIMBING_PASTE_ID = "../../x"  # path-ok: a hostile paste id


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"[]", "it holds a JSON array, not an object"),
        (b"[" * 100_000 + b"]" * 100_000, "its JSON is nested too deeply"),
        (
            json.dumps(
                {"schema_version": 1, "org_url": "http://127.0.0.1:9", "client_id": CLIMBING_ID}
            ),
            "field client_id is not an OAuth client id",
        ),
        (
            json.dumps(
                {
                    "schema_version": 1,
                    "org_url": "http://127.0.0.1:9",
                    "link": {
                        "paste_id": CLIMBING_PASTE_ID,
                        "server": "http://127.0.0.1:9/secrets/",
                    },
                }
            ),
            "field link.paste_id is not a PrivateBin paste id",
        ),
    ],
    ids=["an array", "nested 100000 deep", "a client id that is a path", "a paste id path"],
)
def test_a_damaged_demo_journal_is_exit_2_and_changes_nothing(
    folder: Path, content: bytes | str, problem: str
) -> None:
    path = folder / "http_127.0.0.1_9.json"
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    before = _snapshot(folder)
    out = _demo()
    assert out.returncode == 2, out.stderr
    assert f"{path} cannot be used: " in out.stderr and "Traceback" not in out.stderr
    assert problem in out.stderr
    assert f"rename it, for example to {path.name}.bak" in out.stderr
    assert "okta-wizard demo --fresh" in out.stderr
    assert _snapshot(folder) == before
    with pytest.raises(SavedFileDamaged):
        demo_state.read_progress(folder).usable()


@pytest.mark.skipif(not hasattr(signal, "SIGCONT"), reason="no SIGHUP or SIGCONT on Windows")
def test_a_hang_up_takes_away_textuals_restart_on_sigcont() -> None:
    """The kernel sends SIGCONT with a hang-up, and Textual's driver restarts application mode
    on it: a second writer thread on the dead terminal, on whose full queue the exit blocked
    (the demo outlived its closed pane in about half the runs). SIGHUP must disarm it first."""
    restarted: list[int] = []
    previous = signal.signal(signal.SIGCONT, lambda signum, frame: restarted.append(signum))
    try:
        with StopSignals() as signals, pytest.raises(DemoStopped):
            signals._handle(signal.SIGHUP, None)
        assert signal.getsignal(signal.SIGCONT) == signal.SIG_DFL
        os.kill(os.getpid(), signal.SIGCONT)
        assert restarted == []
    finally:
        signal.signal(signal.SIGCONT, previous)

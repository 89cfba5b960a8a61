"""Saved progress: atomic, private, versioned, locked; never a secret."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from okta_wizard.errors import ExitCode
from okta_wizard.savedfile import SavedFileDamaged
from okta_wizard.setup import journal as store
from okta_wizard.setup.journal import Journal, OrgLock, SetupLocked

ORG = "https://acme.okta.com"
PASTE_ID = "0123456789abcdef"


def test_save_and_load_roundtrip_private_and_versioned(_isolated_state: Path) -> None:
    j = Journal(org_url=ORG, app_id="0oa1", client_id="0oa1", group_names=["Finance"])
    j.record(1, "done")
    j.record(3, "done", "created 0oa1")
    path = store.save(j)
    assert path == _isolated_state / "acme.okta.com.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(_isolated_state.stat().st_mode) == 0o700
    data = json.loads(path.read_text())
    assert data["schema_version"] == store.SCHEMA_VERSION
    assert data["steps"]["3"]["state"] == "done" and data["steps"]["3"]["at"].endswith("Z")
    loaded = store.load(ORG)
    assert loaded is not None
    assert loaded.app_id == "0oa1" and loaded.step_state(3) == "done" and loaded.step_reached == 3
    assert [p.name for p in _isolated_state.iterdir()] == [path.name], "no temp file left"


def test_overwrite_is_atomic_replace(_isolated_state: Path) -> None:
    j = Journal(org_url=ORG, app_id="0oa1")
    first_inode = store.save(j).stat().st_ino
    j.client_id = "0oa1"
    second = store.save(j)
    assert second.stat().st_ino != first_inode, "written to a new file, then renamed over"
    assert store.load(ORG).client_id == "0oa1"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{not json", "not valid JSON"),
        (json.dumps({"schema_version": 99, "org_url": ORG}), "format 99"),
        (json.dumps({"schema_version": 1, "org_url": "https://other.okta.com"}), "other.okta"),
    ],
)
def test_a_journal_this_program_did_not_write_is_refused_and_left_in_place(
    _isolated_state: Path, content: str, problem: str
) -> None:
    _isolated_state.mkdir(mode=0o700)
    path = _isolated_state / "acme.okta.com.json"
    path.write_text(content)
    with pytest.raises(SavedFileDamaged) as info:
        store.load(ORG)
    assert info.value.exit_code == ExitCode.USAGE
    assert str(path) in str(info.value) and problem in str(info.value)
    assert f"okta-wizard forget --org-url {ORG}" in info.value.remedy
    assert path.read_text() == content, "kept as it is, for the admin to look at"


def test_org_slugs_are_distinct_per_origin() -> None:
    assert store.org_slug("https://acme.okta.com") == "acme.okta.com"
    assert store.org_slug("http://127.0.0.1:8443") == "http_127.0.0.1_8443"
    assert store.org_slug("http://127.0.0.1:8443") != store.org_slug("http://127.0.0.1:8444")


def test_link_metadata_never_holds_the_link() -> None:
    with pytest.raises(ValueError, match="url"):
        store.record_link(ORG, {"paste_id": PASTE_ID, "url": f"https://x.example/?{PASTE_ID}#k"})
    metadata = {
        "paste_id": PASTE_ID,
        "server": "https://secrets.example.com/",
        "expire": "1day",
        "burn_after_reading": True,
        "created_at": "2026-11-28T05:17:11+00:00",
        "expires_at": "2026-11-29T05:17:11+00:00",
    }
    saved = store.record_link(ORG, metadata)
    assert store.load(ORG).link == saved.link == metadata  # type: ignore[union-attr]


@contextmanager
def _held_by_another_process(state: Path, then: str = "") -> Iterator[subprocess.Popen[str]]:
    """A child process that holds the org's lock (and runs `then` with it, `l` its OrgLock)."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import os,sys,time\nfrom okta_wizard.setup.journal import OrgLock\n"
            f"l=OrgLock({ORG!r}); l.acquire()\n{then}\nprint('HELD', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "OKTA_WIZARD_STATE_DIR": str(state)},
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "HELD"
        yield holder
    finally:
        holder.kill()
        holder.wait()


def test_second_run_is_told_who_holds_the_lock(_isolated_state: Path) -> None:
    with _held_by_another_process(_isolated_state) as holder:
        with pytest.raises(SetupLocked) as info:
            OrgLock(ORG).acquire()
        assert f"pid {holder.pid}" in str(info.value)
        assert info.value.exit_code == ExitCode.USAGE
    # The holder died without releasing: the kernel dropped its flock, so the next run proceeds.
    deadline = time.monotonic() + 5
    while True:
        try:
            with OrgLock(ORG):
                break
        except SetupLocked:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    assert not store.lock_path(ORG).exists(), "a released lock leaves no file"


def test_lock_is_per_org() -> None:
    with OrgLock(ORG), OrgLock("https://other.okta.com"), pytest.raises(SetupLocked):
        OrgLock(ORG).acquire()


@pytest.mark.parametrize(
    ("content", "shown"),
    [
        (b"[1, 2]", "holder unknown"),
        (b"[" * 100_000, "holder unknown"),
        (b'{"pid": "1", "host": "h", "started": "2026-11-28T05:17:11Z"}', "holder unknown"),
        (
            b'{"pid": 7, "host": "evil\\u001b]52;c;eA==\\u0007", '
            b'"started": "2026-11-28T05:17:11Z"}',
            "pid 7 on evil\\x1b]52;c;eA==\\x07, started 2026-11-28T05:17:11Z",
        ),
    ],
)
def test_who_holds_the_lock_is_read_without_trusting_the_file(
    _isolated_state: Path, content: bytes, shown: str
) -> None:
    rewrite = f"os.ftruncate(l._fd, 0); os.pwrite(l._fd, {content!r}, 0)"
    with _held_by_another_process(_isolated_state, then=rewrite):
        with pytest.raises(SetupLocked) as info:
            OrgLock(ORG).acquire()
        assert f"({shown})" in info.value.message
        assert "\x1b" not in str(info.value) and "\x07" not in str(info.value)


def test_the_lock_file_is_never_truncated_before_it_is_ours(_isolated_state: Path) -> None:
    """A contender opens the holder's lock file but must not erase who holds it."""
    with OrgLock(ORG):
        before = store.lock_path(ORG).read_bytes()
        with pytest.raises(SetupLocked):
            OrgLock(ORG).acquire()
        assert store.lock_path(ORG).read_bytes() == before
        assert json.loads(before)["pid"] == os.getpid()

"""Saved progress: atomic, private, versioned, locked; never a secret."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from okta_wizard.errors import ExitCode
from okta_wizard.setup import journal as store
from okta_wizard.setup.journal import Journal, OrgLock, SetupLocked

ORG = "https://acme.okta.com"


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


@pytest.mark.parametrize("content", ["{not json", json.dumps({"schema_version": 99})])
def test_unreadable_journal_is_set_aside_not_trusted(_isolated_state: Path, content: str) -> None:
    _isolated_state.mkdir(mode=0o700)
    path = _isolated_state / "acme.okta.com.json"
    path.write_text(content)
    assert store.load(ORG) is None
    assert not path.exists()
    assert len(list(_isolated_state.glob("*.unreadable-*.json"))) == 1


def test_org_slugs_are_distinct_per_origin() -> None:
    assert store.org_slug("https://acme.okta.com") == "acme.okta.com"
    assert store.org_slug("http://127.0.0.1:8443") == "http_127.0.0.1_8443"
    assert store.org_slug("http://127.0.0.1:8443") != store.org_slug("http://127.0.0.1:8444")


def test_link_metadata_never_holds_the_link() -> None:
    with pytest.raises(ValueError, match="url"):
        store.record_link(ORG, {"paste_id": "ab", "url": "https://x/?ab#key"})
    saved = store.record_link(ORG, {"paste_id": "ab", "server": "https://x/", "expire": "1day"})
    assert (
        store.load(ORG).link
        == saved.link
        == {  # type: ignore[union-attr]
            "paste_id": "ab",
            "server": "https://x/",
            "expire": "1day",
        }
    )


def test_second_run_is_told_who_holds_the_lock(_isolated_state: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys,time\nfrom okta_wizard.setup.journal import OrgLock\n"
            f"l=OrgLock({ORG!r}); l.acquire(); print('HELD', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "OKTA_WIZARD_STATE_DIR": str(_isolated_state)},
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "HELD"
        with pytest.raises(SetupLocked) as info:
            OrgLock(ORG).acquire()
        assert f"pid {holder.pid}" in str(info.value)
        assert info.value.exit_code == ExitCode.USAGE
    finally:
        holder.kill()
        holder.wait()
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

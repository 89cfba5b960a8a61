"""The state folder cannot be used to write elsewhere: links are refused, never followed.

The attacker is another local user (or a script) who can plant a symbolic or hard link where
okta-wizard keeps its lock, journal or receipt, hoping the next run truncates or overwrites
the link's target; or who can write into the state folder itself. Every command stops with
exit 2, names the file and the fix, and leaves the target untouched.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from okta_wizard.cli import main
from okta_wizard.errors import ExitCode
from okta_wizard.savedfile import SavedFileDamaged, StateFolderUnsafe
from okta_wizard.setup import journal as store
from okta_wizard.setup.journal import Journal, OrgLock

ORG = "https://acme.okta.com"
PRECIOUS = "the victim's file: must never be truncated or overwritten\n"

Cap = pytest.CaptureFixture[str]


@pytest.fixture
def folder(_isolated_state: Path) -> Path:
    _isolated_state.mkdir(mode=0o700)
    return _isolated_state


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    path = tmp_path / "victim.txt"
    path.write_text(PRECIOUS)
    return path


def _run(capsys: Cap, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out + out.err


def test_a_symlink_at_the_lock_path_is_refused_and_its_target_untouched(
    folder: Path, victim: Path, capsys: Cap
) -> None:
    lock = store.lock_path(ORG)
    lock.symlink_to(victim)
    with pytest.raises(SavedFileDamaged) as info:
        OrgLock(ORG).acquire()
    assert str(lock) in str(info.value) and "symbolic link" in str(info.value)
    assert info.value.exit_code == ExitCode.USAGE
    # Through a command that takes the lock first thing (no network needed).
    code, text = _run(capsys, "send", "--org-url", ORG, "--revoke")
    assert code == ExitCode.USAGE and "symbolic link" in text and str(lock) in text
    assert victim.read_text() == PRECIOUS
    assert lock.is_symlink(), "left for the admin to look at"


def test_a_dangling_symlink_at_the_lock_path_creates_nothing(folder: Path, tmp_path: Path) -> None:
    target = tmp_path / "would-be-created"
    store.lock_path(ORG).symlink_to(target)
    with pytest.raises(SavedFileDamaged, match="symbolic link"):
        OrgLock(ORG).acquire()
    assert not target.exists()


def test_a_hard_link_at_the_lock_path_is_refused(folder: Path, victim: Path) -> None:
    os.link(victim, store.lock_path(ORG))
    with pytest.raises(SavedFileDamaged, match="hard link"):
        OrgLock(ORG).acquire()
    assert victim.read_text() == PRECIOUS


@pytest.mark.parametrize(
    ("make", "problem"), [(os.mkfifo, "not a regular file"), (os.mkdir, "it is a folder")]
)
def test_a_fifo_or_a_folder_at_the_lock_path_is_refused_without_hanging(
    folder: Path, make: Callable[[Path], None], problem: str
) -> None:
    make(store.lock_path(ORG))
    with pytest.raises(SavedFileDamaged, match=problem):
        OrgLock(ORG).acquire()


def test_writes_replace_a_planted_link_and_never_follow_it(folder: Path, victim: Path) -> None:
    from okta_wizard.handoff.receipt import Receipt, write_receipt

    journal_link, receipt_link = store.journal_path(ORG), store.receipt_path(ORG)
    journal_link.symlink_to(victim)
    receipt_link.symlink_to(victim)
    store.save(Journal(org_url=ORG, app_id="0oa1"))
    write_receipt(
        Receipt(
            org_url=ORG,
            app_id="0oa1",
            client_id="0oa1",
            issuer=ORG,
            label="Upflow SSO",
            redirect_uris=(),
            post_logout_redirect_uris=(),
            groups=(),
            run_by="admin@acme.com",
            created_at="2026-11-28T05:17:11+00:00",
            secret_fingerprint="…abcd sha256:0123456789ab",
        ),
        receipt_link,
    )
    assert victim.read_text() == PRECIOUS
    for path in (journal_link, receipt_link):
        assert not path.is_symlink() and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(journal_link.read_text())["app_id"] == "0oa1"
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [journal_link.name, receipt_link.name]
    ), "no temporary file left behind"


def test_a_state_folder_writable_by_others_is_refused_with_the_fix(
    folder: Path, capsys: Cap
) -> None:
    store.save(Journal(org_url=ORG, app_id="0oa1", client_id="0oa1"))
    folder.chmod(0o770)
    with pytest.raises(StateFolderUnsafe) as info:
        OrgLock(ORG).acquire()
    assert f"chmod 700 {folder}" in info.value.remedy
    for argv in (["status"], ["send", "--org-url", ORG, "--revoke"], ["credentials"]):
        code, text = _run(capsys, *argv)
        assert code == ExitCode.USAGE, (argv, text)
        assert "writable by other users" in text and "chmod 700" in text, (argv, text)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o770, "not changed behind the admin's back"
    assert not store.lock_path(ORG).exists()


def test_a_state_folder_of_another_user_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Cap
) -> None:
    if os.geteuid() == 0:
        theirs = tmp_path / "theirs"
        theirs.mkdir(mode=0o700)
        os.chown(theirs, 65534, 65534)  # nobody
    else:
        theirs = Path("/")  # root's: an unprivileged run cannot make another user's folder
    monkeypatch.setenv("OKTA_WIZARD_STATE_DIR", str(theirs))
    with pytest.raises(StateFolderUnsafe, match="belongs to another user"):
        OrgLock(ORG).acquire()
    code, text = _run(capsys, "status")
    assert code == ExitCode.USAGE and "belongs to another user" in text
    assert "OKTA_WIZARD_STATE_DIR" in text


def test_a_folder_readable_by_others_but_ours_is_made_private(folder: Path) -> None:
    folder.chmod(0o755)
    with OrgLock(ORG):
        pass
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700

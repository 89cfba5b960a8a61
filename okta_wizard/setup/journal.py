"""Saved progress: one JSON file per org. A hint for resuming; Okta stays the truth.

Never a secret: org, app id, client_id, label, the chosen assignment, step states with
times, issuer, where the secret is stored, and the one-time link's metadata (never the link).
Writes are atomic (tmp + fsync + rename), files 0600, folder 0700. A lock file (flock,
non-blocking) keeps two runs on one org from interleaving; the second run is told who
holds it and exits with code 2 (a usage error: run one at a time).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import socket
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from okta_wizard.errors import ExitCode, WizardError

SCHEMA_VERSION = 1
STEP_STATES = ("pending", "done", "failed", "skipped")


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def state_dir() -> Path:
    configured = os.environ.get("OKTA_WIZARD_STATE_DIR")
    if configured:
        return Path(configured)
    import platformdirs

    return Path(platformdirs.user_state_dir("okta-wizard"))


def org_slug(org_origin: str) -> str:
    """`https://acme.okta.com` -> `acme.okta.com`
    `http://127.0.0.1:8443` -> `http_127.0.0.1_8443`.
    """
    scheme, _, rest = org_origin.partition("://")
    slug = re.sub(r"[^A-Za-z0-9.-]+", "_", rest).strip("_")
    return slug if scheme == "https" else f"{scheme}_{slug}"


def journal_path(org_origin: str) -> Path:
    return state_dir() / f"{org_slug(org_origin)}.json"


def receipt_path(org_origin: str) -> Path:
    """Where the hand-off writes its receipt (no secret in it), next to the journal."""
    return state_dir() / f"{org_slug(org_origin)}.receipt.json"


def lock_path(org_origin: str) -> Path:
    return state_dir() / f"{org_slug(org_origin)}.lock"


def ensure_state_dir() -> Path:
    folder = state_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    return folder


@dataclass
class StepRecord:
    state: str = "pending"  # one of STEP_STATES
    at: str = ""
    detail: str = ""


@dataclass
class Journal:
    org_url: str
    label: str = "Upflow SSO"
    app_id: str | None = None
    client_id: str | None = None
    issuer: str | None = None
    assignment_mode: str | None = None  # everyone | groups | none
    group_names: list[str] = field(default_factory=list)
    group_ids: list[str] = field(default_factory=list)
    secret_stored_in: str | None = None  # keyring backend name; never the secret
    secret_fingerprint: str | None = None  # last four + SHA-256 prefix, to compare holders
    actor_login: str | None = None
    link: dict[str, Any] | None = None  # one-time link metadata: id, server, expiry; never the URL
    steps: dict[int, StepRecord] = field(default_factory=dict)
    created_at: str = field(default_factory=now_iso)
    updated_at: str = field(default_factory=now_iso)
    schema_version: int = SCHEMA_VERSION

    def record(self, step: int, state: str, detail: str = "") -> None:
        assert state in STEP_STATES, state
        self.steps[step] = StepRecord(state=state, at=now_iso(), detail=detail)

    def step_state(self, step: int) -> str:
        record = self.steps.get(step)
        return record.state if record else "pending"

    @property
    def step_reached(self) -> int:
        done = [n for n, r in self.steps.items() if r.state in ("done", "skipped")]
        return max(done, default=0)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["steps"] = {str(n): asdict(r) for n, r in sorted(self.steps.items())}
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Journal:
        version = data.get("schema_version")
        if version != SCHEMA_VERSION:
            raise ValueError(f"schema version {version!r}, expected {SCHEMA_VERSION}")
        known = {f for f in cls.__dataclass_fields__}
        fields = {k: v for k, v in data.items() if k in known and k != "steps"}
        journal = cls(**fields)
        journal.steps = {int(n): StepRecord(**r) for n, r in data.get("steps", {}).items()}
        return journal


def load(org_origin: str) -> Journal | None:
    """The saved progress for an org, or None. An unreadable file is set aside, not trusted."""
    path = journal_path(org_origin)
    try:
        return Journal.from_json(json.loads(path.read_text()))
    except FileNotFoundError:
        return None
    except (ValueError, TypeError, KeyError, AttributeError):
        # Okta is the truth: a damaged hint is kept for inspection and the run reconciles.
        with contextlib.suppress(OSError):
            path.rename(path.with_suffix(f".unreadable-{os.getpid()}.json"))
        return None


def save(journal: Journal) -> Path:
    journal.updated_at = now_iso()
    folder = ensure_state_dir()
    path = journal_path(journal.org_url)
    payload = json.dumps(journal.to_json(), indent=2, sort_keys=True).encode() + b"\n"
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, payload)
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(folder)
    return path


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def delete(org_origin: str) -> list[Path]:
    removed = []
    for path in (journal_path(org_origin), receipt_path(org_origin)):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            removed.append(path)
    return removed


def record_link(org_origin: str, metadata: dict[str, Any]) -> Journal:
    """For the hand-off: remember `Link.metadata()` (paste_id, server, expiry; never the URL)."""
    forbidden = {"url", "link", "key", "deletetoken", "delete_token"} & set(metadata)
    if forbidden:
        raise ValueError(f"link metadata must not hold {sorted(forbidden)}")
    journal = load(org_origin) or Journal(org_url=org_origin)
    journal.link = dict(metadata)
    save(journal)
    return journal


def list_journals() -> list[Journal]:
    folder = state_dir()
    if not folder.is_dir():
        return []
    journals = []
    for path in sorted(folder.glob("*.json")):
        if path.name.endswith(".receipt.json") or ".unreadable-" in path.name:
            continue
        with contextlib.suppress(ValueError, TypeError, KeyError, OSError):
            journals.append(Journal.from_json(json.loads(path.read_text())))
    return journals


class SetupLocked(WizardError):
    exit_code = ExitCode.USAGE


class OrgLock:
    """Exclusive, non-blocking lock on one org's saved progress, held for a whole run."""

    def __init__(self, org_origin: str) -> None:
        self.org_origin = org_origin
        self.path = lock_path(org_origin)
        self._fd: int | None = None

    def acquire(self) -> None:
        ensure_state_dir()
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _read_holder(fd)
                os.close(fd)
                raise SetupLocked(
                    f"Another okta-wizard run is working on {self.org_origin} ({holder}).",
                    remedy="Wait for it to finish (or stop it), then run this command again.",
                ) from None
            # The previous holder may have unlinked the file between our open and flock:
            # only a lock on the file that is still at the path counts.
            try:
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        me = {"pid": os.getpid(), "host": socket.gethostname(), "started": now_iso()}
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps(me).encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()  # still holding the lock, so no one else is using this inode
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None

    def __enter__(self) -> OrgLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _read_holder(fd: int) -> str:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        info = json.loads(os.read(fd, 4096) or b"{}")
        return f"pid {info['pid']} on {info['host']}, started {info['started']}"
    except (ValueError, KeyError, OSError):
        return "holder unknown"

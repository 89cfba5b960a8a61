"""Saved progress: one JSON file per org. A hint for resuming; Okta stays the truth.

Never a secret: org, app id, client_id, label, the chosen assignment, step states with
times, issuer, where the secret is stored, the one-time link's metadata (never the link), a
client-secret rotation under way (secret ids and fingerprints) and a removal under way (what
it set out to remove).
Writes are atomic (tmp + fsync + rename), files 0600, folder 0700 and the user's own
(`okta_wizard.savedfile`: links are never followed). A lock file (flock on POSIX,
msvcrt.locking on Windows: `okta_wizard.lockfile`) keeps two runs on one org from
interleaving; the second run is told who holds it and exits with code 2 (a usage error: run
one at a time).

A saved file is checked field by field when read. One that is not what this program writes
(damaged, edited, another version's, a link) is never guessed at: the command exits 2
naming the file and the fix (`forget`, or move it aside), and the next `apply` finds the app
in Okta again by its label. `salvage` reads what is still readable, for `forget`.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from okta_wizard import lockfile
from okta_wizard.errors import ExitCode, WizardError
from okta_wizard.savedfile import (
    APP_ID,
    CLIENT_ID,
    TEST_REDIRECT_URI,
    Fields,
    InvalidField,
    SavedFileDamaged,
    check_state_folder,
    ensure_state_folder,
    is_email_domain,
    is_link_server,
    is_org_origin,
    is_timestamp,
    is_web_url,
    parse_json_object,
    read_bytes,
    remove,
    write_atomic,
)
from okta_wizard.savedfile import now_iso as now_iso  # the steps' times too
from okta_wizard.textsafe import visible

SCHEMA_VERSION = 1
STEP_STATES = ("pending", "done", "failed", "skipped")


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


def removal_receipt_path(org_origin: str) -> Path:
    """Where `remove` writes what it removed: kept after the journal and receipt are gone."""
    return state_dir() / f"{org_slug(org_origin)}.removed.receipt.json"


def lock_path(org_origin: str) -> Path:
    return state_dir() / f"{org_slug(org_origin)}.lock"


def ensure_state_dir() -> Path:
    """The state folder, created 0700 if missing; refused if someone else could change it."""
    return ensure_state_folder(state_dir())


def _existing_state_dir() -> Path | None:
    """The state folder if it exists (checked like `ensure_state_dir`), else None."""
    folder = state_dir()
    if not os.path.lexists(folder):
        return None
    check_state_folder(folder)
    return folder


# A journal is a few KiB (a selection of hundreds of groups stays far below): anything near
# this bound is not one, and is refused before parsing.
MAX_JOURNAL_BYTES = 1024 * 1024
_GROUP_ID = re.compile(r"[0-9A-Za-z]{1,64}")
_PASTE_ID = re.compile(r"[0-9a-f]{16}")
_SECRET_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")  # Okta's `ocs…` ids (okta/parse.py's pattern)
ASSIGNMENT_MODES = ("everyone", "groups", "none")
# A rotation's stages (setup/rotate.py): the old secret is kept aside, the new one is made and
# stored, then handed off; `finishing` retires the old one, `aborting` the new one.
ROTATION_STAGES = ("started", "stored", "handed_off", "finishing", "aborting")


@dataclass
class StepRecord:
    state: str = "pending"  # one of STEP_STATES
    at: str = ""
    detail: str = ""


@dataclass
class Rotation:
    """A client-secret rotation under way (`okta-wizard rotate`). Ids and fingerprints only."""

    stage: str  # one of ROTATION_STAGES
    started_at: str
    old_secret_id: str
    old_fingerprint: str
    # The ids Okta held when the rotation began: the new secret is the one not among them, so a
    # create whose answer was lost is recognised on the rerun, never repeated.
    secrets_before: list[str] = field(default_factory=list)
    new_secret_id: str | None = None
    new_fingerprint: str | None = None
    handed_off_at: str | None = None
    stage_at: str = ""


@dataclass
class Removal:
    """`okta-wizard remove` under way: what it set out to remove, as shown and confirmed."""

    started_at: str
    label: str
    app_id: str | None = None
    groups: list[str] = field(default_factory=list)  # names of the app's group assignments
    link_paste_id: str | None = None
    keyring_entries: list[str] = field(default_factory=list)  # entry names, never values
    files: list[str] = field(default_factory=list)  # the saved progress and receipt


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
    # A test sign-in's temporary redirect URI: recorded before it is added to the app, cleared
    # once Okta confirms it is gone (a run killed in between leaves it for the next to remove).
    test_redirect_uri: str | None = None
    sign_in_passed_at: str | None = None  # the last test sign-in that passed
    sign_in_email_domain: str | None = None  # its user's email domain, never the address
    steps: dict[int, StepRecord] = field(default_factory=dict)
    rotation: Rotation | None = None  # a client-secret rotation under way
    removal: Removal | None = None  # a removal under way
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
    def assigned_groups(self) -> tuple[str, ...]:
        """Step 4's assignment as the hand-off and the receipt name it: ("Everyone",), the
        chosen groups, or () when skipped."""
        if self.assignment_mode == "everyone":
            return ("Everyone",)
        return tuple(self.group_names)

    @property
    def step_reached(self) -> int:
        done = [n for n, r in self.steps.items() if r.state in ("done", "skipped")]
        return max(done, default=0)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["steps"] = {str(n): asdict(r) for n, r in sorted(self.steps.items())}
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any], *, lenient: bool = False) -> Journal:
        """Check every field (`InvalidField` names the first wrong one); free text is made
        safe to show. `lenient`: keep what is readable and drop the rest (for `forget`)."""
        f = Fields(data, lenient=lenient)
        f.required("schema_version", "org_url")
        version = f.integer("schema_version", None)
        if version != SCHEMA_VERSION and not lenient:
            raise InvalidField(
                f"it is in format {visible(str(version))}, and this okta-wizard reads format "
                f"{SCHEMA_VERSION} (another version wrote it)"
            )
        org_url = f.checked("org_url", is_org_origin, "an org URL")
        if org_url is None and not lenient:
            raise InvalidField("field org_url is not an org URL")
        journal = cls(
            org_url=org_url or "",
            label=f.text("label", "Upflow SSO", max_len=255) or "Upflow SSO",
            app_id=f.matching("app_id", APP_ID, "an Okta app id"),
            client_id=f.matching("client_id", CLIENT_ID, "an OAuth client id"),
            issuer=f.checked("issuer", is_web_url, "an https URL"),
            assignment_mode=f.choice("assignment_mode", ASSIGNMENT_MODES),
            group_names=f.text_list("group_names", max_len=255),
            group_ids=f.matching_list("group_ids", _GROUP_ID, "Okta group ids"),
            secret_stored_in=f.optional_text("secret_stored_in", max_len=200),
            secret_fingerprint=f.optional_text("secret_fingerprint", max_len=100),
            actor_login=f.optional_text("actor_login", max_len=255),
            link=_link_from_json(f),
            test_redirect_uri=f.matching(
                "test_redirect_uri", TEST_REDIRECT_URI, "a test sign-in's loopback redirect URI"
            ),
            sign_in_passed_at=f.checked("sign_in_passed_at", is_timestamp, "a timestamp"),
            sign_in_email_domain=f.checked("sign_in_email_domain", is_email_domain, "a domain"),
            steps=_steps_from_json(f),
            rotation=_rotation_from_json(f),
            removal=_removal_from_json(f),
            created_at=f.checked("created_at", is_timestamp, "a timestamp") or now_iso(),
            updated_at=f.checked("updated_at", is_timestamp, "a timestamp") or now_iso(),
        )
        return journal


def _link_from_json(f: Fields) -> dict[str, Any] | None:
    """The link metadata `Link.metadata()` wrote, plus `revoked_at`; nothing else is kept."""
    from okta_wizard.handoff.expiry import EXPIRIES

    link = f.object("link")
    if link is None:
        return None
    link.required("paste_id", "server")
    paste_id = link.matching("paste_id", _PASTE_ID, "a PrivateBin paste id")
    server = link.checked("server", is_link_server, "a secrets server URL")
    if paste_id is None or server is None:
        if f.lenient:
            return {"paste_id": paste_id, "server": server} if paste_id else None
        raise InvalidField("field link is missing its paste_id or server")
    metadata: dict[str, Any] = {
        "paste_id": paste_id,
        "server": server,
        "expire": link.choice("expire", EXPIRIES),
        "burn_after_reading": link.boolean("burn_after_reading", True),
        "created_at": link.checked("created_at", is_timestamp, "a timestamp"),
        "expires_at": link.checked("expires_at", is_timestamp, "a timestamp"),
    }
    revoked_at = link.checked("revoked_at", is_timestamp, "a timestamp")
    if revoked_at is not None:
        metadata["revoked_at"] = revoked_at
    return metadata


def _rotation_from_json(f: Fields) -> Rotation | None:
    """The rotation `setup/rotate.py` records; a wrong field is damage (exit 2), never guessed."""
    r = f.object("rotation")
    if r is None:
        return None
    r.required("stage", "started_at", "old_secret_id", "old_fingerprint")
    stage = r.choice("stage", ROTATION_STAGES)
    started_at = r.checked("started_at", is_timestamp, "a timestamp")
    old_id = r.matching("old_secret_id", _SECRET_ID, "a client secret id")
    old_fingerprint = r.optional_text("old_fingerprint", max_len=100)
    if stage is None or started_at is None or old_id is None or old_fingerprint is None:
        if f.lenient:
            return None
        raise InvalidField("field rotation is missing its stage, start or old secret")
    return Rotation(
        stage=stage,
        started_at=started_at,
        old_secret_id=old_id,
        old_fingerprint=old_fingerprint,
        secrets_before=r.matching_list("secrets_before", _SECRET_ID, "client secret ids"),
        new_secret_id=r.matching("new_secret_id", _SECRET_ID, "a client secret id"),
        new_fingerprint=r.optional_text("new_fingerprint", max_len=100),
        handed_off_at=r.checked("handed_off_at", is_timestamp, "a timestamp"),
        stage_at=r.checked("stage_at", lambda v: v == "" or is_timestamp(v), "a timestamp") or "",
    )


def _removal_from_json(f: Fields) -> Removal | None:
    r = f.object("removal")
    if r is None:
        return None
    r.required("started_at", "label")
    started_at = r.checked("started_at", is_timestamp, "a timestamp")
    label = r.optional_text("label", max_len=255)
    if started_at is None or label is None:
        if f.lenient:
            return None
        raise InvalidField("field removal is missing its start or label")
    return Removal(
        started_at=started_at,
        label=label,
        app_id=r.matching("app_id", APP_ID, "an Okta app id"),
        groups=r.text_list("groups", max_len=255),
        link_paste_id=r.matching("link_paste_id", _PASTE_ID, "a PrivateBin paste id"),
        keyring_entries=r.text_list("keyring_entries", max_items=20, max_len=400),
        files=r.text_list("files", max_items=10, max_len=4096),
    )


def _steps_from_json(f: Fields) -> dict[int, StepRecord]:
    steps = f.object("steps")
    if steps is None:
        return {}
    records: dict[int, StepRecord] = {}
    for key in steps.data:
        if key not in {"1", "2", "3", "4", "5", "6"}:
            if f.lenient:
                continue
            raise InvalidField(f"steps has {visible(key)[:20]!r}, not a step number 1-6")
        record = steps.object(key)
        if record is None:
            continue
        state = record.choice("state", STEP_STATES)
        if state is None:
            if f.lenient:
                continue
            raise InvalidField(f"field steps.{key}.state is missing")
        records[int(key)] = StepRecord(
            state=state,
            at=record.checked("at", lambda v: v == "" or is_timestamp(v), "a timestamp") or "",
            detail=record.text("detail", "", max_len=1000),
        )
    return records


def _damaged_remedy(path: Path, org_origin: str | None) -> str:
    forget = f"okta-wizard forget --org-url {org_origin or '<org URL>'}"
    return (
        f"Move it aside (rename it, for example to {path.name}.bak) or delete it with "
        f"`{forget}` (which also removes the keyring entries it names); the next "
        "`okta-wizard apply` finds the app in Okta again by its label."
    )


def _read_journal(path: Path, org_origin: str | None) -> Journal | None:
    """The journal at `path`, checked; None if there is none; `SavedFileDamaged` otherwise.
    `org_origin`: the org it must belong to (None: the one its file name says)."""
    remedy = _damaged_remedy(path, org_origin)
    raw = read_bytes(path, max_bytes=MAX_JOURNAL_BYTES, remedy=remedy)
    if raw is None:
        return None
    data = parse_json_object(path, raw, remedy=remedy)
    try:
        journal = Journal.from_json(data)
    except InvalidField as exc:
        if org_origin is None:  # the org its readable org_url names, if this is its file
            named = Journal.from_json(data, lenient=True).org_url
            org_origin = named if named and journal_path(named).name == path.name else None
        raise SavedFileDamaged(path, str(exc), remedy=_damaged_remedy(path, org_origin)) from None
    if journal_path(journal.org_url).name != path.name:
        raise SavedFileDamaged(
            path,
            f"it holds the saved progress of {journal.org_url}, not of this org",
            remedy=remedy,
        )
    return journal


def read_journal(path: Path) -> Journal | None:
    """The journal at `path`, in any folder (the demo keeps its own), checked as `load` checks
    one: None if there is none, `SavedFileDamaged` if it is not one this program wrote."""
    return _read_journal(path, None)


def load(org_origin: str) -> Journal | None:
    """The saved progress for an org, or None. A file that is not a journal this program wrote
    raises `SavedFileDamaged` (exit 2, naming the file and the fix): never guessed at."""
    if _existing_state_dir() is None:
        return None
    return _read_journal(journal_path(org_origin), org_origin)


@dataclass(frozen=True)
class Salvaged:
    """What `forget` can still read: the journal (partial if damaged), and the damage."""

    journal: Journal | None  # None: nothing saved for the org
    damage: SavedFileDamaged | None = None


def salvage(org_origin: str) -> Salvaged:
    """Like `load`, but a damaged journal gives the fields still readable (maybe none)."""
    try:
        return Salvaged(load(org_origin))
    except SavedFileDamaged as damage:
        path = journal_path(org_origin)
        partial = Journal(org_url=org_origin)
        with contextlib.suppress(SavedFileDamaged):
            raw = read_bytes(path, max_bytes=MAX_JOURNAL_BYTES, remedy="")
            if raw is not None:
                data = parse_json_object(path, raw, remedy="")
                partial = Journal.from_json(data, lenient=True)
                partial.org_url = org_origin
        return Salvaged(partial, damage)


def save(journal: Journal, folder: Path | None = None) -> Path:
    """Write the journal (atomically, 0600) in the state folder, or in `folder` (the demo's)."""
    journal.updated_at = now_iso()
    folder = ensure_state_folder(state_dir() if folder is None else folder)
    path = folder / journal_path(journal.org_url).name
    payload = json.dumps(journal.to_json(), indent=2, sort_keys=True).encode() + b"\n"
    write_atomic(path, payload)
    return path


def delete(org_origin: str) -> list[Path]:
    """Remove the journal and the receipt (a link there is removed, never its target)."""
    remedy = "Delete it yourself (it is okta-wizard's saved progress), then run forget again."
    return [
        path
        for path in (journal_path(org_origin), receipt_path(org_origin))
        if remove(path, remedy)
    ]


def record_link(org_origin: str, metadata: dict[str, Any]) -> Journal:
    """For the hand-off: remember `Link.metadata()` (paste_id, server, expiry; never the URL)."""
    forbidden = {"url", "link", "key", "deletetoken", "delete_token"} & set(metadata)
    if forbidden:
        raise ValueError(f"link metadata must not hold {sorted(forbidden)}")
    journal = load(org_origin) or Journal(org_url=org_origin)
    journal.link = dict(metadata)
    save(journal)
    return journal


def _journal_files(folder: Path) -> list[Path]:
    return [
        path
        for path in sorted(folder.glob("*.json"))
        if not path.name.endswith(".receipt.json") and ".unreadable-" not in path.name
    ]


def scan_journals() -> tuple[list[Journal], list[SavedFileDamaged]]:
    """Every saved journal, and every file in the state folder that is not a usable one."""
    folder = _existing_state_dir()
    if folder is None:
        return [], []
    journals: list[Journal] = []
    damaged: list[SavedFileDamaged] = []
    for path in _journal_files(folder):
        try:
            journal = _read_journal(path, None)
        except SavedFileDamaged as exc:
            damaged.append(exc)
            continue
        if journal is not None:
            journals.append(journal)
    return journals, damaged


def list_journals() -> list[Journal]:
    """Every saved journal; a damaged file raises `SavedFileDamaged` (see `scan_journals`)."""
    journals, damaged = scan_journals()
    if damaged:
        raise damaged[0]
    return journals


class SetupLocked(WizardError):
    exit_code = ExitCode.USAGE


class OrgLock(lockfile.LockFile):
    """Exclusive, non-blocking lock on one org's saved progress, held for a whole run."""

    def __init__(self, org_origin: str) -> None:
        super().__init__(lock_path(org_origin))
        self.org_origin = org_origin

    def busy(self, holder: str) -> SetupLocked:
        return SetupLocked(
            f"Another okta-wizard run is working on {self.org_origin} ({holder}).",
            remedy="Wait for it to finish (or stop it), then run this command again.",
        )

    def acquire(self) -> None:
        ensure_state_dir()
        super().acquire()

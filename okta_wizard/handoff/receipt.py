"""The setup receipt for the IT ticket: what was configured, by whom, when. No secret, no link.

The client secret appears only as its fingerprint, so a reader can compare it with
`okta-wizard credentials` without anyone reading the secret aloud. Finished rotations of the
secret are listed the same way (fingerprints and Okta's secret ids).
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Mapping
from dataclasses import MISSING, asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from okta_wizard.savedfile import (
    APP_ID,
    CLIENT_ID,
    Fields,
    InvalidField,
    SavedFileDamaged,
    ensure_state_folder,
    is_email_domain,
    is_link_server,
    is_org_origin,
    is_timestamp,
    is_web_url,
    parse_json_object,
    read_bytes,
    write_atomic,
)

RECEIPT_FILENAME = "receipt.json"
MAX_ROTATIONS = 20  # the newest ones; an IT ticket needs the recent history, not all of it


@dataclass(frozen=True)
class RotationRecord:
    """One finished rotation of the client secret (`okta-wizard rotate --finish`): which
    secret replaced which, by fingerprint and Okta's secret ids. Never a value."""

    started_at: str
    finished_at: str
    old_secret_id: str
    old_fingerprint: str
    new_secret_id: str
    new_fingerprint: str


@dataclass(frozen=True)
class Receipt:
    org_url: str
    app_id: str
    client_id: str
    issuer: str
    label: str
    redirect_uris: tuple[str, ...]
    post_logout_redirect_uris: tuple[str, ...]
    groups: tuple[str, ...]  # assigned group names; ("Everyone",) or () for none
    run_by: str  # login of the admin from /users/me (or the service app's id)
    created_at: str  # ISO 8601, UTC: when the link was made
    secret_fingerprint: str  # Secret.fingerprint(): never the secret itself
    link_server: str = ""  # where the link lives; "" if no link was sent
    link_expire: str = ""  # "1week", ...
    link_expires_at: str | None = None  # ISO 8601; None: never, or no link
    email_domains: tuple[str, ...] = ()
    sign_in_passed_at: str | None = None  # the last test sign-in that passed (ISO 8601, UTC)
    sign_in_email_domain: str = ""  # the email domain of its user; never the address
    rotations: tuple[RotationRecord, ...] = ()  # oldest first


RECEIPT_TITLE = "okta-wizard setup receipt: Okta single sign-on for Upflow"


def render_receipt(r: Receipt) -> str:
    """Plain text, ready to paste into the IT ticket."""
    rows = receipt_rows(r)
    width = max(len(name) for name, _ in rows) + 1
    lines = [RECEIPT_TITLE, ""]
    lines += [f"{name + ':':<{width}} {value}" for name, value in rows]
    return "\n".join(lines) + "\n"


def receipt_rows(r: Receipt) -> list[tuple[str, str]]:
    """The receipt's (name, value) rows: the text above, and the wizard's two columns."""
    from okta_wizard.handoff.expiry import EXPIRY_LABELS

    expiry = EXPIRY_LABELS.get(r.link_expire, r.link_expire)
    if not r.link_server:
        link = "not sent"
    elif r.link_expires_at is None:
        link = f"sent via {r.link_server}; never expires (burn after reading)"
    else:
        link = f"sent via {r.link_server}; expires {r.link_expires_at} ({expiry})"
    rows = [
        ("Okta org", r.org_url),
        ("App", f"{r.label} (id {r.app_id})"),
        ("Client ID", r.client_id),
        ("Issuer", r.issuer),
        ("Sign-in redirect URIs", ", ".join(r.redirect_uris) or "none"),
        ("Sign-out redirect URIs", ", ".join(r.post_logout_redirect_uris) or "none"),
        ("Assigned groups", ", ".join(r.groups) or "none"),
        ("Email domain(s)", ", ".join(r.email_domains) or "not given"),
        (
            "Client secret",
            f"fingerprint {r.secret_fingerprint} (the secret is not in this receipt)",
        ),
        ("One-time link", link),
        ("Test sign-in", _sign_in_row(r)),
        ("Run by", r.run_by),
        ("Date", r.created_at),
    ]
    rows += [
        (
            "Secret rotated",
            f"{x.finished_at}: {x.old_fingerprint} (id {x.old_secret_id}) deactivated and "
            f"deleted, replaced by {x.new_fingerprint} (id {x.new_secret_id}), started "
            f"{x.started_at}",
        )
        for x in r.rotations
    ]
    return rows


def _sign_in_row(r: Receipt) -> str:
    if r.sign_in_passed_at is None:
        return "not run (okta-wizard test-sign-in)"
    domain = f" by a user at {r.sign_in_email_domain}" if r.sign_in_email_domain else ""
    return f"passed{domain} on {r.sign_in_passed_at}"


def to_json(r: Receipt) -> dict[str, Any]:
    data = asdict(r)
    return {k: list(v) if isinstance(v, tuple) else v for k, v in data.items()}


_SECRET_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")


def _rotations_from_json(data: Mapping[str, Any]) -> tuple[RotationRecord, ...]:
    value = data.get("rotations", [])
    if not isinstance(value, list) or len(value) > MAX_ROTATIONS:
        raise InvalidField(f"field rotations is not a list of at most {MAX_ROTATIONS} rotations")
    records = []
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            raise InvalidField(f"field rotations[{i}] is not an object")
        f = Fields(item, f"rotations[{i}].")
        f.required(*(x.name for x in fields(RotationRecord)))
        records.append(
            RotationRecord(
                started_at=_present("started_at", f.checked("started_at", is_timestamp, "a time")),
                finished_at=_present(
                    "finished_at", f.checked("finished_at", is_timestamp, "a timestamp")
                ),
                old_secret_id=_present(
                    "old_secret_id", f.matching("old_secret_id", _SECRET_ID, "a secret id")
                ),
                old_fingerprint=_present(
                    "old_fingerprint", f.optional_text("old_fingerprint", max_len=100)
                ),
                new_secret_id=_present(
                    "new_secret_id", f.matching("new_secret_id", _SECRET_ID, "a secret id")
                ),
                new_fingerprint=_present(
                    "new_fingerprint", f.optional_text("new_fingerprint", max_len=100)
                ),
            )
        )
    return tuple(records)


# A receipt is about 1 KiB; a larger file is not one, and is refused before parsing.
MAX_RECEIPT_BYTES = 256 * 1024


def from_json(data: Mapping[str, Any]) -> Receipt:
    """Check every field (`InvalidField` names the first wrong one); text is made safe to show."""
    from okta_wizard.handoff.expiry import EXPIRIES

    f = Fields(data)
    f.required(*(x.name for x in fields(Receipt) if x.default is MISSING))
    return Receipt(
        org_url=_present("org_url", f.checked("org_url", is_org_origin, "an org URL")),
        app_id=_present("app_id", f.matching("app_id", APP_ID, "an Okta app id")),
        client_id=_present("client_id", f.matching("client_id", CLIENT_ID, "a client id")),
        issuer=_present("issuer", f.checked("issuer", is_web_url, "an https URL")),
        label=_present("label", f.optional_text("label", max_len=255)),
        redirect_uris=tuple(f.checked_list("redirect_uris", is_web_url, "https URLs")),
        post_logout_redirect_uris=tuple(
            f.checked_list("post_logout_redirect_uris", is_web_url, "https URLs")
        ),
        groups=tuple(f.text_list("groups", max_len=255)),
        run_by=_present("run_by", f.optional_text("run_by", max_len=255)),
        created_at=_present("created_at", f.checked("created_at", is_timestamp, "a timestamp")),
        secret_fingerprint=_present(
            "secret_fingerprint", f.optional_text("secret_fingerprint", max_len=100)
        ),
        link_server=f.checked("link_server", lambda v: v == "" or is_link_server(v), "a URL") or "",
        link_expire=f.choice("link_expire", ("", *EXPIRIES)) or "",
        link_expires_at=f.checked("link_expires_at", is_timestamp, "a timestamp"),
        email_domains=tuple(f.checked_list("email_domains", is_email_domain, "email domains")),
        sign_in_passed_at=f.checked("sign_in_passed_at", is_timestamp, "a timestamp"),
        sign_in_email_domain=f.checked(
            "sign_in_email_domain", lambda v: v == "" or is_email_domain(v), "an email domain"
        )
        or "",
        rotations=_rotations_from_json(data),
    )


def _present(name: str, value: str | None) -> str:
    if value is None:
        raise InvalidField(f"field {name} is null")
    return value


def receipt_remedy(path: Path) -> str:
    return (
        f"Move it aside (rename it, for example to {path.name}.bak) or delete it; "
        "`okta-wizard send` writes a new one with the next link."
    )


def write_receipt(r: Receipt, path: Path) -> None:
    """Atomic write, mode 0600: a crash leaves the old receipt or the new one, never half."""
    payload = json.dumps(to_json(r), indent=2, sort_keys=True).encode() + b"\n"
    ensure_state_folder(path.parent)
    write_atomic(path, payload)


def read_receipt(path: Path) -> Receipt | None:
    """The saved receipt, or None when there is none. One that is not a receipt this program
    wrote (damaged, too large, a link) raises `SavedFileDamaged` (exit 2, naming the file)."""
    remedy = receipt_remedy(path)
    raw = read_bytes(path, max_bytes=MAX_RECEIPT_BYTES, remedy=remedy)
    if raw is None:
        return None
    data = parse_json_object(path, raw, remedy=remedy)
    try:
        return from_json(data)
    except InvalidField as exc:
        raise SavedFileDamaged(path, str(exc), remedy=remedy) from None


def rotations_in(path: Path) -> tuple[RotationRecord, ...]:
    """The rotations the receipt at `path` records (none if it is missing or not readable):
    a new hand-off's receipt carries them on."""
    with contextlib.suppress(SavedFileDamaged):
        receipt = read_receipt(path)
        if receipt is not None:
            return receipt.rotations
    return ()


def record_rotation(path: Path, record: RotationRecord) -> bool:
    """Add a finished rotation to the receipt at `path`; False when there is no receipt.
    Idempotent: a rotation already there (same new secret) is not added twice."""
    receipt = read_receipt(path)
    if receipt is None:
        return False
    if any(r.new_secret_id == record.new_secret_id for r in receipt.rotations):
        return True
    kept = (*receipt.rotations, record)[-MAX_ROTATIONS:]
    write_receipt(replace(receipt, rotations=kept), path)
    return True

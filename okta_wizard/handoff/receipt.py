"""The setup receipt for the IT ticket: what was configured, by whom, when. No secret, no link.

The client secret appears only as its fingerprint, so a reader can compare it with
`okta-wizard credentials` without anyone reading the secret aloud.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

RECEIPT_FILENAME = "receipt.json"


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


def render_receipt(r: Receipt) -> str:
    """Plain text, ready to paste into the IT ticket."""
    if not r.link_server:
        link = "not sent"
    elif r.link_expires_at is None:
        link = f"sent via {r.link_server}; never expires (burn after reading)"
    else:
        link = f"sent via {r.link_server}; expires {r.link_expires_at} ({r.link_expire})"
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
        ("Run by", r.run_by),
        ("Date", r.created_at),
    ]
    width = max(len(name) for name, _ in rows) + 1
    lines = ["okta-wizard setup receipt: Okta single sign-on for Upflow", ""]
    lines += [f"{name + ':':<{width}} {value}" for name, value in rows]
    return "\n".join(lines) + "\n"


def to_json(r: Receipt) -> dict[str, Any]:
    data = asdict(r)
    return {k: list(v) if isinstance(v, tuple) else v for k, v in data.items()}


def from_json(data: dict[str, Any]) -> Receipt:
    known = {f.name for f in fields(Receipt)}
    values: dict[str, Any] = {
        k: tuple(v) if isinstance(v, list) else v for k, v in data.items() if k in known
    }
    return Receipt(**values)


def write_receipt(r: Receipt, path: Path) -> None:
    """Atomic write, mode 0600: a crash leaves the old receipt or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".receipt-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(to_json(r), out, indent=2, sort_keys=True)
            out.write("\n")
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_receipt(path: Path) -> Receipt | None:
    """The saved receipt, or None when there is none (or it cannot be read)."""
    try:
        return from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None

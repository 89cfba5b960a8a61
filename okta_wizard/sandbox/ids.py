"""Okta-looking identifiers and values: `0oa…` apps, `00g…` groups, 64-char client secrets."""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
from datetime import UTC, datetime

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
# Maps every byte to a base62 character: a fast way to turn os.urandom output into id text.
_BYTE_TO_B62 = bytes(ord(ALPHABET[i % 62]) for i in range(256))


def random_b62(length: int) -> str:
    return os.urandom(length).translate(_BYTE_TO_B62).decode()


def okta_id(prefix: str) -> str:
    """A 20-character Okta id: `0oa`, `00g`, `00u`, `00o`, `ocs`, `rst`… plus 17 characters."""
    return prefix + random_b62(20 - len(prefix))


def many_ids(prefix: str, count: int) -> list[str]:
    """`count` distinct ids at once, fast for 50,000 groups (a counter suffix keeps them unique)."""
    body = 20 - len(prefix) - 5
    noise = os.urandom(body * count).translate(_BYTE_TO_B62).decode()
    return [f"{prefix}{noise[i * body : (i + 1) * body]}{_b62(i, 5)}" for i in range(count)]


def _b62(n: int, width: int) -> str:
    out = []
    for _ in range(width):
        n, r = divmod(n, 62)
        out.append(ALPHABET[r])
    return "".join(reversed(out))


def request_id() -> str:
    """`x-okta-request-id` in the 2026 format: 32 hex characters."""
    return secrets.token_hex(16)


def error_id() -> str:
    return "oae" + secrets.token_urlsafe(17)[:22]


def client_secret_value() -> str:
    """64 URL-safe characters, like the secrets of the 2026 recordings."""
    return secrets.token_urlsafe(48)


def secret_hash(secret: str) -> str:
    """The `secret_hash` Okta lists next to a secret: 22 URL-safe characters."""
    digest = hashlib.sha256(secret.encode()).digest()[:16]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def signing_kid() -> str:
    return secrets.token_urlsafe(32)[:43]


def now_iso() -> str:
    """Okta's timestamp format: millisecond precision, always `.000Z`."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")

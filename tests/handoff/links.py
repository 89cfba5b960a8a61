"""Helpers for tests that read one-time links: fetch the paste, decrypt it with pbincli.

pbincli (pycryptodome) shares no crypto code with okta-wizard (cryptography), so a paste it
decrypts is one Upflow's browser can open. Every HTTP call has a generous explicit timeout:
httpx's default of 5 s is too tight on a loaded 2-core machine.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
from pbincli.format import Paste

from okta_wizard.sandbox.server import RunningSandbox

HTTP_TIMEOUT_S = 30.0
JSON_API = {"X-Requested-With": "JSONHttpRequest"}
LINK_RE = re.compile(r"(http://127\.0\.0\.1:\d+/secrets/)\?([0-9a-f]{16})#([1-9A-HJ-NP-Za-km-z]+)")


def split_link(link: str) -> tuple[str, str, str]:
    """server, paste id, key (base58) of `server?id#key`."""
    server, rest = link.split("?", 1)
    paste_id, key = rest.split("#", 1)
    return server, paste_id, key


def fetch_paste(link: str) -> dict[str, Any]:
    """The server's JSON answer for the link's paste (this burns a burn-after-reading paste)."""
    server, paste_id, _ = split_link(link)
    answer: dict[str, Any] = httpx.get(
        f"{server}?pasteid={paste_id}", headers=JSON_API, timeout=HTTP_TIMEOUT_S
    ).json()
    return answer


def pbincli_decrypt(payload: dict[str, Any], key: str, password: str | None = None) -> str:
    paste = Paste()
    paste.setVersion(2)
    if password is not None:
        paste.setPassword(password)
    paste.loadJSON(payload)
    paste.setHash(key)
    paste.decrypt()
    return str(paste.getText().decode())


def pbincli_read(link: str, password: str | None = None) -> str:
    """Fetch (burning it) and decrypt with pbincli; AssertionError if the paste is gone."""
    payload = fetch_paste(link)
    assert payload["status"] == 0, payload
    return pbincli_decrypt(payload, split_link(link)[2], password)


def paste_calls(sb: RunningSandbox) -> list[str]:
    """Requests the sandbox's one-time-link endpoint received (from its call log)."""
    return [f"{c.method} {c.path}" for c in list(sb.calls) if c.path.startswith("/secrets/")]


def paste_posts(sb: RunningSandbox) -> int:
    return sum(1 for c in list(sb.calls) if c.method == "POST" and c.path.startswith("/secrets/"))

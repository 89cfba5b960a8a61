"""A PrivateBin v2-compatible one-time-link endpoint for the sandbox (demo and tests).

It behaves like PrivateBin 2.0 where the client can tell the difference: the JSON API only
with `X-Requested-With: JSONHttpRequest` (an HTML page otherwise, which never burns a paste),
errors as HTTP 200 `{"status":1,"message":...}`, a burn-after-reading paste deleted by its
first JSON read, an unknown expiry widened to 1week, an optional size and traffic limit.
It stores ciphertext only and never sees a key. Pastes live in memory.

A delete (a POST with `pasteid` and `deletetoken`, or the legacy GET) is the route
`DELETE <prefix>` for faults, so a test can fail deletes alone and leave creates working:
`sb.faults.add("DELETE /secrets/", status=503)` answers a proxy's HTML error page,
`drop="before"` closes the connection without deleting, `drop="after"` deletes and then
closes it (the client never learns that it worked); `latency` and `nth`/`times` as for any
route. A `*` fault applies to the request once, as a POST.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hmac
import json
import re
import secrets
import time
import weakref
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from okta_wizard.sandbox.faults import Fault, FaultSet
from okta_wizard.sandbox.routes import STATE_KEY
from okta_wizard.sandbox.state import SandboxState

EXPIRY_SECONDS: dict[str, int | None] = {
    "5min": 300,
    "10min": 600,
    "1hour": 3600,
    "1day": 86400,
    "1week": 604800,
    "1month": 2592000,
    "1year": 31536000,
    "never": None,
}
DEFAULT_EXPIRE = "1week"
MSG_MISSING = "Document does not exist, has expired or has been deleted."
MSG_INVALID = "Invalid data."
MSG_WRONG_TOKEN = "Wrong deletion token. Document was not deleted."
_PASTE_ID = re.compile(r"^[0-9a-f]{16}$")
_FORMATTERS = ("plaintext", "syntaxhighlighting", "markdown")
HTML_PAGE = (
    "<!DOCTYPE html><html><head><title>PrivateBin (okta-wizard sandbox)</title></head>"
    "<body><p>This is the sandbox's PrivateBin-compatible endpoint. Pastes are decrypted "
    "in the browser with the key after '#'; this sandbox page does not decrypt.</p>"
    "</body></html>"
)
# pbincli asks for this to learn the paste format version.
JSONLD_PASTE = {
    "@context": {
        "so": "https://schema.org/",
        "pb": "https://privatebin.net/",
        "v": {"@id": "so:version", "@type": "so:Integer", "@value": 2},
    }
}


@dataclass
class StoredPaste:
    paste_id: str
    delete_token: str
    adata: list[Any]
    ct: str
    expire: str  # what the client asked for, as received
    effective_expire: str  # after falling back to 1week like PrivateBin
    created: float
    expires_at: float | None

    @property
    def burn_after_reading(self) -> bool:
        return bool(self.adata[3])


@dataclass
class PasteStore:
    """In-memory pastes plus the knobs a test may turn (real PrivateBin settings)."""

    pastes: dict[str, StoredPaste] = field(default_factory=dict)
    size_limit: int = 10 * 1024 * 1024  # [main] sizelimit
    traffic_limit_seconds: int = 0  # [traffic] limit; 0: off (PrivateBin's default is 10)
    last_post_by_ip: dict[str, float] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)  # (method, query) seen
    # Faults for a PrivateBin mounted alone (tests/handoff); in the sandbox, `sb.faults`.
    faults: FaultSet = field(default_factory=FaultSet)

    def get_live(self, paste_id: str, now: float) -> StoredPaste | None:
        paste = self.pastes.get(paste_id)
        if paste is not None and paste.expires_at is not None and now >= paste.expires_at:
            del self.pastes[paste_id]
            return None
        return paste


PRIVATEBIN_STORE: web.AppKey[PasteStore] = web.AppKey("privatebin_store", PasteStore)
# The store of each running sandbox, for tests that check what the server still holds.
_STORES: weakref.WeakKeyDictionary[SandboxState, PasteStore] = weakref.WeakKeyDictionary()


def pastes_of(state: SandboxState) -> PasteStore:
    """The one-time-link store of a sandbox (`pastes_of(sb.state).pastes`: what is readable)."""
    return _STORES[state]


def _error(message: str) -> web.Response:
    return web.json_response({"status": 1, "message": message})


def _is_json_api(request: web.Request) -> bool:
    return request.headers.get("X-Requested-With") == "JSONHttpRequest"


def _html() -> web.Response:
    return web.Response(text=HTML_PAGE, content_type="text/html")


def _valid_adata(adata: object) -> bool:
    if not (isinstance(adata, list) and len(adata) == 4 and isinstance(adata[0], list)):
        return False
    spec, formatter, discussion, burn = adata
    if len(spec) != 8 or not all(isinstance(x, str) for x in spec[:2]):
        return False
    if not all(isinstance(x, int) for x in spec[2:5]) or spec[5:7] != ["aes", "gcm"]:
        return False
    flags_ok = discussion in (0, 1) and burn in (0, 1) and not (discussion and burn)
    return spec[7] in ("zlib", "none") and formatter in _FORMATTERS and flags_ok


def _valid_ct(ct: object) -> bool:
    if not isinstance(ct, str) or not ct:
        return False
    try:
        base64.b64decode(ct, validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


def _paste_url(prefix: str, paste_id: str) -> str:
    # PrivateBin answers "/?<id>" relative to its own root; mounted under a prefix the
    # root is the prefix, so the path that works on this host is "<prefix>?<id>".
    return f"{prefix}?{paste_id}"


def _create(store: PasteStore, prefix: str, body: dict[str, Any], ip: str) -> web.Response:
    meta = body.get("meta")
    if body.get("v") != 2 or not isinstance(meta, dict):
        return _error(MSG_INVALID)
    if not _valid_adata(body.get("adata")) or not _valid_ct(body.get("ct")):
        return _error(MSG_INVALID)
    if len(body["ct"]) > store.size_limit:
        return _error(f"Document is limited to {store.size_limit} bytes of compressed data.")
    now = time.time()
    if store.traffic_limit_seconds:
        last = store.last_post_by_ip.get(ip)
        if last is not None and now - last < store.traffic_limit_seconds:
            return _error(f"Please wait {store.traffic_limit_seconds} seconds between each post.")
        store.last_post_by_ip[ip] = now
    asked = str(meta.get("expire", DEFAULT_EXPIRE))
    effective = asked if asked in EXPIRY_SECONDS else DEFAULT_EXPIRE  # PrivateBin's fallback
    seconds = EXPIRY_SECONDS[effective]
    paste = StoredPaste(
        paste_id=secrets.token_hex(8),
        delete_token=secrets.token_hex(32),
        adata=body["adata"],
        ct=body["ct"],
        expire=asked,
        effective_expire=effective,
        created=now,
        expires_at=None if seconds is None else now + seconds,
    )
    store.pastes[paste.paste_id] = paste
    return web.json_response(
        {
            "status": 0,
            "id": paste.paste_id,
            "url": _paste_url(prefix, paste.paste_id),
            "deletetoken": paste.delete_token,
        }
    )


def _delete(store: PasteStore, paste_id: object, token: object) -> web.Response:
    if not isinstance(paste_id, str) or not _PASTE_ID.match(paste_id):
        return _error("Invalid paste ID.")
    paste = store.get_live(paste_id, time.time())
    if paste is None:
        return _error(MSG_MISSING)
    if not isinstance(token, str) or not hmac.compare_digest(
        token.encode(), paste.delete_token.encode()
    ):
        return _error(MSG_WRONG_TOKEN)
    del store.pastes[paste_id]
    return web.json_response({"status": 0, "id": paste_id})


def _delete_faults(faults: FaultSet, route_key: str) -> list[Fault]:
    """Faults named for the delete route (a `*` fault was already counted for the request)."""
    named = [f for f in faults.active() if f.route != "*" and f.matches(route_key)]
    return [f for f in named if f.count_call()]


def _proxy_error(status: int) -> web.Response:
    # What a reverse proxy in front of PrivateBin answers when the PHP side is down.
    page = f"<html><body><h1>{status}</h1><p>The server could not handle the request.</p>"
    return web.Response(status=status, text=page + "</body></html>", content_type="text/html")


async def _delete_with_faults(
    request: web.Request,
    store: PasteStore,
    faults: FaultSet,
    route_key: str,
    target: tuple[object, object],
) -> web.Response:
    firing = _delete_faults(faults, route_key)
    delay = sum(f.latency for f in firing)
    if delay:
        await asyncio.sleep(delay)
    statuses = [f.status for f in firing if f.status]
    if statuses:
        return _proxy_error(statuses[0])  # nothing deleted
    if any(f.drop == "before" for f in firing):
        _drop(request)
    answer = _delete(store, *target)
    if any(f.drop == "after" for f in firing):
        _drop(request)  # deleted, but the client never hears it
    return answer


def _drop(request: web.Request) -> None:
    """Close the socket without an answer (the client sees a disconnect)."""
    if request.transport is not None:
        request.transport.abort()
    raise asyncio.CancelledError  # aiohttp ends the request quietly


def _read(store: PasteStore, prefix: str, paste_id: str) -> web.Response:
    if not _PASTE_ID.match(paste_id):
        return _error("Invalid paste ID.")
    now = time.time()
    paste = store.get_live(paste_id, now)
    if paste is None:
        return _error(MSG_MISSING)
    if paste.burn_after_reading:
        del store.pastes[paste_id]  # the first JSON read burns it, as in PrivateBin 2.x
    meta: dict[str, Any] = {"created": int(paste.created)}
    if paste.expires_at is not None:
        meta["time_to_live"] = max(0, int(paste.expires_at - now))
    return web.json_response(
        {
            "status": 0,
            "id": paste.paste_id,
            "url": _paste_url(prefix, paste.paste_id),
            "v": 2,
            "adata": paste.adata,
            "ct": paste.ct,
            "meta": meta,
            "comments": [],
            "comment_count": 0,
            "comment_offset": 0,
            "@context": "?jsonld=paste",
        }
    )


def _paste_id_from_query(request: web.Request) -> str | None:
    if "pasteid" in request.query:
        return request.query["pasteid"]
    # pbincli and old links use a bare "?<id>".
    bare = request.query_string.split("&")[0]
    return bare if bare and "=" not in bare else None


def add_privatebin_routes(app: web.Application, prefix: str = "/secrets/") -> None:
    """Mount the endpoint on the sandbox's aiohttp application under `prefix`."""
    if not prefix.endswith("/"):
        prefix += "/"
    store = PasteStore()
    app[PRIVATEBIN_STORE] = store
    faults = store.faults
    if STATE_KEY in app:
        faults = app[STATE_KEY].faults
        _STORES[app[STATE_KEY]] = store
    delete_route = f"DELETE {prefix}"

    async def handle_get(request: web.Request) -> web.Response:
        store.requests.append(("GET", request.query_string))
        if request.query.get("jsonld") == "paste":
            return web.json_response(JSONLD_PASTE)
        if not _is_json_api(request):
            return _html()  # a link preview lands here: it never burns a paste
        paste_id = _paste_id_from_query(request)
        if paste_id is None:
            return _error(MSG_MISSING)
        if "deletetoken" in request.query:  # PrivateBin's legacy delete link
            target = (paste_id, request.query["deletetoken"])
            return await _delete_with_faults(request, store, faults, delete_route, target)
        return _read(store, prefix, paste_id)

    async def handle_post(request: web.Request) -> web.Response:
        store.requests.append(("POST", request.query_string))
        if not _is_json_api(request):
            return _html()
        raw = await request.read()
        if len(raw) > store.size_limit + 65536:
            return _error(f"Document is limited to {store.size_limit} bytes of compressed data.")
        try:
            body = json.loads(raw)
        except ValueError:
            return _error(MSG_INVALID)
        if not isinstance(body, dict):
            return _error(MSG_INVALID)
        if "pasteid" in body and "deletetoken" in body:
            target = (body["pasteid"], body["deletetoken"])
            return await _delete_with_faults(request, store, faults, delete_route, target)
        return _create(store, prefix, body, request.remote or "")

    async def redirect_to_prefix(request: web.Request) -> web.Response:
        raise web.HTTPMovedPermanently(prefix)

    app.router.add_get(prefix, handle_get)
    app.router.add_post(prefix, handle_post)
    if prefix != "/":
        app.router.add_get(prefix.rstrip("/"), redirect_to_prefix)

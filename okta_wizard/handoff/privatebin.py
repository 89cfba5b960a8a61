"""A PrivateBin v2 client: the secret is encrypted here and only ciphertext leaves the machine.

Protocol (reference/platform-notes.md, C): a 32-byte random key, PBKDF2-SHA256 over
key || password (100,000 iterations, 8-byte salt), AES-256-GCM with the compact-JSON `adata`
as associated data, raw deflate. The key travels only in the URL fragment (base58), which
browsers never send to the server.

httpx and cryptography are imported inside functions: the CLI must start fast.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import zlib
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from okta_wizard.errors import HandoffError, UsageError
from okta_wizard.handoff.base58 import b58decode, b58encode
from okta_wizard.handoff.expiry import DEFAULT_EXPIRE, EXPIRY_SECONDS, validate_expire
from okta_wizard.orgurl import is_loopback_host
from okta_wizard.secret import Secret
from okta_wizard.textsafe import visible

if TYPE_CHECKING:
    import httpx


KEY_BYTES = 32
SALT_BYTES = 8
IV_BYTES = 16
ITERATIONS = 100_000
# A hostile server chooses the iteration count of a paste we read: cap the work it can ask for.
MAX_ITERATIONS = 1_000_000
# ... and the size of what we inflate (a deflate bomb).
MAX_PLAINTEXT_BYTES = 10 * 1024 * 1024
# English answers: a delete is classified by PrivateBin's message (see `delete_link`).
JSON_API_HEADERS = {
    "X-Requested-With": "JSONHttpRequest",
    "Accept": "application/json",
    "Accept-Language": "en",
}
TIMEOUT_SECONDS = 15.0
_PASTE_ID = re.compile(r"^[0-9a-f]{16}$")
_DELETE_TOKEN = re.compile(r"^[0-9a-f]{64}$")
_SERVER_REMEDY = (
    "Check --secrets-url: it must be the address of a PrivateBin server "
    "(the default is https://secrets.upflow.io/)."
)


@dataclass(frozen=True)
class Link:
    """A created one-time link. `url` holds the decryption key, so it is a Secret."""

    url: Secret
    paste_id: str
    delete_token: Secret
    expire: str
    burn_after_reading: bool
    server: str
    created_at: str  # ISO 8601, UTC
    expires_at: str | None  # None: never

    def metadata(self) -> dict[str, Any]:
        """What may be recorded (journal, --json): no link, no key, no delete token."""
        return {
            "paste_id": self.paste_id,
            "server": self.server,
            "expire": self.expire,
            "burn_after_reading": self.burn_after_reading,
            "created_at": self.created_at,
            "expires_at": self.expires_at,
        }


class PasteGone(HandoffError):
    """The server says the paste does not exist: read, expired or deleted."""


class DeleteFailed(HandoffError):
    """The server answered a delete without deleting (a wrong token, an unknown answer)."""


@dataclass(frozen=True)
class EncryptedPaste:
    """The v2 request body (`payload`) and the key that stays on this machine."""

    payload: dict[str, Any]
    key: bytes = field(repr=False)


# ---------------------------------------------------------------------------- validation


def validate_password(password: Secret | None) -> None:
    # PrivateBin's browser code feeds the password to PBKDF2 one byte per character, other
    # clients use UTF-8: only ASCII opens the same paste everywhere.
    if password is not None and not password.reveal().isascii():
        raise UsageError(
            "The link password has non-ASCII characters, which PrivateBin's web page "
            "does not derive the same way.",
            remedy="Use a password made of ASCII characters only.",
        )
    if password is not None and not password:
        raise UsageError(
            "The link password is empty.", remedy="Set the variable to a non-empty password."
        )


def normalize_server_url(raw: str) -> str:
    """`https://host/path/` with a trailing slash; plain http only for loopback hosts."""
    text = raw.strip()
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018  (raises on a bad port)
    except ValueError:
        raise UsageError("The secrets URL cannot be parsed.", remedy=_SERVER_REMEDY) from None
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("https", "http") or not host:
        raise UsageError(f"The secrets URL {text!r} is not an https URL.", remedy=_SERVER_REMEDY)
    if parts.scheme == "http" and not is_loopback_host(host):
        raise UsageError(
            "The secrets URL uses plain http.",
            remedy="Use https (plain http is accepted for loopback test servers only).",
        )
    if parts.username or parts.password:
        raise UsageError("The secrets URL contains credentials.", remedy=_SERVER_REMEDY)
    if parts.query or parts.fragment:
        raise UsageError(
            "The secrets URL has a query or fragment; give the server address only.",
            remedy=_SERVER_REMEDY,
        )
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return urlunsplit((parts.scheme, parts.netloc.lower(), path, "", ""))


# ---------------------------------------------------------------------------- crypto


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _compact_json(value: object) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def _derive_key(key: bytes, password: Secret | None, salt: bytes, iterations: int) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

    secret_bytes = key + (password.reveal().encode() if password else b"")
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=iterations)
    return kdf.derive(secret_bytes)


def encrypt_paste(
    text: Secret,
    *,
    expire: str = DEFAULT_EXPIRE,
    burn_after_reading: bool = True,
    password: Secret | None = None,
    key: bytes | None = None,
    compression: str = "zlib",
) -> EncryptedPaste:
    """Build the PrivateBin v2 request body for `text`. Pure apart from the random bytes."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    paste_key = secrets.token_bytes(KEY_BYTES) if key is None else key
    if len(paste_key) != KEY_BYTES:
        raise ValueError("a paste key is 32 bytes")
    iv, salt = secrets.token_bytes(IV_BYTES), secrets.token_bytes(SALT_BYTES)
    spec = [_b64(iv), _b64(salt), ITERATIONS, 256, 128, "aes", "gcm", compression]
    # discussion off; burn after reading as asked
    adata: list[Any] = [spec, "plaintext", 0, int(burn_after_reading)]
    plain = _compact_json({"paste": text.reveal()})
    if compression == "zlib":
        deflate = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        plain = deflate.compress(plain) + deflate.flush()
    elif compression != "none":
        raise ValueError("compression is 'zlib' or 'none'")
    derived = _derive_key(paste_key, password, salt, ITERATIONS)
    ct = AESGCM(derived).encrypt(iv, plain, _compact_json(adata))
    payload = {"v": 2, "adata": adata, "ct": _b64(ct), "meta": {"expire": expire}}
    return EncryptedPaste(payload=payload, key=paste_key)


def _bad_paste(problem: str) -> HandoffError:
    return HandoffError(
        f"The paste cannot be decrypted: {problem}.",
        remedy="Check that the whole link was copied, including the part after '#'.",
    )


def _parse_spec(adata: object) -> tuple[bytes, bytes, int, str]:
    """iv, salt, iterations, compression from a v2 `adata`, refusing anything unusual."""
    if not (isinstance(adata, list) and len(adata) == 4 and isinstance(adata[0], list)):
        raise _bad_paste("its header is not PrivateBin v2")
    spec = adata[0]
    if len(spec) != 8 or spec[3:7] != [256, 128, "aes", "gcm"]:
        raise _bad_paste("it uses a cipher other than AES-256-GCM")
    iterations, compression = spec[2], spec[7]
    if not isinstance(iterations, int) or not 1 <= iterations <= MAX_ITERATIONS:
        raise _bad_paste("its key-derivation cost is out of range")
    if compression not in ("zlib", "none"):
        raise _bad_paste("it uses an unknown compression")
    try:
        iv, salt = (
            base64.b64decode(spec[0], validate=True),
            base64.b64decode(spec[1], validate=True),
        )
    except (ValueError, TypeError):
        raise _bad_paste("its header is malformed") from None
    return iv, salt, iterations, compression


def _inflate(data: bytes) -> bytes:
    inflater = zlib.decompressobj(wbits=-zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, MAX_PLAINTEXT_BYTES)
    except zlib.error:
        raise _bad_paste("its content is not valid deflate data") from None
    if inflater.unconsumed_tail:
        raise _bad_paste("it is larger than 10 MB once inflated")
    return out


def decrypt_paste(payload: Mapping[str, Any], key: bytes, password: Secret | None = None) -> Secret:
    """Decrypt a v2 paste (as created, or as read back from a server) to its text."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if payload.get("v") != 2:
        raise _bad_paste("it is not a PrivateBin v2 paste")
    adata = payload.get("adata")
    iv, salt, iterations, compression = _parse_spec(adata)
    try:
        ct = base64.b64decode(str(payload.get("ct", "")), validate=True)
    except ValueError:
        raise _bad_paste("its ciphertext is malformed") from None
    derived = _derive_key(key, password, salt, iterations)
    try:
        plain = AESGCM(derived).decrypt(iv, ct, _compact_json(adata))
    except (InvalidTag, ValueError):
        raise _bad_paste("wrong key or password, or the paste was altered") from None
    if compression == "zlib":
        plain = _inflate(plain)
    try:
        message = json.loads(plain.decode())
        return Secret(message["paste"])
    except (ValueError, KeyError, TypeError):
        raise _bad_paste("its content is not a PrivateBin message") from None


# ---------------------------------------------------------------------------- HTTP


@asynccontextmanager
async def _http(client: httpx.AsyncClient | None) -> AsyncIterator[httpx.AsyncClient]:
    if client is not None:
        yield client
        return
    import httpx

    # TLS verification stays on; redirects are never followed (see _json_call).
    async with httpx.AsyncClient(
        timeout=httpx.Timeout(TIMEOUT_SECONDS), follow_redirects=False, verify=True
    ) as own:
        yield own


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _server_message(data: Mapping[str, Any]) -> str:
    """The server's error text, bounded and made safe to show (it comes from a remote party):
    control and escape characters appear as visible escapes, never reach the terminal."""
    text = str(data.get("message") or "no message")
    return visible(text[:200])


async def _json_call(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    body: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """One PrivateBin JSON API call. Any answer that is not the JSON API is a HandoffError."""
    import httpx

    where = _origin(url)
    try:
        response = await client.request(
            method,
            url,
            headers=JSON_API_HEADERS,
            content=_compact_json(body) if body is not None else None,
        )
    except httpx.TimeoutException:
        raise HandoffError(
            f"{where} did not answer within {TIMEOUT_SECONDS:.0f} s.",
            remedy="Check your network or proxy, then run `okta-wizard send` again.",
        ) from None
    except httpx.HTTPError as exc:
        # The exception text may carry the URL; only its type is shown.
        raise HandoffError(
            f"Could not reach {where} ({type(exc).__name__}).",
            remedy="Check the address, your network or proxy, then run `okta-wizard send` again.",
        ) from None
    if response.is_redirect:
        target = response.headers.get("location", "")
        final = str(response.url.join(target))
        same = _origin(final) == _origin(url)
        raise HandoffError(
            f"{where} answered with a redirect instead of PrivateBin's JSON API.",
            remedy=(
                f"Use the final address as --secrets-url ({visible(final)})."
                if same
                else "okta-wizard does not follow a redirect to another host; check --secrets-url."
            ),
        )
    if response.status_code != 200:
        raise HandoffError(
            f"{where} answered HTTP {response.status_code}, not PrivateBin's JSON API.",
            remedy=_SERVER_REMEDY,
        )
    try:
        data = response.json()
    except ValueError:
        data = None
    if not isinstance(data, dict) or data.get("status") not in (0, 1):
        kind = visible(response.headers.get("content-type", "unknown content").split(";")[0][:80])
        raise HandoffError(
            f"{where} answered with {kind}, not PrivateBin's JSON API.", remedy=_SERVER_REMEDY
        )
    return data


async def check_server(server_url: str, *, client: httpx.AsyncClient | None = None) -> None:
    """Refuse a target that does not speak PrivateBin's JSON API, before any secret is sent.

    Asks for a random paste id: a PrivateBin answers `{"status":1,"message":...}`.
    """
    server = normalize_server_url(server_url)
    async with _http(client) as http:
        data = await _json_call(http, "GET", f"{server}?pasteid={secrets.token_hex(8)}")
    if data.get("status") != 1 or not isinstance(data.get("message"), str):
        raise HandoffError(
            f"{_origin(server)} does not answer like a PrivateBin server.", remedy=_SERVER_REMEDY
        )


def _expires_at(created: datetime, expire: str) -> str | None:
    seconds = EXPIRY_SECONDS[expire]
    return None if seconds is None else (created + timedelta(seconds=seconds)).isoformat()


async def create_link(
    server_url: str,
    text: Secret,
    *,
    expire: str = DEFAULT_EXPIRE,
    burn_after_reading: bool = True,
    password: Secret | None = None,
    client: httpx.AsyncClient | None = None,
) -> Link:
    """Encrypt `text` here, post the ciphertext, return the one-time link (a Secret)."""
    expire = validate_expire(expire)
    validate_password(password)
    server = normalize_server_url(server_url)
    async with _http(client) as http:
        await check_server(server, client=http)
        paste = encrypt_paste(
            text, expire=expire, burn_after_reading=burn_after_reading, password=password
        )
        data = await _json_call(http, "POST", server, body=paste.payload)
    if data["status"] != 0:
        raise HandoffError(
            f"The secrets server refused the paste: {_server_message(data)}",
            remedy="Nothing was shared. Fix the cause above, then run `okta-wizard send` again.",
        )
    paste_id, token = data.get("id"), data.get("deletetoken")
    if not (isinstance(paste_id, str) and _PASTE_ID.match(paste_id)):
        raise HandoffError("The secrets server returned no valid paste id.", remedy=_SERVER_REMEDY)
    if not (isinstance(token, str) and _DELETE_TOKEN.match(token)):
        raise HandoffError("The secrets server returned no delete token.", remedy=_SERVER_REMEDY)
    created = datetime.now(UTC).replace(microsecond=0)
    return Link(
        url=Secret(f"{server}?{paste_id}#{b58encode(paste.key)}"),
        paste_id=paste_id,
        delete_token=Secret(token),
        expire=expire,
        burn_after_reading=burn_after_reading,
        server=server,
        created_at=created.isoformat(),
        expires_at=_expires_at(created, expire),
    )


def parse_link(url: Secret) -> tuple[str, str, bytes]:
    """server, paste id and key of a PrivateBin link `server?id#key` (or `?pasteid=id`)."""
    parts = urlsplit(url.reveal().strip())
    query = parts.query.removeprefix("pasteid=").split("&")[0]
    fragment = parts.fragment.removeprefix("-")  # "#-key": PrivateBin's "click to open" mark
    if not _PASTE_ID.match(query) or not fragment:
        raise UsageError(
            "That is not a PrivateBin link.",
            remedy="A link looks like https://server/?<16 hex>#<key>; copy it whole.",
        )
    try:
        key = b58decode(fragment, KEY_BYTES)
    except ValueError:
        raise UsageError(
            "The key in the link (after '#') is damaged.", remedy="Copy the link whole."
        ) from None
    server = normalize_server_url(urlunsplit((parts.scheme, parts.netloc, parts.path, "", "")))
    return server, query, key


async def read_link(
    url: Secret, *, password: Secret | None = None, client: httpx.AsyncClient | None = None
) -> Secret:
    """Fetch and decrypt a paste. This burns a burn-after-reading paste."""
    server, paste_id, key = parse_link(url)
    async with _http(client) as http:
        data = await _json_call(http, "GET", f"{server}?pasteid={paste_id}")
    if data["status"] != 0:
        raise HandoffError(
            f"The paste cannot be read: {_server_message(data)}",
            remedy="A one-time link works once; ask for a new one.",
        )
    return decrypt_paste(data, key, password)


# PrivateBin's one answer for a paste that is gone (read, expired or deleted): "Document ..."
# since 2.0, "Paste ..." before. It is translated when the server forces another language;
# then the answer is not recognised, and the token is kept (the safe side).
_GONE = re.compile(r"(Document|Paste) does not exist, has expired or has been deleted\.?")


async def delete_link(
    server_url: str,
    paste_id: str,
    delete_token: Secret,
    *,
    client: httpx.AsyncClient | None = None,
) -> None:
    """Delete an unread paste with its delete token.

    Returns once the server says it deleted it. `PasteGone` when the server says the paste no
    longer exists (read, expired or deleted): the token is then of no further use. Any other
    outcome (network error, timeout, HTTP error, a wrong token, an answer not understood) is
    `DeleteFailed` or `HandoffError`: the paste may still be readable, so keep the token.
    """
    server = normalize_server_url(server_url)
    if not _PASTE_ID.match(paste_id):
        raise UsageError(f"{paste_id!r} is not a PrivateBin paste id.", remedy="Check the id.")
    body = {"pasteid": paste_id, "deletetoken": delete_token.reveal()}
    async with _http(client) as http:
        data = await _json_call(http, "POST", server, body=body)
    if data["status"] == 0:
        return
    # The server has the token (we just sent it): it must not come back through its message.
    said = str(data.get("message") or "").replace(delete_token.reveal(), "[the delete token]")
    message = _server_message({"message": said})
    if _GONE.fullmatch(message.strip()):
        raise PasteGone(
            f"The link was not deleted: {message}",
            remedy="It was already opened, has expired or was deleted: nothing is left to delete.",
        )
    raise DeleteFailed(
        f"{_origin(server)} did not delete the link: {message}",
        remedy="The link may still open. Try again later (`okta-wizard send --revoke`).",
    )

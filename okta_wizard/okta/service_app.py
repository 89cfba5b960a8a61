"""Signing in with an OAuth 2.0 service app: private_key_jwt client credentials, and DPoP.

Used by the transport for a `ServiceAppKey` credential:

    auth = ServiceAppAuth(credential, org_url)         # loads and checks the key file
    headers = await auth.request_headers("GET", url)   # Authorization (+ DPoP proof)
    ... send ...
    if auth.should_resend(status, headers, text): ...  # new DPoP nonce, or token expired
    error = management_error(status, body, ...)        # 403 scope / role -> what to grant

Why our own client instead of the SDK's `PrivateKey` mode: the SDK signs RS256 only, logs
token-endpoint error descriptions at ERROR level, turns every token failure into a generic
error, and never renews a token that Okta rejects before the expiry it announced.

PyJWT does the JOSE work (signing, JWK parsing); what is Okta's stays here: which claims the
assertion and the DPoP proofs carry, which key files Okta accepts and what to say about the
others, when to renew a token or resend for a new nonce, and what each refusal means.
The transport imports this module, never the reverse: the retry policy comes from retry.py.

The private key is read from the file the admin named (or, once imported, from the OS keyring:
`ServiceAppKey.private_key`), kept in memory only (a `cryptography` key object) and never
written, logged or put in an exception. Access tokens live in `Secret`.

Key loaders: `load_private_key(path, key_id)` for a file, `load_private_key_text(text, source,
key_id)` for a key held in memory, `load_service_app_key(credential)` for either.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
import stat
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

from okta_wizard.errors import UsageError
from okta_wizard.okta.credentials import ServiceAppKey
from okta_wizard.okta.errors import ErrorKind, OktaError, error_for_response, rate_limited
from okta_wizard.okta.models import Actor
from okta_wizard.okta.retry import (
    RawResponse,
    TransportFailure,
    WaitBudget,
    describe_failure,
    retry_delay,
)
from okta_wizard.orgurl import OrgUrl
from okta_wizard.secret import Secret

if TYPE_CHECKING:
    import httpx

TOKEN_PATH = "/oauth2/v1/token"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ASSERTION_LIFETIME = 300  # seconds; Okta accepts at most an hour
MAX_KEY_FILE_BYTES = 64 * 1024
MAX_NONCE_ROUNDS = 3  # token or API call resent at most this often for a new DPoP nonce
Alg = Literal["RS256", "ES256"]

# Where the admin fixes things (Okta Admin Console wording).
SCOPES_TAB = "Admin Console > Applications > Applications > {client_id} > Okta API Scopes tab"
ROLES_TAB = "Admin Console > Applications > Applications > {client_id} > Admin roles tab"
KEYS_TAB = "Admin Console > Applications > Applications > {client_id} > General > Public Keys"
ROLE_ADVICE = "assign the Application Administrator (or Super Administrator) role"


# -- the private key file --------------------------------------------------------------------


class LoadedKey:
    """The service app's private key, in memory only. Its repr says where from, never what.

    `path` is the key file, or None for a key read from the keyring (`source` says which entry).
    """

    __slots__ = ("_key", "alg", "kid", "path", "source", "warnings")

    def __init__(
        self,
        key: Any,
        alg: Alg,
        kid: str | None,
        path: Path | None,
        warnings: tuple[str, ...],
        source: str = "",
    ) -> None:
        self._key = key
        self.alg: Alg = alg
        self.kid = kid
        self.path = path
        self.source = source or str(path)
        self.warnings = warnings

    def __repr__(self) -> str:
        return f"LoadedKey(source={self.source!r}, alg={self.alg}, kid={self.kid!r})"

    __str__ = __repr__

    def __reduce__(self) -> Any:
        raise TypeError("a LoadedKey is not picklable")

    def encode(self, claims: dict[str, Any], headers: dict[str, Any]) -> str:
        """A compact JWS of `claims` signed with this key (PyJWT adds `alg` and `typ: JWT`)."""
        return _encode(claims, self._key, self.alg, headers)

    def public_jwk(self) -> dict[str, Any]:
        return public_jwk(self._key.public_key())


def _encode(claims: dict[str, Any], key: Any, alg: Alg, headers: dict[str, Any]) -> str:
    """PyJWT signs: PKCS#1 v1.5 for RS256, raw r||s (not DER) for ES256, as JWS wants."""
    import jwt  # ~15 ms (it loads cryptography.x509): only when the first JWT is signed

    return jwt.encode(claims, key, algorithm=alg, headers=headers)


# What RFC 7638 hashes for a thumbprint, which is also all that a public JWK needs.
_PUBLIC_MEMBERS = {"RSA": ("e", "kty", "n"), "EC": ("crv", "kty", "x", "y")}
_ALG_OF_KTY: dict[str, Alg] = {"RSA": "RS256", "EC": "ES256"}


def public_jwk(public_key: Any) -> dict[str, Any]:
    """The public JWK of an RSA or EC key, its required members only (PyJWT adds key_ops)."""
    from cryptography.hazmat.primitives.asymmetric import rsa
    from jwt.algorithms import ECAlgorithm, RSAAlgorithm

    algorithm = RSAAlgorithm if isinstance(public_key, rsa.RSAPublicKey) else ECAlgorithm
    jwk = algorithm.to_jwk(public_key, as_dict=True)
    return {name: jwk[name] for name in _PUBLIC_MEMBERS[jwk["kty"]]}


def jwk_thumbprint(jwk: dict[str, Any]) -> str:
    """The RFC 7638 thumbprint (PyJWT has none): what Okta shows as the kid of a key it
    generated, and what it binds a DPoP token to."""
    required = {name: jwk[name] for name in _PUBLIC_MEMBERS[jwk["kty"]]}
    canonical = json.dumps(required, separators=(",", ":"), sort_keys=True)
    return _b64url(hashlib.sha256(canonical.encode()).digest())


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


KeySource = Path | str  # a key file, or a description of where an in-memory key came from


def _key_problem(path: KeySource, problem: str, remedy: str = "") -> UsageError:
    subject = f"The private key file {path}" if isinstance(path, Path) else f"The private {path}"
    return UsageError(
        f"{subject} {problem}",
        remedy=remedy
        or "Pass --private-key with the service app's private key (PEM or JWK, RS256 or ES256) "
        "as downloaded when the key was added in the Admin Console.",
    )


def permission_warnings(path: Path) -> tuple[str, ...]:
    """A private key others can read is a key others can use."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return ()
    if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
        return (
            f"Warning: the private key file {path} can be read by other users of this machine; "
            f"restrict it with `chmod 600 {path}`.",
        )
    return ()


def load_private_key(path: Path, key_id: str | None = None) -> LoadedKey:
    """Read and check the key file. Every problem is a UsageError (exit 2) naming the file.

    PEM (PKCS#8, PKCS#1 or SEC1) or a JWK (JSON); RSA (2048 bits or more) or EC P-256. The kid
    comes from `key_id`, else the JWK's own `kid`; a PEM has none (pass --key-id when the app
    has several keys).
    """
    try:
        data = path.read_bytes()[: MAX_KEY_FILE_BYTES + 1]
    except FileNotFoundError:
        raise _key_problem(path, "does not exist.") from None
    except IsADirectoryError:
        raise _key_problem(path, "is a folder, not a key file.") from None
    except OSError as exc:
        raise _key_problem(
            path,
            f"cannot be read ({exc.strerror or type(exc).__name__}).",
            "Check the path and that your user may read the file.",
        ) from None
    key, alg, kid = _parse_key(path, data, key_id)
    return LoadedKey(key, alg, kid, path, permission_warnings(path))


def load_private_key_text(text: Secret, source: str, key_id: str | None = None) -> LoadedKey:
    """A key held in memory (imported into the keyring): the same checks as a key file.
    `source` completes "The private ..." in messages, e.g. "key imported into the keyring"."""
    key, alg, kid = _parse_key(source, text.reveal().encode(), key_id)
    return LoadedKey(key, alg, kid, None, (), source=source)


def load_service_app_key(credential: ServiceAppKey) -> LoadedKey:
    """The credential's key: from the keyring copy it carries, else from its file."""
    if credential.private_key is not None:
        return load_private_key_text(
            credential.private_key,
            f"key of service app {credential.client_id} imported into the keyring",
            credential.key_id,
        )
    if credential.private_key_path is None:
        raise _key_problem(
            f"key of service app {credential.client_id}", "is neither in a file nor imported."
        )
    return load_private_key(credential.private_key_path, credential.key_id)


def _parse_key(source: KeySource, data: bytes, key_id: str | None) -> tuple[Any, Alg, str | None]:
    if len(data) > MAX_KEY_FILE_BYTES:
        raise _key_problem(source, "is too large to be a private key.")
    text = data.decode("utf-8", errors="replace").strip()
    if text.startswith("{"):
        key, jwk_kid = _key_from_jwk(source, text)
    else:
        key, jwk_kid = _key_from_pem(source, data, text), None
    alg = _alg_of(source, key)
    kid = (key_id or "").strip() or jwk_kid
    return key, alg, kid


def _key_from_pem(path: KeySource, data: bytes, text: str) -> Any:
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    if "-----BEGIN" not in text:
        raise _key_problem(path, "is neither a PEM private key nor a JWK.")
    if "ENCRYPTED" in text:
        raise _key_problem(
            path,
            "is encrypted with a passphrase; okta-wizard cannot prompt for it.",
            f"Write a decrypted copy readable by you alone, e.g. `openssl pkey -in {path} "
            "-out key.pem` then `chmod 600 key.pem`, and pass that file.",
        )
    if "PUBLIC KEY" in text or "CERTIFICATE" in text:
        raise _key_problem(
            path,
            "holds a public key or certificate, not the private key.",
            "Pass the private key (the file that begins with 'BEGIN PRIVATE KEY'); the public "
            "key is the one registered on the service app.",
        )
    key: Any = None
    try:
        key = load_pem_private_key(data, password=None)
    except Exception:  # ValueError, TypeError, UnsupportedAlgorithm: raised below, unchained
        key = None
    if key is not None:
        return key
    raise _key_problem(path, "is not a readable PEM private key.")


def _key_from_jwk(path: KeySource, text: str) -> tuple[Any, str | None]:
    """A private JWK, or a JWK set holding only that key, loaded by PyJWT's `PyJWK`."""
    import jwt

    try:
        jwk = json.loads(text)
    except ValueError:
        jwk = None
    if isinstance(jwk, dict) and isinstance(jwk.get("keys"), list) and len(jwk["keys"]) == 1:
        jwk = jwk["keys"][0]  # a JWKS with a single key
    if not isinstance(jwk, dict) or jwk.get("kty") not in _ALG_OF_KTY:
        raise _key_problem(path, "is JSON but not an RSA or EC JWK.")
    if "d" not in jwk:
        raise _key_problem(
            path,
            "holds a public JWK (it has no 'd'), not the private key.",
            "Pass the private JWK you saved when the key was generated; the public one is "
            "registered on the service app.",
        )
    kid = jwk.get("kid") if isinstance(jwk.get("kid"), str) else None
    key: Any = None
    try:  # the algorithm follows the key type, not a stray "alg" member
        key = jwt.PyJWK(jwk, algorithm=_ALG_OF_KTY[jwk["kty"]]).key
    except Exception:  # PyJWT's messages quote the JWK, private members included: never shown
        key = None
    if key is not None:
        return key, kid
    raise _key_problem(path, "holds a JWK whose members are not a valid private key.")


def _alg_of(path: KeySource, key: Any) -> Alg:
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    if isinstance(key, rsa.RSAPrivateKey):
        if key.key_size < 2048:
            raise _key_problem(path, f"holds an RSA key of {key.key_size} bits; Okta needs 2048+.")
        return "RS256"
    if isinstance(key, ec.EllipticCurvePrivateKey):
        if key.curve.name != "secp256r1":
            raise _key_problem(path, f"holds an EC key on {key.curve.name}; use P-256 (ES256).")
        return "ES256"
    raise _key_problem(path, "holds a key type Okta does not accept (use RSA or EC P-256).")


# -- JWTs: what Okta wants signed ------------------------------------------------------------


def client_assertion(key: LoadedKey, client_id: str, token_url: str, now: float) -> Secret:
    """RFC 7523 client assertion: iss = sub = client id, aud = the token endpoint, fresh jti."""
    claims = {
        "iss": client_id,
        "sub": client_id,
        "aud": token_url,
        "iat": int(now),
        "exp": int(now) + ASSERTION_LIFETIME,
        "jti": str(uuid.uuid4()),
    }
    return Secret(key.encode(claims, {"kid": key.kid} if key.kid else {}))


class DPoPKey:
    """An ephemeral P-256 key that proves possession (RFC 9449); it never leaves memory."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        from cryptography.hazmat.primitives.asymmetric import ec  # PyJWT makes no keys

        self._clock = clock
        self._key = ec.generate_private_key(ec.SECP256R1())
        self.public_jwk = public_jwk(self._key.public_key())
        self.thumbprint = jwk_thumbprint(self.public_jwk)

    def __repr__(self) -> str:
        return f"DPoPKey(thumbprint={self.thumbprint!r})"

    def proof(
        self, method: str, url: str, *, nonce: str | None, access_token: Secret | None = None
    ) -> str:
        """One proof for one request: `htu` without query or fragment, `ath` with a token."""
        parts = urlsplit(url)
        claims: dict[str, Any] = {
            "jti": str(uuid.uuid4()),
            "htm": method.upper(),
            "htu": f"{parts.scheme}://{parts.netloc}{parts.path}",
            "iat": int(self._clock()),
        }
        if nonce:
            claims["nonce"] = nonce
        if access_token is not None:
            digest = hashlib.sha256(access_token.reveal().encode("ascii")).digest()
            claims["ath"] = _b64url(digest)
        headers = {"typ": "dpop+jwt", "jwk": self.public_jwk}
        return _encode(claims, self._key, "ES256", headers)


# -- errors ----------------------------------------------------------------------------------


def _oauth_fields(body: object) -> tuple[str, str]:
    if not isinstance(body, dict):
        return "", ""
    error, description = body.get("error"), body.get("error_description")
    return (error if isinstance(error, str) else ""), (
        description[:300] if isinstance(description, str) else ""
    )


def token_error(status: int, body: object, client_id: str, scopes: tuple[str, ...]) -> OktaError:
    """A refused token request -> OktaError with what to change in the Admin Console."""
    error, description = _oauth_fields(body)
    said = f": {description}" if description else ""
    where = f" (Okta {error or status})"
    if error == "invalid_scope":
        return OktaError(
            ErrorKind.PERMISSION,
            f"Okta refused the scopes {' '.join(scopes)} to service app {client_id}{said}{where}",
            remedy=f"Grant {', '.join(scopes)} in {SCOPES_TAB.format(client_id=client_id)}, "
            "then run again.",
            status=status,
            error_code=error,
        )
    if error == "unauthorized_client":
        return OktaError(
            ErrorKind.AUTH,
            f"Service app {client_id} may not use the client credentials grant{said}{where}",
            remedy="In the Admin Console, open the app > General > General Settings and allow "
            "the Client Credentials grant type, then run again.",
            status=status,
            error_code=error,
        )
    if error in ("invalid_dpop_proof", "use_dpop_nonce", "dpop_nonce_exhausted"):
        return OktaError(
            ErrorKind.UNAVAILABLE if error != "invalid_dpop_proof" else ErrorKind.AUTH,
            f"Okta refused the DPoP proof of service app {client_id}{said}{where}",
            remedy="Check that this machine's clock is right, then run again; if it persists, "
            "report it with the message above.",
            status=status,
            error_code=error,
        )
    if status >= 500 or status == 429:
        return error_for_response(status, body, action="get an access token", oauth=True)
    return OktaError(
        ErrorKind.AUTH,
        f"Okta rejected the client assertion of service app {client_id}{said}{where}",
        remedy=f"Check the client id, that the key's public half is registered in "
        f"{KEYS_TAB.format(client_id=client_id)} (pass --key-id if the app has several keys), "
        "that client authentication is 'Public key / Private key', and that this machine's "
        "clock is right.",
        status=status,
        error_code=error or None,
    )


def _insufficient_scope(headers: dict[str, list[str]]) -> str | None:
    """The scope named in `www-authenticate: Bearer ..., scope="x", error="insufficient_scope"`."""
    for value in headers.get("www-authenticate", []):
        if "insufficient_scope" not in value:
            continue
        for item in value.split(","):
            name, _, quoted = item.strip().partition("=")
            if name.strip().lower() == "scope":
                return quoted.strip().strip('"') or None
        return ""
    return None


def management_error(
    status: int,
    body: object,
    headers: dict[str, list[str]],
    *,
    client_id: str,
    action: str,
    needs: str = "",
    request_id: str | None = None,
) -> OktaError:
    """A refused Management API call made with a service app's token.

    A 403 names the missing scope (from `www-authenticate`) or, without one, the missing admin
    role, and where in the Admin Console to grant it. Everything else: the shared mapping.
    """
    if status == 403:
        scope = _insufficient_scope(headers)
        ref = f" (Okta E0000006{', request ' + request_id if request_id else ''})"
        if scope is not None:
            named = scope or needs or "a scope it was not granted"
            return OktaError(
                ErrorKind.PERMISSION,
                f"Permission denied: to {action}, service app {client_id} needs the scope "
                f"{named}{ref}",
                remedy=f"Grant {named} in {SCOPES_TAB.format(client_id=client_id)}, then run "
                "again.",
                status=403,
                error_code="E0000006",
                request_id=request_id,
            )
        if not (isinstance(body, dict) and body.get("errorCode") == "E0000056"):
            return OktaError(
                ErrorKind.PERMISSION,
                f"Permission denied: to {action}, service app {client_id} needs an admin role "
                f"that allows it{ref}",
                remedy=f"In {ROLES_TAB.format(client_id=client_id)}, {ROLE_ADVICE}, then run "
                "again.",
                status=403,
                error_code="E0000006",
                request_id=request_id,
            )
    return error_for_response(
        status, body, action=action, request_id=request_id, needs=needs, oauth=True
    )


# -- the token source ------------------------------------------------------------------------


@dataclass
class AccessToken:
    value: Secret
    token_type: str  # "Bearer" | "DPoP"
    expires_at: float
    lifetime: float

    def fresh(self, now: float) -> bool:
        """Renew before expiry: a tenth of the lifetime early, at most a minute."""
        return now < self.expires_at - min(60.0, self.lifetime / 10)


@dataclass
class _State:
    token: AccessToken | None = None
    dpop: DPoPKey | None = None  # set once Okta asked for DPoP
    nonce: str | None = None
    token_requests: int = 0
    nonce_rounds: int = 0
    resent_for_token: bool = False
    history: list[str] = field(default_factory=list)  # "token", "dpop on", for tests


class ServiceAppAuth:
    """Access tokens for one service app, renewed before expiry, DPoP when Okta requires it."""

    def __init__(
        self,
        credential: ServiceAppKey,
        org_url: OrgUrl,
        *,
        request_timeout: float = 30.0,
        max_wait: float = 120.0,
        use_dpop: bool | None = None,
        clock: Callable[[], float] = time.time,
        key: LoadedKey | None = None,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        """`max_wait`: the bounded total of 429/5xx waits of one token request (the gateway's
        policy, okta/retry.py). `clock`: seconds since the epoch, for the assertion, the DPoP
        proofs and token expiry (tests make expiry deterministic with it). `key`: an already
        loaded key (from the keyring); else the credential's file is read. `http`: the caller's
        client, shared so that token requests and API calls use one connection (one TLS
        handshake) and the caller closes it; else one of our own, made on the first request."""
        self.credential = credential
        self.org_url = org_url
        self.token_url = org_url.origin + TOKEN_PATH
        self.request_timeout = request_timeout
        self.max_wait = max_wait
        self.clock = clock
        self.key = key or load_service_app_key(credential)
        self._state = _State(dpop=DPoPKey(clock) if use_dpop else None)
        self._detect_dpop = use_dpop is None
        self._http = http
        self._owns_http = http is None

    def __repr__(self) -> str:
        return f"ServiceAppAuth(client_id={self.client_id!r}, key={self.key!r})"

    @property
    def client_id(self) -> str:
        return self.credential.client_id

    @property
    def actor(self) -> Actor:
        """A service app has no user (`/users/me` does not exist for it): its client id acts."""
        return Actor(
            id=self.client_id,
            kind="service_app",
            login=self.client_id,
            display_name="OAuth service app",
        )

    @property
    def uses_dpop(self) -> bool:
        return self._state.dpop is not None

    @property
    def token_requests(self) -> int:
        return self._state.token_requests

    @property
    def warnings(self) -> tuple[str, ...]:
        return self.key.warnings

    def current_token(self) -> Secret | None:
        """For leak scans in tests."""
        return self._state.token.value if self._state.token else None

    async def aclose(self) -> None:
        if self._owns_http and self._http is not None:
            await self._http.aclose()
            self._http = None

    # -- per request
    async def request_headers(self, method: str, url: str) -> dict[str, str]:
        """`Authorization` (and a `DPoP` proof) for one Management API request."""
        token = await self.access_token()
        headers = {"Authorization": f"{token.token_type} {token.value.reveal()}"}
        if token.token_type == "DPoP" and self._state.dpop is not None:
            headers["DPoP"] = self._state.dpop.proof(
                method, url, nonce=self._state.nonce, access_token=token.value
            )
        return headers

    def should_resend(self, status: int, headers: dict[str, list[str]], text: str) -> bool:
        """After an answer: True when the same request should go again, at most a few times.

        - 401 `use_dpop_nonce`: Okta rotated the DPoP nonce; resend with the new one.
        - 401 invalid token: the token died before the expiry it announced (revoked, or the
          clocks differ); drop it and resend once with a new one.
        """
        nonce = next(iter(headers.get("dpop-nonce", [])), None)
        if nonce:
            self._state.nonce = nonce
        if status != 401:
            self._state.nonce_rounds = 0
            self._state.resent_for_token = False
            return False
        error, _ = _oauth_fields(_json(text))
        if error == "use_dpop_nonce" and nonce and self._state.nonce_rounds < MAX_NONCE_ROUNDS:
            self._state.nonce_rounds += 1
            return True
        if error != "use_dpop_nonce" and not self._state.resent_for_token:
            self._state.resent_for_token = True
            self._state.token = None
            self._state.history.append("token dropped")
            return True
        return False

    # -- the token endpoint
    async def access_token(self) -> AccessToken:
        token = self._state.token
        if token is not None and token.fresh(self.clock()):
            return token
        token = await self._request_token()
        self._state.token = token
        return token

    async def _request_token(self) -> AccessToken:
        """client_credentials with a fresh assertion on every attempt (Okta consumes its jti
        even on a DPoP nonce challenge or an answer lost on the way); switches DPoP on when
        Okta says the app requires it. 429, 5xx and dropped connections are retried with the
        gateway's bounded policy (a token request changes nothing in Okta)."""
        scopes = tuple(self.credential.scopes)
        budget = WaitBudget(self.max_wait)
        attempt = rounds = 0
        while True:
            attempt += 1
            outcome = await self._send_token_request(scopes)
            delay = retry_delay(outcome, attempt, retry_server_errors=True)
            if delay is not None and budget.take(attempt, delay):
                self._state.history.append(f"token retry in {delay:g} s")
                await asyncio.sleep(delay)
                continue
            if isinstance(outcome, TransportFailure):
                raise OktaError(
                    ErrorKind.UNAVAILABLE,
                    f"Okta's token endpoint {self.token_url} could not be reached ({outcome.why})",
                    remedy="Check the network and the org URL, then run the same command again.",
                )
            status, body = outcome.status, _json(outcome.text)
            nonce = outcome.header("dpop-nonce")
            if nonce:
                self._state.nonce = nonce
            if (
                status == 200
                and isinstance(body, dict)
                and isinstance(body.get("access_token"), str)
            ):
                return self._token_from(body)
            if status == 429:
                raise rate_limited("get an access token", delay or 0.0)
            error, description = _oauth_fields(body)
            rounds += 1
            if rounds <= MAX_NONCE_ROUNDS and self._dpop_retry(status, error, description, nonce):
                continue
            if error == "use_dpop_nonce":
                error_body = {"error": "dpop_nonce_exhausted", "error_description": description}
                raise token_error(status, error_body, self.client_id, scopes)
            raise token_error(status, body, self.client_id, scopes)

    async def _send_token_request(self, scopes: tuple[str, ...]) -> RawResponse | TransportFailure:
        """One POST to the token endpoint with a new assertion (new jti) and DPoP proof."""
        form = {
            "grant_type": "client_credentials",
            "scope": " ".join(scopes),
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": client_assertion(
                self.key, self.client_id, self.token_url, self.clock()
            ).reveal(),
        }
        headers = {"Accept": "application/json"}
        if self._state.dpop is not None:
            headers["DPoP"] = self._state.dpop.proof(
                "POST", self.token_url, nonce=self._state.nonce
            )
        try:
            return await self._post_form(form, headers)
        finally:
            del form["client_assertion"]

    def _dpop_retry(self, status: int, error: str, description: str, nonce: str | None) -> bool:
        if status != 400:
            return False
        if error == "use_dpop_nonce" and nonce and self._state.dpop is not None:
            return True
        # The app requires DPoP and we sent no proof: switch it on (once) and go again.
        if error == "invalid_dpop_proof" and self._detect_dpop and self._state.dpop is None:
            self._state.dpop = DPoPKey(self.clock)
            self._state.history.append("dpop on")
            return True
        return False

    def _token_from(self, body: dict[str, Any]) -> AccessToken:
        lifetime = body.get("expires_in")
        lifetime = float(lifetime) if isinstance(lifetime, int | float) and lifetime > 0 else 3600.0
        token_type = "DPoP" if str(body.get("token_type", "")).lower() == "dpop" else "Bearer"
        self._state.history.append(f"token {token_type}")
        return AccessToken(
            value=Secret(str(body["access_token"])),
            token_type=token_type,
            expires_at=self.clock() + lifetime,
            lifetime=lifetime,
        )

    async def _post_form(
        self, form: dict[str, str], headers: dict[str, str]
    ) -> RawResponse | TransportFailure:
        import httpx

        if self._http is None:
            self._http = httpx.AsyncClient(
                timeout=self.request_timeout,
                verify=True,
                trust_env=not self.org_url.is_loopback,
            )
        try:
            response = await self._http.post(self.token_url, data=form, headers=headers)
        except Exception as exc:  # httpx errors carry the request, and so the assertion
            return TransportFailure(describe_failure(exc))
        self._state.token_requests += 1
        answer: dict[str, list[str]] = {}
        for name, value in response.headers.multi_items():
            answer.setdefault(name.lower(), []).append(value)
        return RawResponse(response.status_code, answer, response.text)


def _json(text: str) -> object:
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None

"""The sandbox org's sign-in: the org authorization server's code flow, as real Okta answers it.

What a client and a browser can see of Okta (reference: okta-oidc-and-logs.md, section A):
- `GET /oauth2/v1/authorize`: an unknown client id or a redirect URI the app does not list
  exactly (port included) gets Okta's 400 page and no redirect; an INACTIVE app a bare 400
  page. Other errors go back to the redirect URI (`error`, `error_description`, `state`):
  `invalid_scope`, `unsupported_response_type`, `invalid_request` (state, prompt, PKCE),
  `login_required` (`prompt=none` without a session) and `access_denied` "User is not assigned
  to the client application." for a user of no assigned group. Otherwise a plain HTML sign-in
  form for the seeded users (`prompt=login` always shows it; a session cookie skips it).
- `POST /oauth2/v1/token` with `grant_type=authorization_code`: client_secret_basic (or
  _post, as the app says), the code single-use, bound to the client, the redirect URI and the
  PKCE challenge, valid 300 s; Okta's `invalid_client` / `invalid_grant` texts. Other grant
  types go on to the service-app token endpoint (sandbox/oauth.py): `token_grant_dispatch`.
- `GET /oauth2/v1/keys`: two RSA signing keys of this sandbox; ID tokens are RS256 with a `kid`
  and the org-AS claims (`ver`, `iss` the org URL, `aud`, `iat`, `exp`, `jti`, `amr`, `idp`,
  `auth_time`, `nonce`, `at_hash`, and `name`, `email`, `preferred_username` by scope).
- `GET|POST /oauth2/v1/userinfo` with the access token: the full claim set, `email_verified`
  included.

The checks here are the sandbox's own: the ID token is signed with `cryptography` directly (not
PyJWT, which the client verifies with), PKCE is recomputed here. The fault the client must
catch: `sign_in_of(sb.state).sign_with_unlisted_key = True` signs ID tokens with a key that
is not in the JWKS.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import re
import secrets
import threading
import time
import weakref
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from aiohttp import web

from okta_wizard.sandbox import ids
from okta_wizard.sandbox.org import SandboxApp
from okta_wizard.sandbox.routes import STATE_KEY, json_response
from okta_wizard.sandbox.state import SandboxState

AUTHORIZE_PATH = "/oauth2/v1/authorize"
SIGN_IN_PATH = "/sandbox/sign-in"  # where the sign-in form posts (the sandbox's own page)
TOKEN_PATH = "/oauth2/v1/token"
KEYS_PATH = "/oauth2/v1/keys"
USERINFO_PATH = "/oauth2/v1/userinfo"
# The seeded users' password: printed on the sign-in page and in docs/sandbox.md. Not a secret.
SANDBOX_PASSWORD = "Sandbox-Passw0rd"
SESSION_COOKIE = "sid"
CODE_LIFETIME_S = 300  # Okta: an authorization code lasts 300 s
TOKEN_LIFETIME_S = 3600  # org authorization server: ID and access tokens, 60 min
TRANSACTION_LIFETIME_S = 600
KNOWN_SCOPES = frozenset(
    {"openid", "email", "profile", "address", "phone", "offline_access", "groups"}
)
PROMPTS = ("none", "consent", "login", "login consent", "enroll_authenticator")
SEEDED_USERS = (  # login, first name, last name, groups (Everyone is implicit)
    ("fiona.finance@example.com", "Fiona", "Finance", ("Finance",)),
    ("sam.sales@example.com", "Sam", "Sales", ("Sales",)),
    ("casey.contractor@partner.example", "Casey", "Contractor", ("Finance",)),
)
MSG_REDIRECT = (
    "The 'redirect_uri' parameter must be a Login redirect URI in the client app settings"
)
MSG_CLIENT_ID = "Invalid value for 'client_id' parameter."
MSG_NOT_ASSIGNED = "User is not assigned to the client application."
MSG_SCOPE = (
    "The requested scope is invalid, unknown, malformed, or exceeds the scope granted by the "
    "resource owner."
)
MSG_STATE = "The authentication request has an invalid 'state' parameter."
MSG_CLIENT_AUTH = (
    "Client authentication failed. Either the client or the client credentials are invalid."
)
MSG_BAD_SECRET = "The client secret supplied for a confidential client is invalid."
MSG_CODE = "The authorization code is invalid or has expired."
MSG_OTHER_CLIENT = (
    "The grant was issued to another client. Please make sure the 'client_id' matches the one "
    "used at the authorize request."
)
MSG_REDIRECT_MISMATCH = (
    "The 'redirect_uri' does not match the redirection URI used in the authorization request."
)
MSG_PKCE = "PKCE verification failed."
MSG_PKCE_UNEXPECTED = (
    "PKCE code challenge should be specified in the authorize request for code verification."
)
MSG_MULTIPLE = (
    "Cannot supply multiple client credentials. Use one of the following: credentials in the "
    "Authorization header, credentials in the post body, or a client_assertion in the post body."
)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


@dataclass
class SignInUser:
    id: str
    login: str
    first_name: str
    last_name: str
    email: str
    groups: tuple[str, ...]  # group names; Everyone is implicit
    email_verified: bool = True
    password: str = SANDBOX_PASSWORD
    updated_at: int = field(default_factory=lambda: int(time.time()))

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True)
class Transaction:
    """An authorize request waiting for the user to sign in."""

    client_id: str
    redirect_uri: str
    state: str
    nonce: str | None
    scopes: tuple[str, ...]
    code_challenge: str | None
    login_hint: str
    expires_at: float


@dataclass(frozen=True)
class IssuedCode:
    client_id: str
    redirect_uri: str
    code_challenge: str | None
    nonce: str | None
    user_id: str
    scopes: tuple[str, ...]
    auth_time: int
    expires_at: float


@dataclass(frozen=True)
class IssuedAccess:
    user_id: str
    client_id: str
    scopes: tuple[str, ...]
    expires_at: float


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_key: Any  # cryptography RSAPrivateKey

    def public_jwk(self) -> dict[str, Any]:
        numbers = self.private_key.public_key().public_numbers()

        def b64_int(value: int) -> str:
            return b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))

        return {
            "kty": "RSA",
            "alg": "RS256",
            "kid": self.kid,
            "use": "sig",
            "e": b64_int(numbers.e),
            "n": b64_int(numbers.n),
        }

    def sign(self, claims: dict[str, Any]) -> str:
        """A compact JWS, RS256 (RSASSA-PKCS1-v1_5 with SHA-256), built here by hand."""
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        header = {"kid": self.kid, "alg": "RS256"}
        signing_input = ".".join(
            b64url(json.dumps(part, separators=(",", ":")).encode()) for part in (header, claims)
        )
        signature = self.private_key.sign(
            signing_input.encode(), padding.PKCS1v15(), hashes.SHA256()
        )
        return f"{signing_input}.{b64url(signature)}"


def _new_key() -> SigningKey:
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return SigningKey(secrets.token_urlsafe(32)[:43], key)


class OidcProvider:
    """The sign-in state of one sandbox: users, pending sign-ins, codes, tokens, keys.

    Thread-safe: the server answers on its loop while a test thread adds users or faults.
    """

    def __init__(self, state: SandboxState) -> None:
        self._sandbox = state
        self._lock = threading.Lock()
        self.users: dict[str, SignInUser] = {}
        self._transactions: dict[str, Transaction] = {}
        self._codes: dict[str, IssuedCode] = {}
        self._access: dict[str, IssuedAccess] = {}
        self._sessions: dict[str, str] = {}  # session cookie -> user id
        self._issued: list[str] = []  # every code and token issued (for leak scans)
        self._keys: list[SigningKey] = []  # created on first use: RSA key generation is slow
        self._unlisted: SigningKey | None = None
        self.sign_with_unlisted_key = False  # fault: an ID token the JWKS cannot verify
        self.code_lifetime = CODE_LIFETIME_S
        for login, first, last, groups in SEEDED_USERS:
            self.add_user(login, first, last, groups)

    # -- configuration (tests, demo)
    def add_user(
        self,
        login: str,
        first_name: str,
        last_name: str,
        groups: tuple[str, ...] = (),
        *,
        email: str | None = None,
        email_verified: bool = True,
    ) -> SignInUser:
        user = SignInUser(
            ids.okta_id("00u"),
            login,
            first_name,
            last_name,
            login if email is None else email,
            tuple(groups),
            email_verified,
        )
        with self._lock:
            self.users[user.id] = user
        return user

    def user_by_login(self, login: str) -> SignInUser | None:
        with self._lock:
            return next((u for u in self.users.values() if u.login.lower() == login.lower()), None)

    def issued_secrets(self) -> list[str]:
        """Every authorization code, access token and ID token issued so far."""
        with self._lock:
            return list(self._issued)

    def jwks(self) -> dict[str, Any]:
        return {"keys": [k.public_jwk() for k in self._signing_keys()]}

    def _signing_keys(self) -> list[SigningKey]:
        with self._lock:
            if not self._keys:
                self._keys = [_new_key(), _new_key()]  # real orgs list two or three
            return list(self._keys)

    def _signer(self) -> SigningKey:
        if self.sign_with_unlisted_key:
            with self._lock:
                if self._unlisted is None:
                    self._unlisted = _new_key()
                return self._unlisted
        return self._signing_keys()[0]

    # -- the org's view
    @property
    def base_url(self) -> str:
        return self._sandbox.base_url

    def oidc_app(self, client_id: str | None) -> SandboxApp | None:
        app = self._sandbox.org.apps.get(client_id or "")
        return app if app is not None and app.is_oidc else None

    def is_assigned(self, app: SandboxApp, user: SignInUser) -> bool:
        org = self._sandbox.org
        with org.lock:
            assigned = [org.groups[g] for g in app.assignments if g in org.groups]
        return any(g.type == "BUILT_IN" or g.name in user.groups for g in assigned)

    # -- /authorize
    def authorize(self, query: dict[str, str], session: str | None) -> web.Response:
        app = self.oidc_app(query.get("client_id"))
        if app is None:
            return _error_page("invalid_client", MSG_CLIENT_ID)
        if app.status != "ACTIVE":
            return _bare_400()
        redirect_uri = query.get("redirect_uri", "")
        if redirect_uri not in app.oauth_settings.get("redirect_uris", []):
            where = f"{self._admin_url()}/admin/app/oidc_client/instance/{app.id}/#tab-general"
            return _error_page("invalid_request", f"{MSG_REDIRECT}: {where}")
        state = query.get("state", "")

        def back(error: str, description: str) -> web.Response:
            return _redirect(redirect_uri, error=error, error_description=description, state=state)

        if not state:
            return back("invalid_request", MSG_STATE)
        if query.get("response_type") != "code" or "code" not in app.oauth_settings.get(
            "response_types", []
        ):
            return back(
                "unsupported_response_type",
                "The response type is not supported by the authorization server. "
                "Configured response types: [code].",
            )
        scopes = tuple(query.get("scope", "").split())
        if "openid" not in scopes or not set(scopes) <= KNOWN_SCOPES:
            return back("invalid_scope", MSG_SCOPE)
        prompt = query.get("prompt")
        if prompt is not None and prompt not in PROMPTS:
            supported = ", ".join(PROMPTS)
            return back(
                "invalid_request",
                f"Invalid value for 'prompt' parameter. Supported values: [{supported}].",
            )
        challenge = query.get("code_challenge")
        if challenge is not None and query.get("code_challenge_method") != "S256":
            return back("invalid_request", "Invalid value for 'code_challenge_method' parameter.")
        if challenge is None and app.oauth_credentials.get("pkce_required"):
            return back("invalid_request", "PKCE code challenge is required by the application.")
        tx = Transaction(
            app.id,
            redirect_uri,
            state,
            query.get("nonce"),
            scopes,
            challenge,
            query.get("login_hint", ""),
            time.time() + TRANSACTION_LIFETIME_S,
        )
        with self._lock:
            user_id = self._sessions.get(session or "")
        user = self.users.get(user_id or "") if prompt != "login" else None
        if user is not None:
            return self.authorized(tx, user)
        if prompt == "none":
            return back(
                "login_required",
                "The client specified not to prompt, but the user is not logged in.",
            )
        tx_id = secrets.token_urlsafe(24)
        with self._lock:
            self._transactions[tx_id] = tx
        return self._sign_in_page(tx_id, tx, app)

    def sign_in(self, form: dict[str, str]) -> web.Response:
        """The sign-in form's POST: the user's password, then the code (or Okta's refusal)."""
        with self._lock:
            tx = self._transactions.get(form.get("tx", ""))
        if tx is None or tx.expires_at < time.time():
            return _error_page("invalid_request", "Your sign-in session has expired.")
        app = self.oidc_app(tx.client_id)
        if app is None or app.status != "ACTIVE":
            return _bare_400()
        user = self.user_by_login(form.get("username", ""))
        password = form.get("password", "")
        if user is None or not hmac.compare_digest(user.password.encode(), password.encode()):
            return self._sign_in_page(form.get("tx", ""), tx, app, failed=True)
        session = secrets.token_urlsafe(24)
        with self._lock:
            self._transactions.pop(form.get("tx", ""), None)
            self._sessions[session] = user.id
        response = self.authorized(tx, user)
        response.set_cookie(SESSION_COOKIE, session, path="/", httponly=True, samesite="Lax")
        return response

    def authorized(self, tx: Transaction, user: SignInUser) -> web.Response:
        app = self.oidc_app(tx.client_id)
        if app is None or app.status != "ACTIVE":
            return _bare_400()
        log = self._sandbox.system_log  # Okta logs every sign-in through an app, failed or not
        if not self.is_assigned(app, user):
            log.record_sign_in(app, user, success=False, reason=MSG_NOT_ASSIGNED)
            return _redirect(
                tx.redirect_uri,
                error="access_denied",
                error_description=MSG_NOT_ASSIGNED,
                state=tx.state,
            )
        code = secrets.token_urlsafe(32)
        issued = IssuedCode(
            tx.client_id,
            tx.redirect_uri,
            tx.code_challenge,
            tx.nonce,
            user.id,
            tx.scopes,
            int(time.time()),
            time.time() + self.code_lifetime,
        )
        with self._lock:
            self._codes[code] = issued
            self._issued.append(code)
        log.record_sign_in(app, user)
        return _redirect(tx.redirect_uri, code=code, state=tx.state)

    def _admin_url(self) -> str:
        parts = urlsplit(self.base_url)
        return urlunsplit((parts.scheme, parts.netloc, "", "", ""))

    def _sign_in_page(
        self, tx_id: str, tx: Transaction, app: SandboxApp, *, failed: bool = False
    ) -> web.Response:
        org = self._sandbox.org
        hint = html.escape(tx.login_hint)
        users = ", ".join(_text(u.login) for u in list(self.users.values()))
        status = '<p id="okta-signin-error" role="alert">Unable to sign in</p>' if failed else ""
        body = (
            "<!doctype html><html lang=en><head><meta charset=utf-8>"
            f"<title>{_text(org.company)} - Sign In</title></head><body><main>"
            f"<h1>Sign In</h1><p>{_text(org.company)} (sandbox Okta org): sign in to "
            f"<b>{_text(app.label)}</b></p>{status}"
            f'<form method="post" action="{SIGN_IN_PATH}" id="form19">'
            f'<input type="hidden" name="tx" value="{html.escape(tx_id)}">'
            '<label>Username <input id="okta-signin-username" name="username" '
            f'autocomplete="username" value="{hint}"></label> '
            '<label>Password <input id="okta-signin-password" name="password" '
            'type="password" autocomplete="current-password"></label> '
            '<input id="okta-signin-submit" type="submit" value="Sign In"></form>'
            f"<p>Sandbox users: {users}; password {SANDBOX_PASSWORD}.</p></main></body></html>"
        )
        return web.Response(text=body, content_type="text/html", headers=_NO_STORE)

    # -- /token (authorization_code)
    def token(self, form: dict[str, str], authorization: str) -> tuple[int, dict[str, Any]]:
        client = _client_credentials(form, authorization)
        if not isinstance(client, ClientAuth):
            return client  # the 401 answer
        client_id, secret, method = client.client_id, client.secret, client.method
        app = self.oidc_app(client_id)
        if app is None:
            return 401, _oauth_error("invalid_client", MSG_CLIENT_ID)
        if app.oauth_credentials.get("token_endpoint_auth_method") != method:
            return 401, _oauth_error("invalid_client", MSG_CLIENT_AUTH)
        if app.status != "ACTIVE":
            return 401, _oauth_error("invalid_client", MSG_CLIENT_AUTH)
        if not any(hmac.compare_digest(s.value, secret) for s in app.active_secrets()):
            self._sandbox.system_log.record_token_grant(app, success=False, reason="invalid_client")
            return 401, _oauth_error("invalid_client", MSG_BAD_SECRET)
        grants = app.oauth_settings.get("grant_types", [])
        if "authorization_code" not in grants:
            configured = ", ".join(grants)
            return 400, _oauth_error(
                "unauthorized_client",
                "The client is not authorized to use the provided grant type. Configured "
                f"grant types: [{configured}].",
            )
        with self._lock:
            issued = self._codes.pop(form.get("code", ""), None)  # single-use, even on failure
        if issued is None or issued.expires_at < time.time():
            return 400, _oauth_error("invalid_grant", MSG_CODE)
        if issued.client_id != client_id:
            return 400, _oauth_error("invalid_grant", MSG_OTHER_CLIENT)
        if form.get("redirect_uri") != issued.redirect_uri:
            return 400, _oauth_error("invalid_grant", MSG_REDIRECT_MISMATCH)
        verifier = form.get("code_verifier")
        if issued.code_challenge is not None:
            computed = b64url(hashlib.sha256((verifier or "").encode()).digest())
            if not verifier or not hmac.compare_digest(computed, issued.code_challenge):
                return 400, _oauth_error("invalid_grant", MSG_PKCE)
        elif verifier is not None:
            return 400, _oauth_error("invalid_request", MSG_PKCE_UNEXPECTED)
        user = self.users.get(issued.user_id)
        if user is None:
            return 400, _oauth_error("invalid_grant", MSG_CODE)
        self._sandbox.system_log.record_token_grant(app, user, kind="id_token")
        return 200, self._tokens(issued, user)

    def _tokens(self, issued: IssuedCode, user: SignInUser) -> dict[str, Any]:
        now = int(time.time())
        access_token = secrets.token_urlsafe(48)
        claims: dict[str, Any] = {
            "sub": user.id,
            "ver": 1,
            "iss": self.base_url,
            "aud": issued.client_id,
            "iat": now,
            "exp": now + TOKEN_LIFETIME_S,
            "jti": "ID." + secrets.token_urlsafe(32),
            "amr": ["pwd"],
            "idp": self._sandbox.org.id,
            "auth_time": issued.auth_time,
            "at_hash": b64url(hashlib.sha256(access_token.encode()).digest()[:16]),
        }
        if issued.nonce is not None:
            claims["nonce"] = issued.nonce
        if "profile" in issued.scopes:
            claims["name"] = user.name
            claims["preferred_username"] = user.login
        if "email" in issued.scopes:
            claims["email"] = user.email
        id_token = self._signer().sign(claims)
        with self._lock:
            self._access[access_token] = IssuedAccess(
                user.id, issued.client_id, issued.scopes, now + TOKEN_LIFETIME_S
            )
            self._issued += [access_token, id_token]
        return {
            "token_type": "Bearer",
            "expires_in": TOKEN_LIFETIME_S,
            "access_token": access_token,
            "scope": " ".join(issued.scopes),
            "id_token": id_token,
        }

    # -- /userinfo
    def userinfo(self, authorization: str) -> tuple[int, dict[str, Any] | None]:
        scheme, _, value = authorization.partition(" ")
        with self._lock:
            access = self._access.get(value.strip()) if scheme.lower() == "bearer" else None
        if access is None or access.expires_at < time.time():
            return 401, None
        user = self.users.get(access.user_id)
        if user is None:
            return 401, None
        claims: dict[str, Any] = {"sub": user.id}
        if "profile" in access.scopes:
            claims |= {
                "name": user.name,
                "locale": "en_US",
                "preferred_username": user.login,
                "given_name": user.first_name,
                "family_name": user.last_name,
                "zoneinfo": "America/Los_Angeles",
                "updated_at": user.updated_at,
            }
        if "email" in access.scopes:
            claims |= {"email": user.email, "email_verified": user.email_verified}
        return 200, claims


_NO_STORE = {"Cache-Control": "no-cache, no-store", "Pragma": "no-cache"}
WWW_INVALID_TOKEN = (
    'Bearer authorization_uri="", realm="IdentityPlatform", error="invalid_token", '
    'error_description="The access token is invalid."'
)


def _oauth_error(error: str, description: str) -> dict[str, Any]:
    return {"error": error, "error_description": description}


@dataclass(frozen=True)
class ClientAuth:
    client_id: str
    secret: str = field(repr=False)
    method: str  # client_secret_basic | client_secret_post


def _client_credentials(
    form: dict[str, str], authorization: str
) -> ClientAuth | tuple[int, dict[str, Any]]:
    """The client's credentials from the Basic header or the body, or the 401 answer."""
    posted = form.get("client_secret")
    if authorization:
        scheme, _, value = authorization.partition(" ")
        try:
            decoded = base64.b64decode(value, validate=True).decode()
        except (ValueError, UnicodeDecodeError):
            decoded = ""
        client_id, sep, secret = decoded.partition(":")
        if scheme.lower() != "basic" or not sep:
            return 401, _oauth_error("invalid_client", MSG_CLIENT_AUTH)
        if posted is not None:
            return 401, _oauth_error("invalid_request", MSG_MULTIPLE)
        return ClientAuth(client_id, secret, "client_secret_basic")
    if posted is not None:
        return ClientAuth(form.get("client_id", ""), posted, "client_secret_post")
    return 401, _oauth_error("invalid_client", "No client credentials found.")


def _redirect(uri: str, **params: str) -> web.Response:
    separator = "&" if "?" in uri else "?"
    location = uri + separator + urlencode(params)
    return web.Response(status=302, headers={"Location": location, **_NO_STORE})


def _error_page(code: str, description: str) -> web.Response:
    """Okta's HTML error page: a 400 the browser shows, no redirect."""
    body = (
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>Error</title></head>"
        '<body><div class="error-code">400</div><h1>Bad Request</h1>'
        f"<p>Error Code: {_text(code)}</p><p>Description: {_text(description)}</p>"
        "</body></html>"
    )
    return web.Response(status=400, text=body, content_type="text/html", headers=_NO_STORE)


def _text(value: str) -> str:
    return html.escape(value, quote=False)


def _bare_400() -> web.Response:
    """What Okta shows for an INACTIVE app: a 400 that says nothing more."""
    body = "<!doctype html><html><body><h1>400 Bad Request</h1></body></html>"
    return web.Response(status=400, text=body, content_type="text/html", headers=_NO_STORE)


# -- a scripted browser for the sign-in form (tests and benches) ------------------------------


@dataclass(frozen=True)
class FormSignIn:
    page: Any  # httpx.Response: what the redirect URI answered
    redirect_ms: float  # from following the redirect to that answer


async def sign_in_with_form(
    authorization_url: str, login: str, password: str = SANDBOX_PASSWORD
) -> FormSignIn:
    """Do what a browser does on this sandbox: open the authorization URL, post the sign-in
    form, follow the redirect. For tests and benches that need no real browser."""
    import httpx

    async with httpx.AsyncClient(trust_env=False, timeout=30) as client:
        form = await client.get(authorization_url)
        match = re.search(r'name="tx" value="([^"]+)"', form.text)
        if match is None:
            raise ValueError(f"no sign-in form (HTTP {form.status_code})")
        base = authorization_url.split(AUTHORIZE_PATH, 1)[0]
        data = {"tx": match.group(1), "username": login, "password": password}
        back = await client.post(base + SIGN_IN_PATH, data=data)
        started = time.perf_counter()
        page = await client.get(back.headers["location"])
        return FormSignIn(page, (time.perf_counter() - started) * 1000)


# -- aiohttp glue ----------------------------------------------------------------------------

PROVIDER_KEY: web.AppKey[OidcProvider] = web.AppKey("oidc_provider", OidcProvider)
_PROVIDERS: weakref.WeakKeyDictionary[SandboxState, OidcProvider] = weakref.WeakKeyDictionary()


def sign_in_of(state: SandboxState) -> OidcProvider:
    """The sign-in side of a sandbox (`sign_in_of(sb.state).users`, `.issued_secrets()`)."""
    return _PROVIDERS[state]


def _provider(request: web.Request) -> OidcProvider:
    return request.app[PROVIDER_KEY]


def _single_values(items: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in items.items()}


async def _authorize(request: web.Request) -> web.Response:
    return _provider(request).authorize(
        _single_values(request.query), request.cookies.get(SESSION_COOKIE)
    )


async def _sign_in(request: web.Request) -> web.Response:
    return _provider(request).sign_in(_single_values(await request.post()))


async def _keys(request: web.Request) -> web.Response:
    resp = json_response(_provider(request).jwks())
    resp.headers["Cache-Control"] = "max-age=3600, must-revalidate"
    return resp


async def _userinfo(request: web.Request) -> web.Response:
    status, claims = _provider(request).userinfo(request.headers.get("Authorization", ""))
    if claims is None:
        return web.Response(status=status, headers={"WWW-Authenticate": WWW_INVALID_TOKEN})
    return json_response(claims, status)


async def _token(request: web.Request) -> web.Response:
    form = _single_values(await request.post())
    status, body = _provider(request).token(form, request.headers.get("Authorization", ""))
    resp = json_response(body, status)
    resp.headers.update(_NO_STORE)
    if status == 401:
        resp.headers["WWW-Authenticate"] = f'Basic realm="Okta", error="{body["error"]}"'
    return resp


@web.middleware
async def token_grant_dispatch(request: web.Request, handler: Any) -> web.StreamResponse:
    """`POST /oauth2/v1/token` serves two clients: the authorization code grant is answered
    here, every other grant by the route's own handler (the service apps' client credentials).
    One route, so faults, rate limits and the call log see one `POST /oauth2/v1/token`."""
    if request.method == "POST" and request.path == TOKEN_PATH:
        form = await request.post()  # aiohttp keeps it: the other handler reads it again
        if form.get("grant_type") == "authorization_code":
            return await _token(request)
    response: web.StreamResponse = await handler(request)
    return response


def add_oidc_routes(app: web.Application) -> None:
    """Mount authorize, the sign-in form, keys and userinfo (the token route's code grant comes
    through `token_grant_dispatch`, which the server lists among its middlewares)."""
    provider = OidcProvider(app[STATE_KEY])
    app[PROVIDER_KEY] = provider
    _PROVIDERS[app[STATE_KEY]] = provider
    app.router.add_get(AUTHORIZE_PATH, _authorize)
    app.router.add_post(SIGN_IN_PATH, _sign_in)
    app.router.add_get(KEYS_PATH, _keys)
    app.router.add_get(USERINFO_PATH, _userinfo)
    app.router.add_post(USERINFO_PATH, _userinfo)

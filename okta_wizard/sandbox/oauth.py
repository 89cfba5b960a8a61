"""The sandbox's authorization server for OAuth 2.0 service apps (OAuth 2.0 for Okta).

What real Okta does, as far as a client can tell (okta-api.md section 4, RFC 7523, RFC 9449):
- `POST /oauth2/v1/token`: client credentials with `private_key_jwt`. The client assertion is
  verified against the service app's registered public key (RS256 or ES256): signature,
  `aud` == `<base>/oauth2/v1/token`, `iss` == `sub` == client id, `exp` in the future and at
  most an hour away, `jti` never seen before (consumed even when the answer is a DPoP nonce
  challenge, as Okta does). Requested scopes must be granted, else 400 `invalid_scope`.
- DPoP, when the app requires it: a proof without the current nonce gets 400 `use_dpop_nonce`
  and a `dpop-nonce` header; the token is bound to the proof's key (`token_type: DPoP`).
- Every Management API request: `Bearer`/`DPoP` access token, its expiry, the DPoP proof
  (`ath`, `htm`, `htu`, nonce), the route's scope (403 E0000006 and
  `www-authenticate: Bearer error="insufficient_scope"`) and the app's admin role.

Mount it with `add_oauth_routes(app, registry)`; authenticate each Management API request with
`authenticate_request(request, route_key, registry)`. PyJWT (a dependency of the okta SDK)
verifies the JWTs: an implementation independent of the client's own signing code.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any, Literal
from urllib.parse import urlsplit

from aiohttp import web

from okta_wizard.sandbox import ids
from okta_wizard.secret import Secret

TOKEN_PATH = "/oauth2/v1/token"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
SIGNING_ALGS = ("RS256", "ES256")
MAX_ASSERTION_LIFETIME = 3600  # Okta: the assertion's exp may be at most one hour away
DPOP_IAT_WINDOW = 300  # seconds a DPoP proof's iat may differ from now
DEFAULT_SCOPES = ("okta.apps.read", "okta.apps.manage", "okta.groups.read")
# Admin roles (okta-api.md section 4): who may read apps, who may create OIDC apps.
CREATOR_ROLES = frozenset({"SUPER_ADMIN", "APP_ADMIN", "API_ACCESS_MANAGEMENT_ADMIN"})
READER_ROLES = CREATOR_ROLES | {"ORG_ADMIN", "READ_ONLY_ADMIN"}
FORBIDDEN = "You do not have permission to perform the requested action"
REQUIRED_CLAIMS = ["exp", "jti", "iss", "sub", "aud"]
MSG_GRANT = (
    "The authorization grant type is not supported by the authorization server. "
    "Configured grant types: [client_credentials]."
)
MSG_CLIENT = (
    "Client authentication failed. Either the client or the client credentials are invalid."
)
MSG_NO_SCOPE = (
    "The authorization server resource does not have any configured default scopes, "
    "'scope' must be provided."
)
MSG_NOT_GRANTED = "The following scopes are not granted to the client: "
MSG_KID = "The client_assertion token has a kid which does not match any registered key."
MSG_AUD = (
    "The audience claim for client_assertion must be the endpoint invoking the client_assertion."
)
MSG_ISS_SUB = "The issuer and subject claims of the client_assertion must be the client id."
WWW_INVALID_TOKEN = (
    'Bearer authorization_uri="", realm="IdentityPlatform", error="invalid_token", '
    'error_description="The token is not valid."'
)
WWW_INSUFFICIENT_SCOPE = (
    'Bearer authorization_uri="", realm="IdentityPlatform", scope="{scope}", '
    'error="insufficient_scope", '
    'error_description="The access token provided does not contain the required scopes.", '
    'resource="{path}"'
)
WWW_USE_NONCE = (
    'DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof"'
)

TokenType = Literal["Bearer", "DPoP"]


def required_scope(route_key: str) -> str | None:
    """The OAuth scope a Management API route needs ("GET /api/v1/apps/{id}" -> okta.apps.read).

    From the `security` entries of Okta's OpenAPI spec; None for routes without auth.
    """
    method, _, path = route_key.partition(" ")
    parts = path.strip("/").split("/")
    if parts[:3] == ["oauth2", "v1", "clients"] and "roles" in parts:
        return "okta.roles.read" if method == "GET" else "okta.roles.manage"
    if parts[:2] != ["api", "v1"] or len(parts) < 3:
        return None
    resource = {
        "apps": "apps", "groups": "groups", "users": "users", "org": "orgs", "logs": "logs"
    }.get(parts[2])  # fmt: skip
    if resource is None:
        return None
    if resource == "users" and len(parts) >= 5 and parts[4] == "roles":
        return "okta.roles.read" if method == "GET" else "okta.roles.manage"
    return f"okta.{resource}.{'read' if method == 'GET' else 'manage'}"


def roles_allow(roles: Iterable[str], route_key: str) -> bool:
    """A service app's admin role must allow the route: reads need an admin role, app changes
    a role that may create OIDC apps (an Org Admin may not)."""
    held = set(roles)
    method, _, path = route_key.partition(" ")
    if method != "GET" and path.startswith("/api/v1/apps"):
        return bool(held & CREATOR_ROLES)
    return bool(held)


# -- JOSE helpers (RFC 7515/7517/7638) -------------------------------------------------------


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def jwk_thumbprint(jwk: dict[str, Any]) -> str:
    """RFC 7638: SHA-256 over the required members, sorted, no spaces."""
    members = ("e", "kty", "n") if jwk.get("kty") == "RSA" else ("crv", "kty", "x", "y")
    canonical = json.dumps({k: jwk[k] for k in members}, separators=(",", ":"), sort_keys=True)
    return b64url(hashlib.sha256(canonical.encode()).digest())


def token_hash(access_token: str) -> str:
    """The DPoP `ath` claim: base64url(SHA-256(token))."""
    return b64url(hashlib.sha256(access_token.encode("ascii")).digest())


def _public_only(jwk: dict[str, Any]) -> dict[str, Any]:
    private = {"d", "p", "q", "dp", "dq", "qi"}
    return {k: v for k, v in jwk.items() if k not in private}


def normalize_htu(url: str) -> str:
    """RFC 9449 4.2: scheme, host, port and path; no query, no fragment."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{parts.path}"


# -- the registry ----------------------------------------------------------------------------


@dataclass
class ServiceApp:
    """A service app as the Admin Console configures it: keys, granted scopes, admin roles."""

    client_id: str
    public_jwks: list[dict[str, Any]]
    scopes: set[str] = field(default_factory=lambda: set(DEFAULT_SCOPES))
    roles: set[str] = field(default_factory=lambda: {"APP_ADMIN"})
    require_dpop: bool = False
    label: str = "okta-wizard service app"
    created: str = field(default_factory=ids.now_iso)  # of its role assignments


@dataclass(frozen=True)
class GeneratedServiceApp:
    """A registered app plus its private key (for tests and the demo; never logged)."""

    app: ServiceApp
    private_key_pem: Secret
    kid: str
    alg: str

    @property
    def client_id(self) -> str:
        return self.app.client_id

    def private_jwk(self) -> Secret:
        """The same private key as a JWK JSON string (with its kid)."""
        from cryptography.hazmat.primitives.serialization import load_pem_private_key

        key = load_pem_private_key(self.private_key_pem.reveal().encode(), password=None)
        jwk = {**_jwk_of(key), "kid": self.kid}
        return Secret(json.dumps(jwk))


@dataclass(frozen=True)
class IssuedToken:
    client_id: str
    scopes: frozenset[str]
    expires_at: float
    token_type: TokenType
    jkt: str | None  # thumbprint of the DPoP key the token is bound to


@dataclass(frozen=True)
class Principal:
    """Who a Management API request acts for: a service app."""

    client_id: str
    scopes: frozenset[str]
    roles: frozenset[str]
    kind: str = "service_app"


@dataclass(frozen=True)
class OAuthFailure:
    """An error answer in Okta's format; `to_response()` makes the aiohttp response."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)

    def to_response(self) -> web.Response:
        headers = {"x-okta-request-id": ids.request_id(), **self.headers}
        return web.json_response(self.body, status=self.status, headers=headers)


def _oauth_error(status: int, error: str, description: str, **headers: str) -> OAuthFailure:
    return OAuthFailure(status, {"error": error, "error_description": description}, headers)


def _okta_error(
    status: int, code: str, summary: str, causes: list[str], **headers: str
) -> OAuthFailure:
    body = {
        "errorCode": code,
        "errorSummary": summary,
        "errorLink": code,
        "errorId": ids.error_id(),
        "errorCauses": [{"errorSummary": c} for c in causes],
    }
    return OAuthFailure(status, body, headers)


class OAuthRegistry:
    """Service apps, issued tokens, consumed jtis and the DPoP nonce of one sandbox.

    Thread-safe: the server thread answers while a test thread changes the configuration.
    """

    def __init__(self, *, token_lifetime: int = 3600, clock: Callable[[], float] = time.time):
        self.token_lifetime = token_lifetime  # seconds; tests shorten it to expire mid-run
        self.clock = clock
        self._lock = threading.Lock()
        self._apps: dict[str, ServiceApp] = {}
        self._tokens: dict[str, IssuedToken] = {}
        self._used_jtis: dict[str, float] = {}  # jti -> when it may be forgotten
        self._used_proof_jtis: dict[str, float] = {}
        self._nonce = secrets.token_urlsafe(24)
        self.token_requests = 0  # token calls answered, for tests and benches
        self.tokens_issued = 0
        self.api_calls = 0  # Management API calls that passed authentication
        # Mid-run events for tests: after every N authenticated API calls, a new DPoP nonce,
        # or every issued token expires (a token that dies before the expiry it announced).
        self.rotate_nonce_every: int | None = None
        self.expire_tokens_every: int | None = None

    # -- configuration (tests, demo)
    def register(self, app: ServiceApp) -> ServiceApp:
        for jwk in app.public_jwks:
            if "d" in jwk:
                raise ValueError("register the public key only")
        with self._lock:
            self._apps[app.client_id] = app
        return app

    def register_generated(
        self,
        *,
        alg: str = "RS256",
        scopes: Iterable[str] = DEFAULT_SCOPES,
        roles: Iterable[str] = ("APP_ADMIN",),
        require_dpop: bool = False,
        client_id: str | None = None,
    ) -> GeneratedServiceApp:
        """A new service app with a fresh key pair (RSA 2048 or P-256)."""
        pem, public_jwk = generate_key_pair(alg)
        kid = jwk_thumbprint(public_jwk)
        public_jwk = {**public_jwk, "kid": kid, "alg": alg, "use": "sig"}
        app = ServiceApp(
            client_id=client_id or ids.okta_id("0oa"),
            public_jwks=[public_jwk],
            scopes=set(scopes),
            roles=set(roles),
            require_dpop=require_dpop,
        )
        self.register(app)
        return GeneratedServiceApp(app=app, private_key_pem=Secret(pem), kid=kid, alg=alg)

    def app(self, client_id: str) -> ServiceApp | None:
        with self._lock:
            return self._apps.get(client_id)

    def rotate_nonce(self) -> str:
        """A new DPoP nonce; proofs carrying the old one are answered `use_dpop_nonce`."""
        with self._lock:
            self._nonce = secrets.token_urlsafe(24)
            return self._nonce

    @property
    def nonce(self) -> str:
        with self._lock:
            return self._nonce

    def expire_tokens(self, client_id: str | None = None) -> int:
        """Make issued tokens expire now (a token that dies mid-run); returns how many."""
        now = self.clock()
        with self._lock:
            hit = [t for t, v in self._tokens.items() if client_id in (None, v.client_id)]
            for value in hit:
                self._tokens[value] = _replace_expiry(self._tokens[value], now - 1)
            return len(hit)

    def live_tokens(self) -> list[Secret]:
        """The access tokens issued so far (for leak scans)."""
        with self._lock:
            return [Secret(t) for t in self._tokens]

    # -- the token endpoint
    def issue(
        self, form: dict[str, str], dpop: str | None, token_url: str
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        """Answer one token request: (status, JSON body, headers)."""
        with self._lock:
            self.token_requests += 1
        result = self._issue(form, dpop, token_url)
        if isinstance(result, OAuthFailure):
            return result.status, result.body, result.headers
        return 200, result, ({"dpop-nonce": self.nonce} if result["token_type"] == "DPoP" else {})

    def _issue(
        self, form: dict[str, str], dpop: str | None, token_url: str
    ) -> OAuthFailure | dict[str, Any]:
        if form.get("grant_type") != "client_credentials":
            return _oauth_error(
                400,
                "unsupported_grant_type",
                MSG_GRANT,
            )
        if form.get("client_assertion_type") != ASSERTION_TYPE or not form.get("client_assertion"):
            return _oauth_error(
                401,
                "invalid_client",
                MSG_CLIENT,
            )
        checked = self._verify_assertion(form["client_assertion"], token_url)
        if isinstance(checked, OAuthFailure):
            return checked
        app = checked
        in_order = list(dict.fromkeys(form.get("scope", "").split()))  # Okta echoes this order
        requested = set(in_order)
        if not requested:
            return _oauth_error(
                400,
                "invalid_scope",
                MSG_NO_SCOPE,
            )
        not_granted = sorted(requested - app.scopes)
        if not_granted:
            return _oauth_error(
                400,
                "invalid_scope",
                MSG_NOT_GRANTED + " ".join(not_granted),
            )
        jkt: str | None = None
        if app.require_dpop:
            proof = self._verify_proof(dpop, "POST", token_url, access_token=None)
            if isinstance(proof, OAuthFailure):
                return proof
            jkt = proof
        value = secrets.token_urlsafe(48)
        token_type: TokenType = "DPoP" if jkt else "Bearer"
        with self._lock:
            self._tokens[value] = IssuedToken(
                client_id=app.client_id,
                scopes=frozenset(requested),
                expires_at=self.clock() + self.token_lifetime,
                token_type=token_type,
                jkt=jkt,
            )
            self.tokens_issued += 1
        return {
            "token_type": token_type,
            "expires_in": self.token_lifetime,
            "access_token": value,
            "scope": " ".join(in_order),
        }

    def _verify_assertion(self, assertion: str, token_url: str) -> OAuthFailure | ServiceApp:
        import jwt

        def bad(description: str) -> OAuthFailure:
            return _oauth_error(401, "invalid_client", description)

        try:
            header = jwt.get_unverified_header(assertion)
            unverified = jwt.decode(assertion, options={"verify_signature": False})
        except jwt.PyJWTError:
            return bad("The client_assertion token is malformed.")
        client_id = unverified.get("sub")
        app = self.app(client_id) if isinstance(client_id, str) else None
        if app is None:
            return bad("Invalid value for 'client_id' parameter.")
        alg = header.get("alg")
        if alg not in SIGNING_ALGS:
            return bad(f"The client_assertion token has an unsupported signing algorithm: {alg}.")
        jwk = _pick_key(app.public_jwks, header.get("kid"))
        if jwk is None:
            return bad(MSG_KID)
        now = self.clock()
        try:
            claims = jwt.decode(
                assertion,
                jwt.PyJWK(jwk, algorithm=alg).key,
                algorithms=[alg],
                audience=token_url,
                issuer=client_id,
                options={
                    "require": ["exp", "jti", "iss", "sub", "aud"],
                    "verify_iat": False,
                    "verify_exp": False,
                },
            )
        except jwt.InvalidAudienceError:
            return bad(MSG_AUD)
        except jwt.InvalidSignatureError:
            return bad("The client_assertion signature is invalid.")
        except jwt.PyJWTError as exc:
            return bad(f"The client_assertion token is invalid: {type(exc).__name__}.")
        exp = claims["exp"]
        if not isinstance(exp, int | float) or exp <= now:
            return bad("The client_assertion token is expired.")
        if exp - now > MAX_ASSERTION_LIFETIME + 60:
            return bad("The client_assertion token has an expiration too far into the future.")
        if claims.get("iss") != claims.get("sub"):
            return bad(MSG_ISS_SUB)
        jti = str(claims["jti"])
        with self._lock:
            self._forget_old(self._used_jtis, now)
            if jti in self._used_jtis:
                return bad("The client_assertion token has already been used.")
            self._used_jtis[jti] = float(exp)
        return app

    def _verify_proof(
        self,
        proof: str | None,
        method: str,
        url: str,
        *,
        access_token: str | None,
        jkt: str | None = None,
    ) -> OAuthFailure | str:
        """Check one DPoP proof; returns the thumbprint of its key."""
        import jwt

        status = 400 if access_token is None else 401

        def bad(description: str) -> OAuthFailure:
            return _oauth_error(status, "invalid_dpop_proof", description)

        if not proof:
            return bad("The DPoP proof JWT header is missing.")
        try:
            header = jwt.get_unverified_header(proof)
        except jwt.PyJWTError:
            return bad("The DPoP proof JWT is malformed.")
        jwk = header.get("jwk")
        if header.get("typ") != "dpop+jwt" or not isinstance(jwk, dict):
            return bad("The DPoP proof JWT must have typ dpop+jwt and a jwk header.")
        if "d" in jwk or header.get("alg") not in SIGNING_ALGS:
            return bad("The DPoP proof jwk must be a public key with RS256 or ES256.")
        try:
            claims = jwt.decode(
                proof,
                jwt.PyJWK(jwk, algorithm=header["alg"]).key,
                algorithms=[header["alg"]],
                options={"require": ["jti", "htm", "htu", "iat"], "verify_iat": False},
            )
        except jwt.PyJWTError:
            return bad("The DPoP proof signature is invalid.")
        thumbprint = jwk_thumbprint(jwk)
        now = self.clock()
        if claims["htm"] != method or normalize_htu(str(claims["htu"])) != normalize_htu(url):
            return bad("The DPoP proof htm or htu does not match the request.")
        if abs(now - float(claims["iat"])) > DPOP_IAT_WINDOW:
            return bad("The DPoP proof iat is out of the accepted window.")
        if access_token is not None:
            if claims.get("ath") != token_hash(access_token):
                return bad("The DPoP proof ath does not match the access token.")
            if thumbprint != jkt:
                return bad("The DPoP proof key is not the key the access token is bound to.")
        if claims.get("nonce") != self.nonce:
            where = "Authorization" if access_token is None else "Resource"
            failure = _oauth_error(
                status,
                "use_dpop_nonce",
                f"{where} server requires nonce in DPoP proof.",
                **{"dpop-nonce": self.nonce},
            )
            if access_token is not None:
                failure.headers["www-authenticate"] = WWW_USE_NONCE
            return failure
        jti = str(claims["jti"])
        with self._lock:
            self._forget_old(self._used_proof_jtis, now)
            if jti in self._used_proof_jtis:
                return bad("The DPoP proof jti has already been used.")
            self._used_proof_jtis[jti] = now + DPOP_IAT_WINDOW
        return thumbprint

    @staticmethod
    def _forget_old(seen: dict[str, float], now: float) -> None:
        for key in [k for k, until in seen.items() if until < now - 60]:
            del seen[key]

    # -- Management API requests
    def authenticate(
        self, method: str, url: str, headers: dict[str, str], route_key: str
    ) -> Principal | OAuthFailure:
        """Authenticate one request's `Authorization` (and `DPoP`) header for `route_key`."""
        scheme, _, value = headers.get("authorization", "").partition(" ")
        with self._lock:
            token = self._tokens.get(value.strip())
        if scheme not in ("Bearer", "DPoP") or token is None or token.expires_at <= self.clock():
            return _okta_error(
                401,
                "E0000011",
                "Invalid token provided",
                [],
                **{"www-authenticate": WWW_INVALID_TOKEN},
            )
        if token.token_type == "DPoP":
            if scheme != "DPoP":
                return _okta_error(
                    401,
                    "E0000011",
                    "Invalid token provided",
                    ["A DPoP-bound access token must be sent with the DPoP scheme."],
                )
            proof = self._verify_proof(
                headers.get("dpop"), method, url, access_token=value.strip(), jkt=token.jkt
            )
            if isinstance(proof, OAuthFailure):
                return proof
        app = self.app(token.client_id)
        roles = frozenset(app.roles if app else ())
        scope = required_scope(route_key)
        path = route_key.partition(" ")[2]
        if scope and scope not in token.scopes:
            return _okta_error(
                403,
                "E0000006",
                FORBIDDEN,
                [f"The access token provided does not contain the required scope: {scope}"],
                **{"www-authenticate": WWW_INSUFFICIENT_SCOPE.format(scope=scope, path=path)},
            )
        if not roles_allow(roles, route_key):
            return _okta_error(
                403,
                "E0000006",
                FORBIDDEN,
                [f"The service app {token.client_id} has no admin role that allows {route_key}"],
            )
        self._count_api_call()
        return Principal(client_id=token.client_id, scopes=token.scopes, roles=roles)

    def _count_api_call(self) -> None:
        with self._lock:
            self.api_calls += 1
            count = self.api_calls
        if self.rotate_nonce_every and count % self.rotate_nonce_every == 0:
            self.rotate_nonce()
        if self.expire_tokens_every and count % self.expire_tokens_every == 0:
            self.expire_tokens()


def _replace_expiry(token: IssuedToken, expires_at: float) -> IssuedToken:
    return replace(token, expires_at=expires_at)


def _pick_key(jwks: list[dict[str, Any]], kid: object) -> dict[str, Any] | None:
    if isinstance(kid, str):
        return next((k for k in jwks if k.get("kid") == kid), None)
    return jwks[0] if len(jwks) == 1 else None  # without kid, only an unambiguous key


def public_jwk_from(text: str) -> dict[str, Any]:
    """A service app's public key, from a PEM (`BEGIN PUBLIC KEY`) or a public JWK, as the
    JWK the registry keeps (kid: the JWK's own, else its RFC 7638 thumbprint). ValueError
    (says what is wrong, never the key) for a private key, a certificate or anything else."""
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    text = text.strip()
    if "PRIVATE KEY" in text or '"d"' in text.replace(" ", ""):
        raise ValueError("holds a private key; register the public half only.")
    kid: str | None = None
    key: Any = None
    if text.startswith("{"):
        try:
            jwk = json.loads(text)
            if isinstance(jwk, dict) and isinstance(jwk.get("keys"), list) and jwk["keys"]:
                jwk = jwk["keys"][0]
            kid = jwk.get("kid") if isinstance(jwk.get("kid"), str) else None
            key = jwt_key_from_jwk(jwk)
        except Exception:  # json, PyJWT: the message below says enough
            key = None
    elif "BEGIN PUBLIC KEY" in text:
        try:
            key = load_pem_public_key(text.encode())
        except Exception:
            key = None
    if isinstance(key, rsa.RSAPublicKey) and key.key_size >= 2048:
        alg = "RS256"
    elif isinstance(key, ec.EllipticCurvePublicKey) and key.curve.name == "secp256r1":
        alg = "ES256"
    else:
        raise ValueError("is not an RSA (2048 bits or more) or EC P-256 public key (PEM or JWK).")
    public = _jwk_of(key)
    return {**public, "kid": kid or jwk_thumbprint(public), "alg": alg, "use": "sig"}


def jwt_key_from_jwk(jwk: dict[str, Any]) -> Any:
    from jwt.algorithms import ECAlgorithm, RSAAlgorithm

    loader = RSAAlgorithm if jwk.get("kty") == "RSA" else ECAlgorithm
    return loader.from_jwk(jwk)


def generate_key_pair(alg: str) -> tuple[str, dict[str, Any]]:
    """(private key PEM, public JWK) for RS256 (RSA 2048) or ES256 (P-256)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    if alg == "RS256":
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    elif alg == "ES256":
        key = ec.generate_private_key(ec.SECP256R1())
    else:
        raise ValueError(f"unsupported algorithm {alg}")
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return pem, _jwk_of(key.public_key())


def _jwk_of(key: Any) -> dict[str, Any]:
    """A cryptography key (private or public, RSA or EC) as a JWK dict."""
    from cryptography.hazmat.primitives.asymmetric import rsa
    from jwt.algorithms import ECAlgorithm, RSAAlgorithm

    if isinstance(key, rsa.RSAPrivateKey | rsa.RSAPublicKey):
        return dict(RSAAlgorithm.to_jwk(key, as_dict=True))
    return dict(ECAlgorithm.to_jwk(key, as_dict=True))


# -- aiohttp glue ----------------------------------------------------------------------------

REGISTRY_KEY: web.AppKey[OAuthRegistry] = web.AppKey("oauth_registry", OAuthRegistry)


def request_url(request: web.Request) -> str:
    """The URL the client addressed (for aud and htu): scheme, host, port and path."""
    return f"{request.scheme}://{request.host}{request.path}"


async def _token_handler(request: web.Request) -> web.Response:
    registry = request.app[REGISTRY_KEY]
    form = {k: str(v) for k, v in (await request.post()).items()}
    status, body, headers = registry.issue(form, request.headers.get("DPoP"), request_url(request))
    headers = {"x-okta-request-id": ids.request_id(), "Cache-Control": "no-store", **headers}
    return web.json_response(body, status=status, headers=headers)


def add_oauth_routes(app: web.Application, registry: OAuthRegistry) -> None:
    """Mount `POST /oauth2/v1/token` on the sandbox's aiohttp app."""
    app[REGISTRY_KEY] = registry
    app.router.add_post(TOKEN_PATH, _token_handler)


def uses_oauth(request: web.Request) -> bool:
    """True when the request carries an OAuth access token (not an SSWS API token)."""
    return request.headers.get("Authorization", "").startswith(("Bearer ", "DPoP "))


def authenticate_request(
    request: web.Request, route_key: str, registry: OAuthRegistry
) -> Principal | web.Response:
    """The per-request check for Management API routes: a Principal, or the error response."""
    headers = {k.lower(): v for k, v in request.headers.items()}
    result = registry.authenticate(request.method, request_url(request), headers, route_key)
    return result.to_response() if isinstance(result, OAuthFailure) else result

"""A test sign-in through the Upflow app: the org authorization server, seen as Upflow sees it.

The OIDC authorization code flow (`https://{org}/oauth2/v1/*`) with the app's own client id and
client secret, so the result is what Upflow will receive:
- endpoints from the discovery document only, each on the org's own origin (`oidc_urls`);
- the authorization URL with `state`, `nonce` and PKCE (S256; Okta checks a challenge it was
  sent even when the app does not require PKCE), scopes `openid email profile`;
- the code exchanged at the token endpoint with client_secret_basic, sent once (a code is
  single-use: a retry after a server error could only be refused);
- the ID token verified by PyJWT with the keys of `jwks_uri`: RS256, `iss` the issuer Upflow is
  given, `aud` the client id, `exp`/`iat` with a small leeway, and the `nonce`;
- `/oauth2/v1/userinfo` with the access token for the full claim set (the org authorization
  server's ID token carries only some of the profile claims).

The code and the tokens are `Secret`s from the moment they arrive: never in a message, a log or
a `repr`. Claim values and Okta's error texts are made safe to show (`textsafe.visible`) here,
where they enter.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from okta_wizard.okta.errors import ErrorKind, OktaError
from okta_wizard.okta.oidc_urls import on_org_origin
from okta_wizard.secret import Secret
from okta_wizard.textsafe import visible

if TYPE_CHECKING:
    from okta_wizard.okta.models import Discovery
    from okta_wizard.okta.retry import RawResponse
    from okta_wizard.okta.transport import Transport
    from okta_wizard.orgurl import OrgUrl

SCOPES = ("openid", "email", "profile")
ID_TOKEN_ALG = "RS256"  # the org authorization server signs with RS256 only
LEEWAY_S = 60  # clock difference tolerated on exp and iat
MAX_CLAIM_CHARS = 256
# Every 4xx is an answer to read (invalid_client, invalid_grant...); 429 is waited out.
_ANSWERS = frozenset(range(400, 500)) - {429}


@dataclass(frozen=True)
class SignInEndpoints:
    """The four endpoints of the flow, from discovery, each checked to be on the org."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str


def sign_in_endpoints(discovery: Discovery, org_url: OrgUrl) -> SignInEndpoints:
    """The flow's endpoints as discovery names them; refused when one is missing or is not on
    the org's origin (nothing is sent anywhere else)."""
    named = {
        "authorization endpoint": discovery.authorization_endpoint,
        "token endpoint": discovery.token_endpoint,
        "jwks_uri": discovery.jwks_uri,
        "userinfo endpoint": discovery.userinfo_endpoint,
    }
    missing = [what for what, url in named.items() if not url]
    if missing:
        raise OktaError(
            ErrorKind.UNAVAILABLE,
            f"Okta's discovery document names no {', '.join(missing)}; the test sign-in cannot "
            "run without them (they are never built by hand).",
            remedy="Run the test again; if it persists, report it with the org URL.",
        )
    for what, url in named.items():
        on_org_origin(org_url, url, what=f"the {what}")
    return SignInEndpoints(
        issuer=discovery.issuer,
        authorization_endpoint=discovery.authorization_endpoint,
        token_endpoint=discovery.token_endpoint,
        jwks_uri=discovery.jwks_uri,
        userinfo_endpoint=discovery.userinfo_endpoint,
    )


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


@dataclass(frozen=True)
class Pkce:
    """RFC 7636: the verifier stays in this process; only the S256 challenge is sent."""

    verifier: Secret
    challenge: str

    @classmethod
    def new(cls) -> Pkce:
        verifier = secrets.token_urlsafe(64)  # 86 characters of [A-Za-z0-9_-]
        challenge = b64url(hashlib.sha256(verifier.encode("ascii")).digest())
        return cls(Secret(verifier), challenge)


@dataclass(frozen=True)
class AuthorizationRequest:
    client_id: str
    redirect_uri: str
    state: str
    nonce: str
    code_challenge: str
    prompt_login: bool = False
    login_hint: str | None = None


def authorization_url(endpoints: SignInEndpoints, request: AuthorizationRequest) -> str:
    """The URL the browser opens. It carries nothing secret: state and nonce only protect
    this one flow, and the PKCE verifier never leaves the process."""
    params = {
        "client_id": request.client_id,
        "response_type": "code",
        "scope": " ".join(SCOPES),
        "redirect_uri": request.redirect_uri,
        "state": request.state,
        "nonce": request.nonce,
        "code_challenge": request.code_challenge,
        "code_challenge_method": "S256",
    }
    if request.prompt_login:
        params["prompt"] = "login"
    if request.login_hint:
        params["login_hint"] = request.login_hint
    separator = "&" if "?" in endpoints.authorization_endpoint else "?"
    return endpoints.authorization_endpoint + separator + urlencode(params)


@dataclass(frozen=True)
class Tokens:
    id_token: Secret
    access_token: Secret


@dataclass(frozen=True)
class OidcRefusal:
    """An OAuth error answer: `{"error", "error_description"}`, made safe to show."""

    status: int
    error: str
    description: str


def _refusal(response: RawResponse) -> OidcRefusal:
    body = response.json()
    error = description = ""
    if isinstance(body, dict):
        error = _text(body.get("error")) or _text(body.get("errorCode"))
        description = _text(body.get("error_description")) or _text(body.get("errorSummary"))
    return OidcRefusal(response.status, error or f"HTTP {response.status}", description)


def _text(value: object, limit: int = 300) -> str:
    return visible(value)[:limit] if isinstance(value, str) else ""


class OidcClient:
    """The calls of one test sign-in, through the gateway's transport (retries, call counts,
    errors without requests in them)."""

    def __init__(self, transport: Transport, endpoints: SignInEndpoints) -> None:
        self._http = transport
        self.endpoints = endpoints

    async def exchange_code(
        self,
        *,
        client_id: str,
        client_secret: Secret,
        code: Secret,
        redirect_uri: str,
        verifier: Secret,
    ) -> Tokens | OidcRefusal:
        """`POST /oauth2/v1/token` (client_secret_basic). Sent once: the code is single-use."""
        response = await self._http.oidc(
            "POST",
            self.endpoints.token_endpoint,
            route="/oauth2/v1/token",
            action="exchange the authorization code",
            form={
                "grant_type": "authorization_code",
                "code": code.reveal(),
                "redirect_uri": redirect_uri,
                "code_verifier": verifier.reveal(),
            },
            auth=(client_id, client_secret.reveal()),
            accept=_ANSWERS,
            retry_server_errors=False,
        )
        if response.status != 200:
            return _refusal(response)
        body = response.json()
        id_token = body.get("id_token") if isinstance(body, dict) else None
        access_token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(id_token, str) or not isinstance(access_token, str):
            return OidcRefusal(200, "no_tokens", "the answer held no ID token or access token")
        return Tokens(Secret(id_token), Secret(access_token))

    async def signing_keys(self) -> dict[str, Any]:
        """The org's JWKS (`jwks_uri`), fetched for this test (a new key is seen at once)."""
        response = await self._http.oidc(
            "GET",
            self.endpoints.jwks_uri,
            route="/oauth2/v1/keys",
            action="read the org's signing keys",
        )
        body = response.json()
        if not isinstance(body, dict) or not isinstance(body.get("keys"), list):
            raise OktaError(
                ErrorKind.UNAVAILABLE,
                "Okta's signing keys (jwks_uri) could not be read: the answer is not a JWKS.",
                remedy="Run the test again; if it persists, report it.",
                status=response.status,
            )
        return body

    async def userinfo(self, access_token: Secret) -> dict[str, Any] | OidcRefusal:
        """`GET /oauth2/v1/userinfo` with the access token: the user's full claim set."""
        response = await self._http.oidc(
            "GET",
            self.endpoints.userinfo_endpoint,
            route="/oauth2/v1/userinfo",
            action="read the signed-in user's claims",
            headers={"Authorization": f"Bearer {access_token.reveal()}"},
            accept=_ANSWERS,
        )
        if response.status != 200:
            return _refusal(response)
        body = response.json()
        if not isinstance(body, dict):
            return OidcRefusal(200, "not_json", "the userinfo answer is not a JSON object")
        return body


class IdTokenRejected(Exception):
    """The ID token failed verification; `reason` says which check, never the token."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def verify_id_token(
    id_token: Secret,
    jwks: dict[str, Any],
    *,
    issuer: str,
    client_id: str,
    nonce: str,
    leeway: float = LEEWAY_S,
) -> dict[str, Any]:
    """The verified claims of the ID token, checked as Upflow checks them; else
    `IdTokenRejected` naming the check that failed."""
    import jwt

    token = id_token.reveal()
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise IdTokenRejected("it is not a signed JWT") from None
    alg = header.get("alg")
    if alg != ID_TOKEN_ALG:
        raise IdTokenRejected(f"it is signed with {_text(str(alg), 20)}, not {ID_TOKEN_ALG}")
    kid = header.get("kid")
    key = _signing_key(jwks, kid)
    if key is None:
        shown = _text(kid, 60) if isinstance(kid, str) else "none"
        raise IdTokenRejected(
            f"it is signed with a key (kid {shown}) that is not among the org's signing keys "
            "(jwks_uri)"
        )
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=[ID_TOKEN_ALG],
            audience=client_id,
            issuer=issuer,
            leeway=leeway,
            options={"require": ["iss", "aud", "exp", "iat", "sub", "nonce"]},
        )
    except jwt.InvalidSignatureError:
        raise IdTokenRejected("its signature does not verify with the org's key") from None
    except jwt.ExpiredSignatureError:
        raise IdTokenRejected("it has expired (exp; check this machine's clock)") from None
    except jwt.ImmatureSignatureError:
        raise IdTokenRejected("it is issued in the future (iat; check the clock)") from None
    except jwt.InvalidIssuerError:
        raise IdTokenRejected(f"its issuer (iss) is not {issuer}") from None
    except jwt.InvalidAudienceError:
        raise IdTokenRejected(f"its audience (aud) is not the client id {client_id}") from None
    except jwt.MissingRequiredClaimError as exc:
        raise IdTokenRejected(f"it has no {_text(exc.claim, 20)} claim") from None
    except jwt.PyJWTError as exc:
        raise IdTokenRejected(f"it is malformed ({type(exc).__name__})") from None
    sent = claims.get("nonce")
    if not isinstance(sent, str) or not hmac.compare_digest(sent.encode(), nonce.encode()):
        raise IdTokenRejected("its nonce is not the one this test sent (a replayed token)")
    return claims


def _signing_key(jwks: dict[str, Any], kid: object) -> Any:
    """The RSA signing key with this `kid` from the JWKS, as a key PyJWT verifies with."""
    import jwt

    if not isinstance(kid, str):
        return None
    for jwk in jwks.get("keys", []):
        if not isinstance(jwk, dict) or jwk.get("kid") != kid or jwk.get("kty") != "RSA":
            continue
        if jwk.get("use", "sig") != "sig" or jwk.get("alg", ID_TOKEN_ALG) != ID_TOKEN_ALG:
            continue
        try:
            return jwt.PyJWK(jwk, algorithm=ID_TOKEN_ALG).key
        except jwt.PyJWTError:
            return None
    return None


@dataclass(frozen=True)
class SignedInUser:
    """What Upflow will see of the user: the claims it reads, safe to show."""

    sub: str
    email: str
    email_verified: bool | None
    name: str
    preferred_username: str

    @property
    def email_domain(self) -> str:
        return self.email.rpartition("@")[2].lower() if "@" in self.email else ""


def signed_in_user(id_claims: dict[str, Any], userinfo: dict[str, Any]) -> SignedInUser:
    """The ID token's claims completed by userinfo's (the full set); text made safe to show."""
    merged = {**id_claims, **userinfo}
    verified = merged.get("email_verified")
    return SignedInUser(
        sub=_text(merged.get("sub"), MAX_CLAIM_CHARS),
        email=_text(merged.get("email"), MAX_CLAIM_CHARS),
        email_verified=verified if isinstance(verified, bool) else None,
        name=_text(merged.get("name"), MAX_CLAIM_CHARS),
        preferred_username=_text(merged.get("preferred_username"), MAX_CLAIM_CHARS),
    )


# -- the app's sign-in redirect URIs, changed in the app's full JSON (read-modify-write)


def redirect_uris_in(app_json: object) -> list[str] | None:
    """`settings.oauthClient.redirect_uris` of an app as Okta sent it; None if it has none."""
    settings = app_json.get("settings") if isinstance(app_json, dict) else None
    oauth = settings.get("oauthClient") if isinstance(settings, dict) else None
    uris = oauth.get("redirect_uris") if isinstance(oauth, dict) else None
    if not isinstance(uris, list) or not all(isinstance(u, str) for u in uris):
        return None
    return list(uris)


def with_redirect_uris(app_json: dict[str, Any], uris: list[str]) -> dict[str, Any]:
    """The same app JSON with only its sign-in redirect URIs replaced: every other field
    (sign-out URIs, settings the wizard does not own) goes back exactly as Okta sent it."""
    body = dict(app_json)
    settings = dict(body["settings"])
    oauth = dict(settings["oauthClient"])
    oauth["redirect_uris"] = list(uris)
    settings["oauthClient"] = oauth
    body["settings"] = settings
    return body

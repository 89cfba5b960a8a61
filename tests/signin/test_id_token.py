"""ID token verification as Upflow does it, and the rule that endpoints stay on the org.

Tokens are signed by the sandbox's own signer (cryptography, not PyJWT); each check is shown to
refuse a token that breaks only it.
"""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest

from okta_wizard.errors import ExitCode
from okta_wizard.okta.errors import OktaError
from okta_wizard.okta.models import Discovery
from okta_wizard.okta.oidc import (
    IdTokenRejected,
    SignedInUser,
    sign_in_endpoints,
    signed_in_user,
    verify_id_token,
)
from okta_wizard.okta.oidc_urls import on_org_origin, origin_of
from okta_wizard.orgurl import parse_org_url
from okta_wizard.sandbox.oidc import SigningKey, _new_key
from okta_wizard.secret import Secret

ISSUER = "https://acme.okta.com"
CLIENT = "0oaUPFLOW"
NONCE = "the-nonce"
KEY = _new_key()
OTHER = _new_key()
JWKS = {"keys": [KEY.public_jwk(), _new_key().public_jwk()]}


def _claims(**changes: Any) -> dict[str, Any]:
    now = int(time.time())
    claims: dict[str, Any] = {
        "sub": "00uFIONA",
        "ver": 1,
        "iss": ISSUER,
        "aud": CLIENT,
        "iat": now,
        "exp": now + 3600,
        "nonce": NONCE,
        "email": "fiona@acme.com",
    }
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def _verify(token: str) -> dict[str, Any]:
    return verify_id_token(Secret(token), JWKS, issuer=ISSUER, client_id=CLIENT, nonce=NONCE)


def test_a_good_token_verifies() -> None:
    assert _verify(KEY.sign(_claims()))["sub"] == "00uFIONA"


def test_a_small_clock_difference_is_tolerated() -> None:
    now = int(time.time())
    assert _verify(KEY.sign(_claims(iat=now + 30, exp=now - 30)))["sub"] == "00uFIONA"


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        (lambda: KEY.sign(_claims(iss="https://evil.okta.com")), "issuer"),
        (lambda: KEY.sign(_claims(iss=ISSUER + "/")), "issuer"),
        (lambda: KEY.sign(_claims(aud="0oaOTHER")), "audience"),
        (lambda: KEY.sign(_claims(exp=int(time.time()) - 300)), "expired"),
        (lambda: KEY.sign(_claims(iat=int(time.time()) + 600)), "future"),
        (lambda: KEY.sign(_claims(nonce="another")), "nonce"),
        (lambda: KEY.sign(_claims(nonce=None)), "no nonce claim"),
        (lambda: KEY.sign(_claims(sub=None)), "no sub claim"),
        (lambda: OTHER.sign(_claims()), "not among the org's signing keys"),
        (lambda: SigningKey(KEY.kid, OTHER.private_key).sign(_claims()), "signature"),
        (lambda: jwt.encode(_claims(), "k" * 32, algorithm="HS256"), "HS256, not RS256"),
        (lambda: jwt.encode(_claims(), None, algorithm="none"), "none, not RS256"),
        (lambda: "not.a.jwt", "not a signed JWT"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_each_check_refuses_the_token_that_breaks_it(token: Any, reason: str) -> None:
    raw = token()
    with pytest.raises(IdTokenRejected) as caught:
        _verify(raw)
    assert reason in caught.value.reason
    assert raw not in str(caught.value)


def test_userinfo_completes_the_claims_and_text_is_made_safe() -> None:
    user = signed_in_user(
        {"sub": "00u1", "name": "Old"},
        {"sub": "00u1", "name": "Eve\x1b[2J", "email": "eve@acme.com", "email_verified": False},
    )
    assert user == SignedInUser("00u1", "eve@acme.com", False, "Eve\\x1b[2J", "")
    assert user.email_domain == "acme.com"


ORG = parse_org_url("https://acme.okta.com")


@pytest.mark.parametrize(
    "url",
    [
        "https://acme.okta.com/oauth2/v1/token",
        "https://ACME.okta.com:443/oauth2/v1/token",
    ],
)
def test_an_endpoint_on_the_org_passes(url: str) -> None:
    assert on_org_origin(ORG, url, what="the token endpoint") == url


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example.com/oauth2/v1/token",
        "https://acme.okta.com.evil.example.com/oauth2/v1/token",
        "http://acme.okta.com/oauth2/v1/token",
        "https://acme.okta.com:8443/oauth2/v1/token",
        "https://user:pw@acme.okta.com/oauth2/v1/token",
        "https://acme.okta.com/oauth2/v1/token#frag",
        "//acme.okta.com/oauth2/v1/token",
        "/oauth2/v1/token",
        "",
    ],
)
def test_an_endpoint_elsewhere_is_refused_before_anything_is_sent(url: str) -> None:
    with pytest.raises(OktaError) as caught:
        on_org_origin(ORG, url, what="the token endpoint")
    assert caught.value.exit_code == ExitCode.UNEXPECTED  # FOREIGN_URL: exit 1
    assert "nothing was sent" in caught.value.message
    assert "@" not in caught.value.message  # never echoes credentials


def test_origin_of_normalizes_like_the_org_url() -> None:
    assert origin_of("https://Acme.Okta.com:443/x") == "https://acme.okta.com"
    assert origin_of("http://127.0.0.1:8443/x") == "http://127.0.0.1:8443"
    assert origin_of("ftp://acme.okta.com/") is None


def _discovery(**changes: str) -> Discovery:
    base = "https://acme.okta.com/oauth2/v1"
    fields = {
        "issuer": ISSUER,
        "authorization_endpoint": f"{base}/authorize",
        "token_endpoint": f"{base}/token",
        "introspection_endpoint": f"{base}/introspect",
        "jwks_uri": f"{base}/keys",
        "userinfo_endpoint": f"{base}/userinfo",
        **changes,
    }
    return Discovery(**fields)


def test_every_endpoint_of_the_flow_is_checked() -> None:
    assert sign_in_endpoints(_discovery(), ORG).jwks_uri.endswith("/keys")
    for name in ("authorization_endpoint", "token_endpoint", "jwks_uri", "userinfo_endpoint"):
        with pytest.raises(OktaError, match="which is not the org"):
            sign_in_endpoints(_discovery(**{name: "https://evil.example.com/x"}), ORG)
        with pytest.raises(OktaError, match="names no"):
            sign_in_endpoints(_discovery(**{name: ""}), ORG)

"""The sandbox's authorization server, against hand-made assertions and the okta SDK's own
OAuth client (an independent implementation of private_key_jwt and DPoP)."""

from __future__ import annotations

import base64
import json
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest

from okta_wizard.sandbox.oauth import (
    ASSERTION_TYPE,
    GeneratedServiceApp,
    jwk_thumbprint,
    required_scope,
    token_hash,
)
from tests.oauth.conftest import AuthServer

SCOPES = "okta.apps.read okta.apps.manage okta.groups.read"


def assertion(
    gen: GeneratedServiceApp,
    aud: str,
    *,
    exp_in: int = 300,
    jti: str | None = None,
    key_pem: str | None = None,
    kid: str | None = "same",
    iss: str | None = None,
) -> str:
    now = int(time.time())
    claims = {
        "iss": iss or gen.client_id,
        "sub": gen.client_id,
        "aud": aud,
        "iat": now,
        "exp": now + exp_in,
        "jti": jti or str(uuid.uuid4()),
    }
    headers = {"kid": gen.kid if kid == "same" else kid} if kid else {}
    return jwt.encode(claims, key_pem or gen.private_key_pem.reveal(), gen.alg, headers)


async def token_call(
    server: AuthServer, client_assertion: str, scope: str = SCOPES, dpop: str | None = None
) -> httpx.Response:
    form = {
        "grant_type": "client_credentials",
        "scope": scope,
        "client_assertion_type": ASSERTION_TYPE,
        "client_assertion": client_assertion,
    }
    headers = {"DPoP": dpop} if dpop else {}
    async with httpx.AsyncClient() as client:
        return await client.post(server.token_url, data=form, headers=headers)


def test_route_scopes_follow_the_openapi_security_entries() -> None:
    assert required_scope("GET /api/v1/apps") == "okta.apps.read"
    assert required_scope("GET /api/v1/apps/{id}/credentials/secrets") == "okta.apps.read"
    assert required_scope("POST /api/v1/apps") == "okta.apps.manage"
    assert required_scope("PUT /api/v1/apps/{id}/groups/{groupId}") == "okta.apps.manage"
    assert required_scope("GET /api/v1/groups") == "okta.groups.read"
    assert required_scope("GET /api/v1/users/{id}") == "okta.users.read"
    assert required_scope("GET /api/v1/users/{id}/roles") == "okta.roles.read"
    assert required_scope("GET /api/v1/org") == "okta.orgs.read"
    assert required_scope("GET /.well-known/okta-organization") is None


@pytest.mark.parametrize("alg", ["RS256", "ES256"])
async def test_valid_assertion_gets_a_bearer_token_that_opens_the_api(
    auth_server: AuthServer, alg: str
) -> None:
    gen = auth_server.registry.register_generated(alg=alg)
    answer = await token_call(auth_server, assertion(gen, auth_server.token_url))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert body["scope"] == SCOPES  # echoed in the order asked for, as Okta does
    async with httpx.AsyncClient() as client:
        api = await client.get(
            auth_server.base_url + "/api/v1/apps",
            headers={"Authorization": f"Bearer {body['access_token']}"},
        )
    assert api.status_code == 200 and api.json()["client_id"] == gen.client_id


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("wrong key", "signature is invalid"),
        ("expired", "expired"),
        ("too far", "too far into the future"),
        ("wrong aud", "audience claim"),
        ("iss differs", "invalid"),
        ("unknown kid", "kid which does not match"),
        ("unknown client", "client_id"),
    ],
)
async def test_bad_assertions_are_refused_as_invalid_client(
    auth_server: AuthServer, case: str, expected: str
) -> None:
    gen = auth_server.registry.register_generated()
    other = auth_server.registry.register_generated()
    aud = auth_server.token_url
    made = {
        "wrong key": lambda: assertion(gen, aud, key_pem=other.private_key_pem.reveal()),
        "expired": lambda: assertion(gen, aud, exp_in=-5),
        "too far": lambda: assertion(gen, aud, exp_in=7200),
        "wrong aud": lambda: assertion(gen, auth_server.base_url + "/oauth2/default/v1/token"),
        "iss differs": lambda: assertion(gen, aud, iss="0oaSomeoneElse"),
        "unknown kid": lambda: assertion(gen, aud, kid="not-registered"),
        "unknown client": lambda: jwt.encode(
            {
                "iss": "0oaNobody",
                "sub": "0oaNobody",
                "aud": aud,
                "exp": int(time.time()) + 60,
                "jti": "x",
            },
            gen.private_key_pem.reveal(),
            "RS256",
        ),
    }[case]()
    answer = await token_call(auth_server, made)
    assert answer.status_code == 401
    assert answer.json()["error"] == "invalid_client"
    assert expected in answer.json()["error_description"]


async def test_a_replayed_assertion_is_refused(auth_server: AuthServer) -> None:
    gen = auth_server.registry.register_generated()
    same = assertion(gen, auth_server.token_url)
    assert (await token_call(auth_server, same)).status_code == 200
    again = await token_call(auth_server, same)
    assert again.status_code == 401
    assert "already been used" in again.json()["error_description"]


async def test_unsigned_and_hmac_assertions_are_refused(auth_server: AuthServer) -> None:
    gen = auth_server.registry.register_generated()
    claims = {
        "iss": gen.client_id,
        "sub": gen.client_id,
        "aud": auth_server.token_url,
        "exp": int(time.time()) + 60,
        "jti": "j1",
    }
    unsigned = jwt.encode(claims, None, "none")
    hmac_signed = jwt.encode({**claims, "jti": "j2"}, "a-shared-secret-of-32-bytes-long!", "HS256")
    for made in (unsigned, hmac_signed):
        answer = await token_call(auth_server, made)
        assert answer.status_code == 401 and answer.json()["error"] == "invalid_client"


async def test_a_scope_not_granted_is_invalid_scope_naming_it(auth_server: AuthServer) -> None:
    gen = auth_server.registry.register_generated(scopes=["okta.apps.read", "okta.groups.read"])
    answer = await token_call(auth_server, assertion(gen, auth_server.token_url))
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_scope"
    assert "okta.apps.manage" in answer.json()["error_description"]


async def _bearer(server: AuthServer, gen: GeneratedServiceApp, scope: str = SCOPES) -> str:
    answer = await token_call(server, assertion(gen, server.token_url), scope=scope)
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


async def test_a_token_without_the_route_scope_gets_403_naming_the_scope(
    auth_server: AuthServer,
) -> None:
    gen = auth_server.registry.register_generated()
    token = await _bearer(auth_server, gen, scope="okta.apps.read okta.apps.manage")
    async with httpx.AsyncClient() as client:
        answer = await client.get(
            auth_server.base_url + "/api/v1/groups", headers={"Authorization": f"Bearer {token}"}
        )
    assert answer.status_code == 403
    assert answer.json()["errorCode"] == "E0000006"
    www = answer.headers["www-authenticate"]
    assert 'error="insufficient_scope"' in www and 'scope="okta.groups.read"' in www


@pytest.mark.parametrize(
    ("roles", "method", "status"),
    [
        ((), "GET", 403),
        (("ORG_ADMIN",), "GET", 200),
        (("ORG_ADMIN",), "POST", 403),
        (("APP_ADMIN",), "POST", 200),
        (("SUPER_ADMIN",), "POST", 200),
    ],
)
async def test_admin_roles_gate_the_api(
    auth_server: AuthServer, roles: tuple[str, ...], method: str, status: int
) -> None:
    gen = auth_server.registry.register_generated(roles=roles)
    token = await _bearer(auth_server, gen)
    async with httpx.AsyncClient() as client:
        answer = await client.request(
            method,
            auth_server.base_url + "/api/v1/apps",
            headers={"Authorization": f"Bearer {token}"},
        )
    assert answer.status_code == status
    if status == 403:
        assert "no admin role" in answer.json()["errorCauses"][0]["errorSummary"]
        assert "insufficient_scope" not in answer.headers.get("www-authenticate", "")


async def test_expired_unknown_or_missing_tokens_get_401_e0000011(auth_server: AuthServer) -> None:
    gen = auth_server.registry.register_generated()
    token = await _bearer(auth_server, gen)
    assert auth_server.registry.expire_tokens(gen.client_id) == 1
    async with httpx.AsyncClient() as client:
        for header in (f"Bearer {token}", "Bearer not-a-token", "", f"SSWS {token}"):
            answer = await client.get(
                auth_server.base_url + "/api/v1/apps", headers={"Authorization": header}
            )
            assert answer.status_code == 401, header
            assert answer.json()["errorCode"] == "E0000011"


# -- DPoP --------------------------------------------------------------------------------------


def _dpop_proof(key_pem: str, jwk: dict[str, Any], method: str, url: str, **extra: Any) -> str:
    claims = {"jti": str(uuid.uuid4()), "htm": method, "htu": url, "iat": int(time.time()), **extra}
    return jwt.encode(claims, key_pem, "ES256", {"typ": "dpop+jwt", "jwk": jwk})


@pytest.fixture
def dpop_key() -> tuple[str, dict[str, Any]]:
    from okta_wizard.sandbox.oauth import generate_key_pair

    return generate_key_pair("ES256")


async def test_dpop_nonce_dance_then_bound_token_with_ath(
    auth_server: AuthServer, dpop_key: tuple[str, dict[str, Any]]
) -> None:
    pem, jwk = dpop_key
    gen = auth_server.registry.register_generated(require_dpop=True)
    url = auth_server.token_url
    # No proof at all: the app requires DPoP.
    first = await token_call(auth_server, assertion(gen, url))
    assert first.status_code == 400 and first.json()["error"] == "invalid_dpop_proof"
    # A proof without nonce: 400 use_dpop_nonce and the nonce to use.
    second = await token_call(
        auth_server, assertion(gen, url), dpop=_dpop_proof(pem, jwk, "POST", url)
    )
    assert second.status_code == 400 and second.json()["error"] == "use_dpop_nonce"
    nonce = second.headers["dpop-nonce"]
    # The assertion's jti was consumed by the challenge: the client must sign a new one.
    third = await token_call(
        auth_server, assertion(gen, url), dpop=_dpop_proof(pem, jwk, "POST", url, nonce=nonce)
    )
    assert third.status_code == 200, third.text
    assert third.json()["token_type"] == "DPoP"
    token = third.json()["access_token"]
    api_url = auth_server.base_url + "/api/v1/apps"
    async with httpx.AsyncClient() as client:
        ok = await client.get(
            api_url,
            headers={
                "Authorization": f"DPoP {token}",
                "DPoP": _dpop_proof(pem, jwk, "GET", api_url, nonce=nonce, ath=token_hash(token)),
            },
        )
        assert ok.status_code == 200, ok.text
        as_bearer = await client.get(api_url, headers={"Authorization": f"Bearer {token}"})
        assert as_bearer.status_code == 401
        no_ath = await client.get(
            api_url,
            headers={
                "Authorization": f"DPoP {token}",
                "DPoP": _dpop_proof(pem, jwk, "GET", api_url, nonce=nonce),
            },
        )
        assert no_ath.status_code == 401 and no_ath.json()["error"] == "invalid_dpop_proof"
        other_pem, other_jwk = __import__(
            "okta_wizard.sandbox.oauth", fromlist=["x"]
        ).generate_key_pair("ES256")
        stolen = await client.get(
            api_url,
            headers={
                "Authorization": f"DPoP {token}",
                "DPoP": _dpop_proof(
                    other_pem, other_jwk, "GET", api_url, nonce=nonce, ath=token_hash(token)
                ),
            },
        )
        assert stolen.status_code == 401 and "bound" in stolen.json()["error_description"]
        wrong_htm = await client.get(
            api_url,
            headers={
                "Authorization": f"DPoP {token}",
                "DPoP": _dpop_proof(pem, jwk, "POST", api_url, nonce=nonce, ath=token_hash(token)),
            },
        )
        assert wrong_htm.status_code == 401
        # The nonce rotates: the old one gets 401 use_dpop_nonce with the new nonce.
        new_nonce = auth_server.registry.rotate_nonce()
        stale = await client.get(
            api_url,
            headers={
                "Authorization": f"DPoP {token}",
                "DPoP": _dpop_proof(pem, jwk, "GET", api_url, nonce=nonce, ath=token_hash(token)),
            },
        )
        assert stale.status_code == 401 and stale.json()["error"] == "use_dpop_nonce"
        assert stale.headers["dpop-nonce"] == new_nonce
    assert jwk_thumbprint(jwk)  # the token is bound to this key's thumbprint


def _sdk_executor(server: AuthServer, gen: GeneratedServiceApp, *, dpop: bool) -> Any:
    from okta.cache.no_op_cache import NoOpCache
    from okta.request_executor import RequestExecutor

    client = {
        "orgUrl": server.base_url,
        "authorizationMode": "PrivateKey",
        "clientId": gen.client_id,
        "scopes": SCOPES.split(),
        "privateKey": gen.private_key_pem.reveal(),
        "kid": gen.kid,
        "dpopEnabled": dpop,
        "oauthTokenRenewalOffset": 5,
        "requestTimeout": 10,
        "rateLimit": {"maxRetries": 0},
        "userAgent": "okta-wizard-tests",
        "cache": {"enabled": False},
        "logging": {"enabled": False},
    }
    return RequestExecutor({"client": client, "testing": {}}, NoOpCache())


@pytest.mark.parametrize("dpop", [False, True])
async def test_the_okta_sdks_own_oauth_client_signs_in(auth_server: AuthServer, dpop: bool) -> None:
    gen = auth_server.registry.register_generated(require_dpop=dpop)
    executor = _sdk_executor(auth_server, gen, dpop=dpop)
    request, err = await executor.create_request("GET", auth_server.base_url + "/api/v1/apps")
    assert err is None, err
    _, response, text, err = await executor.fire_request(request)
    assert response.status == 200, text
    assert json.loads(text)["client_id"] == gen.client_id
    token_type = executor._oauth.get_current_token()[1]
    assert token_type == ("DPoP" if dpop else "Bearer")
    # DPoP: one challenge then success (plus the 200); Bearer: one call.
    assert auth_server.registry.token_requests == (2 if dpop else 1)


def test_private_jwk_round_trips_to_the_same_key(tmp_path: Path) -> None:
    from okta_wizard.sandbox.oauth import OAuthRegistry

    gen = OAuthRegistry().register_generated(alg="ES256")
    jwk = json.loads(gen.private_jwk().reveal())
    assert jwk["kid"] == gen.kid and "d" in jwk
    assert base64.urlsafe_b64decode(jwk["x"] + "==")  # members are base64url
    public = {k: v for k, v in jwk.items() if k in ("kty", "crv", "x", "y")}
    assert jwk_thumbprint(public) == gen.kid

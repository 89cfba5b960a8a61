"""The client side: key files, tokens, renewal, DPoP, and errors that say what to grant."""

from __future__ import annotations

import logging
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from okta_wizard.errors import ExitCode, UsageError
from okta_wizard.okta.errors import ErrorKind, OktaError
from okta_wizard.okta.service_app import (
    ServiceAppAuth,
    load_private_key,
    management_error,
)
from okta_wizard.sandbox.oauth import GeneratedServiceApp, OAuthRegistry
from tests.leakscan import find_leaks
from tests.oauth.conftest import AuthServer, credential_for, write_key

KeyFile = Callable[[GeneratedServiceApp], Path]


def pem_body(pem: str) -> str:
    """The base64 body of a PEM: what a leak of the key would most likely look like."""
    return "".join(line for line in pem.splitlines() if not line.startswith("-----"))


# -- key files -------------------------------------------------------------------------------


@pytest.mark.parametrize("alg", ["RS256", "ES256"])
def test_pem_and_jwk_keys_load_with_their_algorithm(tmp_path: Path, alg: str) -> None:
    gen = OAuthRegistry().register_generated(alg=alg)
    pem = load_private_key(write_key(tmp_path, gen.private_key_pem.reveal()))
    assert pem.alg == alg and pem.kid is None and pem.warnings == ()
    assert pem.public_jwk() == {
        k: v for k, v in gen.app.public_jwks[0].items() if k in ("kty", "n", "e", "crv", "x", "y")
    }
    jwk = load_private_key(write_key(tmp_path, gen.private_jwk().reveal(), "key.json"))
    assert jwk.alg == alg and jwk.kid == gen.kid  # the kid comes from the JWK
    explicit = load_private_key(tmp_path / "key.json", key_id="kid-from-cli")
    assert explicit.kid == "kid-from-cli"
    for shown in (repr(pem), str(jwk)):
        assert not find_leaks([pem_body(gen.private_key_pem.reveal())], texts=[shown])
        assert "service-app.pem" in repr(pem)


def _pkcs1_rsa_1024(tmp_path: Path) -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505 (on purpose)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()


def _encrypted(pem: str) -> str:
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key(pem.encode(), None)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"passphrase"),
    ).decode()


def _public_pem(pem: str) -> str:
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key(pem.encode(), None)
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("missing", "does not exist"),
        ("folder", "is a folder"),
        ("encrypted", "encrypted with a passphrase"),
        ("public pem", "public key or certificate"),
        ("public jwk", "public JWK"),
        ("garbage", "neither a PEM private key nor a JWK"),
        ("broken pem", "not a readable PEM private key"),
        ("small rsa", "1024 bits"),
        ("json not jwk", "not an RSA or EC JWK"),
    ],
)
def test_unusable_key_files_are_usage_errors_that_say_what_to_do(
    tmp_path: Path, case: str, expected: str
) -> None:
    gen = OAuthRegistry().register_generated()
    pem = gen.private_key_pem.reveal()
    contents = {
        "encrypted": _encrypted(pem),
        "public pem": _public_pem(pem),
        "public jwk": '{"kty": "RSA", "n": "AQAB", "e": "AQAB"}',
        "garbage": "hello, this is not a key",
        "broken pem": "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
        "small rsa": _pkcs1_rsa_1024(tmp_path),
        "json not jwk": '{"client_id": "0oa1"}',
    }
    if case == "missing":
        path = tmp_path / "nope.pem"
    elif case == "folder":
        path = tmp_path
    else:
        path = write_key(tmp_path, contents[case])
    with pytest.raises(UsageError) as caught:
        load_private_key(path)
    error = caught.value
    assert error.exit_code == ExitCode.USAGE
    assert expected in error.message and str(path) in error.message
    assert error.remedy
    assert error.__cause__ is None and (error.__context__ is None or error.__suppress_context__)
    assert not find_leaks([pem_body(pem)], texts=[str(error), repr(error)])


def test_a_key_file_others_can_read_gets_a_warning(tmp_path: Path) -> None:
    gen = OAuthRegistry().register_generated()
    loose = write_key(tmp_path, gen.private_key_pem.reveal(), mode=0o644)
    warnings = load_private_key(loose).warnings
    assert len(warnings) == 1 and "chmod 600" in warnings[0]


def test_an_openssl_made_key_loads(tmp_path: Path) -> None:
    """A key as an admin would make it (`openssl genpkey`), not only as our tests do."""
    path = tmp_path / "openssl.pem"
    made = subprocess.run(
        [
            "openssl",
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
            str(path),
        ],
        capture_output=True,
    )
    if made.returncode != 0:
        pytest.skip("openssl is not installed")
    assert load_private_key(path).alg == "ES256"


# -- tokens against the authorization server -------------------------------------------------


async def _get(
    server: AuthServer, auth: ServiceAppAuth, path: str, method: str = "GET"
) -> httpx.Response:
    """What the transport does: headers, send, resend if asked, at most a few times."""
    url = server.base_url + path
    async with httpx.AsyncClient() as client:
        for _ in range(5):
            answer = await client.request(
                method, url, headers=await auth.request_headers(method, url)
            )
            headers = {k.lower(): [v] for k, v in answer.headers.items()}
            if not auth.should_resend(answer.status_code, headers, answer.text):
                return answer
    raise AssertionError("resent too often")


@pytest.mark.parametrize("alg", ["RS256", "ES256"])
async def test_bearer_token_is_cached_and_used(
    auth_server: AuthServer, key_file: KeyFile, alg: str
) -> None:
    gen = auth_server.registry.register_generated(alg=alg)
    auth = ServiceAppAuth(credential_for(gen, key_file(gen)), auth_server.org_url)
    try:
        for path in ("/api/v1/apps", "/api/v1/groups", "/api/v1/apps"):
            assert (await _get(auth_server, auth, path)).status_code == 200
        assert auth.token_requests == 1 and not auth.uses_dpop
        assert auth.actor.id == gen.client_id and auth.actor.kind == "service_app"
    finally:
        await auth.aclose()


async def test_dpop_is_switched_on_when_the_app_requires_it(
    auth_server: AuthServer, key_file: KeyFile
) -> None:
    gen = auth_server.registry.register_generated(require_dpop=True)
    auth = ServiceAppAuth(credential_for(gen, key_file(gen)), auth_server.org_url)
    try:
        assert (await _get(auth_server, auth, "/api/v1/apps")).status_code == 200
        assert auth.uses_dpop
        # Without DPoP, then a proof without nonce, then the nonce: three token requests.
        assert auth.token_requests == 3
        assert auth._state.history[:2] == ["dpop on", "token DPoP"]
        # The nonce rotates mid-run: the API call is resent once with the new nonce.
        auth_server.registry.rotate_nonce()
        assert (await _get(auth_server, auth, "/api/v1/groups")).status_code == 200
        assert auth.token_requests == 3
    finally:
        await auth.aclose()


async def test_a_token_that_dies_mid_run_is_replaced_once(
    auth_server: AuthServer, key_file: KeyFile
) -> None:
    gen = auth_server.registry.register_generated(require_dpop=True)
    auth = ServiceAppAuth(credential_for(gen, key_file(gen)), auth_server.org_url, use_dpop=True)
    try:
        assert (await _get(auth_server, auth, "/api/v1/apps")).status_code == 200
        before = auth.token_requests
        auth_server.registry.expire_tokens()
        assert (await _get(auth_server, auth, "/api/v1/apps")).status_code == 200
        assert auth.token_requests > before and "token dropped" in auth._state.history
    finally:
        await auth.aclose()


async def test_a_short_lived_token_is_renewed_before_it_expires(
    auth_server: AuthServer, key_file: KeyFile
) -> None:
    """Deterministic: the server and the client share a clock that only the test moves, so
    the token cannot die between two calls however slow the machine is."""
    now = [time.time()]
    auth_server.registry.clock = lambda: now[0]
    auth_server.registry.token_lifetime = 100
    gen = auth_server.registry.register_generated()
    auth = ServiceAppAuth(
        credential_for(gen, key_file(gen)), auth_server.org_url, clock=lambda: now[0]
    )
    try:
        assert (await _get(auth_server, auth, "/api/v1/apps")).status_code == 200
        now[0] += 89  # still fresh: renewal starts a tenth of the lifetime before expiry
        assert (await _get(auth_server, auth, "/api/v1/apps")).status_code == 200
        assert auth.token_requests == 1
        now[0] += 2  # 9 s left: renewed before Okta would refuse it
        assert (await _get(auth_server, auth, "/api/v1/apps")).status_code == 200
        assert auth.token_requests == 2
        assert "token dropped" not in auth._state.history  # renewed, never refused
    finally:
        await auth.aclose()


async def test_a_wrong_key_is_exit_3_naming_the_public_keys_tab(
    auth_server: AuthServer, key_file: KeyFile, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    gen = auth_server.registry.register_generated()
    impostor = OAuthRegistry().register_generated()
    auth = ServiceAppAuth(credential_for(gen, key_file(impostor)), auth_server.org_url)
    try:
        with pytest.raises(OktaError) as caught:
            await auth.access_token()
    finally:
        await auth.aclose()
    error = caught.value
    assert error.exit_code == ExitCode.AUTH and error.kind is ErrorKind.AUTH
    assert "signature is invalid" in error.message and gen.client_id in error.message
    assert "Public Keys" in error.remedy and "--key-id" in error.remedy
    secrets = [pem_body(impostor.private_key_pem.reveal()), impostor.private_key_pem.reveal()]
    assert not find_leaks(secrets, texts=[str(error), repr(error), repr(auth), caplog.text])


async def test_a_missing_scope_is_exit_4_naming_the_scopes_tab(
    auth_server: AuthServer, key_file: KeyFile
) -> None:
    gen = auth_server.registry.register_generated(scopes=["okta.apps.read", "okta.groups.read"])
    auth = ServiceAppAuth(credential_for(gen, key_file(gen)), auth_server.org_url)
    try:
        with pytest.raises(OktaError) as caught:
            await auth.access_token()
    finally:
        await auth.aclose()
    assert caught.value.exit_code == ExitCode.PERMISSION
    assert "okta.apps.manage" in caught.value.message
    assert "Okta API Scopes tab" in caught.value.remedy


async def test_an_unreachable_token_endpoint_is_exit_5(key_file: KeyFile, tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    from okta_wizard.orgurl import parse_org_url

    gen = OAuthRegistry().register_generated()
    auth = ServiceAppAuth(
        credential_for(gen, key_file(gen)), parse_org_url(f"http://127.0.0.1:{port}")
    )
    try:
        with pytest.raises(OktaError) as caught:
            await auth.access_token()
    finally:
        await auth.aclose()
    assert caught.value.exit_code == ExitCode.UNAVAILABLE


async def test_403s_say_which_scope_or_role_to_grant(
    auth_server: AuthServer, key_file: KeyFile
) -> None:
    no_groups = auth_server.registry.register_generated(
        scopes=["okta.apps.read", "okta.apps.manage"]
    )
    auth = ServiceAppAuth(
        credential_for(
            no_groups, key_file(no_groups), scopes=("okta.apps.read", "okta.apps.manage")
        ),
        auth_server.org_url,
    )
    try:
        answer = await _get(auth_server, auth, "/api/v1/groups")
    finally:
        await auth.aclose()
    headers = {k.lower(): [v] for k, v in answer.headers.items()}
    error = management_error(
        answer.status_code,
        answer.json(),
        headers,
        client_id=no_groups.client_id,
        action="list groups",
    )
    assert error.exit_code == ExitCode.PERMISSION
    assert "okta.groups.read" in error.message and "Okta API Scopes tab" in error.remedy

    no_role = auth_server.registry.register_generated(roles=())
    auth = ServiceAppAuth(credential_for(no_role, key_file(no_role)), auth_server.org_url)
    try:
        answer = await _get(auth_server, auth, "/api/v1/apps", "POST")
    finally:
        await auth.aclose()
    headers = {k.lower(): [v] for k, v in answer.headers.items()}
    error = management_error(
        answer.status_code,
        answer.json(),
        headers,
        client_id=no_role.client_id,
        action="create the app",
    )
    assert error.exit_code == ExitCode.PERMISSION
    assert "admin role" in error.message
    assert "Admin roles tab" in error.remedy and "Application Administrator" in error.remedy


@pytest.mark.parametrize("dpop", [False, True])
async def test_token_requests_and_api_calls_share_one_connection(
    auth_server: AuthServer, key_file: KeyFile, dpop: bool
) -> None:
    """The transport lends its httpx client to the service app's auth: one connection (for
    okta.com, one TLS handshake) carries the token requests and the API calls."""
    from collections import Counter

    from okta_wizard.okta.transport import Transport

    gen = auth_server.registry.register_generated(require_dpop=dpop)
    transport = Transport(
        auth_server.org_url,
        credential_for(gen, key_file(gen)),
        request_timeout=10.0,
        max_wait=5.0,
        calls=Counter(),
    )
    try:
        for _ in range(2):
            answer = await transport.management("GET", "/api/v1/apps", action="list apps")
            assert answer.status == 200
    finally:
        await transport.close()
    requests = [request for request, _ in auth_server.connections]
    tokens = 3 if dpop else 1  # with DPoP: no proof, then a proof without nonce, then the nonce
    assert requests == ["POST /oauth2/v1/token"] * tokens + ["GET /api/v1/apps"] * 2
    assert len({port for _, port in auth_server.connections}) == 1

"""The client's JWTs and keys, checked without the library that made them.

PyJWT signs the client assertion and the DPoP proofs; the sandbox verifies them with PyJWT too,
so here the checks are done by hand with `cryptography` (JWS compact form, RFC 7515/7518) and
with jwcrypto for thumbprints: a JWT that only PyJWT could read would fail here.
"""

from __future__ import annotations

import base64
import hashlib
import json
import traceback
import uuid
from pathlib import Path
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from okta_wizard.errors import ExitCode, UsageError
from okta_wizard.okta.service_app import (
    ASSERTION_LIFETIME,
    DPoPKey,
    client_assertion,
    jwk_thumbprint,
    load_private_key,
)
from okta_wizard.sandbox.oauth import OAuthRegistry
from okta_wizard.secret import Secret
from tests.leakscan import find_leaks
from tests.oauth.conftest import write_key

TOKEN_URL = "https://acme.okta.com/oauth2/v1/token"
NOW = 1_700_000_000

# RFC 7638 section 3.1: an RSA key and its SHA-256 thumbprint.
RFC7638_JWK = {
    "kty": "RSA",
    "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSo"
    "c_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FD"
    "W2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh"
    "6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
    "e": "AQAB",
    "alg": "RS256",
    "kid": "2011-04-29",
}
RFC7638_THUMBPRINT = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"


def b64url_decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def b64url_int(part: str) -> int:
    return int.from_bytes(b64url_decode(part), "big")


def split_jws(token: str) -> tuple[dict[str, Any], dict[str, Any], bytes, bytes]:
    """Header, claims, signature and signing input of a compact JWS."""
    header, claims, signature = token.split(".")
    return (
        json.loads(b64url_decode(header)),
        json.loads(b64url_decode(claims)),
        b64url_decode(signature),
        f"{header}.{claims}".encode(),
    )


def public_key_of(jwk: dict[str, Any]) -> Any:
    """A public JWK as a `cryptography` key, built from its numbers."""
    if jwk["kty"] == "RSA":
        return rsa.RSAPublicNumbers(b64url_int(jwk["e"]), b64url_int(jwk["n"])).public_key()
    assert jwk["crv"] == "P-256"
    numbers = ec.EllipticCurvePublicNumbers(
        b64url_int(jwk["x"]), b64url_int(jwk["y"]), ec.SECP256R1()
    )
    return numbers.public_key()


def verify(alg: str, public_key: Any, signature: bytes, signed: bytes) -> None:
    """RFC 7518: RS256 is PKCS#1 v1.5; ES256 is the raw 64-byte r||s, which ECDSA wants as DER."""
    if alg == "RS256":
        public_key.verify(signature, signed, padding.PKCS1v15(), hashes.SHA256())
        return
    assert len(signature) == 64, "ES256 must be raw r||s, not DER"
    r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    public_key.verify(encode_dss_signature(r, s), signed, ec.ECDSA(hashes.SHA256()))


@pytest.mark.parametrize("alg", ["ES256", "RS256"])
def test_a_client_assertion_verifies_with_the_registered_public_key(
    tmp_path: Path, alg: str
) -> None:
    gen = OAuthRegistry().register_generated(alg=alg)
    key = load_private_key(write_key(tmp_path, gen.private_key_pem.reveal()), gen.kid)
    token = client_assertion(key, gen.client_id, TOKEN_URL, NOW).reveal()
    header, claims, signature, signed = split_jws(token)
    assert header == {"alg": alg, "typ": "JWT", "kid": gen.kid}
    assert claims == {
        "iss": gen.client_id,
        "sub": gen.client_id,
        "aud": TOKEN_URL,
        "iat": NOW,
        "exp": NOW + ASSERTION_LIFETIME,
        "jti": claims["jti"],
    }
    uuid.UUID(claims["jti"])
    registered = public_key_of(gen.app.public_jwks[0])  # what Okta holds
    verify(alg, registered, signature, signed)
    with pytest.raises(InvalidSignature):  # the check above can fail
        verify(alg, registered, signature, signed.replace(b".", b"x", 1))


def test_a_dpop_proof_verifies_with_the_key_in_its_own_header() -> None:
    dpop = DPoPKey(clock=lambda: NOW)
    token = Secret("eyJ.access-token.value")
    url = "https://acme.okta.com/api/v1/apps?q=Upflow&limit=200#frag"
    header, claims, signature, signed = split_jws(
        dpop.proof("get", url, nonce="nonce-1", access_token=token)
    )
    assert header == {"typ": "dpop+jwt", "alg": "ES256", "jwk": header["jwk"]}
    assert sorted(header["jwk"]) == ["crv", "kty", "x", "y"]  # public members only, no "d"
    verify("ES256", public_key_of(header["jwk"]), signature, signed)
    ath = base64.urlsafe_b64encode(hashlib.sha256(b"eyJ.access-token.value").digest())
    assert claims == {
        "jti": claims["jti"],
        "htm": "GET",
        "htu": "https://acme.okta.com/api/v1/apps",  # no query, no fragment (RFC 9449 4.2)
        "iat": NOW,
        "nonce": "nonce-1",
        "ath": ath.decode().rstrip("="),
    }
    _, token_request, _, _ = split_jws(dpop.proof("POST", TOKEN_URL, nonce=None))
    assert "nonce" not in token_request and "ath" not in token_request
    assert token_request["jti"] != claims["jti"]


def test_the_thumbprint_is_rfc_7638s() -> None:
    from jwcrypto.jwk import JWK  # an independent implementation (installed with okta)

    assert jwk_thumbprint(RFC7638_JWK) == RFC7638_THUMBPRINT
    assert JWK(**RFC7638_JWK).thumbprint() == RFC7638_THUMBPRINT
    dpop = DPoPKey()
    assert dpop.thumbprint == JWK(**dpop.public_jwk).thumbprint()  # EC: crv, kty, x, y


def _tampered(value: str) -> str:
    """One base64url character changed in the middle: the key still parses as text."""
    middle = len(value) // 2
    return value[:middle] + ("B" if value[middle] == "A" else "A") + value[middle + 1 :]


@pytest.mark.parametrize("alg", ["ES256", "RS256"])
@pytest.mark.parametrize("form", ["pem", "jwk"])
def test_a_tampered_key_file_gets_the_same_clear_message(
    tmp_path: Path, alg: str, form: str
) -> None:
    gen = OAuthRegistry().register_generated(alg=alg)
    jwk = json.loads(gen.private_jwk().reveal())
    if form == "jwk":
        text = json.dumps({**jwk, "d": _tampered(jwk["d"])})
        expected = "holds a JWK whose members are not a valid private key."
    else:
        lines = gen.private_key_pem.reveal().splitlines()
        lines[len(lines) // 2] = _tampered(lines[len(lines) // 2])
        text = "\n".join(lines) + "\n"
        expected = "is not a readable PEM private key."
    path = write_key(tmp_path, text, f"tampered.{form}")
    with pytest.raises(UsageError) as caught:
        load_private_key(path)
    error = caught.value
    assert error.exit_code == ExitCode.USAGE
    assert error.message == f"The private key file {path} {expected}"
    assert "Pass --private-key" in error.remedy
    assert error.__cause__ is None and error.__context__ is None  # no library text chained
    shown = [str(error), repr(error), error.remedy, "".join(traceback.format_exception(error))]
    pem_body = "".join(line for line in text.splitlines() if not line.startswith("-----"))
    secrets = [jwk["d"], _tampered(jwk["d"]), pem_body if form == "pem" else text]
    assert not find_leaks(secrets, texts=shown)

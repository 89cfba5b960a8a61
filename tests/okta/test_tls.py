"""TLS verification is always on: an org with a certificate nobody vouches for is refused."""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
import ssl
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from okta_wizard.okta import ApiToken, Gateway, OktaError
from okta_wizard.okta.errors import ErrorKind
from okta_wizard.orgurl import parse_org_url
from okta_wizard.secret import Secret

TOKEN = "00tlsTestTokenThatMustNotBeSentAnywhere-xyz"


def _self_signed(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.fixture
async def untrusted_https(tmp_path: Path) -> AsyncIterator[tuple[str, list[bytes]]]:
    """An https server on loopback with a self-signed certificate; records what it received."""
    cert, key = _self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    received: list[bytes] = []

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            received.append(await asyncio.wait_for(reader.read(4096), 2))
            writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}")
            await writer.drain()
        except (ssl.SSLError, ConnectionError, TimeoutError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0, ssl=context)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"https://127.0.0.1:{port}", received
    finally:
        server.close()
        await server.wait_closed()


async def test_untrusted_certificate_is_refused_on_both_clients(
    untrusted_https: tuple[str, list[bytes]],
) -> None:
    url, received = untrusted_https
    org = parse_org_url(url)
    async with Gateway(org, ApiToken(Secret(TOKEN)), request_timeout=2.0, max_wait=0.3) as gw:
        with pytest.raises(OktaError) as sdk_path:  # Management API: the SDK's executor
            await gw.whoami()
        with pytest.raises(OktaError) as httpx_path:  # OIDC endpoints: httpx
            await gw.org_metadata()
    for caught in (sdk_path, httpx_path):
        assert caught.value.kind is ErrorKind.UNAVAILABLE
        assert "TLS certificate could not be verified" in caught.value.message
    assert not any(TOKEN.encode() in data for data in received)

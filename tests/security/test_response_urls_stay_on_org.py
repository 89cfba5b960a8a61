"""URLs that come from Okta's answers are followed only on the org's own origin: a `next`
page link, and the discovery document's endpoints before a client secret goes to them.

A second loopback listener stands for the other host. It records every connection; the tests
assert it never got one, so neither the API token, a service app's access token nor the client
secret ever left for it.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from okta_wizard.errors import ExitCode
from okta_wizard.okta import parse
from okta_wizard.okta.credentials import ApiToken, Credential, ServiceAppKey
from okta_wizard.okta.errors import ErrorKind, OktaError
from okta_wizard.okta.gateway import Gateway
from okta_wizard.okta.models import Discovery
from okta_wizard.orgurl import parse_org_url
from okta_wizard.sandbox.server import RunningSandbox
from okta_wizard.secret import Secret
from tests.security.orgs import running_sandbox
from tests.setup.conftest import TEST_TOKEN, Org


class Listener:
    """Another host on loopback: accepts connections and keeps what arrives."""

    def __init__(self) -> None:
        self._socket = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._socket.getsockname()[1])
        self.received: list[bytes] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def origin(self, scheme: str = "http") -> str:
        return f"{scheme}://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._socket.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                try:
                    self.received.append(conn.recv(65536) or b"(connected)")
                except OSError:
                    self.received.append(b"(connected)")

    def close(self) -> None:
        self._socket.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    other = Listener()
    try:
        yield other
    finally:
        other.close()


@pytest.fixture
def sandbox_org() -> Iterator[RunningSandbox]:
    with running_sandbox() as sb:
        yield sb


@pytest.fixture
def org(
    sandbox_org: RunningSandbox,
    secret_service: None,
    _isolated_state: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Org:
    monkeypatch.setenv("OKTA_API_TOKEN", TEST_TOKEN)
    return Org(sandbox_org, _isolated_state)


def service_app(sb: RunningSandbox) -> ServiceAppKey:
    generated = sb.oauth.register_generated()
    return ServiceAppKey(
        generated.client_id, None, generated.kid, private_key=generated.private_key_pem
    )


def credential_for(sb: RunningSandbox, kind: str) -> Credential:
    return ApiToken(Secret(TEST_TOKEN)) if kind == "token" else service_app(sb)


# ------------------------------------------------------------------ pagination
def test_a_next_page_on_another_origin_stops_with_a_clear_error(
    org: Org, listener: Listener, capsys: pytest.CaptureFixture[str]
) -> None:
    org.sb.faults.add("GET /api/v1/apps", foreign_origin=listener.origin())
    code, out, err = org.run(capsys, "plan", "--everyone")
    assert code == ExitCode.UNEXPECTED == 1, err
    assert f"pointed the next page to {listener.origin()}" in err
    assert "not the org" in err and "nothing was sent there" in err
    assert TEST_TOKEN not in out + err
    searches = [c for c in org.sb.calls_to("GET /api/v1/apps") if "q=" in c.query]
    assert len(searches) == 1, "the foreign next page was not requested anywhere"
    assert listener.received == []


@pytest.mark.parametrize("kind", ["token", "service_app"])
async def test_a_relative_link_that_glues_into_another_host_stays_on_the_org(
    sandbox_org: RunningSandbox, listener: Listener, kind: str
) -> None:
    """`<@127.0.0.1:PORT/...>` glued to the org URL ("http://org" + "@host/...") names
    another host; resolved as a URL reference it is a path on the org."""
    link = f"@127.0.0.1:{listener.port}/api/v1/apps"
    sandbox_org.faults.add("GET /api/v1/apps", foreign_link=link, times=1)
    credential = credential_for(sandbox_org, kind)
    async with Gateway(parse_org_url(sandbox_org.base_url), credential) as okta:
        with pytest.raises(OktaError):
            await okta.find_apps_by_label("Upflow SSO")  # the org has no such page: 404
    assert listener.received == []
    followed = [c.path for c in sandbox_org.calls]
    assert f"/@127.0.0.1:{listener.port}/api/v1/apps" in followed, followed


@pytest.mark.parametrize(
    ("link", "path"),
    [
        ("https://acme.okta.com/api/v1/apps?after=0oa1&limit=9", "/api/v1/apps?after=0oa1&limit=9"),
        ("https://ACME.okta.com:443/api/v1/apps", "/api/v1/apps"),
        ("/api/v1/apps?after=x", "/api/v1/apps?after=x"),
        ("@evil.example/api/v1/apps", "/@evil.example/api/v1/apps"),
        ("https://acme.okta.com//evil.example/x", "//evil.example/x"),
        ("https://acme.okta.com.evil.example/api/v1/apps", None),
        (".evil.example/api", "/.evil.example/api"),
        ("//evil.example/api/v1/apps", None),
        ("http://acme.okta.com/api/v1/apps", None),
        ("https://acme.okta.com:8443/api/v1/apps", None),
        ("https://user@acme.okta.com/api/v1/apps", None),
        ("https://evil.example/api/v1/apps", None),
        ("javascript:alert(1)", None),
    ],
)  # fmt: skip
def test_which_links_stay_on_the_org(link: str, path: str | None) -> None:
    assert parse.path_on_origin(link, "https://acme.okta.com") == path


# ------------------------------------------------------------------ discovery
@pytest.mark.parametrize("scheme", ["https", "http"])
def test_discovery_pointing_elsewhere_stops_before_the_secret_is_sent(
    org: Org, listener: Listener, capsys: pytest.CaptureFixture[str], scheme: str
) -> None:
    """A custom domain, a proxy or a hostile answer in discovery: the run stops with the
    foreign-URL error (exit 1) naming the other origin; the other host hears nothing and no
    secret check is sent anywhere, and `verify` refuses the same way."""
    org.sb.faults.add(
        "GET /.well-known/openid-configuration", foreign_origin=listener.origin(scheme)
    )
    code, out, err = org.run(capsys, "apply", "--everyone")
    assert code == 1, out + err
    assert "discovery document" in err and listener.origin(scheme) in err, err
    assert "nothing was sent there" in err and "custom domain" in err, err
    assert listener.received == [], "a request went to the discovery document's host"
    assert org.sb.calls_to("POST /oauth2/v1/introspect") == []
    code, out, err = org.run(capsys, "verify")
    assert code == 1, out + err
    assert listener.received == []
    assert org.sb.calls_to("POST /oauth2/v1/introspect") == []


async def test_a_secret_is_sent_only_to_the_org(
    sandbox_org: RunningSandbox, listener: Listener
) -> None:
    """Whatever a Discovery names (here an https host other than the org, which the old rule
    let have the secret), the gateway refuses it before the secret leaves."""
    app = sandbox_org.org.add_oidc_app("Upflow SSO")
    secret = Secret(app.secrets[0].value)
    elsewhere = Discovery(
        issuer=sandbox_org.base_url,
        authorization_endpoint="",
        token_endpoint="",
        introspection_endpoint=f"{listener.origin('https')}/oauth2/v1/introspect",
    )
    credential = ApiToken(Secret(TEST_TOKEN))
    async with Gateway(parse_org_url(sandbox_org.base_url), credential) as okta:
        with pytest.raises(OktaError) as refused:
            await okta.introspect_accepts(elsewhere, app.id, secret, "client_secret_basic")
    assert refused.value.kind is ErrorKind.FOREIGN_URL
    assert listener.received == []
    assert sandbox_org.calls_to("POST /oauth2/v1/introspect") == []


def test_a_foreign_url_error_says_nothing_was_sent() -> None:
    """The error kind for an answer that points off the org: exit 1, what happened, no URL
    path or query (they could carry a cursor or a token)."""
    from okta_wizard.okta.errors import foreign_url

    error = foreign_url(
        "Okta's answer", "the next page", "https://evil.example/x?token=abc", "https://a.b"
    )
    assert error.kind is ErrorKind.FOREIGN_URL and error.exit_code == ExitCode.UNEXPECTED
    assert "https://evil.example" in error.message and "token=abc" not in error.message
    assert "nothing was sent there" in error.message and error.remedy


def test_discovery_endpoints_are_read_as_given_and_judged_by_the_gateway() -> None:
    """The parser keeps each endpoint as Okta named it (an absent one stays empty, never built
    by hand); `Discovery.endpoints()` lists what the gateway checks against the org."""
    org = "https://acme.okta.com"
    doc = parse.discovery_from_json(
        {
            "issuer": org,
            "introspection_endpoint": f"{org}/oauth2/v1/introspect",
            "jwks_uri": "https://cdn.evil.example/keys",
        }
    )
    assert doc is not None
    assert doc.endpoints() == {
        "introspection_endpoint": f"{org}/oauth2/v1/introspect",
        "jwks_uri": "https://cdn.evil.example/keys",
    }
    assert doc.token_endpoint == "" and doc.end_session_endpoint == ""
    assert not parse.same_origin(doc.jwks_uri, org)

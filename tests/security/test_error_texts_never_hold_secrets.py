"""No error text holds a secret, whatever went wrong: every error kind, every layer.

Each error the product can meet talking to Okta is provoked with the sandbox's faults over
real HTTP on loopback: 401, 403, 404, 429 beyond the wait budget, 500 and 503, a connection
dropped before or after the call was applied, a timeout, a client that cannot be set up, and
a service app's token endpoint refusing or failing. Then everything the error left is
searched for the API token, every client secret the org holds, the service app's private
key (PEM, its base64 body and the JWK's private part) and the access tokens Okta issued:

- the exception itself: `str`, `repr`, message, remedy, `args` and the formatted traceback
  with its chained causes (what a crash report or a log would carry);
- a headless command's stdout and stderr, and its exit code (the documented one);
- the wizard's error box, its announcements and toasts, and a screenshot of the screen.

The API token is random per test, so no fixed string can hide a leak.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import traceback
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from okta_wizard.cli import main
from okta_wizard.errors import WizardError
from okta_wizard.okta import retry
from okta_wizard.okta.credentials import ApiToken, ServiceAppKey
from okta_wizard.okta.errors import OktaError
from okta_wizard.okta.gateway import Gateway
from okta_wizard.orgurl import parse_org_url
from okta_wizard.sandbox.oauth import GeneratedServiceApp
from okta_wizard.sandbox.server import RunningSandbox, start_sandbox
from okta_wizard.secret import Secret
from okta_wizard.setup.spec import upflow_app_settings
from tests.leakscan import find_leaks
from tests.setup.conftest import Org

Cap = pytest.CaptureFixture[str]
TIMEOUT_S = 0.3  # the request timeout these tests give the client; the fault waits longer

# What goes wrong: sandbox fault kinds (okta_wizard/sandbox/faults.py).
KINDS: dict[str, dict[str, Any]] = {
    "401": {"status": 401},
    "403": {"status": 403},
    "404": {"status": 404},
    "429 past the budget": {"status": 429, "reset_in": 3600},
    "500": {"status": 500},
    "503": {"status": 503},
    "dropped": {"drop": "before"},
    "dropped after applying": {"drop": "after"},
    "timeout": {"latency": TIMEOUT_S * 4},
}
# The exit code each kind ends a headless run with when it stops one (docs/troubleshooting.md).
EXIT_FOR_KIND = {
    "401": 3,
    "403": 4,
    "404": 1,
    "429 past the budget": 5,
    "500": 5,
    "503": 5,
    "dropped": 5,
    "dropped after applying": 5,
    "timeout": 5,
}


def random_token() -> str:
    return "00" + secrets.token_urlsafe(30)


def key_secrets(generated: GeneratedServiceApp) -> list[str]:
    """The private key in every form a leak could take: the PEM's base64 body (whole, and
    line by line: a PEM quoted in part), the JWK's private part. Not the BEGIN/END lines,
    which name a format and hold nothing secret."""
    lines = [ln for ln in generated.private_key_pem.reveal().splitlines() if "-----" not in ln]
    jwk = json.loads(generated.private_jwk().reveal())
    return ["".join(lines), jwk["d"], *(line for line in lines if len(line) >= 24)]


def exception_texts(exc: BaseException) -> list[str]:
    """Everything an exception can show: its text, its repr, its remedy, its arguments and
    its traceback with every chained cause (`raise ... from`, or raised during handling)."""
    texts = [str(exc), repr(exc), repr(exc.args), "".join(traceback.format_exception(exc))]
    if isinstance(exc, WizardError):
        texts += [exc.message, exc.remedy]
    return texts


def assert_no_leak(secret_values: list[str], texts: list[str]) -> None:
    assert texts and any(texts), "nothing to scan"
    assert find_leaks(secret_values, texts=texts) == []


@pytest.fixture
def quick_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """The retry policy as it is, with short waits: a 5xx outage ends in milliseconds."""
    monkeypatch.setattr(retry, "_BACKOFF_S", (0.01,) * len(retry._BACKOFF_S))


@pytest.fixture
def quick_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every Gateway the product builds gives up on a request after TIMEOUT_S, not 30 s."""
    defaults = dict(Gateway.__init__.__kwdefaults__ or {})
    monkeypatch.setattr(
        Gateway.__init__, "__kwdefaults__", defaults | {"request_timeout": TIMEOUT_S}
    )


@pytest.fixture
def token() -> str:
    return random_token()


@pytest.fixture
def sb(token: str) -> Iterator[RunningSandbox]:
    sandbox = start_sandbox(token=token)
    try:
        yield sandbox
    finally:
        sandbox.stop()


def org_secrets(sb: RunningSandbox) -> list[str]:
    return [s.value for app in sb.org.apps.values() for s in app.secrets]


# ---------------------------------------------------------------- the exceptions


@dataclass
class Call:
    """One gateway call that can fail: the route a fault targets, and how to make the call."""

    route: str
    make: Callable[[Gateway, RunningSandbox], Awaitable[object]]


async def _introspect(gw: Gateway, sb: RunningSandbox) -> object:
    app = sb.org.add_oidc_app("Upflow SSO")
    discovery = await gw.discovery(app.id)
    secret = Secret(app.secrets[0].value)
    return await gw.introspect_accepts(discovery, app.id, secret, "client_secret_basic")


async def _read_back(gw: Gateway, sb: RunningSandbox) -> object:
    return await gw.list_client_secrets(sb.org.add_oidc_app("Upflow SSO").id)


async def _assign(gw: Gateway, sb: RunningSandbox) -> object:
    app = sb.org.add_oidc_app("Upflow SSO")
    group = sb.org.group_by_name("Finance")
    assert group is not None
    return await gw.assign_group(app.id, group.id)


CALLS = {
    "who am I": Call("GET /api/v1/users/{id}", lambda gw, sb: gw.whoami()),
    "create the app": Call(
        "POST /api/v1/apps", lambda gw, sb: gw.create_oidc_app(upflow_app_settings())
    ),
    "read the secrets back": Call("GET /api/v1/apps/{id}/credentials/secrets", _read_back),
    "assign a group": Call("PUT /api/v1/apps/{id}/groups/{gid}", _assign),
    "check the secret": Call("POST /oauth2/v1/introspect", _introspect),
}


async def failure_of(gw: Gateway, sb: RunningSandbox, call: Call, kind: str) -> OktaError | None:
    """Make the call with the fault on its route; its error, or None if it came through."""
    sb.faults.add(call.route, **KINDS[kind])
    try:
        await call.make(gw, sb)
    except OktaError as exc:
        return exc
    return None


# Outcomes that are not errors: a create whose answer was lost is found again by its label;
# a refused secret is a definite "no". (A fault without `nth` fires on every retry too.)
CAME_THROUGH = {("check the secret", "401"), ("create the app", "dropped after applying")}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("call", CALLS)
async def test_gateway_errors_hold_no_token_and_no_client_secret(
    sb: RunningSandbox, token: str, quick_backoff: None, call: str, kind: str
) -> None:
    async with Gateway(
        parse_org_url(sb.base_url),
        ApiToken(Secret(token)),
        request_timeout=TIMEOUT_S,
        max_wait=60.0,
    ) as gw:
        error = await failure_of(gw, sb, CALLS[call], kind)
    assert sum(f.fired for f in sb.faults.active()) >= 1, "the fault never fired"
    assert (error is None) == ((call, kind) in CAME_THROUGH), error
    if error is not None:
        assert kind != "timeout" or "timed out" in error.message, error
        assert_no_leak([token, *org_secrets(sb)], exception_texts(error))


async def test_a_client_that_cannot_be_set_up_does_not_quote_the_token(
    sb: RunningSandbox,
) -> None:
    """The SDK's config validator refuses a token holding '{apiToken}': its text stays out."""
    odd = random_token() + "{apiToken}"
    async with Gateway(parse_org_url(sb.base_url), ApiToken(Secret(odd))) as gw:
        with pytest.raises(OktaError) as info:
            await gw.whoami()
    assert "could not be set up" in info.value.message
    assert_no_leak([odd, odd.lower(), odd[:-10]], exception_texts(info.value))


# ---------------------------------------------------------------- the service app


@pytest.fixture
def service_app(sb: RunningSandbox) -> GeneratedServiceApp:
    return sb.oauth.register_generated(alg="ES256")


@pytest.fixture
def key_path(tmp_path: Path, service_app: GeneratedServiceApp) -> Path:
    path = tmp_path / "service-app.pem"
    path.write_text(service_app.private_key_pem.reveal())
    path.chmod(0o600)
    return path


TOKEN_ENDPOINT = "POST /oauth2/v1/token"
TOKEN_KINDS = {"400": {"status": 400}} | {
    k: KINDS[k] for k in ("401", "403", "429 past the budget", "500", "dropped", "timeout")
}
# The token endpoint refusing the client assertion, whatever its status, is a rejected
# credential (exit 3); its outages are exit 5 like any other.
TOKEN_EXIT = EXIT_FOR_KIND | {"400": 3, "401": 3, "403": 3}


def service_app_secrets(sb: RunningSandbox, generated: GeneratedServiceApp) -> list[str]:
    return [*key_secrets(generated), *(t.reveal() for t in sb.oauth.live_tokens())]


@pytest.mark.parametrize("route", [TOKEN_ENDPOINT, "GET /api/v1/apps"])
@pytest.mark.parametrize("kind", TOKEN_KINDS)
async def test_service_app_errors_hold_no_key_and_no_access_token(
    sb: RunningSandbox,
    service_app: GeneratedServiceApp,
    key_path: Path,
    quick_backoff: None,
    route: str,
    kind: str,
) -> None:
    credential = ServiceAppKey(service_app.client_id, key_path)
    async with Gateway(
        parse_org_url(sb.base_url), credential, request_timeout=TIMEOUT_S, max_wait=60.0
    ) as gw:
        if route != TOKEN_ENDPOINT:
            await gw.whoami()  # a token is issued, then the Management API fails
        sb.faults.add(route, **TOKEN_KINDS[kind])
        with pytest.raises(OktaError) as info:
            if route == TOKEN_ENDPOINT:
                await gw.whoami()
            else:  # whoami asks nothing more once a call proved the credential
                await gw.find_apps_by_label("Upflow SSO")
    assert sum(f.fired for f in sb.faults.active()) >= 1
    assert_no_leak(service_app_secrets(sb, service_app), exception_texts(info.value))


def damaged_keys(generated: GeneratedServiceApp) -> dict[str, str]:
    pem = generated.private_key_pem.reveal()
    jwk = json.loads(generated.private_jwk().reveal())
    lines = pem.splitlines()
    return {
        "truncated PEM": "\n".join(lines[: len(lines) // 2 + 1]) + "\n",
        "PEM with a bad line": "\n".join([*lines[:2], "!" * 20, *lines[2:]]) + "\n",
        "JWK without its curve": json.dumps({k: v for k, v in jwk.items() if k != "crv"}),
        "JWK with a bad d": json.dumps(jwk | {"d": jwk["d"][:-6] + "@@@@@@"}),
    }


@pytest.mark.parametrize(
    "damage", ["truncated PEM", "PEM with a bad line", "JWK without its curve", "JWK with a bad d"]
)
def test_an_unusable_key_file_is_refused_without_quoting_it(
    sb: RunningSandbox, service_app: GeneratedServiceApp, tmp_path: Path, capsys: Cap, damage: str
) -> None:
    """The file is refused before anything is sent (exit 2), naming it; no part of it is
    echoed."""
    text = damaged_keys(service_app)[damage]
    path = tmp_path / "damaged.key"
    path.write_text(text)
    path.chmod(0o600)
    argv = ["plan", "--org-url", sb.base_url, "--client-id", service_app.client_id]
    code = main([*argv, "--private-key", str(path), "--no-assignment"])
    out = capsys.readouterr()
    assert code == 2 and str(path) in out.err, out.err
    parts = [p for p in re.split(r"[\s\"',:{}]+", text) if len(p) >= 16]
    assert_no_leak([*key_secrets(service_app), *parts], [out.out, out.err])
    assert sb.calls == [], "nothing sent"


# ---------------------------------------------------------------- headless commands


@pytest.fixture
def org(
    secret_service: None, _isolated_state: Path, monkeypatch: pytest.MonkeyPatch, token: str
) -> Iterator[Org]:
    """The end-to-end org of tests/setup, with this test's random token."""
    sandbox = start_sandbox(token=token)
    monkeypatch.setenv("OKTA_API_TOKEN", token)
    try:
        yield Org(sandbox, _isolated_state)
    finally:
        sandbox.stop()


# Where apply meets each error: before the app exists, and once the secret is in memory.
APPLY_ROUTES = [
    "GET /api/v1/users/{id}",
    "POST /api/v1/apps",
    "PUT /api/v1/apps/{id}/groups/{gid}",
    "POST /oauth2/v1/introspect",
]
# A create whose answer was lost is found again by its label: the run finishes. (A fault
# without `nth` fires on every retry, so other lost answers end the run.)
RECOVERS = {("POST /api/v1/apps", "dropped after applying")}


def expected_exit(route: str, kind: str) -> int:
    if (route, kind) in RECOVERS:
        return 0
    if route == "POST /oauth2/v1/introspect" and kind == "401":
        return 1  # Okta does not accept the secret: a final check failed, with its remedy
    return EXIT_FOR_KIND[kind]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("route", APPLY_ROUTES)
def test_apply_output_holds_no_secret_and_exits_as_documented(
    org: Org,
    capsys: Cap,
    token: str,
    quick_backoff: None,
    quick_timeout: None,
    route: str,
    kind: str,
) -> None:
    fault = org.sb.faults.add(route, **KINDS[kind])
    code, out, err = org.run(capsys, "apply", "--group", "Finance")
    assert fault.fired >= 1
    assert code == expected_exit(route, kind), err
    assert_no_leak([token, *org_secrets(org.sb)], [out, err])
    if route in APPLY_ROUTES[2:]:
        assert org_secrets(org.sb), "the secret existed while the error happened"


@pytest.mark.parametrize("kind", ["401", "403", "429 past the budget", "503", "dropped", "timeout"])
def test_verify_output_holds_no_secret(
    org: Org, capsys: Cap, token: str, quick_backoff: None, quick_timeout: None, kind: str
) -> None:
    """verify sends the keyring's secret to Okta: its failures must not quote it."""
    assert org.run(capsys, "apply", "--group", "Finance")[0] == 0
    fault = org.sb.faults.add("POST /oauth2/v1/introspect", **KINDS[kind])
    code, out, err = org.run(capsys, "verify")
    assert fault.fired >= 1
    assert code == (1 if kind == "401" else EXIT_FOR_KIND[kind]), err
    assert_no_leak([token, *org_secrets(org.sb)], [out, err])


@pytest.mark.parametrize("kind", ["500", "dropped", "timeout"])
def test_a_failed_hand_off_holds_no_secret(
    org: Org, capsys: Cap, token: str, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    from okta_wizard.handoff import privatebin

    monkeypatch.setattr(privatebin, "TIMEOUT_SECONDS", TIMEOUT_S)
    assert org.run(capsys, "apply", "--group", "Finance")[0] == 0
    fault = org.sb.faults.add("POST /secrets/", **KINDS[kind])
    code, out, err = org.run(capsys, "send", "--reveal", "--secrets-url", org.sb.secrets_url)
    assert fault.fired >= 1
    assert code == 7, err
    assert_no_leak([token, *org_secrets(org.sb)], [out, err])


@pytest.mark.parametrize("kind", TOKEN_KINDS)
def test_service_app_apply_output_holds_no_key(
    org: Org, capsys: Cap, tmp_path: Path, quick_backoff: None, quick_timeout: None, kind: str
) -> None:
    generated = org.sb.oauth.register_generated(alg="ES256")
    path = tmp_path / "service-app.pem"
    path.write_text(generated.private_key_pem.reveal())
    path.chmod(0o600)
    fault = org.sb.faults.add(TOKEN_ENDPOINT, **TOKEN_KINDS[kind])
    argv = ["--client-id", generated.client_id, "--private-key", str(path), "--group", "Finance"]
    code, out, err = org.run(capsys, "apply", *argv)
    assert fault.fired >= 1
    assert code == TOKEN_EXIT[kind], err
    assert_no_leak(service_app_secrets(org.sb, generated), [out, err])


def test_the_scans_find_a_planted_secret(sb: RunningSandbox, token: str) -> None:
    """The scan itself can fail: a token, a key line or a secret in an error is found."""
    generated = sb.oauth.register_generated(alg="ES256")
    app = sb.org.add_oidc_app("Upflow SSO")
    planted = [
        WizardError(f"429 with SSWS {token}"),
        WizardError("failed", remedy=f"use {token}"),
        WizardError(f"key {key_secrets(generated)[-1]}"),
        WizardError(f"secret {base64.b64encode(app.secrets[0].value.encode()).decode()}"),
    ]
    everything = [token, *org_secrets(sb), *service_app_secrets(sb, generated)]
    for exc in planted:
        found = find_leaks(everything, texts=exception_texts(exc))
        assert found, exc


# ---------------------------------------------------------------- the wizard


@pytest.fixture
def wizard_for(
    sb: RunningSandbox, token: str, secret_service: None, quick_backoff: None, quick_timeout: None
) -> Callable[[], Any]:
    """The wizard (make_app, the real engine) against this test's sandbox and token."""
    from okta_wizard.tui.app import make_app

    def build() -> Any:
        return make_app(
            org_url=sb.base_url, token=Secret(token), secrets_url=sb.secrets_url, accessible=False
        )

    return build


# (the step the error stops, the fault's route)
WIZARD_CASES = [
    (1, "GET /api/v1/users/{id}", "401"),
    (1, "GET /api/v1/users/{id}", "429 past the budget"),
    (3, "POST /api/v1/apps", "dropped"),
    (4, "PUT /api/v1/apps/{id}/groups/{gid}", "403"),
    (4, "PUT /api/v1/apps/{id}/groups/{gid}", "429 past the budget"),
    (4, "PUT /api/v1/apps/{id}/groups/{gid}", "503"),
    (4, "PUT /api/v1/apps/{id}/groups/{gid}", "timeout"),
]
PRESS_AT = {1: "connect-check", 3: "settings-create", 4: "assign-apply"}


@pytest.mark.parametrize(("step", "route", "kind"), WIZARD_CASES, ids=lambda v: str(v))
async def test_the_wizard_shows_errors_without_secrets(
    wizard_for: Callable[[], Any], sb: RunningSandbox, token: str, step: int, route: str, kind: str
) -> None:
    from tests.tui.pilot_helpers import press_button, text_of, walk_to

    app = wizard_for()
    async with app.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, step)
        fault = sb.faults.add(route, **KINDS[kind])
        await press_button(pilot, PRESS_AT[step])
        shown = text_of(app, f"#step-{step} .error-box")
        screen = app.export_screenshot()
        announced = list(app.announcements)
    assert fault.fired >= 1
    assert "✘" in shown, shown
    if step == 4:
        assert org_secrets(sb), "the secret existed while the error happened"
    assert_no_leak([token, *org_secrets(sb)], [shown, screen, *announced])

"""The test sign-in's engine, in process: the failures and what each says to do, the origin
rule, the issuer and email-domain checks, the receipt, and the leftover URI of a killed run.

The browser here is httpx (the sandbox's sign-in page is a plain form); test_browser.py does
the same flows in Chromium.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from okta_wizard.errors import ExitCode
from okta_wizard.handoff.receipt import read_receipt, write_receipt
from okta_wizard.okta.credentials import ApiToken
from okta_wizard.okta.errors import ErrorKind, OktaError
from okta_wizard.orgurl import parse_org_url
from okta_wizard.sandbox import shapes
from okta_wizard.sandbox.oidc import sign_in_with_form
from okta_wizard.secret import Secret
from okta_wizard.setup import journal as journal_store
from okta_wizard.setup.engine import Setup, SetupOptions
from okta_wizard.setup.sign_in import SignInFailed, SignInOptions, SignInResult, SignInTest
from okta_wizard.setup.spec import SIGN_IN_REDIRECT_URI, SIGN_OUT_REDIRECT_URI
from tests.setup.conftest import TEST_TOKEN, Org
from tests.signin.conftest import ASSIGNED, Cap, assert_redirect_uris_as_upflow_needs

CASEY = "casey.contractor@partner.example"  # in Finance, at another email domain


async def _browse(url: str, login: str) -> httpx.Response:
    return (await sign_in_with_form(url, login)).page


def _setup(org: Org) -> Setup:
    options = SetupOptions(org_url=parse_org_url(org.url), credential=ApiToken(Secret(TEST_TOKEN)))
    return Setup(options)


async def _sign_in(
    org: Org, login: str = ASSIGNED, options: SignInOptions | None = None
) -> tuple[SignInResult, SignInTest, httpx.Response]:
    async with (
        _setup(org) as setup,
        SignInTest(setup, options or SignInOptions(timeout=30)) as test,
    ):
        await test.prepare()
        url = await test.begin()
        result, page = await asyncio.gather(test.wait(), _browse(url, login))
    return result, test, page


def _mutations(org: Org) -> list[str]:
    return [c.key for c in org.sb.mutating_calls()]


async def test_a_rotated_secret_is_named_with_its_remedy(applied: Org) -> None:
    applied.only_app().secrets[0].value = "rotated-in-the-admin-console-" + "x" * 40
    result, test, page = await _sign_in(applied)
    assert not result.passed and result.reason == "secret_rejected"
    assert "invalid_client" in result.message and "apply --new-secret" in result.remedy
    assert page.status_code == 200 and "did not pass" in page.text
    assert test.removed
    assert_redirect_uris_as_upflow_needs(applied)


async def test_the_code_is_sent_once_even_when_the_token_endpoint_fails(applied: Org) -> None:
    applied.sb.faults.add("POST /oauth2/v1/token", status=503)
    with pytest.raises(OktaError) as caught:
        await _sign_in(applied)
    assert caught.value.kind is ErrorKind.UNAVAILABLE
    assert len(applied.sb.calls_to("POST /oauth2/v1/token")) == 1  # a code works once
    assert_redirect_uris_as_upflow_needs(applied)


async def test_an_endpoint_off_the_org_is_refused_before_any_change(
    applied: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = shapes.openid_configuration

    def foreign(base: str) -> dict[str, Any]:
        return {**real(base), "token_endpoint": "http://127.0.0.2:9/oauth2/v1/token"}

    monkeypatch.setattr(shapes, "openid_configuration", foreign)
    before = _mutations(applied)
    with pytest.raises(OktaError, match="which is not the org"):
        await _sign_in(applied)
    assert _mutations(applied) == before
    assert_redirect_uris_as_upflow_needs(applied)


async def test_the_id_token_must_carry_the_issuer_upflow_was_given(applied: Org) -> None:
    app = applied.only_app()
    await _write_receipt(applied, issuer="https://acme.okta.com")
    result, _, _ = await _sign_in(applied)
    assert result.reason == "id_token_invalid" and "issuer (iss) is not https://acme" in (
        result.message
    )
    assert app.oauth_settings["redirect_uris"] == [SIGN_IN_REDIRECT_URI]


async def test_a_user_at_another_email_domain_does_not_pass(applied: Org) -> None:
    result, _, page = await _sign_in(applied, CASEY)
    assert not result.passed and result.reason == "email_domain"
    assert result.domain_matches is False and result.email_domains == ("example.com",)
    assert result.user is not None and result.user.email == CASEY  # what Upflow would see
    assert "--email-domain example.com --email-domain partner.example" in result.remedy
    assert "did not pass" in page.text
    options = SignInOptions(timeout=30, email_domains=("example.com", "partner.example"))
    result, _, page = await _sign_in(applied, CASEY, options)
    assert result.passed and result.domain_matches is True and "Signed in as Casey" in page.text


def test_a_pass_is_recorded_in_the_journal_and_the_receipt(applied: Org, capsys: Cap) -> None:
    code, _, err = applied.run(
        capsys, "send", "--secrets-url", applied.sb.secrets_url, "--json", "--reveal"
    )
    assert code == ExitCode.OK, err
    result, _, _ = asyncio.run(_sign_in(applied))
    assert result.passed and result.redirect_to_verdict_ms is not None
    receipt = read_receipt(journal_store.receipt_path(applied.url))
    assert receipt is not None and receipt.sign_in_email_domain == "example.com"
    assert receipt.sign_in_passed_at == applied.journal()["sign_in_passed_at"]
    code, out, _ = applied.run(capsys, "status", "--receipt")
    assert "Test sign-in:" in out and "passed by a user at example.com" in out
    assert ASSIGNED not in out
    # a later hand-off keeps it (the journal is where the receipt takes it from)
    assert (
        applied.run(capsys, "send", "--secrets-url", applied.sb.secrets_url, "--json", "--reveal")[
            0
        ]
        == 0
    )
    again = read_receipt(journal_store.receipt_path(applied.url))
    assert again is not None and again.sign_in_passed_at == receipt.sign_in_passed_at


async def test_an_inactive_app_is_refused_before_any_change(applied: Org) -> None:
    applied.only_app().status = "INACTIVE"
    before = _mutations(applied)
    with pytest.raises(SignInFailed) as caught:
        await _sign_in(applied)
    assert caught.value.exit_code == ExitCode.SIGN_IN_FAILED
    assert "INACTIVE" in caught.value.message and "verify --fix" in caught.value.remedy
    assert _mutations(applied) == before


async def test_the_authorization_url_carries_state_nonce_pkce_and_the_options(
    applied: Org,
) -> None:
    options = SignInOptions(timeout=30, prompt_login=True, login_hint="ana@example.com")
    async with _setup(applied) as setup, SignInTest(setup, options) as test:
        plan = await test.prepare()
        assert applied.only_app().oauth_settings["redirect_uris"] == [SIGN_IN_REDIRECT_URI]
        assert plan.redirect_uri in plan.question and "at most 30 s" in plan.question
        assert SIGN_IN_REDIRECT_URI in plan.question  # what stays
        url = await test.begin()
        assert applied.journal()["test_redirect_uri"] == plan.redirect_uri
    assert url.startswith(f"{applied.url}/oauth2/v1/authorize?")
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert query["scope"] == "openid email profile" and query["response_type"] == "code"
    assert query["state"] == test.state and query["nonce"] == test.nonce
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert query["prompt"] == "login" and query["login_hint"] == "ana@example.com"
    assert query["redirect_uri"] == plan.redirect_uri
    assert test.removed
    assert_redirect_uris_as_upflow_needs(applied)


def _leave_leftover(org: Org, uri: str = "http://localhost:41234/okta-wizard/callback") -> str:
    """What a test sign-in killed while waiting leaves: the URI on the app, in the journal."""
    app = org.only_app()
    app.oauth_settings["redirect_uris"].append(uri)
    journal = journal_store.load(org.url)
    assert journal is not None
    journal.test_redirect_uri = uri
    journal_store.save(journal)
    return uri


def test_apply_removes_the_recorded_uri_and_only_that_one(applied: Org, capsys: Cap) -> None:
    uri = _leave_leftover(applied)
    someone_elses = "http://localhost:5000/okta-wizard/callback"
    applied.only_app().oauth_settings["redirect_uris"].append(someone_elses)
    code, _, err = applied.run(capsys, "apply", "--group", "Finance")
    assert code == ExitCode.USAGE, err  # the other URI is drift apply does not guess about
    uris = applied.only_app().oauth_settings["redirect_uris"]
    assert uri not in uris and someone_elses in uris and SIGN_IN_REDIRECT_URI in uris
    assert applied.only_app().oauth_settings["post_logout_redirect_uris"] == [SIGN_OUT_REDIRECT_URI]
    assert applied.journal().get("test_redirect_uri") is None


def test_verify_reports_it_and_verify_fix_removes_it(applied: Org, capsys: Cap) -> None:
    uri = _leave_leftover(applied)
    code, out, _ = applied.run(capsys, "verify")
    line = next(x for x in out.splitlines() if "sign-in redirect URIs exact" in x)
    assert code == ExitCode.UNEXPECTED and line.startswith("✗") and uri in line
    assert uri in applied.only_app().oauth_settings["redirect_uris"]  # reported, not changed
    code, out, err = applied.run(capsys, "verify", "--fix", "--yes")
    assert code == ExitCode.OK, out + err
    assert_redirect_uris_as_upflow_needs(applied)


def test_plan_changes_nothing_with_a_leftover(applied: Org, capsys: Cap) -> None:
    uri = _leave_leftover(applied)
    before = _mutations(applied)
    code, out, _ = applied.run(capsys, "plan", "--group", "Finance")
    assert code == ExitCode.OK and "repair redirect_uris" in out
    assert _mutations(applied) == before
    assert applied.journal()["test_redirect_uri"] == uri


async def test_the_next_test_sign_in_removes_a_leftover_first(applied: Org) -> None:
    uri = _leave_leftover(applied)
    result, test, _ = await _sign_in(applied)
    assert result.passed and test.redirect_uri != uri
    assert_redirect_uris_as_upflow_needs(applied)


def test_a_leftover_on_a_deleted_app_is_forgotten(applied: Org, capsys: Cap) -> None:
    _leave_leftover(applied)
    app = applied.only_app()
    del applied.sb.org.apps[app.id]
    code, _, err = applied.run(capsys, "apply", "--group", "Finance")
    assert code == ExitCode.OK, err
    assert applied.journal().get("test_redirect_uri") is None


@pytest.mark.parametrize(
    "value",
    [
        "https://auth.upflow.io/__/auth/handler",
        "http://localhost:8080/other",
        "http://127.0.0.1:8080/okta-wizard/callback",
        "http://localhost:8080/okta-wizard/callback?x=1",
        7,
    ],
)
def test_the_journal_accepts_only_a_loopback_uri_of_this_tool(
    applied: Org, capsys: Cap, value: object
) -> None:
    import json

    path: Path = applied.journal_path()
    data = json.loads(path.read_text())
    data["test_redirect_uri"] = value
    path.write_text(json.dumps(data))
    code, _, err = applied.run(capsys, "apply", "--group", "Finance")
    assert code == ExitCode.USAGE and "test_redirect_uri" in err
    assert applied.only_app().oauth_settings["redirect_uris"] == [SIGN_IN_REDIRECT_URI]


async def test_the_redirect_uri_change_is_a_read_modify_write_of_the_whole_app(
    applied: Org,
) -> None:
    app = applied.only_app()
    app.oauth_settings["redirect_uris"].append("https://staging.example.com/cb")
    app.oauth_settings["post_logout_redirect_uris"].append("https://app.example.com/bye")
    app.oauth_settings["logo_uri"] = "https://example.com/logo.png"
    app.oauth_credentials["pkce_required"] = True
    before = shapes.app_body(applied.url, app)
    async with _setup(applied) as setup:
        added = await setup.okta.change_redirect_uris(app.id, add="http://localhost:1/x")
        assert added.redirect_uris[-1] == "http://localhost:1/x"
        await setup.okta.change_redirect_uris(app.id, remove="http://localhost:1/x")
        puts = len(applied.sb.calls_to("PUT /api/v1/apps/{id}"))
        await setup.okta.change_redirect_uris(app.id, remove="http://localhost:1/x")
        assert len(applied.sb.calls_to("PUT /api/v1/apps/{id}")) == puts  # nothing to change
    after = shapes.app_body(applied.url, app)
    assert replace_times(after) == replace_times(before)


def replace_times(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != "lastUpdated"}


async def _write_receipt(org: Org, *, issuer: str) -> None:
    from okta_wizard.handoff.receipt import Receipt

    app = org.only_app()
    receipt = Receipt(
        org_url=org.url,
        app_id=app.id,
        client_id=app.id,
        issuer=issuer,
        label=app.label,
        redirect_uris=(SIGN_IN_REDIRECT_URI,),
        post_logout_redirect_uris=(SIGN_OUT_REDIRECT_URI,),
        groups=("Finance",),
        run_by="admin@example.com",
        created_at=journal_store.now_iso(),
        secret_fingerprint="…abcd sha256:0123456789ab",
        email_domains=("example.com",),
    )
    write_receipt(replace(receipt), journal_store.receipt_path(org.url))


def test_forget_names_a_leftover_it_can_no_longer_remove(applied: Org, capsys: Cap) -> None:
    uri = _leave_leftover(applied)
    code, out, _ = applied.run(capsys, "forget", "--yes")
    assert code == ExitCode.OK and uri in out and "verify --fix" in out
    _, out, _ = applied.run(capsys, "verify", "--fix", "--yes")  # (the secret is forgotten)
    assert "Repaired: redirect_uris" in out
    assert applied.only_app().oauth_settings["redirect_uris"] == [SIGN_IN_REDIRECT_URI]

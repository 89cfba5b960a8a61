"""The sandbox's org authorization server answers the code flow as real Okta does.

Over real HTTP with httpx (a browser without JavaScript is all the sign-in page needs). The
ID token is checked here with PyJWT against the published JWKS, independently of the client.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import jwt
import pytest

from okta_wizard.sandbox.oidc import SANDBOX_PASSWORD, sign_in_of
from okta_wizard.sandbox.org import Assignment, SandboxApp
from okta_wizard.sandbox.server import RunningSandbox

REDIRECT = "http://localhost:45678/okta-wizard/callback"
VERIFIER = "v" * 50
CHALLENGE = (
    base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest()).decode().rstrip("=")
)


@dataclass
class Flow:
    sb: RunningSandbox
    app: SandboxApp
    browser: httpx.Client

    @property
    def secret(self) -> str:
        return self.app.secrets[0].value

    def authorize(self, **overrides: str) -> httpx.Response:
        params = {
            "client_id": self.app.id,
            "response_type": "code",
            "scope": "openid email profile",
            "redirect_uri": REDIRECT,
            "state": "st-1",
            "nonce": "n-1",
            "code_challenge": CHALLENGE,
            "code_challenge_method": "S256",
            **overrides,
        }
        params = {k: v for k, v in params.items() if v != ""}
        return self.browser.get(f"{self.sb.base_url}/oauth2/v1/authorize?{urlencode(params)}")

    def sign_in(
        self, form_page: httpx.Response, login: str, password: str = SANDBOX_PASSWORD
    ) -> httpx.Response:
        match = re.search(r'name="tx" value="([^"]+)"', form_page.text)
        assert match, form_page.text
        data = {"tx": match.group(1), "username": login, "password": password}
        return self.browser.post(f"{self.sb.base_url}/sandbox/sign-in", data=data)

    def code(self, login: str = "fiona.finance@example.com", **overrides: str) -> str:
        back = self.sign_in(self.authorize(**overrides), login)
        assert back.status_code == 302, back.text
        query = parse_qs(urlsplit(back.headers["location"]).query)
        assert query["state"] == [overrides.get("state", "st-1")]
        return query["code"][0]

    def token(self, code: str, *, secret: str | None = None, **form: str) -> httpx.Response:
        body = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "code_verifier": VERIFIER,
            **form,
        }
        auth = (self.app.id, self.secret if secret is None else secret)
        return httpx.post(f"{self.sb.base_url}/oauth2/v1/token", data=body, auth=auth)


@pytest.fixture
def flow(sandbox: RunningSandbox) -> Iterator[Flow]:
    app = sandbox.org.add_oidc_app("Upflow SSO")
    app.oauth_settings["redirect_uris"].append(REDIRECT)
    finance = sandbox.org.group_by_name("Finance")
    assert finance is not None
    app.assignments[finance.id] = Assignment(finance.id, 0, app.created)
    with httpx.Client(follow_redirects=False, trust_env=False) as browser:
        yield Flow(sandbox, app, browser)


def _location_query(response: httpx.Response) -> dict[str, list[str]]:
    assert response.status_code == 302, response.text
    location = response.headers["location"]
    assert location.startswith(REDIRECT + "?")
    return parse_qs(urlsplit(location).query)


def test_the_sign_in_page_then_a_code_then_tokens_okta_shaped(flow: Flow) -> None:
    page = flow.authorize(login_hint="fiona.finance@example.com")
    assert page.status_code == 200 and 'id="okta-signin-username"' in page.text
    assert 'value="fiona.finance@example.com"' in page.text  # login_hint pre-fills
    answer = flow.token(flow.code())
    assert answer.status_code == 200, answer.text
    tokens = answer.json()
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] == 3600
    assert answer.headers["cache-control"].startswith("no-cache, no-store")
    jwks = httpx.get(f"{flow.sb.base_url}/oauth2/v1/keys").json()
    assert len(jwks["keys"]) == 2 and all(k["kty"] == "RSA" for k in jwks["keys"])
    header = jwt.get_unverified_header(tokens["id_token"])
    assert header["alg"] == "RS256"
    key = next(k for k in jwks["keys"] if k["kid"] == header["kid"])
    claims = jwt.decode(
        tokens["id_token"],
        jwt.PyJWK(key).key,
        algorithms=["RS256"],
        audience=flow.app.id,
        issuer=flow.sb.base_url,
    )
    fiona = sign_in_of(flow.sb.state).user_by_login("fiona.finance@example.com")
    assert fiona is not None
    assert claims["sub"] == fiona.id and claims["nonce"] == "n-1" and claims["ver"] == 1
    assert claims["amr"] == ["pwd"] and claims["idp"] == flow.sb.org.id
    assert claims["email"] == fiona.email and "email_verified" not in claims  # as real Okta
    info = httpx.get(
        f"{flow.sb.base_url}/oauth2/v1/userinfo",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
    ).json()
    assert info["sub"] == fiona.id and info["email_verified"] is True
    assert info["name"] == "Fiona Finance" and info["preferred_username"] == fiona.login


def test_a_redirect_uri_not_registered_exactly_gets_the_400_page_and_no_redirect(
    flow: Flow,
) -> None:
    for uri in ("http://localhost:45679/okta-wizard/callback", REDIRECT + "/", "http://evil/"):
        answer = flow.authorize(redirect_uri=uri)
        assert answer.status_code == 400 and "location" not in answer.headers
        assert "must be a Login redirect URI in the client app settings" in answer.text


def test_an_inactive_app_gets_a_bare_400(flow: Flow) -> None:
    flow.app.status = "INACTIVE"
    answer = flow.authorize()
    assert answer.status_code == 400 and "location" not in answer.headers
    assert "redirect_uri" not in answer.text and "Error Code" not in answer.text


def test_an_unknown_client_gets_the_400_page(flow: Flow) -> None:
    answer = flow.authorize(client_id="0oaNOPE")
    assert answer.status_code == 400 and "Invalid value for 'client_id' parameter" in answer.text


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"scope": "openid email bogus"}, "invalid_scope"),
        ({"scope": "email profile"}, "invalid_scope"),
        ({"state": ""}, "invalid_request"),
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"prompt": "sometimes"}, "invalid_request"),
        ({"prompt": "none"}, "login_required"),
        ({"code_challenge_method": "plain"}, "invalid_request"),
    ],
)
def test_other_errors_go_back_to_the_redirect_uri(
    flow: Flow, overrides: dict[str, str], error: str
) -> None:
    query = _location_query(flow.authorize(**overrides))
    assert query["error"] == [error] and query["error_description"]
    assert query.get("state", [""])[0] == overrides.get("state", "st-1")


def test_a_user_of_no_assigned_group_is_denied_with_okta_s_text(flow: Flow) -> None:
    back = flow.sign_in(flow.authorize(), "sam.sales@example.com")
    query = _location_query(back)
    assert query["error"] == ["access_denied"]
    assert query["error_description"] == ["User is not assigned to the client application."]
    everyone = flow.sb.org.everyone()
    flow.app.assignments[everyone.id] = Assignment(everyone.id, 1, flow.app.created)
    again = flow.sign_in(flow.authorize(prompt="login"), "sam.sales@example.com")
    assert "code" in _location_query(again)


def test_a_wrong_password_shows_the_form_again(flow: Flow) -> None:
    again = flow.sign_in(flow.authorize(), "fiona.finance@example.com", "wrong")
    assert again.status_code == 200 and "Unable to sign in" in again.text


def test_a_session_skips_the_form_unless_prompt_login(flow: Flow) -> None:
    flow.code()  # signs in: the browser now has Okta's session cookie
    assert "code" in _location_query(flow.authorize())
    assert flow.authorize(prompt="login").status_code == 200  # the form again


def test_a_code_works_once(flow: Flow) -> None:
    code = flow.code()
    assert flow.token(code).status_code == 200
    again = flow.token(code)
    assert again.status_code == 400
    assert again.json() == {
        "error": "invalid_grant",
        "error_description": "The authorization code is invalid or has expired.",
    }


@pytest.mark.parametrize(
    ("form", "description"),
    [
        ({"code_verifier": "w" * 50}, "PKCE verification failed."),
        ({"code_verifier": ""}, "PKCE verification failed."),
        (
            {"redirect_uri": "http://localhost:1/okta-wizard/callback"},
            "The 'redirect_uri' does not match the redirection URI used in the authorization "
            "request.",
        ),
    ],
)
def test_a_code_is_bound_to_its_redirect_uri_and_pkce_verifier(
    flow: Flow, form: dict[str, str], description: str
) -> None:
    answer = flow.token(flow.code(), **form)
    assert answer.status_code == 400
    assert answer.json()["error_description"] == description


def test_a_code_is_bound_to_its_client(flow: Flow) -> None:
    other = flow.sb.org.add_oidc_app("Other")
    code = flow.code()
    answer = httpx.post(
        f"{flow.sb.base_url}/oauth2/v1/token",
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT},
        auth=(other.id, other.secrets[0].value),
    )
    assert answer.status_code == 400 and "issued to another client" in answer.text


def test_client_authentication_as_okta_checks_it(flow: Flow) -> None:
    code = flow.code()
    wrong = flow.token(code, secret="not-the-secret")
    assert wrong.status_code == 401
    assert wrong.json()["error"] == "invalid_client"
    assert "client secret supplied for a confidential client is invalid" in wrong.text
    posted = httpx.post(
        f"{flow.sb.base_url}/oauth2/v1/token",
        data={"grant_type": "authorization_code", "code": code, "client_id": flow.app.id,
              "client_secret": flow.secret, "redirect_uri": REDIRECT},
    )  # fmt: skip
    assert posted.status_code == 401  # the app authenticates with client_secret_basic
    none = httpx.post(
        f"{flow.sb.base_url}/oauth2/v1/token", data={"grant_type": "authorization_code"}
    )
    assert none.status_code == 401 and "No client credentials found." in none.text


def test_the_token_route_still_serves_the_service_apps_grants(flow: Flow) -> None:
    other_grant = httpx.post(f"{flow.sb.base_url}/oauth2/v1/token", data={"grant_type": "password"})
    assert other_grant.json()["error"] == "unsupported_grant_type"  # sandbox/oauth.py's answer
    assert flow.sb.state.oauth.token_requests == 1
    flow.token(flow.code())
    assert flow.sb.state.oauth.token_requests == 1  # the code grant never reached it
    assert [c.key for c in flow.sb.calls].count("POST /oauth2/v1/token") == 2  # one route


def test_userinfo_refuses_a_token_it_did_not_issue(flow: Flow) -> None:
    answer = httpx.get(
        f"{flow.sb.base_url}/oauth2/v1/userinfo", headers={"Authorization": "Bearer nope"}
    )
    assert (
        answer.status_code == 401 and 'error="invalid_token"' in answer.headers["www-authenticate"]
    )


def test_the_unlisted_key_fault_signs_with_a_key_the_jwks_does_not_have(flow: Flow) -> None:
    sign_in_of(flow.sb.state).sign_with_unlisted_key = True
    id_token = flow.token(flow.code()).json()["id_token"]
    listed = {k["kid"] for k in httpx.get(f"{flow.sb.base_url}/oauth2/v1/keys").json()["keys"]}
    assert jwt.get_unverified_header(id_token)["kid"] not in listed


def test_issued_codes_and_tokens_are_listed_for_leak_scans(flow: Flow) -> None:
    code = flow.code()
    tokens = flow.token(code).json()
    issued = sign_in_of(flow.sb.state).issued_secrets()
    assert {code, tokens["access_token"], tokens["id_token"]} <= set(issued)


def test_sign_ins_and_token_grants_are_written_to_the_system_log(flow: Flow) -> None:
    """What `verify --activity` reads: Okta logs each sign-in through the app (a refused one
    with its reason) and each token request (a wrong secret as a failed grant)."""

    def logged() -> list[tuple[str, str, str | None]]:
        return [
            (e["eventType"], e["outcome"]["result"], e["outcome"].get("reason"))
            for e in flow.sb.state.system_log.events()
            if any(t.get("id") == flow.app.id for t in e.get("target", []))
        ]

    before = logged()
    flow.sign_in(flow.authorize(), "sam.sales@example.com")  # not assigned
    assert flow.token(flow.code(prompt="login")).status_code == 200
    assert flow.token(flow.code(prompt="login"), secret="not-the-secret").status_code == 401
    new = logged()[len(before) :]
    assert new == [
        ("user.authentication.sso", "FAILURE", "User is not assigned to the client application."),
        ("user.authentication.sso", "SUCCESS", None),
        ("app.oauth2.token.grant.id_token", "SUCCESS", None),
        ("user.authentication.sso", "SUCCESS", None),
        ("app.oauth2.token.grant", "FAILURE", "invalid_client"),
    ]

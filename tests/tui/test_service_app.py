"""Step 1 with an OAuth 2.0 service app (private key JWT) against the sandbox org: the key file
checked as typed, then the engine driven with a ServiceAppKey; the service-app failures (wrong
key, missing scope, missing admin role) shown in place with where to fix them."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from textual.widgets import Button, Input, RadioButton

from okta_wizard.okta.credentials import ServiceAppKey
from okta_wizard.sandbox.oauth import GeneratedServiceApp
from tests.leakscan import find_leaks
from tests.tui.pilot_helpers import press_button, screen_of, settle, text_of, wait_for, walk_to


def write_key(folder: Path, generated: GeneratedServiceApp, name: str = "key.pem") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(generated.private_key_pem.reveal())
    os.chmod(path, 0o600)
    return path


def key_material(generated: GeneratedServiceApp) -> list[str]:
    pem = generated.private_key_pem.reveal()
    body = "".join(line for line in pem.splitlines() if not line.startswith("-----"))
    return [pem, body, generated.private_jwk().reveal()]


def error_text(app: Any) -> str:
    return text_of(app, "#step-1 .error-box")


async def choose_service_app(pilot: Any, client_id: str, key: Path, key_id: str = "") -> None:
    screen = screen_of(pilot.app)
    screen.query_one("#auth-service-app", RadioButton).value = True
    await settle(pilot)
    assert screen.query_one("#service-app-fields").display
    assert not screen.query_one("#token-fields").display
    screen.query_one("#client-id", Input).value = client_id
    screen.query_one("#private-key", Input).value = str(key)
    screen.query_one("#key-id", Input).value = key_id
    await settle(pilot)


async def test_service_app_signs_in_and_walks_to_step_6(
    wizard: Any, sandbox: Any, tmp_path: Path
) -> None:
    generated = sandbox.oauth.register_generated()
    key = write_key(tmp_path / "keys", generated)
    app = wizard(token=None)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await choose_service_app(pilot, generated.client_id, key, generated.kid)
        await wait_for(pilot, lambda: "RS256 private key" in text_of(app, "#private-key-hint"))
        assert generated.kid in text_of(app, "#private-key-hint")
        await press_button(pilot, "connect-check")
        assert "service app" in text_of(app, "#connect-who")
        assert generated.client_id in text_of(app, "#connect-who")
        assert "FAIL" not in text_of(app, "#connect-checks")
        assert not screen_of(app).query_one("#connect-next", Button).disabled
        await press_button(pilot, "connect-next")
        await walk_to(pilot, 5, start=2)
        assert app.state.checks and all(c.ok for c in app.state.checks)
        shown = [app.export_screenshot(), " ".join(app.announcements)]
    assert len(sandbox.org.apps_by_label("Upflow SSO")) == 1
    # The service app's token, not an API token, made every Management API call.
    assert sandbox.oauth.tokens_issued >= 1
    secrets = key_material(generated) + [t.reveal() for t in sandbox.oauth.live_tokens()]
    assert find_leaks(secrets, texts=shown) == []


async def test_key_file_is_checked_as_typed(wizard: Any, sandbox: Any, tmp_path: Path) -> None:
    generated = sandbox.oauth.register_generated()
    app = wizard(token=None)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        missing = tmp_path / "nope.pem"
        await choose_service_app(pilot, generated.client_id, missing)
        await wait_for(pilot, lambda: "does not exist" in text_of(app, "#private-key-hint"))
        public = tmp_path / "public.pem"
        public.write_text("-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n")
        screen_of(app).query_one("#private-key", Input).value = str(public)
        await wait_for(pilot, lambda: "public key" in text_of(app, "#private-key-hint"))
        key = write_key(tmp_path / "keys", generated)
        key.chmod(0o644)
        screen_of(app).query_one("#private-key", Input).value = str(key)
        await wait_for(pilot, lambda: "RS256 private key" in text_of(app, "#private-key-hint"))
        assert "chmod 600" in text_of(app, "#private-key-hint")
        screen_of(app).query_one("#client-id", Input).value = "0oa1 not an id"
        await settle(pilot)
        assert "letters, digits" in text_of(app, "#client-id-hint")
        await press_button(pilot, "connect-check")
        assert "not a client id" in error_text(app)
        shown = app.export_screenshot()
    assert sandbox.calls == []  # nothing was sent with bad input
    assert find_leaks(key_material(generated), texts=[shown]) == []


async def test_wrong_key_is_refused_in_place(wizard: Any, sandbox: Any, tmp_path: Path) -> None:
    generated = sandbox.oauth.register_generated()
    impostor = sandbox.oauth.register_generated()
    key = write_key(tmp_path / "impostor", impostor)
    app = wizard(token=None)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await choose_service_app(pilot, generated.client_id, key)
        await press_button(pilot, "connect-check")
        shown = error_text(app)
        assert "signature is invalid" in shown and "Public Keys" in shown, shown
        assert screen_of(app).query_one("#connect-next", Button).disabled
        assert screen_of(app).current == 1
    assert sandbox.mutating_calls() == []


async def test_missing_scope_names_it_and_the_tab(
    wizard: Any, sandbox: Any, tmp_path: Path
) -> None:
    app = prefilled(wizard, sandbox, tmp_path, scopes=("okta.apps.read", "okta.groups.read"))
    async with app.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, 1)  # prefilled, as `okta-wizard --client-id … --private-key …`
        assert screen_of(app).query_one("#auth-service-app", RadioButton).value
        await press_button(pilot, "connect-check")
        shown = error_text(app)
        assert "okta.apps.manage" in shown and "Okta API Scopes tab" in shown, shown
        assert screen_of(app).query_one("#connect-next", Button).disabled
    assert sandbox.mutating_calls() == []


def prefilled(wizard: Any, sandbox: Any, folder: Path, **register: Any) -> Any:
    """The wizard as `okta-wizard --client-id ID --private-key FILE` opens it."""
    generated = sandbox.oauth.register_generated(**register)
    key = write_key(folder / "keys", generated)
    return wizard(token=None, service_app=ServiceAppKey(generated.client_id, key))


async def test_missing_admin_role_says_how_to_grant_it(
    wizard: Any, sandbox: Any, tmp_path: Path
) -> None:
    app = prefilled(wizard, sandbox, tmp_path, roles=())
    async with app.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, 1)
        await press_button(pilot, "connect-check")
        shown = error_text(app) + text_of(app, "#connect-checks")
        assert "Admin roles tab" in shown and "Application Administrator" in shown, shown
        assert screen_of(app).query_one("#connect-next", Button).disabled
    assert sandbox.mutating_calls() == []


async def test_a_role_that_cannot_create_apps_stops_step_3_in_place(
    wizard: Any, sandbox: Any, tmp_path: Path
) -> None:
    # Without okta.roles.read the preflight cannot read the roles: Okta decides on create.
    app = prefilled(wizard, sandbox, tmp_path, roles=("ORG_ADMIN",))
    async with app.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, 3)
        assert "Okta decides on create" in text_of(app, "#connect-checks")
        await press_button(pilot, "settings-create")
        shown = text_of(app, "#step-3 .error-box")
        assert "Admin roles tab" in shown, shown
        assert screen_of(app).query_one("#settings-next", Button).disabled
    assert sandbox.org.apps_by_label("Upflow SSO") == []


async def test_a_key_imported_into_the_keyring_signs_in_without_a_file(
    wizard: Any, sandbox: Any
) -> None:
    # As `okta-wizard --org-url URL --client-id ID` opens it after `apply --import-key`: the key
    # comes from the keyring, the key field stays empty and no key text reaches the screen.
    generated = sandbox.oauth.register_generated()
    held = ServiceAppKey(generated.client_id, None, private_key=generated.private_key_pem)
    app = wizard(token=None, service_app=held)
    async with app.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, 1)
        assert screen_of(app).query_one("#private-key", Input).value == ""
        assert "imported into the keyring" in text_of(app, "#private-key-hint")
        await press_button(pilot, "connect-check")
        assert generated.client_id in text_of(app, "#connect-who")
        assert "FAIL" not in text_of(app, "#connect-checks")
        shown = app.export_screenshot()
    assert sandbox.oauth.tokens_issued >= 1
    assert sandbox.mutating_calls() == []
    assert find_leaks(key_material(generated), texts=[shown]) == []
    assert "None" not in shown  # no "None" where a key file path would go

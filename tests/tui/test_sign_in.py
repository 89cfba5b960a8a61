"""Step 5's test sign-in through Pilot, with the browser step done by headless Chromium.

The wizard's browser opener is the one thing injected: instead of the system browser, it hands
the authorization URL to Debian's Chromium (driven through Selenium, as tests/signin do), which
signs in on the sandbox org's page and is redirected to the wizard's loopback listener. Each
test ends with the app's redirect URIs exactly as Upflow needs them, and nothing the sandbox
issued (secret, code, tokens) on screen.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, RadioSet

from okta_wizard.sandbox.oidc import sign_in_of
from okta_wizard.setup import journal as journal_store
from okta_wizard.setup.spec import SIGN_IN_REDIRECT_URI, SIGN_OUT_REDIRECT_URI
from okta_wizard.tui.app import WizardApp
from okta_wizard.tui.widgets.confirm import ConfirmModal
from okta_wizard.tui.widgets.sign_in_panel import SignInPanel
from tests.leakscan import find_leaks
from tests.signin.conftest import ASSIGNED, NOT_ASSIGNED, sign_in_in_browser
from tests.signin.conftest import browser as browser  # the headless Chromium fixture
from tests.tui.pilot_helpers import press_button, run_until, screen_of, settle, text_of, walk_to

pytestmark = pytest.mark.slow


class ChromiumOpener:
    """The wizard's `open_browser`: Chromium signs in as `login` in a thread of its own (the
    wizard waits for the redirect meanwhile); True, like a browser that opened."""

    def __init__(self, driver: Any, login: str) -> None:
        self.driver, self.login = driver, login
        self.urls: list[str] = []
        self.heading = ""
        self._thread: threading.Thread | None = None

    def __call__(self, url: str) -> bool:
        self.urls.append(url)

        def drive() -> None:
            self.heading = sign_in_in_browser(self.driver, url, self.login)

        self._thread = threading.Thread(target=drive, name="chromium", daemon=True)
        self._thread.start()
        return True

    def join(self) -> None:
        assert self._thread is not None, "the wizard never opened the browser"
        self._thread.join(60)


class NoBrowser:
    """An opener that opens nothing (as over SSH): the wizard shows the URL and waits."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def __call__(self, url: str) -> bool:
        self.urls.append(url)
        return False


def panel(app: WizardApp) -> SignInPanel:
    return screen_of(app).query_one(SignInPanel)


def app_redirect_uris(sandbox: Any) -> list[str]:
    (okta_app,) = sandbox.org.apps_by_label("Upflow SSO")
    return list(okta_app.oauth_settings["redirect_uris"])


def assert_app_as_upflow_needs(sandbox: Any, app: WizardApp) -> None:
    (okta_app,) = sandbox.org.apps_by_label("Upflow SSO")
    assert okta_app.oauth_settings["redirect_uris"] == [SIGN_IN_REDIRECT_URI]
    assert okta_app.oauth_settings["post_logout_redirect_uris"] == [SIGN_OUT_REDIRECT_URI]
    setup = app.session.require()
    assert setup.journal.test_redirect_uri is None


def assert_nothing_issued_on_screen(sandbox: Any, app: WizardApp) -> None:
    issued = [
        sandbox.token,
        *(s.value for a in sandbox.org.apps.values() for s in a.secrets),
        *sign_in_of(sandbox.state).issued_secrets(),
    ]
    assert find_leaks(issued, texts=[app.export_screenshot(), *app.announcements]) == []


async def assign_finance_only(pilot: Pilot[int]) -> None:
    """Step 4 with the group Finance selected (not Everyone), then on to step 5."""
    app = pilot.app
    screen = screen_of(app)  # type: ignore[arg-type]
    screen.query_one("#assign-mode", RadioSet).focus()
    await pilot.press("down", "enter")  # "Selected groups"
    await settle(pilot)
    screen.query_one("#group-search", Input).focus()
    await pilot.press(*"Finance")
    await settle(pilot)
    await pilot.press("enter")  # adds the first result
    await settle(pilot)
    await press_button(pilot, "assign-apply")
    assert "Finance" in text_of(app, "#assign-result")  # type: ignore[arg-type]
    await press_button(pilot, "assign-next")
    await settle(pilot)


async def start_the_test(pilot: Pilot[int], *, answer: str = "y") -> str:
    """Press Test sign-in, read the question, answer it; the question's text."""
    app = pilot.app
    assert isinstance(app, WizardApp)
    screen_of(app).query_one("#cred-sign-in-test").press()  # type: ignore[attr-defined]
    await run_until(pilot, lambda: isinstance(app.screen, ConfirmModal))
    question = str(app.screen.query_one("#confirm-question").render())
    await pilot.press(answer)
    return question


async def test_a_user_of_the_app_signs_in_and_step_5_shows_what_upflow_receives(
    wizard: Any, sandbox: Any, browser: Any
) -> None:
    opener = ChromiumOpener(browser, ASSIGNED)
    app = wizard(open_browser=opener)
    async with app.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, 5)
        await settle(pilot)
        assert "No sign-in through 'Upflow SSO'" in text_of(app, "#cred-activity")
        question = await start_the_test(pilot)
        assert "adds the sign-in redirect URI http://localhost:" in question
        assert "then removes it" in question and SIGN_IN_REDIRECT_URI in question
        await settle(pilot)  # the wait ends with Chromium's redirect
        opener.join()
        result = text_of(app, "#sign-in-result")
        fiona = sign_in_of(sandbox.state).user_by_login(ASSIGNED)
        assert fiona is not None
        assert result.startswith("✔ Okta will let this user into Upflow"), result
        for claim, value in [
            ("sub", fiona.id),
            ("email", ASSIGNED),
            ("email_verified", "true"),
            ("name", "Fiona Finance"),
            ("preferred_username", ASSIGNED),
        ]:
            assert f"  {claim:<18}  {value}" in result, claim
        assert "✔ example.com is one of those for Upflow (example.com)" in result
        assert "Upflow must still have invited the user." in result
        assert (
            f"The temporary redirect URI was removed; sign-in redirect URIs: "
            f"{SIGN_IN_REDIRECT_URI}" in result
        )
        assert opener.heading == "Signed in"
        assert_app_as_upflow_needs(sandbox, app)
        # The sign-in is in the System Log now, and the step says so.
        activity = text_of(app, "#cred-activity")
        assert "Last sign-in through 'Upflow SSO'" in activity, activity
        assert "1 distinct user(s) in the last 30 days" in activity
        assert app.session.require().journal.sign_in_email_domain == "example.com"
        # The step goes on as before: the checks still pass (no redirect URI left behind).
        await press_button(pilot, "cred-verify")
        assert "FAIL" not in text_of(app, "#cred-checks")
        assert_nothing_issued_on_screen(sandbox, app)


async def test_a_user_not_assigned_gets_the_reason_and_the_remedy(
    wizard: Any, sandbox: Any, browser: Any
) -> None:
    opener = ChromiumOpener(browser, NOT_ASSIGNED)
    app = wizard(open_browser=opener)
    async with app.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, 4)
        await assign_finance_only(pilot)
        await start_the_test(pilot)
        await settle(pilot)
        opener.join()
        result = text_of(app, "#sign-in-result")
        assert result.startswith("✘ The test sign-in did not pass"), result
        assert "User is not assigned to the client application" in result
        assert "→ The app is assigned to Finance. Step 4: assign a group" in result
        assert "What Upflow will receive" not in result  # no user came back
        assert opener.heading == "The test sign-in did not pass"
        assert "Okta will let this user into Upflow" not in result
        assert_app_as_upflow_needs(sandbox, app)
        assert app.session.require().journal.sign_in_passed_at is None
        assert_nothing_issued_on_screen(sandbox, app)


@pytest.mark.parametrize("how", ["escape", "ctrl+c", "button"])
async def test_cancel_while_waiting_removes_the_loopback_uri(
    wizard: Any, sandbox: Any, how: str
) -> None:
    opener = NoBrowser()
    app = wizard(open_browser=opener)
    async with app.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, 5)
        await settle(pilot)
        await start_the_test(pilot)
        await run_until(pilot, lambda: panel(app).waiting)
        (url,) = opener.urls
        status = text_of(app, "#sign-in-status")
        assert "Waiting for the sign-in in the browser" in text_of(app, "#step-5 .progress-line")
        assert "Open this URL in a browser on this machine and sign in:" in status
        assert url.replace("\n", "")[:60] in status.replace("\n", "")
        while_waiting = app_redirect_uris(sandbox)
        assert len(while_waiting) == 2 and SIGN_IN_REDIRECT_URI in while_waiting
        (loopback,) = [u for u in while_waiting if u != SIGN_IN_REDIRECT_URI]
        assert loopback.startswith("http://localhost:")
        if how == "button":
            await press_button(pilot, "sign-in-cancel")
        else:
            await pilot.press(how)
        await settle(pilot)
        assert screen_of(app).current == 5  # Escape ended the test; it did not go back
        assert "Test sign-in cancelled." in text_of(app, "#sign-in-status")
        assert app.announcements[-1] == "Test sign-in cancelled: the redirect URI was removed."
        assert text_of(app, "#step-5 .progress-line") == ""
        assert "The temporary redirect URI was removed" in text_of(app, "#sign-in-result")
        assert loopback not in app_redirect_uris(sandbox)
        assert_app_as_upflow_needs(sandbox, app)
        assert not screen_of(app).query_one("#cred-next").disabled  # the step goes on


async def test_declining_changes_nothing(memory_wizard: Any, sandbox: Any) -> None:
    app = memory_wizard(open_browser=NoBrowser())
    async with app.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, 5)
        await settle(pilot)
        writes_before = len(sandbox.mutating_calls())
        await start_the_test(pilot, answer="n")
        await settle(pilot)
        assert "No test sign-in: the redirect URI was not added." in text_of(app, "#sign-in-status")
        assert app.announcements[-1] == "No test sign-in: the redirect URI was not added."
        assert len(sandbox.mutating_calls()) == writes_before
        assert_app_as_upflow_needs(sandbox, app)


async def test_quitting_while_waiting_removes_the_loopback_uri(wizard: Any, sandbox: Any) -> None:
    app = wizard(open_browser=NoBrowser())
    async with app.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, 5)
        await settle(pilot)
        await start_the_test(pilot)
        await run_until(pilot, lambda: panel(app).waiting)
        assert len(app_redirect_uris(sandbox)) == 2
        await pilot.press("ctrl+q")  # the quit question (progress is saved), then yes
        await run_until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("y")
    # The app has exited: its test sign-in ended with it, and cleaned up first.
    assert app_redirect_uris(sandbox) == [SIGN_IN_REDIRECT_URI]
    saved = journal_store.load(sandbox.base_url)  # nothing is left for the next run to remove
    assert saved is not None and saved.test_redirect_uri is None


async def test_claims_with_markup_and_escapes_are_shown_as_text(
    wizard: Any, sandbox: Any, browser: Any
) -> None:
    fiona = sign_in_of(sandbox.state).user_by_login(ASSIGNED)
    assert fiona is not None
    fiona.last_name = "[@click=app.quit]Finance[/] [b]x[/b] \x1b[2J"
    opener = ChromiumOpener(browser, ASSIGNED)
    app = wizard(open_browser=opener)
    async with app.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, 5)
        await settle(pilot)
        await start_the_test(pilot)
        await settle(pilot)
        opener.join()
        result = text_of(app, "#sign-in-result")
        assert app.is_running  # the [@click=app.quit] did nothing
    assert "Fiona [@click=app.quit]Finance[/] [b]x[/b] \\x1b[2J" in result, result
    assert "\x1b" not in result

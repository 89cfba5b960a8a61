"""Step 5 · Credentials: client_id, issuer, the secret masked with its fingerprint, verification,
whether SSO is in use (the System Log), and a test sign-in through the app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.widgets import Button, Static

from okta_wizard.secret import Secret
from okta_wizard.tui.clipboard import board_for
from okta_wizard.tui.steps.base import StepPane, check_line
from okta_wizard.tui.text import lines, styled
from okta_wizard.tui.widgets.secret_view import SecretView
from okta_wizard.tui.widgets.sign_in_panel import SignInPanel
from okta_wizard.tui.widgets.sso_activity import SsoActivity

if TYPE_CHECKING:
    from okta_wizard.setup.engine import Check, Credentials


class CredentialsPane(StepPane):
    STEP = 5
    INTRO_WITH_DELAY = (
        "What Upflow needs. The secret stays masked: focus it and press r to reveal it for a "
        "few seconds, c to copy it (the clipboard is cleared after {seconds:g} s)."
    )

    def compose(self) -> ComposeResult:
        # The delay is the configured one, so the intro is written when the pane is built.
        self.INTRO = self.INTRO_WITH_DELAY.format(seconds=self.wizard.config.clear_after)
        yield from super().compose()

    def compose_body(self) -> ComposeResult:
        yield Static("", id="cred-client-id")
        yield Static("", id="cred-issuer")
        yield SecretView(
            "Client secret",
            Secret(""),
            reveal_seconds=self.wizard.config.reveal_seconds,
            clear_after=self.wizard.config.clear_after,
            id="cred-secret",
        )
        yield Static("", id="cred-checks")
        yield SsoActivity(lambda: self.wizard.session.require(), id="cred-activity")
        yield SignInPanel(
            lambda: self.wizard.session.require(),
            self.wizard.config.open_browser,
            id="cred-sign-in",
        )

    def compose_actions(self) -> ComposeResult:
        yield Button("Continue ▶", id="cred-next", variant="primary", disabled=True)
        yield Button("Verify again", id="cred-verify")
        yield Button("Copy client_id", id="cred-copy-id")
        yield Button("Test sign-in", id="cred-sign-in-test", disabled=True)

    shown = False  # the credentials are on screen

    def on_mount(self) -> None:
        self.query_one(SecretView).display = False

    def on_enter(self) -> None:
        if self.state.credentials is None:
            self.load()
        elif not self.shown:  # read and verified already (a resumed setup)
            self.show_credentials(self.state.credentials)
            self.show_checks(self.state.checks)

    def focus_first(self) -> None:
        if self.state.credentials is not None:
            self.focus_control(self.query_one(SecretView))

    @work(exclusive=True, group="step", exit_on_error=False)
    async def load(self) -> None:
        self.clear_error()
        setup = self.wizard.session.require()
        self.show_progress("Reading client_id, the secret (keyring) and the issuer…")
        creds = await setup.read_credentials()
        self.state.credentials = creds
        self.show_credentials(creds)
        await self._verify()
        self.query_one(SecretView).focus()

    def show_credentials(self, creds: Credentials) -> None:
        self.shown = True
        self.query_one("#cred-client-id", Static).update(
            styled("Client ID  [b]$client_id[/b]", client_id=creds.client_id)
        )
        self.query_one("#cred-issuer", Static).update(
            styled("Issuer     [b]$issuer[/b]", issuer=creds.issuer)
        )
        view = self.query_one(SecretView)
        view.set_secret(creds.secret)
        view.display = True

    def show_checks(self, checks: tuple[Check, ...]) -> None:
        self.query_one("#cred-checks", Static).update(
            lines(["Verification", *(check_line(c) for c in checks)])
        )
        self.query_one("#cred-next", Button).disabled = False

    async def _verify(self) -> None:
        self.show_progress("Verifying in Okta: app active, redirect URIs, grants, secret works…")
        checks = await self.wizard.session.require().verify()
        self.show_progress("")
        self.state.checks = checks
        self.show_checks(checks)
        ok = all(c.ok for c in checks)
        # Like `verify --sign-in`: a test sign-in only once every check passed.
        self.query_one("#cred-sign-in-test", Button).disabled = not ok
        self.query_one(SsoActivity).load()
        self.announce(
            "All verification checks passed." if ok else "Some verification checks failed.",
            severity="information" if ok else "warning",
        )

    @work(exclusive=True, group="step", exit_on_error=False)
    async def verify_again(self) -> None:
        self.clear_error()
        await self._verify()

    @on(Button.Pressed, "#cred-verify")
    def _verify_pressed(self) -> None:
        self.verify_again()

    @on(Button.Pressed, "#cred-copy-id")
    def _copy_id(self) -> None:
        if self.state.credentials is None:
            return
        board = board_for(self.app)
        client_id = Secret(self.state.credentials.client_id)  # not secret: nothing to clear
        outcome = board.cannot_copy() or board.copy(
            client_id, what="the client_id", clear_after=None, sensitive=False
        )
        if outcome.copied:
            self.announce(outcome.message)
        else:
            self.announce(f"{outcome.message} Select the client_id with the mouse.")

    @on(Button.Pressed, "#cred-next")
    def _next(self) -> None:
        self.finish()

    @on(Button.Pressed, "#cred-sign-in-test")
    def _sign_in_pressed(self) -> None:
        self.clear_error()
        self.query_one(SignInPanel).run()

    @on(SignInPanel.Started)
    def _sign_in_started(self) -> None:
        # The app carries a temporary redirect URI meanwhile: nothing else reads or hands it on.
        for button in self.query(".action-bar Button").results(Button):
            button.disabled = True

    @on(SignInPanel.Waiting)
    def _sign_in_waiting(self) -> None:
        self.show_progress("Waiting for the sign-in in the browser (Cancel or Escape ends it)…")

    @on(SignInPanel.Ended)
    def _sign_in_ended(self, event: SignInPanel.Ended) -> None:
        self.show_progress("")
        for button in self.query(".action-bar Button").results(Button):
            button.disabled = False
        self.focus_control(self.query_one("#cred-next" if event.passed else "#cred-sign-in-test"))
        self._after_sign_in(event.passed)

    @work(group="sso-activity", exit_on_error=False)
    async def _after_sign_in(self, passed: bool) -> None:
        if passed:  # the sign-in just made is in the log now
            await self.query_one(SsoActivity).read()
        self.show_newest()  # the verdict, once the activity above it has its new height

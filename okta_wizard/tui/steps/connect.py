"""Step 1 · Sign in to Okta: org URL, a credential (API token or OAuth 2.0 service app),
live check, preflight."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from textual import getters, on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from okta_wizard.errors import UsageError
from okta_wizard.orgurl import parse_org_url
from okta_wizard.tui.demo import empty_token_remedy
from okta_wizard.tui.steps.base import StepPane, check_line
from okta_wizard.tui.text import lines, plain, styled
from okta_wizard.tui.widgets.choice import Choice
from okta_wizard.tui.widgets.secret_input import SecretInput
from okta_wizard.tui.widgets.service_app_fields import ServiceAppFields

if TYPE_CHECKING:
    from okta_wizard.setup.models import Actor, Credential

METHODS = ("token", "service-app")
URL_HINT_DEBOUNCE = 0.25  # seconds of no typing before the org URL is judged


ENGINES = {"idx": "Identity Engine", "v1": "Classic Engine"}


def engine_name(pipeline: str) -> str:
    """Okta's name for the org's engine, from its pipeline ("idx", "v1"); any other value is
    shown as what it is."""
    return ENGINES.get(pipeline, f"pipeline {pipeline}" if pipeline else "engine not said")


def actor_line(actor: Actor) -> Content:
    if actor.kind == "service_app":
        return styled("service app [b]$id[/b] (OAuth 2.0, private key JWT)", id=actor.id)
    who = actor.display_name or actor.login or actor.id
    return styled("[b]$who[/b] ($email)", who=who, email=actor.email or actor.kind)


class ConnectPane(StepPane):
    STEP = 1
    INTRO = (
        "Your Okta org URL and a credential that may create OIDC apps (Super Admin, App Admin "
        "or API Access Management Admin). Nothing changes in Okta here."
    )

    org_url = getters.query_one("#org-url", Input)
    token = getters.query_one("#token", SecretInput)
    auth_method = getters.query_one("#auth-method", RadioSet)
    service_app_fields = getters.query_one(ServiceAppFields)
    check_button = getters.query_one("#connect-check", Button)
    next_button = getters.query_one("#connect-next", Button)

    def compose_body(self) -> ComposeResult:
        yield Label("Org URL")
        yield Input(placeholder="https://acme.okta.com", id="org-url")
        yield Static("", id="org-url-hint", classes="hint")
        yield Label("Sign in with")
        with RadioSet(id="auth-method"):
            yield Choice("API token", value=True, id="auth-token")
            yield Choice("OAuth 2.0 service app (private key)", id="auth-service-app")
        with Vertical(id="token-fields"):
            if self.wizard.config.demo is not None:
                yield Label("API token (the demo's own, filled in and masked; F1 shows it)")
                yield SecretInput(placeholder="the demo's token: press F1 to see it", id="token")
            else:
                yield Label("API token (masked; never saved to a file)")
                yield SecretInput(placeholder="SSWS token from Security > API > Tokens", id="token")
        if self.wizard.config.service_app is not None:
            yield ServiceAppFields(id="service-app-fields")  # else mounted when first chosen
        yield Static("", id="connect-who")
        yield Static("", id="connect-checks")

    def compose_actions(self) -> ComposeResult:
        yield Button("Check connection", id="connect-check", variant="primary")
        yield Button("Continue ▶", id="connect-next", disabled=True)

    def on_mount(self) -> None:
        if self.wizard.config.starting is not None:
            self.check_button.disabled = True
            self.show_progress("Starting the demo's sandbox org…")
        else:
            self.configured()

    def configured(self) -> None:
        """Fill in what the run was started with (at mount, or once the demo's sandbox
        answers)."""
        config = self.wizard.config
        if config.org_url:
            self.org_url.value = config.org_url
        if config.token is not None:
            self.token.value = config.token.reveal()
        if config.service_app is not None:
            self.service_app_fields.prefill(config.service_app)
            self.query_one("#auth-service-app", RadioButton).value = True
        self._show_method()
        self.check_button.disabled = False
        self.show_progress("")

    def start_failed(self, exc: BaseException) -> None:
        """The demo's sandbox did not start: nothing can be checked; say why."""
        self.show_error(exc)

    def prefill_org_url(self, org_url: str) -> None:
        self.org_url.value = org_url

    def has_credential(self) -> bool:
        """A credential is filled in (the demo's token, OKTA_API_TOKEN, a service app's key)."""
        if self.method == "service-app":
            return self.wizard.config.service_app is not None
        return bool(self.token.value)

    @property
    def method(self) -> str:
        return METHODS[max(self.auth_method.pressed_index, 0)]

    def _show_method(self) -> None:
        service_app = self.method == "service-app"
        self.query_one("#token-fields").display = not service_app
        for fields in self.query(ServiceAppFields):
            fields.display = service_app

    @on(RadioSet.Changed, "#auth-method")
    async def _method_changed(self) -> None:
        if self.method == "service-app" and not self.query(ServiceAppFields):
            # The first screen composes only the token sign-in; this one comes when chosen.
            await self.body.mount(ServiceAppFields(id="service-app-fields"), after="#token-fields")
        self._show_method()

    def focus_first(self) -> None:
        url = self.org_url
        if url.value and self.method == "token" and not self.token.value:
            self.focus_control(self.token)
        else:
            self.focus_control(url)

    def _focus_credential(self) -> None:
        if self.method == "token":
            self.token.focus()
        else:
            self.service_app_fields.focus_first()

    @on(Input.Changed, "#org-url")
    def _url_changed(self, event: Input.Changed) -> None:
        self.judge_url_when_typing_pauses(event.value)

    @work(exclusive=True, group="url-hint")
    async def judge_url_when_typing_pauses(self, text: str) -> None:
        # Not at every keystroke: "Invalid org URL" would flash while the first letters of
        # a good one are typed. Enter judges at once.
        await asyncio.sleep(URL_HINT_DEBOUNCE)
        self.judge_url(text)

    def judge_url(self, text: str) -> bool:
        """Show the verdict on the org URL under its field; True when it is a valid one."""
        hint = self.query_one("#org-url-hint", Static)
        if not text.strip():
            hint.update("")
            hint.remove_class("error")
            return False
        try:
            hint.update(plain(f"✔ {parse_org_url(text).origin}"))
            hint.remove_class("error")
            return True
        except UsageError as exc:
            hint.update(plain(f"✘ {exc.message} {exc.remedy}".strip()))
            hint.add_class("error")
            return False

    @on(Input.Submitted, "#org-url")
    def _url_entered(self) -> None:
        if self.wizard.config.starting is not None and not self.org_url.value:
            self.announce("The demo's sandbox org is still starting: its address comes next.")
            return
        # A bad URL keeps the focus: the next keystrokes must fix it, not overwrite the token.
        if self.judge_url(self.org_url.value):
            self._focus_credential()
        else:
            self.org_url.focus()
            self.announce("Fix the org URL first (see under the field).", severity="warning")

    @on(Input.Submitted, "#client-id")
    def _client_id_entered(self) -> None:
        self.query_one("#private-key", Input).focus()

    @on(Input.Submitted, "#private-key")
    def _key_entered(self) -> None:
        self.query_one("#key-id", Input).focus()

    @on(Input.Submitted, "#token")
    @on(Input.Submitted, "#key-id")
    @on(Button.Pressed, "#connect-check")
    def _check_pressed(self) -> None:
        self.check_connection()

    async def _credential(self) -> Credential:
        from okta_wizard.setup.models import ApiToken

        if self.method == "service-app":
            return await self.service_app_fields.credential()
        token = self.token.secret
        if not token:
            raise UsageError(
                "The API token is empty.", remedy=empty_token_remedy(self.wizard.config.demo)
            )
        return ApiToken(token)

    @on(Button.Pressed, "#connect-next")
    def _next(self) -> None:
        self.finish()

    @work(exclusive=True, group="step", exit_on_error=False)
    async def check_connection(self) -> None:
        from okta_wizard.setup.engine import SetupOptions

        self.clear_error()
        self.next_button.disabled = True
        self.query_one("#connect-checks", Static).update("")
        org_url = parse_org_url(self.org_url.value)
        credential = await self._credential()
        options = SetupOptions(
            org_url=org_url,
            credential=credential,
            label=self.state.label,
            allow_insecure_storage=self.wizard.config.insecure_storage,
        )
        self.show_progress(f"Connecting to {org_url.origin}…")
        self.check_button.loading = True
        try:
            setup = await self.wizard.session.open(options)
            report = await setup.connect()
        finally:
            self.check_button.loading = False
        self.show_progress("")
        self.state.org_url = org_url.origin
        self.state.connect = report
        self.query_one("#connect-who", Static).update(
            Content("Signed in as ")
            + actor_line(report.actor)
            + plain(f" · org {report.org.url} ({engine_name(report.org.pipeline)})")
        )
        self.query_one("#connect-checks", Static).update(
            lines(check_line(c) for c in report.checks)
        )
        self.show_newest()  # the checks are the answer
        if report.ok:
            self.next_button.disabled = False
            if self.wizard.wizard_screen().resuming():
                # A saved setup goes on by itself: to where it stopped, once checked.
                self.announce("Connected: all checks passed. Checking the saved steps in Okta…")
                self.finish()
                return
            self.announce("Connected: all checks passed. Press Continue.")
            self.next_button.focus(scroll_visible=False)
        else:
            failed = sum(1 for c in report.checks if not c.ok)
            self.announce(
                f"{failed} check(s) failed: fix them in Okta, then check again.",
                severity="warning",
            )

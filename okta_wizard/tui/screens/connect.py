"""Step 1 · Sign in to Okta: org URL, masked credential, live check, preflight."""

from __future__ import annotations

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input, Label, Static

from okta_wizard.okta.credentials import ApiToken
from okta_wizard.orgurl import parse_org_url
from okta_wizard.setup.engine import SetupOptions
from okta_wizard.tui.screens.base import StepPane, check_line
from okta_wizard.tui.widgets.secret_input import SecretInput


class ConnectPane(StepPane):
    STEP = 1
    INTRO = (
        "Your Okta org URL and an API token of an admin who may create OIDC apps "
        "(Super Admin, App Admin or API Access Management Admin). Nothing changes in Okta here."
    )

    def compose_body(self) -> ComposeResult:
        yield Label("Org URL")
        yield Input(placeholder="https://acme.okta.com", id="org-url")
        yield Static("", id="org-url-hint", classes="hint")
        yield Label("API token (masked; never saved to a file)")
        yield SecretInput(placeholder="SSWS token from Security > API > Tokens", id="token")
        with Horizontal(classes="buttons"):
            yield Button("Check connection", id="connect-check", variant="primary")
            yield Button("Continue ▶", id="connect-next", disabled=True)
        yield Static("", id="connect-who")
        yield Static("", id="connect-checks")

    def on_mount(self) -> None:
        config = self.wizard.config
        if config.org_url:
            self.query_one("#org-url", Input).value = config.org_url
        if config.token is not None:
            self.query_one("#token", SecretInput).value = config.token.reveal()

    def focus_first(self) -> None:
        url = self.query_one("#org-url", Input)
        token = self.query_one("#token", SecretInput)
        (token if url.value and not token.value else url).focus()

    @on(Input.Changed, "#org-url")
    def _validate_url(self, event: Input.Changed) -> None:
        hint = self.query_one("#org-url-hint", Static)
        if not event.value.strip():
            hint.update("")
            return
        try:
            hint.update(f"✔ {escape(parse_org_url(event.value).origin)}")
            hint.remove_class("error")
        except Exception as exc:
            hint.update(escape(str(exc)))
            hint.add_class("error")

    @on(Input.Submitted, "#org-url")
    def _url_entered(self) -> None:
        self.query_one("#token", SecretInput).focus()

    @on(Input.Submitted, "#token")
    @on(Button.Pressed, "#connect-check")
    def _check_pressed(self) -> None:
        self.check_connection()

    @on(Button.Pressed, "#connect-next")
    def _next(self) -> None:
        self.finish()

    @work(exclusive=True, group="step", exit_on_error=False)
    async def check_connection(self) -> None:
        self.clear_error()
        self.query_one("#connect-next", Button).disabled = True
        self.query_one("#connect-checks", Static).update("")
        org_url = parse_org_url(self.query_one("#org-url", Input).value)
        token = self.query_one("#token", SecretInput).secret
        if not token:
            from okta_wizard.errors import UsageError

            raise UsageError(
                "The API token is empty.",
                remedy="Create one in the Admin Console (Security > API > Tokens) and paste it.",
            )
        options = SetupOptions(
            org_url=org_url,
            credential=ApiToken(token),
            label=self.state.label,
            allow_insecure_storage=self.wizard.config.insecure_storage,
        )
        self.show_progress(f"Connecting to {org_url.origin}…")
        self.query_one("#connect-check", Button).loading = True
        try:
            setup = await self.wizard.session.open(options)
            report = await setup.connect()
        finally:
            self.query_one("#connect-check", Button).loading = False
        self.show_progress("")
        self.state.org_url = org_url.origin
        self.state.connect = report
        who = report.actor.display_name or report.actor.login or report.actor.id
        self.query_one("#connect-who", Static).update(
            f"Signed in as [b]{escape(who)}[/b] ({escape(report.actor.email or report.actor.kind)})"
            f" · org {escape(report.org.url)} ({escape(report.org.pipeline)})"
        )
        self.query_one("#connect-checks", Static).update(
            "\n".join(check_line(c) for c in report.checks)
        )
        if report.ok:
            self.wizard.announce("Connected: all checks passed. Press Continue.")
            next_button = self.query_one("#connect-next", Button)
            next_button.disabled = False
            next_button.focus()
        else:
            failed = sum(1 for c in report.checks if not c.ok)
            self.wizard.announce(
                f"{failed} check(s) failed: fix them in Okta, then check again.",
                severity="warning",
            )

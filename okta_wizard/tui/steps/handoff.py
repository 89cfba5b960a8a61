"""Step 6 · Send to Upflow: email domains, expiry, burn after reading, the one-time link
(copy-safe), the link-preview warning, and the receipt."""

from __future__ import annotations

import asyncio

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Button, Input, Label, Select, Static

from okta_wizard.errors import UsageError
from okta_wizard.handoff.expiry import DEFAULT_EXPIRE, expiry_choices
from okta_wizard.handoff.message import parse_email_domains as parse_domains
from okta_wizard.secret import Secret
from okta_wizard.tui.steps.base import StepPane
from okta_wizard.tui.text import plain, prose
from okta_wizard.tui.widgets.choice import Toggle
from okta_wizard.tui.widgets.rows import Rows
from okta_wizard.tui.widgets.secret_input import SecretInput
from okta_wizard.tui.widgets.secret_view import SecretView

BURN_ON = "The link opens once, then the server deletes it."
BURN_OFF = (
    "Burn after reading is OFF: the link opens again and again until it expires. "
    "Turn it on unless Upflow asked otherwise."
)
PASSWORD_NOTE = (
    "With a password, the link alone does not open: give Upflow the password by another "
    "channel (a call, a different tool). ASCII characters only."
)


class HandoffPane(StepPane):
    STEP = 6
    INTRO = (
        "Upflow receives client_id, client_secret, issuer and your email domain through a "
        "one-time link, encrypted on this machine (the key is only in the link)."
    )

    def compose_body(self) -> ComposeResult:
        yield Label("Your users' email domain(s)")
        yield Input(placeholder="acme.com", id="handoff-domains")
        yield Label("Link expiry")
        yield Select(
            expiry_choices(),
            value=DEFAULT_EXPIRE,
            allow_blank=False,
            id="handoff-expire",
        )
        yield Toggle("Burn after reading", value=True, id="handoff-burn")
        yield Static(BURN_ON, id="handoff-burn-note")
        yield Label("Link password (optional; masked)")
        yield SecretInput(placeholder="leave empty for none", id="handoff-password")
        yield Static(PASSWORD_NOTE, id="handoff-password-hint", classes="dim")
        yield Static("Server: ", id="handoff-server", classes="dim")
        yield SecretView(
            "One-time link",
            Secret(""),
            show_fingerprint=False,
            reveal_seconds=self.wizard.config.reveal_seconds,
            clear_after=self.wizard.config.clear_after,
            id="handoff-link",
        )
        yield Static("", id="handoff-warning", classes="note")
        yield Vertical(id="handoff-receipt")

    def compose_actions(self) -> ComposeResult:
        yield Button("Create one-time link", id="handoff-create", variant="primary")
        yield Button("Finish", id="handoff-finish", disabled=True)

    def on_mount(self) -> None:
        self.query_one("#handoff-link", SecretView).display = False
        self.query_one("#handoff-server", Static).update(
            plain(f"Server: {self.wizard.config.secrets_url}")
        )

    def on_enter(self) -> None:
        domains = self.query_one("#handoff-domains", Input)
        restored = self.state.restored.email_domains if self.state.restored else ()
        if not domains.value:
            # The domains of the last link (a resumed setup), else the admin's own.
            domains.value = ", ".join(restored) or self.state.admin_email_domain

    def focus_first(self) -> None:
        self.focus_control(self.query_one("#handoff-domains", Input))

    @on(Toggle.Changed, "#handoff-burn")
    def _burn_changed(self, event: Toggle.Changed) -> None:
        note = self.query_one("#handoff-burn-note", Static)
        note.update(BURN_ON if event.value else BURN_OFF)
        note.set_class(not event.value, "warning")

    @on(Input.Changed, "#handoff-password")
    def _password_changed(self, event: Input.Changed) -> None:
        hint = self.query_one("#handoff-password-hint", Static)
        ascii_only = event.value.isascii()
        hint.update(
            PASSWORD_NOTE
            if ascii_only
            else "✘ ASCII characters only (PrivateBin's page derives other characters differently)."
        )
        hint.set_class(not ascii_only, "error")

    def link_password(self) -> Secret | None:
        password = self.query_one("#handoff-password", SecretInput).secret
        return password if password else None

    @on(Input.Submitted, "#handoff-domains")
    @on(Button.Pressed, "#handoff-create")
    def _create_pressed(self) -> None:
        if self.state.link is None:
            self.create_link()

    @on(Button.Pressed, "#handoff-finish")
    def _finish(self) -> None:
        self.finish()

    @work(exclusive=True, group="step", exit_on_error=False)
    async def create_link(self) -> None:
        from okta_wizard.handoff.warnings import LINK_PREVIEW_WARNING
        from okta_wizard.setup.steps import ApplyOutcome, send_link

        self.clear_error()
        domains = parse_domains(self.query_one("#handoff-domains", Input).value)
        expire = str(self.query_one("#handoff-expire", Select).value)
        state = self.state
        if state.connect is None or state.app is None or state.credentials is None:
            raise UsageError("Steps 1, 3 and 5 must be done first.", remedy="Go back to them.")
        setup = self.wizard.session.require()
        outcome = ApplyOutcome(
            connect=state.connect,
            app=state.app,
            groups=state.assigned,
            credentials=state.credentials,
            checks=state.checks,
        )
        self.show_progress(f"Encrypting here and posting to {self.wizard.config.secrets_url}…")
        button = self.query_one("#handoff-create", Button)
        button.loading = True
        try:
            await send_link(
                setup,
                outcome,
                server_url=self.wizard.config.secrets_url,
                email_domains=domains,
                expire=expire,
                password=self.link_password(),
                burn_after_reading=self.query_one("#handoff-burn", Toggle).value,
            )
        finally:
            button.loading = False
        self.show_progress("")
        link = outcome.link_url
        assert isinstance(link, Secret)
        state.link = link
        view = self.query_one("#handoff-link", SecretView)
        view.set_secret(link)
        view.display = True
        self.query_one("#handoff-warning", Static).update(
            Content("⚠ ") + prose(LINK_PREVIEW_WARNING)
        )
        button.disabled = True
        for setting in ("#handoff-burn", "#handoff-password", "#handoff-expire"):
            self.query_one(setting).disabled = True  # they describe the link that exists
        self.query_one("#handoff-finish", Button).disabled = False
        view.focus(scroll_visible=False)
        await self.show_receipt(setup.origin)
        # The link and its warning at the top of the view, the receipt below them (laid out
        # first: the view can only scroll as far as what is already there).
        self.call_after_refresh(self.body.scroll_to_widget, view, animate=False, top=True)
        self.announce("One-time link created. Press c to copy it, r to reveal it.")

    async def show_receipt(self, origin: str) -> None:
        """The receipt just written, a row per field (a value wraps under itself)."""
        from okta_wizard.handoff.receipt import RECEIPT_TITLE, read_receipt, receipt_rows
        from okta_wizard.setup.journal import receipt_path

        receipt = await asyncio.to_thread(read_receipt, receipt_path(origin))
        box = self.query_one("#handoff-receipt", Vertical)
        await box.remove_children()
        if receipt is None:
            await box.mount(Static("(no receipt was written)", classes="dim"))
            return
        rows = [(f"{name}:", value) for name, value in receipt_rows(receipt)]
        await box.mount(Static(RECEIPT_TITLE, classes="receipt-title"), Rows(rows))

"""The saved-setup screen's "Rotate secret": a new client secret for Upflow, as one guided flow.

The engine does each stage (setup/rotate.py, the same code as `okta-wizard rotate`); this screen
signs in, asks first with exactly what will change, shows the engine's progress (and a rate
limit's countdown), the new one-time link copy-safe, and the result:

- no rotation pending (a complete setup): "Rotate secret" creates a second secret in Okta,
  stores it in the keyring (the old one kept aside), checks that Okta accepts it and hands it
  to Upflow through a one-time link that says it replaces the previous secret;
- a rotation pending: "Finish rotation" (once Upflow confirms) deactivates and deletes the old
  secret; "Abort rotation" keeps the old secret and retires the new one. A rotation that
  stopped half-way (a crash) resumes with "Rotate secret" again, as `rotate` does.

Each action opens the engine for the org (its lock held) and closes it when done, so the
wizard's own steps can open it again afterwards. The module imports the engine only inside
the actions: the saved-setup screen, shown first, uses the small helpers at the top.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Select, Static

from okta_wizard.errors import UsageError, WizardError
from okta_wizard.handoff.expiry import DEFAULT_EXPIRE, expiry_choices
from okta_wizard.secret import Secret
from okta_wizard.tui.messages import Announce, Severity
from okta_wizard.tui.text import lines, plain, prose, styled, unquoted
from okta_wizard.tui.widgets.keybar import KeyBar
from okta_wizard.tui.widgets.rate_limit import RateLimitCountdown, show_wait
from okta_wizard.tui.widgets.secret_input import SecretInput
from okta_wizard.tui.widgets.secret_view import SecretView

if TYPE_CHECKING:
    from okta_wizard.handoff.options import SendOptions
    from okta_wizard.setup.engine import Setup
    from okta_wizard.setup.models import Credential
    from okta_wizard.setup.rotate import (
        PendingRotation,
        RotationAborted,
        RotationFinished,
        RotationStarted,
    )
    from okta_wizard.setup.saved import SavedSetup
    from okta_wizard.tui.wizard_app import WizardApp

WAITING_FOR_UPFLOW = "handed_off"
TOKEN_PLACEHOLDER = "SSWS token from Security > API > Tokens"


# -- what the saved-setup screen shows (no engine needed)
def rotation_offered(saved: SavedSetup) -> bool:
    """A complete setup may rotate its secret; a rotation under way may be finished."""
    return saved.rotation is not None or (saved.complete and saved.client_id is not None)


def rotation_button_label(saved: SavedSetup) -> str:
    return "Finish or abort rotation (r)" if saved.rotation is not None else "Rotate secret (r)"


def rotation_note(saved: SavedSetup) -> str:
    """The saved-setup line's part about a rotation under way ("" when there is none)."""
    rotation = saved.rotation
    if rotation is None:
        return ""
    if rotation.stage == WAITING_FOR_UPFLOW:
        return f" · secret rotation pending since {rotation.started_at}: waiting for Upflow"
    return f" · secret rotation stopped half-way (since {rotation.started_at}): resume it"


# -- the questions (exactly what will change)
def _link_words(send: SendOptions) -> str:
    from okta_wizard.handoff.expiry import EXPIRY_LABELS

    label = EXPIRY_LABELS.get(send.expire, send.expire)
    expiry = "never expires" if send.expire == "never" else f"expires after {label}"
    domains = ", ".join(send.email_domains) or "your own email domain"
    return (
        f"a one-time link on {send.server} (opens once, {expiry}; users' email domain: "
        f"{domains}) that says it replaces the previous secret; an unread earlier link is "
        "deleted"
    )


def start_question(setup: Setup, send: SendOptions) -> str:
    from okta_wizard.vault import client_secret_entry, previous_client_secret_entry

    journal = setup.journal
    client_id = journal.client_id or "?"
    fingerprint = journal.secret_fingerprint or "(the keyring's)"
    return (
        f"Rotate the client secret of {journal.label!r} (app {journal.app_id}) in "
        f"{setup.origin}? Okta gets a second client secret for the app. The current one "
        f"({fingerprint}) stays active, kept aside in the keyring entry "
        f"{previous_client_secret_entry(setup.origin, client_id)} until you finish the "
        f"rotation. The new one goes into the keyring entry "
        f"{client_secret_entry(setup.origin, client_id)} and to Upflow through "
        f"{_link_words(send)}. Nothing is deactivated or deleted in Okta now."
    )


def resume_question(setup: Setup, pending: PendingRotation, send: SendOptions) -> str:
    made = (
        f"the new secret {pending.new_fingerprint}"
        if pending.new_fingerprint
        else "a new secret (made in Okta now unless the first try made one)"
    )
    return (
        f"Resume the rotation begun {pending.started_at} for {setup.journal.label!r} in "
        f"{setup.origin}? What is left: {made} stored in the keyring, checked with Okta, and "
        f"handed to Upflow through {_link_words(send)}. The old secret, "
        f"{pending.old_fingerprint}, stays active."
    )


def started_text(started: RotationStarted) -> Content:
    parts: list[Content | str] = [
        styled(
            "[b green]✔ New client secret $new[/] (id $new_id) is in the keyring and handed to "
            "Upflow; Okta accepts it.",
            new=started.new_fingerprint,
            new_id=started.new_secret_id,
        ),
        plain(
            f"The old one, {started.old_fingerprint} (id {started.old_secret_id}), stays active, "
            f"and in the keyring entry {started.previous_entry}, until you finish the rotation."
        ),
        prose(
            "Send Upflow the link above. Once Upflow confirms it signs in with the new secret, "
            "come back here (saved progress > `Finish or abort rotation`) and finish it."
        ),
    ]
    if started.deleted_inactive:
        parts.insert(1, plain(f"Deleted the inactive client secret {started.deleted_inactive}."))
    sent = started.sent
    if sent.replaced:
        parts.append(plain(f"The previous unread link ({sent.replaced}) was deleted."))
    if sent.previous_left_open:
        parts.append(
            plain(
                f"⚠ The previous link ({sent.previous_left_open}) could not be deleted (no "
                "delete token in the keyring): it opens until it is read or expires."
            )
        )
    return lines(parts)


def finished_text(done: RotationFinished) -> Content:
    receipt = (
        f"Recorded in the receipt: {done.receipt}"
        if done.receipt
        else "No receipt was saved on this machine, so the rotation is recorded nowhere else."
    )
    return lines(
        [
            styled(
                "[b green]✔ Rotation finished.[/] Upflow's secret is now $new (id $new_id).",
                new=done.new_fingerprint,
                new_id=done.new_secret_id,
            ),
            plain(done.old_secret_words()),
            plain(receipt),
        ]
    )


def aborted_text(done: RotationAborted) -> Content:
    parts: list[Content | str] = [
        styled(
            "[b green]✔ Rotation aborted.[/] The old secret $kept is the keyring's again.",
            kept=done.kept_fingerprint,
        )
    ]
    if done.deleted_secret_id:
        parts.append(
            plain(f"Deactivated and deleted the new client secret {done.deleted_secret_id}.")
        )
    if done.link is not None:
        parts.append(plain(f"The rotation's one-time link {done.link.paste_id} is deleted."))
    if done.link_error is not None:
        parts.append(
            styled(
                "[b yellow]⚠ $what[/] The secret in that link is deleted in Okta, so it no "
                "longer works.",
                what=done.link_error.message,
            )
        )
    return lines(parts)


class RotateScreen(Screen[None]):
    """One saved setup's secret rotation. Dismisses with None (back to the saved setups)."""

    BINDINGS = [Binding("escape", "back", "Back", tooltip="Back to the saved setups")]
    DEFAULT_CSS = """
    RotateScreen #rotate-body { height: 1fr; padding: 0 1; }
    RotateScreen #rotate-body > Label { margin-top: 1; text-style: bold; }
    RotateScreen #rotate-fields, RotateScreen #rotate-token-fields { height: auto; }
    RotateScreen #rotate-fields > Label, RotateScreen #rotate-token-fields > Label {
        margin-top: 1; text-style: bold;
    }
    RotateScreen #rotate-progress { height: auto; color: $text-muted; margin-top: 1; }
    RotateScreen #rotate-result { height: auto; margin-top: 1; }
    RotateScreen .action-bar { height: auto; padding: 0 1; background: $boost; }
    RotateScreen .action-bar Button { margin-right: 2; }
    """

    def __init__(self, saved: SavedSetup) -> None:
        super().__init__(id="rotate")
        self.saved = saved
        self.pending: PendingRotation | None = None
        self.busy = False
        self._progress: list[str] = []
        self._loop_thread = threading.get_ident()

    @property
    def wizard(self) -> WizardApp:
        from okta_wizard.tui.wizard_app import WizardApp

        app = self.app
        assert isinstance(app, WizardApp)
        return app

    def compose(self) -> ComposeResult:
        saved = self.saved
        yield Static("Rotate the client secret", classes="step-title")
        with VerticalScroll(id="rotate-body"):
            yield Static(
                plain(f"{saved.org_url} · “{saved.label}” · app {saved.app_id}"),
                id="rotate-setup",
            )
            yield Static(
                "A rotation gives Upflow a new client secret without a moment when SSO stops: "
                "Okta holds both secrets until you finish the rotation, once Upflow confirms "
                "it uses the new one.",
                classes="step-intro",
            )
            yield Static("", id="rotate-state")
            yield from self._compose_sign_in()
            with Vertical(id="rotate-fields"):
                yield Label("Your users' email domain(s), for the link's message")
                yield Input(placeholder="acme.com", id="rotate-domains")
                yield Label("Link expiry")
                yield Select(
                    expiry_choices(), value=DEFAULT_EXPIRE, allow_blank=False, id="rotate-expire"
                )
            yield Static("", id="rotate-progress")
            yield SecretView(
                "One-time link",
                Secret(""),
                show_fingerprint=False,
                reveal_seconds=self.wizard.config.reveal_seconds,
                clear_after=self.wizard.config.clear_after,
                id="rotate-link",
            )
            yield Static("", id="rotate-warning", classes="note")
            yield Static("", id="rotate-result")
            yield Static("", classes="error-box")
        yield RateLimitCountdown(classes="rate-limit-line")
        yield Static("", classes="progress-line")
        with Horizontal(classes="action-bar"):
            yield Button("Rotate secret", id="rotate-start", variant="primary")
            yield Button("Finish rotation", id="rotate-finish", variant="primary")
            yield Button("Abort rotation", id="rotate-abort", variant="error")
            yield Button("Back", id="rotate-back")
        yield KeyBar()

    def _compose_sign_in(self) -> ComposeResult:
        config = self.wizard.config
        if config.service_app is not None:
            yield Static(
                plain(f"Signs in to Okta as the service app {config.service_app.client_id}."),
                classes="dim",
            )
        elif config.token is not None:
            yield Static("Signs in to Okta with the API token the wizard was given.", classes="dim")
        else:
            with Vertical(id="rotate-token-fields"):
                yield Label("API token (masked; never saved to a file)")
                yield SecretInput(placeholder=TOKEN_PLACEHOLDER, id="rotate-token")

    def on_mount(self) -> None:
        self.query_one("#rotate-link", SecretView).display = False
        self._show_state()
        self._prefill_domains()

    def _prefill_domains(self) -> None:
        """The domains Upflow was given last time (the receipt), for the new link's message."""
        from okta_wizard.handoff.receipt import read_receipt
        from okta_wizard.setup.journal import receipt_path

        try:
            receipt = read_receipt(receipt_path(self.saved.org_url))
        except WizardError:  # a damaged receipt: the field stays empty (the admin's domain)
            return
        if receipt is not None and receipt.email_domains:
            self.query_one("#rotate-domains", Input).value = ", ".join(receipt.email_domains)

    def _show_state(self) -> None:
        """What is pending, and the actions that fit it."""
        from okta_wizard.setup.rotate import pending_from

        rotation = self.saved.rotation
        self.pending = pending_from(rotation) if rotation is not None else None
        pending = self.pending
        state = self.query_one("#rotate-state", Static)
        if pending is None:
            fingerprint = self.saved.secret_fingerprint or "(not recorded)"
            state.update(plain(f"No rotation pending. The current secret: {fingerprint}."))
        elif pending.waiting_for_upflow:
            state.update(
                styled(
                    "[b]Rotation pending[/b] since $since: the new secret $new was handed to "
                    "Upflow at $at. Once Upflow confirms it signs in with it, finish the "
                    "rotation (the old secret, $old, is then retired); or abort it.",
                    since=pending.started_at,
                    new=pending.new_fingerprint or "",
                    at=pending.handed_off_at or "",
                    old=pending.old_fingerprint,
                )
            )
        else:
            state.update(
                styled(
                    "[b]A rotation stopped half-way[/b] (stage $stage, since $since). "
                    "Rotate secret resumes it; Abort rotation keeps the old secret.",
                    stage=pending.stage,
                    since=pending.started_at,
                )
            )
        stage = pending.stage if pending is not None else None
        self.query_one("#rotate-start").display = stage in (None, "started", "stored")
        self.query_one("#rotate-finish").display = stage in (WAITING_FOR_UPFLOW, "finishing")
        self.query_one("#rotate-abort").display = stage not in (None, "finishing")
        self.query_one("#rotate-fields").display = stage in (None, "started", "stored")

    # -- the engine, opened for one action
    def _progress_line(self, message: str) -> None:
        """The engine's progress; it may call from a keyring thread."""
        if threading.get_ident() != self._loop_thread:
            self.app.call_from_thread(self._progress_line, message)
            return
        if show_wait(self, message, on_stop=lambda: self._busy_line("")):
            return
        self._progress.append(message)
        self.query_one("#rotate-progress", Static).update(
            lines(plain(f"… {line}") for line in self._progress)
        )

    def _busy_line(self, text: str) -> None:
        line = self.query_one(".progress-line", Static)
        line.update(styled("⏳ $text", text=text) if text else "")

    async def _credential(self) -> Credential:
        from okta_wizard.setup.models import ApiToken

        config = self.wizard.config
        if config.service_app is not None:
            return config.service_app
        if config.token is not None:
            return ApiToken(config.token)
        token = self.query_one("#rotate-token", SecretInput).secret
        if not token:
            from okta_wizard.tui.demo import empty_token_remedy

            remedy = (  # no service-app sign-in on this screen: the Admin Console's token
                empty_token_remedy(config.demo)
                if config.demo is not None
                else "Paste an API token of an admin who may manage apps (Security > API > "
                "Tokens in the Admin Console)."
            )
            raise UsageError("The API token is empty.", remedy=remedy)
        return ApiToken(token)

    async def _open(self) -> Setup:
        from okta_wizard.orgurl import parse_org_url
        from okta_wizard.setup.engine import SetupOptions

        options = SetupOptions(
            org_url=parse_org_url(self.saved.org_url),
            credential=await self._credential(),
            label=self.saved.label,
            allow_insecure_storage=self.wizard.config.insecure_storage,
        )
        setup = self.wizard.config.setup_factory(options, self._progress_line)
        return await setup.__aenter__()

    def _send_options(self) -> SendOptions:
        """The link's options, checked as `rotate` checks its flags (bad input: said here,
        before anything is opened)."""
        from okta_wizard.handoff.options import send_options

        return send_options(
            secrets_url=self.wizard.config.secrets_url,
            expire=str(self.query_one("#rotate-expire", Select).value),
            email_domains=[self.query_one("#rotate-domains", Input).value],
            password_env=None,
        )

    # -- the actions
    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        """The action bar's buttons, the screen's only ones: rotate-start, -finish, -abort,
        -back."""
        event.stop()
        action = (event.button.id or "rotate-back").removeprefix("rotate-")
        if action == "back":
            self.action_back()
        else:
            self._run(action)  # start, finish or abort

    def action_back(self) -> None:
        if self.busy:
            self._say("Wait for the rotation's step to end first.", severity="warning")
            return
        self.dismiss(None)

    def _run(self, action: str) -> None:
        if not self.busy:
            self.busy = True
            self._act(action)

    @work(exclusive=True, group="rotate", exit_on_error=False)
    async def _act(self, action: str) -> None:
        self._clear_error()
        self._progress.clear()
        self.query_one("#rotate-progress", Static).update("")
        buttons = list(self.query(".action-bar Button").results(Button))
        for button in buttons:
            button.disabled = True
        try:
            await self._act_on_engine(action)
        except Exception as exc:
            self._show_error(exc)
        finally:
            self.busy = False
            self._busy_line("")
            for button in buttons:
                button.disabled = False
            self._refresh_state()  # what is saved now, after an error too (a stage reached)

    async def _act_on_engine(self, action: str) -> None:
        from okta_wizard.setup import rotate
        from okta_wizard.tui.widgets.confirm import ConfirmModal

        self._busy_line("Opening the saved setup…")
        send = self._send_options() if action == "start" else None
        setup = await self._open()
        try:
            pending = rotate.pending_rotation(setup.journal)
            if action == "start":
                assert send is not None
                question = (
                    start_question(setup, send)
                    if pending is None
                    else resume_question(setup, pending, send)
                )
            elif pending is None:
                raise rotate.RotationRefused(
                    "No secret rotation is pending for this org any more.",
                    remedy="Go back to the saved setups: they show what is saved now.",
                )
            else:
                question = (
                    rotate.finish_question(pending)
                    if action == "finish"
                    else rotate.abort_question(pending)
                )
            self._busy_line("")
            yes_label = {"start": "Rotate", "finish": "Finish", "abort": "Abort"}[action]
            if not await self.app.push_screen_wait(ConfirmModal(question, yes=yes_label)):
                self._show_result(plain("Nothing was changed."))
                return
            self._busy_line("Working with Okta…")
            if action == "start":
                assert send is not None
                await self._start(setup, send)
            elif action == "finish":
                self._show_result(finished_text(await rotate.finish_rotation(setup)))
            else:
                self._show_result(aborted_text(await rotate.abort_rotation(setup)))
        finally:
            await setup.__aexit__(None, None, None)

    async def _start(self, setup: Setup, send: SendOptions) -> None:
        from okta_wizard.handoff.warnings import LINK_PREVIEW_WARNING
        from okta_wizard.setup import rotate
        from okta_wizard.tui.widgets.confirm import ConfirmModal

        try:
            started = await rotate.start_rotation(setup, send)
        except rotate.InactiveSecretInTheWay as exc:
            # Asked only now: Okta said no, and nothing was left behind by this try.
            question = rotate.inactive_secret_question(exc.secret)
            if not await self.app.push_screen_wait(ConfirmModal(question, yes="Delete it")):
                raise
            started = await rotate.start_rotation(setup, send, allow_delete_inactive=True)
        view = self.query_one("#rotate-link", SecretView)
        link = started.sent.link.url
        assert isinstance(link, Secret)
        view.set_secret(link)
        view.display = True
        self.query_one("#rotate-warning", Static).update(
            Content("⚠ ") + prose(LINK_PREVIEW_WARNING)
        )
        self._show_result(started_text(started))
        view.focus(scroll_visible=False)
        self._say("One-time link created. Press c to copy it, r to reveal it.")

    def _refresh_state(self) -> None:
        """Read this org's saved progress again, and show what it says."""
        from okta_wizard.setup.saved import list_saved_setups

        try:
            saved = [s for s in list_saved_setups() if s.org_url == self.saved.org_url]
        except WizardError:  # a damaged file: the error box says what happened already
            return
        if saved:
            self.saved = saved[0]
        self._show_state()

    # -- results and errors, in place
    @on(Announce)
    def _announced(self, message: Announce) -> None:
        """What the widgets here tell (the countdown, the link's view): said on this screen,
        which has no status line of its own."""
        message.stop()
        self._say(message.text, severity=message.severity)

    def _say(self, text: str, *, severity: Severity = "information") -> None:
        """Recorded with the wizard's announcements; a toast here (the status line is the
        wizard screen's), none in the accessible mode."""
        self.wizard.announce(text, severity=severity, quiet=True)
        if not self.wizard.config.accessible:
            self.app.notify(text, severity=severity, markup=False)

    def _show_result(self, text: Content) -> None:
        self.query_one("#rotate-result", Static).update(text)
        self.query_one("#rotate-body", VerticalScroll).scroll_end(animate=False)

    def _show_error(self, exc: BaseException) -> None:
        from okta_wizard.tui.steps.base import describe_error

        what, todo = describe_error(exc, self.wizard.config.demo)
        box = self.query_one(".error-box", Static)
        box.update(styled("[b]✘ $what[/b]\n→ ", what=what) + prose(todo))
        box.add_class("shown")
        self._say(f"Error: {what} {unquoted(todo)}", severity="error")
        self.query_one("#rotate-body", VerticalScroll).scroll_end(animate=False)

    def _clear_error(self) -> None:
        box = self.query_one(".error-box", Static)
        box.update("")
        box.remove_class("shown")

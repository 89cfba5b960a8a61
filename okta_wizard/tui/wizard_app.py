"""The wizard's App: its configuration, what it knows so far, the engine session, the keys,
the command palette and the announcements.

It is given its main screen (the stepper and the six step panes) by `make_app` in
`okta_wizard.tui.app`, and never imports a step pane: the panes import this class for their
typed `wizard` getter, so the arrows point one way.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Checkbox, RadioSet

from okta_wizard.browser import open_in_browser
from okta_wizard.clipboard import CLEAR_AFTER_SECONDS
from okta_wizard.errors import ExitCode
from okta_wizard.secret import Secret
from okta_wizard.setup.spec import DEFAULT_LABEL, DEFAULT_SECRETS_URL
from okta_wizard.tui.demo import DemoInfo, quit_key_help, quit_question
from okta_wizard.tui.messages import Announce, Severity
from okta_wizard.tui.session import EngineSession, SetupFactory, default_setup_factory
from okta_wizard.tui.state import WizardState
from okta_wizard.tui.text import plain
from okta_wizard.tui.waits import stoppable_wait
from okta_wizard.tui.widgets.group_picker import GroupPicker
from okta_wizard.tui.widgets.secret_view import REVEAL_SECONDS, SecretView

if TYPE_CHECKING:
    from okta_wizard.savedfile import SavedFileDamaged
    from okta_wizard.setup.models import ServiceAppKey
    from okta_wizard.setup.saved import SavedSetup
    from okta_wizard.tui.screens.wizard import WizardScreen

# The saved setups to offer, and any saved file that cannot be used (shown with its fix).
SavedLoader = Callable[[], Sequence["SavedSetup | SavedFileDamaged"]]

# Textual's own palette commands that the wizard does not offer, and why:
# - "Screenshot" saves an SVG of the screen to a file: a revealed secret, the one-time link or
#   the demo's token in the help screen would end up on disk. (action_screenshot refuses too.)
# - "Quit" quits at once; the wizard's own Quit asks first when progress would be lost.
DROPPED_SYSTEM_COMMANDS = frozenset({"Screenshot", "Quit"})
STOP_WAITING = "Stop what waits: Okta's rate limit, or the test sign-in (nothing is half-done)"


def _load_saved() -> list[SavedSetup | SavedFileDamaged]:
    from okta_wizard.setup.saved import scan_saved_setups

    setups, damaged = scan_saved_setups()
    return [*setups, *damaged]


def accessible_from_env() -> bool:
    return os.environ.get("OKTA_WIZARD_ACCESSIBLE", "") not in ("", "0")


@dataclass
class WizardConfig:
    """Everything a run of the wizard is started with; `make_app` takes exactly these fields."""

    org_url: str = ""
    token: Secret | None = None
    service_app: ServiceAppKey | None = None  # prefills the OAuth 2.0 service app sign-in
    label: str = DEFAULT_LABEL
    secrets_url: str = DEFAULT_SECRETS_URL
    sandbox: bool = False  # the SANDBOX label in the banner (always on in the demo)
    demo: DemoInfo | None = None  # `okta-wizard demo`: its sandbox, token and saved folder
    keyring_label: str = ""
    insecure_storage: bool = False
    accessible: bool = field(default_factory=accessible_from_env)
    reveal_seconds: float = REVEAL_SECONDS
    clear_after: float = CLEAR_AFTER_SECONDS
    setup_factory: SetupFactory = default_setup_factory
    load_saved: SavedLoader | None = _load_saved
    forget: Callable[[str], list[str]] | None = None  # org origin -> what was removed
    # The test sign-in's browser (step 5): the system's graphical one; the tests drive a
    # headless Chromium through it. False: none opened, the URL is shown to open by hand.
    open_browser: Callable[[str], bool] = open_in_browser
    # The configuration still being made (the demo's sandbox starts meanwhile): the first
    # screen is drawn at once, step 1 waits for it, then the app takes it for its own.
    starting: Future[WizardConfig] | None = None

    def __post_init__(self) -> None:
        self.sandbox = self.sandbox or self.demo is not None


class WizardApp(App[int]):
    TITLE = "okta-wizard"
    CSS_PATH = "wizard.tcss"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("f1", "help", "Help", tooltip="The keys of this step (and the demo's sandbox)"),
        Binding("question_mark", "help", "Help", show=False, tooltip="Help, outside text fields"),
        Binding("ctrl+b", "step_back", "Back", tooltip="Back to the previous step"),
        Binding("ctrl+n", "forward", "Forward", show=False, tooltip="Forward to a step reached"),
        Binding(
            "ctrl+p",
            "command_palette",
            "Commands",
            show=False,
            priority=True,
            tooltip="Command palette: go to a step reached, reveal or copy a secret, help, quit",
        ),
        Binding("ctrl+q", "quit_wizard", "Quit", priority=True, tooltip="Quit"),
        # Only while something waits (a countdown for Okta's rate limit, the test sign-in; see
        # check_action); else the keys do what they do elsewhere (Escape: back; Ctrl+C: copy).
        Binding("ctrl+c", "stop_waiting", "Stop waiting", priority=True, tooltip=STOP_WAITING),
        Binding("escape", "stop_waiting", "Stop waiting", priority=True, tooltip=STOP_WAITING),
    ]

    def __init__(self, config: WizardConfig, main_screen: Callable[[], WizardScreen]) -> None:
        super().__init__()
        self.config = config
        self._main_screen = main_screen
        self._wizard_screen: WizardScreen | None = None
        self.state = WizardState(org_url=config.org_url, label=config.label)
        self.session = EngineSession(config.setup_factory, self._on_progress)
        self.announcements: list[str] = []  # plain text of every announcement (tests, a11y)
        self._loop_thread = threading.get_ident()
        if config.accessible:
            self.animation_level = "none"

    # -- startup
    def get_default_screen(self) -> WizardScreen:
        screen = self._main_screen()
        self._wizard_screen = screen
        return screen

    def wizard_screen(self) -> WizardScreen:
        """The main screen (stepper and step panes): the bottom of the screen stack."""
        if self._wizard_screen is None:
            raise RuntimeError("the wizard screen is made when the app starts")
        return self._wizard_screen

    def on_mount(self) -> None:
        if self.config.sandbox:
            self.sub_title = "SANDBOX"
        if self.config.starting is not None:
            # Whichever thread completes it (or this one, if it is done), the answer is
            # handled here, on the app's loop; nothing waits for it meanwhile.
            loop = asyncio.get_running_loop()
            self.config.starting.add_done_callback(
                lambda done: loop.call_soon_threadsafe(self._started, done)
            )
        elif self.config.load_saved is not None:
            # After the first frame: the lookup's thread would otherwise compete with it.
            self.call_after_refresh(self.look_for_saved_progress)

    def _started(self, starting: Future[WizardConfig]) -> None:
        """The configuration is complete (the demo's sandbox answers): use it."""
        if not self.is_running:
            return
        try:
            config = starting.result()
        except Exception as exc:  # shown on step 1, with what to do
            self.wizard_screen().connect_pane.start_failed(exc)
            return
        self.config = config
        self.state.org_url, self.state.label = config.org_url, config.label
        self.session = EngineSession(config.setup_factory, self._on_progress)
        self.wizard_screen().configured()
        if config.load_saved is not None:
            self.look_for_saved_progress()

    @work(thread=True, exit_on_error=False, group="saved")
    def look_for_saved_progress(self) -> None:
        loader = self.config.load_saved
        try:
            saved = loader() if loader else []
        except Exception as exc:  # a damaged saved file: say which, and what to do
            self.call_from_thread(self.wizard_screen().connect_pane.show_error, exc)
            return
        if saved:
            self.call_from_thread(self.offer_resume, saved)

    def offer_resume(self, saved: Sequence[SavedSetup | SavedFileDamaged]) -> None:
        from okta_wizard.tui.screens.resume import ResumeScreen

        self.push_screen(ResumeScreen(saved), self._resume_chosen)

    def _resume_chosen(self, choice: tuple[str, SavedSetup | None] | None) -> None:
        what, saved = choice or ("new", None)
        if what == "forget" and saved is not None:
            self._confirm_forget(saved)
            return
        if what == "rotate" and saved is not None:
            from okta_wizard.tui.screens.rotate import RotateScreen

            def back(_: None) -> None:  # the saved setups again, as they stand now
                self.look_for_saved_progress()

            self.push_screen(RotateScreen(saved), back)
            return
        connect = self.wizard_screen().connect_pane
        if what == "continue" and saved is not None:
            self.state.resumed_from = saved
            self.state.label = saved.label
            self.state.org_url = saved.org_url
            connect.prefill_org_url(saved.org_url)
            if connect.has_credential():
                self.announce(f"Resuming {saved.org_url}: checking the connection…", quiet=True)
                connect.check_connection()
            else:
                self.announce(
                    f"Resuming {saved.org_url}: sign in, then check the connection. Each saved "
                    "step is checked against Okta, and the wizard continues where it stopped."
                )
        connect.focus_first()

    def _confirm_forget(self, saved: SavedSetup) -> None:
        """Forget deletes the stored client secret too: asked first, as the CLI's forget does."""
        from okta_wizard.tui.widgets.confirm import ConfirmModal

        def answered(yes: bool | None) -> None:
            if yes:
                self.forget_saved(saved)
            else:  # the saved setups again, as they were
                self.look_for_saved_progress()

        question = (
            f"Forget the saved setup of {saved.org_url}? This deletes, on this machine, its "
            "saved progress, its receipt and its keyring entries (the client secret, a "
            "rotation's previous secret, a link's delete token). The app in Okta is not touched."
        )
        self.push_screen(ConfirmModal(question, yes="Forget", no="Keep"), answered)

    @work(thread=True, exit_on_error=False, group="saved")
    def forget_saved(self, saved: SavedSetup) -> None:
        try:
            removed = self.config.forget(saved.org_url) if self.config.forget else []
        except Exception as exc:
            from okta_wizard.tui.steps.base import describe_error

            what, todo = describe_error(exc, self.config.demo)
            self.call_from_thread(self.announce, f"{what} {todo}", severity="error")
            return
        self.call_from_thread(
            self.announce, f"Forgot {saved.org_url} ({len(removed)} item(s) removed)."
        )
        self.call_from_thread(self.look_for_saved_progress)

    # -- announcements: toasts normally, a plain status line in accessible mode
    @on(Announce)
    def _announced(self, message: Announce) -> None:
        self.announce(message.text, severity=message.severity, quiet=message.quiet)

    # The accessible mode says each choice the admin changes (a screen reader reads the status
    # line; the marks (•) and [x] say it on screen).
    @on(RadioSet.Changed)
    def _choice_changed(self, event: RadioSet.Changed) -> None:
        if self.config.accessible and event.radio_set.has_focus:
            self.announce(f"Chosen: {event.pressed.label}", quiet=True)

    @on(Checkbox.Changed)
    def _toggle_changed(self, event: Checkbox.Changed) -> None:
        if self.config.accessible and event.checkbox.has_focus:
            self.announce(f"{event.checkbox.label}", quiet=True)

    @on(GroupPicker.SelectionChanged)
    def _groups_changed(self, event: GroupPicker.SelectionChanged) -> None:
        if self.config.accessible:
            picked = ", ".join(event.names) or "none"
            self.announce(f"Groups selected: {picked}", quiet=True)

    def announce(
        self, text: str, *, severity: Severity = "information", quiet: bool = False
    ) -> None:
        self.announcements.append(text)
        if self._wizard_screen is not None:
            self._wizard_screen.show_announcement(plain(text), severity)
        if not quiet and self.toasts_fit():
            self.clear_notifications()  # one at a time: a stack would climb over the steps
            timeout = 6 if severity == "error" else 3
            self.notify(text, severity=severity, timeout=timeout, markup=False)

    def toasts_fit(self) -> bool:
        """Toasts are drawn over the empty lower part of the stepper (wizard.tcss), never
        over a step's results or its action bar. Where there is no such room (the stepper is
        narrow, or another screen is up) or in the accessible mode, the status line alone
        says it."""
        screen = self._wizard_screen
        return (
            not self.config.accessible
            and screen is not None
            and self.screen is screen
            and screen.has_class("-wide")
        )

    def _on_progress(self, message: str) -> None:
        """The engine's progress lines; it may call from a keyring thread."""
        if threading.get_ident() == self._loop_thread:
            self._show_progress(message)
        else:
            self.call_from_thread(self._show_progress, message)

    def _show_progress(self, message: str) -> None:
        screen = self.wizard_screen()
        screen.pane(screen.current).show_progress(message)

    # -- actions (keys and the command palette)
    def describe_key(self, binding: Binding) -> str | None:
        """The help screen's words for a key, where they depend on the run."""
        if binding.action == "quit_wizard":
            return quit_key_help(self.config.demo)
        return None

    def action_help(self) -> None:
        from okta_wizard.tui.screens.help import HelpScreen, help_sections

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(help_sections(self.screen), demo=self.config.demo))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Back and forward belong to the steps: hidden on the other screens (a dialog, the
        secret shown once), dimmed where there is nowhere to go."""
        if action == "stop_waiting":
            return bool(self.screen_stack) and stoppable_wait(self.screen) is not None
        if action in ("step_back", "forward"):
            screen = self.wizard_screen() if self._wizard_screen is not None else None
            if screen is None or self.screen is not screen:
                return False
            if action == "step_back":
                return True if screen.current > 1 else None
        return True

    def action_stop_waiting(self) -> None:
        stop = stoppable_wait(self.screen)
        if stop is not None:
            stop()

    def action_step_back(self) -> None:
        self.wizard_screen().go_back()

    def action_forward(self) -> None:
        self.wizard_screen().go_forward()

    def reachable(self, step: int) -> bool:
        """A step the admin may show: finished, or not beyond the furthest reached."""
        return step in self.state.done or step <= self.state.reached

    def action_goto(self, step: int) -> None:
        if self.reachable(step):
            self.wizard_screen().show_step(step)
        else:
            self.announce(f"Step {step} is not reached yet.", severity="warning")

    def secret_view(self, step: int) -> SecretView:
        """The client secret (step 5) or the one-time link (step 6)."""

        selector = "#cred-secret" if step == 5 else "#handoff-link"
        return self.wizard_screen().query_one(selector, SecretView)

    def action_reveal(self, step: int) -> None:
        """Show the step with the secret, then reveal it there, where the admin looks."""
        self.action_goto(step)
        view = self.secret_view(step)
        view.focus()
        view.action_reveal()

    def action_copy(self, step: int) -> None:
        self.secret_view(step).action_copy()

    def action_quit_wizard(self) -> None:
        from okta_wizard.tui.widgets.confirm import ConfirmModal

        if not self.state.done or 6 in self.state.done:
            self.exit(int(ExitCode.OK))
            return
        question = quit_question(self.config.demo, self.progress_is_saved())
        self.push_screen(
            ConfirmModal(question),
            lambda yes: self.exit(int(ExitCode.OK)) if yes else None,
        )

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        """Refused: a picture of the screen could hold a revealed secret or the link."""
        self.announce(
            "Screenshots are off in okta-wizard: a picture could hold a revealed secret.",
            severity="warning",
        )

    def progress_is_saved(self) -> bool:
        """Whether saved progress for this org is on disk (the engine writes it once an app
        exists): what the quit dialog may promise."""
        from okta_wizard.orgurl import parse_org_url
        from okta_wizard.setup.journal import journal_path

        try:
            return journal_path(parse_org_url(self.state.org_url).origin).is_file()
        except Exception:  # no org URL yet, or not a valid one: nothing saved for it
            return False

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Textual's commands (theme, keys, maximize) without the dropped ones, see above."""
        for command in super().get_system_commands(screen):
            if command.title not in DROPPED_SYSTEM_COMMANDS:
                yield command

    # -- the end
    def finish(self) -> None:
        self.exit(int(ExitCode.OK), message=f"okta-wizard: done. {self._receipt_words()}")

    def _receipt_words(self) -> str:
        """Where the receipt is, read from the disk now (none may have been written)."""
        from okta_wizard.setup.journal import receipt_path

        if not self.state.org_url:  # step 1 never connected: no receipt either
            return "No receipt was saved."
        path = receipt_path(self.state.org_url)  # an origin since step 1 checked it
        return f"The receipt is saved: {path}" if path.is_file() else "No receipt was saved."

    async def on_unmount(self) -> None:
        await self.session.close()

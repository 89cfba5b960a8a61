"""The wizard application, and `make_app`, the one way to build it (CLI, demo, tests, screenshots).

Startup imports only Textual and the TUI: the Okta SDK is loaded by the gateway inside a worker
when the admin first checks the connection, so the first screen takes input at once.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from okta_wizard.clipboard import CLEAR_AFTER_SECONDS, clear_note
from okta_wizard.errors import ExitCode
from okta_wizard.secret import Secret
from okta_wizard.setup.engine import SavedSetup
from okta_wizard.setup.models import ServiceAppKey
from okta_wizard.setup.spec import DEFAULT_LABEL, DEFAULT_SECRETS_URL
from okta_wizard.tui.demo import DemoInfo, quit_question
from okta_wizard.tui.session import EngineSession, SetupFactory, default_setup_factory
from okta_wizard.tui.state import WizardState
from okta_wizard.tui.text import plain
from okta_wizard.tui.widgets.secret_view import REVEAL_SECONDS

if TYPE_CHECKING:
    from okta_wizard.tui.screens.wizard import WizardScreen

Severity = Literal["information", "warning", "error"]
SavedLoader = Callable[[], list[SavedSetup]]


def _load_saved() -> list[SavedSetup]:
    from okta_wizard.setup.engine import list_saved_setups

    return list_saved_setups()


def accessible_from_env() -> bool:
    return os.environ.get("OKTA_WIZARD_ACCESSIBLE", "") not in ("", "0")


@dataclass
class WizardConfig:
    org_url: str = ""
    token: Secret | None = None
    service_app: ServiceAppKey | None = None  # prefills the OAuth 2.0 service app sign-in
    label: str = DEFAULT_LABEL
    secrets_url: str = DEFAULT_SECRETS_URL
    sandbox: bool = False
    demo: DemoInfo | None = None  # `okta-wizard demo`: its sandbox, token and saved folder
    keyring_label: str = ""
    insecure_storage: bool = False
    accessible: bool = field(default_factory=accessible_from_env)
    reveal_seconds: float = REVEAL_SECONDS
    clear_after: float = CLEAR_AFTER_SECONDS
    setup_factory: SetupFactory = default_setup_factory
    load_saved: SavedLoader | None = _load_saved
    forget: Callable[[str], list[str]] | None = None  # org origin -> what was removed


class WizardApp(App[int]):
    TITLE = "okta-wizard"
    CSS_PATH = "wizard.tcss"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("f1", "help", "Help"),
        Binding("question_mark", "help", "Help", show=False),
        Binding("ctrl+b", "step_back", "Back"),
        Binding("ctrl+n", "forward", "Forward", show=False),
        Binding("ctrl+q", "quit_wizard", "Quit", priority=True),
    ]

    def __init__(self, config: WizardConfig) -> None:
        super().__init__()
        self.config = config
        self.state = WizardState(org_url=config.org_url, label=config.label)
        self.session = EngineSession(config.setup_factory, self._on_progress)
        self.announcements: list[str] = []  # plain text of every announcement (tests, a11y)
        self._loop_thread = threading.get_ident()
        if config.accessible:
            self.animation_level = "none"

    # -- startup
    def on_mount(self) -> None:
        from okta_wizard.tui.screens.wizard import WizardScreen

        if self.config.sandbox:
            self.sub_title = "SANDBOX"
        self.push_screen(WizardScreen())
        if self.config.load_saved is not None:
            self.look_for_saved_progress()

    @work(thread=True, exit_on_error=False, group="saved")
    def look_for_saved_progress(self) -> None:
        loader = self.config.load_saved
        saved = loader() if loader else []
        if saved:
            self.call_from_thread(self.offer_resume, saved)

    def offer_resume(self, saved: list[SavedSetup]) -> None:
        from okta_wizard.tui.screens.resume import ResumeScreen

        self.push_screen(ResumeScreen(saved), self._resume_chosen)

    def _resume_chosen(self, choice: tuple[str, SavedSetup | None] | None) -> None:
        what, saved = choice or ("new", None)
        if what == "forget" and saved is not None:
            self.forget_saved(saved)
            return
        if what == "continue" and saved is not None:
            self.state.resumed_from = saved
            self.state.label = saved.label
            self.state.org_url = saved.org_url
            self.prefill_org_url(saved.org_url)
            self.announce(
                f"Resuming {saved.org_url}: check the connection; every step is re-checked "
                "against Okta."
            )
        self.wizard_screen().pane(1).focus_first()

    def prefill_org_url(self, org_url: str) -> None:
        from textual.widgets import Input

        self.wizard_screen().query_one("#org-url", Input).value = org_url

    @work(thread=True, exit_on_error=False, group="saved")
    def forget_saved(self, saved: SavedSetup) -> None:
        try:
            removed = self.config.forget(saved.org_url) if self.config.forget else []
        except Exception as exc:
            from okta_wizard.tui.screens.base import describe_error

            what, todo = describe_error(exc, self.config.demo)
            self.call_from_thread(self.announce, f"{what} {todo}", severity="error")
            return
        self.call_from_thread(
            self.announce, f"Forgot {saved.org_url} ({len(removed)} item(s) removed)."
        )
        self.call_from_thread(self.look_for_saved_progress)

    def wizard_screen(self) -> WizardScreen:
        from okta_wizard.tui.screens.wizard import WizardScreen

        for screen in self.screen_stack:
            if isinstance(screen, WizardScreen):
                return screen
        raise RuntimeError("the wizard screen is not mounted")

    # -- announcements: toasts normally, a plain status line in accessible mode
    def announce(
        self, text: str, *, severity: Severity = "information", quiet: bool = False
    ) -> None:
        self.announcements.append(text)
        try:
            line = self.wizard_screen().query_one("#announce", Static)
            line.update(plain(text))
        except Exception:  # noqa: S110 - before the main screen exists there is no line
            pass
        if not quiet and not self.config.accessible:
            timeout = 6 if severity == "error" else 3
            self.notify(text, severity=severity, timeout=timeout, markup=False)

    def _on_progress(self, message: str) -> None:
        """The engine's progress lines; it may call from a keyring thread."""
        if threading.get_ident() == self._loop_thread:
            self._show_progress(message)
        else:
            self.call_from_thread(self._show_progress, message)

    def _show_progress(self, message: str) -> None:
        screen = self.wizard_screen()
        screen.pane(screen.current).show_progress(message)

    # -- actions and the command palette
    def action_help(self) -> None:
        from okta_wizard.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_step_back(self) -> None:
        self.wizard_screen().go_back()

    def action_forward(self) -> None:
        self.wizard_screen().go_forward()

    def action_goto(self, step: int) -> None:
        screen = self.wizard_screen()
        if step in self.state.done or step <= self.state.reached:
            screen.show_step(step)
        else:
            self.announce(f"Step {step} is not reached yet.", severity="warning")

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
        from okta_wizard.setup.engine import STEP_TITLES

        for step, title in STEP_TITLES.items():
            yield SystemCommand(
                f"Go to step {step}: {title}",
                "Review a finished step",
                lambda s=step: self.action_goto(s),  # type: ignore[misc]
            )
        yield SystemCommand("Help: keys", "List the keys", self.action_help)
        yield SystemCommand("Reveal the secret", "Step 5: show it for a few seconds", self._reveal)
        yield SystemCommand(
            "Copy the secret", f"Step 5: {clear_note(self.config.clear_after)}", self._copy
        )
        yield SystemCommand(
            "Quit", "Progress is saved once the app exists", self.action_quit_wizard
        )

    def _secret_view(self) -> object:
        from okta_wizard.tui.widgets.secret_view import SecretView

        return self.wizard_screen().query_one("#cred-secret", SecretView)

    def _reveal(self) -> None:
        if self.state.credentials is None:
            self.announce("No secret yet: reach step 5 first.", severity="warning")
            return
        self.action_goto(5)
        self._secret_view().action_reveal()  # type: ignore[attr-defined]

    def _copy(self) -> None:
        if self.state.credentials is None:
            self.announce("No secret yet: reach step 5 first.", severity="warning")
            return
        self._secret_view().action_copy()  # type: ignore[attr-defined]

    # -- the end
    def finish(self) -> None:
        self.exit(int(ExitCode.OK), message="okta-wizard: done. The receipt is saved.")

    async def on_unmount(self) -> None:
        await self.session.close()


def make_app(
    *,
    org_url: str = "",
    token: Secret | None = None,
    service_app: ServiceAppKey | None = None,
    sandbox: bool = False,
    demo: DemoInfo | None = None,
    keyring_label: str = "",
    secrets_url: str = DEFAULT_SECRETS_URL,
    setup_factory: SetupFactory | None = None,
    load_saved: SavedLoader | None = _load_saved,
    forget: Callable[[str], list[str]] | None = None,
    accessible: bool | None = None,
    insecure_storage: bool = False,
    reveal_seconds: float = REVEAL_SECONDS,
    clear_after: float = CLEAR_AFTER_SECONDS,
) -> WizardApp:
    """Build the wizard. The CLI, the demo, the snapshot tests and the screenshot script all
    come through here, so what the pictures show is what the admin gets."""
    config = WizardConfig(
        org_url=org_url,
        token=token,
        service_app=service_app,
        sandbox=sandbox or demo is not None,
        demo=demo,
        keyring_label=keyring_label,
        secrets_url=secrets_url,
        insecure_storage=insecure_storage,
        reveal_seconds=reveal_seconds,
        clear_after=clear_after,
        setup_factory=setup_factory or default_setup_factory,
        load_saved=load_saved,
        forget=forget,
    )
    if accessible is not None:
        config.accessible = accessible
    return WizardApp(config)

"""The main screen: the stepper beside the six step panes, a banner, an announcement line.

Only step 1 is composed at start; each later pane is mounted the first time it is shown, so
the first screen costs what step 1 needs to draw and nothing more.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events, getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Static

from okta_wizard.setup.spec import STEP_TITLES
from okta_wizard.tui.messages import Severity
from okta_wizard.tui.steps.base import StepPane
from okta_wizard.tui.steps.connect import ConnectPane
from okta_wizard.tui.text import plain
from okta_wizard.tui.widgets.keybar import KeyBar
from okta_wizard.tui.widgets.stepper import Stepper
from okta_wizard.tui.wizard_app import WizardApp

if TYPE_CHECKING:
    from textual.command import Provider

    from okta_wizard.setup.saved import SavedSetup


def wizard_commands() -> type[Provider]:
    """The palette's provider, imported when the palette first opens (not at start)."""
    from okta_wizard.tui.commands import WizardCommands

    return WizardCommands


def pane_class(step: int) -> type[StepPane]:
    """The pane of a step after the first, imported when it is first shown."""
    from okta_wizard.tui.steps.assignments import AssignmentsPane
    from okta_wizard.tui.steps.credentials import CredentialsPane
    from okta_wizard.tui.steps.handoff import HandoffPane
    from okta_wizard.tui.steps.integration import IntegrationPane
    from okta_wizard.tui.steps.settings import SettingsPane

    panes: dict[int, type[StepPane]] = {
        1: ConnectPane,
        2: IntegrationPane,
        3: SettingsPane,
        4: AssignmentsPane,
        5: CredentialsPane,
        6: HandoffPane,
    }
    return panes[step]


class WizardScreen(Screen[None]):
    COMMANDS = {wizard_commands}
    AUTO_FOCUS = ""  # show_step puts the focus where the step starts: one focus change
    # Under 100 columns (80x24 is the smallest usual terminal) the stepper narrows.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    BINDINGS = [
        Binding("escape", "app.step_back", "Back", show=False, tooltip="Back to the previous step"),
        Binding("tab", "app.focus_next", show=False, tooltip="Next field or button"),
        Binding("shift+tab", "app.focus_previous", show=False, tooltip="Previous field or button"),
    ]

    wizard = getters.app(WizardApp)
    connect_pane = getters.query_one("#step-1", ConnectPane)
    stepper = getters.query_one(Stepper)

    def __init__(self) -> None:
        super().__init__(id="wizard")
        self.current = 1
        self._focus_pending: int | None = None  # the step shown, until its focus is placed

    def compose(self) -> ComposeResult:
        yield Static(self.banner(), id="banner")
        with Horizontal(id="body"):
            yield Stepper(id="stepper")
            with ContentSwitcher(initial="step-1", id="steps"):
                yield ConnectPane()
        yield Static("", id="announce")
        yield KeyBar()

    def on_mount(self) -> None:
        self.show_step(1)

    def banner(self) -> Content:
        """One line: the title, SANDBOX when it is one, the keyring the secret goes to (the
        part that gives way, with an ellipsis, on a narrow terminal)."""
        config = self.wizard.config
        line = Content("okta-wizard · connect Okta to Upflow").stylize("bold")
        if config.sandbox:
            line += Content("  ") + Content(" SANDBOX ").stylize("bold $text on $warning")
        if config.keyring_label:
            line += Content("  ") + plain(f"keyring: {config.keyring_label}").stylize("$text-muted")
        return line

    def configured(self) -> None:
        """The app's configuration is complete (the demo's sandbox answers): show it."""
        self.query_one("#banner", Static).update(self.banner())
        self.connect_pane.configured()

    def pane(self, step: int) -> StepPane:
        """A pane already shown once (panes are mounted when first shown)."""
        return self.query_one(f"#step-{step}", StepPane)

    def has_pane(self, step: int) -> bool:
        return bool(self.query(f"#step-{step}"))

    def show_announcement(self, text: Content, severity: str = "information") -> None:
        """The status line: the last announcement, marked in words as well as colour."""
        mark = {"error": "✘ ", "warning": "⚠ "}.get(severity, "")
        for line in self.query("#announce").results(Static):  # none before compose
            line.update(Content(mark) + text)
            line.set_class(severity == "error", "error")
            line.set_class(severity == "warning", "warning")

    def show_step(self, step: int) -> None:
        """Show `step`: at once when its pane exists, else once it is mounted."""
        if self.has_pane(step):
            self._show(step)
        else:
            self.run_worker(self._mount_and_show(step), group="show-step")

    async def _mount_and_show(self, step: int) -> None:
        if not self.has_pane(step):
            await self.query_one("#steps", ContentSwitcher).mount(pane_class(step)())
        self._show(step)

    def resuming(self) -> bool:
        """A saved setup was chosen and its steps are not checked against Okta yet."""
        state = self.wizard.state
        return state.resumed_from is not None and state.restored is None

    def _show(self, step: int) -> None:
        state = self.wizard.state
        self.current = step
        state.reached = max(state.reached, step)
        self.query_one("#steps", ContentSwitcher).current = f"step-{step}"
        self.stepper.update_steps(current=step, done=state.done, reached=state.reached)
        pane = self.pane(step)
        pane.on_enter()
        # Once the pane shown has been laid out: focusing before would scroll its body to
        # where the control was in no layout at all (a pane that was hidden has none).
        self._focus_pending = step
        self.call_after_refresh(self._focus_pane, step)
        self.wizard.announce(f"Step {step} of 6: {STEP_TITLES[step]}", quiet=True)

    def _focus_pane(self, step: int) -> None:
        # Not if the admin has moved on meanwhile, nor once a key placed it (on_key).
        if step == self.current and self._focus_pending == step:
            self._focus_pending = None
            self.pane(step).focus_first()

    def on_key(self, event: events.Key) -> None:
        """A key typed on step 1 between its first frame and its focus (a refresh later; a
        third of the runs in tmux lost the first Enter) goes to step 1's first field instead of
        nowhere. Only step 1: it changes nothing in Okta, whereas a quick second Enter landing
        on a later step's first button could."""
        if self.focused is not None or self._focus_pending != 1:  # pending: the step shown
            return
        event.stop()
        event.prevent_default()
        self._focus_pane(1)
        # Posted after the focus (both go through the app's queue, in order).
        self.app.post_message(events.Key(event.key, event.character))

    @on(StepPane.Finished)
    def _step_finished(self, event: StepPane.Finished) -> None:
        state = self.wizard.state
        if event.step == 1 and state.resumed_from is not None and self.resuming():
            self.continue_saved(state.resumed_from)
            return
        state.done.add(event.step)
        if event.step == 6:
            self.wizard.finish()
        else:
            self.show_step(event.step + 1)

    @work(exclusive=True, group="resume", exit_on_error=False)
    async def continue_saved(self, saved: SavedSetup) -> None:
        """Step 1 connected a resumed setup: check its saved steps against Okta, then show
        the first one not done (or the one whose check failed, with the error)."""
        from okta_wizard.tui.resuming import Landing, landing_text, reconcile

        landing = Landing()
        failed: BaseException | None = None
        try:
            await reconcile(self.wizard.session.require(), self.wizard.state, saved, landing)
        except Exception as exc:  # shown on the step it concerns, with what to do
            failed = exc
        self.pane(1).show_progress("")
        await self._mount_and_show(landing.step)
        if failed is not None:
            self.pane(landing.step).show_failure(failed)
            return
        text = landing_text(self.wizard.state.org_url, self.wizard.state, landing)
        severity: Severity = "warning" if landing.notes else "information"
        self.pane(landing.step).show_notice(text, severity)
        self.wizard.announce(text, severity=severity)

    @on(Stepper.Review)
    def _review(self, event: Stepper.Review) -> None:
        if self.wizard.reachable(event.step):
            self.show_step(event.step)

    def go_back(self) -> None:
        if self.current > 1:
            self.show_step(self.current - 1)

    def go_forward(self) -> None:
        state = self.wizard.state
        if self.current < state.reached or self.current in state.done:
            self.show_step(min(self.current + 1, 6))

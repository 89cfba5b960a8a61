"""The main screen: the stepper beside the six step panes, a banner, an announcement line."""

from __future__ import annotations

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer, Static

from okta_wizard.setup.spec import STEP_TITLES
from okta_wizard.tui.commands import WizardCommands
from okta_wizard.tui.steps.assignments import AssignmentsPane
from okta_wizard.tui.steps.base import StepPane
from okta_wizard.tui.steps.connect import ConnectPane
from okta_wizard.tui.steps.credentials import CredentialsPane
from okta_wizard.tui.steps.handoff import HandoffPane
from okta_wizard.tui.steps.integration import IntegrationPane
from okta_wizard.tui.steps.settings import SettingsPane
from okta_wizard.tui.text import plain
from okta_wizard.tui.widgets.stepper import Stepper
from okta_wizard.tui.wizard_app import WizardApp

PANES: tuple[type[StepPane], ...] = (
    ConnectPane,
    IntegrationPane,
    SettingsPane,
    AssignmentsPane,
    CredentialsPane,
    HandoffPane,
)


class WizardScreen(Screen[None]):
    COMMANDS = {WizardCommands}
    # Under 100 columns (80x24 is the smallest usual terminal) the stepper narrows.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    BINDINGS = [
        Binding("tab", "app.focus_next", show=False, tooltip="Next field or button"),
        Binding("shift+tab", "app.focus_previous", show=False, tooltip="Previous field or button"),
    ]

    wizard = getters.app(WizardApp)
    connect_pane = getters.query_one("#step-1", ConnectPane)
    stepper = getters.query_one(Stepper)

    def __init__(self) -> None:
        super().__init__(id="wizard")
        self.current = 1

    def compose(self) -> ComposeResult:
        config = self.wizard.config
        with Horizontal(id="banner"):
            yield Static("okta-wizard · connect Okta to Upflow", id="banner-title")
            if config.sandbox:
                yield Static(" SANDBOX ", id="sandbox-label")
            if config.keyring_label:
                yield Static(plain(f"keyring: {config.keyring_label}"), id="keyring-label")
        with Horizontal(id="body"):
            yield Stepper(id="stepper")
            with ContentSwitcher(initial="step-1", id="steps"):
                for pane in PANES:
                    yield pane()
        with Vertical(id="status"):
            yield Static("", id="announce")
        yield Footer()

    def on_mount(self) -> None:
        self.show_step(1)

    def pane(self, step: int) -> StepPane:
        return self.query_one(f"#step-{step}", StepPane)

    def show_announcement(self, text: Content) -> None:
        for line in self.query("#announce").results(Static):  # none before compose
            line.update(text)

    def show_step(self, step: int) -> None:
        state = self.wizard.state
        self.current = step
        state.reached = max(state.reached, step)
        self.query_one("#steps", ContentSwitcher).current = f"step-{step}"
        self.stepper.update_steps(current=step, done=state.done, reached=state.reached)
        pane = self.pane(step)
        pane.on_enter()
        pane.focus_first()
        self.wizard.announce(f"Step {step} of 6: {STEP_TITLES[step]}", quiet=True)

    @on(StepPane.Finished)
    def _step_finished(self, event: StepPane.Finished) -> None:
        self.wizard.state.done.add(event.step)
        if event.step == 6:
            self.wizard.finish()
        else:
            self.show_step(event.step + 1)

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

"""The main screen: the stepper beside the six step panes, a banner, an announcement line."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer, Static

from okta_wizard.setup.engine import STEP_TITLES
from okta_wizard.tui.screens.assignments import AssignmentsPane
from okta_wizard.tui.screens.base import StepPane
from okta_wizard.tui.screens.connect import ConnectPane
from okta_wizard.tui.screens.credentials import CredentialsPane
from okta_wizard.tui.screens.handoff import HandoffPane
from okta_wizard.tui.screens.integration import IntegrationPane
from okta_wizard.tui.screens.settings import SettingsPane
from okta_wizard.tui.text import plain
from okta_wizard.tui.widgets.stepper import Stepper

if TYPE_CHECKING:
    from okta_wizard.tui.app import WizardApp

PANES: tuple[type[StepPane], ...] = (
    ConnectPane,
    IntegrationPane,
    SettingsPane,
    AssignmentsPane,
    CredentialsPane,
    HandoffPane,
)


class WizardScreen(Screen[None]):
    def __init__(self) -> None:
        super().__init__(id="wizard")
        self.current = 1

    @property
    def wizard(self) -> WizardApp:
        from okta_wizard.tui.app import WizardApp

        return cast(WizardApp, self.app)

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

    def show_step(self, step: int) -> None:
        state = self.wizard.state
        self.current = step
        state.reached = max(state.reached, step)
        self.query_one("#steps", ContentSwitcher).current = f"step-{step}"
        self.query_one(Stepper).update_steps(current=step, done=state.done, reached=state.reached)
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
        state = self.wizard.state
        if event.step in state.done or event.step <= state.reached:
            self.show_step(event.step)

    def go_back(self) -> None:
        if self.current > 1:
            self.show_step(self.current - 1)

    def go_forward(self) -> None:
        state = self.wizard.state
        if self.current < state.reached or self.current in state.done:
            self.show_step(min(self.current + 1, 6))

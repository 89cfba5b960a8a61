"""Step 4 · Assignments: everyone, selected groups (server-side search), or skip."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.widgets import Button, RadioSet, Static

from okta_wizard.tui.steps.base import StepPane
from okta_wizard.tui.text import styled
from okta_wizard.tui.widgets.choice import Choice
from okta_wizard.tui.widgets.group_picker import GroupPicker

if TYPE_CHECKING:
    from okta_wizard.setup.engine import AssignmentChoice
    from okta_wizard.setup.models import Group

MODES = ("everyone", "groups", "none")
INVITE_REMINDER = (
    "Reminder: assigning in Okta lets people sign in; each user must still be invited in Upflow."
)


class AssignmentsPane(StepPane):
    STEP = 4
    INTRO = "Who may sign in to Upflow through Okta. Optional: you can skip and assign later."

    def compose_body(self) -> ComposeResult:
        with RadioSet(id="assign-mode"):
            yield Choice("Everyone in the org", value=True, id="mode-everyone")
            yield Choice("Selected groups", id="mode-groups")
            yield Choice("Skip (assign later in Okta)", id="mode-none")
        yield GroupPicker(self._search, id="group-picker")
        yield Static(INVITE_REMINDER, id="invite-reminder", classes="note")
        yield Static("", id="assign-result")

    def compose_actions(self) -> ComposeResult:
        yield Button("Assign", id="assign-apply", variant="primary")
        yield Button("Continue ▶", id="assign-next", disabled=True)

    def on_mount(self) -> None:
        self.query_one(GroupPicker).display = False

    def focus_first(self) -> None:
        self.focus_control(self.query_one("#assign-mode", RadioSet))

    async def _search(self, text: str, at_most: int) -> list[Group]:
        return await self.wizard.session.require().search_groups(text, at_most)

    @property
    def mode(self) -> str:
        index = self.query_one("#assign-mode", RadioSet).pressed_index
        return MODES[max(index, 0)]

    @on(RadioSet.Changed, "#assign-mode")
    def _mode_changed(self) -> None:
        picker = self.query_one(GroupPicker)
        picker.display = self.mode == "groups"
        self.query_one("#assign-apply", Button).label = "Skip" if self.mode == "none" else "Assign"
        if picker.display:
            self.query_one("#group-search").focus()

    def choice(self) -> AssignmentChoice:
        from okta_wizard.setup.engine import AssignmentChoice  # the engine is loaded by now

        mode = self.mode
        if mode == "groups":
            picked = self.query_one(GroupPicker).selected.values()
            return AssignmentChoice("groups", tuple(sorted({g.name for g in picked})))
        return AssignmentChoice("everyone" if mode == "everyone" else "none")

    @on(Button.Pressed, "#assign-apply")
    def _apply(self) -> None:
        self.assign()

    @on(Button.Pressed, "#assign-next")
    def _next(self) -> None:
        self.finish()

    @work(exclusive=True, group="step", exit_on_error=False)
    async def assign(self) -> None:
        self.clear_error()
        choice = self.choice()
        if choice.mode == "groups" and not choice.group_names:
            self.announce("Pick at least one group, or choose Skip.", severity="warning")
            return
        self.show_progress("Assigning in Okta…" if choice.mode != "none" else "")
        assigned = await self.wizard.session.require().assign(choice)
        self.show_progress("")
        self.state.assigned = assigned
        result = self.query_one("#assign-result", Static)
        if choice.mode == "none":
            result.update("Skipped: nobody is assigned yet. Assign the app in Okta later.")
        else:
            names = ", ".join(g.name for g in assigned) or "none"
            result.update(styled("[b green]✔[/] Assigned to: $names", names=names))
        next_button = self.query_one("#assign-next", Button)
        next_button.disabled = False
        next_button.focus()
        self.announce("Assignment done. " + INVITE_REMINDER)

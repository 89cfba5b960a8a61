"""Step 4 · Assignments: everyone, selected groups (server-side search), or skip."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.widgets import Button, RadioButton, RadioSet, Static

from okta_wizard.tui.steps.base import StepPane
from okta_wizard.tui.text import styled
from okta_wizard.tui.widgets.choice import Choice
from okta_wizard.tui.widgets.group_picker import GroupPicker

if TYPE_CHECKING:
    from okta_wizard.setup.engine import AssignmentChoice
    from okta_wizard.setup.models import Group
    from okta_wizard.tui.state import Restored

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
        if self.state.restored is not None and self.state.restored.choice is not None:
            self.restore(self.state.restored)

    def restore(self, restored: Restored) -> None:
        """A resumed setup's saved choice, as found in Okta: the mode, the groups, and
        whether Okta still holds the assignments (then step 4 is done)."""
        choice = restored.choice
        assert choice is not None
        self.query_one(f"#mode-{choice.mode}", RadioButton).value = True
        self._show_mode(choice.mode)
        if choice.mode == "groups":
            self.query_one(GroupPicker).select(restored.groups)
        result = self.query_one("#assign-result", Static)
        if restored.unknown or restored.missing:
            missing = ", ".join(g.name for g in restored.missing)
            note = restored.unknown or (
                f"Okta no longer assigns the app to: {missing}. Press Assign to assign it again."
            )
            result.update(styled("[b]⚠[/b] $note", note=note))
        elif self.STEP in self.state.done:
            self.show_assigned(choice.mode, self.state.assigned, checked=True)

    def focus_first(self) -> None:
        if self.STEP in self.state.done:
            self.focus_control(self.query_one("#assign-next", Button))
            self.show_newest()  # what is assigned, below the choice on a small terminal
        elif self.state.restored is not None and self.state.restored.choice is not None:
            self.focus_control(self.query_one("#assign-apply", Button))
        else:
            self.focus_control(self.query_one("#assign-mode", RadioSet))

    async def _search(self, text: str, at_most: int) -> list[Group]:
        return await self.wizard.session.require().search_groups(text, at_most)

    @property
    def mode(self) -> str:
        index = self.query_one("#assign-mode", RadioSet).pressed_index
        return MODES[max(index, 0)]

    @on(RadioSet.Changed, "#assign-mode")
    def _mode_changed(self, event: RadioSet.Changed) -> None:
        self._show_mode(self.mode)
        if self.mode == "groups" and event.radio_set.has_focus:  # the admin chose it
            # Once the choice is told (the accessible mode says it while it has the focus).
            self.call_after_refresh(self._to_group_search)

    def _to_group_search(self) -> None:
        self.query_one("#group-search").focus(scroll_visible=False)
        # The whole picker (search, matches, selection) in view, not only its field.
        picker = self.query_one(GroupPicker)
        self.call_after_refresh(self.body.scroll_to_widget, picker, animate=False, top=True)

    def _show_mode(self, mode: str) -> None:
        self.query_one(GroupPicker).display = mode == "groups"
        self.query_one("#assign-apply", Button).label = "Skip" if mode == "none" else "Assign"

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
        self.show_assigned(choice.mode, assigned)
        self.query_one("#assign-next", Button).focus(scroll_visible=False)
        self.show_newest()  # the result, below the picker on a small terminal
        self.announce("Assignment done. " + INVITE_REMINDER)

    def show_assigned(self, mode: str, assigned: list[Group], *, checked: bool = False) -> None:
        """The assignment Okta holds; `checked`: found there again by a resumed setup."""
        result = self.query_one("#assign-result", Static)
        if mode == "none":
            result.update("Skipped: nobody is assigned yet. Assign the app in Okta later.")
        else:
            names = ", ".join(g.name for g in assigned) or "none"
            again = " (as saved; found in Okta again)" if checked else ""
            result.update(
                styled("[b green]✔[/] Assigned to: $names$again", names=names, again=again)
            )
        self.query_one("#assign-next", Button).disabled = False

"""At start, when saved progress exists: each saved setup (org, step reached, when), and
continue, start over, or forget; for a complete setup, rotate its secret (screens/rotate.py); a
saved file that cannot be used is named, with its fix. Continuing checks each saved step against
Okta once step 1 connects (tui/resuming.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from okta_wizard.savedfile import SavedFileDamaged
from okta_wizard.setup.spec import STEP_TITLES
from okta_wizard.tui.screens.rotate import rotation_button_label, rotation_note, rotation_offered
from okta_wizard.tui.text import lines, plain, prose, styled
from okta_wizard.tui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from okta_wizard.setup.saved import SavedSetup


def saved_line(saved: SavedSetup) -> str:
    step = min(max(saved.step_reached, 1), 6)
    failed = [n for n, s in sorted(saved.steps.items()) if s == "failed"]
    status = f" · step {failed[0]} failed" if failed else ""
    return (
        f"{saved.org_url} · “{saved.label}” · reached step {step} ({STEP_TITLES[step]})"
        f"{status} · saved {saved.updated_at}{rotation_note(saved)}"
    )


def damaged_text(damaged: list[SavedFileDamaged]) -> Content:
    """Each saved file that cannot be used: what is wrong with it, and what to do."""
    return lines(styled("[b]✘ $what[/b]\n  → ", what=d.message) + prose(d.remedy) for d in damaged)


class ResumeScreen(Screen[tuple[str, "SavedSetup | None"]]):
    """Dismisses with ("continue", saved), ("new", None), ("forget", saved) or ("rotate",
    saved)."""

    BINDINGS = [
        ("enter", "choose('continue')", "Continue"),
        ("n", "choose('new')", "Start a new setup"),
        ("f", "choose('forget')", "Forget"),
        ("r", "choose('rotate')", "Rotate secret"),
    ]

    def __init__(self, saved: Sequence[SavedSetup | SavedFileDamaged]) -> None:
        super().__init__(id="resume")
        self.saved = [s for s in saved if not isinstance(s, SavedFileDamaged)]
        self.damaged = [s for s in saved if isinstance(s, SavedFileDamaged)]

    def compose(self) -> ComposeResult:
        with Vertical(id="resume-box"):
            yield Static("Saved progress found", classes="step-title")
            yield Static(
                "okta-wizard remembers where a setup stopped (never a secret). Continue one: each "
                "step is checked against Okta again, and no second app is ever made.",
                classes="step-intro",
            )
            yield OptionList(
                *(Option(plain(saved_line(s)), id=str(i)) for i, s in enumerate(self.saved)),
                id="resume-list",
            )
            if self.damaged:
                yield Static(damaged_text(self.damaged), id="resume-damaged")
            with Horizontal(classes="buttons"):
                yield Button("Continue (enter)", id="resume-continue", variant="primary")
                yield Button("Start a new setup (n)", id="resume-new")
                yield Button("Forget (f)", id="resume-forget", variant="error")
                yield Button("Rotate secret (r)", id="resume-rotate")
        yield KeyBar()

    def on_mount(self) -> None:
        options = self.query_one("#resume-list", OptionList)
        options.highlighted = 0
        options.focus()
        self._show_rotation()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "choose" and parameters == ("rotate",):
            selected = self.selected() if self.is_mounted else None
            return selected is not None and rotation_offered(selected)
        return True

    @on(OptionList.OptionHighlighted, "#resume-list")
    def _show_rotation(self) -> None:
        """Rotate secret for a complete setup (or a rotation under way), for the one selected."""
        selected = self.selected()
        button = self.query_one("#resume-rotate", Button)
        button.display = selected is not None and rotation_offered(selected)
        if selected is not None:
            button.label = rotation_button_label(selected)
        self.refresh_bindings()

    def selected(self) -> SavedSetup | None:
        index = self.query_one("#resume-list", OptionList).highlighted
        return self.saved[index] if index is not None and index < len(self.saved) else None

    def action_choose(self, what: str) -> None:
        self.dismiss((what, None if what == "new" else self.selected()))

    @on(OptionList.OptionSelected, "#resume-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_choose("continue")

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_choose((event.button.id or "resume-new").removeprefix("resume-"))

"""Moving around the wizard: back and forward, the help built from the keys, the command
palette offering only what applies, the accessible mode, NO_COLOR. In-memory vault: these are
not about the keyring."""

from __future__ import annotations

import re
from typing import Any

from textual.command import CommandPalette
from textual.widgets import Input

from okta_wizard.tui.commands import wizard_commands
from okta_wizard.tui.screens.help import HelpScreen, shown_text
from okta_wizard.tui.steps.base import StepPane
from okta_wizard.tui.widgets.stepper import Stepper
from tests.tui.pilot_helpers import press_button, screen_of, settle, text_of, walk_to


def titles(app: Any) -> list[str]:
    return [c.title for c in wizard_commands(app)]


async def test_going_back_to_a_finished_step_and_forward(memory_wizard: Any) -> None:
    app = memory_wizard()
    async with app.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, 4)
        screen = screen_of(app)
        assert screen.current == 4
        await pilot.press("ctrl+b")
        await settle(pilot)
        assert screen.current == 3
        assert "client_id" in text_of(app, "#settings-result")  # the review shows what was done
        app.action_goto(1)
        await settle(pilot)
        assert screen.current == 1 and "PASS" in text_of(app, "#connect-checks")
        app.action_goto(6)  # not reached: refused
        await settle(pilot)
        assert screen.current == 1 and "not reached" in app.announcements[-1]
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert screen.current == 2
        assert "step 3 Web App settings: done" in screen.query_one(Stepper).describe()


async def test_the_palette_offers_only_what_applies(memory_wizard: Any) -> None:
    app = memory_wizard()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        at_start = titles(app)
        await walk_to(pilot, 5)
        at_step_5 = titles(app)
        await press_button(pilot, "cred-next")
        await press_button(pilot, "handoff-create")
        at_the_end = titles(app)
        system = [c.title for c in app.get_system_commands(app.screen)]
    # Nothing reached yet but the step shown: no "Go to", no secret to reveal.
    assert not [t for t in at_start if t.startswith("Go to")]
    assert "Reveal the client secret" not in at_start and "Quit" in at_start
    assert [t for t in at_step_5 if t.startswith("Go to")] == [
        "Go to step 1: Sign in to Okta",
        "Go to step 2: Create App Integration",
        "Go to step 3: Web App settings",
        "Go to step 4: Assignments",
    ]
    assert "Reveal the client secret" in at_step_5 and "Copy the client secret" in at_step_5
    assert "Reveal the one-time link" not in at_step_5
    assert "Copy the one-time link" in at_the_end and "Go to step 5: Credentials" in at_the_end
    # Textual's own commands stay, less the screenshot (it would write the screen to a file)
    # and its quit (which does not ask).
    assert "Theme" in system and "Keys" in system
    assert "Screenshot" not in system and "Quit" not in system


async def test_the_palette_runs_a_command(memory_wizard: Any) -> None:
    app = memory_wizard()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"Help: keys")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)


async def test_reveal_from_the_palette_shows_the_secret_where_it_is(memory_wizard: Any) -> None:
    app = memory_wizard(reveal_seconds=30)
    async with app.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, 5)
        await press_button(pilot, "cred-next")
        assert screen_of(app).current == 6
        app.action_reveal(5)  # what "Reveal the client secret" runs
        await settle(pilot)
        assert screen_of(app).current == 5
        assert app.state.credentials is not None
        view = screen_of(app).query_one("#cred-secret")
        assert app.state.credentials.secret.reveal() in text_of(app, "#cred-secret .secret-value")
        assert view.has_focus and view.region.intersection(screen_of(app).pane(5).region)


def help_text(app: Any) -> str:
    return "\n".join(shown_text(app.screen, f"#{v.id}") for v in app.screen.query(".help-keys"))


async def test_help_is_built_from_the_keys_of_the_step(memory_wizard: Any) -> None:
    app = memory_wizard(clear_after=7, reveal_seconds=5)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        at_step_1 = help_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, HelpScreen)
        await walk_to(pilot, 5)
        app.action_help()
        await settle(pilot)
        at_step_5 = help_text(app)
    # Step 1 opens with the org URL field focused: "?" types a "?" there, so it is not listed.
    for key, words in [
        ("F1 ", "keys of this step"),
        ("ctrl+p", "Command palette"),
        ("ctrl+b", "Back to the previous step"),
        ("tab", "Next field"),
        ("ctrl+q", "Quit"),
    ]:
        line = next((x for x in at_step_1.splitlines() if x.startswith(key)), "")
        assert line and words in line, (key, at_step_1)
    assert "reveal the" not in at_step_1 and "? " not in at_step_1  # no secret on step 1
    assert "F1 / ?" in at_step_5  # the secret view has the focus: "?" is a key again
    # Step 5 has the secret view: its keys, with this run's delays.
    assert re.search(r"^r\s+reveal the client secret for 5 seconds$", at_step_5, re.M), at_step_5
    assert re.search(
        r"^c\s+copy the client secret \(clipboard cleared after 7 s\)$", at_step_5, re.M
    )
    assert "30" not in at_step_5


async def test_accessible_mode_announces_in_plain_text(memory_wizard: Any) -> None:
    app = memory_wizard(accessible=True)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await walk_to(pilot, 2)
        assert app.animation_level == "none"
        assert len(app._notifications) == 0  # no toasts: the status line speaks
        assert "existing app" in text_of(app, "#announce").lower()


# The SVG export's own window chrome (traffic lights, default text colour): not the app's.
SVG_CHROME = {"#ff5f57", "#febc2e", "#28c840", "#c5c8c6"}


def colours_in(svg: str) -> set[str]:
    """The non-grey colours the screen was drawn with."""
    found = {c.lower() for c in re.findall(r"#[0-9a-fA-F]{6}", svg)} - SVG_CHROME
    return {c for c in found if not c[1:3] == c[3:5] == c[5:7]}


async def step_1_checked(app: Any) -> str:
    async with app.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, 1)
        await press_button(pilot, "connect-check")
        screen: str = app.export_screenshot()
        checks = text_of(app, "#connect-checks")
    assert "PASS" in checks  # the verdicts are words, not only colours
    return screen


async def test_no_color_is_honoured(memory_wizard: Any, monkeypatch: Any) -> None:
    assert colours_in(await step_1_checked(memory_wizard()))  # colour, when NO_COLOR is unset
    monkeypatch.setenv("NO_COLOR", "1")
    assert colours_in(await step_1_checked(memory_wizard())) == set()


async def test_step_1_checks_scroll_into_view_on_a_small_terminal(memory_wizard: Any) -> None:
    # At 80x24 the checks land below the fold; all of them must end up on screen, not just
    # the first line (the view used to stop where the layout was before they appeared).
    app = memory_wizard()
    async with app.run_test(size=(80, 24)) as pilot:
        await walk_to(pilot, 1)
        body = screen_of(app).query_one("#step-1", StepPane).body
        checks = screen_of(app).query_one("#connect-checks")
        await press_button(pilot, "connect-check")
        assert checks.size.height == 5
        assert body.max_scroll_y > 0  # the step is taller than the screen: it had to scroll
        assert body.region.contains_region(checks.region), (body.region, checks.region)


async def test_a_key_typed_before_step_1_has_its_focus_reaches_step_1(memory_wizard: Any) -> None:
    """The first frame is up a refresh before step 1 takes the focus: a key typed then went
    nowhere (the first Enter in a third of the tmux runs). It goes to step 1's first field."""
    app = memory_wizard()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = screen_of(app)
        first = screen.focused
        assert isinstance(first, Input)
        before = first.value
        screen.set_focus(None)  # as in the first frame: shown, its focus not placed yet
        screen._focus_pending = 1
        await pilot.press("x")
        await settle(pilot)
        assert screen.focused is first and first.value != before and "x" in first.value


async def test_a_key_typed_before_a_later_step_has_its_focus_is_not_replayed(
    memory_wizard: Any, sandbox: Any
) -> None:
    """A quick second Enter must not press a later step's first button unseen (step 3's is
    Create app): only step 1, which changes nothing in Okta, gets such a key."""
    app = memory_wizard()
    async with app.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, 3)
        screen = screen_of(app)
        screen.set_focus(None)
        screen._focus_pending = 3
        await pilot.press("enter")
        await settle(pilot)
        assert screen.focused is None and sandbox.org.apps_by_label("Upflow SSO") == []

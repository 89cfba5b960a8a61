"""What a newcomer meets on the way through the six steps: the words on screen say what things
are (no class names, no "(idx)", no literal backticks, no "1week"), Escape goes back, step 1
stays put after its check, toasts never cover a result or an action, the accessible mode says
each choice, and a revealed link is shown where the admin looks. In-memory vault: none of this
is about the keyring."""

from __future__ import annotations

from typing import Any

from textual.widgets import RadioSet, Select, Static

from okta_wizard.tui.app import WizardApp
from okta_wizard.tui.screens.help import HelpScreen
from okta_wizard.tui.steps.base import StepPane
from tests.tui.pilot_helpers import press_button, screen_of, settle, text_of, walk_to


def every_text(app: WizardApp) -> list[str]:
    """The plain text of every Static on the screen shown, hidden ones too."""
    return [str(s.render()) for s in app.screen.query(Static)]


async def test_no_internal_names_or_backticks_on_any_step(memory_wizard: Any) -> None:
    app = memory_wizard()
    seen: list[str] = []
    async with app.run_test(size=(120, 36)) as pilot:
        for step in range(1, 7):
            await walk_to(pilot, step, start=max(step - 1, 1))
            if step == 1:
                await press_button(pilot, "connect-check")
            seen += every_text(app)
        await press_button(pilot, "handoff-create")
        seen += every_text(app)
        who = text_of(app, "#connect-who")
    text = "\n".join(seen)
    assert "`" not in text
    assert "keyring.backends" not in text and "SecretService.Keyring" not in text
    assert "(idx)" not in who and "Identity Engine" in who
    assert "okta-wizard send --revoke" in text  # the command named, bold, without backticks


async def test_the_expiry_list_reads_as_words(memory_wizard: Any) -> None:
    app = memory_wizard()
    async with app.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, 6)
        expiry = screen_of(app).query_one("#handoff-expire", Select)
        labels = [str(prompt) for prompt, _value in expiry._options]
    assert "10 minutes" in labels and "1 week" in labels and "1week" not in labels


async def test_escape_goes_back_and_closes_the_help(memory_wizard: Any) -> None:
    app = memory_wizard()
    async with app.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, 3)
        screen = screen_of(app)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")  # closes the dialog, and only that
        await settle(pilot)
        assert app.screen is screen and screen.current == 3
        await pilot.press("escape")
        await settle(pilot)
        assert screen.current == 2
        await pilot.press("escape")
        await settle(pilot)
        assert screen.current == 1
        await pilot.press("escape")  # nowhere further back: stays
        await settle(pilot)
        assert screen.current == 1


async def test_step_1_stays_put_after_its_check(memory_wizard: Any) -> None:
    app = memory_wizard()
    async with app.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, 1)
        pane = screen_of(app).query_one("#step-1", StepPane)
        before = {w.id: w.region.y for w in pane.query("#org-url, #auth-method, #token")}
        await press_button(pilot, "connect-check")
        after = {w.id: w.region.y for w in pane.query("#org-url, #auth-method, #token")}
        assert pane.body.max_scroll_y == 0  # it all fits: nothing had to scroll
    assert after == before


async def test_toasts_sit_over_the_stepper_and_not_at_80_columns(memory_wizard: Any) -> None:
    app = memory_wizard()
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await walk_to(pilot, 1)
        await press_button(pilot, "connect-check")
        await pilot.pause()
        toasts = list(app.screen.query("Toast"))
        stepper = screen_of(app).stepper.region
        assert toasts, "a toast at 120 columns"
        assert all(stepper.contains_region(t.region) for t in toasts), (stepper, toasts)
    small = memory_wizard()
    async with small.run_test(size=(80, 24), notifications=True) as pilot:
        await walk_to(pilot, 1)
        await press_button(pilot, "connect-check")
        await pilot.pause()
        assert not list(small.screen.query("Toast"))  # no room: the status line says it
        assert "Connected" in text_of(small, "#announce")


async def test_the_accessible_mode_says_each_choice(memory_wizard: Any) -> None:
    app = memory_wizard(accessible=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, 4)
        screen_of(app).query_one("#assign-mode", RadioSet).focus()
        await pilot.press("down", "enter")
        await settle(pilot)
        assert "Chosen: Selected groups" in app.announcements
        screen_of(app).query_one("#assign-mode", RadioSet).focus()
        await pilot.press("up", "enter")
        await settle(pilot)
        assert app.announcements[-1] == "Chosen: Everyone in the org"
        await walk_to(pilot, 6, start=4)
        screen_of(app).query_one("#handoff-burn").focus()
        await pilot.press("enter")
        await settle(pilot)
    assert "Burn after reading: off" in app.announcements


async def test_r_reveals_the_link_where_the_admin_looks(memory_wizard: Any) -> None:
    app = memory_wizard(reveal_seconds=30)
    async with app.run_test(size=(80, 24)) as pilot:
        await walk_to(pilot, 6)
        await press_button(pilot, "handoff-create")
        pane = screen_of(app).pane(6)
        pane.body.scroll_end(animate=False)  # the admin reads the receipt, at the end
        await settle(pilot)
        view = pane.query_one("#handoff-link")
        assert not pane.body.region.contains_region(view.region)
        await pilot.press("r")
        await settle(pilot)
        assert app.state.link is not None
        assert app.state.link.reveal()[:30] in str(view.query_one(".secret-value").render())
        assert pane.body.region.contains_region(view.region)  # brought to where the eyes are
        assert "revealed for 30 seconds" in app.announcements[-1]

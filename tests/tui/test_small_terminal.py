"""80x24, the smallest usual terminal, is a first-class size: on every step the control that
has the focus and the step's primary action are on screen in full without scrolling, and what
an action produced (the checks, the app, the assignment, the link) is brought into view.

"On screen in full": the widget's whole region lies inside its scrolling view (the compositor's
clip) and inside the screen. The tmux walk (test_tmux_small.py) does the same in a real
terminal; this one can see exactly which widget holds the focus.
"""

from __future__ import annotations

from typing import Any

from textual.errors import NoWidget
from textual.widget import Widget
from textual.widgets import Button, Input

from okta_wizard.tui.app import WizardApp
from okta_wizard.tui.widgets.rows import Rows
from tests.tui.pilot_helpers import choose_groups, press_button, screen_of, settle, walk_to

SMALL = (80, 24)


def in_full_view(app: WizardApp, widget: Widget) -> bool:
    screen = app.screen
    try:
        geometry = screen.find_widget(widget)
    except NoWidget:  # not laid out on screen at all
        return False
    return geometry.clip.contains_region(geometry.region) and screen.region.contains_region(
        geometry.region
    )


def shown(app: WizardApp, selector: str) -> Widget:
    widget = screen_of(app).query_one(selector)
    assert in_full_view(app, widget), f"{selector} is not in full view"
    return widget


def focus_and_action(app: WizardApp, focused: str, action: str) -> None:
    """The focused control is `focused`, and it and the primary `action` are in full view."""
    assert app.focused is screen_of(app).query_one(focused), (focused, app.focused)
    shown(app, focused)
    assert isinstance(shown(app, action), Button)


async def test_every_step_shows_its_focus_and_its_action_at_80x24(
    memory_wizard: Any, sandbox: Any
) -> None:
    sandbox.org.add_group("Finance", "Accounts payable")
    app = memory_wizard()
    async with app.run_test(size=SMALL) as pilot:
        await walk_to(pilot, 1)
        focus_and_action(app, "#org-url", "#connect-check")
        await press_button(pilot, "connect-check")
        focus_and_action(app, "#connect-next", "#connect-next")
        shown(app, "#connect-checks")
        await press_button(pilot, "connect-next")
        focus_and_action(app, "#integration-next", "#integration-next")
        shown(app, "#existing-app")
        await press_button(pilot, "integration-next")
        # Enter here writes to Okta: the button it presses is the one in view.
        focus_and_action(app, "#settings-create", "#settings-create")
        await press_button(pilot, "settings-create")
        focus_and_action(app, "#settings-next", "#settings-next")
        shown(app, "#settings-result")
        await press_button(pilot, "settings-next")
        focus_and_action(app, "#assign-mode", "#assign-apply")
        await choose_groups(pilot, "Fin")
        await settle(pilot)
        focus_and_action(app, "#group-search", "#assign-apply")
        shown(app, "#group-selected")  # the whole picker came into view with its field
        await press_button(pilot, "assign-apply")
        focus_and_action(app, "#assign-next", "#assign-next")
        shown(app, "#assign-result")
        await press_button(pilot, "assign-next")
        focus_and_action(app, "#cred-secret", "#cred-next")
        await press_button(pilot, "cred-next")
        focus_and_action(app, "#handoff-domains", "#handoff-create")
        await press_button(pilot, "handoff-create")
        await settle(pilot)
        focus_and_action(app, "#handoff-link", "#handoff-finish")
        shown(app, "#handoff-warning")  # the link and its warning, the receipt below them


async def test_the_receipt_rows_keep_their_columns_at_80x24(memory_wizard: Any) -> None:
    app = memory_wizard()
    async with app.run_test(size=SMALL) as pilot:
        await walk_to(pilot, 6)
        await press_button(pilot, "handoff-create")
        rows = screen_of(app).query_one("#handoff-receipt").query_one(Rows)
        screen_of(app).pane(6).body.scroll_to_widget(rows, animate=False, top=True)
        await settle(pilot)
        values = list(rows.query(".row-value"))
        names = [str(n.render()) for n in rows.query(".row-name")]
        columns = {v.region.x for v in values}
        heights = [v.region.height for v in values]
        link = str(values[names.index("One-time link:")].render())
    # Every value starts in the same column, and one that wraps stays there (a hanging
    # indent), never back under the names.
    assert len(columns) == 1 and max(heights) > 1, (columns, heights)
    assert "(1 week)" in link and "1week" not in link


async def test_an_invalid_org_url_keeps_the_focus(memory_wizard: Any) -> None:
    app = memory_wizard(org_url="", token=None)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        url = screen_of(app).query_one("#org-url", Input)
        assert app.focused is url
        await pilot.press(*"http://acme.okta.com", "enter")  # plain http: refused
        await settle(pilot)
        assert app.focused is url  # the next keys fix the URL, not overwrite the token
        assert "Fix the org URL first" in app.announcements[-1]
        await pilot.press(*"/x")
        await settle(pilot)
        assert screen_of(app).query_one("#token", Input).value == ""
        assert url.value == "http://acme.okta.com/x"

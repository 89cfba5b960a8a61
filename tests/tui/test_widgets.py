"""Group picker, secret reveal/copy/clear, the masked input, going back, help and palette."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from textual.widgets import Input, OptionList, RadioSet

from okta_wizard.tui.screens.help import HelpScreen
from okta_wizard.tui.widgets.group_picker import GroupPicker
from okta_wizard.tui.widgets.secret_input import SecretInput
from okta_wizard.tui.widgets.secret_view import SecretView
from tests.osc52 import record_terminal
from tests.tui.pilot_helpers import press_button, screen_of, settle, text_of, wait_for, walk_to


async def choose_groups_mode(pilot: Any) -> GroupPicker:
    app = pilot.app
    radio = screen_of(app).query_one("#assign-mode", RadioSet)
    radio.focus()
    await pilot.press("down", "enter")  # "Selected groups"
    await settle(pilot)
    picker = screen_of(app).query_one(GroupPicker)
    assert picker.display
    return picker


async def test_group_picker_searches_okta_and_assigns(wizard: Any, sandbox: Any) -> None:
    sandbox.org.add_group("Finance", "Accounts payable")
    sandbox.org.add_group("Finance Europe")
    sandbox.org.add_group("Sales")
    app = wizard()
    async with app.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, 4)
        picker = await choose_groups_mode(pilot)
        shown = picker.history
        search = screen_of(app).query_one("#group-search", Input)
        search.focus()
        await pilot.press(*"Fin")
        await wait_for(pilot, lambda: any(m.text == "Fin" for m in shown))
        # Debounced: three keystrokes, one search of the final text.
        assert [m.text for m in shown] == ["Fin"]
        searches = [c for c in sandbox.calls_to("GET /api/v1/groups") if "q=" in c.query]
        # Server-side, one request, with member counts.
        assert [c.query for c in searches] == ["q=Fin&limit=20&expand=stats"]
        results = screen_of(app).query_one("#group-results", OptionList)
        names = [str(results.get_option_at_index(i).prompt) for i in range(results.option_count)]
        assert any("Finance" in n for n in names) and not any("Sales" in n for n in names)
        await pilot.press("enter")  # adds the first result
        await settle(pilot)
        assert "Finance" in text_of(app, "#group-selected")
        await press_button(pilot, "assign-apply")
        assert "Finance" in text_of(app, "#assign-result")
    app_id = sandbox.org.apps_by_label("Upflow SSO")[0].id
    assigned = sandbox.org.apps_by_label("Upflow SSO")[0].assignments
    assert assigned and app_id


async def test_group_picker_flags_member_less_groups(wizard: Any, sandbox: Any) -> None:
    sandbox.org.add_group("Payroll", users_count=1)
    sandbox.org.add_group("Payroll Archive", users_count=0)
    sandbox.org.add_group("Payroll Team", users_count=1200)
    app = wizard()
    async with app.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, 4)
        picker = await choose_groups_mode(pilot)
        screen_of(app).query_one("#group-search", Input).focus()
        await pilot.press(*"Payroll")
        await wait_for(pilot, lambda: any(m.text == "Payroll" for m in picker.history))
        results = screen_of(app).query_one("#group-results", OptionList)
        plain = [str(results.get_option_at_index(i).prompt) for i in range(results.option_count)]
        lines = {line.strip().split("  ")[0]: line for line in plain}
        assert "0 members" in lines["Payroll Archive"]
        assert "1 member" in lines["Payroll"] and "0 members" not in lines["Payroll"]
        assert "1,200 members" in lines["Payroll Team"]
        results.focus()
        results.highlighted = plain.index(lines["Payroll Archive"])
        await pilot.press("enter")
        await settle(pilot)
        selected = text_of(app, "#group-selected")
        assert "Payroll Archive" in selected and "0 members" in selected


async def test_group_picker_says_when_nothing_matches(wizard: Any, sandbox: Any) -> None:
    app = wizard()
    async with app.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, 4)
        await choose_groups_mode(pilot)
        screen_of(app).query_one("#group-search", Input).focus()
        await pilot.press(*"Nonexistent team")
        await wait_for(pilot, lambda: "No group in Okta" in text_of(app, "#group-status"))
        await press_button(pilot, "assign-apply")  # nothing picked: refused, nothing assigned
        assert "Pick at least one group" in app.announcements[-1]


async def test_group_picker_drops_stale_results(wizard: Any, sandbox: Any) -> None:
    sandbox.org.add_group("Alpha")
    sandbox.org.add_group("Beta")
    app = wizard()
    async with app.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, 4)
        picker = await choose_groups_mode(pilot)
        sandbox.set_latency(0.4)  # Okta answers slower than the admin types
        search = screen_of(app).query_one("#group-search", Input)
        search.value = "Alp"
        await asyncio.sleep(0.25)  # the "Alp" request is in flight
        search.value = "Bet"
        await settle(pilot)
        sandbox.set_latency(0.0)
        assert "Beta" in str(picker.query_one(OptionList).get_option_at_index(0).prompt)
        assert "Bet" in text_of(app, "#group-status")


async def test_reveal_hides_itself_and_copy_clears_the_clipboard(wizard: Any) -> None:
    app = wizard(reveal_seconds=0.3, clear_after=0.5)
    async with app.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, 5)
        creds = app.state.credentials
        assert creds is not None
        secret = creds.secret.reveal()
        view = screen_of(app).query_one("#cred-secret", SecretView)
        value = lambda: text_of(app, "#cred-secret .secret-value")  # noqa: E731
        assert secret not in value() and creds.secret.masked() in value()
        assert creds.fingerprint in text_of(app, "#cred-secret .secret-fingerprint")
        view.focus()
        await pilot.press("r")
        await settle(pilot)
        assert secret in value()
        await wait_for(pilot, lambda: secret not in value(), within=3)
        terminal = record_terminal(app)
        await pilot.press("c")
        await settle(pilot)
        assert terminal.clipboard == secret
        assert "Asked the terminal to copy the client secret (OSC 52)" in app.announcements[-1]
        await wait_for(pilot, lambda: terminal.clipboard == "", within=3)
        assert app.announcements[-1] == "Asked the terminal to clear its clipboard (OSC 52)."


async def test_quitting_with_a_copy_pending_clears_it(wizard: Any) -> None:
    app = wizard(clear_after=600)
    async with app.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, 5)
        assert app.state.credentials is not None
        secret = app.state.credentials.secret.reveal()
        terminal = record_terminal(app)
        screen_of(app).query_one("#cred-secret", SecretView).focus()
        await pilot.press("c")
        await settle(pilot)
        assert terminal.clipboard == secret
        app.exit()
    assert terminal.clipboard == "", "the clear was sent while the app closed"


async def test_copy_without_osc52_shows_the_value_selectable(wizard: Any, monkeypatch: Any) -> None:
    monkeypatch.setenv("VTE_VERSION", "7200")  # GNOME Terminal ignores OSC 52
    monkeypatch.delenv("TMUX", raising=False)
    app = wizard(reveal_seconds=0.3)
    async with app.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, 5)
        assert app.state.credentials is not None
        secret = app.state.credentials.secret.reveal()
        screen_of(app).query_one("#cred-secret", SecretView).focus()
        terminal = record_terminal(app)
        await pilot.press("c")
        await settle(pilot)
        assert app.clipboard != secret and terminal.output == ""
        assert secret in text_of(app, "#cred-secret .secret-value")
        assert "select it with the mouse" in app.announcements[-1]
        await wait_for(pilot, lambda: secret not in text_of(app, "#cred-secret .secret-value"))


async def test_masked_token_input_refuses_copy_and_cut(wizard: Any, sandbox: Any) -> None:
    app = wizard()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        token = screen_of(app).query_one("#token", SecretInput)
        token.focus()
        await pilot.press("ctrl+a")  # select all
        token.action_copy()
        await pilot.press("ctrl+c")
        assert app.clipboard != sandbox.token and sandbox.token not in app.clipboard
        token.action_cut()
        assert token.value == sandbox.token  # cut removed nothing
        assert "•" * 4 in str(token.render_line(0).text)


async def test_going_back_to_a_finished_step_and_forward(wizard: Any) -> None:
    app = wizard()
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
        stepper = screen.query_one("#stepper")
        assert "step 3 Web App settings: done" in stepper.describe()  # type: ignore[attr-defined]


async def test_help_screen_and_command_palette(wizard: Any) -> None:
    app = wizard()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        keys = str(app.screen.query_one("#help-keys").render())
        assert "ctrl+p" in keys and "reveal" in keys
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, HelpScreen)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Go to step 5: Credentials" in titles and "Reveal the secret" in titles
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"Help: keys")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)


async def test_accessible_mode_announces_in_plain_text(wizard: Any) -> None:
    app = wizard(accessible=True)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await walk_to(pilot, 2)
        assert app.animation_level == "none"
        assert app._notifications.__len__() == 0  # no toasts: the status line speaks
        assert "Existing app" in text_of(app, "#announce") or "No existing app" in text_of(
            app, "#announce"
        )


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


async def test_no_color_is_honoured(wizard: Any, monkeypatch: Any) -> None:
    assert colours_in(await step_1_checked(wizard()))  # colour, when NO_COLOR is not set
    monkeypatch.setenv("NO_COLOR", "1")
    assert colours_in(await step_1_checked(wizard())) == set()


async def test_step_1_checks_scroll_into_view_on_a_small_terminal(wizard: Any) -> None:
    # At 80x24 the checks land below the fold; all of them must end up on screen, not just
    # the first line (the view used to stop where the layout was before they appeared).
    app = wizard()
    async with app.run_test(size=(80, 24)) as pilot:
        await walk_to(pilot, 1)
        pane = screen_of(app).query_one("#step-1")
        checks = screen_of(app).query_one("#connect-checks")
        await press_button(pilot, "connect-check")
        await pilot.pause()
        assert checks.size.height == 5
        assert pane.max_scroll_y > 0  # the step is taller than the screen: it had to scroll
        assert pane.region.contains_region(checks.region), (pane.region, checks.region)

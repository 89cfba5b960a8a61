"""Text from Okta and from the secrets server is shown as text in the TUI, never read as
Textual markup: at every step, through every kind of error (401, 403, 5xx, 429 past the wait
budget, a failed group search, a refused hand-off), in the error box and in the toast.

On the old code an errorSummary of `[@click=app.screenshot('x.svg', FOLDER)]x` became a
clickable action that wrote a file, and `[/]` in a 401 summary crashed the wizard.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from rich.cells import cell_len
from textual.widget import Widget
from textual.widgets import Input, RadioSet, Static

from okta_wizard.sandbox.server import RunningSandbox
from okta_wizard.tui.app import WizardApp
from tests.security.orgs import running_sandbox, wizard_for
from tests.tui.pilot_helpers import press_button, screen_of, settle, text_of, wait_for, walk_to


def action_markup(folder: Path) -> str:
    """A clickable action that would write `pwned.svg` into `folder` if it ran."""
    return f"[@click=app.screenshot('pwned.svg','{folder}')]click me[/]"


# What a hostile errorSummary (or error code, or server message) can hold: an action, closing
# tags that open nothing (MarkupError), Textual variables and upper-case tags (which Rich's
# escape() lets through), a link.
BROKEN_MARKUP = "[/] [/b] [$accent]var[/] [B]upper[/B] [link='https://evil.example']l[/link]"


def payload(folder: Path) -> str:
    return f"{action_markup(folder)} {BROKEN_MARKUP}"


@pytest.fixture
def sandbox_org() -> Iterator[RunningSandbox]:
    with running_sandbox() as sb:
        yield sb


def action_ran(folder: Path) -> bool:
    """Did `app.screenshot` write its file: an action from outside text ran."""
    return any(folder.glob("pwned*"))


def error_box(app: WizardApp, step: int) -> str:
    return text_of(app, f"#step-{step} .error-box")


def toasts(app: WizardApp) -> list[str]:
    """The text of the toasts on screen (run_test(notifications=True) shows them)."""
    return [str(toast.render()) for toast in app.screen.query("Toast")]


def no_action_markup(app: WizardApp) -> None:
    """No widget on screen holds an action span (the `@click` style a tag would become)."""
    for widget in app.screen.walk_children(Widget):
        if isinstance(widget, Static):
            visual = widget.render()
            spans = getattr(visual, "spans", [])
            assert not any("@click" in str(span.style) for span in spans), widget


async def click_on_text(pilot: Any, app: WizardApp, text: str) -> int:
    """Click every place on screen where `text` is drawn (an action's label would be
    there); returns how many places were clicked."""
    clicked = 0
    for y, strip in enumerate(app.screen._compositor.render_strips()):
        line, start = strip.text, 0
        while (i := line.find(text, start)) >= 0:
            await pilot.click(offset=(cell_len(line[:i]) + 1, y))
            clicked += 1
            start = i + len(text)
    return clicked


def assert_shown_literally(
    app: WizardApp, step: int, text: str, folder: Path, shown_toasts: list[str] | None = None
) -> None:
    shown = error_box(app, step)
    assert text in shown, shown  # the very characters, tags included
    assert any(text in a for a in app.announcements), app.announcements
    shown_toasts = toasts(app) if shown_toasts is None else shown_toasts
    assert any(text in toast for toast in shown_toasts), shown_toasts  # the toast too
    no_action_markup(app)
    assert app.is_running
    assert not action_ran(folder), "an action from Okta's text ran"


# ------------------------------------------------------------------ step 1: 401
@pytest.mark.parametrize("kind", ["action", "broken"])
async def test_step1_rejected_credential_summary(
    sandbox_org: RunningSandbox, secret_service: None, tmp_path: Path, kind: str
) -> None:
    """The 401 that crashed the wizard ([/]) and the action that wrote a file."""
    summary = action_markup(tmp_path) if kind == "action" else payload(tmp_path)
    sandbox_org.faults.add("GET /api/v1/users/{id}", status=401, error_summary=summary)
    app = wizard_for(sandbox_org)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await press_button(pilot, "connect-check")
        shown_toasts = toasts(app)  # a click dismisses a toast: read it first
        # Click where "click me" is drawn (the error box, the toast): nothing runs.
        assert await click_on_text(pilot, app, "click me") >= 1
        await settle(pilot)
        assert not action_ran(tmp_path), "Okta's errorSummary ran an action when clicked"
        assert_shown_literally(app, 1, summary, tmp_path, shown_toasts)
        assert screen_of(app).current == 1
    assert app.return_code is None or app.return_code == 0


# ------------------------------------------------------------------ steps 2 to 5
async def test_app_search_invalid_request_summary(
    sandbox_org: RunningSandbox, secret_service: None, tmp_path: Path
) -> None:
    """The search for an existing app runs with step 1's checks (step 2 shows what it found)."""
    summary = payload(tmp_path)
    app = wizard_for(sandbox_org)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await walk_to(pilot, 1)
        sandbox_org.faults.add("GET /api/v1/apps", status=400, error_summary=summary)
        await press_button(pilot, "connect-check")
        await settle(pilot)
        assert_shown_literally(app, 1, summary, tmp_path)


async def test_step3_server_error_code(
    sandbox_org: RunningSandbox, secret_service: None, tmp_path: Path
) -> None:
    code = payload(tmp_path)
    sandbox_org.faults.add("POST /api/v1/apps", status=503, error_code=code)
    app = wizard_for(sandbox_org)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await walk_to(pilot, 3)
        await press_button(pilot, "settings-create")
        assert "HTTP 503" in error_box(app, 3)
        assert_shown_literally(app, 3, code, tmp_path)
    assert sandbox_org.org.apps_by_label("Upflow SSO") == []


async def test_step4_permission_denied_code(
    sandbox_org: RunningSandbox, secret_service: None, tmp_path: Path
) -> None:
    code = payload(tmp_path)
    sandbox_org.faults.add("PUT /api/v1/apps/{id}/groups/{gid}", status=403, error_code=code)
    app = wizard_for(sandbox_org)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await walk_to(pilot, 4)
        await press_button(pilot, "assign-apply")
        assert "Permission denied" in error_box(app, 4)
        assert_shown_literally(app, 4, code, tmp_path)


async def test_step5_discovery_summary(
    sandbox_org: RunningSandbox, secret_service: None, tmp_path: Path
) -> None:
    summary = payload(tmp_path)
    sandbox_org.faults.add(
        "GET /.well-known/openid-configuration", status=401, error_summary=summary
    )
    app = wizard_for(sandbox_org)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await walk_to(pilot, 4)
        await press_button(pilot, "assign-apply")
        await press_button(pilot, "assign-next")
        await settle(pilot)
        assert_shown_literally(app, 5, summary, tmp_path)


# ------------------------------------------------------------------ step 4: the group picker
async def _search(pilot: Any, app: WizardApp, text: str) -> str:
    radio = screen_of(app).query_one("#assign-mode", RadioSet)
    radio.focus()
    await pilot.press("down", "enter")  # "Selected groups"
    await settle(pilot)
    screen_of(app).query_one("#group-search", Input).value = text
    await wait_for(pilot, lambda: "Search failed" in text_of(app, "#group-status"))
    return text_of(app, "#group-status")


@pytest.mark.parametrize("status", [429, 400])
async def test_step4_group_search_failure(
    sandbox_org: RunningSandbox, secret_service: None, tmp_path: Path, status: int
) -> None:
    """429 past the wait budget (the reset is an hour away) quotes the typed search text; a
    400 quotes Okta's summary. Both land in the picker's status line."""
    typed = payload(tmp_path)
    app = wizard_for(sandbox_org)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await walk_to(pilot, 4)
        sandbox_org.faults.add(
            "GET /api/v1/groups", status=status, reset_in=3600, error_summary=typed
        )
        shown = await _search(pilot, app, typed)
        assert typed in shown, shown
        if status == 429:
            assert "rate limit" in shown
        no_action_markup(app)
        await click_on_text(pilot, app, "click me")
        await settle(pilot)
        assert app.is_running and not action_ran(tmp_path)


# ------------------------------------------------------------------ step 6: the hand-off
@pytest.fixture
async def refusing_secrets_server(tmp_path: Path) -> AsyncIterator[str]:
    """A PrivateBin-speaking server that refuses every paste with a message full of markup
    (`{"status": 1, "message": ...}`, as PrivateBin answers an error)."""

    async def answer(request: web.Request) -> web.Response:
        return web.json_response({"status": 1, "message": payload(tmp_path)})

    app = web.Application()
    app.router.add_route("*", "/secrets/", answer)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}/secrets/"
    finally:
        await runner.cleanup()


async def test_step6_handoff_refusal_message(
    sandbox_org: RunningSandbox,
    secret_service: None,
    tmp_path: Path,
    refusing_secrets_server: str,
) -> None:
    app = wizard_for(sandbox_org, secrets_url=refusing_secrets_server)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await walk_to(pilot, 6)
        await press_button(pilot, "handoff-create")
        assert "refused the paste" in error_box(app, 6)
        assert_shown_literally(app, 6, payload(tmp_path), tmp_path)
        assert app.state.link is None

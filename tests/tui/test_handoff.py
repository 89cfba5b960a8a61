"""Step 6's settings reach the engine's send step: burn after reading (on by default, can be
turned off) and an optional link password. Checked on the paste the sandbox endpoint holds,
decrypted by pbincli (no crypto code shared with okta-wizard)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from textual.widgets import Input

from okta_wizard.secret import Secret
from okta_wizard.tui.widgets.choice import Toggle
from okta_wizard.tui.widgets.rows import rows_text
from tests.handoff.links import fetch_paste, pbincli_decrypt, split_link
from tests.leakscan import find_leaks
from tests.tui.pilot_helpers import press_button, screen_of, settle, text_of, walk_to

PASSWORD = "correct-horse-battery"


def read_twice(link: str, password: str | None) -> tuple[dict[str, Any], str, dict[str, Any]]:
    """First read (decrypted by pbincli), then a second read of the same paste."""
    first = fetch_paste(link)
    assert first["status"] == 0, first
    text = pbincli_decrypt(first, split_link(link)[2], password)
    return first, text, fetch_paste(link)


async def create_link(app: Any, pilot: Any, *, burn: bool, password: str) -> str:
    await walk_to(pilot, 6)
    screen = screen_of(app)
    assert screen.query_one("#handoff-burn", Toggle).value, "burn after reading is on by default"
    if not burn:
        screen.query_one("#handoff-burn", Toggle).toggle()
        await settle(pilot)
        assert "OFF" in text_of(app, "#handoff-burn-note")
    screen.query_one("#handoff-password", Input).value = password
    await press_button(pilot, "handoff-create")
    assert isinstance(app.state.link, Secret), text_of(app, "#step-6 .error-box")
    return app.state.link.reveal()


async def test_default_link_burns_after_reading(wizard: Any) -> None:
    app = wizard()
    async with app.run_test(size=(120, 36)) as pilot:
        link = await create_link(app, pilot, burn=True, password="")
    first, text, second = await asyncio.to_thread(read_twice, link, None)
    assert first["adata"][3] == 1 and "Client secret:" in text
    assert second["status"] == 1  # gone after the first read


async def test_burn_off_and_a_password_reach_the_send_step(wizard: Any) -> None:
    app = wizard()
    async with app.run_test(size=(120, 36)) as pilot:
        link = await create_link(app, pilot, burn=False, password=PASSWORD)
        shown = app.export_screenshot()
        receipt = rows_text(screen_of(app), "#handoff-receipt")
        assert screen_of(app).query_one("#handoff-burn", Toggle).disabled
    assert find_leaks([PASSWORD], texts=[shown, receipt]) == []
    payload = await asyncio.to_thread(fetch_paste, link)
    assert payload["adata"][3] == 0  # burn after reading off
    with pytest.raises(Exception):  # noqa: B017 - pbincli raises its own error types
        pbincli_decrypt(payload, split_link(link)[2], None)
    _, text, second = await asyncio.to_thread(read_twice, link, PASSWORD)
    assert "Client secret:" in text
    assert second["status"] == 0  # still there: it was not burned


async def test_a_non_ascii_password_is_refused_before_posting(wizard: Any, sandbox: Any) -> None:
    app = wizard()
    async with app.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, 6)
        screen_of(app).query_one("#handoff-password", Input).value = "pässword"
        await settle(pilot)
        assert "ASCII" in text_of(app, "#handoff-password-hint")
        await press_button(pilot, "handoff-create")
        assert "ASCII" in text_of(app, "#step-6 .error-box")
        assert app.state.link is None
    assert not [c for c in sandbox.calls if c.method == "POST" and c.path.startswith("/secrets/")]

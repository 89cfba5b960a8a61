"""The clipboard's clear delay has one home (`okta_wizard.clipboard`): every text that names
it, in the wizard and in the CLI, says the configured number, never a written-in "30 s"."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from okta_wizard.cli import main
from okta_wizard.clipboard import CLEAR_AFTER_SECONDS, configured_clear_after
from okta_wizard.tui.commands import wizard_commands
from okta_wizard.tui.screens.help import shown_text
from tests.tui.pilot_helpers import settle, text_of, walk_to

PACKAGE = Path(__file__).resolve().parents[2] / "okta_wizard"


async def test_every_wizard_text_names_the_configured_delay(memory_wizard: Any) -> None:
    app = memory_wizard(clear_after=7)
    async with app.run_test(size=(120, 36)) as pilot:
        await walk_to(pilot, 5)
        texts = [
            text_of(app, "#step-5 .step-intro"),
            text_of(app, "#cred-secret .secret-help"),
            *(c.help for c in wizard_commands(app) if "Copy" in c.title),
        ]
        app.action_help()
        await settle(pilot)
        shown = [shown_text(app.screen, f"#{v.id}") for v in app.screen.query(".help-keys")]
        texts.append(next(t for t in shown if "copy the client secret" in t))
        for text in texts:
            assert "cleared after 7 s" in text, text  # "the clipboard is cleared after 7 s"
            assert "30" not in text, text


def test_credentials_help_names_the_configured_delay(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OKTA_WIZARD_CLIPBOARD_SECONDS", "7")
    with pytest.raises(SystemExit):
        main(["credentials", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert "cleared after 7 s" in shown and "30 s" not in shown


@pytest.mark.parametrize(("raw", "seconds"), [("", 30.0), ("7", 7.0), ("x", 30.0), ("-1", 30.0)])
def test_the_delay_setting(raw: str, seconds: float) -> None:
    assert configured_clear_after({"OKTA_WIZARD_CLIPBOARD_SECONDS": raw}) == seconds


def test_the_default_delay_is_written_once() -> None:
    """No other module writes the number next to a word about clearing or the clipboard."""
    home = PACKAGE / "clipboard" / "__init__.py"
    number = re.compile(rf"\b{CLEAR_AFTER_SECONDS:g}(\.0)?\b")
    about = re.compile(r"clear|clipboard|copy", re.IGNORECASE)
    found = [
        f"{path.relative_to(PACKAGE)}:{n}"
        for path in PACKAGE.rglob("*.py")
        if path != home
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if number.search(line) and about.search(line)
    ]
    assert found == [], "the clear delay must come from okta_wizard.clipboard"

"""TUI test fixtures: a wizard wired to the real sandbox org (HTTP on loopback) and the real
setup engine, with the secret in the real Secret Service; cursor blink frozen for snapshots."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.widgets import Input

from okta_wizard.secret import Secret
from okta_wizard.tui.app import WizardApp, make_app


@pytest.fixture(autouse=True)
def _frozen_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Input, "_toggle_cursor", lambda _self: None)


@pytest.fixture(autouse=True)
def _clipboard_supported(monkeypatch: pytest.MonkeyPatch) -> None:
    # OSC 52 straight to the (headless) terminal: no desktop clipboard, no multiplexer.
    for name in (
        *("VTE_VERSION", "TERM_PROGRAM", "OKTA_WIZARD_NO_CLIPBOARD", "NO_COLOR"),
        *("OKTA_WIZARD_CLIPBOARD", "DISPLAY", "WAYLAND_DISPLAY", "TMUX", "TMUX_PANE", "STY"),
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def wizard(sandbox: Any, secret_service: None) -> Callable[..., WizardApp]:
    """make_app against the sandbox; keyword arguments override make_app's."""

    def build(**overrides: Any) -> WizardApp:
        options: dict[str, Any] = {
            "org_url": sandbox.base_url,
            "token": Secret(sandbox.token),
            "secrets_url": sandbox.secrets_url,
            "accessible": False,
        }
        options.update(overrides)
        return make_app(**options)

    return build

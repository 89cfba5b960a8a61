"""TUI test fixtures: a wizard wired to the real sandbox org (HTTP on loopback) and the real
setup engine; cursor blink frozen for snapshots.

Two lanes. `wizard` keeps the secret in the real Secret Service (gnome-keyring under D-Bus, as
`make test` runs it): for every test that stores or reads a secret on purpose. `memory_wizard`
keeps it in the in-memory vault: for the tests about something else (the group picker, the
keys, the texts), which then need no D-Bus session. The widget tests (test_widgets.py) need
neither: each widget runs in a small app of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.widgets import Input

from okta_wizard.secret import Secret
from okta_wizard.setup.engine import ProgressCallback, Setup, SetupOptions
from okta_wizard.tui.app import WizardApp, make_app
from okta_wizard.tui.session import SetupFactory
from okta_wizard.vault import MemoryVault


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


def _builder(sandbox: Any, **defaults: Any) -> Callable[..., WizardApp]:
    def build(**overrides: Any) -> WizardApp:
        options: dict[str, Any] = {
            "org_url": sandbox.base_url,
            "token": Secret(sandbox.token),
            "secrets_url": sandbox.secrets_url,
            "accessible": False,
            **defaults,
        }
        options.update(overrides)
        return make_app(**options)

    return build


@pytest.fixture
def wizard(sandbox: Any, secret_service: None) -> Callable[..., WizardApp]:
    """make_app against the sandbox, the secret in the real Secret Service; keyword arguments
    override make_app's."""
    return _builder(sandbox)


@pytest.fixture
def memory_setup() -> SetupFactory:
    """The engine with the in-memory vault: the secret is kept in this process only."""
    vault = MemoryVault()

    def in_memory(options: SetupOptions, on_progress: ProgressCallback) -> Setup:
        return Setup(options, on_progress=on_progress, vault=vault)

    return in_memory


@pytest.fixture
def memory_wizard(sandbox: Any, memory_setup: SetupFactory) -> Callable[..., WizardApp]:
    """make_app against the sandbox, the secret in the in-memory vault (no D-Bus needed)."""
    return _builder(sandbox, setup_factory=memory_setup)

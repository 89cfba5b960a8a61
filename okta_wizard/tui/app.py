"""`make_app`, the one way to build the wizard (CLI, demo, tests, screenshots), so that what the
pictures show is what the admin gets.

Startup imports only Textual and the TUI: the engine, the gateway and the Okta SDK are loaded
inside the worker that first needs them, so the first screen takes input at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec

from okta_wizard.tui.screens.wizard import WizardScreen
from okta_wizard.tui.wizard_app import WizardApp, WizardConfig

__all__ = ["WizardApp", "WizardConfig", "make_app"]

Fields = ParamSpec("Fields")


def _app_from(config: Callable[Fields, WizardConfig]) -> Callable[Fields, WizardApp]:
    """make_app takes exactly WizardConfig's fields (mypy checks them through the ParamSpec)."""

    def make_app(*args: Fields.args, **fields: Fields.kwargs) -> WizardApp:
        return WizardApp(config(*args, **fields), main_screen=WizardScreen)

    return make_app


make_app = _app_from(WizardConfig)

"""The TUI's hold on the setup engine: one open `Setup` across the six steps.

The engine is the only way the TUI reaches Okta (and the keyring). Its async methods run in
Textual async workers on the UI loop; the engine itself pushes blocking keyring calls to threads.
The engine module (and with it the gateway and the crypto) is imported by the first worker
that opens a session, never at startup.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from okta_wizard.setup.engine import ProgressCallback, Setup, SetupOptions

SetupFactory = Callable[["SetupOptions", "ProgressCallback"], "Setup"]


def default_setup_factory(options: SetupOptions, on_progress: ProgressCallback) -> Setup:
    from okta_wizard.setup.engine import Setup

    return Setup(options, on_progress=on_progress)


class EngineSession:
    """Opens `Setup` lazily on the first connect and closes it when the app ends."""

    def __init__(self, factory: SetupFactory, on_progress: ProgressCallback) -> None:
        self.factory = factory
        self.on_progress = on_progress
        self.setup: Setup | None = None

    async def open(self, options: SetupOptions) -> Setup:
        await self.close()
        setup = self.factory(options, self.on_progress)
        await setup.__aenter__()
        self.setup = setup
        return setup

    def require(self) -> Setup:
        if self.setup is None:
            raise RuntimeError("connect first (step 1)")
        return self.setup

    def relabel(self, label: str) -> None:
        """Step 3 may rename the app before it is created; the engine reads options.label."""
        setup = self.require()
        setup.options = dataclasses.replace(setup.options, label=label)

    async def close(self) -> None:
        setup, self.setup = self.setup, None
        if setup is not None:
            exc: Any = None
            await setup.__aexit__(None, exc, None)

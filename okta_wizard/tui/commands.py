"""The wizard's commands in the palette (ctrl+p): only what applies right now.

"Go to step N" for the steps reached (not the one shown), reveal and copy for the secrets that
exist (the client secret once step 5 has read it, the one-time link once step 6 made it), the
help and the wizard's own quit. Textual's system commands stay beside them, less the ones the
app drops (see `DROPPED_SYSTEM_COMMANDS`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from okta_wizard.clipboard import clear_note
from okta_wizard.setup.spec import STEP_TITLES
from okta_wizard.tui.wizard_app import WizardApp


@dataclass(frozen=True)
class Command:
    title: str
    help: str
    run: Callable[[], object]


def wizard_commands(app: WizardApp) -> Iterator[Command]:
    """The commands that apply to the wizard as it is now."""
    state = app.state
    shown = app.wizard_screen().current
    for step, title in STEP_TITLES.items():
        if step != shown and app.reachable(step):
            why = "Review a finished step" if step in state.done else "Back to this step"
            yield Command(f"Go to step {step}: {title}", why, partial(app.action_goto, step))
    seconds = f"{app.config.reveal_seconds:g}"
    copied = clear_note(app.config.clear_after)
    if state.credentials is not None:
        yield Command(
            "Reveal the client secret",
            f"Step 5: shown for {seconds} seconds",
            partial(app.action_reveal, 5),
        )
        yield Command("Copy the client secret", f"Step 5: {copied}", partial(app.action_copy, 5))
    if state.link is not None:
        yield Command(
            "Reveal the one-time link",
            f"Step 6: shown for {seconds} seconds",
            partial(app.action_reveal, 6),
        )
        yield Command("Copy the one-time link", f"Step 6: {copied}", partial(app.action_copy, 6))
    yield Command("Help: keys", "The keys of this step", app.action_help)
    yield Command("Quit", "Asks first once an app exists", app.action_quit_wizard)


class WizardCommands(Provider):
    def _commands(self) -> list[Command]:
        app = self.app
        return list(wizard_commands(app)) if isinstance(app, WizardApp) else []

    async def discover(self) -> Hits:
        for command in self._commands():
            yield DiscoveryHit(command.title, command.run, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands():
            if (score := matcher.match(command.title)) > 0:
                yield Hit(score, matcher.highlight(command.title), command.run, help=command.help)

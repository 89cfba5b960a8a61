"""Step 2 · Create App Integration: OIDC + Web; an existing "Upflow SSO" app is reused."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.widgets import Button, Label, RadioSet, Static

from okta_wizard.tui.steps.base import StepPane
from okta_wizard.tui.text import lines, plain, styled
from okta_wizard.tui.widgets.choice import Choice, choice_mark

if TYPE_CHECKING:
    from okta_wizard.setup.engine import ExistingApp

SIGN_IN_METHODS = (
    ("OIDC - OpenID Connect", True, "what Upflow uses: sign-in with an ID token"),
    ("SAML 2.0", False, "Upflow does not accept SAML"),
    ("SWA - Secure Web Authentication", False, "password vaulting; no single sign-on"),
    ("API Services", False, "machine-to-machine; no user sign-in"),
)
APP_TYPES = (
    ("Web Application", True, "server-side app that keeps a client secret: Upflow"),
    ("Single-Page Application", False, "browser-only, no secret"),
    ("Native Application", False, "desktop or mobile apps"),
)


def _choices(options: tuple[tuple[str, bool, str], ...]) -> str:
    return "\n".join(
        f"{choice_mark(chosen)} {name}  [dim]— {why}[/dim]" for name, chosen, why in options
    )


class IntegrationPane(StepPane):
    STEP = 2
    INTRO = "The Admin Console's choices, as Upflow's guide sets them: OIDC, Web Application."

    def compose_body(self) -> ComposeResult:
        yield Label("Sign-in method")
        yield Static(_choices(SIGN_IN_METHODS), id="sign-in-methods")
        yield Label("Application type")
        yield Static(_choices(APP_TYPES), id="app-types")
        yield Static("", id="existing-app")
        with RadioSet(id="existing-choice"):
            yield Choice("Reuse it and repair what differs from the guide", value=True)
            yield Choice("Reuse it as it is (no change in Okta)")

    def compose_actions(self) -> ComposeResult:
        yield Button("Continue ▶", id="integration-next", variant="primary", disabled=True)

    shown = False  # the look's answer is on screen

    def on_mount(self) -> None:
        self.query_one("#existing-choice", RadioSet).display = False

    def on_enter(self) -> None:
        if not self.state.existing_checked:
            self.look_for_existing()
        elif not self.shown:  # looked for already (a resumed setup): show what was found
            self.show_existing(self.state.existing)

    def focus_first(self) -> None:
        self.focus_control(self.query_one("#integration-next", Button))

    @work(exclusive=True, group="step", exit_on_error=False)
    async def look_for_existing(self) -> None:
        self.clear_error()
        self.show_progress(f"Looking for an app labelled “{self.state.label}” in Okta…")
        existing = await self.wizard.session.require().find_existing()
        self.show_progress("")
        self.state.existing = existing
        self.state.existing_checked = True
        self.show_existing(existing)
        self.announce(
            "Existing app found: it will be reused." if existing else "No existing app found."
        )
        self.query_one("#integration-next", Button).focus()

    def show_existing(self, existing: ExistingApp | None) -> None:
        """What the look for the app found: none (step 3 creates it), or ours and its drift."""
        self.shown = True
        box = self.query_one("#existing-app", Static)
        choice = self.query_one("#existing-choice", RadioSet)
        if existing is None:
            box.update(
                styled("No app labelled “$label” yet: step 3 creates it.", label=self.state.label)
            )
            choice.display = False
        else:
            app = existing.app
            drift = [
                styled(
                    "  • $field: is $actual, guide says $expected",
                    field=d.field,
                    actual=d.actual,
                    expected=d.expected,
                )
                for d in existing.drift
            ] or [plain("  • matches the guide")]
            found = styled(
                "[b]Found “$label”[/b] (client_id $client_id, $status). "
                "It will be reused, never duplicated.",
                label=app.label,
                client_id=app.client_id,
                status=app.status,
            )
            box.update(lines([found, *drift]))
            choice.display = bool(existing.drift)
        self.query_one("#integration-next", Button).disabled = False

    @on(RadioSet.Changed, "#existing-choice")
    def _repair_changed(self, event: RadioSet.Changed) -> None:
        self.state.repair = event.index == 0

    @on(Button.Pressed, "#integration-next")
    def _next(self) -> None:
        self.finish()

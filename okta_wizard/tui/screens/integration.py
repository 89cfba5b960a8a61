"""Step 2 · Create App Integration: OIDC + Web; an existing "Upflow SSO" app is reused."""

from __future__ import annotations

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Label, RadioButton, RadioSet, Static

from okta_wizard.tui.screens.base import StepPane

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
        f"{'◉' if chosen else '○'} {name}  [dim]— {why}[/dim]" for name, chosen, why in options
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
            yield RadioButton("Reuse it and repair what differs from the guide", value=True)
            yield RadioButton("Reuse it as it is (no change in Okta)")
        with Horizontal(classes="buttons"):
            yield Button("Continue ▶", id="integration-next", variant="primary", disabled=True)

    def on_mount(self) -> None:
        self.query_one("#existing-choice", RadioSet).display = False

    def on_enter(self) -> None:
        if not self.state.existing_checked:
            self.look_for_existing()

    def focus_first(self) -> None:
        self.query_one("#integration-next", Button).focus()

    @work(exclusive=True, group="step", exit_on_error=False)
    async def look_for_existing(self) -> None:
        self.clear_error()
        self.show_progress(f"Looking for an app labelled “{self.state.label}” in Okta…")
        existing = await self.wizard.session.require().find_existing()
        self.show_progress("")
        self.state.existing = existing
        self.state.existing_checked = True
        box = self.query_one("#existing-app", Static)
        choice = self.query_one("#existing-choice", RadioSet)
        if existing is None:
            box.update(f"No app labelled “{escape(self.state.label)}” yet: step 3 creates it.")
            choice.display = False
        else:
            app = existing.app
            drift = (
                "\n".join(
                    f"  • {escape(d.field)}: is {escape(d.actual)}, guide says {escape(d.expected)}"
                    for d in existing.drift
                )
                or "  • matches the guide"
            )
            box.update(
                f"[b]Found “{escape(app.label)}”[/b] (client_id {escape(app.client_id)}, "
                f"{escape(app.status)}). It will be reused, never duplicated.\n{drift}"
            )
            choice.display = bool(existing.drift)
        self.wizard.announce(
            "Existing app found: it will be reused." if existing else "No existing app found."
        )
        button = self.query_one("#integration-next", Button)
        button.disabled = False
        button.focus()

    @on(RadioSet.Changed, "#existing-choice")
    def _repair_changed(self, event: RadioSet.Changed) -> None:
        self.state.repair = event.index == 0

    @on(Button.Pressed, "#integration-next")
    def _next(self) -> None:
        self.finish()

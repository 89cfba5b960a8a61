"""Step 3 · New Web App Integration settings: prefilled from the guide, validated as edited;
creating the app shows progress and confirms the secret is in the keyring."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from textual import on, work
from textual.app import ComposeResult
from textual.widgets import Button, Input, Label, Static

from okta_wizard.setup.spec import SIGN_IN_REDIRECT_URI, SIGN_OUT_REDIRECT_URI, label_problem
from okta_wizard.tui.steps.base import StepPane
from okta_wizard.tui.text import plain, styled
from okta_wizard.tui.widgets.choice import choice_mark

if TYPE_CHECKING:
    from okta_wizard.setup.engine import AppReport, SecretNotStored


def redirect_problem(value: str, expected: str) -> str:
    """Empty when the URI is what Upflow expects; else what is wrong, in words."""
    text = value.strip()
    if text == expected:
        return ""
    parts = urlsplit(text)
    if parts.scheme != "https" or not parts.hostname:
        return "must be an https:// URL"
    return f"Upflow only accepts {expected}"


# Where the client secret came from, and the store that holds it now ($backend: the vault's
# own name, "GNOME Keyring (Secret Service)", or the demo's memory store without one).
SECRET_WHERE = {
    "created": "Client secret (returned by Okta on creation) is stored in $backend",
    "keyring": "Client secret is stored in $backend (it was there already)",
    "okta": "Client secret (read back from Okta) is stored in $backend",
    "new": "Client secret (a new one, made in Okta) is stored in $backend",
}


class SettingsPane(StepPane):
    STEP = 3
    INTRO = "The values of Upflow's guide. Only the name may differ; the redirect URIs must match."

    def compose_body(self) -> ComposeResult:
        yield Label("App integration name")
        yield Input(id="app-label")
        yield Static("", id="app-label-hint", classes="hint")
        yield Label("Grant type")
        only = "[dim](only; no implicit, no refresh token)[/dim]"
        yield Static(f"{choice_mark(True)} Authorization Code   {only}")
        yield Label("Sign-in redirect URI")
        yield Input(SIGN_IN_REDIRECT_URI, id="sign-in-uri")
        yield Static("", id="sign-in-uri-hint", classes="hint")
        yield Label("Sign-out redirect URI")
        yield Input(SIGN_OUT_REDIRECT_URI, id="sign-out-uri")
        yield Static("", id="sign-out-uri-hint", classes="hint")
        yield Static(
            "Client authentication: client secret (basic) · PKCE not required", classes="dim"
        )
        yield Static("", id="settings-result")

    def compose_actions(self) -> ComposeResult:
        yield Button("Create app", id="settings-create", variant="primary")
        yield Button("Continue ▶", id="settings-next", disabled=True)

    shown = False  # the app's result is on screen

    def on_mount(self) -> None:
        self.query_one("#app-label", Input).value = self.state.label

    def on_enter(self) -> None:
        create = self.query_one("#settings-create", Button)
        create.label = "Reuse app" if self.state.existing else "Create app"
        if self.state.existing:
            self.query_one("#app-label", Input).disabled = True
        if self.state.app is not None and not self.shown:  # reused already (a resumed setup)
            self.show_result(self.state.app)

    def focus_first(self) -> None:
        if self.state.app is None:
            self.focus_control(self.query_one("#settings-create", Button))
        else:
            self.focus_control(self.query_one("#settings-next", Button))

    def problems(self) -> dict[str, str]:
        found = {
            "app-label": label_problem(self.query_one("#app-label", Input).value),
            "sign-in-uri": redirect_problem(
                self.query_one("#sign-in-uri", Input).value, SIGN_IN_REDIRECT_URI
            ),
            "sign-out-uri": redirect_problem(
                self.query_one("#sign-out-uri", Input).value, SIGN_OUT_REDIRECT_URI
            ),
        }
        return {k: v for k, v in found.items() if v}

    @on(Input.Changed)
    def _validate(self, event: Input.Changed) -> None:
        problems = self.problems()
        for field in ("app-label", "sign-in-uri", "sign-out-uri"):
            hint = self.query_one(f"#{field}-hint", Static)
            hint.update(plain(f"✘ {problems[field]}") if field in problems else "")
            hint.set_class(field in problems, "error")
        self.query_one("#settings-create", Button).disabled = bool(problems) or (
            self.state.app is not None
        )

    @on(Button.Pressed, "#settings-create")
    def _create_pressed(self) -> None:
        self.create_app()

    @on(Button.Pressed, "#settings-next")
    def _next(self) -> None:
        self.finish()

    @work(exclusive=True, group="step", exit_on_error=False)
    async def create_app(self) -> None:
        from okta_wizard.setup.engine import SecretNotStored

        self.clear_error()
        if self.problems():
            self.announce("Fix the fields marked ✘ first.", severity="warning")
            return
        session = self.wizard.session
        label = self.query_one("#app-label", Input).value.strip()
        if label != self.state.label and self.state.existing is None:
            self.state.label = label
            session.relabel(label)
        creating = "Reusing" if self.state.existing else "Creating"
        self.show_progress(f"{creating} “{label}” in Okta…")
        button = self.query_one("#settings-create", Button)
        button.loading = True
        try:
            report = await session.require().create_or_reuse(repair=self.state.repair)
        except SecretNotStored as exc:
            self._secret_not_stored(exc)
            raise  # lands in the error box: what happened and what to do
        finally:
            button.loading = False
        self.show_progress("")
        self.show_result(report)
        self.query_one("#settings-next", Button).focus()
        self.announce(f"{self._verb(report)} the app; the secret is in {report.keyring_backend}.")

    @staticmethod
    def _verb(report: AppReport) -> str:
        return "Created" if report.created else "Reusing"

    def show_result(self, report: AppReport) -> None:
        """The app made or reused, and where its secret is (also when a resume reused it)."""
        self.state.app = report
        self.shown = True
        repaired = (
            "; repaired " + ", ".join(d.field for d in report.repaired) if report.repaired else ""
        )
        self.query_one("#settings-result", Static).update(
            styled(
                "[b green]✔[/] $verb “$label” · client_id $client_id$repaired\n"
                f"[b green]✔[/] {SECRET_WHERE[report.secret_source]}",
                verb=self._verb(report),
                label=report.app.label,
                client_id=report.app.client_id,
                repaired=repaired,
                backend=report.keyring_backend,
            )
        )
        self.query_one("#app-label", Input).disabled = True  # the app exists: it has its name
        self.query_one("#settings-create", Button).disabled = True
        self.query_one("#settings-next", Button).disabled = False
        self.show_newest()  # the result, on a small terminal too

    def show_failure(self, exc: BaseException) -> None:
        from okta_wizard.setup.engine import SecretNotStored

        if isinstance(exc, SecretNotStored):  # the secret read back, but not kept: show it once
            self._secret_not_stored(exc)
        self.show_error(exc)

    def _secret_not_stored(self, exc: SecretNotStored) -> None:
        """The app exists, its secret is only in memory: show it once on its own view."""
        from okta_wizard.tui.screens.secret_once import SecretNotStoredScreen

        self.query_one("#settings-result", Static).update(
            styled(
                "[b]✔[/] Okta created “$label” · app id $app_id · client_id $client_id (saved)\n"
                "[b red]✘[/] Its client secret is NOT in the keyring. Fix the keyring, then "
                "press Create again: the secret is read back from Okta, no second app is made.",
                label=exc.app.label,
                app_id=exc.app.id,
                client_id=exc.app.client_id,
            )
        )
        self.query_one("#settings-create", Button).label = "Try again"
        config = self.wizard.config
        self.wizard.push_screen(
            SecretNotStoredScreen(
                exc, reveal_seconds=config.reveal_seconds, clear_after=config.clear_after
            )
        )

"""What the wizard says differently in the demo, so that every sentence is true there too.

The demo runs against its own sandbox org with a token made for the run; its progress is
saved in the demo's folder and resumed by `okta-wizard demo`, not `okta-wizard`. The sandbox's
address and token are shown in the help screen (F1), and the remedies point there rather than
to an Admin Console the sandbox does not have.
"""

from __future__ import annotations

from dataclasses import dataclass

from okta_wizard.errors import ExitCode, WizardError
from okta_wizard.secret import Secret

RESUME_DEMO = "run okta-wizard demo again to resume (okta-wizard demo --fresh starts over)"


@dataclass(frozen=True)
class DemoInfo:
    """What the demo tells the wizard about itself."""

    org_url: str  # the sandbox org's address
    token: Secret  # its API token, made for this run; shown only in the help screen
    saved_in: str  # the folder of the demo's saved progress and org


def quit_question(demo: DemoInfo | None, saved: bool) -> str:
    """The quit dialog: only what is true of what is on disk right now."""
    if demo is None:
        if saved:
            return "Quit now? Your progress is saved: run okta-wizard again to resume."
        return "Quit now? Nothing is saved yet (no app exists yet): the next run starts at step 1."
    if saved:
        return (
            f"Quit the demo? Its progress and its sandbox org are saved in {demo.saved_in}: "
            f"{RESUME_DEMO}. Nothing it put in the keyring is kept."
        )
    return (
        "Quit the demo? Nothing is saved yet (no app exists in the sandbox): the next "
        "okta-wizard demo starts at step 1."
    )


def quit_key_help(demo: DemoInfo | None) -> str:
    if demo is None:
        return "Quit (once the app exists, progress is saved: run okta-wizard again to resume)"
    return (
        "Quit (once the app exists, the demo is saved: okta-wizard demo resumes, --fresh restarts)"
    )


def sandbox_help(demo: DemoInfo) -> str:
    """The SANDBOX section of the help screen (plain text, not markup)."""
    if not demo.org_url:  # the help opened while the sandbox org is still starting
        return f"the sandbox org is starting…\nsaved in   {demo.saved_in}"
    return "\n".join(
        [
            f"org URL    {demo.org_url}",
            f"API token  {demo.token.reveal()}",
            "           made for this demo run and accepted by its sandbox only; it is",
            "           filled in at step 1 (not a real Okta token, and never in a file)",
            f"saved in   {demo.saved_in}",
        ]
    )


def demo_remedy(exc: BaseException, demo: DemoInfo) -> str | None:
    """The remedy to give in the demo instead of the real-Okta one, if it differs."""
    code = exc.exit_code if isinstance(exc, WizardError) else None
    if code == ExitCode.AUTH:
        return (
            "The demo's sandbox accepts only its own API token, made for this run: press F1 "
            "to see it, put it in the token field, then check the connection again."
        )
    if code == ExitCode.UNAVAILABLE:
        return (
            f"The demo's sandbox org at {demo.org_url} did not answer: quit (ctrl+q) and "
            f"{RESUME_DEMO}."
        )
    if not isinstance(exc, WizardError):
        return "Try again. If it persists, quit (ctrl+q) and " + RESUME_DEMO + "."
    return None


def empty_token_remedy(demo: DemoInfo | None) -> str:
    if demo is not None:
        return "The demo's token was filled in at start: press F1 to see it and paste it back."
    return (
        "Create one in the Admin Console (Security > API > Tokens) and paste it, "
        "or sign in with an OAuth 2.0 service app instead."
    )

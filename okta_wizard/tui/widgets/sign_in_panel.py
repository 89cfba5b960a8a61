"""Step 5's test sign-in: a real OIDC sign-in through the app, and what Upflow will receive.

The engine's `SignInTest` does the work (setup/sign_in.py); this panel asks, opens the browser,
waits, and shows the verdict:

1. `prepare()` reads (the app, its secret, the org's sign-in endpoints) and binds the loopback
   listener; the admin is asked with the plan's own words (what is added, for how long);
2. `begin()` records, then adds, the temporary loopback redirect URI; the app's opener (the
   system's graphical browser; the tests' headless Chromium) opens the authorization URL, and
   the URL is shown (and may be copied) for when no browser opened;
3. while the test waits, Cancel (the button; Escape or Ctrl+C, the app's `stop_waiting`) ends
   it; whatever ends it (the verdict, Cancel, a timeout, an error) the engine's `close()`
   removes the redirect URI again;
4. the verdict: the claims Upflow reads, whether the email domain is one of those for Upflow,
   and a green "Okta will let this user into Upflow", or the failure's reason and its remedy.

Everything the claims and Okta's errors say is outside text: made visible where it entered
(okta/oidc.py), and drawn as text here, never as markup.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Static

from okta_wizard.browser import ssh_note, url_lead
from okta_wizard.secret import Secret
from okta_wizard.tui.clipboard import board_for
from okta_wizard.tui.messages import Announce
from okta_wizard.tui.text import lines, plain, prose, styled

if TYPE_CHECKING:
    from okta_wizard.setup.engine import Setup
    from okta_wizard.setup.sign_in import SignInResult, SignInTest

Opener = Callable[[str], bool]  # opens a URL in a browser; False when none could

NOT_SENT = "(not sent)"
NOT_TESTED = "No test sign-in: the redirect URI was not added."


def claim_rows(result: SignInResult) -> list[Content]:
    """What Upflow will receive of the user, a claim a line; nothing when no user came back."""
    user = result.user
    if user is None:
        return []
    verified = {True: "true", False: "false", None: NOT_SENT}[user.email_verified]
    rows = [
        ("sub", user.sub),
        ("email", user.email or NOT_SENT),
        ("email_verified", verified),
        ("name", user.name or NOT_SENT),
        ("preferred_username", user.preferred_username or NOT_SENT),
    ]
    return [
        plain("What Upflow will receive").stylize("bold"),
        *(
            styled("  $name  [b]$value[/b]", name=f"{name:<18}", value=value)
            for name, value in rows
        ),
    ]


def domain_line(result: SignInResult) -> Content | None:
    """Whether the user's email domain is one of those for Upflow (its SSO matches on it)."""
    user = result.user
    if user is None or not user.email:
        return None
    given = ", ".join(result.email_domains)
    if result.domain_matches is None:
        return styled(
            "  email domain        $domain: no email domain for Upflow to compare it with",
            domain=user.email_domain,
        )
    template = (
        "  email domain        [b green]✔ $domain[/] is one of those for Upflow ($given)"
        if result.domain_matches
        else "  email domain        [b red]✘ $domain[/] is not one of those for Upflow ($given)"
    )
    return styled(template, domain=user.email_domain, given=given)


def verdict(result: SignInResult) -> Content:
    """The headline first (green on a pass), the claims, then what to know or to do."""
    from okta_wizard.setup.sign_in import PASSED_HEADLINE

    if result.passed:
        parts: list[Content | str] = [styled("[b green]✔ $headline[/]", headline=PASSED_HEADLINE)]
    else:
        parts = [styled("[b red]✘ $headline[/]", headline=result.headline)]
    parts += claim_rows(result)
    domain = domain_line(result)
    if domain is not None:
        parts.append(domain)
    # A pass's message begins with the headline already shown: the rest is what to know.
    message = result.message.removeprefix(f"{PASSED_HEADLINE}.").strip()
    if message:
        parts.append(plain(message))
    if result.remedy:
        parts.append(Content("→ ") + prose(result.remedy))
    return lines(parts)


def cleanup_line(test: SignInTest) -> Content:
    """What became of the temporary redirect URI (once added): said, never assumed."""
    if test.removed:
        kept = ", ".join(test.redirect_uris_after) or "none"
        return plain(f"The temporary redirect URI was removed; sign-in redirect URIs: {kept}")
    return styled(
        "[b]⚠ The temporary redirect URI $uri may still be on the app.[/b] It is recorded: "
        "the wizard's next connection (step 1), `okta-wizard verify --fix` or the next test "
        "removes it.",
        uri=test.redirect_uri,
    )


class SignInPanel(Vertical):
    """The test sign-in's part of step 5. `run()` starts it (the step's "Test sign-in")."""

    DEFAULT_CSS = """
    SignInPanel { height: auto; display: none; margin-top: 1; }
    SignInPanel.-shown { display: block; }
    SignInPanel > .buttons { height: auto; display: none; }
    SignInPanel.-waiting > .buttons { display: block; }
    """

    class Started(Message):
        """The test has begun: the step's other actions wait for it."""

    class Waiting(Message):
        """The redirect URI is on the app and the browser has the URL: the test waits."""

    class Ended(Message):
        """The test has ended (passed, failed, cancelled or stopped by an error)."""

        def __init__(self, passed: bool) -> None:
            super().__init__()
            self.passed = passed

    def __init__(
        self,
        setup: Callable[[], Setup],
        opener: Opener,
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self._setup = setup
        self._opener = opener
        self._cancelled = asyncio.Event()
        self._url = ""
        self.test: SignInTest | None = None
        self.result: SignInResult | None = None
        self.running = False  # from the button press to the end of the cleanup
        self.waiting = False  # for the browser's redirect: what Cancel (Esc, Ctrl+C) ends

    def compose(self) -> ComposeResult:
        yield Static("", id="sign-in-status")
        with Horizontal(classes="buttons"):
            yield Button("Cancel the test (Esc)", id="sign-in-cancel", variant="warning")
            yield Button("Copy the URL", id="sign-in-copy-url")
        yield Static("", id="sign-in-result")

    def _status(self, text: Content | str) -> None:
        self.query_one("#sign-in-status", Static).update(
            text if isinstance(text, Content) else plain(text)
        )

    def _set_waiting(self, waiting: bool) -> None:
        self.waiting = waiting
        self.set_class(waiting, "-waiting")
        if waiting:
            self.post_message(self.Waiting())
            self.query_one("#sign-in-cancel", Button).focus(scroll_visible=False)
            # Once the buttons are laid out: the URL and Cancel are what the admin needs now.
            self.call_after_refresh(self.scroll_visible, top=True, animate=False)
        self.app.refresh_bindings()

    def stop_waiting(self) -> bool:
        """Cancel (the button, Escape, Ctrl+C): end the wait; the test then cleans up."""
        if not self.waiting:
            return False
        self._cancelled.set()
        return True

    @on(Button.Pressed, "#sign-in-cancel")
    def _cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.stop_waiting()

    @on(Button.Pressed, "#sign-in-copy-url")
    def _copy_url(self, event: Button.Pressed) -> None:
        event.stop()
        board = board_for(self.app)
        url = Secret(self._url)  # not secret (no code, no token): nothing to clear
        outcome = board.cannot_copy() or board.copy(
            url, what="the sign-in URL", clear_after=None, sensitive=False
        )
        note = "" if outcome.copied else " Select the URL with the mouse (shift+drag)."
        self.post_message(Announce(outcome.message + note))

    # -- the test
    def run(self) -> None:
        if not self.running:
            self.running = True
            self._run()

    @work(exclusive=True, group="sign-in", exit_on_error=False)
    async def _run(self) -> None:
        from okta_wizard.setup.sign_in import SignInTest

        self.add_class("-shown")
        self._cancelled.clear()
        self.query_one("#sign-in-result", Static).update("")
        self._status("Test sign-in: reading the app, its secret (keyring) and Okta's endpoints…")
        self.result = None
        self.post_message(self.Started())
        try:
            test = SignInTest(self._setup())
            self.test = test
            try:
                async with test:
                    self.result = await self._sign_in(test)
            except BaseException:
                self._status("The test sign-in stopped early (the error is shown below).")
                raise
            finally:
                self._set_waiting(False)
                self._show_end(test)
        finally:
            self.running = False
            self.post_message(self.Ended(self.result is not None and self.result.passed))

    async def _sign_in(self, test: SignInTest) -> SignInResult | None:
        """Ask, change, open, wait; None when the admin declined or cancelled."""
        from okta_wizard.tui.widgets.confirm import ConfirmModal

        plan = await test.prepare()
        question = plan.question + " Go ahead?"
        if not await self.app.push_screen_wait(ConfirmModal(question, yes="Test", no="Not now")):
            self._status(NOT_TESTED)
            self.post_message(Announce(NOT_TESTED))
            return None
        url = await test.begin()
        self._url = url
        opened = await asyncio.to_thread(self._opener, url)
        self._show_url(url, opened=opened, port=test.port, timeout=test.options.timeout)
        self._set_waiting(True)
        return await self._wait_or_cancel(test)

    def _show_url(self, url: str, *, opened: bool, port: int, timeout: float) -> None:
        parts: list[Content | str] = [
            styled(
                "[b]Waiting for the sign-in[/b] (at most $seconds s). Sign in as a user who "
                "should get into Upflow.",
                seconds=f"{timeout:.0f}",
            ),
            url_lead(opened=opened),
            plain(url).stylize("underline"),
        ]
        note = ssh_note(port, opened=opened)
        if note is not None:
            parts.append(prose(note))
        self._status(lines(parts))
        self.post_message(Announce("Test sign-in: waiting for the browser. Escape cancels."))

    async def _wait_or_cancel(self, test: SignInTest) -> SignInResult | None:
        waiting = asyncio.create_task(test.wait())
        cancelled = asyncio.create_task(self._cancelled.wait())
        try:
            await asyncio.wait({waiting, cancelled}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            cancelled.cancel()
            if not waiting.done():
                waiting.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await waiting
        if waiting.cancelled():
            self._status("Test sign-in cancelled.")
            return None
        return waiting.result()

    def _show_end(self, test: SignInTest) -> None:
        """The verdict (if any) and what became of the redirect URI, once `close()` ran."""
        result = self.result
        parts: list[Content | str] = [] if result is None else [verdict(result)]
        if test.added:
            parts.append(cleanup_line(test))
        self.query_one("#sign-in-result", Static).update(lines(parts) if parts else "")
        if result is not None:
            self._status(plain("Test sign-in").stylize("bold"))
            self.post_message(
                Announce(
                    f"Test sign-in: {result.headline}.",
                    severity="information" if result.passed else "warning",
                )
            )
        elif self._cancelled.is_set():
            removed = "the redirect URI was removed" if test.removed else "see the step"
            self.post_message(Announce(f"Test sign-in cancelled: {removed}."))

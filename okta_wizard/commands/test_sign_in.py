"""`okta-wizard test-sign-in`: a real OIDC sign-in through the Upflow app, and what Upflow sees.

Asks first (or --yes): the test adds a temporary loopback redirect URI to the app while it
waits for the sign-in, and removes it afterwards: on success, failure, timeout, Ctrl+C, SIGTERM
and SIGHUP. `setup/sign_in.py` does the work; this module asks, shows the URL and prints.

Exit 0 the sign-in passed; 8 it did not (denied, not assigned, verification failed, timed out,
declined); 2 bad input; 3/4 Okta refused the admin's credential; 5 Okta unavailable; 6 no
keyring; 130 Ctrl+C, 143 SIGTERM (the redirect URI removed first).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from okta_wizard.browser import open_in_browser, ssh_note, url_lead
from okta_wizard.commands._common import FAIL_MARK, OK_MARK, options_from, print_json, progress
from okta_wizard.errors import ExitCode, UsageError, WizardError
from okta_wizard.setup.sign_in import MAX_TIMEOUT_S, MIN_TIMEOUT_S, SignInOptions
from okta_wizard.textsafe import is_visible

if TYPE_CHECKING:
    from okta_wizard.setup.engine import Setup, SetupOptions
    from okta_wizard.setup.sign_in import SignInResult, SignInTest


_SIGNALS = ("SIGTERM", "SIGHUP")  # SIGINT is asyncio.run's own: it cancels the main task


def run(args: argparse.Namespace) -> int:
    sign_in = sign_in_options_from(args)
    refuse_unconfirmable(args)
    options = options_from(args, assignment_required=False)
    return run_async(lambda state: _test_sign_in(args, options, sign_in, state))


def sign_in_options_from(args: argparse.Namespace) -> SignInOptions:
    """Every input check of the test, before any Okta call (bad input: exit 2)."""
    from okta_wizard.handoff.options import normalize_email_domains

    timeout = float(args.timeout)
    if not MIN_TIMEOUT_S <= timeout <= MAX_TIMEOUT_S:
        raise UsageError(
            f"--timeout {args.timeout:g} is out of range.",
            remedy=f"Pass --timeout between {MIN_TIMEOUT_S:.0f} and {MAX_TIMEOUT_S:.0f} seconds.",
        )
    hint = args.login_hint
    if hint is not None and (not hint.strip() or len(hint) > 255 or not is_visible(hint)):
        raise UsageError(
            "--login-hint must be a username or an email address (printable, 255 at most).",
            remedy="Pass the Okta username of the person to test, e.g. --login-hint ana@acme.com",
        )
    return SignInOptions(
        timeout=timeout,
        prompt_login=bool(args.prompt_login),
        login_hint=hint.strip() if hint else None,
        email_domains=normalize_email_domains(getattr(args, "email_domain", []) or []),
    )


def refuse_unconfirmable(args: argparse.Namespace) -> None:
    if not args.yes and not sys.stdin.isatty():
        raise UsageError(
            "The test sign-in adds a temporary redirect URI to the app and asks first, but "
            "there is no terminal to ask. Nothing was changed.",
            remedy="Run it in a terminal, or add --yes for a headless run.",
        )


@dataclass
class Progress:
    """What a run got to, for the message after Ctrl+C or SIGTERM ended it."""

    test: SignInTest | None = None
    signal_name: str = ""


def run_async(main: Callable[[Progress], Awaitable[int]]) -> int:
    """asyncio.run, with Ctrl+C, SIGTERM and SIGHUP ending the test after its cleanup."""
    state = Progress()
    try:
        code: int = asyncio.run(_guarded(main, state))
    except KeyboardInterrupt:
        _say_stopped("interrupted", state)
        return 130
    return code


async def _guarded(main: Callable[[Progress], Awaitable[int]], state: Progress) -> int:
    with _signals_cancel(state):
        try:
            code = await main(state)
        except asyncio.CancelledError:
            if not state.signal_name:
                raise  # Ctrl+C: asyncio.run turns it back into KeyboardInterrupt
            _say_stopped(f"stopped by {state.signal_name}", state)
            return 128 + int(getattr(signal, state.signal_name))
    return code


@contextlib.contextmanager
def _signals_cancel(state: Progress) -> Iterator[None]:
    """SIGTERM and SIGHUP cancel the run like Ctrl+C, so the redirect URI is removed."""
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    installed = []

    def stop(name: str) -> None:
        if not state.signal_name and task is not None:
            state.signal_name = name
            task.cancel()

    for name in _SIGNALS:
        number = getattr(signal, name, None)
        if number is None:
            continue
        try:
            loop.add_signal_handler(number, stop, name)
        except (NotImplementedError, RuntimeError, ValueError):
            continue  # Windows' loop, or not the main thread: the default action stays
        installed.append(number)
    try:
        yield
    finally:
        for number in installed:
            loop.remove_signal_handler(number)


def _say_stopped(how: str, state: Progress) -> None:
    test = state.test
    if test is None or not test.added:
        note = "the test had added nothing to the app."
    elif test.removed:
        note = "the temporary redirect URI was removed; the app is as before."
    else:
        note = leftover_note(test.redirect_uri)
    print(f"okta-wizard: {how}; {note}", file=sys.stderr)


def leftover_note(uri: str) -> str:
    return (
        f"the temporary redirect URI {uri} may still be on the app. It is recorded: the next "
        "`okta-wizard apply`, `verify --fix` or `test-sign-in` removes it (or remove it in "
        "Admin Console > Applications > the app > General > Sign-in redirect URIs)."
    )


async def _test_sign_in(
    args: argparse.Namespace, options: SetupOptions, sign_in: SignInOptions, state: Progress
) -> int:
    from okta_wizard.setup.engine import Setup

    async with Setup(options, on_progress=progress) as setup:
        result = await run_test(args, setup, sign_in, state)
        calls = setup.calls
    if result is None:
        return int(ExitCode.SIGN_IN_FAILED)
    assert state.test is not None
    if args.json:
        print_json({**result_json(setup, state.test, result), "okta_calls": calls})
    else:
        print("\n".join(result_lines(state.test, result)))
    return int(ExitCode.OK if result.passed else ExitCode.SIGN_IN_FAILED)


async def run_test(
    args: argparse.Namespace, setup: Setup, options: SignInOptions, state: Progress
) -> SignInResult | None:
    """Prepare, ask, change, wait, clean up. None: the admin declined (nothing changed)."""
    from okta_wizard.setup.sign_in import SignInTest

    test = SignInTest(setup, options)
    state.test = test
    try:
        async with test:
            plan = await test.prepare()
            if not args.yes and not ask(plan.question + " Go ahead?"):
                print("No test sign-in: the redirect URI was not added.", file=sys.stderr)
                return None
            url = await test.begin()
            await show_url(url, open_browser=not args.no_browser, port=test.port)
            print(
                f"Waiting for the sign-in (at most {options.timeout:.0f} s; Ctrl+C stops the "
                "test and removes the redirect URI)…",
                file=sys.stderr,
                flush=True,
            )
            return await test.wait()
    except WizardError:
        if test.added and not test.removed:
            print(f"okta-wizard: {leftover_note(test.redirect_uri)}", file=sys.stderr)
        raise


def ask(question: str) -> bool:
    """On the terminal, on stderr: stdout stays one JSON object with --json."""
    print(f"{question} [y/N] ", end="", file=sys.stderr, flush=True)
    try:
        return input().strip().lower() in ("y", "yes")
    except EOFError:
        return False


async def show_url(url: str, *, open_browser: bool, port: int) -> None:
    """The system browser opens the URL when it can; the URL is printed on its own line."""
    opened = open_browser and await asyncio.to_thread(open_in_browser, url)
    lines = [url_lead(opened=opened), url]
    note = ssh_note(port, opened=opened)
    if note is not None:
        lines.append(note)
    print("\n".join(lines), file=sys.stderr, flush=True)


def result_json(setup: Setup, test: SignInTest, result: SignInResult) -> dict[str, Any]:
    """The verdict, without the code, the tokens or the secret (they are never kept)."""
    user = result.user
    return {
        "passed": result.passed,
        "reason": result.reason,
        "message": result.message,
        "remedy": result.remedy,
        "org_url": setup.origin,
        "app_id": test.app.id if test.app else None,
        "client_id": test.app.client_id if test.app else None,
        "issuer": test.issuer,
        "user": None
        if user is None
        else {
            "sub": user.sub,
            "email": user.email,
            "email_verified": user.email_verified,
            "name": user.name,
            "preferred_username": user.preferred_username,
        },
        "email_domain": user.email_domain if user else None,
        "email_domains": list(result.email_domains),
        "email_domain_matches": result.domain_matches,
        "redirect_uri": test.redirect_uri,
        "redirect_uri_removed": test.removed,
        "redirect_uris_after": list(test.redirect_uris_after),
        "redirect_to_verdict_ms": result.redirect_to_verdict_ms,
    }


def result_lines(test: SignInTest, result: SignInResult) -> list[str]:
    lines = [f"{OK_MARK if result.passed else FAIL_MARK} {result.headline}"]
    user = result.user
    if user is not None:
        verified = {True: "true", False: "false", None: "(not sent)"}[user.email_verified]
        rows = [
            ("sub", user.sub),
            ("email", user.email or "(not sent)"),
            ("email_verified", verified),
            ("name", user.name or "(not sent)"),
            ("preferred_username", user.preferred_username or "(not sent)"),
        ]
        if result.email_domains:
            given = ", ".join(result.email_domains)
            rows.append(("email domain", f"{user.email_domain} (Upflow is given: {given})"))
        lines += [f"  {name:<18}  {value}" for name, value in rows]
    lines.append(f"  {result.message}")
    if result.remedy:
        lines.append(f"  -> {result.remedy}")
    if test.removed:
        kept = ", ".join(test.redirect_uris_after) or "none"
        lines.append(f"  The temporary redirect URI was removed; sign-in redirect URIs: {kept}")
    return lines

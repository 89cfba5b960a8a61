"""`okta-wizard credentials`: the copy-safe view. Reads the journal and the keyring only.

Masked by default, with a fingerprint (last four characters and a SHA-256 prefix) so two
people can confirm they hold the same secret without reading it aloud. `--reveal` prints it.

`--copy` puts the secret on the platform's clipboard where there is one (macOS pasteboard,
Windows clipboard, wl-copy, xclip: the secret on the helper's stdin, marked sensitive where
the platform allows it), else asks the terminal through OSC 52 (wrapped for tmux passthrough
or GNU screen). The process then waits for the configured delay and clears it, also on Ctrl-C,
SIGTERM and SIGHUP; the messages say which path was used and only what is known (a terminal
never confirms). `okta_wizard.clipboard` holds the rules, shared with the wizard.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import TYPE_CHECKING

from okta_wizard.cli import org_url_arg
from okta_wizard.clipboard import configured_clear_after
from okta_wizard.commands._common import make_vault, org_url_from, print_json
from okta_wizard.errors import ExitCode, UsageError
from okta_wizard.secret import Secret
from okta_wizard.setup import journal as journal_store
from okta_wizard.setup.engine import SecretMissing

if TYPE_CHECKING:
    from okta_wizard.clipboard.board import Clipboard


def run(args: argparse.Namespace) -> int:
    origin = _origin(args)
    board = _clipboard() if args.copy else None
    if board is not None and (refusal := board.cannot_copy()) is not None:
        raise UsageError(refusal.message, remedy=refusal.remedy)
    saved = journal_store.load(origin)
    if saved is None or not saved.client_id:
        raise UsageError(
            f"No saved setup for {origin} on this machine.",
            remedy="Run `okta-wizard apply` (it also recovers the secret of an existing app).",
        )
    vault = make_vault(args)
    secret = vault.load_client_secret(origin, saved.client_id)
    if not secret:
        raise SecretMissing(
            f"The keyring holds no client secret for {saved.client_id}.",
            remedy="Run `okta-wizard apply` to read it back from Okta.",
        )
    issuer = saved.issuer or "(unknown: run `okta-wizard verify`)"
    if args.json:
        data = {
            "org_url": origin,
            "label": saved.label,
            "app_id": saved.app_id,
            "client_id": saved.client_id,
            "issuer": saved.issuer,
            "secret": {
                "masked": secret.masked(),
                "fingerprint": secret.fingerprint(),
                "stored_in": vault.backend_name(),
            },
        }
        if args.reveal:
            data["client_secret"] = secret.reveal()
        print_json(data)
    else:
        shown = secret.reveal() if args.reveal else secret.masked()
        print(f"client_id      {saved.client_id}")
        print(f"issuer         {issuer}")
        print(f"client_secret  {shown}")
        print(f"fingerprint    {secret.fingerprint()}")
    if board is not None:
        copy_then_clear(board, secret, configured_clear_after())
    return int(ExitCode.OK)


def _origin(args: argparse.Namespace) -> str:
    if org_url_arg(args):
        return org_url_from(args).origin
    saved = journal_store.list_journals()
    if len(saved) == 1:
        return saved[0].org_url
    raise UsageError(
        "Which org? " + (f"{len(saved)} setups are saved." if saved else "No setup is saved."),
        remedy="Pass --org-url (see `okta-wizard status`).",
    )


def _clipboard() -> Clipboard:
    from okta_wizard.clipboard.board import Clipboard

    # OSC 52 only when stdout is the terminal; a platform clipboard works without one.
    return Clipboard(send=_write if sys.stdout.isatty() else None, report=_say)


def copy_then_clear(board: Clipboard, secret: Secret, clear_after: float) -> None:
    """Copy, wait `clear_after` seconds (Ctrl-C ends the wait), clear. SIGTERM and SIGHUP clear
    too (`Clipboard` handles them, then the signal ends the process as usual)."""
    outcome = board.copy(secret, what="the client secret", clear_after=clear_after)
    if not outcome.copied:
        raise UsageError(outcome.message, remedy=outcome.remedy)
    _say(f"{outcome.message} Ctrl-C clears it now.")
    try:
        time.sleep(clear_after)
    except KeyboardInterrupt:
        pass
    finally:
        said = board.clear()
        if said:
            _say(said)


def _write(sequence: str) -> None:
    sys.stdout.write(sequence)
    sys.stdout.flush()


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()

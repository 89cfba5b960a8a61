"""`okta-wizard credentials`: the copy-safe view. Reads the journal and the keyring only.

Masked by default, with a fingerprint (last four characters and a SHA-256 prefix) so two
people can confirm they hold the same secret without reading it aloud. `--reveal` prints it.

`--copy` uses OSC 52: the terminal itself puts the secret on the clipboard (xterm, kitty,
iTerm2, WezTerm, Windows Terminal; tmux needs `set -g set-clipboard on`). Nothing is spawned
and no clipboard tool sees it. The process stays 30 s, then asks the terminal to clear the
clipboard (also on Ctrl-C). A terminal without OSC 52 support silently ignores it, which the
message says. Without a terminal on stdout, --copy is refused (exit 2).
"""

from __future__ import annotations

import argparse
import base64
import os
import sys
import time

from okta_wizard.cli import org_url_arg
from okta_wizard.commands._common import make_vault, org_url_from, print_json
from okta_wizard.errors import ExitCode, UsageError
from okta_wizard.secret import Secret
from okta_wizard.setup import journal as journal_store
from okta_wizard.setup.engine import SecretMissing

CLEAR_AFTER_SECONDS = 30.0


def run(args: argparse.Namespace) -> int:
    origin = _origin(args)
    if args.copy and not sys.stdout.isatty():
        raise UsageError(
            "--copy needs a terminal on stdout: it asks the terminal to copy (OSC 52).",
            remedy="Run it in a terminal, or use --reveal and copy by hand.",
        )
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
    if args.copy:
        copy_with_osc52(secret, _clear_after())
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


def _clear_after() -> float:
    # For tests only: the public behaviour is 30 s.
    raw = os.environ.get("OKTA_WIZARD_CLIPBOARD_SECONDS", "")
    try:
        return float(raw) if raw else CLEAR_AFTER_SECONDS
    except ValueError:
        return CLEAR_AFTER_SECONDS


def copy_with_osc52(secret: Secret, clear_after: float) -> None:
    payload = base64.b64encode(secret.reveal().encode()).decode()
    out = sys.stdout
    out.write(f"\x1b]52;c;{payload}\x07")
    out.write(
        f"Asked the terminal to copy the secret (OSC 52); clearing it in {clear_after:g} s. "
        "Ctrl-C clears it now.\n"
    )
    out.flush()
    try:
        time.sleep(clear_after)
    except KeyboardInterrupt:
        pass
    finally:
        out.write("\x1b]52;c;!\x07")  # not base64: terminals clear the selection
        out.write("Clipboard cleared.\n")
        out.flush()

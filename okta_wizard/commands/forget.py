"""`okta-wizard forget`: delete saved progress and the keyring entries for an org.

Asks first (or --yes). Okta is not touched: the app stays until an admin deletes it.
It works on a damaged journal too (the fix `status` and the other commands point to): the
keyring entries named by the fields still readable are deleted, the files are removed (a link
is removed, never its target), and what could not be identified is said.
"""

from __future__ import annotations

import argparse
import os
import sys

from okta_wizard.commands._common import confirm, make_vault, org_url_from
from okta_wizard.errors import ExitCode, UsageError
from okta_wizard.setup import journal as journal_store


def run(args: argparse.Namespace) -> int:
    from okta_wizard.setup.engine import forget_saved_setup

    origin = org_url_from(args).origin
    found = journal_store.salvage(origin)
    saved = found.journal
    # A service app's key imported with apply --import-key: --client-id, or the journal's actor.
    key_ids = {i for i in (getattr(args, "client_id", None), saved and saved.actor_login) if i}
    receipt = os.path.lexists(journal_store.receipt_path(origin))
    if saved is None and not receipt and not key_ids:
        print(f"Nothing saved for {origin}.")
        return int(ExitCode.OK)
    if not args.yes:
        if not sys.stdin.isatty():
            raise UsageError(
                "forget deletes the saved progress and the keyring's copy of the secret.",
                remedy="Pass --yes to confirm in a non-interactive run.",
            )
        question = f"Delete the saved setup of {origin} and its client secret from the keyring?"
        if not confirm(question):
            print("Nothing deleted.")
            return int(ExitCode.OK)
    vault = make_vault(args)
    removed = forget_saved_setup(origin, vault) if saved is not None or receipt else []
    removed += [
        f"the private key of service app {i} imported into the keyring"
        for i in sorted(key_ids)
        if vault.delete_service_app_key(origin, i)
    ]
    if not removed:
        print(f"Nothing saved for {origin}.")
    for item in removed:
        print(f"deleted {item}")
    if found.damage is not None:
        _say_what_was_unreadable(origin, found)
    link = (saved.link if saved else None) or {}
    if link.get("paste_id") and not link.get("revoked_at"):
        print(
            f"The one-time link {link['paste_id']} was not revoked: if still unread it opens "
            f"until read or it expires ({link.get('expires_at') or 'never'}), and without its "
            "delete token it can no longer be revoked."
        )
    if saved is not None and saved.app_id:
        print(
            f"The app {saved.app_id} in Okta is untouched; if Upflow no longer uses it, "
            "deactivate and delete it in the Admin Console (or with `okta-wizard remove`, which "
            "finds it by its label)."
        )
    if saved is not None and saved.test_redirect_uri:
        print(
            f"It still lists {saved.test_redirect_uri}, the redirect URI of a test sign-in that "
            "was stopped before its cleanup: `okta-wizard verify --fix` or the Admin Console "
            "(the app > General > Sign-in redirect URIs) removes it."
        )
    return int(ExitCode.OK)


def _say_what_was_unreadable(origin: str, found: journal_store.Salvaged) -> None:
    assert found.damage is not None and found.journal is not None
    print(f"The saved progress was damaged ({found.damage.problem}).")
    if not found.journal.client_id:
        print(
            "Its client id could not be read, so the keyring may still hold this org's client "
            f"secret (service okta-wizard, entry {origin}/<client id>): delete it with your "
            "keyring manager (Seahorse, KWallet, Keychain Access or Credential Manager)."
        )

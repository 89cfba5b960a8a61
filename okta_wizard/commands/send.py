"""`okta-wizard send`: step 6 alone, from the saved setup and the keyring-held secret.

No Okta call: client_id, issuer and label come from the journal, the secret from the keyring.
The link is a secret (its fragment is the decryption key), so where it goes is one policy for
`send` and `apply --send` (`link_delivery`, checked before anything is read or sent):

- `--json --reveal`: in the JSON object (`link.url`), for a script that asked for it.
- `--json` alone: the JSON holds link metadata only; the link is shown once on the terminal's
  alternate screen (stdin and stdout must be a terminal), else exit 2 and nothing is posted.
- plain `send`: printed on the terminal (stdout must be one); `apply --send`: the alternate
  screen. `--reveal` without `--json` prints it on stdout even when that is not a terminal.

It is never written to the journal or the receipt; its delete token goes to the keyring so
`send --revoke` can delete an unread link. A new link first deletes the previous unread one
(`setup.steps.hand_off`, shared with `apply --send` and the wizard), so at most one live copy
of the secret exists: when the server does not confirm that delete, nothing new is sent
(exit 7). A delete token is dropped only once the server says the paste is deleted or gone.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TYPE_CHECKING, Any

from okta_wizard.commands._common import (
    interactive,
    make_vault,
    org_url_from,
    print_json,
    show_once,
)
from okta_wizard.errors import ExitCode, HandoffError, UsageError

if TYPE_CHECKING:
    from okta_wizard.handoff.options import SendOptions
    from okta_wizard.secret import Secret
    from okta_wizard.setup.journal import Journal
    from okta_wizard.setup.steps import SentLink
    from okta_wizard.vault import Vault

# Where the one-time link goes (see the module docstring).
IN_JSON, ALT_SCREEN, PRINT = "json", "alternate-screen", "print"
REVEAL_HINT = "pass --reveal to include the link in the JSON output"


def run(args: argparse.Namespace) -> int:
    origin = org_url_from(args).origin
    if args.revoke:
        return _revoke(args, origin)
    # Every input check before anything is read or sent.
    options = send_options_from(args)
    delivery = link_delivery(args, plain=PRINT)
    from okta_wizard.setup.journal import OrgLock

    with OrgLock(origin):
        return _send(args, origin, options, delivery)


def send_options_from(args: argparse.Namespace) -> SendOptions:
    """The step-6 options of `send` and `apply --send`; exit 2 on bad input, nothing touched."""
    from okta_wizard.handoff.options import send_options

    return send_options(
        secrets_url=args.secrets_url,
        expire=args.expire,
        email_domains=args.email_domain,
        password_env=args.password_from_env,
    )


def link_delivery(args: argparse.Namespace, *, plain: str) -> str:
    """Where the link will go, decided before anything is sent (module docstring).

    `plain` is the command's choice without --json: PRINT (send: needs stdout to be a
    terminal) or ALT_SCREEN (apply --send: needs stdin and stdout to be one).
    """
    reveal = bool(getattr(args, "reveal", False))
    if args.json:
        if reveal:
            return IN_JSON
        if interactive():
            return ALT_SCREEN
        raise UsageError(
            "The one-time link is a secret and this run has no terminal to show it on: "
            f"{REVEAL_HINT}. Nothing was sent.",
            remedy="Or run it in a terminal (stdin and stdout) to see the link once on the "
            "alternate screen, with only its metadata in the JSON.",
        )
    if reveal:
        return PRINT
    if plain == PRINT and sys.stdout.isatty():
        return PRINT
    if plain == ALT_SCREEN and interactive():
        return ALT_SCREEN
    needs = "this output is not one" if plain == PRINT else "stdin and stdout must both be one"
    raise UsageError(
        f"The one-time link is shown only on a terminal, and {needs}. Nothing was sent.",
        remedy="Run it in a terminal, or pass --json --reveal (or --reveal) to have the link "
        "printed in the output.",
    )


def show_link(sent: SentLink, delivery: str) -> None:
    """The link on the terminal as `delivery` says; IN_JSON is printed with the JSON object."""
    from okta_wizard.handoff.warnings import LINK_PREVIEW_WARNING

    link = sent.link
    until = link.expires_at or "never (until read)"
    password_note = (
        "Give Upflow the link password through another channel (a call, not the ticket)."
        if sent.password_protected
        else ""
    )
    if delivery == ALT_SCREEN:
        show_once(
            "The one-time link for Upflow (burns after the first read; expires "
            f"{until}). Copy it now; it will not be shown again.",
            [("link:", link.url)],
            note="\n".join(filter(None, [LINK_PREVIEW_WARNING, password_note])),
        )
    elif delivery == PRINT:
        print(f"One-time link (burns after the first read; expires {until}):\n")
        print(f"  {link.url.reveal()}\n")
        if password_note:
            print(password_note)


def link_json(sent: SentLink, *, reveal: bool) -> dict[str, Any]:
    """The `link` object of `send --json` and `apply --send --json`: the link only if `reveal`."""
    data: dict[str, Any] = {
        **sent.link.metadata(),
        "delete_token_stored": sent.delete_token_stored,
        "password_protected": sent.password_protected,
        "email_domains": list(sent.email_domains),
        "receipt": str(sent.receipt),
    }
    if reveal:
        data["url"] = sent.link.url.reveal()
    return data


def print_link_notes(sent: SentLink) -> None:
    """What the admin must know, on stderr (never the link)."""
    from okta_wizard.handoff.warnings import LINK_PREVIEW_WARNING

    if sent.replaced:
        print(f"okta-wizard: deleted the previous unread link ({sent.replaced}).", file=sys.stderr)
    if sent.previous_left_open:
        print(
            f"okta-wizard: the previous link ({sent.previous_left_open}) could not be deleted "
            "(the keyring holds no delete token for it): it opens until it is read or expires.",
            file=sys.stderr,
        )
    print(f"okta-wizard: {LINK_PREVIEW_WARNING}", file=sys.stderr)
    if not sent.delete_token_stored:
        print(
            "okta-wizard: the keyring refused the delete token: --revoke will not work.",
            file=sys.stderr,
        )


def _saved_setup(origin: str) -> Journal:
    from okta_wizard.setup import journal as journal_store

    saved = journal_store.load(origin)
    if saved is None or not saved.client_id or not saved.issuer:
        raise UsageError(
            f"No finished setup for {origin} on this machine (client_id and issuer unknown).",
            remedy="Run `okta-wizard apply` first (or `apply --send` to do both).",
        )
    return saved


def _client_secret(vault: Vault, origin: str, client_id: str) -> Secret:
    from okta_wizard.setup.engine import SecretMissing

    secret = vault.load_client_secret(origin, client_id)
    if not secret:
        raise SecretMissing(
            f"The keyring holds no client secret for {client_id}.",
            remedy="Run `okta-wizard apply` to read it back from Okta, then send again.",
        )
    return secret


def _send(args: argparse.Namespace, origin: str, options: SendOptions, delivery: str) -> int:
    from okta_wizard.handoff.options import default_email_domains
    from okta_wizard.handoff.warnings import LINK_PREVIEW_WARNING
    from okta_wizard.setup.spec import SIGN_IN_REDIRECT_URI, SIGN_OUT_REDIRECT_URI
    from okta_wizard.setup.steps import HandoffSource, hand_off

    saved = _saved_setup(origin)
    assert saved.client_id is not None and saved.issuer is not None
    default_email_domains(options.email_domains, saved.actor_login)  # exit 2 before the keyring
    vault = make_vault(args)
    source = HandoffSource(
        org_url=origin,
        app_id=saved.app_id or "",
        client_id=saved.client_id,
        issuer=saved.issuer,
        label=saved.label,
        secret=_client_secret(vault, origin, saved.client_id),
        groups=saved.assigned_groups,
        # Step 5 verified the app holds exactly these before the setup was marked done.
        redirect_uris=(SIGN_IN_REDIRECT_URI,),
        post_logout_redirect_uris=(SIGN_OUT_REDIRECT_URI,),
        # A rotation's new secret (in the keyring once stored), sent again: say it replaces.
        replaces_previous=saved.rotation is not None
        and saved.rotation.stage in ("stored", "handed_off", "finishing"),
    )
    sent = asyncio.run(hand_off(vault, saved, source, options))
    show_link(sent, delivery)
    if args.json:
        print_json(
            {
                "ok": True,
                "org_url": origin,
                "link": link_json(sent, reveal=delivery == IN_JSON),
                "warning": LINK_PREVIEW_WARNING,
            }
        )
    else:
        print(f"Receipt for your IT ticket (no secret): {sent.receipt}")
    print_link_notes(sent)
    return int(ExitCode.OK)


def _revoke(args: argparse.Namespace, origin: str) -> int:
    from okta_wizard.handoff.privatebin import PasteGone
    from okta_wizard.setup import journal as journal_store
    from okta_wizard.setup.steps import GONE, NO_TOKEN, retire_recorded_link

    with journal_store.OrgLock(origin):
        saved = journal_store.load(origin)
        link = (saved.link if saved else None) or {}
        if saved is None or not link or link.get("revoked_at"):
            raise UsageError(
                f"No one-time link to revoke for {origin}.",
                remedy="`okta-wizard send` makes one; only the last link can be revoked.",
            )
        # Deleted, or already gone: token dropped. Not confirmed: token kept, exit 7.
        retired = asyncio.run(retire_recorded_link(make_vault(args), saved, replacing=False))
    assert retired is not None  # the journal names a link that is not revoked
    paste_id, server = retired.paste_id, retired.server
    if retired.outcome == NO_TOKEN:
        raise HandoffError(
            f"The keyring holds no delete token for link {paste_id}.",
            remedy="It cannot be revoked; it expires at "
            f"{link.get('expires_at') or 'never'} or when read.",
        )
    if retired.outcome == GONE:
        raise PasteGone(
            retired.server_message,
            remedy="It was already opened, has expired or was deleted: nothing is left to "
            "delete. `okta-wizard send` makes a new one.",
        )
    if args.json:
        print_json({"ok": True, "revoked": paste_id, "server": server})
    else:
        print(f"Deleted the one-time link {paste_id} on {server}; it can no longer be opened.")
    return int(ExitCode.OK)

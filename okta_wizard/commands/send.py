"""`okta-wizard send`: step 6 alone, from the saved setup and the keyring-held secret.

No Okta call: client_id, issuer and label come from the journal, the secret from the keyring.
The link is a secret. It is printed only to a terminal, or inside `--json` output, because a
script that asks for `--json` has no other way to get it (documented choice). It is never
written to the journal or the receipt; its delete token goes to the keyring so
`send --revoke` can delete an unread link. A new `send` first deletes the previous unread
link, so at most one live copy of the secret exists.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from typing import TYPE_CHECKING, Any

from okta_wizard.commands._common import make_vault, org_url_from, print_json
from okta_wizard.errors import ExitCode, HandoffError, KeyringUnavailable, UsageError
from okta_wizard.secret import Secret

if TYPE_CHECKING:
    from okta_wizard.handoff.privatebin import Link
    from okta_wizard.setup.journal import Journal
    from okta_wizard.vault import Vault


def run(args: argparse.Namespace) -> int:
    origin = org_url_from(args).origin
    if args.revoke:
        return _revoke(args, origin)
    inputs = _check_inputs(args)  # every input check before anything is read or sent
    from okta_wizard.setup.journal import OrgLock

    with OrgLock(origin):
        return _send(args, origin, *inputs)


def _check_inputs(args: argparse.Namespace) -> tuple[str, str, tuple[str, ...], Secret | None]:
    from okta_wizard.handoff.message import normalize_email_domain
    from okta_wizard.handoff.privatebin import (
        normalize_server_url,
        validate_expire,
        validate_password,
    )

    if not args.json and not sys.stdout.isatty():
        raise UsageError(
            "The one-time link is shown only on a terminal, and this output is not one.",
            remedy="Run `okta-wizard send` in a terminal, or pass --json to receive it in JSON.",
        )
    expire = validate_expire(args.expire)
    server = normalize_server_url(args.secrets_url)
    domains = tuple(dict.fromkeys(normalize_email_domain(d) for d in args.email_domain))
    password = None
    if args.password_from_env:
        value = os.environ.get(args.password_from_env)
        if value is None:
            raise UsageError(
                f"The environment variable {args.password_from_env} is not set.",
                remedy="Export it with the link password, or drop --password-from-env.",
            )
        password = Secret(value)
        validate_password(password)
    return server, expire, domains, password


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


def _send(
    args: argparse.Namespace,
    origin: str,
    server: str,
    expire: str,
    domains: tuple[str, ...],
    password: Secret | None,
) -> int:
    from okta_wizard.handoff.message import HandoffDetails, render_message
    from okta_wizard.handoff.privatebin import create_link
    from okta_wizard.handoff.warnings import LINK_PREVIEW_WARNING
    from okta_wizard.setup import journal as journal_store

    saved = _saved_setup(origin)
    assert saved.client_id is not None and saved.issuer is not None
    if not domains:
        login = saved.actor_login or ""
        if "@" not in login:
            raise UsageError(
                "No email domain given and the admin's login has none.",
                remedy="Pass --email-domain acme.com (repeatable).",
            )
        domains = (login.rsplit("@", 1)[1].lower(),)
    vault = make_vault(args)
    secret = _client_secret(vault, origin, saved.client_id)
    _retire_previous_link(vault, saved)
    message = render_message(
        HandoffDetails(
            client_id=saved.client_id,
            client_secret=secret,
            issuer=saved.issuer,
            email_domains=domains,
            label=saved.label,
            org_url=origin,
        )
    )
    link = asyncio.run(create_link(server, message, expire=expire, password=password))
    try:
        vault.store_delete_token(origin, link.paste_id, link.delete_token)
        revocable = True
    except KeyringUnavailable:
        revocable = False  # the link exists; losing only the ability to revoke it
    saved.link = link.metadata()
    saved.record(6, "done", f"link {link.paste_id} on {link.server}")
    journal_store.save(saved)
    receipt_file = _write_receipt(saved, secret, link, domains)
    if args.json:
        data: dict[str, Any] = {
            "ok": True,
            "link": link.url.reveal(),  # asked for explicitly with --json; see module doc
            **link.metadata(),
            "revocable": revocable,
            "password_protected": password is not None,
            "receipt": str(receipt_file),
            "warning": LINK_PREVIEW_WARNING,
        }
        print_json(data)
    else:
        until = link.expires_at or "never (until read)"
        print(f"One-time link (burns after the first read; expires {until}):\n")
        print(f"  {link.url.reveal()}\n")
        if password is not None:
            print("Give Upflow the link password through another channel (a call, not the ticket).")
        print(f"Receipt for your IT ticket (no secret): {receipt_file}")
    print(f"okta-wizard: {LINK_PREVIEW_WARNING}", file=sys.stderr)
    if not revocable:
        print(
            "okta-wizard: the keyring refused the delete token: --revoke will not work.",
            file=sys.stderr,
        )
    return int(ExitCode.OK)


def _retire_previous_link(vault: Vault, saved: Journal) -> None:
    """Delete the last unread link before making its replacement: one live copy at most."""
    from okta_wizard.handoff.privatebin import delete_link

    previous = saved.link or {}
    paste_id, server = previous.get("paste_id"), previous.get("server")
    if not paste_id or not server or previous.get("revoked_at"):
        return
    token = vault.load_delete_token(saved.org_url, paste_id)
    if token is None:
        return
    try:
        asyncio.run(delete_link(server, paste_id, token))
        print(f"okta-wizard: deleted the previous unread link ({paste_id}).", file=sys.stderr)
    except HandoffError:
        pass  # already read or expired: nothing to delete
    vault.delete_delete_token(saved.org_url, paste_id)


def _write_receipt(saved: Journal, secret: Secret, link: Link, domains: tuple[str, ...]) -> Any:
    from okta_wizard.handoff.receipt import Receipt, write_receipt
    from okta_wizard.setup.journal import receipt_path
    from okta_wizard.setup.spec import SIGN_IN_REDIRECT_URI, SIGN_OUT_REDIRECT_URI

    groups = ("Everyone",) if saved.assignment_mode == "everyone" else tuple(saved.group_names)
    receipt = Receipt(
        org_url=saved.org_url,
        app_id=saved.app_id or "",
        client_id=saved.client_id or "",
        issuer=saved.issuer or "",
        label=saved.label,
        # Step 5 verified the app holds exactly these before the setup was marked done.
        redirect_uris=(SIGN_IN_REDIRECT_URI,),
        post_logout_redirect_uris=(SIGN_OUT_REDIRECT_URI,),
        groups=groups,
        run_by=saved.actor_login or "",
        created_at=link.created_at,
        secret_fingerprint=secret.fingerprint(),
        link_server=link.server,
        link_expire=link.expire,
        link_expires_at=link.expires_at,
        email_domains=domains,
    )
    path = receipt_path(saved.org_url)
    write_receipt(receipt, path)
    return path


def _revoke(args: argparse.Namespace, origin: str) -> int:
    from okta_wizard.handoff.privatebin import PasteGone, delete_link
    from okta_wizard.setup import journal as journal_store

    with journal_store.OrgLock(origin):
        saved = journal_store.load(origin)
        link = (saved.link if saved else None) or {}
        paste_id, server = link.get("paste_id"), link.get("server")
        if saved is None or not paste_id or not server or link.get("revoked_at"):
            raise UsageError(
                f"No one-time link to revoke for {origin}.",
                remedy="`okta-wizard send` makes one; only the last link can be revoked.",
            )
        vault = make_vault(args)
        token = vault.load_delete_token(origin, paste_id)
        if token is None:
            raise HandoffError(
                f"The keyring holds no delete token for link {paste_id}.",
                remedy="It cannot be revoked; it expires at "
                f"{link.get('expires_at') or 'never'} or when read.",
            )
        gone: PasteGone | None = None
        try:
            asyncio.run(delete_link(server, paste_id, token))
        except PasteGone as exc:
            gone = exc  # already read or expired; a network error keeps the token instead
        # Either way the link can no longer be opened and the token is of no further use.
        vault.delete_delete_token(origin, paste_id)
        saved.link = {**link, "revoked_at": journal_store.now_iso()}
        saved.record(6, "pending", f"link {paste_id} revoked")
        journal_store.save(saved)
        if gone is not None:
            raise gone
    if args.json:
        print_json({"ok": True, "revoked": paste_id, "server": server})
    else:
        print(f"Deleted the one-time link {paste_id} on {server}; it can no longer be opened.")
    return int(ExitCode.OK)

"""Helpers shared by the headless commands: input checks, the token, output.

Every check here runs before anything is sent or written, so bad input changes nothing.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from okta_wizard.cli import ORG_URL_ENV as ORG_ENV
from okta_wizard.cli import org_url_arg
from okta_wizard.errors import UsageError
from okta_wizard.okta.credentials import ApiToken, Credential, ServiceAppKey
from okta_wizard.orgurl import EXAMPLE, OrgUrl, parse_org_url
from okta_wizard.secret import Secret
from okta_wizard.setup.spec import CLIENT_ID_RULE, DEFAULT_LABEL, check_label, looks_like_client_id
from okta_wizard.setup.values import RateLimitWait

if TYPE_CHECKING:
    from okta_wizard.setup.engine import AssignmentChoice, Check, SetupOptions
    from okta_wizard.vault import Vault

TOKEN_ENV = "OKTA_API_TOKEN"
OK_MARK, FAIL_MARK = "✓", "✗"


def org_url_from(args: argparse.Namespace) -> OrgUrl:
    raw = org_url_arg(args)
    if not raw:
        raise UsageError(
            "No Okta org URL given.",
            remedy=f"Pass --org-url {EXAMPLE} or set {ORG_ENV}.",
        )
    return parse_org_url(raw)


def check_token_text(text: str) -> Secret:
    """Refuse what cannot be an API token, without ever echoing it."""
    token = text.strip()
    if not token:
        raise UsageError(
            "The API token is empty.",
            remedy=f"Set {TOKEN_ENV} to a token from Security > API > Tokens in the Admin Console.",
        )
    if token.lower().startswith(("ssws ", "bearer ")):
        raise UsageError(
            "The API token starts with 'SSWS'; give the token alone.",
            remedy=f"Set {TOKEN_ENV} to the token without the 'SSWS ' prefix.",
        )
    if any(ch.isspace() or not ch.isprintable() or not ch.isascii() for ch in token):
        raise UsageError(
            "The API token contains spaces or characters a token never has (it was not shown).",
            remedy=f"Copy the token again and set {TOKEN_ENV} to it exactly, with no quotes.",
        )
    return Secret(token)


def read_token() -> Secret:
    """From the environment, or a hidden prompt when a person is at the terminal."""
    value = os.environ.get(TOKEN_ENV)
    if value is not None:
        return check_token_text(value)
    if sys.stdin.isatty():
        return check_token_text(getpass.getpass("Okta API token (input hidden): "))
    raise UsageError(
        f"No API token: {TOKEN_ENV} is not set and there is no terminal to ask for it.",
        remedy=f"Set {TOKEN_ENV} (never pass the token as an argument: `ps` shows argv).",
    )


def credential_from(args: argparse.Namespace) -> Credential:
    """The sign-in: a service app (`--client-id` with `--private-key FILE`, or with the key
    imported into the keyring earlier), else the API token. `--import-key` copies the key
    file into the keyring once Okta has accepted it."""
    client_id = (getattr(args, "client_id", None) or "").strip()
    key_path = getattr(args, "private_key", None)
    import_key = bool(getattr(args, "import_key", False))
    if import_key and not (client_id and key_path):
        raise UsageError(
            "--import-key copies the key file of --private-key into the keyring; it needs "
            "--client-id and --private-key.",
            remedy="Pass --client-id ID --private-key FILE --import-key.",
        )
    if key_path and not client_id:
        raise UsageError(
            "--private-key needs --client-id (OAuth 2.0 service app).",
            remedy="Pass both, or neither to use an API token from OKTA_API_TOKEN.",
        )
    if not client_id:
        if getattr(args, "client_id", None) is not None:
            raise UsageError(
                "--client-id is empty.",
                remedy="Copy the Client ID from the service app's General tab (Admin Console).",
            )
        return ApiToken(read_token())
    if not looks_like_client_id(client_id):
        raise UsageError(
            f"--client-id is not a client id ({CLIENT_ID_RULE}).",
            remedy="Copy the Client ID from the service app's General tab (Admin Console).",
        )
    key_id = getattr(args, "key_id", None)
    if not key_path:
        return _imported_key_credential(args, client_id, key_id)
    from okta_wizard.okta.service_app import load_private_key

    path = Path(key_path)
    # Refuse an unusable key file (missing, encrypted, public, ...) before anything is sent;
    # the key is read again, in memory only, when the gateway signs in.
    loaded = load_private_key(path, key_id)
    for warning in loaded.warnings:
        print(warning, file=sys.stderr)
    credential = ServiceAppKey(client_id=client_id, private_key_path=path, key_id=key_id)
    if import_key:
        _import_key(args, credential)
    return credential


def _imported_key_credential(
    args: argparse.Namespace, client_id: str, key_id: str | None
) -> ServiceAppKey:
    """`--client-id` alone: the key imported into the keyring for this org and client id."""
    from okta_wizard.okta.service_app import load_service_app_key

    raw = org_url_arg(args)
    if not raw:
        raise UsageError(
            "--client-id and --private-key go together, unless the key was imported into the "
            "keyring (apply --import-key): finding it there needs the org URL.",
            remedy=f"Pass --private-key FILE, or --org-url {EXAMPLE} (or set {ORG_ENV}).",
        )
    origin = parse_org_url(raw).origin
    text = _key_vault().load_service_app_key(origin, client_id)
    if text is None:
        raise UsageError(
            f"No private key of service app {client_id} for {origin} is in the keyring.",
            remedy="Pass --private-key FILE (add --import-key to keep it in the keyring for "
            "later runs).",
        )
    credential = ServiceAppKey(client_id, None, key_id, private_key=text)
    load_service_app_key(credential)  # a damaged entry: exit 2 now, naming the keyring
    return credential


def _key_vault() -> Vault:
    """The keyring for a private key: secure backends only, whatever --insecure-storage says."""
    from okta_wizard.vault import Vault

    return Vault(allow_insecure=False)


def _import_key(args: argparse.Namespace, credential: ServiceAppKey) -> None:
    """Store the key file's text in the keyring, after Okta accepted a token request signed
    with it: a wrong key, a missing scope or an insecure keyring stores nothing."""
    import asyncio

    from okta_wizard.okta.service_app import ServiceAppAuth
    from okta_wizard.vault import service_app_key_entry

    assert credential.private_key_path is not None
    org = org_url_from(args)
    vault = _key_vault()
    vault.ensure_secure_for_key()  # no secure keyring: exit 6 before anything is sent

    async def prove() -> None:
        auth = ServiceAppAuth(credential, org)
        try:
            await auth.access_token()
        finally:
            await auth.aclose()

    asyncio.run(prove())
    key_text = Secret(credential.private_key_path.read_text(encoding="utf-8").strip())
    vault.store_service_app_key(org.origin, credential.client_id, key_text)
    entry = service_app_key_entry(org.origin, credential.client_id)
    print(
        f"Imported the private key of service app {credential.client_id} into the keyring "
        f"({vault.backend_name()}, entry {entry}). Later runs need only --client-id "
        f"{credential.client_id}; okta-wizard no longer reads {credential.private_key_path}, "
        "so keep or delete that file as your key policy says. `okta-wizard forget` removes "
        "the keyring copy.",
        file=sys.stderr,
    )


def assignment_from(args: argparse.Namespace, *, required: bool) -> AssignmentChoice | None:
    from okta_wizard.setup.engine import AssignmentChoice

    everyone = bool(getattr(args, "everyone", False))
    groups = [g for g in getattr(args, "group", []) or []]
    skip = bool(getattr(args, "no_assignment", False))
    chosen = [
        name
        for name, on in (
            ("--everyone", everyone),
            ("--group", bool(groups)),
            ("--no-assignment", skip),
        )
        if on
    ]
    if len(chosen) > 1:
        raise UsageError(
            f"Conflicting assignment options: {' and '.join(chosen)}.",
            remedy="Choose one: --everyone, --group NAME (repeatable) or --no-assignment.",
        )
    if any(not g.strip() for g in groups):
        raise UsageError("--group was given an empty name.", remedy="Pass the exact group name.")
    if everyone:
        return AssignmentChoice("everyone")
    if groups:
        return AssignmentChoice("groups", tuple(dict.fromkeys(g.strip() for g in groups)))
    if skip:
        return AssignmentChoice("none")
    if required:
        raise UsageError(
            "No assignment chosen; apply does not guess who may sign in to Upflow.",
            remedy="Pass --everyone, --group NAME (repeatable) or --no-assignment.",
        )
    return None


def label_from(args: argparse.Namespace) -> str:
    return check_label(str(getattr(args, "label", DEFAULT_LABEL) or ""))


def options_from(args: argparse.Namespace, *, assignment_required: bool) -> SetupOptions:
    """All input checks, in the order a person fixes them; the token comes last (it prompts)."""
    from okta_wizard.setup.engine import SetupOptions

    org_url = org_url_from(args)
    label = label_from(args)
    assignment = assignment_from(args, required=assignment_required)
    credential = credential_from(args)
    return SetupOptions(
        org_url=org_url,
        credential=credential,
        label=label,
        assignment=assignment,
        allow_insecure_storage=bool(getattr(args, "insecure_storage", False)),
        new_secret_if_lost=bool(getattr(args, "new_secret", False)),
    )


def make_vault(args: argparse.Namespace) -> Vault:
    from okta_wizard.vault import Vault

    return Vault(allow_insecure=bool(getattr(args, "insecure_storage", False)))


def progress(message: str) -> None:
    if isinstance(message, RateLimitWait):  # a wait a person may end: say how
        message = f"{message} (Ctrl+C stops here; the same command resumes)"
    print(f"… {message}", file=sys.stderr, flush=True)


def print_json(data: dict[str, Any]) -> None:
    print(json.dumps(data, indent=2, sort_keys=True))


def interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def confirm(question: str) -> bool:
    """Ask on the terminal; a non-interactive run never assumes yes."""
    if not sys.stdin.isatty():
        return False
    answer = input(f"{question} [y/N] ").strip().lower()
    return answer in ("y", "yes")


def check_lines(checks: Iterable[Check]) -> list[str]:
    rows = list(checks)
    width = max((len(c.name) for c in rows), default=0)
    lines = []
    for c in rows:
        mark = OK_MARK if c.ok else FAIL_MARK
        lines.append(f"{mark} {c.name:<{width}}  {c.detail}")
        if not c.ok and c.remedy:
            lines.append(f"  {'':<{width}}  -> {c.remedy}")
    return lines


def show_once(heading: str, rows: Sequence[tuple[str, Secret]], note: str = "") -> bool:
    """Show secret values once on the terminal's alternate screen, until the user presses Enter.

    The alternate screen is not part of the scrollback: once Enter is pressed the values are
    gone from the terminal. Only for a person at a terminal; a non-interactive run never
    prints them. Returns whether they were shown.
    """
    if not interactive():
        return False
    width = max((len(name) for name, _ in rows), default=0)
    body = "\n".join(f"  {name:<{width}}  {value.reveal()}" for name, value in rows)
    out = sys.stdout
    out.write("\x1b[?1049h\x1b[H\x1b[2J")  # alternate screen: gone from scrollback on exit
    out.write(f"{heading}\n\n{body}\n\n" + (f"{note}\n\n" if note else ""))
    out.write("Press Enter to clear the screen.")
    out.flush()
    try:
        input()
    except EOFError:
        pass
    finally:
        out.write("\x1b[2J\x1b[?1049l")
        out.flush()
    return True


def show_once_on_alternate_screen(secret: Secret, app_id: str) -> bool:
    """Last resort when the keyring refused the secret: show it once, off the scrollback."""
    return show_once(
        f"The keyring refused the client secret of app {app_id}.\n"
        "Copy it now to a password manager; it will not be shown again.",
        [("client secret:", secret)],
    )

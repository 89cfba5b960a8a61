"""`okta-wizard` with no command: the interactive wizard (offers to resume a saved setup).

Nothing of the gateway is imported unless --client-id asks for it: the first screen opens
before the engine loads (it is loaded by the wizard's first worker that needs it).
"""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

from okta_wizard.errors import ExitCode, UsageError
from okta_wizard.secret import Secret
from okta_wizard.setup.spec import DEFAULT_SECRETS_URL

if TYPE_CHECKING:
    from okta_wizard.okta.credentials import ServiceAppKey


def token_from_env() -> Secret | None:
    """The token may come from OKTA_API_TOKEN (never argv); else the admin types it masked."""
    value = os.environ.get("OKTA_API_TOKEN", "").strip()
    return Secret(value) if value else None


def service_app_from(args: argparse.Namespace) -> ServiceAppKey | None:
    """--client-id ID --private-key FILE [--key-id KID] prefill the service-app sign-in. The key
    file is checked here (missing, unreadable, not a private key: exit 2), before the screen."""
    if not (getattr(args, "client_id", None) or getattr(args, "private_key", None)):
        if getattr(args, "key_id", None):
            raise UsageError(
                "--key-id names a key of a service app: it needs --client-id and --private-key.",
                remedy="Pass --client-id ID --private-key FILE [--key-id KID], or none of them.",
            )
        return None
    from okta_wizard.commands._common import credential_from
    from okta_wizard.okta.credentials import ServiceAppKey

    credential = credential_from(args)  # both given: never falls back to a token prompt
    assert isinstance(credential, ServiceAppKey)
    return credential


def run(args: argparse.Namespace) -> int:
    service_app = service_app_from(args)
    org_url = getattr(args, "org_url", None) or ""
    if org_url:
        from okta_wizard.orgurl import parse_org_url

        org_url = parse_org_url(org_url).origin  # bad input stops here, before the screen opens
    from okta_wizard.clipboard import configured_clear_after
    from okta_wizard.tui.app import make_app

    insecure = bool(getattr(args, "insecure_storage", False))

    def forget(origin: str) -> list[str]:
        from okta_wizard.setup.engine import forget_saved_setup
        from okta_wizard.vault import Vault

        return forget_saved_setup(origin, Vault(allow_insecure=insecure))

    app = make_app(
        org_url=org_url,
        token=None if service_app else token_from_env(),
        service_app=service_app,
        secrets_url=os.environ.get("OKTA_WIZARD_SECRETS_URL", DEFAULT_SECRETS_URL),
        insecure_storage=insecure,
        forget=forget,
        clear_after=configured_clear_after(),
    )
    result = app.run()
    return int(ExitCode.OK if result is None else result)

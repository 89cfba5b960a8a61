"""How the wizard signs in to Okta: an SSWS API token, or an OAuth 2.0 service app."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from okta_wizard.secret import Secret


@dataclass(frozen=True)
class ApiToken:
    token: Secret


@dataclass(frozen=True)
class ServiceAppKey:
    """OAuth 2.0 for Okta: client credentials with private_key_jwt. The key stays in its file."""

    client_id: str
    private_key_path: Path
    key_id: str | None = None
    scopes: tuple[str, ...] = ("okta.apps.read", "okta.apps.manage", "okta.groups.read")


Credential = ApiToken | ServiceAppKey

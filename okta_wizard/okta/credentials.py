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
    """OAuth 2.0 for Okta: client credentials with private_key_jwt.

    The key stays in its file (`private_key_path`), or, once the admin imported it, in the OS
    keyring: then `private_key` carries the PEM/JWK text read from there (a `Secret`, redacted
    in repr) and `private_key_path` is None. Load it with
    `okta.service_app.load_service_app_key(credential)`.
    """

    client_id: str
    private_key_path: Path | None
    key_id: str | None = None
    scopes: tuple[str, ...] = ("okta.apps.read", "okta.apps.manage", "okta.groups.read")
    private_key: Secret | None = None

    @property
    def key_source(self) -> str:
        """Where the key is, for messages: the file, or the keyring."""
        return "the keyring" if self.private_key is not None else str(self.private_key_path)


Credential = ApiToken | ServiceAppKey

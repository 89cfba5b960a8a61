"""The Okta things the front ends hold: the signed-in actor, groups, apps and the credential
to sign in with. Defined by the gateway (okta/), handed on here so that the wizard depends on
setup/ alone and never on okta/ (the layers of CONTRIBUTING.md, checked by `make lint`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from okta_wizard.okta.credentials import ApiToken, Credential, ServiceAppKey
from okta_wizard.okta.models import Actor, ClientSecret, Group, OidcApp, OrgInfo, Permissions

if TYPE_CHECKING:
    from okta_wizard.okta.service_app import LoadedKey

__all__ = [
    "Actor",
    "ApiToken",
    "ClientSecret",
    "Credential",
    "Group",
    "OidcApp",
    "OrgInfo",
    "Permissions",
    "ServiceAppKey",
    "load_private_key",
]


def load_private_key(path: Path, key_id: str | None = None) -> LoadedKey:
    """Read and check a service app's key file, as the gateway will when it signs in (a
    UsageError names what is wrong). The signing code loads on the first call only."""
    from okta_wizard.okta.service_app import load_private_key as load

    return load(path, key_id)

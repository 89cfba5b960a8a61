"""The Okta gateway (interface; see issue 2). Every Okta call of the program passes here.

Usage:
    async with Gateway(org_url, ApiToken(Secret(token))) as okta:
        me = await okta.whoami()

All methods raise `OktaError` (one family, with a kind and a remedy) and nothing else.
`calls` counts requests per route ("GET /api/v1/apps") for the benches.
"""

from __future__ import annotations

from collections import Counter
from types import TracebackType

from okta_wizard.okta.credentials import Credential
from okta_wizard.okta.models import (
    Actor,
    ClientSecret,
    CreatedApp,
    Discovery,
    Group,
    OidcApp,
    OidcAppSettings,
    OrgInfo,
    Permissions,
)
from okta_wizard.orgurl import OrgUrl
from okta_wizard.secret import Secret


class Gateway:
    def __init__(
        self,
        org_url: OrgUrl,
        credential: Credential,
        *,
        request_timeout: float = 30.0,
        max_wait: float = 120.0,
    ) -> None:
        self.org_url = org_url
        self.credential = credential
        self.request_timeout = request_timeout
        self.max_wait = max_wait  # bounded total of 429/5xx waits
        self.calls: Counter[str] = Counter()

    async def __aenter__(self) -> Gateway:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        raise NotImplementedError

    # -- step 1: who, where, what may they do
    async def org_metadata(self) -> OrgInfo:
        raise NotImplementedError

    async def whoami(self) -> Actor:
        raise NotImplementedError

    async def probe_permissions(self, actor: Actor) -> Permissions:
        raise NotImplementedError

    # -- steps 2-3: the app
    async def find_apps_by_label(self, label: str) -> list[OidcApp]:
        raise NotImplementedError

    async def get_app(self, app_id: str) -> OidcApp:
        raise NotImplementedError

    async def create_oidc_app(self, settings: OidcAppSettings) -> CreatedApp:
        raise NotImplementedError

    async def update_oidc_app(self, app: OidcApp, settings: OidcAppSettings) -> OidcApp:
        raise NotImplementedError

    async def activate_app(self, app_id: str) -> None:
        raise NotImplementedError

    async def list_client_secrets(self, app_id: str) -> list[ClientSecret]:
        raise NotImplementedError

    async def create_client_secret(self, app_id: str) -> ClientSecret:
        raise NotImplementedError

    async def deactivate_client_secret(self, app_id: str, secret_id: str) -> None:
        raise NotImplementedError

    # -- step 4: groups
    async def search_groups(self, text: str, limit: int = 20) -> list[Group]:
        raise NotImplementedError

    async def find_group_by_name(self, name: str) -> Group | None:
        raise NotImplementedError

    async def everyone_group(self) -> Group:
        raise NotImplementedError

    async def assign_group(self, app_id: str, group_id: str) -> None:
        raise NotImplementedError

    async def list_assigned_group_ids(self, app_id: str) -> list[str]:
        raise NotImplementedError

    # -- step 5: issuer and secret check
    async def discovery(self, client_id: str) -> Discovery:
        raise NotImplementedError

    async def introspect_accepts(
        self, discovery: Discovery, client_id: str, secret: Secret, auth_method: str
    ) -> bool:
        raise NotImplementedError

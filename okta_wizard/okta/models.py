"""Typed, SDK-free views of the Okta objects the wizard uses.

The gateway builds these from Okta's JSON; nothing outside `okta/` sees SDK models or raw JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from okta_wizard.secret import Secret


@dataclass(frozen=True)
class OrgInfo:
    """From `/.well-known/okta-organization`."""

    id: str
    pipeline: str
    url: str


@dataclass(frozen=True)
class Actor:
    """Who the credential belongs to: an admin user (API token) or a service app (OAuth)."""

    id: str
    kind: str  # "user" | "service_app"
    login: str = ""
    email: str = ""
    display_name: str = ""


ROLES_THAT_CREATE_OIDC_APPS = ("SUPER_ADMIN", "APP_ADMIN", "API_ACCESS_MANAGEMENT_ADMIN")


@dataclass(frozen=True)
class Permissions:
    """The preflight: what the credential may do, probed without changing anything."""

    can_read_apps: bool
    can_read_groups: bool
    roles: tuple[str, ...] | None  # None: the roles could not be read
    missing: tuple[str, ...] = ()  # human-readable: what is missing (scopes, roles)

    @property
    def can_create_oidc_apps(self) -> bool | None:
        if self.roles is None:
            return None
        return any(role in ROLES_THAT_CREATE_OIDC_APPS for role in self.roles)


@dataclass(frozen=True)
class OidcAppSettings:
    """What to create or repair: the fields of an OIDC web app that the wizard owns."""

    label: str
    redirect_uris: tuple[str, ...]
    post_logout_redirect_uris: tuple[str, ...]
    grant_types: tuple[str, ...] = ("authorization_code",)
    response_types: tuple[str, ...] = ("code",)
    token_endpoint_auth_method: str = "client_secret_basic"
    pkce_required: bool = False
    application_type: str = "web"


@dataclass(frozen=True)
class OidcApp:
    id: str
    client_id: str
    label: str
    name: str
    status: str  # ACTIVE | INACTIVE
    sign_on_mode: str
    application_type: str
    redirect_uris: tuple[str, ...]
    post_logout_redirect_uris: tuple[str, ...]
    grant_types: tuple[str, ...]
    response_types: tuple[str, ...]
    token_endpoint_auth_method: str
    pkce_required: bool | None
    created: str = ""
    last_updated: str = ""

    @property
    def active(self) -> bool:
        return self.status == "ACTIVE"


@dataclass(frozen=True)
class CreatedApp:
    app: OidcApp
    client_secret: Secret


@dataclass(frozen=True)
class ClientSecret:
    """One entry of `/credentials/secrets`."""

    id: str
    status: str
    value: Secret | None
    created: str = ""


@dataclass(frozen=True)
class Group:
    id: str
    name: str
    type: str  # OKTA_GROUP | BUILT_IN | APP_GROUP
    description: str = ""
    users_count: int | None = None  # `_embedded.stats.usersCount` (expand=stats); None: unknown


@dataclass(frozen=True)
class Discovery:
    """From `/.well-known/openid-configuration?client_id=`. The issuer is never built by hand."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    introspection_endpoint: str
    jwks_uri: str = ""
    end_session_endpoint: str = ""
    userinfo_endpoint: str = ""
    token_endpoint_auth_methods_supported: tuple[str, ...] = field(default_factory=tuple)

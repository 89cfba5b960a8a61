"""Typed, SDK-free views of the Okta objects the wizard uses.

The gateway builds these from Okta's JSON; nothing outside `okta/` sees SDK models or raw JSON.
Every text field holds the visible form of Okta's text (parse.py, `textsafe.visible`): safe to
print, draw or put in `--json` as is. Ids match Okta's id pattern. Secret values are raw.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

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
# Okta's standard roles: what each allows is documented, so the preflight may judge them. Any
# other type (CUSTOM roles, whose permissions sit in a resource set; IAM-based roles such as
# WORKFLOWS_ADMIN; types newer than this list) only Okta can judge, at create time.
STANDARD_ROLES = frozenset(
    {
        *ROLES_THAT_CREATE_OIDC_APPS,
        "ORG_ADMIN",
        "READ_ONLY_ADMIN",
        "GROUP_MEMBERSHIP_ADMIN",
        "USER_ADMIN",
        "HELP_DESK_ADMIN",
        "REPORT_ADMIN",
        "MOBILE_ADMIN",
    }
)


@dataclass(frozen=True)
class Role:
    """One admin role assignment, as `GET /api/v1/users/{id}/roles` lists it."""

    type: str  # SUPER_ADMIN, ..., CUSTOM, or a type newer than the product
    label: str = ""  # Okta's label; a custom role's own name (shown, never judged)
    assignment_type: str = "USER"  # USER | GROUP (inherited from a group) | CLIENT
    status: str = "ACTIVE"

    @property
    def judgeable(self) -> bool:
        """An active standard role: whether it may create OIDC apps is documented."""
        return self.type in STANDARD_ROLES and self.status == "ACTIVE"

    @property
    def creates_oidc_apps(self) -> bool:
        return self.judgeable and self.type in ROLES_THAT_CREATE_OIDC_APPS

    def describe(self) -> str:
        name = f'custom role "{self.label}"' if self.type == "CUSTOM" and self.label else self.type
        notes = []
        if self.status != "ACTIVE":
            notes.append(self.status.lower())
        if self.assignment_type == "GROUP":
            notes.append("through a group")
        return f"{name} ({', '.join(notes)})" if notes else name


def may_create_oidc_apps(roles: tuple[Role, ...] | None) -> bool | None:
    """True: a role that may create OIDC apps. False: only standard roles, none of which may.
    None: the roles are unknown, or one of them is a role the product cannot judge (a custom
    or unfamiliar role may allow it): Okta decides when the app is created."""
    if roles is None:
        return None
    if any(role.creates_oidc_apps for role in roles):
        return True
    if any(not role.judgeable for role in roles):
        return None
    return False


@dataclass(frozen=True)
class Permissions:
    """The preflight: what the credential may do, probed without changing anything."""

    can_read_apps: bool
    can_read_groups: bool
    roles: tuple[Role, ...] | None  # None: the roles could not be read
    missing: tuple[str, ...] = ()  # human-readable: what is missing (scopes, roles)

    @property
    def can_create_oidc_apps(self) -> bool | None:
        return may_create_oidc_apps(self.roles)

    @property
    def role_types(self) -> tuple[str, ...] | None:
        return None if self.roles is None else tuple(r.type for r in self.roles)

    def describe_roles(self) -> str:
        if self.roles is None:
            return "roles not readable"
        return ", ".join(r.describe() for r in self.roles) or "no admin role"


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

    def endpoints(self) -> dict[str, str]:
        """Every endpoint the document names (field name -> URL), absent ones left out."""
        return {
            f.name: value
            for f in fields(self)
            if f.name.endswith(("_endpoint", "_uri")) and (value := getattr(self, f.name))
        }


@dataclass(frozen=True)
class LogEvent:
    """One System Log event (`GET /api/v1/logs`), the fields the activity report reads.
    Text in its visible form; `published` as Okta wrote it (ISO 8601, UTC)."""

    uuid: str
    published: str
    event_type: str
    result: str  # outcome.result: SUCCESS, FAILURE, DENY, ...
    reason: str  # outcome.reason ("" when Okta gave none)
    actor_id: str
    actor_type: str  # "User" for a person
    actor_name: str  # alternateId (the login), else displayName
    display_message: str
    target_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class LogEvents:
    """What a bounded read of the System Log returned, and why it stopped."""

    events: tuple[LogEvent, ...]
    pages: int
    complete: bool  # False: more events exist than were read (see `stopped_by`)
    stopped_by: str = ""  # "page bound" | "rate limit" when not complete
    rate_limit_reset_in: float | None = None  # seconds, when stopped by the rate limit

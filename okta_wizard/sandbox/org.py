"""The sandbox org's state: users, roles, groups, apps, client secrets and group assignments.

Plain dataclasses behind one lock (the server thread writes while a test thread reads). Groups
are indexed by lower-case name (sorted list + bisect) so that `q=` and `sw` searches stay fast
in a 50,000-group org.
"""

from __future__ import annotations

import base64
import bisect
import hashlib
import json
import random
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from okta_wizard.sandbox import ids

# Roles that may create and manage OIDC apps (Okta help: administrators-app-admin.htm);
# an Org Admin may not.
OIDC_CREATOR_ROLES = frozenset({"SUPER_ADMIN", "APP_ADMIN", "API_ACCESS_MANAGEMENT_ADMIN"})
APP_READER_ROLES = OIDC_CREATOR_ROLES | {"ORG_ADMIN", "READ_ONLY_ADMIN"}
# What a custom role must grant (through its resource set) to create or to read apps.
CREATE_PERMISSION = "okta.apps.manage"
READ_PERMISSIONS = frozenset({"okta.apps.read", "okta.apps.manage"})
ROLE_LABELS = {  # the standard roles
    "SUPER_ADMIN": "Super Administrator",
    "ORG_ADMIN": "Organizational Administrator",
    "APP_ADMIN": "Application Administrator",
    "API_ACCESS_MANAGEMENT_ADMIN": "API Access Management Administrator",
    "READ_ONLY_ADMIN": "Read Only Administrator",
    "GROUP_MEMBERSHIP_ADMIN": "Group Membership Administrator",
    "USER_ADMIN": "Group Administrator",
    "HELP_DESK_ADMIN": "Help Desk Administrator",
    "REPORT_ADMIN": "Report Administrator",
    "MOBILE_ADMIN": "Mobile Administrator",
}
# IAM-based standard roles (Okta's RoleType) and custom roles: the role lists of real orgs hold
# them too. Their answers look like custom role assignments (role, resource-set).
IAM_ROLE_LABELS = {
    "ACCESS_CERTIFICATIONS_ADMIN": "Access Certifications Administrator",
    "ACCESS_REQUESTS_ADMIN": "Access Requests Administrator",
    "WORKFLOWS_ADMIN": "Workflows Administrator",
}
CUSTOM = "CUSTOM"
SEED_GROUPS = (  # name, description, member count
    ("Finance", "Finance and accounting", 18),
    ("Accounts Receivable", "Collections team (uses Upflow)", 6),
    ("Engineering", "Product engineering", 42),
    ("Sales", "Sales team", 25),
    ("IT Admins", "Okta administrators", 3),
)
_GENERATED_WORDS = (
    "Finance", "Sales", "Support", "Engineering", "Marketing", "Legal", "Ops", "Data",
    "Security", "Product", "Design", "People", "Billing", "Partners", "Research", "Field",
)  # fmt: skip


# Okta's two engines, as `/.well-known/okta-organization` names them in `pipeline`.
ENGINES = {"identity": "idx", "classic": "v1"}


class SeedError(ValueError):
    """The seed file does not describe an org; the message says which field is wrong."""


@dataclass(frozen=True, slots=True)
class RoleGrant:
    """One admin role assignment of a user: a standard role, an IAM-based one or a custom role
    (its label and the permissions its resource set grants), assigned to the user or inherited
    from a group the user is in."""

    type: str  # SUPER_ADMIN, ..., WORKFLOWS_ADMIN, CUSTOM
    label: str = ""  # a custom role's own label; standard roles use Okta's
    assignment_type: str = "USER"  # USER | GROUP | CLIENT
    group_id: str | None = None  # GROUP: where it comes from
    permissions: frozenset[str] = frozenset()  # CUSTOM: e.g. {"okta.apps.manage"}
    status: str = "ACTIVE"

    # Ids derived from what the grant is, never drawn at random: building an org must not
    # shift the seeded ids of the snapshot tests. A standard role assigned directly is named
    # by the base32 of its type, as Okta does (APP_ADMIN is IFIFAX2BIRGUSTQ).
    @property
    def id(self) -> str:
        if self.type == CUSTOM or not self.is_standard:
            return _derived_id("irb", self.type, self.label, self.assignment_type, self.group_id)
        if self.assignment_type == "GROUP":
            return _derived_id("gra", self.type, self.group_id)
        return base64.b32encode(self.type.encode()).decode().rstrip("=")

    @property
    def role_id(self) -> str:
        """A custom role's id (`cr0…`); an IAM-based role is named by its type."""
        return _derived_id("cr0", self.label) if self.type == CUSTOM else self.type

    @property
    def resource_set(self) -> str:
        if self.type != CUSTOM:
            return f"{self.type}_IAM_POLICY"
        return _derived_id("iam", self.label, *sorted(self.permissions))

    @property
    def display_label(self) -> str:
        return self.label or ROLE_LABELS.get(self.type) or IAM_ROLE_LABELS.get(self.type, self.type)

    @property
    def is_standard(self) -> bool:
        return self.type in ROLE_LABELS

    def allows_create(self) -> bool:
        if self.status != "ACTIVE":
            return False
        return self.type in OIDC_CREATOR_ROLES or CREATE_PERMISSION in self.permissions

    def allows_read(self) -> bool:
        if self.status != "ACTIVE":
            return False
        return self.type in APP_READER_ROLES or bool(READ_PERMISSIONS & self.permissions)


@dataclass(slots=True)
class SandboxUser:
    id: str
    login: str
    email: str
    first_name: str
    last_name: str
    created: str
    grants: list[RoleGrant] = field(default_factory=lambda: [RoleGrant("SUPER_ADMIN")])

    @property
    def roles(self) -> list[str]:
        """The role types, e.g. ["SUPER_ADMIN"] (custom roles as "CUSTOM")."""
        return [g.type for g in self.grants]

    @property
    def is_super_admin(self) -> bool:
        return any(g.type == "SUPER_ADMIN" and g.status == "ACTIVE" for g in self.grants)


@dataclass(slots=True)
class SandboxGroup:
    id: str
    name: str
    description: str | None
    type: str  # BUILT_IN | OKTA_GROUP | APP_GROUP
    created: str
    users_count: int = 0  # `_embedded.stats.usersCount` with expand=stats (no member list)


@dataclass(slots=True)
class SandboxSecret:
    id: str
    value: str
    status: str  # ACTIVE | INACTIVE
    created: str
    last_updated: str

    @property
    def hash(self) -> str:
        return ids.secret_hash(self.value)


@dataclass(slots=True)
class Assignment:
    group_id: str
    priority: int
    last_updated: str


@dataclass
class SandboxApp:
    id: str
    name: str
    label: str
    status: str  # ACTIVE | INACTIVE
    sign_on_mode: str
    created: str
    last_updated: str
    oauth_credentials: dict[str, Any] = field(default_factory=dict)  # credentials.oauthClient
    oauth_settings: dict[str, Any] = field(default_factory=dict)  # settings.oauthClient
    secrets: list[SandboxSecret] = field(default_factory=list)
    assignments: dict[str, Assignment] = field(default_factory=dict)
    kid: str = field(default_factory=ids.signing_kid)
    policy_ids: tuple[str, str] = field(
        default_factory=lambda: (ids.okta_id("rst"), ids.okta_id("rst"))
    )
    # Fields real Okta may add that the SDK's models do not know (fault: "odd app").
    extra_fields: dict[str, Any] = field(default_factory=dict)
    # Admin roles assigned to the app as a client (`/oauth2/v1/clients/{id}/roles`).
    admin_roles: list[str] = field(default_factory=list)
    app_settings: dict[str, Any] = field(default_factory=dict)  # `settings.app`, as sent

    @property
    def is_oidc(self) -> bool:
        return self.sign_on_mode == "OPENID_CONNECT" and bool(self.oauth_credentials)

    def active_secrets(self) -> list[SandboxSecret]:
        return [s for s in self.secrets if s.status == "ACTIVE"]


@dataclass
class GroupPage:
    groups: list[SandboxGroup]
    next_after: str | None  # None: no `next` link


class SandboxOrg:
    """State of one sandbox org. All mutation goes through methods that hold `lock`."""

    def __init__(
        self, *, subdomain: str = "sandbox", company: str = "Sandbox Inc.", engine: str = "identity"
    ) -> None:
        self.lock = threading.RLock()
        self.id = ids.okta_id("00o")
        self.subdomain = subdomain
        self.company = company
        self.engine = engine  # "identity" (pipeline idx) or "classic" (pipeline v1)
        self.created = ids.now_iso()
        self.users: dict[str, SandboxUser] = {}
        self.admin_id = ""
        self.groups: dict[str, SandboxGroup] = {}
        self._group_order: list[str] = []  # creation order: the order of unfiltered listings
        self._group_pos: dict[str, int] = {}
        self._name_index: list[tuple[str, str]] = []  # sorted (lower-case name, id)
        self.apps: dict[str, SandboxApp] = {}
        # Okta's per-org cap on app instances (free / Integrator orgs); None: no cap.
        self.max_apps: int | None = None
        # Real Okta refuses `GET /api/v1/users/{id}/roles` (403 E0000006) to every admin but a
        # Super Admin. Whether an admin may read their own roles is not confirmed: True is that
        # variant (their own list only, still 403 for anybody else's).
        self.own_roles_readable = False

    # ---------------------------------------------------------------- users and roles
    @property
    def admin(self) -> SandboxUser:
        return self.users[self.admin_id]

    def add_user(
        self, login: str, first: str, last: str, roles: Iterable[str | RoleGrant]
    ) -> SandboxUser:
        with self.lock:
            user = SandboxUser(ids.okta_id("00u"), login, login, first, last, self.created)
            user.grants = _grants(roles)
            self.users[user.id] = user
            return user

    def set_admin_roles(
        self, roles: Iterable[str | RoleGrant], *, own_roles_readable: bool | None = None
    ) -> None:
        """E.g. `["ORG_ADMIN"]`: an admin who may not create OIDC apps. Role types, or
        `RoleGrant`s for custom and group-inherited roles. `own_roles_readable=True`: the
        variant of Okta where an admin may read their own roles."""
        with self.lock:
            self.admin.grants = _grants(roles)
            if own_roles_readable is not None:
                self.own_roles_readable = own_roles_readable

    def admin_may_create_oidc(self) -> bool:
        return any(g.allows_create() for g in self.admin.grants)

    def admin_may_read(self) -> bool:
        return any(g.allows_read() for g in self.admin.grants)

    # ---------------------------------------------------------------- groups
    def add_group(
        self,
        name: str,
        description: str | None = None,
        *,
        type_: str = "OKTA_GROUP",
        users_count: int = 0,
    ) -> SandboxGroup:
        with self.lock:
            group = SandboxGroup(
                ids.okta_id("00g"), name, description, type_, ids.now_iso(), users_count
            )
            self._insert_groups([group])
            return group

    def add_generated_groups(self, count: int, *, seed: int = 7) -> None:
        """`count` groups with realistic names ("Sales 00042 EMEA"); 50,000 in well under 1 s."""
        if count <= 0:
            return
        rng = random.Random(seed)
        regions = ("EMEA", "AMER", "APAC", "HQ")
        created = ids.now_iso()
        new = [
            SandboxGroup(gid, f"{rng.choice(_GENERATED_WORDS)} {i:05d} {regions[i % 4]}", None,
                         "OKTA_GROUP", created, (i * 7) % 23)  # every 23rd group is empty
            for i, gid in enumerate(ids.many_ids("00g", count))
        ]  # fmt: skip
        with self.lock:
            self._insert_groups(new)

    def _insert_groups(self, new: list[SandboxGroup]) -> None:
        for group in new:
            self.groups[group.id] = group
            self._group_pos[group.id] = len(self._group_order)
            self._group_order.append(group.id)
        if len(new) > 64:
            self._name_index.extend((g.name.lower(), g.id) for g in new)
            self._name_index.sort()
        else:
            for g in new:
                bisect.insort(self._name_index, (g.name.lower(), g.id))

    def everyone(self) -> SandboxGroup:
        return next(g for g in self.groups.values() if g.type == "BUILT_IN")

    def group_by_name(self, name: str) -> SandboxGroup | None:
        matches = self.groups_with_prefix(name, limit=1000)
        return next((g for g in matches if g.name == name), None)

    def groups_with_prefix(self, prefix: str, *, limit: int) -> list[SandboxGroup]:
        """Case-insensitive startsWith on the name, in name order (bisect on the index)."""
        low = prefix.lower()
        start = bisect.bisect_left(self._name_index, (low, ""))
        out: list[SandboxGroup] = []
        for name, gid in self._name_index[start:]:
            if not name.startswith(low) or len(out) >= limit:
                break
            out.append(self.groups[gid])
        return out

    def groups_page(self, after: str | None, limit: int) -> GroupPage:
        """Unfiltered listing in creation order; `after` is the last id of the previous page."""
        start = 0 if after is None else self._group_pos[after] + 1
        page_ids = self._group_order[start : start + limit]
        more = start + limit < len(self._group_order)
        return GroupPage([self.groups[g] for g in page_ids], page_ids[-1] if more else None)

    def knows_group(self, gid: str) -> bool:
        return gid in self._group_pos

    # ---------------------------------------------------------------- apps
    def add_app(self, app: SandboxApp) -> SandboxApp:
        with self.lock:
            self.apps[app.id] = app
            return app

    def add_oidc_app(
        self,
        label: str,
        *,
        redirect_uris: Iterable[str] = ("https://auth.upflow.io/__/auth/handler",),
        post_logout_redirect_uris: Iterable[str] = ("https://app.upflow.io/",),
        grant_types: Iterable[str] = ("authorization_code",),
        status: str = "ACTIVE",
        auth_method: str = "client_secret_basic",
        extra_fields: dict[str, Any] | None = None,
    ) -> SandboxApp:
        """An existing OIDC web app (for resume and drift tests), with one active secret."""
        now = ids.now_iso()
        app_id = ids.okta_id("0oa")
        app = SandboxApp(
            id=app_id, name="oidc_client", label=label, status=status,
            sign_on_mode="OPENID_CONNECT", created=now, last_updated=now,
            oauth_credentials={"autoKeyRotation": True, "client_id": app_id,
                               "token_endpoint_auth_method": auth_method, "pkce_required": False},
            oauth_settings={"redirect_uris": list(redirect_uris),
                            "post_logout_redirect_uris": list(post_logout_redirect_uris),
                            "response_types": ["code"], "grant_types": list(grant_types),
                            "application_type": "web", "consent_method": "TRUSTED"},
            extra_fields=dict(extra_fields or {}),
        )  # fmt: skip
        app.secrets.append(new_secret())
        return self.add_app(app)

    def app_count(self) -> int:
        return len(self.apps)

    def apps_by_label(self, label: str) -> list[SandboxApp]:
        return [a for a in self.apps.values() if a.label == label]


def _derived_id(prefix: str, *parts: str | None) -> str:
    """A 20-character Okta-looking id that always comes out the same for the same parts."""
    digest = hashlib.sha256("\x00".join(p or "" for p in parts).encode()).digest()
    return prefix + "".join(ids.ALPHABET[b % 62] for b in digest[: 20 - len(prefix)])


def _grants(roles: Iterable[str | RoleGrant]) -> list[RoleGrant]:
    return [r if isinstance(r, RoleGrant) else RoleGrant(r) for r in roles]


def new_secret() -> SandboxSecret:
    now = ids.now_iso()
    return SandboxSecret(ids.okta_id("ocs"), ids.client_secret_value(), "ACTIVE", now, now)


def _system_apps(org: SandboxOrg) -> list[SandboxApp]:
    """The apps every real org has (not OIDC clients a wizard could reuse), with the
    visibility real orgs answer for them (the 2025 recordings)."""

    def visible(links: dict[str, bool]) -> dict[str, Any]:
        return {
            "visibility": {
                "autoSubmitToolbar": False,
                "hide": {"iOS": False, "web": False},
                "appLinks": links,
            }
        }

    return [
        SandboxApp(ids.okta_id("0oa"), "saasure", "Okta Admin Console", "ACTIVE",
                   "OPENID_CONNECT", org.created, org.created,
                   extra_fields=visible({"admin": True})),
        SandboxApp(ids.okta_id("0oa"), "okta_enduser", "Okta Dashboard", "ACTIVE",
                   "OPENID_CONNECT", org.created, org.created, extra_fields=visible({})),
    ]  # fmt: skip


def build_org(
    groups: int = 0, seed: dict[str, Any] | None = None, engine: str | None = None
) -> SandboxOrg:
    """The default org (admin, Everyone, a few named groups incl. Finance) or one from a seed.
    `engine`: "identity" (the default) or "classic"; it wins over the seed's `org.engine`."""
    seed = seed or {}
    org_info = _seed_obj(seed, "org")
    engine = engine or str(org_info.get("engine", "identity"))
    if engine not in ENGINES:
        raise SeedError(f"org.engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    org = SandboxOrg(
        subdomain=str(org_info.get("subdomain", "sandbox")),
        company=str(org_info.get("companyName", "Sandbox Inc.")),
        engine=engine,
    )
    admin = _seed_obj(seed, "admin")
    roles = admin.get("roles", ["SUPER_ADMIN"])
    if not isinstance(roles, list):
        raise SeedError(f"admin.roles must be a list of Okta role types ({', '.join(ROLE_LABELS)})")
    user = org.add_user(
        str(admin.get("login", "admin@example.com")),
        str(admin.get("firstName", "Ada")),
        str(admin.get("lastName", "Admin")),
        [],
    )
    if "email" in admin:  # else the login, as Okta's default profile has it
        user.email = str(admin["email"])
    org.admin_id = user.id
    org.add_group(
        "Everyone", "All users in your organization", type_="BUILT_IN", users_count=len(org.users)
    )
    seed_groups = seed.get("groups")
    if seed_groups is None:
        for name, description, count in SEED_GROUPS:
            org.add_group(name, description, users_count=count)
    else:
        _add_seed_groups(org, seed_groups)
    user.grants = [_seed_grant(org, i, entry) for i, entry in enumerate(roles)]
    readable = seed.get("ownRolesReadable", False)
    if not isinstance(readable, bool):
        raise SeedError("ownRolesReadable must be true or false")
    org.own_roles_readable = readable
    org.add_generated_groups(groups)
    for app in _system_apps(org):
        org.add_app(app)
    for entry in _seed_list(seed, "apps"):
        _add_seed_app(org, entry)
    max_apps = seed.get("maxApps")
    if max_apps is not None and (not isinstance(max_apps, int) or max_apps < 0):
        raise SeedError("maxApps must be a non-negative integer or null")
    org.max_apps = max_apps
    return org


def load_seed(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SeedError(f"cannot read the seed file {path}: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise SeedError(f"the seed file {path} is not JSON (line {exc.lineno})") from None
    if not isinstance(data, dict):
        raise SeedError(f"the seed file {path} must hold a JSON object")
    return data


def _seed_obj(seed: dict[str, Any], key: str) -> dict[str, Any]:
    value = seed.get(key, {})
    if not isinstance(value, dict):
        raise SeedError(f"'{key}' must be a JSON object")
    return value


def _seed_list(seed: dict[str, Any], key: str) -> list[Any]:
    value = seed.get(key, [])
    if not isinstance(value, list):
        raise SeedError(f"'{key}' must be a JSON list")
    return value


def _seed_grant(org: SandboxOrg, i: int, entry: Any) -> RoleGrant:
    """`"APP_ADMIN"`, or `{"type": "CUSTOM", "label": "...", "permissions": [...]}`, or
    `{"type": "APP_ADMIN", "assignmentType": "GROUP", "group": "IT Admins"}`."""
    where = f"admin.roles[{i}]"
    if isinstance(entry, str):
        entry = {"type": entry}
    if not isinstance(entry, dict):
        raise SeedError(f"{where} must be a role type or an object with a 'type'")
    role_type = entry.get("type")
    known = (*ROLE_LABELS, *IAM_ROLE_LABELS, CUSTOM)
    if role_type not in known:
        raise SeedError(
            f"{where}: admin.roles must be a list of Okta role types ({', '.join(known)})"
        )
    label = entry.get("label", "")
    permissions = entry.get("permissions", [])
    if role_type == CUSTOM and not (isinstance(label, str) and label):
        raise SeedError(f"{where}: a CUSTOM role needs a 'label'")
    if not isinstance(permissions, list) or not all(isinstance(p, str) for p in permissions):
        raise SeedError(f"{where}.permissions must be a list of Okta permissions")
    assignment = entry.get("assignmentType", "USER")
    group_id = None
    if assignment == "GROUP":
        group = org.group_by_name(str(entry.get("group", "")))
        if group is None:
            raise SeedError(f"{where}: a GROUP assignment needs the 'group' it comes from")
        group_id = group.id
    elif assignment != "USER":
        raise SeedError(f"{where}.assignmentType must be USER or GROUP")
    return RoleGrant(role_type, str(label), assignment, group_id, frozenset(permissions))


def _add_seed_groups(org: SandboxOrg, groups: Any) -> None:
    if not isinstance(groups, list):
        raise SeedError("'groups' must be a JSON list")
    for i, entry in enumerate(groups):
        name = entry.get("name") if isinstance(entry, dict) else entry
        if not isinstance(name, str) or not name:
            raise SeedError(f"groups[{i}] needs a non-empty 'name'")
        description = entry.get("description") if isinstance(entry, dict) else None
        count = entry.get("usersCount", 0) if isinstance(entry, dict) else 0
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise SeedError(f"groups[{i}].usersCount must be a non-negative integer")
        org.add_group(name, description, users_count=count)


def _add_seed_app(org: SandboxOrg, entry: Any) -> None:
    if not isinstance(entry, dict) or not isinstance(entry.get("label"), str):
        raise SeedError("every entry of 'apps' needs a string 'label'")
    status = entry.get("status", "ACTIVE")
    if status not in ("ACTIVE", "INACTIVE"):
        raise SeedError("apps[].status must be ACTIVE or INACTIVE")
    app = org.add_oidc_app(
        entry["label"],
        redirect_uris=entry.get("redirect_uris", ["https://auth.upflow.io/__/auth/handler"]),
        post_logout_redirect_uris=entry.get(
            "post_logout_redirect_uris", ["https://app.upflow.io/"]
        ),
        grant_types=entry.get("grant_types", ["authorization_code"]),
        status=status,
        extra_fields=entry.get("extraFields"),
    )
    for name in entry.get("groups", []):
        group = org.group_by_name(name)
        if group is None:
            raise SeedError(f"app '{app.label}' is assigned to an unknown group '{name}'")
        app.assignments[group.id] = Assignment(group.id, len(app.assignments), app.created)

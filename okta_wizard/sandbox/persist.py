"""A sandbox org on disk, so that the demo can be quit and resumed like a real setup.

One JSON file with the org's admin, groups, apps and group assignments, and the origin it was
served on. Never a secret value: a client secret is saved without its value and gets a new one
when the org is restored (the wizard reads it back from the sandbox, as it reads a lost secret
back from Okta), and the API token is made anew for every run. Written and read as any saved
file is (`okta_wizard.savedfile`: atomic 0600 writes; no link followed, a bounded read, a JSON
object), then checked here: anything unexpected is `SavedFileDamaged`.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from okta_wizard.sandbox import ids
from okta_wizard.sandbox.org import (
    Assignment,
    RoleGrant,
    SandboxApp,
    SandboxGroup,
    SandboxOrg,
    SandboxSecret,
    SandboxUser,
)
from okta_wizard.savedfile import SavedFileDamaged, parse_json_object, read_bytes, write_atomic

SCHEMA_VERSION = 1
MAX_BYTES = 256 * 1024 * 1024  # 50,000 groups take about 6 MB


REMEDY = "Move it aside or delete it: the demo then makes a new sandbox org."


class SavedOrgError(ValueError):
    """What is wrong inside a saved org (`load_org` reports it as `SavedFileDamaged`)."""


@dataclass(frozen=True)
class SavedOrg:
    origin: str  # where it was served, e.g. http://127.0.0.1:41234
    org: SandboxOrg


def org_to_json(org: SandboxOrg) -> dict[str, Any]:
    with org.lock:
        return {
            "id": org.id,
            "subdomain": org.subdomain,
            "company": org.company,
            "created": org.created,
            "admin_id": org.admin_id,
            "max_apps": org.max_apps,
            "engine": org.engine,
            "own_roles_readable": org.own_roles_readable,
            "users": [_user_to_json(u) for u in org.users.values()],
            "groups": [_flat(g) for g in org.groups_page(None, len(org.groups)).groups],
            "apps": [_app_to_json(a) for a in org.apps.values()],
        }


def _user_to_json(user: SandboxUser) -> dict[str, Any]:
    data = asdict(user)
    data["grants"] = [{**g, "permissions": sorted(g["permissions"])} for g in data["grants"]]
    return data


def _user_from_json(data: Any) -> SandboxUser:
    fields = _known(SandboxUser, data)
    grants = [
        RoleGrant(**{**_known(RoleGrant, g), "permissions": frozenset(g.get("permissions", ()))})
        for g in fields.pop("grants", [])
    ]
    user = SandboxUser(**fields)
    if grants:
        user.grants = grants
    return user


def _flat(group: SandboxGroup) -> dict[str, Any]:
    """asdict() without its deep copy: a group's fields are plain values, and 50,000 groups
    are saved on every change of a large demo org (about 10 times faster)."""
    return {f.name: getattr(group, f.name) for f in dataclasses.fields(group)}


def _app_to_json(app: SandboxApp) -> dict[str, Any]:
    data = asdict(app)
    data["secrets"] = [{k: v for k, v in s.items() if k != "value"} for s in data["secrets"]]
    data["assignments"] = list(data["assignments"].values())
    return data


def _known(cls: type[Any], data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise SavedOrgError(f"a {cls.__name__} entry is not a JSON object")
    names = {f.name for f in dataclasses.fields(cls)}
    return {k: v for k, v in data.items() if k in names}


def _app_from_json(data: Any) -> SandboxApp:
    fields = _known(SandboxApp, data)
    secrets = [
        SandboxSecret(**{**_known(SandboxSecret, s), "value": ids.client_secret_value()})
        for s in fields.pop("secrets", [])
    ]
    assignments = [Assignment(**_known(Assignment, a)) for a in fields.pop("assignments", [])]
    if "policy_ids" in fields:
        fields["policy_ids"] = tuple(fields["policy_ids"])
    app = SandboxApp(**fields)
    app.secrets = secrets
    app.assignments = {a.group_id: a for a in assignments}
    return app


def org_from_json(data: Any) -> SandboxOrg:
    """Rebuild an org from `org_to_json`; client secrets get new values."""
    if not isinstance(data, dict):
        raise SavedOrgError("the org is not a JSON object")
    try:
        org = SandboxOrg(
            subdomain=str(data["subdomain"]),
            company=str(data["company"]),
            engine="classic" if data.get("engine") == "classic" else "identity",
        )
        org.own_roles_readable = data.get("own_roles_readable") is True
        org.id, org.created = str(data["id"]), str(data["created"])
        for raw in data["users"]:
            user = _user_from_json(raw)
            org.users[user.id] = user
        org.admin_id = str(data["admin_id"])
        org._insert_groups([SandboxGroup(**_known(SandboxGroup, g)) for g in data["groups"]])
        for raw in data["apps"]:
            org.add_app(_app_from_json(raw))
        max_apps = data.get("max_apps")
        org.max_apps = max_apps if isinstance(max_apps, int) else None
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise SavedOrgError(f"the saved org is incomplete ({type(exc).__name__}: {exc})") from None
    if org.admin_id not in org.users or not any(g.type == "BUILT_IN" for g in org.groups.values()):
        raise SavedOrgError("the saved org has no admin or no Everyone group")
    return org


def save_org(path: Path, org: SandboxOrg, origin: str) -> None:
    payload = {"schema_version": SCHEMA_VERSION, "origin": origin, "org": org_to_json(org)}
    write_atomic(path, json.dumps(payload, separators=(",", ":")).encode() + b"\n")


def load_org(path: Path) -> SavedOrg | None:
    """The saved org, or None when there is no file; `SavedFileDamaged` when it cannot be used."""
    raw = read_bytes(path, max_bytes=MAX_BYTES, remedy=REMEDY)
    if raw is None:
        return None
    payload = parse_json_object(path, raw, remedy=REMEDY)
    try:
        if payload.get("schema_version") != SCHEMA_VERSION:
            raise SavedOrgError(f"it is not a version {SCHEMA_VERSION} sandbox org")
        origin = payload.get("origin")
        if not isinstance(origin, str) or not origin.startswith("http://"):
            raise SavedOrgError("it names no http:// origin")
        return SavedOrg(origin, org_from_json(payload.get("org")))
    except SavedOrgError as exc:
        raise SavedFileDamaged(path, str(exc), remedy=REMEDY) from None

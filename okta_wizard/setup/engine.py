"""The setup engine's public interface (issue 3). The CLI and the TUI drive only this.

This file fixes the shapes the CLI and the TUI are written against; bodies raise
NotImplementedError until the engine lands. Keep names and fields stable; add, don't rename.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from okta_wizard.okta.credentials import Credential
from okta_wizard.okta.models import Actor, Group, OidcApp, OrgInfo, Permissions
from okta_wizard.orgurl import OrgUrl
from okta_wizard.secret import Secret

StepNumber = Literal[1, 2, 3, 4, 5, 6]
STEP_TITLES: dict[int, str] = {
    1: "Sign in to Okta",
    2: "Create App Integration",
    3: "Web App settings",
    4: "Assignments",
    5: "Credentials",
    6: "Send to Upflow",
}


@dataclass(frozen=True)
class AssignmentChoice:
    mode: Literal["everyone", "groups", "none"]
    group_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class SetupOptions:
    org_url: OrgUrl
    credential: Credential
    label: str = "Upflow SSO"
    assignment: AssignmentChoice | None = None  # None: ask (TUI) or refuse (apply)
    allow_insecure_storage: bool = False
    new_secret_if_lost: bool = False  # else: read the active secret from Okta


@dataclass(frozen=True)
class Check:
    """One verification line: pass/fail, what was seen, and what to do when it failed."""

    name: str
    ok: bool
    detail: str
    remedy: str = ""


@dataclass(frozen=True)
class ConnectReport:
    org: OrgInfo
    actor: Actor
    permissions: Permissions
    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)


@dataclass(frozen=True)
class Drift:
    field: str
    expected: str
    actual: str


@dataclass(frozen=True)
class ExistingApp:
    app: OidcApp
    drift: tuple[Drift, ...]


@dataclass(frozen=True)
class AppReport:
    app: OidcApp
    created: bool
    repaired: tuple[Drift, ...]
    secret_source: Literal["created", "keyring", "okta", "new"]
    keyring_backend: str


@dataclass(frozen=True)
class Credentials:
    org_url: str
    client_id: str
    issuer: str
    secret: Secret

    @property
    def fingerprint(self) -> str:
        return self.secret.fingerprint()


@dataclass(frozen=True)
class PlannedAction:
    step: int
    action: str  # "create app", "assign group Finance", "repair redirect_uris", "nothing"
    detail: str = ""


@dataclass(frozen=True)
class SavedSetup:
    """One entry of saved progress, for `status` and the resume screen. Never a secret."""

    org_url: str
    label: str
    app_id: str | None
    client_id: str | None
    step_reached: int
    updated_at: str
    steps: dict[int, str] = field(default_factory=dict)  # step -> "done" | "failed" | "pending"


ProgressCallback = Callable[[str], None]


def list_saved_setups() -> list[SavedSetup]:
    raise NotImplementedError


class Setup:
    """One run of the six steps against one org. Use as `async with Setup(options) as s:`."""

    def __init__(self, options: SetupOptions, *, on_progress: ProgressCallback | None = None):
        self.options = options
        self.on_progress = on_progress

    async def __aenter__(self) -> Setup:
        raise NotImplementedError

    async def __aexit__(self, *exc: object) -> None:
        raise NotImplementedError

    async def connect(self) -> ConnectReport:  # step 1
        raise NotImplementedError

    async def find_existing(self) -> ExistingApp | None:  # step 2
        raise NotImplementedError

    async def create_or_reuse(self, *, repair: bool) -> AppReport:  # step 3
        raise NotImplementedError

    async def search_groups(self, text: str, limit: int = 20) -> list[Group]:  # step 4 picker
        raise NotImplementedError

    async def assign(self, choice: AssignmentChoice) -> list[Group]:  # step 4
        raise NotImplementedError

    async def read_credentials(self) -> Credentials:  # step 5
        raise NotImplementedError

    async def verify(self) -> tuple[Check, ...]:  # step 5
        raise NotImplementedError

    async def plan(self) -> list[PlannedAction]:
        raise NotImplementedError

"""What the setup engine takes and gives back: the options, the assignment choice, and the
reports of each step (checks, drift, credentials, planned actions, saved progress).

Plain frozen values, shared by the CLI, the TUI and the step modules. Keep names and fields
stable; add, don't rename.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from okta_wizard.errors import ExitCode, KeyringUnavailable, WizardError
from okta_wizard.okta.credentials import Credential
from okta_wizard.okta.errors import ErrorKind, OktaError
from okta_wizard.okta.models import Actor, OidcApp, OrgInfo, Permissions
from okta_wizard.okta.retry import RateLimitWait as RateLimitWait  # for the front ends
from okta_wizard.orgurl import OrgUrl
from okta_wizard.secret import Secret
from okta_wizard.setup.spec import DEFAULT_LABEL
from okta_wizard.setup.spec import STEP_TITLES as STEP_TITLES  # re-exported: its home is spec

StepNumber = Literal[1, 2, 3, 4, 5, 6]

# Told what the run is doing, a line at a time. A wait for Okta's rate limit comes as a
# RateLimitWait: a str like the others ("Okta's rate limit for apps: waiting 41 s, until
# 14:05:12"), with `family`, `seconds` and `until` (local time) for a countdown.
ProgressCallback = Callable[[str], None]


@dataclass(frozen=True)
class AssignmentChoice:
    mode: Literal["everyone", "groups", "none"]
    group_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class SetupOptions:
    org_url: OrgUrl
    credential: Credential
    label: str = DEFAULT_LABEL
    assignment: AssignmentChoice | None = None  # None: ask (TUI) or refuse (apply)
    allow_insecure_storage: bool = False
    new_secret_if_lost: bool = False  # else: read the active secret from Okta


@dataclass(frozen=True)
class Check:
    """One verification line: pass/fail, what was seen, and what to do when it failed.
    `fixable`: `verify --fix` (a drift repair) corrects it."""

    name: str
    ok: bool
    detail: str
    remedy: str = ""
    fixable: bool = False


@dataclass(frozen=True)
class ConnectReport:
    org: OrgInfo
    actor: Actor
    permissions: Permissions
    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def raise_if_refused(self) -> None:
        """Step 1's gate: nothing changes in Okta unless every preflight check passed."""
        failed = [c for c in self.checks if not c.ok]
        if failed:
            first = failed[0]
            raise OktaError(
                ErrorKind.PERMISSION,
                "Preflight refused: " + "; ".join(f"{c.name}: {c.detail}" for c in failed),
                remedy=first.remedy,
            )


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


class SecretNotStored(KeyringUnavailable):
    """Okta created the app but the keyring refused its secret.

    Carries the secret (redacted in every rendering) so an interactive front end can show it
    once, on the alternate screen. The app id is already in the journal.
    """

    def __init__(self, app: OidcApp, secret: Secret, cause: WizardError) -> None:
        super().__init__(
            f"Okta returned the client secret of app {app.id}, but the keyring refused it "
            f"({cause.message}).",
            remedy=cause.remedy
            + " The app id is saved: once the keyring works, run the same command again and "
            "the secret is read back from Okta (no second app is made).",
        )
        self.app = app
        self.secret = secret


class SecretMissing(WizardError):
    """No app, or no secret for it, where a step needs one."""

    exit_code = ExitCode.UNEXPECTED

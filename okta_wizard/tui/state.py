"""What the wizard knows so far. Screens read and write it; it never holds a plaintext secret
except inside `Secret` objects (Credentials.secret, the token, the link)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from okta_wizard.setup.spec import DEFAULT_LABEL

if TYPE_CHECKING:
    from okta_wizard.secret import Secret
    from okta_wizard.setup.engine import (
        AppReport,
        AssignmentChoice,
        Check,
        ConnectReport,
        Credentials,
        ExistingApp,
    )
    from okta_wizard.setup.models import Group
    from okta_wizard.setup.saved import SavedSetup


@dataclass
class Restored:
    """What a resumed setup had chosen, as found in Okta again (tui/resuming.py)."""

    choice: AssignmentChoice | None = None  # step 4's saved choice
    groups: list[Group] = field(default_factory=list)  # the groups it names, found in Okta
    missing: list[Group] = field(default_factory=list)  # of those, the ones no longer assigned
    unknown: str = ""  # why some saved group names were not found (the engine's words)
    email_domains: tuple[str, ...] = ()  # step 6's, from the receipt of the last link


@dataclass
class WizardState:
    org_url: str = ""
    label: str = DEFAULT_LABEL
    connect: ConnectReport | None = None
    existing: ExistingApp | None = None
    existing_checked: bool = False
    repair: bool = True
    app: AppReport | None = None
    assigned: list[Group] = field(default_factory=list)
    credentials: Credentials | None = None
    checks: tuple[Check, ...] = ()
    link: Secret | None = None
    resumed_from: SavedSetup | None = None
    restored: Restored | None = None  # set once a resumed setup is reconciled with Okta
    done: set[int] = field(default_factory=set)
    reached: int = 1

    @property
    def admin_email_domain(self) -> str:
        email = self.connect.actor.email if self.connect else ""
        return email.rpartition("@")[2] if "@" in email else ""

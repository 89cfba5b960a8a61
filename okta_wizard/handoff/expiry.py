"""How long a one-time link stays open: PrivateBin's expiry choices, in one place.

The CLI's `--expire`, the wizard's expiry list, the client's check and the journal's reader all
take them from here. It imports nothing heavy: `okta-wizard --help` lists them.
"""

from __future__ import annotations

from dataclasses import dataclass

from okta_wizard.errors import UsageError


@dataclass(frozen=True)
class Expiry:
    name: str  # what PrivateBin's API takes ("1week")
    label: str  # what a person reads ("1 week")
    seconds: int | None  # None: never


# PrivateBin's own choices, shortest first. A real server silently widens an unknown name to
# 1week, so the client refuses anything else (`privatebin.validate_expire`).
EXPIRY_OPTIONS: tuple[Expiry, ...] = (
    Expiry("5min", "5 minutes", 300),
    Expiry("10min", "10 minutes", 600),
    Expiry("1hour", "1 hour", 3600),
    Expiry("1day", "1 day", 86400),
    Expiry("1week", "1 week", 604800),
    Expiry("1month", "1 month", 2592000),
    Expiry("1year", "1 year", 31536000),
    Expiry("never", "never", None),
)
EXPIRIES: tuple[str, ...] = tuple(e.name for e in EXPIRY_OPTIONS)
EXPIRY_SECONDS: dict[str, int | None] = {e.name: e.seconds for e in EXPIRY_OPTIONS}
EXPIRY_LABELS: dict[str, str] = {e.name: e.label for e in EXPIRY_OPTIONS}
DEFAULT_EXPIRE = "1week"


def expiry_choices() -> list[tuple[str, str]]:
    """(label, name) pairs, shortest first: a select list's options."""
    return [(e.label, e.name) for e in EXPIRY_OPTIONS]


def validate_expire(value: str) -> str:
    """Return the PrivateBin expiry name; refuse anything else rather than let it widen."""
    name = value.strip().lower()
    if name not in EXPIRIES:
        raise UsageError(
            f"Unknown link expiry {value.strip()!r}.",
            remedy=f"Use one of: {', '.join(EXPIRIES)}.",
        )
    return name

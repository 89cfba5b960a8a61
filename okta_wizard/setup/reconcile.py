"""Journal vs live Okta: which app is ours, and how it differs from what Upflow needs.

Pure functions, no I/O: the engine fetches, these decide.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

from okta_wizard.errors import UsageError
from okta_wizard.okta.models import Group, OidcApp, OidcAppSettings

OIDC_APP_NAME = "oidc_client"


def _as_text(values: Iterable[str]) -> str:
    return ", ".join(values) or "(none)"


def compute_drift(app: OidcApp, want: OidcAppSettings) -> list[tuple[str, str, str]]:
    """(field, expected, actual) for every wizard-owned field that differs. Lists are sets."""
    drift: list[tuple[str, str, str]] = []
    if app.label != want.label:
        drift.append(("label", want.label, app.label))
    list_fields: list[tuple[str, Sequence[str], Sequence[str]]] = [
        ("redirect_uris", want.redirect_uris, app.redirect_uris),
        (
            "post_logout_redirect_uris",
            want.post_logout_redirect_uris,
            app.post_logout_redirect_uris,
        ),
        ("grant_types", want.grant_types, app.grant_types),
        ("response_types", want.response_types, app.response_types),
    ]
    for name, expected, actual in list_fields:
        if sorted(expected) != sorted(actual):
            drift.append((name, _as_text(sorted(expected)), _as_text(sorted(actual))))
    if app.token_endpoint_auth_method != want.token_endpoint_auth_method:
        drift.append(
            (
                "token_endpoint_auth_method",
                want.token_endpoint_auth_method,
                app.token_endpoint_auth_method,
            )
        )
    if app.application_type and app.application_type != want.application_type:
        drift.append(("application_type", want.application_type, app.application_type))
    if app.pkce_required is not None and app.pkce_required != want.pkce_required:
        drift.append(("pkce_required", str(want.pkce_required), str(app.pkce_required)))
    if not app.active:
        drift.append(("status", "ACTIVE", app.status))
    return drift


class AmbiguousApps(UsageError):
    """Two apps carry the label: the wizard will not guess which one Upflow uses."""


def pick_app(
    candidates: Iterable[OidcApp], label: str, journal_app_id: str | None
) -> OidcApp | None:
    """Our app among the search results: exact label, an OIDC client; the journal's id wins."""
    exact = [a for a in candidates if a.label == label and a.name == OIDC_APP_NAME]
    for app in exact:
        if app.id == journal_app_id:
            return app
    if len(exact) > 1:
        ids = ", ".join(f"{a.id} (created {a.created or '?'}, {a.status})" for a in exact)
        raise AmbiguousApps(
            f"Okta has {len(exact)} apps labelled {label!r}: {ids}.",
            remedy="Deactivate and delete the one you do not use in the Admin Console, "
            "or pass --label with the label of the app to use.",
        )
    return exact[0] if exact else None


def close_group_names(name: str, found: Iterable[Group], limit: int = 5) -> list[str]:
    names = sorted({g.name for g in found})
    close = difflib.get_close_matches(name, names, n=limit, cutoff=0.5)
    lowered = name.lower()
    close += [n for n in names if lowered in n.lower() and n not in close]
    return close[:limit]


def search_prefixes(name: str) -> list[str]:
    """Server-side `q` is a startsWith match: try the name's first word and its first letters."""
    words = name.split()
    first = words[0] if words else name
    prefixes = [first, first[:3]] if len(first) > 3 else [first]
    return [p for p in dict.fromkeys(prefixes) if p]

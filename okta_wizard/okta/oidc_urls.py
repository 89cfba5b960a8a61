"""The rule for URLs that come from Okta's answers: followed only on the org's own origin.

A discovery document (or any answer) could name an endpoint on another host: a compromised
proxy, a typo'd custom domain, a hostile test server. Nothing is sent there, and above all no
client secret, access token or user: `on_org_origin` is checked before the first request to an
endpoint an answer named. The org's origin is the one the admin typed (`--org-url`), so an org
with a custom domain passes when the admin gives that domain.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from okta_wizard.errors import UsageError
from okta_wizard.okta.errors import foreign_url
from okta_wizard.orgurl import OrgUrl, parse_org_url


def origin_of(url: str) -> str | None:
    """`https://acme.okta.com/oauth2/v1/token` -> `https://acme.okta.com`, normalized as
    `parse_org_url` does (lower-case host, no default port); None for what is not a web URL
    with a host, or one with credentials or a fragment."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises on a bad port)
    except ValueError:
        return None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return None
    if parts.username is not None or parts.password is not None or parts.fragment:
        return None
    try:
        return parse_org_url(f"{parts.scheme}://{parts.netloc}").origin
    except UsageError:
        return None


def on_org_origin(org_url: OrgUrl, url: str, *, what: str, remedy: str = "") -> str:
    """`url` unchanged when it is on the org's origin (scheme, host and port, no credentials,
    no fragment); else the foreign-URL error (exit 1) naming `what` ("the token endpoint"):
    nothing was sent to it."""
    if origin_of(url) == org_url.origin:
        return url
    raise foreign_url(
        "Okta's answer",
        what,
        url,
        org_url.origin,
        remedy=remedy
        or "Pass the org's own address as --org-url (your custom domain, if the org uses one "
        "for its issuer); if it is right, report this.",
    )

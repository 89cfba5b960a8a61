"""The text Upflow asks for on secrets.upflow.io, in one fixed, readable layout."""

from __future__ import annotations

from dataclasses import dataclass

from okta_wizard.errors import UsageError
from okta_wizard.secret import Secret

IDENTITY_PROVIDER = "Okta"


@dataclass(frozen=True)
class HandoffDetails:
    client_id: str
    client_secret: Secret
    issuer: str
    email_domains: tuple[str, ...]
    label: str
    org_url: str
    # A rotation's hand-off: the message says this secret replaces the one sent before.
    replaces_previous: bool = False


# What a rotation's message adds: the previous secret keeps working until the sender retires
# it (`okta-wizard rotate --finish`, which the admin runs once Upflow confirms).
REPLACES_PREVIOUS = (
    "This is a new client secret for the same app: it replaces the client secret sent "
    "before. The Client ID and issuer are unchanged.",
    "The previous secret keeps working until the sender retires it: please tell them once "
    "Upflow signs in with this one.",
)


def render_message(details: HandoffDetails) -> Secret:
    """The message for Upflow. It holds the client secret, so it is itself a Secret."""
    rows = [
        ("Identity provider", IDENTITY_PROVIDER),
        ("Client ID", details.client_id),
        ("Client secret", details.client_secret.reveal()),
        ("Issuer", details.issuer),
        ("Email domain(s)", ", ".join(details.email_domains)),
        ("App label", details.label),
        ("Okta org URL", details.org_url),
    ]
    width = max(len(name) for name, _ in rows) + 1
    lines = ["Okta single sign-on for Upflow (OIDC)", ""]
    if details.replaces_previous:
        lines += [REPLACES_PREVIOUS[0], ""]
    lines += [f"{name + ':':<{width}} {value}" for name, value in rows]
    if details.replaces_previous:
        lines += ["", REPLACES_PREVIOUS[1]]
    lines += ["", "Sent with okta-wizard."]
    return Secret("\n".join(lines) + "\n")


def normalize_email_domain(raw: str) -> str:
    """`Acme.com` -> `acme.com`; refuse an address, a URL or anything that is not a domain."""
    domain = raw.strip().lower().rstrip(".")
    labels = domain.split(".")
    ok = len(labels) >= 2 and all(
        label
        and len(label) <= 63
        and label.strip("-") == label
        and label.replace("-", "").isalnum()
        for label in labels
    )
    if not ok or not domain.isascii():
        raise UsageError(
            f"{raw!r} is not an email domain.",
            remedy="Pass the part after '@' of your users' addresses, e.g. --email-domain acme.com",
        )
    return domain

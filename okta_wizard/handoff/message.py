"""The text Upflow asks for on secrets.upflow.io, in one fixed, readable layout, and the rule
for the email domains it names (the CLI's `--email-domain` and the wizard's field both use it)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from okta_wizard.errors import UsageError
from okta_wizard.secret import Secret
from okta_wizard.textsafe import visible

IDENTITY_PROVIDER = "Okta"
MAX_DOMAIN_LENGTH = 253
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")  # a DNS label, ASCII form
_SEPARATORS = re.compile(r"[,;\s]+")


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
    """One email domain as Upflow matches it: `Acme.COM`, `@acme.com` and `acme.com.` are all
    `acme.com`. Refuses an address, a URL, a single label or a numeric top level; an IDN is
    taken in its ASCII form (`xn--80aswg.xn--p1ai`), the one DNS and Okta hold."""
    domain = raw.strip().lower().removeprefix("@").removesuffix(".")
    problem = _domain_problem(domain)
    if problem:
        shown = visible(raw.strip())
        raise UsageError(
            f"“{shown}” is not an email domain ({problem}).",
            remedy="Give the part after '@' of your users' addresses, such as acme.com "
            "(several: separate them with commas).",
        )
    return domain


def _domain_problem(domain: str) -> str:
    if not domain:
        return "it is empty"
    if "@" in domain:
        return "that is an address: keep only the part after '@'"
    if not domain.isascii():
        return "type an international domain in its ASCII form, the one starting with xn--"
    labels = domain.split(".")
    if len(labels) < 2:
        return "it needs a dot, as in acme.com"
    if len(domain) > MAX_DOMAIN_LENGTH:
        return f"longer than {MAX_DOMAIN_LENGTH} characters"
    for label in labels:
        if not _LABEL.fullmatch(label):
            return (
                "letters, digits, '-' and dots only; no part may be empty or start or end with '-'"
            )
    if labels[-1].isdigit():
        return "the last part cannot be a number"
    return ""


def parse_email_domains(text: str) -> tuple[str, ...]:
    """ "acme.com, @Acme.fr" -> ("acme.com", "acme.fr"): domains separated by commas or spaces,
    each normalized, duplicates dropped. Nothing but separators is refused (UsageError)."""
    parts = [p for p in _SEPARATORS.split(text) if p]
    if not parts:
        raise UsageError(
            "No email domain given.",
            remedy="Give your users' email domain, such as acme.com (several: separate them "
            "with commas).",
        )
    return tuple(dict.fromkeys(normalize_email_domain(p) for p in parts))

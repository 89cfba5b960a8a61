"""The step-6 options of `send` and `apply --send`, checked in one place before anything is sent.

Both commands call `send_options` first: a bad expiry, server URL, email domain or an unset
password variable stops the run (exit 2) before any Okta call and before any paste is posted.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field

from okta_wizard.errors import UsageError
from okta_wizard.handoff.expiry import validate_expire
from okta_wizard.handoff.message import normalize_email_domain, parse_email_domains
from okta_wizard.handoff.privatebin import normalize_server_url, validate_password
from okta_wizard.secret import Secret


@dataclass(frozen=True)
class SendOptions:
    server: str  # normalized: https://host/path/
    expire: str  # one of expiry.EXPIRIES
    email_domains: tuple[str, ...]  # normalized; empty: the domain of the admin's login
    password: Secret | None = field(default=None, repr=False)
    burn_after_reading: bool = True  # the wizard's switch; the commands always burn


def password_from_env(variable: str | None) -> Secret | None:
    """The link password from the environment variable named on the command line (never argv)."""
    if not variable:
        return None
    value = os.environ.get(variable)
    if value is None:
        raise UsageError(
            f"The environment variable {variable} is not set.",
            remedy="Export it with the link password, or drop --password-from-env.",
        )
    password = Secret(value)
    validate_password(password)
    return password


def normalize_email_domains(raw: Iterable[str]) -> tuple[str, ...]:
    """Every `--email-domain` value, each read like the wizard's field (`parse_email_domains`:
    "acme.com, acme.fr" is two), duplicates dropped; none given: empty (the admin's domain)."""
    return tuple(dict.fromkeys(d for value in raw for d in parse_email_domains(value)))


def send_options(
    *,
    secrets_url: str,
    expire: str,
    email_domains: Iterable[str],
    password_env: str | None,
) -> SendOptions:
    """Every step-6 input check; raises UsageError (exit 2) and touches nothing."""
    return SendOptions(
        server=normalize_server_url(secrets_url),
        expire=validate_expire(expire),
        email_domains=normalize_email_domains(email_domains),
        password=password_from_env(password_env),
    )


def default_email_domains(domains: tuple[str, ...], admin_login: str | None) -> tuple[str, ...]:
    """The domains given, else the domain of the admin's login (refused if it has none)."""
    if domains:
        return domains
    login = admin_login or ""
    if "@" not in login:
        raise UsageError(
            "No email domain given and the admin's login has none.",
            remedy="Pass --email-domain acme.com (repeatable).",
        )
    return (normalize_email_domain(login.rsplit("@", 1)[1]),)

"""Validate the Okta org URL before anything is sent.

https only; plain http is accepted for loopback hosts alone (the sandbox and tests).
No path, query, fragment or credentials; never the admin console host.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from okta_wizard.errors import UsageError

EXAMPLE = "https://acme.okta.com"
_HINT = f"An org URL looks like {EXAMPLE} (or your custom domain, such as https://login.acme.com)."


@dataclass(frozen=True)
class OrgUrl:
    """A validated org origin, such as `https://acme.okta.com` or `http://127.0.0.1:8443`."""

    origin: str

    @property
    def host(self) -> str:
        return urlsplit(self.origin).hostname or ""

    @property
    def is_loopback(self) -> bool:
        return is_loopback_host(self.host)

    def __str__(self) -> str:
        return self.origin


def is_loopback_host(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _refuse(problem: str) -> UsageError:
    return UsageError(f"Invalid org URL: {problem}.", remedy=_HINT)


def parse_org_url(raw: str) -> OrgUrl:
    text = raw.strip()
    if not text:
        raise _refuse("it is empty")
    if "://" not in text:
        # "acme.okta.com" is what people copy from the console's header: accept it as https.
        text = "https://" + text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise _refuse(f"it cannot be parsed ({exc})") from None
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("https", "http"):
        raise _refuse(f"the scheme {parts.scheme!r} is not https")
    if not host or " " in text or ("." not in host and not is_loopback_host(host)):
        raise _refuse("it has no valid host name")
    if parts.username or parts.password:
        raise _refuse("it contains credentials; never put a token in a URL")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise _refuse("it has a path, query or fragment; give only the scheme and host")
    if parts.scheme == "http" and not is_loopback_host(host):
        raise _refuse("plain http is allowed only for loopback hosts (the sandbox)")
    first_label = host.split(".")[0]
    if first_label.endswith("-admin"):
        fixed = host.replace(f"{first_label}.", f"{first_label[: -len('-admin')]}.", 1)
        raise UsageError(
            "Invalid org URL: that is the Admin Console address, not the org URL.",
            remedy=f"Use https://{fixed} (drop '-admin').",
        )
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and not (parts.scheme == "https" and port == 443):
        netloc += f":{port}"
    return OrgUrl(f"{parts.scheme}://{netloc}")

"""One exception family for everything that can go wrong talking to Okta.

Okta's own words (errorSummary, errorCauses, error_description, the request id) are quoted in
these messages, so an OktaError's text is made safe to show when it is built: control, escape
and reordering characters become visible escapes (`textsafe.visible`), whoever composed it.
"""

from __future__ import annotations

from enum import Enum
from urllib.parse import urlsplit

from okta_wizard.errors import ExitCode, WizardError
from okta_wizard.textsafe import visible


class ErrorKind(Enum):
    INVALID_INPUT = "invalid input"
    AUTH = "authentication"
    PERMISSION = "permission"
    NOT_FOUND = "not found"
    RATE_LIMITED = "rate limited"
    UNAVAILABLE = "unavailable"
    CONFLICT = "conflict"
    # An answer pointed somewhere other than the org (a next page, an endpoint): the request
    # was not sent. Not a transient failure, so not UNAVAILABLE: running again would not help.
    FOREIGN_URL = "foreign url"


_EXIT = {
    ErrorKind.INVALID_INPUT: ExitCode.USAGE,
    ErrorKind.AUTH: ExitCode.AUTH,
    ErrorKind.PERMISSION: ExitCode.PERMISSION,
    ErrorKind.NOT_FOUND: ExitCode.UNEXPECTED,
    ErrorKind.RATE_LIMITED: ExitCode.UNAVAILABLE,
    ErrorKind.UNAVAILABLE: ExitCode.UNAVAILABLE,
    ErrorKind.CONFLICT: ExitCode.UNEXPECTED,
    ErrorKind.FOREIGN_URL: ExitCode.UNEXPECTED,
}


class OktaError(WizardError):
    """Okta said no, or could not be reached. Never carries a token or a secret."""

    def __init__(
        self,
        kind: ErrorKind,
        message: str,
        *,
        remedy: str = "",
        status: int | None = None,
        error_code: str | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(visible(message), remedy=visible(remedy), exit_code=_EXIT[kind])
        self.kind = kind
        self.status = status
        self.error_code = visible(error_code) if error_code is not None else None
        self.request_id = visible(request_id) if request_id is not None else None

    def __repr__(self) -> str:
        return (
            f"OktaError(kind={self.kind.name}, status={self.status}, "
            f"error_code={self.error_code!r}, message={self.message!r})"
        )


# -- Okta's answers -> one OktaError. Pure functions: the transport passes status and body.

TOKEN_REMEDY = (
    "Okta rejected the API token: create a new one in Admin Console > Security > API > Tokens"
)
OAUTH_REMEDY = (
    "Okta rejected the service app's credentials: check its client id, key id and private key, "
    "and that the public key is registered on the app"
)
UNAVAILABLE_REMEDY = (
    "Okta could not be reached or answered with a server error; check the network and "
    "https://status.okta.com, then run the same command again to resume"
)
_APP_CAP_MARKER = "maximum number of instances"
_SECRET_CAP_MARKER = "maximum number of client secrets"
# Okta's summary of that 400 E0000001: "Api validation failed: OAuth2ClientSecretMediated".
_SECRET_CAP_SUMMARY = "oauth2clientsecretmediated"


def _causes(body: object) -> list[str]:
    if not isinstance(body, dict):
        return []
    causes = body.get("errorCauses")
    if not isinstance(causes, list):
        return []
    return [visible(str(c.get("errorSummary", ""))) for c in causes if isinstance(c, dict)]


def _summary(body: object) -> str:
    if isinstance(body, dict):
        for key in ("errorSummary", "error_description", "error"):
            value = body.get(key)
            if isinstance(value, str) and value:
                return visible(value)
    return ""


def error_for_response(
    status: int,
    body: object,
    *,
    action: str,
    request_id: str | None = None,
    needs: str = "",
    oauth: bool = False,
) -> OktaError:
    """Map one Okta error answer to an OktaError.

    `action` says what was attempted ("create the app"), `needs` what permission it takes.
    `body` is the parsed JSON (or text); only Okta's own summaries are quoted, never a request.
    """
    code = body.get("errorCode") if isinstance(body, dict) else None
    code = visible(code) if isinstance(code, str) else None
    request_id = visible(request_id) if request_id is not None else None
    summary = _summary(body)
    causes = _causes(body)
    detail = "; ".join(x for x in [summary, *causes] if x) or f"HTTP {status}"
    where = f" (Okta {code or status}{', request ' + request_id if request_id else ''})"

    def make(kind: ErrorKind, message: str, remedy: str) -> OktaError:
        return OktaError(
            kind,
            message + where,
            remedy=remedy,
            status=status,
            error_code=code,
            request_id=request_id,
        )

    if status == 401:
        return make(
            ErrorKind.AUTH,
            f"Okta rejected the credential while trying to {action}: {detail}",
            OAUTH_REMEDY if oauth else TOKEN_REMEDY,
        )
    if status == 403 and code == "E0000056":
        return make(
            ErrorKind.CONFLICT,
            f"Okta refused to {action}: {detail}",
            "Deactivate the app first (Admin Console > Applications > the app > Deactivate).",
        )
    if status == 403:
        needed = needs or "an admin role that allows it"
        return make(
            ErrorKind.PERMISSION,
            f"Permission denied: to {action}, the credential needs {needed}",
            "Use an API token created by a Super Admin or an App Admin (or grant the missing "
            "scope/role to the service app), then run again.",
        )
    if status == 404:
        return make(
            ErrorKind.NOT_FOUND,
            f"Not found while trying to {action}: {detail}",
            "Check the org URL and that the object still exists in the Admin Console.",
        )
    if status == 429:
        return make(
            ErrorKind.RATE_LIMITED,
            f"Okta's rate limit was still exceeded after waiting, while trying to {action}",
            "Wait a minute (Okta limits app creation to a few calls per minute on some orgs), "
            "then run the same command again to resume.",
        )
    if status >= 500:
        return make(
            ErrorKind.UNAVAILABLE,
            f"Okta answered HTTP {status} while trying to {action}",
            UNAVAILABLE_REMEDY,
        )
    lowered = detail.lower()
    if _APP_CAP_MARKER in lowered:
        return make(
            ErrorKind.CONFLICT,
            f"Okta refused to {action}: this org has reached its maximum number of app "
            "instances (free and Integrator orgs have a small cap)",
            "Delete an app you no longer use (Applications > the app > Deactivate, then "
            "Delete), or reuse an existing app, then run again.",
        )
    if _SECRET_CAP_MARKER in lowered or (code == "E0000001" and _SECRET_CAP_SUMMARY in lowered):
        return make(
            ErrorKind.CONFLICT,
            f"Okta refused to {action}: the app already has two client secrets (the maximum)",
            "Delete an inactive client secret of the app (Admin Console > Applications > the "
            "app > General > Client Secrets; deactivate the one Upflow does not use first, "
            "never the one it signs in with), then run again.",
        )
    if code == "E0000029":
        return make(
            ErrorKind.INVALID_INPUT,
            f"Okta rejected the paging cursor while trying to {action}: {detail}",
            "Run the same command again; if it persists, report it with the request id.",
        )
    return make(
        ErrorKind.INVALID_INPUT,
        f"Okta rejected the request to {action}: {detail}",
        "Check the values named above; if they come from okta-wizard, report it with the "
        "request id.",
    )


def unavailable(action: str, why: str) -> OktaError:
    """A transport failure (refused, reset, timeout). `why` names the failure, never a request."""
    return OktaError(
        ErrorKind.UNAVAILABLE,
        f"Okta could not be reached while trying to {action}: {why}",
        remedy=UNAVAILABLE_REMEDY,
    )


def rate_limited(action: str, wait_s: float) -> OktaError:
    return OktaError(
        ErrorKind.RATE_LIMITED,
        f"Okta's rate limit is exceeded for {action}; it resets in {wait_s:.0f} s, "
        "more than this run may wait",
        remedy=f"Wait {max(1, round(wait_s))} s, then run the same command again to resume.",
        status=429,
        error_code="E0000047",
    )


def foreign_url(source: str, what: str, url: str, origin: str, *, remedy: str = "") -> OktaError:
    """`source` (an answer of Okta's) sent the wizard to another origin; nothing was sent
    there. Exit 1, not 5: the same run would get the same answer, and the cause (a proxy that
    rewrites answers, a wrong org URL, a hostile server) needs a person. The message names only
    the other scheme, host and port: never credentials, a path or a query it may carry."""
    return OktaError(
        ErrorKind.FOREIGN_URL,
        f"{source} pointed {what} to {_where(url)}, which is not the org ({origin}); "
        "okta-wizard sends credentials only to the org, so nothing was sent there.",
        remedy=remedy
        or "Check that --org-url is the org's own address and that no proxy rewrites Okta's "
        "answers; if both are right, report this.",
    )


def _where(url: str) -> str:
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:
        host, port = None, None
    if not host:
        return "(not a web URL)"
    return f"{parts.scheme}://{host}" + (f":{port}" if port else "")

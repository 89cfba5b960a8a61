"""One exception family for everything that can go wrong talking to Okta."""

from __future__ import annotations

from enum import Enum

from okta_wizard.errors import ExitCode, WizardError


class ErrorKind(Enum):
    INVALID_INPUT = "invalid input"
    AUTH = "authentication"
    PERMISSION = "permission"
    NOT_FOUND = "not found"
    RATE_LIMITED = "rate limited"
    UNAVAILABLE = "unavailable"
    CONFLICT = "conflict"


_EXIT = {
    ErrorKind.INVALID_INPUT: ExitCode.USAGE,
    ErrorKind.AUTH: ExitCode.AUTH,
    ErrorKind.PERMISSION: ExitCode.PERMISSION,
    ErrorKind.NOT_FOUND: ExitCode.UNEXPECTED,
    ErrorKind.RATE_LIMITED: ExitCode.UNAVAILABLE,
    ErrorKind.UNAVAILABLE: ExitCode.UNAVAILABLE,
    ErrorKind.CONFLICT: ExitCode.UNEXPECTED,
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
        super().__init__(message, remedy=remedy, exit_code=_EXIT[kind])
        self.kind = kind
        self.status = status
        self.error_code = error_code
        self.request_id = request_id

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
    return [str(c.get("errorSummary", "")) for c in causes if isinstance(c, dict)]


def _summary(body: object) -> str:
    if isinstance(body, dict):
        for key in ("errorSummary", "error_description", "error"):
            value = body.get(key)
            if isinstance(value, str) and value:
                return value
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
    code = code if isinstance(code, str) else None
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

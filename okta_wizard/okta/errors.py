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

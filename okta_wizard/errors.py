"""The exit codes of the public interface, and the base of every error the user may see.

Every error carries a one-line remedy an administrator can act on. No error text may
contain a secret: callers pass names and ids, never values.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    UNEXPECTED = 1
    USAGE = 2  # bad input or usage
    AUTH = 3  # Okta rejected the credential (401)
    PERMISSION = 4  # 403, or a role that may not create OIDC apps
    UNAVAILABLE = 5  # Okta or the network unavailable after retries
    NO_KEYRING = 6  # no secure keyring
    HANDOFF = 7  # the one-time link could not be made
    SIGN_IN_FAILED = 8  # a test sign-in through the Upflow app did not pass


class WizardError(Exception):
    """An error the user is meant to read: what happened, and what to do about it."""

    exit_code: ExitCode = ExitCode.UNEXPECTED

    def __init__(self, message: str, *, remedy: str = "", exit_code: ExitCode | None = None):
        super().__init__(message)
        self.message = message
        self.remedy = remedy
        if exit_code is not None:
            self.exit_code = exit_code

    def __str__(self) -> str:
        return f"{self.message}\n  -> {self.remedy}" if self.remedy else self.message


class UsageError(WizardError):
    exit_code = ExitCode.USAGE


class KeyringUnavailable(WizardError):
    exit_code = ExitCode.NO_KEYRING


class HandoffError(WizardError):
    exit_code = ExitCode.HANDOFF

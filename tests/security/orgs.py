"""The sandbox org and the wizard as the attack tests use them: real HTTP on loopback, the
test token (which the leak scans look for), and the wizard built as the CLI builds it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from okta_wizard.sandbox.server import RunningSandbox, start_sandbox
from okta_wizard.secret import Secret
from okta_wizard.tui.app import WizardApp, make_app
from tests.setup.conftest import TEST_TOKEN


@contextmanager
def running_sandbox(seed: dict[str, Any] | None = None) -> Iterator[RunningSandbox]:
    sb = start_sandbox(token=TEST_TOKEN, seed=seed)
    try:
        yield sb
    finally:
        sb.stop()


def wizard_for(sb: RunningSandbox, *, secrets_url: str | None = None) -> WizardApp:
    """The wizard against `sb`, without the resume offer."""
    return make_app(
        org_url=sb.base_url,
        token=Secret(TEST_TOKEN),
        secrets_url=secrets_url or sb.secrets_url,
        accessible=False,
        load_saved=None,
    )

"""Shared fixtures. Area-specific fixtures live in tests/<area>/conftest.py."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from okta_wizard.sandbox.server import RunningSandbox


@pytest.fixture(autouse=True)
def _isolated_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test gets its own saved-progress folder and never reads the developer's."""
    state = tmp_path / "state"
    monkeypatch.setenv("OKTA_WIZARD_STATE_DIR", str(state))
    monkeypatch.delenv("OKTA_API_TOKEN", raising=False)
    monkeypatch.delenv("OKTA_WIZARD_ORG_URL", raising=False)
    yield state


@pytest.fixture
def secret_service() -> None:
    """Require the real Secret Service that `make test` provides (gnome-keyring over D-Bus)."""
    if os.environ.get("OKTA_WIZARD_IN_KEYRING_SESSION") != "1":
        pytest.fail("run the tests with `make test`: they need gnome-keyring under D-Bus")
    from okta_wizard.vault import Vault

    # The vault's own choice (keyring's default is a chainer once keyrings.alt is installed).
    assert Vault().backend_name() == "GNOME Keyring (Secret Service)"


# ---------------------------------------------------------------- the sandbox Okta org
@pytest.fixture
def sandbox() -> Iterator[RunningSandbox]:
    """A fresh sandbox org for one test: real HTTP on loopback, stopped after. The control API
    is on, with a random token only this test knows (`sb.control_headers()`)."""
    from okta_wizard.sandbox.server import start_sandbox

    sb = start_sandbox(control=True)
    try:
        yield sb
    finally:
        sb.stop()


@pytest.fixture(scope="session")
def sandbox_50k() -> Iterator[RunningSandbox]:
    """One 50,000-group org shared by the session: read it, do not add faults or change it.
    Rate limits are counted but not enforced, so search-heavy tests never hit a 429."""
    from okta_wizard.sandbox.server import start_sandbox

    sb = start_sandbox(groups=50_000, enforce_rate_limits=False)
    try:
        yield sb
    finally:
        sb.stop()

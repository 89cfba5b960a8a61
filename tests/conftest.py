"""Shared fixtures. Area-specific fixtures live in tests/<area>/conftest.py."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest


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
    import keyring

    backend = keyring.get_keyring()
    assert type(backend).__module__ == "keyring.backends.SecretService", backend

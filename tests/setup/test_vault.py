"""The vault against the real Secret Service (gnome-keyring over D-Bus), and its refusals.

Which backend the vault chooses (chainer, keyrings.alt, macOS, Windows) is proven in
tests/security/test_keyring_backend_choice.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import keyring
import pytest

from okta_wizard.errors import ExitCode, KeyringUnavailable
from okta_wizard.secret import Secret
from okta_wizard.vault import MemoryVault, Vault

ORG = "https://acme.okta.com"
VALUE = "Zq9-client-secret-value-for-the-vault-test-0123456789abcdefghijkl"


def plaintext_file_keyring(path: Path) -> Any:
    """keyrings.alt's real PlaintextKeyring (priority 0.5), writing to `path`."""
    from keyrings.alt.file import PlaintextKeyring

    backend = PlaintextKeyring()
    backend.file_path = str(path)
    return backend


def secret_service_that_raises(error: Exception) -> Any:
    """keyring's real Secret Service backend (judged secure) whose every call raises `error`."""
    from keyring.backends import SecretService

    def fail(*args: object) -> None:
        raise error

    backend = SecretService.Keyring()
    backend.set_password = backend.get_password = backend.delete_password = fail
    return backend


def test_roundtrip_in_the_real_secret_service(secret_service: None) -> None:
    vault = Vault()
    assert vault.is_secure()
    assert vault.backend_name() == "GNOME Keyring (Secret Service)"
    vault.store_client_secret(ORG, "0oa1b2c3", Secret(VALUE))
    # The documented entry name, read back through keyring itself.
    assert keyring.get_password("okta-wizard", f"{ORG}/0oa1b2c3") == VALUE
    loaded = vault.load_client_secret(ORG, "0oa1b2c3")
    assert loaded is not None and loaded.reveal() == VALUE
    assert vault.delete_client_secret(ORG, "0oa1b2c3") is True
    assert vault.load_client_secret(ORG, "0oa1b2c3") is None
    assert vault.delete_client_secret(ORG, "0oa1b2c3") is False


def test_delete_token_entries(secret_service: None) -> None:
    vault = Vault()
    vault.store_delete_token(ORG, "abcdef0123456789", Secret("d" * 64))
    assert keyring.get_password("okta-wizard", f"{ORG}/link/abcdef0123456789") == "d" * 64
    token = vault.load_delete_token(ORG, "abcdef0123456789")
    assert token is not None and token.reveal() == "d" * 64
    assert vault.delete_delete_token(ORG, "abcdef0123456789")
    assert vault.load_delete_token(ORG, "abcdef0123456789") is None


def test_plaintext_backend_is_refused_unless_opted_in(tmp_path: Path) -> None:
    store = tmp_path / "keyring_pass.cfg"
    refused = Vault(backend=plaintext_file_keyring(store))
    with pytest.raises(KeyringUnavailable) as info:
        refused.store_client_secret(ORG, "0oa1", Secret(VALUE))
    text = str(info.value)
    assert info.value.exit_code == ExitCode.NO_KEYRING
    assert "--insecure-storage" in text and "dbus-run-session" in text and "gnome-keyring" in text
    assert f"plaintext file {store}" in text, "the refusal names where the secret would go"
    assert VALUE not in text
    assert not store.exists(), "nothing may be written to an insecure backend"

    allowed = Vault(allow_insecure=True, backend=plaintext_file_keyring(store))
    assert allowed.backend_name() == f"plaintext file {store}"
    allowed.store_client_secret(ORG, "0oa1", Secret(VALUE))
    assert allowed.load_client_secret(ORG, "0oa1") == Secret(VALUE)
    assert store.exists()


@pytest.mark.parametrize(
    "backend", ["keyring.backends.fail.Keyring", "keyring.backends.null.Keyring"]
)
def test_no_keyring_at_all_is_refused_even_with_insecure_storage(backend: str) -> None:
    code = (
        "from okta_wizard.vault import Vault\n"
        "from okta_wizard.errors import KeyringUnavailable\n"
        "for insecure in (False, True):\n"
        "    try:\n"
        "        Vault(allow_insecure=insecure).ensure_usable()\n"
        "        print('USABLE')\n"
        "    except KeyringUnavailable as e:\n"
        "        print('REFUSED', int(e.exit_code), 'dbus-run-session' in str(e))\n"
    )
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": backend}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.split("\n")[:2] == ["REFUSED 6 True", "REFUSED 6 True"], out.stderr


@pytest.mark.parametrize(
    "error",
    [
        keyring.errors.KeyringLocked("Failed to unlock the collection!"),
        keyring.errors.InitError("Failed to create the collection: Prompt dismissed."),
    ],
)
def test_locked_or_uninitialised_keyring_is_a_clean_exit_6(error: Exception) -> None:
    vault = Vault(backend=secret_service_that_raises(error))
    with pytest.raises(KeyringUnavailable) as info:
        vault.store_client_secret(ORG, "0oa1", Secret(VALUE))
    assert info.value.exit_code == ExitCode.NO_KEYRING
    assert type(error).__name__ in str(info.value) and "unlock" in str(info.value).lower()
    with pytest.raises(KeyringUnavailable):
        vault.load_client_secret(ORG, "0oa1")


def test_memory_vault_is_labelled_demo_only() -> None:
    vault = MemoryVault()
    assert "demo" in vault.backend_name()
    vault.store_client_secret(ORG, "0oa1", Secret(VALUE))
    assert vault.load_client_secret(ORG, "0oa1") == Secret(VALUE)
    assert vault.delete_client_secret(ORG, "0oa1")
    assert vault.load_client_secret(ORG, "0oa1") is None

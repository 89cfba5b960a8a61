"""The bare `okta-wizard` and `okta-wizard demo` commands: bad input stops before any screen,
and the demo's keyring choice (real Secret Service, or the labelled in-memory vault)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from okta_wizard.cli import main

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--org-url", "http://acme.okta.com"], "plain http"),
        (["--org-url", "https://acme-admin.okta.com"], "Admin Console"),
        (["--client-id", "0oa1", "--private-key", "missing.pem"], "does not exist"),
        (["--client-id", "0oa1"], "go together"),
        (["--key-id", "kid1"], "needs --client-id"),
        (["--client-id", "0oa 1", "--private-key", "missing.pem"], "not a client id"),
    ],
)
def test_bad_input_exits_2_before_the_screen(
    argv: list[str], says: str, capsys: pytest.CaptureFixture[str], _isolated_state: Path
) -> None:
    assert main(argv) == 2
    assert says in capsys.readouterr().err
    assert not _isolated_state.exists()  # nothing saved


def _choose_vault(env: dict[str, str]) -> str:
    code = "from okta_wizard.commands.demo import choose_vault; print(choose_vault()[1])"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_demo_without_a_secret_service_uses_the_labelled_memory_vault() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DBUS_SESSION_BUS_ADDRESS"}
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    assert _choose_vault(env).startswith("IN-MEMORY (demo only")


def test_demo_uses_the_real_secret_service_when_there_is_one(secret_service: None) -> None:
    assert _choose_vault(dict(os.environ)) == "GNOME Keyring (Secret Service)"


def test_the_real_wizard_never_falls_back_to_memory() -> None:
    source = (REPO / "okta_wizard" / "commands" / "wizard.py").read_text()
    assert "MemoryVault" not in source and "choose_vault" not in source


def test_service_app_flags_prefill_the_sign_in(sandbox: object, tmp_path: Path) -> None:
    """`okta-wizard --client-id ID --private-key FILE --key-id KID`: checked, then prefilled."""
    import argparse

    from okta_wizard.commands.wizard import service_app_from
    from okta_wizard.okta.credentials import ServiceAppKey

    generated = sandbox.oauth.register_generated()  # type: ignore[attr-defined]
    key = tmp_path / "key.pem"
    key.write_text(generated.private_key_pem.reveal())
    key.chmod(0o600)
    args = argparse.Namespace(client_id=generated.client_id, private_key=str(key), key_id="k1")
    assert service_app_from(args) == ServiceAppKey(generated.client_id, key, "k1")
    assert service_app_from(argparse.Namespace()) is None


def test_client_id_alone_needs_a_key_imported_for_that_org(
    secret_service: None, capsys: pytest.CaptureFixture[str], _isolated_state: Path
) -> None:
    # The keyring is asked for this org's key of this client id; none there: exit 2 with what
    # to pass instead, before any screen or Okta call.
    argv = ["--org-url", "https://acme.okta.com", "--client-id", "0oaNOTIMPORTED1"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "0oaNOTIMPORTED1" in err and "is in the keyring" in err and "--private-key" in err
    assert not _isolated_state.exists()

"""The vault decides on the backend that will really hold the secret.

The attack: keyrings.alt installed (it is, as a test extra) and no Secret Service, as in many
containers and CI images. keyring's own choice is then a ChainerBackend of priority 10 whose
members are keyrings.alt's EncryptedKeyring (0.6, asks for a password with getpass) and
PlaintextKeyring (0.5, base64 in a file). A vault that trusted the chainer's priority wrote the
client secret to a file, named it "ChainerBackend" in the journal, and without a terminal died
with an EOFError traceback from the password prompt.

End to end, in subprocesses against the sandbox org over real HTTP, with no D-Bus session (a
temporary XDG_DATA_HOME, so keyrings.alt's files land in the test's folder), both on a
pseudo-terminal and without one: apply, credentials and `apply --import-key` stop with exit 6
and the fix, no traceback, no prompt, no app in the sandbox and no keyrings.alt file written.
With `--insecure-storage` the run names the file that holds the secret, and so does the
journal. PYTHON_KEYRING_BACKEND forcing an insecure backend is refused the same way; a forced
chainer is looked into. With the real Secret Service (gnome-keyring, scripts/with-keyring.sh)
the journal says "GNOME Keyring (Secret Service)".

macOS Keychain and Windows Credential Locker cannot run here: their decision is tested on
keyring's real backend classes (importable on every platform; only their use needs the OS).
"""

from __future__ import annotations

import json
import os
import pty
import select
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from okta_wizard.errors import ExitCode, KeyringUnavailable
from okta_wizard.vault import Vault, choose_backend, judge, secret_service_name
from tests.leakscan import find_leaks
from tests.oauth.test_apply_service_app import service_app
from tests.setup.conftest import TEST_TOKEN, Org

Cap = pytest.CaptureFixture[str]
REPO = Path(__file__).resolve().parents[2]
GNOME = "GNOME Keyring (Secret Service)"
# What keyrings.alt's EncryptedKeyring asks on the terminal (getpass).
PROMPTS = (b"Please set a password", b"Please enter password")
_ENCRYPTED = "keyrings.alt.file.EncryptedKeyring"


@dataclass
class Run:
    code: int
    output: str  # stdout and stderr (one stream on a terminal)
    prompted: bool = False


def _env(tmp_path: Path, *, secret_service: bool = False, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHON_KEYRING_BACKEND"}
    if not secret_service:
        env.pop("DBUS_SESSION_BUS_ADDRESS", None)
        env.pop("GNOME_KEYRING_CONTROL", None)
    env["XDG_DATA_HOME"] = str(tmp_path / "data")  # keyrings.alt's files (the daemon has its own)
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")  # no keyringrc.cfg of the developer's
    return {**env, "PYTHONPATH": str(REPO), "OKTA_API_TOKEN": TEST_TOKEN, "TERM": "xterm", **extra}


def _alt_files(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "data" / "python_keyring"
    return sorted(folder.iterdir()) if folder.exists() else []


def _plaintext_file(tmp_path: Path) -> Path:
    return tmp_path / "data" / "python_keyring" / "keyring_pass.cfg"


def run(argv: list[str], env: dict[str, str], *, tty: bool) -> Run:
    command = [sys.executable, "-m", "okta_wizard", *argv]
    if not tty:
        done = subprocess.run(
            command, cwd=REPO, env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=90
        )
        output = (done.stdout + done.stderr).decode(errors="replace")
        return Run(done.returncode, output, any(p.decode() in output for p in PROMPTS))
    return _run_on_a_terminal(command, env)


def _run_on_a_terminal(command: list[str], env: dict[str, str]) -> Run:
    """stdin, stdout and stderr on a pseudo-terminal (its own session: never the developer's
    terminal). Nobody answers: a backend's password prompt is killed and reported."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        command, cwd=REPO, env=env, stdin=slave, stdout=slave, stderr=slave, start_new_session=True
    )
    os.close(slave)
    out = b""
    prompted = False
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: every writer closed the terminal
                break
            if not data:
                break
            out += data
            if any(p in out for p in PROMPTS):
                prompted = True
                proc.send_signal(signal.SIGKILL)
                break
        elif proc.poll() is not None:
            break
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=30)
    os.close(master)
    return Run(proc.returncode, out.decode(errors="replace"), prompted)


def assert_refused_with_the_fix(done: Run) -> None:
    assert not done.prompted, "a keyring backend prompted on the terminal:\n" + done.output
    assert done.code == ExitCode.NO_KEYRING, done.output
    assert "Traceback" not in done.output and "EOFError" not in done.output, done.output
    assert "dbus-run-session" in done.output and "gnome-keyring" in done.output, done.output
    assert "ChainerBackend" not in done.output and "keyring.backends" not in done.output


def assert_okta_untouched(org: Org, mutating_before: int = 0) -> None:
    assert len(org.sb.mutating_calls()) == mutating_before, org.sb.mutating_calls()


TTY = pytest.mark.parametrize("tty", [False, True], ids=["no-terminal", "terminal"])


# ---------------------------------------------------------- the attack setting is real
def test_without_a_secret_service_keyrings_own_choice_is_the_chainer_of_files(
    tmp_path: Path,
) -> None:
    code = (
        "import keyring\n"
        "k = keyring.get_keyring()\n"
        "print(type(k).__name__, k.priority, [type(m).__name__ for m in k.backends])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=_env(tmp_path), capture_output=True, text=True
    )
    assert done.stdout.split() == [
        "ChainerBackend",
        "10",
        "['EncryptedKeyring',",
        "'PlaintextKeyring']",
    ], done.stderr


# ---------------------------------------------------------- refused: exit 6, nothing written
@TTY
def test_apply_refuses_the_keyrings_alt_files(org: Org, tmp_path: Path, tty: bool) -> None:
    done = run(["apply", "--org-url", org.url, "--everyone"], _env(tmp_path), tty=tty)
    assert_refused_with_the_fix(done)
    assert f"plaintext file {_plaintext_file(tmp_path)}" in done.output, "names where it would go"
    assert "--insecure-storage" in done.output
    assert org.apps() == [], "no app created in the sandbox"
    assert_okta_untouched(org)
    assert _alt_files(tmp_path) == [], "nothing written to keyrings.alt's files"


@TTY
def test_credentials_refuses_to_read_from_the_keyrings_alt_files(
    org: Org, capsys: Cap, tmp_path: Path, tty: bool
) -> None:
    assert org.run(capsys, "apply", "--everyone")[0] == ExitCode.OK  # the real Secret Service
    mutating = len(org.sb.mutating_calls())
    done = run(["credentials", "--org-url", org.url], _env(tmp_path), tty=tty)
    assert_refused_with_the_fix(done)
    assert len(org.apps()) == 1
    assert_okta_untouched(org, mutating)
    assert _alt_files(tmp_path) == []
    assert find_leaks(org.secret_values(), texts=[done.output]) == []


@TTY
@pytest.mark.parametrize("insecure", [False, True], ids=["", "insecure-storage"])
def test_import_key_never_puts_a_private_key_in_the_keyrings_alt_files(
    org: Org, tmp_path: Path, tty: bool, insecure: bool
) -> None:
    signed = service_app(org, tmp_path)
    argv = ["apply", "--org-url", org.url, *signed.argv("--everyone", "--import-key")]
    env = _env(tmp_path)
    env.pop("OKTA_API_TOKEN")
    done = run(argv + (["--insecure-storage"] if insecure else []), env, tty=tty)
    assert_refused_with_the_fix(done)
    assert "only in a secure keyring" in done.output and "--private-key" in done.output
    assert f"plaintext file {_plaintext_file(tmp_path)}" in done.output
    assert org.sb.calls == [], "refused before the token request"
    assert _alt_files(tmp_path) == []


# ---------------------------------------------------------- opted in: says which file
@TTY
def test_insecure_storage_names_the_file_that_holds_the_secret(
    org: Org, tmp_path: Path, tty: bool
) -> None:
    plaintext = _plaintext_file(tmp_path)
    done = run(
        ["apply", "--org-url", org.url, "--everyone", "--insecure-storage"], _env(tmp_path), tty=tty
    )
    assert not done.prompted and done.code == ExitCode.OK, done.output
    assert f"secret in plaintext file {plaintext}" in done.output
    assert org.journal()["secret_stored_in"] == f"plaintext file {plaintext}"
    assert _alt_files(tmp_path) == [plaintext], "the plaintext file only, never the prompting one"
    # The leak scan covers keyrings.alt's files: it finds the secret where the user put it.
    secret = org.only_app().secrets[0].value
    assert find_leaks([secret], paths=[tmp_path / "data"]) != []
    assert find_leaks([secret], texts=[done.output]) == []
    shown = run(
        ["credentials", "--org-url", org.url, "--json", "--insecure-storage"],
        _env(tmp_path),
        tty=False,
    )
    assert shown.code == ExitCode.OK, shown.output
    assert json.loads(shown.output)["secret"]["stored_in"] == f"plaintext file {plaintext}"


# ---------------------------------------------------------- PYTHON_KEYRING_BACKEND
@pytest.mark.parametrize(
    ("forced", "insecure", "says"),
    [
        ("keyrings.alt.file.PlaintextKeyring", False, "which is not secure"),
        ("keyrings.alt.file.EncryptedKeyring", True, "asks for its own password on the terminal"),
        ("keyring.backends.null.Keyring", True, "stores nothing"),
    ],
)
def test_a_forced_insecure_backend_is_refused_like_any_other(
    org: Org, tmp_path: Path, forced: str, insecure: bool, says: str
) -> None:
    """The real Secret Service is there: only the variable could send the secret elsewhere."""
    argv = ["apply", "--org-url", org.url, "--everyone", *(["--insecure-storage"] * insecure)]
    env = _env(tmp_path, secret_service=True, PYTHON_KEYRING_BACKEND=forced)
    done = run(argv, env, tty=True)
    assert_refused_with_the_fix(done)
    assert "PYTHON_KEYRING_BACKEND chooses" in done.output and says in done.output, done.output
    assert "Unset PYTHON_KEYRING_BACKEND" in done.output
    assert org.apps() == []
    assert_okta_untouched(org)
    assert _alt_files(tmp_path) == []


def test_a_forced_chainer_is_looked_into(org: Org, tmp_path: Path) -> None:
    forced = "keyring.backends.chainer.ChainerBackend"
    env = _env(tmp_path, secret_service=True, PYTHON_KEYRING_BACKEND=forced)
    done = run(["apply", "--org-url", org.url, "--everyone"], env, tty=False)
    assert done.code == ExitCode.OK, done.output
    assert org.journal()["secret_stored_in"] == GNOME
    assert _alt_files(tmp_path) == []


# ---------------------------------------------------------- the real Secret Service
def test_the_journal_names_gnome_keyring_not_a_class(org: Org, capsys: Cap) -> None:
    import keyring

    # keyrings.alt is importable here, so keyring's own default is the chainer.
    assert type(keyring.get_keyring()).__name__ == "ChainerBackend"
    code, out, err = org.run(capsys, "apply", "--everyone")
    assert code == ExitCode.OK, err
    assert f"secret in {GNOME} (created)" in out
    assert org.journal()["secret_stored_in"] == GNOME
    assert secret_service_name() == GNOME


def test_without_d_bus_the_secret_service_is_not_named_after_a_guess(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    assert secret_service_name() == "Secret Service"


# ---------------------------------------------------------- the decision, class by class
def _backend(path: str) -> Any:
    module, _, name = path.rpartition(".")
    return getattr(__import__(module, fromlist=[name]), name)()


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("keyring.backends.macOS.Keyring", "macOS Keychain"),
        ("keyring.backends.Windows.WinVaultKeyring", "Windows Credential Locker"),
        ("keyring.backends.kwallet.DBusKeyring", "KWallet"),
        ("keyring.backends.kwallet.DBusKeyringKWallet4", "KWallet"),
    ],
)
def test_the_os_keyrings_of_macos_windows_and_kde_are_secure(path: str, name: str) -> None:
    """keyring's real classes; only their storage calls need the OS, the decision does not."""
    backend = _backend(path)
    assert judge(backend).name == name and judge(backend).secure
    vault = Vault(backend=backend)
    assert vault.is_secure() and vault.backend_name() == name
    vault.ensure_usable()
    vault.ensure_secure_for_key()
    # Chosen over keyrings.alt's files whatever their order.
    files = [_backend("keyrings.alt.file.PlaintextKeyring"), _backend(_ENCRYPTED)]
    assert choose_backend([*files, backend]) is backend
    assert choose_backend([backend, *files]) is backend


@pytest.mark.parametrize(
    ("path", "allowed_with_insecure_storage"),
    [
        ("keyrings.alt.file.PlaintextKeyring", True),
        (_ENCRYPTED, False),  # it would prompt on the terminal
        ("keyring.backends.fail.Keyring", False),  # stores nothing
        ("keyring.backends.null.Keyring", False),
    ],
)
def test_everything_else_is_refused_and_never_holds_a_private_key(
    path: str, allowed_with_insecure_storage: bool
) -> None:
    backend = _backend(path)
    assert not Vault(backend=backend).is_secure()
    with pytest.raises(KeyringUnavailable) as refused:
        Vault(backend=backend).ensure_usable()
    assert refused.value.exit_code == ExitCode.NO_KEYRING
    opted_in = Vault(allow_insecure=True, backend=backend)
    if allowed_with_insecure_storage:
        opted_in.ensure_usable()
    else:
        with pytest.raises(KeyringUnavailable):
            opted_in.ensure_usable()
    with pytest.raises(
        KeyringUnavailable, match=r"only in a secure keyring|cannot use|No keyring is available"
    ):
        opted_in.ensure_secure_for_key()
    name = opted_in.backend_name()
    assert "keyring.backends" not in name and "keyrings.alt" not in name, name


def test_a_chainer_of_files_is_not_trusted_by_its_priority(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """keyring's real chainer, its members fixed to what it holds without a Secret Service
    (not a subclass: keyring would register one as a candidate backend)."""
    from keyring.backends.chainer import ChainerBackend

    files = [_backend(_ENCRYPTED), _backend("keyrings.alt.file.PlaintextKeyring")]
    monkeypatch.setattr(ChainerBackend, "backends", files)
    chainer = ChainerBackend()
    assert chainer.priority == 10
    vault = Vault(backend=chainer)
    assert vault.backend_name().startswith("plaintext file ") and not vault.is_secure()
    with pytest.raises(KeyringUnavailable, match="not secure"):
        vault.ensure_usable()
    with pytest.raises(KeyringUnavailable, match="only in a secure keyring"):
        Vault(allow_insecure=True, backend=chainer).ensure_secure_for_key()
    with_secure = [*files, _backend("keyring.backends.macOS.Keyring")]
    monkeypatch.setattr(ChainerBackend, "backends", with_secure)
    assert Vault(backend=ChainerBackend()).backend_name() == "macOS Keychain"


def test_keyrings_config_file_forcing_a_plaintext_file_is_refused_and_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config" / "python_keyring" / "keyringrc.cfg"
    config.parent.mkdir(parents=True)
    config.write_text("[backend]\ndefault-keyring=keyrings.alt.file.PlaintextKeyring\n")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    with pytest.raises(KeyringUnavailable) as refused:
        Vault().ensure_usable()
    text = str(refused.value)
    assert f"keyring's config file {config} chooses plaintext file " in text
    assert "Remove the default-keyring line" in text
    opted_in = Vault(allow_insecure=True)
    opted_in.ensure_usable()
    assert opted_in.backend_name() == f"plaintext file {_plaintext_file(tmp_path)}"

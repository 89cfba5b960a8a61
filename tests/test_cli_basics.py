from __future__ import annotations

import subprocess
import sys

import pytest

from okta_wizard.cli import main
from okta_wizard.errors import ExitCode, UsageError
from okta_wizard.orgurl import parse_org_url
from okta_wizard.secret import Secret
from tests.leakscan import find_leaks


def test_help_does_not_import_the_sdk_or_textual() -> None:
    code = (
        "import sys\nfrom okta_wizard.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "names = ('okta', 'textual', 'keyring', 'httpx', 'aiohttp')\n"
        "print('HEAVY=' + ','.join(m for m in names if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "HEAVY="


def test_token_in_argv_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["apply", "--token", "abc"]) == ExitCode.USAGE
    err = capsys.readouterr().err
    assert "OKTA_API_TOKEN" in err and "abc" not in err


@pytest.mark.parametrize(
    ("raw", "origin"),
    [
        ("https://acme.okta.com", "https://acme.okta.com"),
        ("https://acme.okta.com/", "https://acme.okta.com"),
        ("acme.okta.com", "https://acme.okta.com"),
        ("https://ACME.okta.com:443", "https://acme.okta.com"),
        ("http://127.0.0.1:8443", "http://127.0.0.1:8443"),
        ("http://localhost:9000", "http://localhost:9000"),
        ("http://[::1]:9000", "http://[::1]:9000"),
    ],
)
def test_valid_org_urls(raw: str, origin: str) -> None:
    assert parse_org_url(raw).origin == origin


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "not a url",
        "ftp://acme.okta.com",
        "http://acme.okta.com",
        "https://acme-admin.okta.com",
        "https://acme.okta.com/app/UserHome",
        "https://user:pw@acme.okta.com",
        "https://acme.okta.com?x=1",
        "https://acme",
    ],
)
def test_invalid_org_urls(raw: str) -> None:
    with pytest.raises(UsageError) as info:
        parse_org_url(raw)
    assert "https://acme.okta.com" in str(info.value) or "-admin" in str(info.value)


def test_secret_never_renders() -> None:
    value = "s3cr3t-value-that-must-not-leak-0123456789"
    s = Secret(value)
    rendered = [repr(s), str(s), f"{s}", f"{s!r}", f"{[s]}", f"{ {'k': s} }"]
    assert find_leaks([value], texts=rendered) == []
    assert s.reveal() == value
    assert s.fingerprint().startswith("…6789 sha256:")
    assert Secret(value) == s and Secret("other") != s


def test_leak_scan_finds_a_leak(tmp_path) -> None:  # type: ignore[no-untyped-def]
    value = "another-secret-value-abcdefghijkl"
    (tmp_path / "log.txt").write_text(f"oops {value}\n")
    assert find_leaks([value], paths=[tmp_path]) != []

"""Bad input: exit 2, a message saying what to do, nothing sent and nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from okta_wizard.cli import build_parser, main
from okta_wizard.errors import ExitCode

TOKEN = "00abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNO"


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out + out.err


@pytest.mark.parametrize(
    "url",
    [
        "not a url",
        "http://acme.okta.com",  # plain http to a non-loopback host
        "https://acme-admin.okta.com",  # the Admin Console
        "https://acme.okta.com/oauth2/default",  # a path
        "https://admin:pw@acme.okta.com",  # credentials
        "ftp://acme.okta.com",
    ],
)
@pytest.mark.parametrize("command", ["apply", "plan", "verify"])
def test_bad_org_url_exits_2_and_writes_nothing(
    url: str,
    command: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    _isolated_state: Path,
) -> None:
    monkeypatch.setenv("OKTA_API_TOKEN", TOKEN)
    extra = ["--everyone"] if command == "apply" else []
    code, text = _run([command, "--org-url", url, *extra], capsys)
    assert code == ExitCode.USAGE
    assert "https://acme.okta.com" in text  # what a valid org URL looks like
    assert "pw" not in text.replace("https", "")
    assert not _isolated_state.exists()


@pytest.mark.parametrize(
    ("token", "words"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("00abc def", "spaces"),
        ("00abc\x07def", "characters"),
        ("SSWS 00abcdef", "SSWS"),
    ],
)
def test_malformed_token_exits_2_without_echoing_it(
    token: str,
    words: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    _isolated_state: Path,
) -> None:
    monkeypatch.setenv("OKTA_API_TOKEN", token)
    code, text = _run(["apply", "--org-url", "https://acme.okta.com", "--everyone"], capsys)
    assert code == ExitCode.USAGE
    assert words in text and "OKTA_API_TOKEN" in text
    if token.strip():
        assert token.strip() not in text
    assert not _isolated_state.exists()


def test_missing_token_in_a_non_interactive_run(
    capsys: pytest.CaptureFixture[str], _isolated_state: Path
) -> None:
    code, text = _run(["plan", "--org-url", "https://acme.okta.com"], capsys)
    assert code == ExitCode.USAGE
    assert "OKTA_API_TOKEN" in text and "not set" in text


def test_missing_org_url_names_the_option_and_env(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OKTA_API_TOKEN", TOKEN)
    code, text = _run(["apply", "--everyone"], capsys)
    assert code == ExitCode.USAGE
    assert "--org-url" in text and "OKTA_WIZARD_ORG_URL" in text


@pytest.mark.parametrize(
    ("flags", "words"),
    [
        (["--everyone", "--group", "Finance"], "Conflicting"),
        (["--everyone", "--no-assignment"], "Conflicting"),
        (["--group", "Finance", "--no-assignment"], "Conflicting"),
        ([], "does not guess"),
        (["--group", "  "], "empty name"),
    ],
)
def test_assignment_options(
    flags: list[str],
    words: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    _isolated_state: Path,
) -> None:
    monkeypatch.setenv("OKTA_API_TOKEN", TOKEN)
    code, text = _run(["apply", "--org-url", "https://acme.okta.com", *flags], capsys)
    assert code == ExitCode.USAGE
    assert words in text
    assert "--everyone" in text or "group name" in text
    assert not _isolated_state.exists()


def test_token_in_argv_is_refused_anywhere(capsys: pytest.CaptureFixture[str]) -> None:
    code, text = _run(["apply", "--api-token=00secretvalue", "--everyone"], capsys)
    assert code == ExitCode.USAGE and "00secretvalue" not in text


def test_service_app_options_go_together(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, text = _run(
        ["apply", "--org-url", "https://acme.okta.com", "--everyone", "--client-id", "0oa1"],
        capsys,
    )
    assert code == ExitCode.USAGE and "--private-key" in text
    missing = str(tmp_path / "nope.pem")
    code, text = _run(
        [
            "plan",
            "--org-url",
            "https://acme.okta.com",
            "--client-id",
            "0oa1",
            "--private-key",
            missing,
        ],
        capsys,
    )
    assert code == ExitCode.USAGE and "does not exist" in text


def test_org_url_before_the_command_is_kept() -> None:
    parser = build_parser()
    args = parser.parse_args(["--org-url", "https://a.okta.com", "apply", "--everyone"])
    assert args.org_url == "https://a.okta.com"
    args = parser.parse_args(["apply", "--org-url", "https://b.okta.com"])
    assert args.org_url == "https://b.okta.com"
    args = parser.parse_args(["--insecure-storage", "credentials"])
    assert args.insecure_storage is True


def test_status_with_nothing_saved(capsys: pytest.CaptureFixture[str]) -> None:
    code, text = _run(["status"], capsys)
    assert code == ExitCode.OK and "No saved setup" in text


def test_forget_needs_yes_when_not_interactive(
    capsys: pytest.CaptureFixture[str], _isolated_state: Path
) -> None:
    from okta_wizard.setup import journal as store

    store.save(store.Journal(org_url="https://acme.okta.com", app_id="0oa1", client_id="0oa1"))
    code, text = _run(["forget", "--org-url", "https://acme.okta.com"], capsys)
    assert code == ExitCode.USAGE and "--yes" in text
    assert store.load("https://acme.okta.com") is not None


def test_credentials_copy_needs_a_terminal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "TMUX", "STY"):  # no platform clipboard here
        monkeypatch.delenv(name, raising=False)
    code, text = _run(["credentials", "--org-url", "https://acme.okta.com", "--copy"], capsys)
    assert code == ExitCode.USAGE and "needs a terminal on stdout" in text

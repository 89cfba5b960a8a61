"""The exit codes are numbers scripts rely on: pinned literally, not compared with the enum.

A test that compares a run's exit code with `ExitCode.AUTH` passes whatever number AUTH has,
so swapping two members would break every script while the suite stayed green. Here the
numbers come from one literal table (what docs/ and `--help` promise), and each source is
held to it: the enum, the `--help` epilog, the troubleshooting table, the docs index, every
command page's "Exit codes" section and each "exit N" a page mentions in passing, and real
`okta-wizard` processes run against the sandbox org, whose return codes are compared with
plain integers.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from okta_wizard.cli import COMMANDS
from okta_wizard.errors import ExitCode
from okta_wizard.vault import Vault
from tests.setup import conftest as e2e
from tests.setup.conftest import TEST_TOKEN, Org

org = e2e.org  # the end-to-end fixture: the sandbox org over HTTP, the real Secret Service

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"
Cap = pytest.CaptureFixture[str]

# The contract, written out once: number -> (enum member, what the docs must say it means).
# The patterns are what any wording of that meaning contains, and what the neighbouring
# codes' wordings do not (3 and 4 must never be confused, nor 5 and 7).
DOCUMENTED: dict[int, tuple[str, str]] = {
    0: ("OK", r"\bdone\b"),
    1: ("UNEXPECTED", r"unexpected"),
    2: ("USAGE", r"bad input|usage"),
    3: ("AUTH", r"reject|credential|(?:key|token)\b.{0,20}refus|refus\w*.{0,20}\b(?:key|token)"),
    4: ("PERMISSION", r"permission|403|\brole|scope|preflight"),
    5: ("UNAVAILABLE", r"unavailable|unreachable|5xx|429|rate limit|network|outage"),
    6: ("NO_KEYRING", r"keyring"),
    7: ("HANDOFF", r"one-time link|hand-off|\blink\b|revoke|paste"),
    8: ("SIGN_IN_FAILED", r"sign-in"),
}
INTERRUPTED = 130  # Ctrl-C: the shell's convention, not an ExitCode
# Meanings that are the same for every command; 0, 1 and 2 are worded per command.
FIXED_MEANING = range(3, 9)


def means(code: int, text: str) -> bool:
    return re.search(DOCUMENTED[code][1], text, re.IGNORECASE) is not None


def plain(markdown: str) -> str:
    """Markdown to the words a reader sees: no emphasis marks, one line."""
    return " ".join(markdown.replace("**", "").replace("`", "").split())


def codes_promised_everywhere() -> list[int]:
    """The codes every overview must list: 8 joins them once `test-sign-in` exists."""
    return [c for c in DOCUMENTED if c != 8 or "test-sign-in" in COMMANDS]


# ---------------------------------------------------------------- the enum


def test_the_enum_has_exactly_the_documented_numbers() -> None:
    assert {member.name: int(member) for member in ExitCode} == {
        name: code for code, (name, _) in DOCUMENTED.items()
    }


# ---------------------------------------------------------------- --help


def overview_pairs(text: str, separator: str) -> dict[int, str]:
    """'0 done, 1 unexpected error, ...' -> {0: 'done', 1: 'unexpected error', ...}."""
    pairs: dict[int, str] = {}
    for part in re.split(separator, text):
        m = re.match(r"\s*(\d+)\s+(.*\S)", part, re.DOTALL)
        if m:
            pairs[int(m.group(1))] = plain(m.group(2))
    return pairs


def assert_full_overview(pairs: dict[int, str], where: str) -> None:
    for code in codes_promised_everywhere():
        assert code in pairs, f"{where} does not list exit code {code}"
    for code, meaning in pairs.items():
        if code == INTERRUPTED:
            continue
        assert code in DOCUMENTED, f"{where} lists exit code {code}, which does not exist"
        assert means(code, meaning), f"{where} says {code} means {meaning!r}"


def test_help_epilog_lists_the_documented_numbers() -> None:
    shown = subprocess.run(
        [sys.executable, "-m", "okta_wizard", "--help"],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    m = re.search(r"Exit codes:(.*?)\.(?:\s|$)", shown, re.DOTALL)
    assert m, shown
    assert_full_overview(overview_pairs(m.group(1), r","), "okta-wizard --help")


# ---------------------------------------------------------------- docs/


def test_troubleshooting_table_lists_the_documented_numbers() -> None:
    text = (DOCS / "troubleshooting.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\|\s*(\d+)\s*\|([^|]*)\|", text, re.MULTILINE)
    assert rows, "docs/troubleshooting.md has no exit code table"
    pairs = {int(code): plain(meaning) for code, meaning in rows}
    assert_full_overview(pairs, "docs/troubleshooting.md's table")


def test_docs_index_lists_the_documented_numbers() -> None:
    text = (DOCS / "README.md").read_text(encoding="utf-8")
    m = re.search(r"Exit codes \(all commands\):(.*?)(?:\n\n|\Z)", text, re.DOTALL)
    assert m, "docs/README.md has no 'Exit codes (all commands)' line"
    assert_full_overview(overview_pairs(m.group(1), r";"), "docs/README.md")


def section(text: str, heading: str) -> str:
    m = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    return m.group(1) if m else ""


def section_entries(body: str) -> Iterator[tuple[list[int], str]]:
    """A command page's exit codes: table rows `| N | when |`, or prose `N when; M when`.

    A prose part that does not start with a number continues the previous one (a `;` inside
    a description). `3, 5, 6 as for apply` lists codes without restating them."""
    rows = re.findall(r"^\|\s*(\d+)\s*\|([^|]*)\|", body, re.MULTILINE)
    if rows:
        yield from (([int(code)], plain(when)) for code, when in rows)
        return
    entries: list[tuple[list[int], str]] = []
    for part in plain(body).split(";"):
        m = re.match(r"\s*(\d+(?:\s*(?:,|or|and)\s*\d+)*)\b(.*)", part)
        if m:
            entries.append(([int(n) for n in re.findall(r"\d+", m.group(1))], m.group(2)))
        elif entries:
            entries[-1] = (entries[-1][0], entries[-1][1] + ";" + part)
    yield from entries


COMMAND_PAGES = sorted((DOCS / "commands").glob("*.md"))


@pytest.mark.parametrize("page", COMMAND_PAGES, ids=lambda p: p.name)
def test_each_command_page_uses_the_documented_numbers(page: Path) -> None:
    body = section(page.read_text(encoding="utf-8"), "Exit codes")
    assert body.strip(), f"{page.name} has no 'Exit codes' section"
    entries = list(section_entries(body))
    assert entries and entries[0][0][0] == 0, f"{page.name}: exit codes not parsed: {body!r}"
    for codes, when in entries:
        for code in codes:
            assert code in DOCUMENTED or code == INTERRUPTED, f"{page.name}: exit {code}?"
            restated = not when.strip().startswith("as for")
            if code in FIXED_MEANING and restated:
                assert means(code, when), f"{page.name} says {code} means {when!r}"


def blocks(text: str) -> Iterator[str]:
    """Markdown blocks: headings, table rows, list items with their continuation lines,
    paragraphs. The unit within which an 'exit N' and its reason are written."""
    current: list[str] = []
    for line in text.splitlines():
        starts_new = not line.strip() or re.match(r"\s*(?:#|\||[-*] |\d+\. )", line)
        if starts_new and current:
            yield " ".join(current)
            current = []
        if line.strip():
            current.append(line.strip())
    if current:
        yield " ".join(current)


MENTION = re.compile(r"\bexits? (\d+)(?: or (\d+))?\b", re.IGNORECASE)
PAGES_WITH_MENTIONS = [DOCS / "troubleshooting.md", DOCS / "README.md", *COMMAND_PAGES]


@pytest.mark.parametrize("page", PAGES_WITH_MENTIONS, ids=lambda p: p.name)
def test_exit_codes_mentioned_in_passing_keep_their_meaning(page: Path) -> None:
    """'(exit 6)' next to a keyring problem, 'exit 5' next to a rate limit, ...: the reason
    is written in the same block as the number. 'exit 3 or 4' gives one reason for both
    (a swap of the two leaves it true), so one of them must match it."""
    for block in blocks(page.read_text(encoding="utf-8")):
        for m in MENTION.finditer(block):
            codes = [int(n) for n in m.groups() if n]
            for code in codes:
                assert code in DOCUMENTED or code == INTERRUPTED, f"{page.name}: exit {code}?"
            fixed = [c for c in codes if c in FIXED_MEANING]
            if fixed:
                assert any(means(c, plain(block)) for c in fixed), f"{page.name}: {block!r}"


def test_the_doc_checks_can_fail() -> None:
    """The parsers find the codes, and a swapped wording is caught."""
    assert not means(3, "permission denied (403)") and not means(4, "Okta rejected the token")
    assert not means(5, "the one-time link could not be made") and not means(7, "5xx")
    swapped = "0; 3 permission denied; 4 Okta rejected the credential"
    entries = list(section_entries(swapped))
    assert [codes for codes, _ in entries] == [[0], [3], [4]]
    assert [means(c[0], w) for c, w in entries[1:]] == [False, False]
    assert [m.groups() for m in MENTION.finditer("ended with exit 3 or 4: ...")] == [("3", "4")]


# ---------------------------------------------------------------- real processes


def run_cli(org: Org, *argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`okta-wizard ARGV --org-url <sandbox>` as its own process, without a terminal."""
    return subprocess.run(
        [sys.executable, "-m", "okta_wizard", *argv, "--org-url", org.url],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), **env},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=90,
    )


NO_SECURE_KEYRING = {
    # No Secret Service reachable, and the fail backend asked for: no secure keyring, whichever
    # way the vault picks its backend.
    "DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent/okta-wizard-test-bus",
    "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
}


def test_a_finished_apply_exits_0(org: Org) -> None:
    done = run_cli(org, "apply", "--group", "Finance")
    assert done.returncode == 0, done.stderr


def test_bad_input_exits_2(org: Org) -> None:
    typo = run_cli(org, "apply", "--group", "Finanse")
    assert typo.returncode == 2, typo.stderr
    assert "Finance" in typo.stderr  # the close match, so it is the typo that was refused
    assert org.sb.mutating_calls() == []


def test_a_rejected_token_exits_3(org: Org) -> None:
    rejected = run_cli(org, "apply", "--group", "Finance", OKTA_API_TOKEN=TEST_TOKEN[:-4] + "0000")
    assert rejected.returncode == 3, rejected.stderr
    assert org.sb.mutating_calls() == []


def test_a_missing_role_exits_4(org: Org) -> None:
    org.sb.org.set_admin_roles(["READ_ONLY_ADMIN"])
    refused = run_cli(org, "apply", "--group", "Finance")
    assert refused.returncode == 4, refused.stderr
    assert org.sb.mutating_calls() == []


def test_a_permission_denied_on_create_exits_4(org: Org) -> None:
    org.sb.faults.add("POST /api/v1/apps", status=403)
    denied = run_cli(org, "apply", "--group", "Finance")
    assert denied.returncode == 4, denied.stderr
    assert org.apps() == []


def test_okta_unavailable_exits_5(org: Org) -> None:
    fault = org.sb.faults.add("POST /api/v1/apps", status=503)
    down = run_cli(org, "apply", "--group", "Finance")
    assert down.returncode == 5, down.stderr
    assert fault.fired >= 1 and org.apps() == []


def test_no_secure_keyring_exits_6(org: Org) -> None:
    refused = run_cli(org, "apply", "--group", "Finance", **NO_SECURE_KEYRING)
    assert refused.returncode == 6, refused.stderr
    assert org.apps() == [], "refused before Okta created anything"


def test_a_failed_hand_off_exits_7(org: Org, capsys: Cap) -> None:
    assert org.run(capsys, "apply", "--group", "Finance")[0] == 0
    fault = org.sb.faults.add("POST /secrets/", status=500)
    failed = run_cli(org, "send", "--reveal", "--secrets-url", org.sb.secrets_url)
    assert failed.returncode == 7, failed.stderr
    assert fault.fired >= 1
    app = org.only_app()
    assert Vault().load_client_secret(org.url, app.id) is not None, "steps 1-5 stay done"

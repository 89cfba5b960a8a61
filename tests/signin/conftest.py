"""Test sign-in fixtures: the sandbox org, the command as a real process, headless Chromium.

The browser is Debian's Chromium driven by its own chromedriver through Selenium (both from
`scripts/install-debs.sh`; nothing is downloaded at test time), with a new empty profile
under the test's tmp_path. The command runs as `python -m okta_wizard test-sign-in` so that
Ctrl+C, SIGTERM and SIGKILL reach a real process.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from okta_wizard.sandbox.oidc import SANDBOX_PASSWORD, sign_in_of
from okta_wizard.setup.spec import SIGN_IN_REDIRECT_URI, SIGN_OUT_REDIRECT_URI
from tests.setup.conftest import TEST_TOKEN, Org, org  # noqa: F401  (the end-to-end fixture)

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"  # path-ok: Debian's browser, installed by install-debs.sh
CHROMEDRIVER = "/usr/bin/chromedriver"  # path-ok: its driver, from the same package set
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
ASSIGNED = "fiona.finance@example.com"  # in Finance, which `apply --group Finance` assigns
NOT_ASSIGNED = "sam.sales@example.com"  # in Sales only
Cap = pytest.CaptureFixture[str]


@pytest.fixture
def applied(org: Org, capsys: Cap) -> Org:  # noqa: F811
    """The Upflow app made by `apply --group Finance`, its secret in the keyring."""
    code, _, err = org.run(capsys, "apply", "--group", "Finance")
    assert code == 0, err
    return org


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    """Headless Chromium with a new, empty profile; quit after the test."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not shutil.which(p)]
    if missing:
        pytest.fail(f"{', '.join(missing)} missing: run `make debs` (chromium, chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'chromium-profile'}")
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def sign_in_in_browser(driver: Any, url: str, login: str, password: str = SANDBOX_PASSWORD) -> str:
    """Open the authorization URL, sign in on the sandbox's page; the final page's heading."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(url)
    username = driver.find_element(By.ID, "okta-signin-username")
    username.clear()
    username.send_keys(login)
    driver.find_element(By.ID, "okta-signin-password").send_keys(password)
    driver.find_element(By.ID, "okta-signin-submit").click()
    WebDriverWait(driver, 30).until(expected_conditions.url_contains("/okta-wizard/callback"))
    heading: str = WebDriverWait(driver, 30).until(lambda d: d.find_element(By.TAG_NAME, "h1").text)
    return heading


@dataclass
class SignInRun:
    """`okta-wizard test-sign-in` as a process; stderr is read as it comes."""

    proc: subprocess.Popen[str]
    org_url: str
    _lines: queue.Queue[str | None] = field(default_factory=queue.Queue)
    err_lines: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        threading.Thread(target=self._read_stderr, daemon=True).start()

    def _read_stderr(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self._lines.put(line)
        self._lines.put(None)

    def wait_for_line(self, starts_with: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self._lines.get(timeout=max(0.05, deadline - time.monotonic()))
            except queue.Empty:
                break
            if line is None:
                break
            self.err_lines.append(line)
            if line.startswith(starts_with):
                return line.strip()
        raise AssertionError(f"no line starting {starts_with!r}; stderr so far:\n{self.stderr}")

    def url(self) -> str:
        """The authorization URL, printed on its own line."""
        return self.wait_for_line(f"{self.org_url}/oauth2/v1/authorize?")

    def waiting(self) -> None:
        """Returns once the command says it waits for the sign-in."""
        self.wait_for_line("Waiting for the sign-in")

    def send(self, sig: signal.Signals) -> None:
        self.proc.send_signal(sig)

    def finish(self, timeout: float = 60) -> tuple[int, str, str]:
        out = self.proc.stdout.read() if self.proc.stdout else ""
        self.proc.wait(timeout=timeout)
        while True:
            line = self._lines.get(timeout=10)
            if line is None:
                break
            self.err_lines.append(line)
        return self.proc.returncode, out, self.stderr

    @property
    def stderr(self) -> str:
        return "".join(self.err_lines)

    def result(self) -> dict[str, Any]:
        code, out, _ = self.finish()
        data: dict[str, Any] = json.loads(out)
        data["_exit"] = code
        return data


def start_test_sign_in(org: Org, *args: str) -> SignInRun:  # noqa: F811
    proc = subprocess.Popen(
        [sys.executable, "-m", "okta_wizard", "test-sign-in", "--org-url", org.url, *args],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), "OKTA_API_TOKEN": TEST_TOKEN},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return SignInRun(proc, org.url)


def assert_redirect_uris_as_upflow_needs(org: Org) -> None:  # noqa: F811
    """One app; its sign-in and sign-out URIs exactly Upflow's; the journal records nothing."""
    app = org.only_app()
    assert app.oauth_settings["redirect_uris"] == [SIGN_IN_REDIRECT_URI]
    assert app.oauth_settings["post_logout_redirect_uris"] == [SIGN_OUT_REDIRECT_URI]
    assert org.journal().get("test_redirect_uri") is None


def issued_secrets(org: Org) -> list[str]:  # noqa: F811
    """Every client secret, code and token the sandbox handed out, and the API token."""
    return [*org.secret_values(), *sign_in_of(org.sb.state).issued_secrets(), TEST_TOKEN]

"""A hostile Okta admin names groups, apps and their own profile with terminal escapes: no
command and no screen of the wizard sends one of them to the terminal.

The sandbox org is seeded with an admin, groups, an existing "Upflow SSO" app (its redirect URI
too) and an error summary that carry OSC 52 clipboard writes, screen clears, hyperlinks, C1
controls and bidi overrides. plan, apply, verify, status and the TUI run against it; their
output must hold none of these characters, only their visible escapes, and tmux with
`set-clipboard on` must never receive a clipboard write from Okta's data.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList, RadioSet

from okta_wizard.okta import parse
from okta_wizard.okta.errors import error_for_response
from okta_wizard.okta.service_app import token_error
from okta_wizard.sandbox.server import RunningSandbox
from okta_wizard.textsafe import visible
from okta_wizard.tui.app import WizardApp
from tests.security.hostile import (
    BIDI,
    C1_CSI,
    C1_OSC,
    CLEAR_SCREEN,
    CLIPBOARD_PAYLOAD,
    HOSTILE_GROUP,
    HOSTILE_REDIRECT,
    HYPERLINK,
    OSC52,
    assert_terminal_safe,
    hostile_seed,
)
from tests.security.orgs import running_sandbox, wizard_for
from tests.setup.conftest import TEST_TOKEN, Org
from tests.tui.pilot_helpers import press_button, screen_of, settle, text_of, wait_for

REPO = Path(__file__).resolve().parents[2]
SHOWN_OSC52 = visible(OSC52)  # what the admin sees instead: the escape spelled out


@pytest.fixture
def hostile_org(
    secret_service: None, _isolated_state: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Org]:
    monkeypatch.setenv("OKTA_API_TOKEN", TEST_TOKEN)
    with running_sandbox(hostile_seed()) as sb:
        yield Org(sb, _isolated_state)


# ------------------------------------------------------------------ the commands
def test_plan_shows_close_matches_of_an_unknown_group_visibly(
    hostile_org: Org, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = hostile_org.run(capsys, "plan", "--group", "Financ")
    assert code == 2, err
    assert "Close matches:" in err and SHOWN_OSC52 in err
    assert_terminal_safe(out, err)


def test_plan_apply_verify_status_print_okta_text_visibly(
    hostile_org: Org, capsys: pytest.CaptureFixture[str]
) -> None:
    runs = [
        hostile_org.run(capsys, "plan", "--everyone"),
        hostile_org.run(capsys, "verify"),  # drift: the hostile redirect URI
        hostile_org.run(capsys, "apply", "--everyone"),  # asks before repairing; no terminal
        hostile_org.run(capsys, "apply", "--group", HOSTILE_GROUP, "--yes"),
        hostile_org.run(capsys, "verify"),
        hostile_org.run(capsys, "status"),
    ]
    for _, out, err in runs:
        assert_terminal_safe(out, err)
    codes = [code for code, _, _ in runs]
    assert codes[3] == 0 and codes[4] == 0 and codes[5] == 0, runs
    _, verify_out, _ = runs[1]
    assert visible(HOSTILE_REDIRECT) in verify_out  # the drift value, shown as escapes
    _, apply_out, _ = runs[3]
    assert f"signed in as ada{SHOWN_OSC52}@example.com" in apply_out
    assert visible(HOSTILE_GROUP) in apply_out
    # The logic still sees the real data: the raw group name found the group, one app only.
    app = hostile_org.only_app()
    assert set(app.assignments) == {hostile_org.group_id(HOSTILE_GROUP)}
    assert app.oauth_settings["redirect_uris"] == ["https://auth.upflow.io/__/auth/handler"]


def test_okta_error_summary_is_shown_visibly(
    hostile_org: Org, capsys: pytest.CaptureFixture[str]
) -> None:
    summary = f"Invalid token{OSC52}{CLEAR_SCREEN}{C1_CSI}{HYPERLINK}"
    hostile_org.sb.faults.add("GET /api/v1/users/{id}", status=401, error_summary=summary)
    code, out, err = hostile_org.run(capsys, "plan", "--everyone")
    assert code == 3, err
    assert f"Invalid token{SHOWN_OSC52}" in err
    assert_terminal_safe(out, err)


def test_json_output_carries_the_visible_form(
    hostile_org: Org, capsys: pytest.CaptureFixture[str]
) -> None:
    """--json holds what the screen holds: the visible form. A script that prints a field
    (`jq -r .checks[].detail`) then cannot write an escape to its terminal either."""
    code, out, err = hostile_org.run(capsys, "verify", "--json")
    assert code == 1, err
    data = json.loads(out)
    details = [c["detail"] for c in data["checks"]]
    assert any(visible(HOSTILE_REDIRECT) in d for d in details), details
    assert_terminal_safe(json.dumps(data, ensure_ascii=False), err)
    code, out, err = hostile_org.run(capsys, "apply", "--group", HOSTILE_GROUP, "--yes", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["groups"][0]["name"] == visible(HOSTILE_GROUP)
    assert_terminal_safe(json.dumps(data, ensure_ascii=False), err)


# ------------------------------------------------------------------ the boundary itself
def test_every_shown_field_of_an_okta_object_is_made_visible() -> None:
    app = parse.app_from_json(
        {
            "id": "0oa1hostile000000001",
            "name": f"oidc_client{C1_CSI}",
            "label": f"Upflow SSO{OSC52}",
            "status": f"ACTIVE{CLEAR_SCREEN}",
            "signOnMode": f"OPENID_CONNECT{BIDI}",
            "credentials": {"oauthClient": {"token_endpoint_auth_method": f"x{C1_OSC}"}},
            "settings": {
                "oauthClient": {
                    "redirect_uris": [HOSTILE_REDIRECT],
                    "post_logout_redirect_uris": [f"https://app.upflow.io/{HYPERLINK}"],
                    "grant_types": [f"authorization_code{OSC52}"],
                    "response_types": [f"code{C1_CSI}"],
                    "application_type": f"web{BIDI}",
                }
            },
        }
    )
    group = parse.group_from_json(
        {"id": "00g1hostile000000001", "type": f"OKTA{OSC52}", "profile": {
            "name": HOSTILE_GROUP, "description": HYPERLINK}}
    )  # fmt: skip
    actor = parse.user_actor_from_json(
        {"id": "00u1hostile000000001", "profile": {
            "login": OSC52, "email": HYPERLINK, "firstName": CLEAR_SCREEN, "lastName": C1_OSC}}
    )  # fmt: skip
    disco = parse.discovery_from_json({"issuer": f"https://acme.okta.com{OSC52}"})
    roles = parse.roles_from_json([{"type": f"SUPER_ADMIN{C1_CSI}", "label": OSC52}])
    assert app is not None and group is not None and disco is not None and roles
    shown = [repr(app), repr(group), repr(actor), repr(disco), repr(roles)]
    texts = [
        *(str(v) for v in vars(app).values()),
        *(str(v) for v in vars(group).values()),
        *(str(v) for v in vars(actor).values()),
        disco.issuer,
        *(str(v) for role in roles for v in vars(role).values()),
    ]
    assert_terminal_safe(*shown, *texts, *app.redirect_uris, *app.grant_types)
    assert app.label == f"Upflow SSO{SHOWN_OSC52}"


def test_ids_that_do_not_look_like_okta_ids_are_not_read() -> None:
    """An id goes into a request path: one with '/', '..' or an escape makes the object
    unreadable instead of steering a request (or reaching the screen)."""
    climbing = ["../users/me", "0oa1/../../x"]  # path-ok: ids that try to climb a URL path
    for bad in [*climbing, f"0oa{OSC52}", "0oa 1", "", 7]:
        assert parse.app_from_json({"id": bad, "label": "Upflow SSO"}) is None
        assert parse.group_from_json({"id": bad, "profile": {"name": "Finance"}}) is None
        assert parse.secret_from_json({"id": bad, "client_secret": "s"}) is None
        assert parse.assigned_group_ids_from_json([{"id": bad}]) == []
    odd_client = {"id": "0oa1good000000000001", "credentials": {"oauthClient": {
        "client_id": "x/../y"}}}  # fmt: skip  # path-ok: a client id that climbs
    assert parse.app_from_json(odd_client) is None
    ok = parse.app_from_json({"id": "0oa1good000000000001", "label": "Upflow SSO"})
    assert ok is not None and ok.client_id == "0oa1good000000000001"


def test_exact_label_match_still_works() -> None:
    apps = parse.apps_from_json(
        [
            {"id": "0oa1aaaaaaaaaaaaaaa1", "name": "oidc_client", "label": "Upflow SSO"},
            {"id": "0oa1aaaaaaaaaaaaaaa2", "name": "oidc_client", "label": "Upflow SSO 2"},
            {"id": "0oa1aaaaaaaaaaaaaaa3", "name": "oidc_client", "label": f"Upflow SSO{OSC52}"},
        ]
    )
    assert [a.id for a in parse.apps_labelled(apps, "Upflow SSO")] == ["0oa1aaaaaaaaaaaaaaa1"]
    hostile = parse.apps_labelled(apps, f"Upflow SSO{OSC52}")
    assert [a.id for a in hostile] == ["0oa1aaaaaaaaaaaaaaa3"]


def test_error_summaries_and_causes_are_made_visible() -> None:
    body = {
        "errorCode": f"E0000001{C1_CSI}",
        "errorSummary": f"Api validation failed{OSC52}",
        "errorCauses": [{"errorSummary": f"label: {CLEAR_SCREEN}{C1_OSC}{BIDI}"}],
    }
    for status in (400, 401, 403, 404, 429, 500):
        error = error_for_response(status, body, action="create the app", request_id=OSC52)
        assert_terminal_safe(error.message, error.remedy, str(error), repr(error))
        assert_terminal_safe(error.error_code or "", error.request_id or "")
    # Every OktaError, whoever builds it: the service app's token errors quote Okta too.
    refused = token_error(401, {"error": "invalid_client", "error_description": OSC52}, "0oa1", ())
    assert_terminal_safe(refused.message, str(refused))
    assert SHOWN_OSC52 in refused.message


# ------------------------------------------------------------------ the TUI
@pytest.fixture
def hostile_sandbox() -> Iterator[RunningSandbox]:
    with running_sandbox(hostile_seed()) as sb:
        yield sb


def rendered(app: WizardApp) -> str:
    """Every character the screen sends to the terminal (the compositor's lines), toasts
    included, and the screenshot export."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips) + app.export_screenshot()


async def test_tui_shows_okta_text_visibly_at_every_step(
    hostile_sandbox: RunningSandbox, secret_service: None
) -> None:
    app = wizard_for(hostile_sandbox)
    screens: list[str] = []
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await press_button(pilot, "connect-check")  # step 1: who you are
        who = text_of(app, "#connect-who")
        assert f"Ada{visible(CLEAR_SCREEN)}" in who and visible(HYPERLINK) in who, who
        screens.append(rendered(app))
        await press_button(pilot, "connect-next")
        await settle(pilot)  # step 2: the existing app and its drift
        drift = text_of(app, "#existing-app")
        assert visible(HOSTILE_REDIRECT) in drift, drift
        screens.append(rendered(app))
        await press_button(pilot, "integration-next")
        await press_button(pilot, "settings-create")  # reuse and repair
        assert "Client secret (read back from Okta) is stored in" in text_of(
            app, "#settings-result"
        )
        await press_button(pilot, "settings-next")
        radio = screen_of(app).query_one("#assign-mode", RadioSet)
        radio.focus()
        await pilot.press("down", "enter")  # step 4: selected groups
        await settle(pilot)
        screen_of(app).query_one("#group-search", Input).focus()
        await pilot.press(*"Fin")
        results = screen_of(app).query_one("#group-results", OptionList)
        await wait_for(pilot, lambda: results.option_count >= 3)
        names = [str(results.get_option_at_index(i).prompt) for i in range(results.option_count)]
        assert any(visible(HOSTILE_GROUP) in n for n in names), names
        await pilot.press("enter")  # picks the first result
        await settle(pilot)
        screens.append(rendered(app))
        await press_button(pilot, "assign-apply")
        screens.append(rendered(app))
    assert_terminal_safe(*screens)
    assert all(CLIPBOARD_PAYLOAD not in s for s in screens)


# ------------------------------------------------------------------ a real terminal
needs_tmux = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


class Tmux:
    """A private tmux server whose clipboard integration is on, as docs/ recommends."""

    def __init__(self, socket: str, config: Path) -> None:
        self.socket = socket
        self.config = config

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["tmux", "-L", self.socket, "-f", str(self.config), *args],
            capture_output=True,
            text=True,
            timeout=10,
        )

    def screen(self, target: str) -> str:
        return self.run("capture-pane", "-p", "-t", target).stdout

    def wait_for(self, target: str, text: str, within: float = 30.0) -> str:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            shown = self.screen(target)
            if text in shown:
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{self.screen(target)}")

    def keys(self, target: str, *keys: str) -> None:
        for key in keys:
            self.run("send-keys", "-t", target, key)
            time.sleep(0.15)

    def buffers(self) -> str:
        listed = self.run("list-buffers").stdout
        shown = self.run("show-buffer").stdout
        return listed + shown


@pytest.fixture
def tmux(tmp_path: Path, secret_service: None) -> Iterator[Tmux]:
    config = tmp_path / "tmux.conf"
    config.write_text("set -g set-clipboard on\nset -g remain-on-exit on\n")
    term = Tmux(f"okta-wizard-osc52-{os.getpid()}", config)
    try:
        yield term
    finally:
        term.run("kill-server")


def _script(tmp_path: Path, sb: RunningSandbox, name: str, commands: list[str]) -> str:
    """A shell script (0700, in the test's folder) that runs okta-wizard with the sandbox's
    token in its environment, never on a command line."""
    env = {
        "OKTA_API_TOKEN": TEST_TOKEN,
        "OKTA_WIZARD_ORG_URL": sb.base_url,
        "OKTA_WIZARD_SECRETS_URL": sb.secrets_url,
        "OKTA_WIZARD_STATE_DIR": str(tmp_path / f"state-{name}"),  # no resume offer
        "TERM": "xterm-256color",
    }
    lines = ["unset COLUMNS LINES"] + [f"export {k}={shlex.quote(v)}" for k, v in env.items()]
    script = tmp_path / name
    script.write_text("\n".join([*lines, f"cd {shlex.quote(str(REPO))}", *commands, ""]))
    script.chmod(0o700)
    return f"sh {shlex.quote(str(script))}"


@needs_tmux
@pytest.mark.tmux
def test_tmux_clipboard_never_receives_okta_data(
    tmux: Tmux, hostile_sandbox: RunningSandbox, tmp_path: Path
) -> None:
    wizard = f"{shlex.quote(sys.executable)} -m okta_wizard"
    cli = _script(
        tmp_path,
        hostile_sandbox,
        "cli.sh",
        [
            f"{wizard} plan --group Financ",
            f"{wizard} plan --everyone",
            f"{wizard} verify",
            "echo CLI-DONE",
        ],
    )
    tmux.run("new-session", "-d", "-s", "cli", "-x", "160", "-y", "48", cli)
    tmux.wait_for("cli", "CLI-DONE", within=60)
    assert CLIPBOARD_PAYLOAD not in tmux.buffers(), "the CLI let Okta data write the clipboard"
    tui = _script(tmp_path, hostile_sandbox, "tui.sh", [wizard])
    tmux.run("new-session", "-d", "-s", "tui", "-x", "160", "-y", "48", tui)
    tmux.wait_for("tui", "Step 1 of 6")
    tmux.keys("tui", "Enter", "Enter")  # the org URL and the token are prefilled: check
    for _attempt in range(3):
        try:
            shown = tmux.wait_for("tui", "Signed in as", within=10)
            break
        except AssertionError:
            # Under load the second Enter can reach the URL field before the first has moved
            # the focus to the token (Textual moves it a message later): one more checks.
            tmux.keys("tui", "Enter")
    shown = tmux.wait_for("tui", "Signed in as")
    assert "Ada\\x1b[2J" in shown, shown
    tmux.keys("tui", "Enter")  # Continue: step 2 shows the existing app and its drift
    shown = tmux.wait_for("tui", "guide says")
    tmux.keys("tui", "C-q")
    tmux.wait_for("tui", "Quit now?")
    tmux.keys("tui", "y")
    time.sleep(0.5)
    assert CLIPBOARD_PAYLOAD not in tmux.buffers(), "the TUI let Okta data write the clipboard"
    assert tmux.run("list-buffers").stdout.strip() == ""

"""The wizard's widgets, each in a small app of its own (the fast lane).

No wizard, no keyring, no D-Bus: `pytest tests/tui/test_widgets.py` runs alone anywhere. The
group picker searches the sandbox org through the real engine (HTTP on loopback); the secret
view copies through the real clipboard board to a recorded terminal; the service-app fields
check real key files.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from textual import on
from textual.app import App, ComposeResult
from textual.widget import Widget
from textual.widgets import Input, OptionList, RadioButton, RadioSet, Static

from okta_wizard.secret import Secret
from okta_wizard.tui.messages import Announce
from okta_wizard.tui.widgets.choice import Choice, Toggle
from okta_wizard.tui.widgets.group_picker import GroupPicker, SearchGroups
from okta_wizard.tui.widgets.secret_input import SecretInput
from okta_wizard.tui.widgets.secret_view import SecretView
from okta_wizard.tui.widgets.service_app_fields import ServiceAppFields
from tests.osc52 import record_terminal
from tests.tui.pilot_helpers import settle, wait_until

SECRET = "s3cr3t-Value-0123456789-abcdefghijklmnopqrstuvwxyz"


class Harness(App[None]):
    """One widget on an otherwise empty screen; what it announces is kept in `heard`."""

    def __init__(self, widget: Callable[[], Widget]) -> None:
        super().__init__()
        self.make_widget = widget
        self.heard: list[str] = []

    def compose(self) -> ComposeResult:
        yield self.make_widget()

    @on(Announce)
    def _heard(self, message: Announce) -> None:
        self.heard.append(message.text)


def text(app: App[Any], selector: str) -> str:
    return str(app.query_one(selector, Static).render())


# ---------------------------------------------------------------- the group picker
@asynccontextmanager
async def okta_search(sandbox: Any) -> AsyncIterator[SearchGroups]:
    """The engine's group search against the sandbox org (read-only: no lock, no journal)."""
    from okta_wizard.okta.credentials import ApiToken
    from okta_wizard.orgurl import parse_org_url
    from okta_wizard.setup.engine import Setup, SetupOptions
    from okta_wizard.vault import MemoryVault

    options = SetupOptions(parse_org_url(sandbox.base_url), ApiToken(Secret(sandbox.token)))
    async with Setup(options, vault=MemoryVault(), read_only=True) as setup:
        yield setup.search_groups


def prompts(picker: GroupPicker) -> list[str]:
    results = picker.query_one("#group-results", OptionList)
    return [str(results.get_option_at_index(i).prompt) for i in range(results.option_count)]


async def type_search(pilot: Any, picker: GroupPicker, query: str) -> None:
    picker.query_one("#group-search", Input).focus()
    await pilot.press(*query)
    await settle(pilot)


async def test_group_picker_searches_okta_once_per_pause(sandbox: Any) -> None:
    sandbox.org.add_group("Finance", "Accounts payable")
    sandbox.org.add_group("Finance Europe")
    sandbox.org.add_group("Sales")
    async with okta_search(sandbox) as search:
        app = Harness(lambda: GroupPicker(search, id="group-picker"))
        async with app.run_test() as pilot:
            picker = app.query_one(GroupPicker)
            await type_search(pilot, picker, "Fin")
            # Debounced: three keystrokes, one search of the final text, server-side.
            assert [m.text for m in picker.history] == ["Fin"]
            searches = [c for c in sandbox.calls_to("GET /api/v1/groups") if "q=" in c.query]
            assert [c.query for c in searches] == ["q=Fin&limit=20&expand=stats"]
            names = prompts(picker)
            assert any("Finance" in n for n in names) and not any("Sales" in n for n in names)
            await pilot.press("enter")  # adds the first result
            await settle(pilot)
            assert "Finance" in text(app, "#group-selected")
            assert [g.name for g in picker.selected.values()] == ["Finance"]


async def test_group_picker_flags_member_less_groups(sandbox: Any) -> None:
    sandbox.org.add_group("Payroll", users_count=1)
    sandbox.org.add_group("Payroll Archive", users_count=0)
    sandbox.org.add_group("Payroll Team", users_count=1200)
    async with okta_search(sandbox) as search:
        app = Harness(lambda: GroupPicker(search, id="group-picker"))
        async with app.run_test() as pilot:
            picker = app.query_one(GroupPicker)
            await type_search(pilot, picker, "Payroll")
            shown = prompts(picker)
            lines = {line.strip().split("  ")[0].lstrip("[] x"): line for line in shown}
            assert "0 members" in lines["Payroll Archive"]
            assert "1 member" in lines["Payroll"] and "0 members" not in lines["Payroll"]
            assert "1,200 members" in lines["Payroll Team"]
            results = picker.query_one("#group-results", OptionList)
            results.focus()
            results.highlighted = shown.index(lines["Payroll Archive"])
            await pilot.press("enter")
            await settle(pilot)
            selected = text(app, "#group-selected")
            assert "Payroll Archive" in selected and "0 members" in selected


async def test_group_picker_says_when_nothing_matches(sandbox: Any) -> None:
    async with okta_search(sandbox) as search:
        app = Harness(lambda: GroupPicker(search, id="group-picker"))
        async with app.run_test() as pilot:
            picker = app.query_one(GroupPicker)
            await type_search(pilot, picker, "Nonexistent team")
            assert "No group in Okta matches" in text(app, "#group-status")
            assert prompts(picker) == []


async def test_group_picker_drops_stale_results(sandbox: Any) -> None:
    sandbox.org.add_group("Alpha")
    sandbox.org.add_group("Beta")
    async with okta_search(sandbox) as search:
        app = Harness(lambda: GroupPicker(search, id="group-picker"))
        async with app.run_test() as pilot:
            picker = app.query_one(GroupPicker)
            sandbox.set_latency(0.4)  # Okta answers slower than the admin types
            box = picker.query_one("#group-search", Input)
            box.value = "Alp"
            await asyncio.sleep(0.25)  # the "Alp" request is in flight
            box.value = "Bet"
            await settle(pilot)
            sandbox.set_latency(0.0)
            assert "Beta" in prompts(picker)[0]
            assert "Bet" in text(app, "#group-status")
            assert [m.text for m in picker.history][-1] == "Bet"


async def test_a_full_page_of_groups_is_said_to_be_a_page(sandbox: Any) -> None:
    for n in range(25):
        sandbox.org.add_group(f"Eng team {n:02}", "a description long enough to need cutting " * 3)
    async with okta_search(sandbox) as search:
        app = Harness(lambda: GroupPicker(search, id="group-picker"))
        async with app.run_test(size=(80, 24)) as pilot:
            picker = app.query_one(GroupPicker)
            await type_search(pilot, picker, "Eng")
            status = text(app, "#group-status")
            shown = prompts(picker)
            lines = picker.query_one("#group-results", OptionList).virtual_size.height
    # Okta answers a page of 20 and never says how many match in all: no total is claimed.
    assert len(shown) == 20
    assert "First 20 groups matching “Eng” shown: type more to narrow." in status
    assert not status.startswith("20 group")  # "20 group(s) match": the page as a total
    assert lines == 20, "each description cut on its line, never a row of its own"


# ---------------------------------------------------------------- choices as text
class Choices(App[None]):
    def compose(self) -> ComposeResult:
        with RadioSet(id="choices"):
            yield Choice("API token", value=True, id="one")
            yield Choice("OAuth 2.0 service app", id="two")
        yield Toggle("Burn after reading", value=True, id="burn")


def drawn(app: App[Any], selector: str) -> str:
    return str(app.query_one(selector).render())


async def test_choices_and_toggles_write_their_state() -> None:
    app = Choices()
    async with app.run_test() as pilot:
        assert drawn(app, "#one").startswith("(•) API token")
        assert drawn(app, "#two").startswith("( ) OAuth 2.0 service app")
        assert drawn(app, "#burn").startswith("[x] Burn after reading: on")
        app.query_one("#two", RadioButton).value = True
        app.query_one("#burn", Toggle).toggle()
        await pilot.pause()
        assert drawn(app, "#one").startswith("( ) API token")
        assert drawn(app, "#two").startswith("(•) OAuth 2.0 service app")
        assert drawn(app, "#burn").startswith("[ ] Burn after reading: off")


# ---------------------------------------------------------------- the secret view
def secret_view(**options: Any) -> Callable[[], SecretView]:
    return lambda: SecretView("Client secret", Secret(SECRET), id="secret", **options)


def value_of(app: App[Any]) -> str:
    return text(app, "#secret .secret-value")


async def test_reveal_hides_itself_and_h_hides_at_once() -> None:
    app = Harness(secret_view(reveal_seconds=0.3))
    async with app.run_test() as pilot:
        view = app.query_one(SecretView)
        assert SECRET not in value_of(app) and Secret(SECRET).masked() in value_of(app)
        assert Secret(SECRET).fingerprint() in text(app, "#secret .secret-fingerprint")
        view.focus()
        await pilot.press("r")
        await settle(pilot)
        assert SECRET in value_of(app)
        assert app.heard[-1] == "Client secret revealed for 0.3 seconds"
        await wait_until(pilot, lambda: SECRET not in value_of(app), within=3)
        assert app.heard[-1] == "Client secret hidden"
        await pilot.press("r", "h")
        await settle(pilot)
        assert SECRET not in value_of(app)


async def test_a_revealed_secret_shows_control_characters_as_text() -> None:
    hostile = "abc\x1b]52;c;aGk=\x07def"  # a server could put an OSC 52 write in a secret
    app = Harness(lambda: SecretView("One-time link", Secret(hostile), id="secret"))
    async with app.run_test() as pilot:
        app.query_one(SecretView).focus()
        await pilot.press("r")
        await settle(pilot)
        shown = value_of(app)
    assert "\x1b" not in shown and "\x07" not in shown
    assert "abc\\x1b]52;c;aGk=\\x07def" in shown


async def test_copy_clears_the_clipboard_after_the_delay() -> None:
    app = Harness(secret_view(clear_after=0.5))
    async with app.run_test() as pilot:
        terminal = record_terminal(app)
        app.query_one(SecretView).focus()
        await pilot.press("c")
        await settle(pilot)
        assert terminal.clipboard == SECRET
        assert "Asked the terminal to copy the client secret (OSC 52)" in app.heard[-1]
        await wait_until(pilot, lambda: terminal.clipboard == "", within=3)
        assert app.heard[-1] == "Asked the terminal to clear its clipboard (OSC 52)."


async def test_quitting_with_a_copy_pending_clears_it() -> None:
    app = Harness(secret_view(clear_after=600))
    async with app.run_test() as pilot:
        terminal = record_terminal(app)
        app.query_one(SecretView).focus()
        await pilot.press("c")
        await settle(pilot)
        assert terminal.clipboard == SECRET
        app.exit()
    assert terminal.clipboard == "", "the clear was sent while the app closed"


async def test_copy_without_osc52_shows_the_value_selectable(monkeypatch: Any) -> None:
    monkeypatch.setenv("VTE_VERSION", "7200")  # GNOME Terminal ignores OSC 52
    app = Harness(secret_view(reveal_seconds=0.3))
    async with app.run_test() as pilot:
        terminal = record_terminal(app)
        app.query_one(SecretView).focus()
        await pilot.press("c")
        await settle(pilot)
        assert terminal.output == "" and app.clipboard != SECRET
        assert SECRET in value_of(app)
        assert "select it with the mouse" in app.heard[-1]
        await wait_until(pilot, lambda: SECRET not in value_of(app), within=3)


# ---------------------------------------------------------------- the masked input
async def test_masked_input_refuses_copy_and_cut() -> None:
    app = Harness(lambda: SecretInput(id="token"))
    async with app.run_test() as pilot:
        field = app.query_one(SecretInput)
        field.value = SECRET
        field.focus()
        await pilot.press("ctrl+a")  # select all
        field.action_copy()
        await pilot.press("ctrl+c")
        assert SECRET not in app.clipboard
        field.action_cut()
        assert field.value == SECRET  # cut removed nothing
        assert "•" * 4 in str(field.render_line(0).text)


# ---------------------------------------------------------------- the service-app fields
def write_key(folder: Path, pem: str, mode: int = 0o600) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "key.pem"
    path.write_text(pem)
    os.chmod(path, mode)
    return path


async def test_service_app_key_file_is_checked_as_typed(sandbox: Any, tmp_path: Path) -> None:
    generated = sandbox.oauth.register_generated()  # a key pair; no request is made
    app = Harness(lambda: ServiceAppFields(id="fields"))
    async with app.run_test() as pilot:
        fields = app.query_one(ServiceAppFields)
        key_field = fields.query_one("#private-key", Input)
        key_field.value = str(tmp_path / "nope.pem")
        await settle(pilot)
        assert "does not exist" in text(app, "#private-key-hint") and fields.key_ok is False
        public = tmp_path / "public.pem"
        public.write_text("-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n")
        key_field.value = str(public)
        await settle(pilot)
        assert "public key" in text(app, "#private-key-hint")
        key = write_key(tmp_path / "keys", generated.private_key_pem.reveal(), mode=0o644)
        key_field.value = str(key)
        await settle(pilot)
        hint = text(app, "#private-key-hint")
        assert "RS256 private key" in hint and "chmod 600" in hint and fields.key_ok
        fields.query_one("#client-id", Input).value = "0oa1 not an id"
        await settle(pilot)
        assert "letters, digits" in text(app, "#client-id-hint")
        shown = app.export_screenshot()
    pem = generated.private_key_pem.reveal()
    assert pem not in shown and pem.splitlines()[1] not in shown  # never key material

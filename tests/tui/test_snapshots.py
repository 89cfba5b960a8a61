"""Snapshots of every screen at 80x24 and 120x36, against a seeded sandbox.

Each run also scans the rendered SVG (and, after the run, the baseline file) for the API token
and every client secret of the sandbox org: a snapshot must never contain one.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, RadioSet

from okta_wizard.okta.credentials import ServiceAppKey
from okta_wizard.setup.engine import ProgressCallback, Setup, SetupOptions
from okta_wizard.tui.screens.secret_once import SecretNotStoredScreen
from okta_wizard.vault import Vault
from tests.leakscan import find_leaks
from tests.setup.refusing_keyring import RefusingKeyring
from tests.tui.pilot_helpers import press_button, screen_of, settle, text_of, wait_for, walk_to
from tests.tui.snapshot_app import (
    KEY_FILE,
    SERVICE_APP_ID,
    build_app,
    secrets_of,
    seeded_sandbox,
)

SNAPSHOTS = Path(__file__).parent / "__snapshots__" / "test_snapshots"
Scenario = Callable[[Pilot[int]], Awaitable[None]]


async def step1_form(pilot: Pilot[int]) -> None:
    await walk_to(pilot, 1)


async def step1_checked(pilot: Pilot[int]) -> None:
    await walk_to(pilot, 1)
    await press_button(pilot, "connect-check")


async def step2(pilot: Pilot[int]) -> None:
    await walk_to(pilot, 2)


async def step3_form(pilot: Pilot[int]) -> None:
    await walk_to(pilot, 3)


async def step3_created(pilot: Pilot[int]) -> None:
    await walk_to(pilot, 3)
    await press_button(pilot, "settings-create")


async def step4_groups(pilot: Pilot[int]) -> None:
    await walk_to(pilot, 4)
    app = pilot.app
    screen_of(app).query_one("#assign-mode", RadioSet).focus()  # type: ignore[arg-type]
    await pilot.press("down", "enter")
    await settle(pilot)
    screen_of(app).query_one("#group-search", Input).focus()  # type: ignore[arg-type]
    await pilot.press(*"Fin")
    picker_history = screen_of(app).query_one("#group-picker").history  # type: ignore[arg-type, attr-defined]
    await wait_for(pilot, lambda: any(m.text == "Fin" for m in picker_history))
    await pilot.press("enter")
    await settle(pilot)


async def step5(pilot: Pilot[int]) -> None:
    await walk_to(pilot, 5)


async def step6_form(pilot: Pilot[int]) -> None:
    await walk_to(pilot, 6)


async def step6_link(pilot: Pilot[int]) -> None:
    await walk_to(pilot, 6)
    await press_button(pilot, "handoff-create")


async def step4_no_color(pilot: Pilot[int]) -> None:
    """NO_COLOR: the chosen option is told apart by its mark, `(•)` against `( )`."""
    await walk_to(pilot, 4)


async def step1_error(pilot: Pilot[int]) -> None:
    await walk_to(pilot, 1)
    screen_of(pilot.app).query_one("#token", Input).value = "00not-the-right-token"  # type: ignore[arg-type]
    await press_button(pilot, "connect-check")


async def step1_service_app(pilot: Pilot[int]) -> None:
    await walk_to(pilot, 1)
    app = pilot.app
    await wait_for(pilot, lambda: "private key" in text_of(app, "#private-key-hint"))  # type: ignore[arg-type]


async def secret_not_stored(pilot: Pilot[int]) -> None:
    await walk_to(pilot, 3)
    await press_button(pilot, "settings-create")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, SecretNotStoredScreen))
    await settle(pilot)


async def help_screen(pilot: Pilot[int]) -> None:
    await walk_to(pilot, 1)
    await pilot.press("f1")
    await settle(pilot)


async def resume_screen(pilot: Pilot[int]) -> None:
    await settle(pilot)


def refusing_keyring(options: SetupOptions, on_progress: ProgressCallback) -> Setup:
    return Setup(options, on_progress=on_progress, vault=Vault(backend=RefusingKeyring()))


def with_service_app(sandbox: Any, folder: Path) -> dict[str, Any]:
    """The service-app sign-in prefilled, its key in `folder` (the test's working directory)."""
    generated = sandbox.oauth.register_generated(client_id=SERVICE_APP_ID)
    (folder / KEY_FILE).write_text(generated.private_key_pem.reveal())
    (folder / KEY_FILE).chmod(0o600)
    return {"token": None, "service_app": ServiceAppKey(SERVICE_APP_ID, Path(KEY_FILE))}


SCENARIOS: dict[str, tuple[Scenario, bool]] = {
    "step1_form": (step1_form, False),
    "step1_service_app": (step1_service_app, False),
    "step3_secret_not_stored": (secret_not_stored, False),
    "step1_checked": (step1_checked, False),
    "step1_error": (step1_error, False),
    "step2_integration": (step2, False),
    "step3_settings": (step3_form, False),
    "step3_created": (step3_created, False),
    "step4_groups": (step4_groups, False),
    "step5_credentials": (step5, False),
    "step6_handoff": (step6_form, False),
    "step6_link": (step6_link, False),
    "step4_no_color": (step4_no_color, False),
    "resume": (resume_screen, True),
    "resume_damaged": (resume_screen, True),
    "help": (help_screen, False),
}
SIZES = {"80x24": (80, 24), "120x36": (120, 36)}


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_screen_snapshot(
    snap_compare: Any,
    secret_service: None,
    name: str,
    size: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scenario, saved = SCENARIOS[name]
    scanned: list[str] = []
    monkeypatch.chdir(tmp_path)
    if name.endswith("_no_color"):
        monkeypatch.setenv("NO_COLOR", "1")
    key_material: list[str] = []
    with seeded_sandbox() as sandbox:
        overrides: dict[str, Any] = {}
        if name == "step1_service_app":
            overrides = with_service_app(sandbox, tmp_path)
            pem = (tmp_path / KEY_FILE).read_text()
            key_material += [pem, "".join(x for x in pem.splitlines() if "-----" not in x)]
        elif name == "step3_secret_not_stored":
            overrides = {"setup_factory": refusing_keyring}
        app = build_app(sandbox, saved=saved, damaged=name == "resume_damaged", **overrides)

        async def run_before(pilot: Pilot[int]) -> None:
            await scenario(pilot)
            pilot.app.clear_notifications()  # toasts expire on a timer: keep them out
            # A focus change scrolls after the next refresh: let it land before the picture.
            await pilot.wait_for_scheduled_animations()
            await pilot.pause()
            await pilot.pause()
            svg = pilot.app.export_screenshot()
            scanned.append(svg)
            assert find_leaks(secrets_of(sandbox) + key_material, texts=[svg]) == []

        assert snap_compare(app, run_before=run_before, terminal_size=SIZES[size])
        secrets = secrets_of(sandbox) + key_material
    assert scanned, "the scenario never reached the screenshot"
    baseline = SNAPSHOTS / f"test_screen_snapshot[{name}-{size}].svg"
    if baseline.exists():
        assert find_leaks(secrets, paths=[baseline]) == []

"""scripts/render_screenshots.py (`make screenshots`) into a temporary folder: every picture
exists, is a non-empty SVG, shows the SANDBOX label and holds no secret (the API token, the
client secret, the service app's private key)."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

from tests.leakscan import find_leaks
from tests.tui.snapshot_app import secrets_of

REPO = Path(__file__).resolve().parents[2]
SCREENS = (
    "1-connect",
    "1-connect-service-app",
    "2-integration",
    "3-settings",
    "4-assignments",
    "5-credentials",
    "6-handoff",
    "help",
)
PICTURES = (*SCREENS, *(f"{name}-80x24" for name in SCREENS))  # 120x36, then 80x24


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "render_screenshots", REPO / "scripts" / "render_screenshots.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_svgs(out: Path) -> dict[str, str]:
    return {p.stem: p.read_text() for p in sorted(out.glob("*.svg"))}


@contextmanager
def sandboxes() -> Iterator[list[Any]]:
    """The sandbox orgs the script starts (one per size), stopped after the scan."""

    started: list[Any] = []
    try:
        yield started
    finally:
        for sandbox in started:
            sandbox.stop()


async def test_render_screenshots_into_a_temp_folder(secret_service: None, tmp_path: Path) -> None:
    from okta_wizard.sandbox.server import start_sandbox

    out = tmp_path / "shots"
    out.mkdir()
    script = load_script()
    with sandboxes() as started:

        def start() -> Any:
            started.append(start_sandbox(control=True))
            return started[-1]

        written = await script.render(out, start)
        assert len(started) == 2, "each size walks a new org"
        secrets = [s for sandbox in started for s in secrets_of(sandbox)]
        lives = [sandbox.base_url.removeprefix("http://") for sandbox in started]
    assert sorted(p.stem for p in written) == sorted(PICTURES)
    svgs = read_svgs(out)
    assert sorted(svgs) == sorted(PICTURES)
    for name, svg in svgs.items():
        assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>"), name
        assert len(svg) > 10_000, name  # a whole screen, not an empty frame
        assert "SANDBOX" in svg, f"{name}.svg lacks the SANDBOX label"
        assert "PRIVATE&#160;KEY" not in svg and "-----BEGIN" not in svg, name
    assert "0&#160;members" in svgs["4-assignments"]  # the empty group is flagged
    for live in lives:
        if len(live) == len(script.DISPLAY_HOST):  # the pictures do not change with the port
            assert all(live not in svg for svg in svgs.values())
    assert (
        script.DISPLAY_HOST in svgs["1-connect"] and script.DISPLAY_HOST in svgs["1-connect-80x24"]
    )
    assert len(secrets) >= 4, "each run made an app with a client secret"
    assert find_leaks(secrets, paths=[tmp_path]) == []
    # Nothing but the pictures was left in the folder (the key file is gone).
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{n}.svg" for n in PICTURES)

"""Render each screen of the demo to screenshots/*.svg (`make screenshots`; the harlequin model).

Builds the app exactly as `okta-wizard demo` does (make_app against the sandbox org), walks the
six steps with Pilot at 120x36, then again at 80x24 (the smallest usual terminal; those
pictures are named `*-80x24.svg`) against a new sandbox org, and saves one SVG per screen.
Refuses to write a picture that contains the API token, a client secret of the sandbox org or
the service app's private key.

    .venv/bin/python scripts/render_screenshots.py [--out DIR]     (default: screenshots/)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
OUT = REPO / "screenshots"
# (columns, rows) and the end of the pictures' names at that size.
SIZES = (((120, 36), ""), ((80, 24), "-80x24"))
# The sandbox listens on a free port; the pictures show this host:port instead (never bound),
# so they do not change with the port of the run. Same length: the layout stays the real one.
DISPLAY_HOST = "127.0.0.1:18443"


def displayed(svg: str, base_url: str) -> str:
    live = base_url.removeprefix("http://")
    return svg.replace(live, DISPLAY_HOST) if len(live) == len(DISPLAY_HOST) else svg


def leaked(svg: str, secrets: list[str]) -> bool:
    return any(s and (s in svg or s[4:20] in svg) for s in secrets)


async def render(out: Path, start: Callable[[], Any] | None = None) -> list[Path]:
    """Write the SVGs into `out`, each size's walk against a new sandbox org: made by `start`
    and left running (a test's, to scan afterwards), else started and stopped here."""
    from okta_wizard.sandbox.server import start_sandbox

    written: list[Path] = []
    for size, suffix in SIZES:
        sandbox = start() if start is not None else start_sandbox()
        try:
            written += await render_walk(out, sandbox, size, suffix)
        finally:
            if start is None:
                sandbox.stop()
    return written


async def render_walk(out: Path, sandbox: Any, size: tuple[int, int], suffix: str) -> list[Path]:
    """The six steps at `size`, one SVG per screen, named with `suffix`."""
    from textual.widgets import Button, Input, RadioButton, RadioSet

    from okta_wizard.commands.demo import choose_vault
    from okta_wizard.secret import Secret
    from okta_wizard.setup.engine import ProgressCallback, Setup, SetupOptions
    from okta_wizard.tui.app import make_app

    vault, keyring_label = choose_vault()

    def factory(options: SetupOptions, progress: ProgressCallback) -> Setup:
        return Setup(options, on_progress=progress, vault=vault)

    groups = (("Finance", 18), ("Finance Europe", 7), ("Finance Interns", 0), ("Finance US", 11))
    for name, members in groups:
        if sandbox.org.group_by_name(name) is None:
            sandbox.org.add_group(name, f"{name} team", users_count=members)
    service_app = sandbox.oauth.register_generated()
    key_dir = Path(tempfile.mkdtemp(prefix="okta-wizard-key-"))  # removed below
    key_file = key_dir / "service-app.pem"
    written: list[Path] = []
    try:
        app = make_app(
            org_url=sandbox.base_url,
            token=Secret(sandbox.token),
            sandbox=True,
            keyring_label=keyring_label,
            secrets_url=sandbox.secrets_url,
            setup_factory=factory,
            load_saved=None,
            accessible=True,  # no toasts over the pictures
        )
        async with app.run_test(size=size) as pilot:
            screen = app.wizard_screen()

            async def settle() -> None:
                await pilot.pause()
                while any(w.is_running for w in app.workers):  # noqa: ASYNC110 - no event to await
                    await asyncio.sleep(0.02)
                await pilot.pause()
                await pilot.pause()

            async def press(button: str) -> None:
                screen.query_one(f"#{button}", Button).press()
                await settle()

            def secrets() -> list[str]:
                pem = service_app.private_key_pem.reveal()
                body = "".join(x for x in pem.splitlines() if not x.startswith("-----"))
                values = [sandbox.token, pem, body]
                for okta_app in sandbox.org.apps_by_label("Upflow SSO"):
                    values += [s.value for s in okta_app.secrets]
                return values

            def shoot(name: str) -> None:
                svg = displayed(
                    app.export_screenshot(title=f"okta-wizard demo · {name}"), sandbox.base_url
                )
                if leaked(svg, secrets()):
                    raise SystemExit(f"refusing to write {name}.svg: it contains a secret")
                path = out / f"{name}{suffix}.svg"
                path.write_text(svg)
                written.append(path)

            await settle()
            # The other way to sign in, filled in; then the token run the pictures follow.
            key_file.write_text(service_app.private_key_pem.reveal())
            key_file.chmod(0o600)
            screen.query_one("#auth-service-app", RadioButton).value = True
            await settle()  # its fields are mounted when it is first chosen
            screen.query_one("#client-id", Input).value = service_app.client_id
            screen.query_one("#private-key", Input).value = str(key_file)
            screen.query_one("#key-id", Input).value = service_app.kid
            await asyncio.sleep(0.4)  # the key check is debounced
            await settle()
            screen.query_one("#key-id", Input).focus()
            await settle()
            shoot("1-connect-service-app")
            screen.query_one("#auth-token", RadioButton).value = True
            await settle()
            await press("connect-check")
            shoot("1-connect")
            await press("connect-next")
            shoot("2-integration")
            await press("integration-next")
            await press("settings-create")
            shoot("3-settings")
            await press("settings-next")
            screen.query_one("#assign-mode", RadioSet).focus()
            await pilot.press("down", "enter")
            await settle()
            screen.query_one("#group-search", Input).focus()
            await pilot.press(*"Finance")
            await asyncio.sleep(0.4)
            await settle()
            await pilot.press("enter")
            await settle()
            shoot("4-assignments")
            await press("assign-apply")
            await press("assign-next")
            shoot("5-credentials")
            await press("cred-next")
            await press("handoff-create")
            shoot("6-handoff")
            await pilot.press("f1")
            await settle()
            shoot("help")
    finally:
        shutil.rmtree(key_dir, ignore_errors=True)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="folder for the SVGs")
    out: Path = parser.parse_args(argv).out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="okta-wizard-shots-") as state:
        os.environ["OKTA_WIZARD_STATE_DIR"] = state  # pictures never touch real saved progress
        written = asyncio.run(render(out))
    for path in written:
        print(path.relative_to(REPO) if path.is_relative_to(REPO) else path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

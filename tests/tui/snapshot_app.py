"""The app factory of the snapshot tests (the posting model): a seeded sandbox, so ids and the
secret's fingerprint are the same on every run.

The sandbox listens on a free port (port 0: nothing else on the machine can make the snapshots
fail by holding a port), and every picture shows its origin under one fixed display name,
DISPLAY_ORIGIN, of the same length, so the layout is the one a real run draws.

The screenshot script builds its app the same way (make_app against a sandbox)."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from okta_wizard.sandbox import ids
from okta_wizard.savedfile import SavedFileDamaged
from okta_wizard.secret import Secret
from okta_wizard.setup.engine import SavedSetup
from okta_wizard.tui.app import WizardApp, make_app

# What the pictures show for the sandbox's origin; never bound. Five digits, like every port
# of Linux's ephemeral range (32768-60999), so the text keeps its width.
DISPLAY_PORT = 18443
DISPLAY_ORIGIN = f"http://127.0.0.1:{DISPLAY_PORT}"
PORT_TRIES = 5
SNAPSHOT_GROUPS = {"Finance Europe": 12, "Finance US": 0, "Sales": 30, "Engineering": 8}
SERVICE_APP_ID = "0oa1snapshotSERVICE0"
KEY_FILE = "service-app.pem"  # relative: the snapshot runs in a temp folder, so paths match
SAVED = [
    SavedSetup(
        org_url=DISPLAY_ORIGIN,
        label="Upflow SSO",
        app_id="0oa1snapshotAPPid000",
        client_id="0oa1snapshotCLIENT00",
        step_reached=4,
        updated_at="2026-03-02T10:15:00+00:00",
        steps={1: "done", 2: "done", 3: "done", 4: "failed"},
    )
]


# The receipt's times (when the link was made, when it expires) change at every run: each
# picture shows them as one fixed time of the same width.
ISO_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00")
DISPLAY_TIME = "2026-03-02T10:15:00+00:00"


DAMAGED_PATH = Path("/home/admin/.local/state/okta-wizard/acme.okta.com.json")  # path-ok: on screen
DAMAGED = SavedFileDamaged(
    DAMAGED_PATH,
    "field steps is not an object",
    remedy=f"Move it aside (rename it, for example to {DAMAGED_PATH.name}.bak) or delete it "
    "with `okta-wizard forget --org-url https://acme.okta.com`.",
)


def show_display_origin(svg: str, base_url: str) -> str:
    """The picture with the sandbox's origin (and its host:port) under the display name, and
    the receipt's times under the display time."""
    live = base_url.removeprefix("http://")
    return ISO_TIME.sub(DISPLAY_TIME, svg.replace(live, DISPLAY_ORIGIN.removeprefix("http://")))


def _seed_ids(seed: int) -> None:
    """The sandbox's random ids and secrets, drawn from seeded generators."""
    rng = random.Random(seed)
    ids.random_b62 = lambda n: "".join(rng.choice(ids.ALPHABET) for _ in range(n))  # type: ignore[assignment]
    ids.client_secret_value = lambda: "".join(  # type: ignore[assignment]
        rng.choice(ids.ALPHABET + "-_") for _ in range(64)
    )
    # Request ids from their own generator: how many requests a run makes must not shift ids.
    request_rng = random.Random(seed + 1)
    ids.request_id = lambda: f"{request_rng.getrandbits(128):032x}"  # type: ignore[assignment]
    ids.error_id = lambda: (
        "oae"
        + "".join(  # type: ignore[assignment]
            request_rng.choice(ids.ALPHABET) for _ in range(22)
        )
    )


def _display_width_sandbox(seed: int) -> Any:
    """A seeded sandbox on a free port whose origin is as long as DISPLAY_ORIGIN (the first
    try, unless the kernel hands out a port outside the usual five-digit range)."""
    from okta_wizard.sandbox.server import start_sandbox

    for _ in range(PORT_TRIES):
        _seed_ids(seed)  # afresh for each try: the ids must not depend on the retries
        sandbox = start_sandbox(host="127.0.0.1", port=0)
        if len(sandbox.base_url) == len(DISPLAY_ORIGIN):
            return sandbox
        sandbox.stop()
    raise RuntimeError(f"no free port with {len(str(DISPLAY_PORT))} digits in {PORT_TRIES} tries")


@contextmanager
def seeded_sandbox(seed: int = 20260302) -> Iterator[Any]:
    """Start the sandbox with its random ids and secrets drawn from a seeded generator."""
    saved_functions = {
        name: getattr(ids, name)
        for name in ("random_b62", "client_secret_value", "request_id", "error_id")
    }
    sandbox = None
    try:
        sandbox = _display_width_sandbox(seed)
        for name, members in SNAPSHOT_GROUPS.items():
            description = f"{name} team" if name != "Finance US" else None
            sandbox.org.add_group(name, description, users_count=members)
        yield sandbox
    finally:
        if sandbox is not None:
            sandbox.stop()
        for name, function in saved_functions.items():
            setattr(ids, name, function)


def build_app(
    sandbox: Any, *, saved: bool = False, damaged: bool = False, **overrides: Any
) -> WizardApp:
    offered: list[SavedSetup | SavedFileDamaged] = [*SAVED, DAMAGED] if damaged else list(SAVED)
    options: dict[str, Any] = {
        "org_url": sandbox.base_url,
        "token": Secret(sandbox.token),
        "sandbox": True,
        "keyring_label": "GNOME Keyring (Secret Service)",
        "secrets_url": sandbox.secrets_url,
        "load_saved": (lambda: offered) if saved else (lambda: []),
        "accessible": False,
    }
    options.update(overrides)
    app = make_app(**options)
    # No animated scrolling: under load a picture could catch a scroll halfway.
    app.animation_level = "none"
    export = app.export_screenshot

    def export_screenshot(*args: Any, **kwargs: Any) -> str:
        return show_display_origin(export(*args, **kwargs), sandbox.base_url)

    # snap_compare takes its picture through this method: normalized before the comparison.
    app.export_screenshot = export_screenshot  # type: ignore[method-assign]
    return app


def secrets_of(sandbox: Any) -> list[str]:
    """Every value that must never appear on screen: the token and all client secrets."""
    values = [sandbox.token]
    for app in sandbox.org.apps_by_label("Upflow SSO"):
        values += [s.value for s in app.secrets]
    values += [t.reveal() for t in sandbox.oauth.live_tokens()]  # service-app access tokens
    return values

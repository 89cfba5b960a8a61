"""`okta-wizard demo`: the wizard against the built-in sandbox org, on loopback.

Works on a fresh machine: with no Secret Service the demo says so and keeps the secret in an
explicitly labelled in-memory vault (the real commands never do). Saved progress goes to a
temporary folder so a demo never mixes with real setups.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from typing import TYPE_CHECKING

from okta_wizard.errors import ExitCode

if TYPE_CHECKING:
    from okta_wizard.vault import Vault


def choose_vault() -> tuple[Vault, str]:
    """The real Secret Service when it works (write probe), else the labelled memory vault."""
    from okta_wizard.vault import MemoryVault, Vault

    real = Vault()
    try:
        real.ensure_usable()
        real.probe()
        return real, f"{real.backend_name().rsplit('.', 2)[-2]} (real keyring)"
    except Exception:
        memory = MemoryVault()
        return memory, "IN-MEMORY (demo only; no secure keyring here)"


def run(args: argparse.Namespace) -> int:
    from okta_wizard.sandbox.server import start_sandbox
    from okta_wizard.secret import Secret
    from okta_wizard.setup.engine import ProgressCallback, Setup, SetupOptions, forget_saved_setup
    from okta_wizard.tui.app import make_app

    temp_state = None
    if not os.environ.get("OKTA_WIZARD_STATE_DIR"):
        temp_state = tempfile.mkdtemp(prefix="okta-wizard-demo-")
        os.environ["OKTA_WIZARD_STATE_DIR"] = temp_state
    vault, keyring_label = choose_vault()
    sandbox = start_sandbox(host="127.0.0.1", port=0, groups=max(0, int(args.groups or 0)))
    # A group with no members, so the group picker's "0 members" flag can be seen.
    sandbox.org.add_group("Finance Interns", "Summer interns (none yet)", users_count=0)
    print(f"okta-wizard demo: sandbox org at {sandbox.base_url}; keyring: {keyring_label}")

    def setup_factory(options: SetupOptions, on_progress: ProgressCallback) -> Setup:
        return Setup(options, on_progress=on_progress, vault=vault)

    try:
        app = make_app(
            org_url=sandbox.base_url,
            token=Secret(sandbox.token),  # random for each run
            sandbox=True,
            keyring_label=keyring_label,
            secrets_url=sandbox.secrets_url,
            setup_factory=setup_factory,
            forget=lambda origin: forget_saved_setup(origin, vault),
        )
        result = app.run()
    finally:
        sandbox.stop()
        if temp_state:
            shutil.rmtree(temp_state, ignore_errors=True)
    print("okta-wizard demo: sandbox stopped; nothing was kept.", file=sys.stderr)
    return int(ExitCode.OK if result is None else result)

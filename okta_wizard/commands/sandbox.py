"""`okta-wizard sandbox`: run the sandbox Okta org (and its one-time-link endpoint) until Ctrl+C.

Loopback only. Prints the org URL, the API token it accepts (the documented demo token unless
--token is given: it is not a secret), the one-time-link URL and whether the control API is on.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
from typing import Any

from okta_wizard.errors import UsageError

CONTROL_ENV = "OKTA_WIZARD_SANDBOX_CONTROL"


def _fault_specs(raw: list[str]) -> list[dict[str, Any]]:
    from okta_wizard.sandbox.faults import parse_fault_spec

    specs = []
    for text in raw:
        try:
            specs.append(parse_fault_spec(text))
        except ValueError as exc:
            raise UsageError(
                str(exc),
                remedy="Write faults as ROUTE=WHAT[@N], e.g. --fault 'POST /api/v1/apps=503@1'.",
            ) from None
    return specs


def _check_args(args: argparse.Namespace) -> None:
    from okta_wizard.sandbox.server import is_loopback

    if not is_loopback(args.host):
        raise UsageError(
            f"The sandbox listens on loopback addresses only, not on '{args.host}'.",
            remedy="Use --host 127.0.0.1 (the default), ::1 or localhost.",
        )
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port} is not a TCP port.", remedy="Use 0 to 65535.")
    if args.groups < 0:
        raise UsageError("--groups must be 0 or more.", remedy="E.g. --groups 50000.")
    if args.token is not None and not args.token.strip():
        raise UsageError("--token is empty.", remedy="Omit it to use the demo token.")


def _banner(base_url: str, secrets_url: str, token: str, control: bool, faults: int) -> str:
    lines = [
        "Sandbox Okta org running (Ctrl+C to stop).",
        f"  org URL      {base_url}",
        f"  API token    {token}   (sandbox-only; export OKTA_API_TOKEN={token})",
        f"  secrets URL  {secrets_url}",
        f"  control API  {base_url}/__sandbox/ (calls, faults, reset)"
        if control
        else f"  control API  off (start with --control or {CONTROL_ENV}=1 to enable)",
    ]
    if faults:
        lines.append(f"  faults       {faults} active")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    _check_args(args)
    faults = _fault_specs(list(args.fault or []))
    control = bool(getattr(args, "control", False)) or os.environ.get(CONTROL_ENV) == "1"
    from okta_wizard.sandbox.org import SeedError
    from okta_wizard.sandbox.server import SANDBOX_TOKEN, start_sandbox

    token = args.token or SANDBOX_TOKEN
    try:
        sb = start_sandbox(
            host=args.host,
            port=args.port,
            groups=args.groups,
            token=token,
            seed=args.seed,
            control=control,
            faults=faults,
        )
    except SeedError as exc:
        raise UsageError(str(exc), remedy="Fix the seed file (see docs/sandbox.md).") from None
    except OSError as exc:
        raise UsageError(
            f"Cannot listen on {args.host}:{args.port}: {exc.strerror}.",
            remedy="Pick another port with --port (0 picks a free one).",
        ) from None
    print(_banner(sb.base_url, sb.secrets_url, sb.token, control, len(faults)), flush=True)
    try:
        threading.Event().wait()  # until Ctrl+C
    except KeyboardInterrupt:
        print("Sandbox stopped.", file=sys.stderr)
    finally:
        sb.stop()
    return 0

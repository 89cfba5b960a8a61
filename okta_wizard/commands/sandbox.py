"""`okta-wizard sandbox`: run the sandbox Okta org (and its one-time-link endpoint) until Ctrl+C.

Loopback only. Prints the org URL, the API token it accepts (the documented demo token unless
--token is given: it is not a secret), the one-time-link URL and whether the control API is on.
With --service-app-key PUBLIC_KEY_FILE it also registers an OAuth 2.0 service app with that
public key and prints its client id, to try service-app sign-in by hand.

The banner is printed once the server listens: reading it is the readiness signal.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from okta_wizard.errors import UsageError

if TYPE_CHECKING:
    from okta_wizard.sandbox.oauth import ServiceApp

CONTROL_ENV = "OKTA_WIZARD_SANDBOX_CONTROL"
KEY_REMEDY = (
    "Pass the service app's public key: a PEM file beginning 'BEGIN PUBLIC KEY' or a public "
    "JWK (RSA 2048+ or EC P-256), e.g. `openssl pkey -in key.pem -pubout -out public.pem`."
)


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


def _scopes(raw: str | None) -> set[str]:
    from okta_wizard.sandbox.oauth import DEFAULT_SCOPES

    scopes = set((raw or "").replace(",", " ").split()) if raw is not None else set(DEFAULT_SCOPES)
    if not scopes or not all(s.startswith("okta.") and s.isprintable() for s in scopes):
        raise UsageError(
            f"--service-app-scopes {raw!r} is not a list of Okta scopes.",
            remedy="E.g. --service-app-scopes 'okta.apps.read okta.apps.manage okta.groups.read'.",
        )
    return scopes


def service_app_from(args: argparse.Namespace) -> ServiceApp | None:
    """The service app of --service-app-key (checked before the server starts), or None."""
    from okta_wizard.sandbox import ids
    from okta_wizard.sandbox.oauth import ServiceApp, public_jwk_from

    raw = getattr(args, "service_app_key", None)
    if raw is None:
        if getattr(args, "service_app_scopes", None) or getattr(args, "service_app_dpop", False):
            raise UsageError(
                "--service-app-scopes and --service-app-dpop configure the service app of "
                "--service-app-key.",
                remedy="Add --service-app-key PUBLIC_KEY_FILE.",
            )
        return None
    scopes = _scopes(getattr(args, "service_app_scopes", None))
    path = Path(raw)
    try:
        text = path.read_text(encoding="utf-8", errors="replace")[:65536]
    except OSError as exc:
        raise UsageError(
            f"--service-app-key {path}: cannot read it ({exc.strerror or type(exc).__name__}).",
            remedy=KEY_REMEDY,
        ) from None
    try:
        jwk = public_jwk_from(text)
    except ValueError as exc:
        raise UsageError(f"--service-app-key {path} {exc}", remedy=KEY_REMEDY) from None
    return ServiceApp(
        client_id=ids.okta_id("0oa"),
        public_jwks=[jwk],
        scopes=scopes,
        require_dpop=bool(getattr(args, "service_app_dpop", False)),
    )


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


def _service_app_lines(app: ServiceApp, base_url: str) -> list[str]:
    kid = app.public_jwks[0].get("kid", "")
    return [
        f"  service app  {app.client_id}   (key id {kid}; scopes {' '.join(sorted(app.scopes))}"
        f"{'; DPoP required' if app.require_dpop else ''})",
        f"               okta-wizard apply --org-url {base_url} --client-id {app.client_id} "
        "--private-key YOUR_PRIVATE_KEY.pem ...",
    ]


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


def _preset_lines(args: argparse.Namespace) -> list[str]:
    """The banner's word on the org's rate limits and engine, when not the defaults."""
    lines = []
    rate_limits = getattr(args, "rate_limits", None) or "default"
    if rate_limits != "default":
        lines.append(f"  rate limits  {rate_limits} preset (docs/sandbox.md lists the buckets)")
    if getattr(args, "engine", None) == "classic":
        lines.append("  engine       Classic Engine (pipeline v1)")
    return lines


def run(args: argparse.Namespace) -> int:
    _check_args(args)
    faults = _fault_specs(list(args.fault or []))
    service_app = service_app_from(args)
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
            rate_limits=getattr(args, "rate_limits", None),
            engine=getattr(args, "engine", None),
        )
    except SeedError as exc:
        raise UsageError(str(exc), remedy="Fix the seed file (see docs/sandbox.md).") from None
    except OSError as exc:
        raise UsageError(
            f"Cannot listen on {args.host}:{args.port}: {exc.strerror}.",
            remedy="Pick another port with --port (0 picks a free one).",
        ) from None
    try:  # from here on Ctrl+C (even during the banner) stops the server cleanly: exit 0
        banner = _banner(sb.base_url, sb.secrets_url, sb.token, control, len(faults))
        banner += "".join(f"\n{line}" for line in _preset_lines(args))
        if service_app is not None:
            sb.oauth.register(service_app)
            banner += "\n" + "\n".join(_service_app_lines(service_app, sb.base_url))
        print(banner, flush=True)
        threading.Event().wait()  # until Ctrl+C
    except KeyboardInterrupt:
        print("Sandbox stopped.", file=sys.stderr)
    finally:
        sb.stop()
    return 0

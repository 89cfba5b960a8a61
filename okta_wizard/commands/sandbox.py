"""`okta-wizard sandbox`: run the sandbox Okta org (and its one-time-link endpoint) until Ctrl+C.

Loopback only. Prints the org URL, the API token it accepts (a random one for this run unless
--token is given: the sandbox is the user's own server, but another local user can reach a
loopback port, so the token must not be guessable), the one-time-link URL and whether the
control API is on. The control API's token is random too (or taken from
OKTA_WIZARD_SANDBOX_CONTROL_TOKEN, never from argv) and printed only with
--show-control-token. With --service-app-key PUBLIC_KEY_FILE it also registers an OAuth 2.0
service app with that public key and prints its client id, to try service-app sign-in by hand.

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
CONTROL_TOKEN_ENV = "OKTA_WIZARD_SANDBOX_CONTROL_TOKEN"
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
        raise UsageError("--token is empty.", remedy="Omit it: the sandbox makes up a token.")


def _service_app_lines(app: ServiceApp, base_url: str) -> list[str]:
    kid = app.public_jwks[0].get("kid", "")
    return [
        f"  service app  {app.client_id}   (key id {kid}; scopes {' '.join(sorted(app.scopes))}"
        f"{'; DPoP required' if app.require_dpop else ''})",
        f"               okta-wizard apply --org-url {base_url} --client-id {app.client_id} "
        "--private-key YOUR_PRIVATE_KEY.pem ...",
    ]


def _control_line(base_url: str, control_token: str | None, show_token: bool) -> str:
    if control_token is None:
        return f"  control API  off (start with --control or {CONTROL_ENV}=1 to enable)"
    if show_token:
        how = f"Authorization: Bearer {control_token}"
    elif os.environ.get(CONTROL_TOKEN_ENV):
        how = f"Authorization: Bearer ${CONTROL_TOKEN_ENV}"
    else:
        how = "a random bearer token: --show-control-token prints it"
    return f"  control API  {base_url}/__sandbox/ (calls, faults, reset; {how})"


def _banner(base_url: str, secrets_url: str, token: str, control_line: str, faults: int) -> str:
    lines = [
        "Sandbox Okta org running (Ctrl+C to stop).",
        f"  org URL      {base_url}",
        f"  API token    {token}   (this sandbox run only; export OKTA_API_TOKEN={token})",
        f"  secrets URL  {secrets_url}",
        control_line,
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
    show_control_token = bool(getattr(args, "show_control_token", False))
    if show_control_token and not control:
        raise UsageError(
            "--show-control-token prints the control API's token, but the control API is off.",
            remedy="Add --control.",
        )
    from okta_wizard.sandbox.org import SeedError
    from okta_wizard.sandbox.server import start_sandbox

    try:
        sb = start_sandbox(
            host=args.host,
            port=args.port,
            groups=args.groups,
            token=args.token or None,
            seed=args.seed,
            control=control,
            control_token=os.environ.get(CONTROL_TOKEN_ENV) or None,
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
        control_line = _control_line(sb.base_url, sb.control_token, show_control_token)
        banner = _banner(sb.base_url, sb.secrets_url, sb.token, control_line, len(faults))
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

"""Command-line entry point: argument parsing and exit codes.

Imports nothing heavy at module level: `okta-wizard --help` must not load the Okta SDK, Textual
or keyring. Each command lives in `okta_wizard/commands/<name>.py` and is imported on use.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from okta_wizard import __version__
from okta_wizard.clipboard import clear_note, configured_clear_after
from okta_wizard.errors import ExitCode, WizardError
from okta_wizard.handoff.expiry import DEFAULT_EXPIRE, EXPIRIES

ORG_URL_ENV = "OKTA_WIZARD_ORG_URL"

COMMANDS: dict[str, str] = {
    "demo": "the wizard against the built-in sandbox org; no Okta account needed",
    "apply": "headless: steps 1-5 (and 6 with --send), idempotent, resumable",
    "plan": "what apply would change; changes nothing",
    "status": "saved progress, per org, without secrets",
    "credentials": "copy-safe view of client_id, issuer and the masked secret",
    "send": "step 6 alone: the one-time link from the keyring-held credentials",
    "verify": "live checks of a setup (drift, secret works, issuer; --sign-in, --activity)",
    "test-sign-in": "a real OIDC sign-in through the Upflow app: shows what Upflow will receive",
    "rotate": "a new client secret handed to Upflow; --finish retires the old one",
    "remove": "revoke the link, deactivate and delete the app, forget it locally (asks first)",
    "sandbox": "run the sandbox Okta org (and its one-time-link endpoint) as a server",
    "forget": "delete saved progress and the keyring entry for an org (asks first)",
}

EPILOG = """\
The API token is read from OKTA_API_TOKEN or a hidden prompt, never from the command line.
Exit codes: 0 done, 1 unexpected error, 2 bad input, 3 Okta rejected the credential,
4 permission denied, 5 Okta or the network unavailable, 6 no secure keyring, 7 hand-off failed,
8 the test sign-in did not pass.
A second run on an org while another one works on it exits 2; verify exits 1 when a check fails.
"""


def _add_org_options(p: argparse.ArgumentParser, *, top: bool = False) -> None:
    """The same options on the main parser and on each command, in either position.

    Subcommands default to SUPPRESS: argparse copies a subparser's defaults over the main
    parser's values, so `okta-wizard --org-url X apply` would otherwise lose X.
    """

    def default(value: object) -> object:
        return value if top else argparse.SUPPRESS

    g = p.add_argument_group("Okta org and sign-in")
    g.add_argument(
        "--org-url",
        default=default(None),
        help="org URL, e.g. https://acme.okta.com (env OKTA_WIZARD_ORG_URL)",
    )
    g.add_argument(
        "--client-id",
        default=default(None),
        help="OAuth 2.0 service app client id (instead of a token)",
    )
    g.add_argument(
        "--private-key",
        default=default(None),
        metavar="PEMFILE",
        help="the service app's private key file",
    )
    g.add_argument(
        "--key-id", default=default(None), metavar="KID", help="key id of the service app's key"
    )
    g.add_argument(
        "--insecure-storage",
        action="store_true",
        default=default(False),
        help="allow a keyring backend that is not secure (plaintext file); not recommended",
    )


def _add_json(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object (never the secret unless --reveal)",
    )


def _add_app_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--label", default="Upflow SSO", help="app label in Okta (default: Upflow SSO)")


def _add_assignment(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("assignment (step 4)")
    g.add_argument("--everyone", action="store_true", help="assign the app to Everyone")
    g.add_argument(
        "--group", action="append", default=[], metavar="NAME", help="assign a group (exact name)"
    )
    g.add_argument("--no-assignment", action="store_true", help="skip assignment")


def _add_send_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("one-time link (step 6)")
    g.add_argument(
        "--secrets-url",
        default=os.environ.get("OKTA_WIZARD_SECRETS_URL", "https://secrets.upflow.io/"),
        help="PrivateBin-compatible server (default: https://secrets.upflow.io/)",
    )
    g.add_argument(
        "--email-domain",
        action="append",
        default=[],
        metavar="D",
        help="your users' email domain (repeatable; default: the domain of your admin email)",
    )
    g.add_argument(
        "--expire",
        default=DEFAULT_EXPIRE,
        metavar="WHEN",
        help=f"link expiry: {', '.join(EXPIRIES)} (default: {DEFAULT_EXPIRE})",
    )
    g.add_argument(
        "--password-from-env",
        metavar="VAR",
        help="protect the link with a password read from this environment variable",
    )
    g.add_argument(
        "--reveal",
        action="store_true",
        help="put the one-time link (a secret) in the output: in the JSON with --json, else "
        "printed even when stdout is not a terminal. Without it, --json carries link "
        "metadata only and the link is shown once on the terminal's alternate screen",
    )


def _add_sign_in_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("test sign-in")
    g.add_argument(
        "--no-browser", action="store_true", help="print the sign-in URL, do not open a browser"
    )
    g.add_argument(
        "--prompt-login",
        action="store_true",
        help="make Okta ask for credentials, to test as another user than your browser's session",
    )
    g.add_argument("--login-hint", metavar="EMAIL", help="pre-fill the username on Okta's page")
    g.add_argument(
        "--timeout",
        type=float,
        default=300.0,
        metavar="SECONDS",
        help="how long to wait for the sign-in (default: 300)",
    )


def _add_lifecycle_plans(p: argparse.ArgumentParser) -> None:
    g = p.add_mutually_exclusive_group()
    g.add_argument(
        "--rotate",
        action="store_true",
        help="what `rotate` and then `rotate --finish` would do (instead of apply)",
    )
    g.add_argument(
        "--remove", action="store_true", help="what `remove` would remove (instead of apply)"
    )


def _add_rotate(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("rotate", help=COMMANDS["rotate"])
    _add_org_options(p)
    _add_app_options(p)
    stage = p.add_mutually_exclusive_group()
    stage.add_argument(
        "--finish",
        action="store_true",
        help="once Upflow confirms it uses the new secret: deactivate, then delete, the old one",
    )
    stage.add_argument(
        "--abort",
        action="store_true",
        help="keep the old secret: deactivate and delete the new one, delete its unread link",
    )
    p.add_argument(
        "--yes",
        action="store_true",
        help="do not ask: delete an inactive secret in the way (rotate), retire the old secret "
        "(--finish) or the new one (--abort)",
    )
    _add_send_options(p)
    _add_json(p)


def _add_remove(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("remove", help=COMMANDS["remove"])
    _add_org_options(p)
    _add_app_options(p)
    p.add_argument(
        "--yes", action="store_true", help="do not ask (needs --confirm-label with the app's label)"
    )
    p.add_argument(
        "--confirm-label",
        metavar="LABEL",
        help="the app's label, typed out, to confirm a run without a terminal",
    )
    _add_json(p)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="okta-wizard",
        description="Connect your Okta org to Upflow through OIDC single sign-on.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"okta-wizard {__version__}")
    _add_org_options(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("demo", help=COMMANDS["demo"])
    p.add_argument("--groups", type=int, default=0, help="add N generated groups to the sandbox")
    p.add_argument(
        "--fresh",
        action="store_true",
        help="start over: forget the saved demo (its progress and its sandbox org)",
    )

    for name in ("apply", "plan"):
        p = sub.add_parser(name, help=COMMANDS[name])
        _add_org_options(p)
        _add_app_options(p)
        _add_assignment(p)
        _add_json(p)
        p.add_argument(
            "--new-secret",
            action="store_true",
            help="if the keyring's secret is lost or no longer active, create a new one "
            "instead of reading the active one",
        )
        if name == "plan":
            _add_lifecycle_plans(p)
        if name == "apply":
            p.add_argument("--yes", action="store_true", help="repair drift without asking")
            p.add_argument("--send", action="store_true", help="also create the one-time link")
            p.add_argument(
                "--import-key",
                action="store_true",
                help="keep the --private-key file's key in the OS keyring once Okta accepts it; "
                "later runs need only --client-id",
            )
            _add_send_options(p)

    p = sub.add_parser("status", help=COMMANDS["status"])
    p.add_argument("--org-url", default=argparse.SUPPRESS, help="org URL (env OKTA_WIZARD_ORG_URL)")
    p.add_argument("--receipt", action="store_true", help="print the setup receipt for the ticket")
    _add_json(p)

    p = sub.add_parser("credentials", help=COMMANDS["credentials"])
    p.add_argument("--org-url", default=argparse.SUPPRESS, help="org URL (env OKTA_WIZARD_ORG_URL)")
    p.add_argument(
        "--insecure-storage", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )
    p.add_argument("--reveal", action="store_true", help="print the secret in clear")
    p.add_argument(
        "--copy",
        action="store_true",
        help=f"copy the secret; {clear_note(configured_clear_after())}",
    )
    _add_json(p)

    p = sub.add_parser("send", help=COMMANDS["send"])
    p.add_argument("--org-url", default=argparse.SUPPRESS, help="org URL (env OKTA_WIZARD_ORG_URL)")
    p.add_argument(
        "--insecure-storage", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )
    p.add_argument("--revoke", action="store_true", help="delete the last link if still unread")
    _add_send_options(p)
    _add_json(p)

    p = sub.add_parser("verify", help=COMMANDS["verify"])
    _add_org_options(p)
    _add_app_options(p)
    p.add_argument("--fix", action="store_true", help="repair drift (asks unless --yes)")
    p.add_argument(
        "--retire-old-secrets",
        action="store_true",
        help="once Upflow has the new secret: deactivate the app's other active secrets "
        "(never the keyring's; asks unless --yes)",
    )
    p.add_argument(
        "--sign-in",
        action="store_true",
        help="once every check passes, a test sign-in (as test-sign-in; asks unless --yes)",
    )
    _add_sign_in_options(p)
    p.add_argument(
        "--activity",
        action="store_true",
        help="also read Okta's System Log: last sign-in through the app, distinct users in "
        "30 days, last failure (a service app needs the okta.logs.read scope)",
    )
    p.add_argument("--yes", action="store_true", help="do not ask before changing the app")
    _add_json(p)

    p = sub.add_parser("test-sign-in", help=COMMANDS["test-sign-in"])
    _add_org_options(p)
    _add_app_options(p)
    _add_sign_in_options(p)
    p.add_argument(
        "--email-domain",
        action="append",
        default=[],
        metavar="D",
        help="your users' email domain, as Upflow gets it (repeatable; default: the hand-off's, "
        "else the domain of your admin email)",
    )
    p.add_argument(
        "--yes", action="store_true", help="add the temporary redirect URI without asking"
    )
    _add_json(p)

    _add_rotate(sub)
    _add_remove(sub)

    p = sub.add_parser("sandbox", help=COMMANDS["sandbox"])
    p.add_argument("--host", default="127.0.0.1", help="loopback address to bind")
    p.add_argument("--port", type=int, default=8443, help="port (0: any free port)")
    p.add_argument("--groups", type=int, default=0, help="add N generated groups")
    p.add_argument("--seed", metavar="FILE", help="load the org from a JSON file")
    p.add_argument(
        "--token", help="API token the sandbox accepts (default: a random one, printed at start)"
    )
    p.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="SPEC",
        help="inject a fault, e.g. 'POST /api/v1/apps=503' or 'GET /api/v1/groups=429@2'",
    )
    p.add_argument(
        "--control",
        action="store_true",
        help="enable the control API under /__sandbox/ (faults, call log, reset); its bearer "
        "token is random, or OKTA_WIZARD_SANDBOX_CONTROL_TOKEN",
    )
    p.add_argument(
        "--show-control-token",
        action="store_true",
        help="print the control API's token in the banner",
    )
    p.add_argument(
        "--service-app-key",
        metavar="PUBLIC_KEY_FILE",
        help="register an OAuth 2.0 service app with this public key (PEM or JWK) and print "
        "its client id",
    )
    p.add_argument(
        "--service-app-scopes",
        metavar="SCOPES",
        help="scopes granted to that service app, space- or comma-separated "
        "(default: okta.apps.read okta.apps.manage okta.groups.read)",
    )
    p.add_argument("--service-app-dpop", action="store_true", help="that service app requires DPoP")
    p.add_argument(
        "--rate-limits",
        choices=("default", "developer"),
        default="default",
        help="per-minute limits per bucket: default (generous) or developer (a developer org: "
        "10 a minute for the apps bucket)",
    )
    p.add_argument(
        "--engine",
        choices=("identity", "classic"),
        default=None,
        help="the org's engine: identity (default; pipeline idx) or classic (pipeline v1)",
    )

    p = sub.add_parser("forget", help=COMMANDS["forget"])
    p.add_argument("--org-url", default=argparse.SUPPRESS, help="org URL (env OKTA_WIZARD_ORG_URL)")
    p.add_argument(
        "--client-id",
        default=None,
        help="also delete the private key imported for this service app (apply --import-key)",
    )
    p.add_argument(
        "--insecure-storage", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )
    p.add_argument("--yes", action="store_true", help="do not ask")
    return parser


def _refuse_token_in_argv(argv: Sequence[str]) -> None:
    for arg in argv:
        if arg.split("=")[0] in ("--token", "--api-token", "--okta-api-token") and not (
            argv and argv[0] == "sandbox"
        ):
            raise WizardError(
                "An API token on the command line is visible to every user of this machine (ps).",
                remedy="Set OKTA_API_TOKEN in the environment, or let okta-wizard prompt for it.",
                exit_code=ExitCode.USAGE,
            )


def org_url_arg(args: argparse.Namespace) -> str | None:
    """The org URL for every command: --org-url (before or after the command), else the env.

    The one place OKTA_WIZARD_ORG_URL is read, so no command can forget it. Empty means unset.
    """
    given = getattr(args, "org_url", None)
    return given or os.environ.get(ORG_URL_ENV) or None


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        _refuse_token_in_argv(args_list)
        args = build_parser().parse_args(args_list)
        args.org_url = org_url_arg(args)
        name = args.command or "wizard"
        module = importlib.import_module(f"okta_wizard.commands.{name.replace('-', '_')}")
        return int(module.run(args))
    except WizardError as exc:
        print(f"okta-wizard: {exc}", file=sys.stderr)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        print("okta-wizard: interrupted; run the same command again to resume.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())

"""`okta-wizard verify`: live checks of an existing setup; `--fix` repairs drift.

`--retire-old-secrets` deactivates the app's other active secrets once Upflow has the new one
(after `apply --new-secret`); never the one the keyring holds. `--sign-in` ends with a test
sign-in (commands/test_sign_in.py) once every check passes.

Exit 0 when every check passes, 1 when one fails (each failure prints its remedy), 2 when a
change was asked for without a terminal to confirm it and without --yes (nothing changed),
8 when the test sign-in did not pass.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from okta_wizard.commands._common import (
    FAIL_MARK,
    check_lines,
    confirm,
    options_from,
    print_json,
    progress,
)
from okta_wizard.commands.test_sign_in import (
    Progress,
    result_json,
    result_lines,
    run_async,
    run_test,
    sign_in_options_from,
)
from okta_wizard.errors import ExitCode, UsageError
from okta_wizard.setup.engine import Check, Setup, SetupOptions
from okta_wizard.setup.sign_in import SignInOptions, SignInResult

FIXABLE = {
    "app active",
    "sign-in redirect URIs exact",
    "sign-out redirect URIs exact",
    "grant types exact",
    "response types exact",
    "client authentication",
    "PKCE not required",
    "label",
}


def run(args: argparse.Namespace) -> int:
    sign_in = sign_in_options_from(args) if args.sign_in else None
    options = options_from(args, assignment_required=False)
    _refuse_unconfirmable(args)
    return run_async(lambda state: _verify(args, options, sign_in, state))


def _refuse_unconfirmable(args: argparse.Namespace) -> None:
    """A change is confirmed on a terminal or by --yes; never silently skipped."""
    wanted = [
        o
        for o, on in (
            ("--fix", args.fix),
            ("--retire-old-secrets", args.retire_old_secrets),
            ("--sign-in", args.sign_in),
        )
        if on
    ]
    if wanted and not args.yes and not sys.stdin.isatty():
        raise UsageError(
            f"{' and '.join(wanted)} changes the app in Okta and asks first, but there is no "
            "terminal to ask. Nothing was changed.",
            remedy="Run it in a terminal, or add --yes to repair without a terminal: "
            f"okta-wizard verify {' '.join(wanted)} --yes",
        )


async def _verify(
    args: argparse.Namespace,
    options: SetupOptions,
    sign_in: SignInOptions | None,
    state: Progress,
) -> int:
    repaired: list[str] = []
    retired: list[str] = []
    tested: SignInResult | None = None
    async with Setup(options, on_progress=progress) as setup:
        checks = await setup.verify()
        fixable = [c for c in checks if not c.ok and c.name in FIXABLE]
        if args.fix and fixable and (args.yes or confirm("Repair the app in Okta?")):
            repaired = [d.field for d in await setup.repair_drift()]
            checks = await setup.verify()
        if args.retire_old_secrets:
            retired = await _retire(args, setup, checks)
        if sign_in is not None and all(c.ok for c in checks):
            tested = await run_test(args, setup, sign_in, state)
        app_id = setup.app.id if setup.app else None
    ok = all(c.ok for c in checks)
    if args.json:
        print_json(
            {
                "ok": ok,
                "org_url": options.org_url.origin,
                "app_id": app_id,
                "repaired": repaired,
                "retired_secrets": retired,
                "checks": [
                    {"name": c.name, "ok": c.ok, "detail": c.detail, "remedy": c.remedy}
                    for c in checks
                ],
                **_sign_in_json(setup, state, sign_in, tested),
            }
        )
    else:
        if repaired:
            print("Repaired: " + ", ".join(repaired))
        if retired:
            print("Deactivated old client secrets: " + ", ".join(retired))
        print("\n".join(check_lines(checks)))
        if tested is not None and state.test is not None:
            print("\n".join(result_lines(state.test, tested)))
        elif sign_in is not None and not ok:
            print(f"{FAIL_MARK} test sign-in skipped: fix the failed checks first")
    if not ok:
        return int(ExitCode.UNEXPECTED)
    if sign_in is not None and (tested is None or not tested.passed):
        return int(ExitCode.SIGN_IN_FAILED)
    return int(ExitCode.OK)


def _sign_in_json(
    setup: Setup, state: Progress, sign_in: SignInOptions | None, tested: SignInResult | None
) -> dict[str, Any]:
    if sign_in is None:
        return {}
    if tested is None or state.test is None:
        return {"sign_in": None}  # skipped (a check failed) or declined
    return {"sign_in": result_json(setup, state.test, tested)}


async def _retire(args: argparse.Namespace, setup: Setup, checks: tuple[Check, ...]) -> list[str]:
    """Deactivate the other active secrets, only once Okta accepts the keyring's secret."""
    accepted = any(c.name == "secret accepted by Okta" and c.ok for c in checks)
    if not accepted:
        raise UsageError(
            "Okta does not accept the keyring's secret (see `okta-wizard verify`): retiring the "
            "others could lock Upflow out. Nothing was deactivated.",
            remedy="Fix the failed checks first, then run verify --retire-old-secrets again.",
        )
    old = await setup.old_secrets()
    if not old:
        raise UsageError(
            "Nothing to retire: the only active client secret is the one in the keyring, and "
            "that one is never deactivated.",
            remedy="No action needed.",
        )
    ids = ", ".join(s.id for s in old)
    question = (
        f"Deactivate {len(old)} old client secret(s) ({ids})? Upflow must already have the "
        "keyring's secret, or its sign-in stops working."
    )
    if not (args.yes or confirm(question)):
        print("Nothing deactivated.", file=sys.stderr)
        return []
    return await setup.retire_old_secrets()

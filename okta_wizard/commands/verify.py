"""`okta-wizard verify`: live checks of an existing setup; `--fix` repairs drift.

`--retire-old-secrets` deactivates the app's other active secrets once Upflow has the new one
(after `apply --new-secret`); never the one the keyring holds, and not while `rotate` has a
rotation pending (`rotate --finish` retires its old secret). `--sign-in` ends with a test
sign-in (commands/test_sign_in.py) once every check passes.

`--activity` also reads Okta's System Log (setup/activity.py): when a user last signed in
through the app, how many distinct users did in 30 days, the last failure and its reason.

Exit 0 when every check passes, 1 when one fails (each failure prints its remedy), 2 when a
change was asked for without a terminal to confirm it and without --yes (nothing changed), 4
when the checks passed but the System Log may not be read (the missing scope or role is named),
8 when the test sign-in did not pass.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from okta_wizard.commands._common import (
    FAIL_MARK,
    OK_MARK,
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
from okta_wizard.okta.errors import ErrorKind, OktaError
from okta_wizard.setup.engine import Check, Setup, SetupOptions
from okta_wizard.setup.sign_in import SignInOptions, SignInResult

if TYPE_CHECKING:
    from okta_wizard.okta.models import LogEvent
    from okta_wizard.setup.activity import Activity


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
    activity: Activity | OktaError | None = None
    async with Setup(options, on_progress=progress) as setup:
        checks = await setup.verify()
        fixable = [c for c in checks if not c.ok and c.fixable]
        if args.fix and fixable and (args.yes or confirm("Repair the app in Okta?")):
            repaired = [d.field for d in await setup.repair_drift()]
            checks = await setup.verify()
        if args.retire_old_secrets:
            retired = await _retire(args, setup, checks)
        if sign_in is not None and all(c.ok for c in checks):
            tested = await run_test(args, setup, sign_in, state)
        if args.activity and setup.app is not None:
            activity = await _activity(setup)
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
                **({"activity": _activity_json(activity)} if args.activity else {}),
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
        if args.activity:
            print("\n".join(_activity_lines(activity)))
    if not ok:
        return int(ExitCode.UNEXPECTED)
    if isinstance(activity, OktaError):
        return int(activity.exit_code)
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


async def _activity(setup: Setup) -> Activity | OktaError:
    """The System Log report, or why it could not be read (the checks still print)."""
    from okta_wizard.setup.activity import read_activity

    assert setup.app is not None
    try:
        return await read_activity(setup, setup.app)
    except OktaError as exc:
        if exc.kind not in (ErrorKind.PERMISSION, ErrorKind.RATE_LIMITED, ErrorKind.UNAVAILABLE):
            raise
        return exc


def _activity_lines(activity: Activity | OktaError | None) -> list[str]:
    if activity is None:
        return [f"{FAIL_MARK} SSO activity  no app, so no sign-ins to look for"]
    if isinstance(activity, OktaError):
        return [f"{FAIL_MARK} SSO activity  {activity.message}", f"  -> {activity.remedy}"]
    return [f"{OK_MARK} SSO activity (System Log)"] + [f"  {line}" for line in activity.lines()]


def _activity_json(activity: Activity | OktaError | None) -> dict[str, Any] | None:
    if activity is None:
        return None
    if isinstance(activity, OktaError):
        return {"ok": False, "error": activity.message, "remedy": activity.remedy}

    def event(e: LogEvent | None) -> dict[str, str] | None:
        if e is None:
            return None
        return {
            "published": e.published,
            "event_type": e.event_type,
            "result": e.result,
            "reason": e.reason,
            "user": e.actor_name,
            "user_id": e.actor_id,
        }

    return {
        "ok": True,
        "days": activity.days,
        "since": activity.since,
        "until": activity.until,
        "in_use": activity.in_use,
        "last_sign_in": event(activity.last_sign_in),
        "distinct_users": activity.distinct_users,
        "sign_ins": activity.sign_ins,
        "last_failure": event(activity.last_failure),
        "events_read": activity.events_read,
        "pages": activity.pages,
        "complete": activity.complete,
        "stopped_by": activity.stopped_by or None,
        "note": None if activity.complete else activity.bound_note(),
    }


async def _retire(args: argparse.Namespace, setup: Setup, checks: tuple[Check, ...]) -> list[str]:
    """Deactivate the other active secrets, only once Okta accepts the keyring's secret."""
    if setup.journal.rotation is not None:
        raise UsageError(
            "A secret rotation is pending (`okta-wizard status` shows it): its old secret is "
            "retired by `okta-wizard rotate --finish`, once Upflow confirms. Nothing was "
            "deactivated.",
            remedy="Run `okta-wizard rotate --finish` (or `rotate --abort` to keep the old one).",
        )
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

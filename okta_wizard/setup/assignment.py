"""Step 4, assignments: who may sign in to Upflow through the app (Everyone, named groups, or
nobody yet). Group names are exact; a name Okta does not know is an input error, raised before
any change, with close matches found by Okta's prefix search (never a full group listing).
"""

from __future__ import annotations

from okta_wizard.errors import UsageError
from okta_wizard.okta.models import Group
from okta_wizard.setup.lookup import require_app
from okta_wizard.setup.reconcile import close_group_names, search_prefixes
from okta_wizard.setup.run import Run
from okta_wizard.setup.values import AssignmentChoice

SEARCH_LIMIT = 20


async def resolve_groups(run: Run, choice: AssignmentChoice) -> list[Group]:
    """The groups a choice names, by exact name; an unknown name is an input error."""
    if choice in run.groups:
        return run.groups[choice]
    groups: list[Group] = []
    if choice.mode == "everyone":
        groups = [await run.okta.everyone_group()]
    elif choice.mode == "groups":
        unknown = []
        for name in choice.group_names:
            group = await run.okta.find_group_by_name(name)
            if group is None:
                unknown.append(name)
            elif group.id not in {g.id for g in groups}:
                groups.append(group)
        if unknown:
            raise await _unknown_groups(run, unknown)
    run.groups[choice] = groups
    return groups


async def _unknown_groups(run: Run, names: list[str]) -> UsageError:
    lines = []
    for name in names:
        found: list[Group] = []
        for prefix in search_prefixes(name):
            found += await run.okta.search_groups(prefix, SEARCH_LIMIT)
            if found:
                break
        close = close_group_names(name, found)
        hint = f" Close matches: {', '.join(close)}." if close else " No close match."
        lines.append(f"No group is named exactly {name!r}.{hint}")
    return UsageError(
        " ".join(lines), remedy="Pass --group with the exact group name (case matters)."
    )


async def assigned_group_ids(run: Run, app_id: str) -> set[str]:
    """The groups assigned to the app, asked once per run (a new app has none; the PUTs of
    this run are added as they succeed)."""
    if app_id not in run.assigned:
        run.assigned[app_id] = set(await run.okta.list_assigned_group_ids(app_id))
    return run.assigned[app_id]


async def unassigned(run: Run, choice: AssignmentChoice) -> list[Group]:
    """The groups `choice` names that the app is not assigned to in Okta (reads only): what
    `assign` would still do. A name Okta does not know is an input error, as in `assign`."""
    app = await require_app(run, "check the assignments of")
    groups = await resolve_groups(run, choice)
    assigned = await assigned_group_ids(run, app.id) if groups else set()
    return [g for g in groups if g.id not in assigned]


async def assign(run: Run, choice: AssignmentChoice) -> list[Group]:
    app = await require_app(run, "assign")
    groups = await resolve_groups(run, choice)
    if groups:
        assigned = await assigned_group_ids(run, app.id)
        for group in groups:
            if group.id not in assigned:
                run.say(f"Assigning group {group.name!r}")
                await run.okta.assign_group(app.id, group.id)
                assigned.add(group.id)
    run.journal.assignment_mode = choice.mode
    run.journal.group_names = [g.name for g in groups]
    run.journal.group_ids = [g.id for g in groups]
    run.journal.record(4, "done" if groups else "skipped", ", ".join(g.name for g in groups))
    run.save()
    return groups

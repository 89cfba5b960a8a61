"""Member counts for the group picker: `expand=stats` on the server-side search, parsed from
`_embedded.stats.usersCount`; absent or malformed counts are unknown (None), never zero."""

from __future__ import annotations

from typing import Any

import pytest

from okta_wizard.okta import parse
from okta_wizard.okta.gateway import Gateway
from okta_wizard.sandbox.server import RunningSandbox


async def test_search_reports_member_counts_and_flags_empty_groups(
    sb: RunningSandbox, gw: Gateway
) -> None:
    sb.org.add_group("Payroll", "pays people", users_count=12)
    sb.org.add_group("Payroll Archive", users_count=0)
    found = {g.name: g.users_count for g in await gw.search_groups("Payroll", 10)}
    assert found == {"Payroll": 12, "Payroll Archive": 0}
    (call,) = [c for c in sb.calls if c.route == "/api/v1/groups"]
    assert "expand=stats" in call.query and "q=Payroll" in call.query


def _group(embedded: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"id": "00g1", "type": "OKTA_GROUP", "profile": {"name": "A"}}
    if embedded is not None:
        body["_embedded"] = embedded
    return body


@pytest.mark.parametrize(
    ("embedded", "count"),
    [
        ({"stats": {"usersCount": 7, "appsCount": 1}}, 7),
        ({"stats": {"usersCount": 0}}, 0),
        (None, None),  # no expand: unknown, not empty
        ({"stats": {}}, None),
        ({"stats": {"usersCount": True}}, None),
        ({"stats": {"usersCount": "3"}}, None),
        ({"stats": []}, None),
        ("odd", None),
    ],
)
def test_users_count_is_parsed_only_when_it_is_a_count(embedded: Any, count: int | None) -> None:
    group = parse.group_from_json(_group(embedded))
    assert group is not None and group.users_count == count

"""Replay recorded real Okta traffic: through the product's own parsing, and against the sandbox.

For one cassette, every interaction is sent, in order, to a fresh sandbox org, with the real
ids mapped to the sandbox's (an app the recording created is the app the sandbox created at
the same step). What the product calls is then compared with the recording: status, error
code, the headers that matter (rate limit, Link) and the JSON shape (keys and types; ids,
dates and other values aside). Interactions on routes the product never calls still go to
the sandbox when they change state or spend rate limit, so that what follows matches, but
are not compared; `POST /api/v1/groups`, which the sandbox does not serve, is replayed by
adding the group to the sandbox org directly.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

import httpx

from okta_wizard.okta import parse
from okta_wizard.okta.errors import error_for_response
from okta_wizard.sandbox.ratelimits import bucket_of
from okta_wizard.sandbox.routes import OKTA_ROUTES
from okta_wizard.sandbox.server import RunningSandbox, start_sandbox
from tests.sandbox import okta_reference as ref

RATE_HEADERS = ("x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset")
ID = re.compile(r"\b(?:0oa|00g|ocs|00u|00o)[0-9A-Za-z]{17}\b")
# Filler apps, so that a page of the sandbox's app list is as full as a real org's.
FILLERS = ("Replay filler A", "Replay filler B", "Replay filler C")


# The sandbox's route templates, plus one it does not serve that the recordings call.
_TEMPLATES = sorted({r for _, r, _ in OKTA_ROUTES} | {"/api/v1/apps/{id}/credentials/jwks"})
_MATCHERS = [
    (t, re.compile("^" + re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(t)) + "$")) for t in _TEMPLATES
]


def template(method: str, path: str) -> str:
    """`GET /api/v1/apps/0oa…/groups/00g…` -> `GET /api/v1/apps/{id}/groups/{gid}`."""
    path = path.rstrip("/") or "/"
    route = next((t for t, matcher in _MATCHERS if matcher.match(path)), path)
    return f"{method} {route}"


def _parse_list(parser: Callable[[object], list[Any]], prefix: str) -> Callable[[Any], list[str]]:
    def check(body: Any) -> list[str]:
        parsed = parser(body)
        if not isinstance(body, list):
            return ["not a list"]
        problems = [] if len(parsed) == len(body) else [f"{len(parsed)} of {len(body)} read"]
        ids = [getattr(p, "id", p) for p in parsed]
        problems += [f"id {i!r}" for i in ids if not str(i).startswith(prefix)]
        return problems

    return check


def _parse_app(body: Any) -> list[str]:
    app = parse.app_from_json(body)
    if app is None:
        return ["no app"]
    problems = [] if app.id == body["id"] and app.label == body["label"] else ["id or label"]
    if app.sign_on_mode == "OPENID_CONNECT" and not app.client_id:
        problems.append("no client_id")
    return problems


def _parse_created_app(body: Any) -> list[str]:
    problems = _parse_app(body)
    if body.get("signOnMode") == "OPENID_CONNECT" and parse.client_secret_in_app_json(body) is None:
        problems.append("no client_secret in the create answer")
    return problems


def _parse_secret(body: Any) -> list[str]:
    secret = parse.secret_from_json(body)
    return [] if secret is not None and secret.value is not None else ["no secret value"]


def _parse_org(body: Any) -> list[str]:
    info = parse.org_info_from_json(body, "https://x")
    return [] if info.id.startswith("00o") and info.pipeline in ("idx", "v1") else ["org info"]


def _parse_roles(body: Any) -> list[str]:
    roles = parse.roles_from_json(body if isinstance(body, list) else [body])
    return [] if roles and all(r.type for r in roles) else ["no roles"]


def _parse_discovery(body: Any) -> list[str]:
    return [] if parse.discovery_from_json(body) is not None else ["no issuer"]


def _parse_nothing(body: Any) -> list[str]:
    return []


# Every route the product calls (okta_wizard/okta/gateway.py), with the parser it uses on a
# success. Errors of any of them go through errors.error_for_response.
PRODUCT_ROUTES: dict[str, Callable[[Any], list[str]]] = {
    "GET /.well-known/okta-organization": _parse_org,
    "GET /api/v1/apps": _parse_list(parse.apps_from_json, "0oa"),
    "POST /api/v1/apps": _parse_created_app,
    "GET /api/v1/apps/{id}": _parse_app,
    "PUT /api/v1/apps/{id}": _parse_created_app,
    "DELETE /api/v1/apps/{id}": _parse_nothing,
    "POST /api/v1/apps/{id}/lifecycle/activate": _parse_nothing,
    "POST /api/v1/apps/{id}/lifecycle/deactivate": _parse_nothing,
    "GET /api/v1/apps/{id}/credentials/secrets": _parse_list(parse.secrets_from_json, "ocs"),
    "POST /api/v1/apps/{id}/credentials/secrets": _parse_secret,
    "POST /api/v1/apps/{id}/credentials/secrets/{sid}/lifecycle/deactivate": _parse_secret,
    "PUT /api/v1/apps/{id}/groups/{gid}": _parse_nothing,
    "GET /api/v1/apps/{id}/groups": _parse_list(parse.assigned_group_ids_from_json, "00g"),
    "GET /api/v1/groups": _parse_list(parse.groups_from_json, "00g"),
    "GET /api/v1/users/{id}": _parse_nothing,
    "GET /api/v1/users/{id}/roles": _parse_roles,
    # The product lists a client's roles; the recordings hold single ones, in the same shape.
    "GET /oauth2/v1/clients/{id}/roles": _parse_roles,
    "GET /oauth2/v1/clients/{id}/roles/{rid}": _parse_roles,
    "GET /.well-known/openid-configuration": _parse_discovery,
    "POST /oauth2/v1/introspect": _parse_nothing,
    "POST /oauth2/v1/token": _parse_nothing,
}
# Routes the replay sends (they change state or spend rate limit) without comparing them.
SENT_ONLY_ROUTES = {
    "GET /api/v1/groups/{gid}", "GET /api/v1/apps/{id}/groups/{gid}",
    "DELETE /api/v1/apps/{id}/groups/{gid}", "POST /api/v1/apps/{id}/credentials/jwks",
    "GET /api/v1/apps/{id}/credentials/secrets/{sid}",
    "POST /api/v1/apps/{id}/credentials/secrets/{sid}/lifecycle/activate",
    "DELETE /api/v1/apps/{id}/credentials/secrets/{sid}", "POST /oauth2/v1/clients/{id}/roles",
    "DELETE /oauth2/v1/clients/{id}/roles/{rid}",
}  # fmt: skip


@dataclass
class Result:
    """What one cassette's replay found."""

    cassette: str
    replayed: int = 0  # recorded answers read by the product's parsing
    compared: int = 0  # recorded answers compared with the sandbox's
    sent_only: int = 0
    skipped: int = 0  # routes neither the product nor the sandbox has (policies, internal)
    rate_windows_compared: int = 0  # answers whose remaining and reset were checked
    differences: list[str] = field(default_factory=list)
    parse_problems: list[str] = field(default_factory=list)


@dataclass
class _Window:
    recorded_remaining: int
    recorded_reset: int
    remaining: int
    reset: int


def _rate(headers: dict[str, list[str]] | httpx.Headers) -> tuple[int, int, int] | None:
    values = []
    for name in RATE_HEADERS:
        raw = headers.get(name)
        if isinstance(raw, list):
            raw = raw[0] if raw else None
        if raw is None:
            return None
        values.append(int(raw))
    return values[0], values[1], values[2]


def _link_rels(values: list[str]) -> list[str]:
    return [m.group(1) for v in values for m in re.finditer(r'rel="?(\w+)"?', v)]


def _recorded_in_2025_or_later(recorded: ref.Recorded) -> bool:
    date = recorded.header("date") or ""
    return bool(re.search(r"\b20(2[5-9]|[3-9]\d)\b", date))


def _developer_org(cassette: str) -> bool:
    """The SDK's 2025-2026 cassettes come from a developer org and kept their rate headers."""
    first = ref.recordings(cassette)[0]
    return cassette.startswith("cassettes/") and _recorded_in_2025_or_later(first)


def _cap_reached(sb: RunningSandbox) -> None:
    sb.org.max_apps = sb.org.app_count()


# The recorded org's state the sandbox cannot know, set before the interaction that shows it.
STATE_BEFORE: dict[tuple[str, int], Callable[[RunningSandbox], None]] = {
    # The developer org had reached its app-instance cap when the second create came.
    ("cassettes/TestApplicationsResource.test_list_applications_pagination_with_after.yaml", 1):
        _cap_reached,
}  # fmt: skip


class Replayer:
    def __init__(self, cassette: str, sandbox: RunningSandbox) -> None:
        self.cassette = cassette
        self.sb = sandbox
        self.ids: dict[str, str] = {}
        self.windows: dict[str, _Window] = {}
        self.result = Result(cassette)
        headers = {"Authorization": f"SSWS{sandbox.token}", "Accept": "application/json"}
        self.client = httpx.Client(base_url=sandbox.base_url, headers=headers, timeout=10)
        self.rates_compared = _developer_org(cassette)

    def _map(self, text: str) -> str:
        return ID.sub(lambda m: self.ids.get(m.group(0), m.group(0)), text)

    def run(self) -> Result:
        try:
            for recorded in ref.recordings(self.cassette):
                self._one(recorded)
        finally:
            self.client.close()
        return self.result

    def _one(self, recorded: ref.Recorded) -> None:
        key = template(recorded.method, recorded.path)
        before = STATE_BEFORE.get((self.cassette, recorded.index))
        if before is not None:
            before(self.sb)
        if key == "POST /api/v1/groups":
            self._add_group(recorded)
            self.result.skipped += 1
            return
        compared = key in PRODUCT_ROUTES
        if compared:
            self._parse(recorded, key)
        elif key not in SENT_ONLY_ROUTES:
            self.result.skipped += 1
            return
        answer = self._send(recorded)
        self._learn_ids(recorded.json() if _is_json(recorded.text) else None, answer)
        if compared:
            self.result.compared += 1
            self._compare(recorded, key, answer)
        else:
            self.result.sent_only += 1

    def _add_group(self, recorded: ref.Recorded) -> None:
        """The sandbox does not serve group creation: add the recorded group to its org."""
        real = recorded.json()
        profile = real.get("profile") or {}
        group = self.sb.org.add_group(str(profile.get("name")), profile.get("description"))
        self.ids[str(real["id"])] = group.id

    def _parse(self, recorded: ref.Recorded, key: str) -> None:
        self.result.replayed += 1
        where = recorded.where
        body = recorded.json() if _is_json(recorded.text) else None
        if recorded.status >= 400:
            err = error_for_response(recorded.status, body, action="replay")
            code = body.get("errorCode") if isinstance(body, dict) else None
            if err.error_code != code or err.status != recorded.status:
                self.result.parse_problems.append(f"{where}: error {err!r}")
            return
        if recorded.status == 204 or body is None:
            return
        problems = PRODUCT_ROUTES[key](body)
        self.result.parse_problems += [f"{where}: {p}" for p in problems]

    def _send(self, recorded: ref.Recorded) -> httpx.Response:
        path = self._map(recorded.path)
        query = [(k, self._map(v)) for k, v in parse_qsl(recorded.query, keep_blank_values=True)]
        body = self._map(recorded.request_body) if recorded.request_body.strip() else None
        if body is None and recorded.method == "POST" and recorded.path == "/api/v1/apps":
            from tests.sandbox.conftest import UPFLOW_APP  # the 2020 recordings kept no body

            body = json.dumps(UPFLOW_APP)
        url = path + (f"?{urlencode(query)}" if query else "")
        headers = {"Content-Type": "application/json"} if body else {}
        return self.client.request(
            recorded.method, url, content=body.encode() if body else None, headers=headers
        )

    def _learn_ids(self, real: Any, ours: httpx.Response) -> None:
        if not isinstance(real, dict) or not ours.content:
            return
        try:
            mine = ours.json()
        except ValueError:
            return
        if isinstance(mine, dict) and "id" in real and "id" in mine:
            self.ids.setdefault(str(real["id"]), str(mine["id"]))

    def _compare(self, recorded: ref.Recorded, key: str, ours: httpx.Response) -> None:
        where = recorded.where
        diffs: list[str] = []
        if ours.status_code != recorded.status:
            self.result.differences.append(
                f"{where}: status {ours.status_code}, Okta {recorded.status}"
            )
            return
        real_body = recorded.json() if _is_json(recorded.text) else None
        our_body = ours.json() if ours.content else None
        real_code = real_body.get("errorCode") if isinstance(real_body, dict) else None
        our_code = our_body.get("errorCode") if isinstance(our_body, dict) else None
        if recorded.status >= 400 and real_code != our_code:
            diffs.append(f"errorCode {our_code}, Okta {real_code}")
        expected = {"x-okta-request-id", "date", *RATE_HEADERS}
        if ours.content:
            expected.add("content-type")
        missing = sorted(expected - set(ours.headers))
        if missing:
            diffs.append(f"missing headers {missing}")
        diffs += self._compare_rate(recorded, key, ours)
        real_links = _link_rels(recorded.headers.get("link", []))
        our_links = _link_rels(ours.headers.get_list("link"))
        if real_links != our_links:
            diffs.append(f"Link rels {our_links}, Okta {real_links}")
        diffs += [f"shape {d}" for d in ref.shape_differences(real_body, our_body)]
        self.result.differences += [f"{where}: {d}" for d in diffs]

    def _compare_rate(self, recorded: ref.Recorded, key: str, ours: httpx.Response) -> list[str]:
        real = _rate(recorded.headers)
        mine = _rate(ours.headers)
        if real is None:
            return []  # terraform's recorder stripped them
        if mine is None:
            return ["no x-rate-limit-* headers"]
        if not self.rates_compared:
            return []
        diffs = [] if real[0] == mine[0] else [f"x-rate-limit-limit {mine[0]}, Okta {real[0]}"]
        bucket = bucket_of(key).name
        last = self.windows.get(bucket)
        if last is not None and last.recorded_reset == real[2]:
            # Within one recorded window: the same count spent, one reset for the bucket.
            if last.recorded_remaining - real[1] != last.remaining - mine[1]:
                diffs.append(
                    f"remaining fell by {last.remaining - mine[1]} in bucket {bucket}, "
                    f"Okta's by {last.recorded_remaining - real[1]}"
                )
            if mine[2] != last.reset:
                diffs.append(f"a second reset time in bucket {bucket}")
            self.result.rate_windows_compared += 1
        self.windows[bucket] = _Window(real[1], real[2], mine[1], mine[2])
        return diffs


def _is_json(text: str) -> bool:
    return text.strip().startswith(("{", "["))


@contextmanager
def sandbox_for(cassette: str) -> Iterator[RunningSandbox]:
    """A fresh org: the developer preset for the developer org's cassettes, the Classic
    engine for terraform's Classic org, filler apps so that app pages are as full."""
    engine = "classic" if "classic-00" in cassette else "identity"
    limits = "developer" if _developer_org(cassette) else None
    sb = start_sandbox(rate_limits=limits, engine=engine)
    try:
        for label in FILLERS:
            sb.org.add_oidc_app(label)
        yield sb
    finally:
        sb.stop()


def replay(cassette: str) -> Result:
    with sandbox_for(cassette) as sb:
        return Replayer(cassette, sb).run()

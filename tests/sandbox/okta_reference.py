"""Okta's OpenAPI spec and recorded traffic, loaded once, for the sandbox contract tests.

The spec is OpenAPI 3.0: `nullable` and `discriminator` are not JSON Schema, so schemas are
converted (nullable -> a "null" type; oneOf + discriminator -> anyOf, since a body may match
several members; also where the spec put the discriminator beside an array's `items`). Real
Okta also sends `null` in fields the spec does not mark nullable (`errorRedirectUrl`,
`logo_uri`, ...): such a null is tolerated only at a path where a recorded real response had
null too.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from jsonschema import Draft202012Validator

# Copies kept in the repository (tests/fixtures/okta-reference/README.md says where from).
REFERENCE = Path(__file__).resolve().parents[1] / "fixtures" / "okta-reference"
SPEC = REFERENCE / "management-api.yaml"  # trimmed by scripts/trim_okta_spec.py
CASSETTES = REFERENCE / "cassettes"  # okta-sdk-python's VCR recordings
TERRAFORM = REFERENCE / "terraform-vcr"  # terraform-provider-okta's, a Classic and an OIE org
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _convert(node: Any) -> Any:
    if isinstance(node, list):
        return [_convert(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _convert(v) for k, v in node.items() if k not in ("discriminator", "example")}
    if "discriminator" in node and "oneOf" in out:
        out["anyOf"] = out.pop("oneOf")
    items = out.get("items")
    if "discriminator" in node and isinstance(items, dict) and "oneOf" in items:
        # listRolesForClient puts the discriminator beside `items`, not inside it.
        items["anyOf"] = items.pop("oneOf")
    if out.pop("nullable", False) is True:
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
            if "enum" in out:
                out["enum"] = [*out["enum"], None]
        else:
            out = {"anyOf": [{"type": "null"}, out]}
    return out


@functools.cache
def spec() -> dict[str, Any]:
    with SPEC.open(encoding="utf-8") as fh:
        raw = yaml.load(fh, Loader=_Loader)  # noqa: S506 (a safe loader, C or Python)
    return {"paths": raw["paths"], "components": _convert(raw["components"])}


def _template(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


@functools.cache
def _operations() -> dict[tuple[str, str], dict[str, Any]]:
    ops: dict[tuple[str, str], dict[str, Any]] = {}
    for path, item in spec()["paths"].items():
        for method, op in item.items():
            if isinstance(op, dict) and "responses" in op:
                ops[(method.upper(), _template(path))] = op
    return ops


# Where recorded real answers contradict the spec's status, the body is the spec's: real Okta
# answers 201 to assignRoleToClient (terraform's recording), the spec documents 200.
RECORDED_STATUS = {("POST", "/oauth2/v1/clients/{}/roles", 201): 200}


def response_schema(method: str, route: str, status: int) -> dict[str, Any] | None:
    """The JSON schema of a response, from the spec; None when the spec has no body for it."""
    op = _operations().get((method, _template(route)))
    if op is None:
        raise KeyError(f"{method} {route} is not in the Management API spec")
    status = RECORDED_STATUS.get((method, _template(route), status), status)
    response = op["responses"].get(str(status))
    if response is None and status >= 400:
        # The spec omits some errors real Okta sends (a 401 on any route): its Error schema.
        return named_schema("Error")
    if response is None:
        raise KeyError(f"{method} {route} has no {status} response in the spec")
    if "$ref" in response:
        response = spec()["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    content = response.get("content", {}).get("application/json")
    return _convert(content["schema"]) if content else None


def schema_errors(instance: Any, schema: dict[str, Any]) -> list[Any]:
    document = {**schema, "components": spec()["components"]}
    validator = Draft202012Validator(document)
    return list(validator.iter_errors(instance))


def named_schema(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


# ------------------------------------------------------------------ recorded traffic
def interactions(name: str) -> list[dict[str, Any]]:
    """The raw interactions of one okta-sdk-python cassette (vcrpy format)."""
    with (CASSETTES / name).open(encoding="utf-8") as fh:
        return list(yaml.load(fh, Loader=_Loader)["interactions"])  # noqa: S506


def body_of(interaction: dict[str, Any]) -> Any:
    text = interaction["response"]["body"]["string"]
    return json.loads(text) if text else None


@dataclass(frozen=True)
class Recorded:
    """One recorded request and Okta's answer, from either cassette format: vcrpy (the SDK's:
    `request.uri`, `response.status.code`, `response.body.string`) or go-vcr v2 (terraform's:
    `request.url`, `response.code`, `response.body`; most headers stripped)."""

    cassette: str  # path under tests/fixtures/okta-reference/
    index: int
    method: str
    url: str
    request_body: str
    status: int
    headers: dict[str, list[str]]  # lower-case names
    text: str

    @property
    def path(self) -> str:
        return urlsplit(self.url).path

    @property
    def query(self) -> str:
        return urlsplit(self.url).query

    def json(self) -> Any:
        return json.loads(self.text) if self.text.strip() else None

    def header(self, name: str) -> str | None:
        values = self.headers.get(name.lower())
        return values[0] if values else None

    @property
    def where(self) -> str:
        return f"{self.cassette}#{self.index} {self.method} {self.path}"


def _headers(raw: dict[str, Any] | None) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, value in (raw or {}).items():
        values = value if isinstance(value, list) else [value]
        out.setdefault(name.lower(), []).extend(str(v) for v in values)
    return out


def _recorded(cassette: str, index: int, item: dict[str, Any]) -> Recorded:
    request, response = item["request"], item["response"]
    if "uri" in request:  # vcrpy
        status = int(response["status"]["code"])
        text = response["body"]["string"] or ""
        url = request["uri"]
    else:  # go-vcr
        status, text, url = int(response["code"]), response.get("body") or "", request["url"]
    body = request.get("body")
    return Recorded(
        cassette=cassette,
        index=index,
        method=request["method"],
        url=url,
        request_body=body if isinstance(body, str) else "",
        status=status,
        headers=_headers(response.get("headers")),
        text=text if isinstance(text, str) else "",
    )


@functools.cache
def recordings(cassette: str) -> tuple[Recorded, ...]:
    """`cassettes/X.yaml` or `terraform-vcr/Test/classic-00.yaml`, in recorded order."""
    with (REFERENCE / cassette).open(encoding="utf-8") as fh:
        items = yaml.load(fh, Loader=_Loader)["interactions"]  # noqa: S506
    return tuple(_recorded(cassette, n, item) for n, item in enumerate(items))


def every_cassette() -> list[str]:
    """Both sets: the SDK's 10 cassettes and terraform's recordings of two orgs."""
    names = sorted(p.relative_to(REFERENCE).as_posix() for p in CASSETTES.glob("*.yaml"))
    names += sorted(p.relative_to(REFERENCE).as_posix() for p in TERRAFORM.glob("*/*.yaml"))
    return names


def _null_paths(node: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    if node is None:
        yield path
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _null_paths(value, (*path, key))
    elif isinstance(node, list):
        for item in node:
            yield from _null_paths(item, (*path, "*"))


@functools.cache
def recorded_null_paths() -> frozenset[tuple[str, ...]]:
    """Every field path where a real recorded response carried null (list indices as "*")."""
    paths: set[tuple[str, ...]] = set()
    for cassette in every_cassette():
        for recorded in recordings(cassette):
            if recorded.text.strip().startswith(("{", "[")):
                paths.update(_null_paths(recorded.json()))
    return frozenset(paths)


def real_errors(instance: Any, schema: dict[str, Any]) -> list[str]:
    """Schema errors, minus nulls real Okta also sends at that path."""
    tolerated = recorded_null_paths()
    out = []
    for error in schema_errors(instance, schema):
        where = tuple("*" if isinstance(p, int) else str(p) for p in error.absolute_path)
        if error.instance is None and where in tolerated:
            continue
        if error.validator in ("anyOf", "oneOf", "allOf") and _only_tolerated(error, tolerated):
            continue
        out.append(f"{'/'.join(where) or '<root>'}: {error.message[:200]}")
    return out


def _only_tolerated(error: Any, tolerated: frozenset[tuple[str, ...]]) -> bool:
    """A combinator failed only because of tolerated nulls in every branch it tried."""
    leaves = [e for e in error.context or [] if not e.context]
    if not leaves:
        return False
    for leaf in leaves:
        where = tuple("*" if isinstance(p, int) else str(p) for p in leaf.absolute_path)
        if not (leaf.instance is None and where in tolerated):
            return False
    return True


def shape_differences(real: Any, ours: Any, path: str = "") -> list[str]:
    """Where `ours` lacks a field of `real` or has another JSON type (null matches anything)."""
    if real is None or ours is None:
        return []
    if isinstance(real, dict):
        if not isinstance(ours, dict):
            return [f"{path or '<root>'}: expected an object"]
        diffs = []
        for key, value in real.items():
            if key not in ours:
                diffs.append(f"{path}.{key}: missing")
            else:
                diffs += shape_differences(value, ours[key], f"{path}.{key}")
        return diffs
    if isinstance(real, list):
        if not isinstance(ours, list):
            return [f"{path}: expected a list"]
        return shape_differences(real[0], ours[0], f"{path}[0]") if real and ours else []
    if type(real) is not type(ours) and not {type(real), type(ours)} <= {int, float}:
        return [f"{path}: {type(real).__name__} in Okta, {type(ours).__name__} here"]
    return []

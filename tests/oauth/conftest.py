"""Fixtures for the service-app tests: a standalone authorization server on loopback, keys."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.typedefs import Handler

from okta_wizard.okta.credentials import ServiceAppKey
from okta_wizard.orgurl import OrgUrl, parse_org_url
from okta_wizard.sandbox.oauth import (
    GeneratedServiceApp,
    OAuthRegistry,
    add_oauth_routes,
    authenticate_request,
)
from tests.setup.conftest import org  # noqa: F401  (the end-to-end fixture)

REGISTRY: web.AppKey[OAuthRegistry] = web.AppKey("registry_for_tests", OAuthRegistry)
PROTECTED = {
    ("GET", "/api/v1/apps"): "GET /api/v1/apps",
    ("POST", "/api/v1/apps"): "POST /api/v1/apps",
    ("GET", "/api/v1/groups"): "GET /api/v1/groups",
}


@dataclass
class AuthServer:
    """A loopback aiohttp app with the token endpoint and three protected routes."""

    base_url: str
    registry: OAuthRegistry
    connections: list[tuple[str, int]] = field(default_factory=list)  # (request, client port)

    @property
    def org_url(self) -> OrgUrl:
        return parse_org_url(self.base_url)

    @property
    def token_url(self) -> str:
        return self.base_url + "/oauth2/v1/token"


async def _protected(request: web.Request) -> web.StreamResponse:
    route_key = PROTECTED[(request.method, request.path)]
    result = authenticate_request(request, route_key, request.app[REGISTRY])
    if isinstance(result, web.StreamResponse):
        return result
    return web.json_response({"client_id": result.client_id, "route": route_key})


@pytest.fixture
async def auth_server() -> AsyncIterator[AuthServer]:
    registry = OAuthRegistry()
    connections: list[tuple[str, int]] = []

    @web.middleware
    async def note_connection(request: web.Request, handler: Handler) -> web.StreamResponse:
        peer = request.transport.get_extra_info("peername") if request.transport else None
        connections.append((f"{request.method} {request.path}", peer[1] if peer else 0))
        return await handler(request)

    app = web.Application(middlewares=[note_connection])
    app[REGISTRY] = registry
    add_oauth_routes(app, registry)
    for method, path in PROTECTED:
        app.router.add_route(method, path, _protected)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield AuthServer(f"http://127.0.0.1:{port}", registry, connections)
    finally:
        await runner.cleanup()


def write_key(folder: Path, text: str, name: str = "service-app.pem", mode: int = 0o600) -> Path:
    """The key file an admin points --private-key at (owner-only, like a careful admin's)."""
    path = folder / name
    path.write_text(text)
    os.chmod(path, mode)
    return path


@pytest.fixture
def key_file(tmp_path: Path) -> Callable[[GeneratedServiceApp], Path]:
    def make(generated: GeneratedServiceApp) -> Path:
        return write_key(tmp_path, generated.private_key_pem.reveal())

    return make


def credential_for(generated: GeneratedServiceApp, path: Path, **kw: object) -> ServiceAppKey:
    return ServiceAppKey(client_id=generated.client_id, private_key_path=path, **kw)  # type: ignore[arg-type]

"""A real aiohttp server on loopback carrying the sandbox's PrivateBin endpoint.

Kept here (not the shared sandbox fixture) so the hand-off tests run on their own; the
endpoint is the same code the sandbox server mounts at /secrets/.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import pytest
from aiohttp import web

from okta_wizard.sandbox.privatebin import PRIVATEBIN_STORE, PasteStore, add_privatebin_routes


@dataclass
class PasteServer:
    origin: str  # http://127.0.0.1:PORT
    secrets_url: str  # origin + "/secrets/"
    store: PasteStore


async def _serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, f"http://127.0.0.1:{port}"


@pytest.fixture
async def paste_server() -> AsyncIterator[PasteServer]:
    app = web.Application()
    add_privatebin_routes(app, "/secrets/")
    runner, origin = await _serve(app)
    try:
        yield PasteServer(origin, origin + "/secrets/", app[PRIVATEBIN_STORE])
    finally:
        await runner.cleanup()


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@pytest.fixture
async def impostor() -> AsyncIterator[Callable[[Handler], Awaitable[tuple[str, list[str]]]]]:
    """Start a server that is not PrivateBin; returns its URL and the request log."""
    runners: list[web.AppRunner] = []

    async def start(handler: Handler) -> tuple[str, list[str]]:
        seen: list[str] = []

        async def logged(request: web.Request) -> web.StreamResponse:
            body = await request.read()
            seen.append(f"{request.method} {request.path_qs} {body.decode(errors='replace')}")
            return await handler(request)

        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", logged)
        runner, origin = await _serve(app)
        runners.append(runner)
        return origin + "/", seen

    yield start
    for runner in runners:
        await runner.cleanup()

"""Every one-time link is encrypted with a fresh IV and a fresh salt, of PrivateBin's sizes.

A fixed AES-GCM IV (a nonce reused under keys an attacker can relate) or a fixed PBKDF2 salt
(one precomputation for every password-protected link) still decrypts, so round-trip tests
cannot see it. Here the IV and the salt are read from what the server received: the `adata`
of each posted paste, taken from the raw request body on a PrivateBin-compatible endpoint
(the sandbox's, over real HTTP on loopback) that records every POST. The same text is
encrypted several times, through the library and through `okta-wizard send`.
"""

from __future__ import annotations

import asyncio
import base64
import json
import threading
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web

from okta_wizard.handoff.privatebin import create_link
from okta_wizard.sandbox.privatebin import add_privatebin_routes
from okta_wizard.secret import Secret
from tests.setup import conftest as e2e
from tests.setup.conftest import Org

org = e2e.org  # the end-to-end fixture: the sandbox org over HTTP, the real Secret Service
Cap = pytest.CaptureFixture[str]
IV_BYTES, SALT_BYTES = 16, 8  # PrivateBin v2: spec[0] is the IV, spec[1] the PBKDF2 salt
SAME_TEXT = Secret("client_secret: the-same-plaintext-every-time-3f9c")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class PostedPaste:
    """A paste creation as the server received it: the JSON of the raw request body."""

    body: dict[str, Any]

    @property
    def spec(self) -> list[Any]:
        spec: list[Any] = self.body["adata"][0]
        return spec

    @property
    def iv(self) -> bytes:
        return base64.b64decode(self.spec[0], validate=True)

    @property
    def salt(self) -> bytes:
        return base64.b64decode(self.spec[1], validate=True)


@dataclass
class RecordingPasteServer:
    """The sandbox's PrivateBin endpoint behind a recorder, on its own loop in a thread (so
    in-process CLI runs, which start their own event loop, can post to it)."""

    secrets_url: str = ""
    posted: list[PostedPaste] = field(default_factory=list)

    def created(self) -> list[PostedPaste]:
        return [p for p in self.posted if "adata" in p.body]  # not the delete requests


@web.middleware
async def _record(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.method == "POST":
        raw = await request.read()  # aiohttp keeps the body for the handler
        request.app[RECORDER].posted.append(PostedPaste(json.loads(raw)))
    return await handler(request)


RECORDER: web.AppKey[RecordingPasteServer] = web.AppKey("recorder", RecordingPasteServer)


@pytest.fixture
def paste_server() -> Iterator[RecordingPasteServer]:
    recorder = RecordingPasteServer()
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    runner_box: list[web.AppRunner] = []

    async def serve() -> None:
        app = web.Application(middlewares=[_record])
        app[RECORDER] = recorder
        add_privatebin_routes(app, "/secrets/")
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        runner_box.append(runner)
        recorder.secrets_url = f"http://127.0.0.1:{runner.addresses[0][1]}/secrets/"

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(serve())
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=run, name="recording-paste-server", daemon=True)
    thread.start()
    assert ready.wait(30), "the paste server did not start"
    try:
        yield recorder
    finally:
        asyncio.run_coroutine_threadsafe(runner_box[0].cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)


def assert_fresh(pastes: list[PostedPaste]) -> None:
    assert len(pastes) >= 2, "two encryptions of the same text are needed to compare"
    for paste in pastes:
        assert len(paste.iv) == IV_BYTES, paste.spec
        assert len(paste.salt) == SALT_BYTES, paste.spec
        assert paste.spec[2:8] == [100_000, 256, 128, "aes", "gcm", "zlib"], paste.spec
    ivs = [p.iv for p in pastes]
    salts = [p.salt for p in pastes]
    assert len(set(ivs)) == len(ivs), "an AES-GCM IV was used twice"
    assert len(set(salts)) == len(salts), "a PBKDF2 salt was used twice"
    assert b"\0" * IV_BYTES not in ivs and b"\0" * SALT_BYTES not in salts
    cts = [p.body["ct"] for p in pastes]
    assert len(set(cts)) == len(cts), "the same text gave the same ciphertext"


async def test_the_same_text_twice_gets_a_new_iv_and_salt(
    paste_server: RecordingPasteServer,
) -> None:
    links = [await create_link(paste_server.secrets_url, SAME_TEXT) for _ in range(3)]
    keys = {link.url.reveal().partition("#")[2] for link in links}
    assert len(keys) == 3, "a new key for every link"
    assert_fresh(paste_server.created())


async def test_password_protected_links_get_a_new_salt_too(
    paste_server: RecordingPasteServer,
) -> None:
    """With a password, a repeated salt would let one PBKDF2 table attack every link."""
    password = Secret("the-same-link-password")
    for _ in range(2):
        await create_link(paste_server.secrets_url, SAME_TEXT, password=password)
    assert_fresh(paste_server.created())


def test_two_sends_of_one_setup_get_a_new_iv_and_salt(
    org: Org, capsys: Cap, paste_server: RecordingPasteServer
) -> None:
    """`okta-wizard send` twice: the same message (same client secret) encrypted twice."""
    assert org.run(capsys, "apply", "--group", "Finance")[0] == 0
    for _ in range(2):
        code, _, err = org.run(
            capsys, "send", "--reveal", "--secrets-url", paste_server.secrets_url
        )
        assert code == 0, err
    assert_fresh(paste_server.created())


def test_the_check_sees_a_reused_iv_or_salt() -> None:
    """The comparison itself can fail: the same spec twice is refused."""
    spec = [base64.b64encode(b"i" * 16).decode(), base64.b64encode(b"s" * 8).decode()]
    body = {"adata": [[*spec, 100_000, 256, 128, "aes", "gcm", "zlib"], "plaintext", 0, 1]}
    same = [PostedPaste({**body, "ct": "a"}), PostedPaste({**body, "ct": "b"})]
    with pytest.raises(AssertionError, match="IV was used twice"):
        assert_fresh(same)

"""The loopback listener: one request on the expected path with the expected state; the rest 400.

Real sockets on 127.0.0.1 and ::1, real HTTP from httpx; no Okta involved.
"""

from __future__ import annotations

import asyncio
import socket

import httpx
import pytest

from okta_wizard.savedfile import TEST_REDIRECT_URI
from okta_wizard.setup.loopback import CALLBACK_PATH, LoopbackListener, page

STATE = "expected-state-0123456789"


def _has_ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
    except OSError:
        return False
    return True


async def _get(url: str) -> httpx.Response:
    async with httpx.AsyncClient(timeout=10, trust_env=False) as client:
        return await client.get(url)


async def test_the_redirect_uri_is_localhost_on_the_port_both_families_answer() -> None:
    listener = await LoopbackListener.start(STATE)
    try:
        assert listener.redirect_uri == f"http://localhost:{listener.port}{CALLBACK_PATH}"
        assert TEST_REDIRECT_URI.fullmatch(listener.redirect_uri)  # what the journal accepts
        expected = ("127.0.0.1", "::1") if _has_ipv6_loopback() else ("127.0.0.1",)
        assert listener.addresses == expected
        for host in ("127.0.0.1", "[::1]")[: len(expected)]:
            bad = await _get(f"http://{host}:{listener.port}{CALLBACK_PATH}?state=wrong&code=x")
            assert bad.status_code == 400  # both addresses are served
    finally:
        await listener.close()


@pytest.mark.parametrize(
    "target",
    [
        f"{CALLBACK_PATH}?code=c&state=wrong",
        f"{CALLBACK_PATH}?code=c",
        f"{CALLBACK_PATH}?state={STATE}",  # neither code nor error
        f"{CALLBACK_PATH}?code=c&state={STATE}&state={STATE}",
        f"/other?code=c&state={STATE}",
        f"{CALLBACK_PATH}/x?code=c&state={STATE}",
        "/favicon.ico",
    ],
)
async def test_anything_but_the_expected_request_gets_400_and_is_ignored(target: str) -> None:
    listener = await LoopbackListener.start(STATE)
    try:
        response = await _get(f"http://127.0.0.1:{listener.port}{target}")
        assert response.status_code == 400
        assert "code" not in response.text
        with pytest.raises(TimeoutError):
            await listener.wait(0.2)  # still waiting for the real one
        assert listener.ignored == 1
    finally:
        await listener.close()


async def test_a_post_gets_400() -> None:
    listener = await LoopbackListener.start(STATE)
    try:
        async with httpx.AsyncClient(trust_env=False) as client:
            url = f"http://127.0.0.1:{listener.port}{CALLBACK_PATH}?code=c&state={STATE}"
            assert (await client.post(url)).status_code == 400
    finally:
        await listener.close()


async def test_the_one_redirect_is_accepted_then_the_page_and_nothing_more() -> None:
    listener = await LoopbackListener.start(STATE)
    url = f"http://localhost:{listener.port}{CALLBACK_PATH}?code=the-code&state={STATE}"
    try:
        browser = asyncio.create_task(_get(url))
        redirect = await listener.wait(10)
        assert redirect.ok and redirect.code is not None
        assert redirect.code.reveal() == "the-code" and "the-code" not in repr(redirect)
        listener.answer(page("Signed in", ["Signed in as <b>Ana</b>\x1b[2J."]))
        response = await browser
        assert response.status_code == 200
        assert "Signed in as &lt;b&gt;Ana&lt;/b&gt;\\x1b[2J." in response.text  # text, escaped
        assert response.headers["referrer-policy"] == "no-referrer"
        assert "default-src 'none'" in response.headers["content-security-policy"]
        with pytest.raises(httpx.ConnectError):  # it stopped listening
            await _get(url)
    finally:
        await listener.close()


async def test_an_error_redirect_is_accepted_with_its_description_made_safe() -> None:
    listener = await LoopbackListener.start(STATE)
    try:
        target = (
            f"{CALLBACK_PATH}?error=access_denied&error_description=User+is+not%1b%5b2J+assigned"
            f"&state={STATE}"
        )
        browser = asyncio.create_task(_get(f"http://127.0.0.1:{listener.port}{target}"))
        redirect = await listener.wait(10)
        assert not redirect.ok and redirect.code is None
        assert redirect.error == "access_denied"
        assert redirect.error_description == "User is not\\x1b[2J assigned"
        listener.answer(page("Did not pass", ["See the terminal."]))
        assert (await browser).status_code == 200
    finally:
        await listener.close()


async def test_close_while_the_browser_waits_answers_it_and_frees_the_port() -> None:
    listener = await LoopbackListener.start(STATE)
    port = listener.port
    browser = asyncio.create_task(
        _get(f"http://127.0.0.1:{port}{CALLBACK_PATH}?code=c&state={STATE}")
    )
    await listener.wait(10)
    await listener.close()
    assert "stopped" in (await browser).text
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # past TIME_WAIT, not LISTEN
        s.bind(("127.0.0.1", port))  # nobody listens there any more
        s.listen()


async def test_an_oversized_request_is_dropped() -> None:
    listener = await LoopbackListener.start(STATE)
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", listener.port)
        writer.write(b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n")
        await writer.drain()
        assert await asyncio.wait_for(reader.read(), 10) == b""
        writer.close()
    finally:
        await listener.close()

"""The loopback listener of a test sign-in: where Okta sends the browser back with the code.

`http://localhost:PORT/okta-wizard/callback`, on a random port, answered on 127.0.0.1 and on
::1 (a browser resolves `localhost` to either). It accepts exactly one request: a `GET` of that
path whose `state` is this test's. Everything else (another path, a wrong or missing state, a
second redirect, a favicon, a scan of the port) gets a 400 and is otherwise ignored. Once the
one redirect came, it stops listening and, when the caller has its verdict, shows the browser a
short page and closes.

Nothing is logged; the code is a `Secret` the moment it is read. Pages carry no external
resource and send no referrer, so the URL with the code in it goes nowhere.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import hmac
import html
import socket
import time
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from okta_wizard.secret import Secret
from okta_wizard.textsafe import visible

CALLBACK_PATH = "/okta-wizard/callback"  # savedfile.TEST_REDIRECT_URI matches what this builds
MAX_REQUEST_BYTES = 16 * 1024
READ_TIMEOUT_S = 10.0  # a connection that sends no request line in time is closed
PAGE_WAIT_S = 300.0  # how long the browser's request is held open for the verdict
_BIND_ATTEMPTS = 8
_HEADERS = (
    "Content-Type: text/html; charset=utf-8\r\n"
    "Cache-Control: no-store\r\n"
    "Referrer-Policy: no-referrer\r\n"
    "Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'\r\n"
    "X-Content-Type-Options: nosniff\r\n"
    "Connection: close\r\n"
)


def redirect_uri_for(port: int) -> str:
    return f"http://localhost:{port}{CALLBACK_PATH}"


@dataclass(frozen=True)
class Redirect:
    """What Okta sent back: a code, or an error (with its description), for our state."""

    code: Secret | None
    error: str
    error_description: str
    received_at: float  # time.perf_counter() when the request was read

    @property
    def ok(self) -> bool:
        return self.code is not None and not self.error


def page(title: str, lines: list[str]) -> str:
    """A short page for the browser; every line is text (escaped here), never markup."""
    body = "".join(f"<p>{html.escape(visible(line))}</p>" for line in lines)
    heading = html.escape(visible(title))
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>{heading}</title><style>body{{font:16px system-ui,sans-serif;margin:3em;"
        "max-width:40em}</style></head>"
        f"<body><h1>{heading}</h1>{body}</body></html>"
    )


class LoopbackListener:
    """Use `await LoopbackListener.start(state)`, then `wait()`, `answer()`, `close()`."""

    def __init__(self, state: str) -> None:
        self._state = state
        self._servers: list[asyncio.Server] = []
        self._writers: set[asyncio.StreamWriter] = set()
        self._responding: asyncio.Task[None] | None = None  # serving the one redirect
        self._redirect: asyncio.Future[Redirect] = asyncio.get_running_loop().create_future()
        self._page: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self.port = 0
        self.addresses: tuple[str, ...] = ()
        self.ignored = 0  # requests answered 400 (for tests)

    @classmethod
    async def start(cls, state: str) -> LoopbackListener:
        listener = cls(state)
        await listener._bind()
        return listener

    @property
    def redirect_uri(self) -> str:
        return redirect_uri_for(self.port)

    async def _bind(self) -> None:
        """One random port free on both loopback addresses (or on 127.0.0.1 alone where the
        machine has no IPv6 loopback: browsers then resolve localhost to 127.0.0.1)."""
        for _ in range(_BIND_ATTEMPTS):
            v4 = await asyncio.start_server(
                self._serve, "127.0.0.1", 0, limit=MAX_REQUEST_BYTES, family=socket.AF_INET
            )
            port = int(v4.sockets[0].getsockname()[1])
            try:
                v6 = await asyncio.start_server(
                    self._serve, "::1", port, limit=MAX_REQUEST_BYTES, family=socket.AF_INET6
                )
            except OSError as exc:
                if exc.errno == errno.EADDRINUSE:
                    v4.close()
                    continue  # taken on ::1 by someone else: another port
                self._servers, self.addresses = [v4], ("127.0.0.1",)
            else:
                self._servers, self.addresses = [v4, v6], ("127.0.0.1", "::1")
            self.port = port
            return
        raise OSError(errno.EADDRINUSE, "no loopback port was free on both 127.0.0.1 and ::1")

    async def wait(self, seconds: float) -> Redirect:
        """The redirect, once it came; TimeoutError after `seconds` without one."""
        return await asyncio.wait_for(asyncio.shield(self._redirect), seconds)

    def answer(self, html_page: str) -> None:
        """The page the browser that sent the redirect sees (once the verdict is known)."""
        if not self._page.done():
            self._page.set_result(html_page)

    async def close(self) -> None:
        """Stop listening and drop every open connection. Safe to call more than once."""
        self._stop_listening()
        if not self._page.done():
            self._page.set_result(page("Test sign-in stopped", ["See the terminal."]))
        responding = self._responding
        if responding is not None and responding is not asyncio.current_task():
            # The browser that sent the redirect gets its page before the socket closes.
            await asyncio.wait([responding], timeout=5)
        for writer in list(self._writers):
            writer.close()
        for server in self._servers:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(server.wait_closed(), 2)
        if not self._redirect.done():
            self._redirect.cancel()

    def _stop_listening(self) -> None:
        for server in self._servers:
            server.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), READ_TIMEOUT_S)
            redirect = self._accept(head)
            if redirect is None:
                self.ignored += 1
                await _respond(writer, "400 Bad Request", "Bad request.", "text/plain")
                return
            self._stop_listening()  # the one redirect came: nobody else is answered
            self._responding = asyncio.current_task()
            self._redirect.set_result(redirect)
            shown = await asyncio.wait_for(asyncio.shield(self._page), PAGE_WAIT_S)
            await _respond(writer, "200 OK", shown)
        except (TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, OSError):
            pass  # a silent, slow or oversized connection: closed, nothing else
        finally:
            self._writers.discard(writer)
            writer.close()

    def _accept(self, head: bytes) -> Redirect | None:
        """The redirect if this is the one request to accept, else None (answered 400)."""
        if self._redirect.done():
            return None
        line = head.split(b"\r\n", 1)[0].decode("latin-1")
        method, _, rest = line.partition(" ")
        target, _, version = rest.partition(" ")
        if method != "GET" or not version.startswith("HTTP/1."):
            return None
        parts = urlsplit(target)
        if parts.path != CALLBACK_PATH:
            return None
        query = parse_qs(parts.query, keep_blank_values=True)
        if any(len(values) != 1 for values in query.values()):
            return None  # a repeated parameter is not what Okta sends
        params = {k: v[0] for k, v in query.items()}
        state = params.get("state", "")
        if not hmac.compare_digest(state.encode(), self._state.encode()):
            return None
        code = params.get("code", "")
        error = visible(params.get("error", ""))[:100]
        if not code and not error:
            return None
        return Redirect(
            code=Secret(code) if code and not error else None,
            error=error,
            error_description=visible(params.get("error_description", ""))[:300],
            received_at=time.perf_counter(),
        )


async def _respond(
    writer: asyncio.StreamWriter, status: str, body: str, content_type: str = ""
) -> None:
    data = body.encode()
    headers = _HEADERS
    if content_type:
        headers = headers.replace("text/html", content_type)
    writer.write(
        f"HTTP/1.1 {status}\r\n{headers}Content-Length: {len(data)}\r\n\r\n".encode() + data
    )
    with contextlib.suppress(OSError):
        await writer.drain()

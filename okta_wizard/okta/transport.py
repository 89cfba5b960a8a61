"""Sending requests to Okta: the SDK's executor for the Management API, httpx for the OIDC
endpoints, one retry loop and one error mapping for both.

Nothing heavy is imported at module level: the SDK (and aiohttp) load on the first Management
API call made with an API token, httpx on the first OIDC or service-app call. A service app's
calls carry what `ServiceAppAuth` (service_app.py) gives, and its token requests go through
this module's httpx client; service_app.py never imports this module.

No exception raised from here chains to a library exception: failures are turned into values
first (`TransportFailure`), so neither the message nor `__context__` can carry a request, its
Authorization header or a token.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from okta_wizard.okta.credentials import ApiToken, Credential, ServiceAppKey
from okta_wizard.okta.errors import (
    ErrorKind,
    OktaError,
    error_for_response,
    rate_limited,
    unavailable,
)
from okta_wizard.okta.retry import (
    RateLimitWait,
    RawResponse,
    TransportFailure,
    WaitBudget,
    WaitListener,
    describe_failure,
    retry_delay,
)
from okta_wizard.orgurl import OrgUrl

if TYPE_CHECKING:
    import httpx

    from okta_wizard.okta.service_app import ServiceAppAuth

Sender = Callable[[], Awaitable[RawResponse | TransportFailure]]
_IDEMPOTENT_METHODS = frozenset({"GET", "PUT", "DELETE", "HEAD"})


class Transport:
    def __init__(
        self,
        org_url: OrgUrl,
        credential: Credential,
        *,
        request_timeout: float,
        max_wait: float,
        calls: Counter[str],
        on_wait: WaitListener | None = None,
    ) -> None:
        self.org_url = org_url
        self.credential = credential
        self.request_timeout = request_timeout
        self.max_wait = max_wait
        self.calls = calls
        self.on_wait = on_wait  # told before each wait for a rate limit
        self.proven = False  # a Management API call was answered 2xx: the credential works
        self._executor: Any = None
        self._session: Any = None
        self._httpx: httpx.AsyncClient | None = None
        self._service_auth: ServiceAppAuth | None = None  # for a ServiceAppKey, on first call
        self._lock = asyncio.Lock()

    @property
    def oauth(self) -> bool:
        return not isinstance(self.credential, ApiToken)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._httpx is not None:
            await self._httpx.aclose()
            self._httpx = None
        if self._service_auth is not None:
            await self._service_auth.aclose()
            self._service_auth = None
        self._executor = None

    # -- the retry loop, shared by both clients
    async def _with_retries(
        self,
        send: Sender,
        *,
        route: str,
        action: str,
        needs: str,
        retry_server_errors: bool,
        accept: frozenset[int],
        management: bool = False,
    ) -> RawResponse:
        budget = WaitBudget(self.max_wait)
        attempt = 0
        while True:
            attempt += 1
            outcome = await send()
            if isinstance(outcome, RawResponse) and (
                200 <= outcome.status < 300 or outcome.status in accept
            ):
                self.proven = self.proven or (management and outcome.status < 300)
                return outcome
            delay = retry_delay(outcome, attempt, retry_server_errors=retry_server_errors)
            if delay is not None and budget.take(attempt, delay):
                if isinstance(outcome, RawResponse) and outcome.status == 429:
                    # Okta did nothing with the call: Ctrl+C during this wait (it cancels
                    # the sleep) leaves nothing half done.
                    self._announce(route, delay)
                await asyncio.sleep(delay)
                continue
            if isinstance(outcome, TransportFailure):
                raise unavailable(action, outcome.why)
            status = outcome.status
            if status == 429:
                raise rate_limited(action, delay or 0.0)
            if management and self.oauth:
                from okta_wizard.okta.service_app import management_error

                raise management_error(
                    status,
                    outcome.json(),
                    outcome.headers,
                    client_id=getattr(self.credential, "client_id", ""),
                    action=action,
                    needs=needs,
                    request_id=outcome.request_id,
                )
            raise error_for_response(
                status,
                outcome.json(),
                action=action,
                request_id=outcome.request_id,
                needs=needs,
                oauth=self.oauth,
            )

    def _announce(self, route: str, delay: float) -> None:
        if self.on_wait is not None:
            self.on_wait(RateLimitWait.starting_now(route, delay))

    # -- Management API, through the SDK's request executor
    async def management(
        self,
        method: str,
        route: str,
        *,
        action: str,
        path_params: dict[str, str] | None = None,
        query: dict[str, str | int] | None = None,
        body: dict[str, Any] | None = None,
        path: str | None = None,
        needs: str = "",
        idempotent: bool | None = None,
        accept: frozenset[int] = frozenset(),
    ) -> RawResponse:
        """One Management API call. `route` is the template counted in `calls`
        ("GET /api/v1/apps/{id}"); `path` overrides the URL (a pagination link)."""
        if path is None:
            path = route.format(**(path_params or {}))
            if query:
                path += "?" + urlencode(query)
        key = f"{method} {route}"
        retry = method in _IDEMPOTENT_METHODS if idempotent is None else idempotent

        async def send() -> RawResponse | TransportFailure:
            self.calls[key] += 1
            if self.oauth:
                return await self._send_as_service_app(method, path, body)
            return await self._send_sdk(method, path, body)

        return await self._with_retries(
            send,
            route=route,
            action=action,
            needs=needs,
            retry_server_errors=retry,
            accept=accept,
            management=True,
        )

    async def _send_as_service_app(
        self, method: str, path: str, body: dict[str, Any] | None
    ) -> RawResponse | TransportFailure:
        """A service app's call: its access token (and DPoP proof) from `ServiceAppAuth`,
        sent with httpx; resent when Okta rotates the DPoP nonce or drops the token."""
        from okta_wizard.okta.service_app import MAX_NONCE_ROUNDS, ServiceAppAuth

        assert isinstance(self.credential, ServiceAppKey)
        if self._service_auth is None:
            self._service_auth = ServiceAppAuth(
                self.credential,
                self.org_url,
                request_timeout=self.request_timeout,
                max_wait=self.max_wait,
                http=self._client(),  # token requests share the API calls' connection
            )
        url = self.org_url.origin + path
        outcome: RawResponse | TransportFailure = TransportFailure("not sent")
        for _ in range(MAX_NONCE_ROUNDS + 2):
            headers = await self._service_auth.request_headers(method, url)
            outcome = await self._send_httpx(method, url, None, None, None, body, headers)
            if isinstance(outcome, TransportFailure):
                return outcome
            if not self._service_auth.should_resend(outcome.status, outcome.headers, outcome.text):
                break
        return outcome

    async def _ensure_executor(self) -> Any:
        async with self._lock:
            if self._executor is None:
                from okta_wizard.okta import sdk  # the SDK: ~0.5 s, only now

                try:
                    executor = sdk.build_executor(
                        self.org_url, self.credential, self.request_timeout
                    )
                except (ValueError, OSError) as exc:
                    reason = type(exc).__name__
                    failed = True
                else:
                    failed = False
                if failed:  # raised outside `except`: no chained SDK text
                    raise OktaError(
                        ErrorKind.INVALID_INPUT,
                        f"The Okta client could not be set up for {self.org_url} ({reason}).",
                        remedy="Check the org URL, and the private key file for a service app.",
                    )
                self._session = sdk.new_session()
                executor.set_session(self._session)
                self._executor = executor
            return self._executor

    async def _send_sdk(
        self, method: str, path: str, body: dict[str, Any] | None
    ) -> RawResponse | TransportFailure:
        executor = await self._ensure_executor()
        from okta_wizard.okta.sdk import headers_of

        try:
            request, _ = await executor.create_request(
                method, path, body=body, keep_empty_params=True
            )
            _, response, text, error = await executor.fire_request(request)
            del request  # it holds the Authorization header
        except Exception as exc:  # the SDK leaks AttributeError & co on transport failures
            return TransportFailure(describe_failure(exc))
        if response is None:
            return TransportFailure(describe_failure(error))
        return RawResponse(int(response.status), headers_of(response), text or "")

    # -- OIDC endpoints (discovery, introspection, org metadata), through httpx
    async def oidc(
        self,
        method: str,
        url: str,
        *,
        route: str,
        action: str,
        params: dict[str, str] | None = None,
        form: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        accept: frozenset[int] = frozenset(),
        headers: dict[str, str] | None = None,
        retry_server_errors: bool = True,  # reads, and introspect, change nothing
    ) -> RawResponse:
        """One call to an OIDC endpoint. `retry_server_errors=False` for a request that must
        not be sent twice (a one-time authorization code)."""
        key = f"{method} {route}"

        async def send() -> RawResponse | TransportFailure:
            self.calls[key] += 1
            return await self._send_httpx(method, url, params, form, auth, headers=headers)

        return await self._with_retries(
            send,
            route=route,
            action=action,
            needs="",
            retry_server_errors=retry_server_errors,
            accept=accept,
        )

    def _client(self) -> httpx.AsyncClient:
        """The one httpx client: OIDC calls, a service app's API calls and its token requests
        (each client builds its own TLS context; one connection serves the whole run)."""
        import httpx

        if self._httpx is None:
            self._httpx = httpx.AsyncClient(
                timeout=self.request_timeout,
                verify=True,
                trust_env=not self.org_url.is_loopback,
                headers={"Accept": "application/json"},
            )
        return self._httpx

    async def _send_httpx(
        self,
        method: str,
        url: str,
        params: dict[str, str] | None,
        form: dict[str, str] | None,
        auth: tuple[str, str] | None,
        json_body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> RawResponse | TransportFailure:
        try:
            response = await self._client().request(
                method, url, params=params, data=form, auth=auth, json=json_body, headers=headers
            )
        except Exception as exc:  # httpx errors carry the request (and its auth header)
            return TransportFailure(describe_failure(exc))
        answer: dict[str, list[str]] = {}
        for name, value in response.headers.multi_items():
            answer.setdefault(name.lower(), []).append(value)
        return RawResponse(response.status_code, answer, response.text)

"""A slim Okta client built from the SDK's own parts, without `okta.client`.

Imported lazily (by transport.py, on the first request): `okta.client.Client` mixes in every
API class and costs about 4.5 s to import; the request executor alone costs about 0.5 s.

What this module contains of the SDK's known faults (reference/okta-api.md, section 5):
- no config merging: the config dict is built here and only validated by the SDK, so
  `~/.okta/okta.yaml`, `./okta.yaml` and `OKTA_CLIENT_*` variables cannot change the org or
  the token; the https check is off only for a loopback `http://` org (the sandbox), through
  the config dict, never through the process environment;
- the SDK's own retries are off (we must never blindly retry a create);
- a request timeout is always set (the SDK default is none);
- its logger is disabled: at debug level it logs whole requests, Authorization header included;
- its transport errors come back as values, which transport.py turns into clean errors.

Service apps (OAuth 2.0) do not come here: see service_app.py.
"""

from __future__ import annotations

import logging
from typing import Any

from okta.cache.no_op_cache import NoOpCache
from okta.config.config_validator import ConfigValidator
from okta.constants import LOGGER_NAME
from okta.http_client import HTTPClient
from okta.request_executor import RequestExecutor

from okta_wizard import __version__
from okta_wizard.okta.credentials import ApiToken, Credential
from okta_wizard.orgurl import OrgUrl


def silence_sdk_logger() -> None:
    sdk_logger = logging.getLogger(LOGGER_NAME)
    sdk_logger.disabled = True
    sdk_logger.propagate = False


silence_sdk_logger()


class _HttpClient(HTTPClient):  # type: ignore[misc]
    """The SDK's HTTP client, as is (it honours HTTP(S)_PROXY for real orgs)."""


class _LoopbackHttpClient(_HttpClient):
    """For the loopback sandbox: never through a proxy from the environment."""

    def _setup_proxy(self, proxy: Any) -> None:
        return None


def build_config(org_url: OrgUrl, credential: Credential, request_timeout: float) -> dict[str, Any]:
    """The complete SDK config; nothing is read from files or the environment."""
    client: dict[str, Any] = {
        "orgUrl": org_url.origin,
        "requestTimeout": request_timeout,
        "rateLimit": {"maxRetries": 0},
        "userAgent": f"okta-wizard/{__version__}",
        "cache": {"enabled": False, "defaultTtl": 300, "defaultTti": 300},
        "logging": {"enabled": False, "logLevel": logging.CRITICAL},
        "oauthTokenRenewalOffset": 5,
        "raiseException": False,
    }
    if not isinstance(credential, ApiToken):
        # Service apps sign in through service_app.py (ES256, DPoP, clear errors).
        raise TypeError("the SDK executor is used with an API token only")
    client["authorizationMode"] = "SSWS"
    client["token"] = credential.token.reveal()
    plain_http_loopback = org_url.origin.startswith("http://") and org_url.is_loopback
    return {"client": client, "testing": {"testingDisableHttpsCheck": plain_http_loopback}}


def build_executor(org_url: OrgUrl, credential: Credential, request_timeout: float) -> Any:
    """A validated `RequestExecutor`. Raises ValueError (text without secrets) if invalid."""
    config = build_config(org_url, credential, request_timeout)
    ConfigValidator(config)  # type: ignore[no-untyped-call]
    http_client = _LoopbackHttpClient if org_url.is_loopback else _HttpClient
    executor = RequestExecutor(config, NoOpCache(), http_client)  # type: ignore[no-untyped-call]
    HTTPClient.raise_exception = False  # a class attribute: keep errors as values
    return executor


def new_session() -> Any:
    """One aiohttp session for all requests (TLS verification on; no env proxies/netrc)."""
    import aiohttp

    return aiohttp.ClientSession(trust_env=False)


def headers_of(response: Any) -> dict[str, list[str]]:
    headers: dict[str, list[str]] = {}
    for name, value in response.headers.items():
        headers.setdefault(str(name).lower(), []).append(str(value))
    return headers

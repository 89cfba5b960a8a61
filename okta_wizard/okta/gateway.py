"""The Okta gateway: every Okta call of the program passes here.

Usage:
    async with Gateway(org_url, ApiToken(Secret(token))) as okta:
        me = await okta.whoami()

All methods raise `OktaError` (one family, with a kind and a remedy) and nothing else.
`calls` counts requests per route ("GET /api/v1/apps") for the benches.

Layers: parse.py (Okta JSON <-> dataclasses, request bodies), transport.py (one retry loop;
the SDK's request executor for Management API calls with an API token, httpx for the OIDC
endpoints and for service apps via service_app.py), retry.py (the policy), errors.py (the
mapping), sdk.py (the slim SDK client, imported on the first call only).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from types import TracebackType
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from okta_wizard.okta import parse
from okta_wizard.okta.credentials import ApiToken, Credential
from okta_wizard.okta.errors import ErrorKind, OktaError, foreign_url
from okta_wizard.okta.models import (
    Actor,
    ClientSecret,
    CreatedApp,
    Discovery,
    Group,
    LogEvent,
    LogEvents,
    OidcApp,
    OidcAppSettings,
    OrgInfo,
    Permissions,
    Role,
    may_create_oidc_apps,
)
from okta_wizard.okta.oidc_urls import on_org_origin
from okta_wizard.okta.retry import RawResponse, WaitListener, backoff_delay, rate_limit_delay
from okta_wizard.okta.transport import Transport
from okta_wizard.orgurl import OrgUrl
from okta_wizard.secret import Secret
from okta_wizard.textsafe import visible

if TYPE_CHECKING:
    from okta_wizard.okta.oidc import OidcClient, SignInEndpoints

APPS_READ = "the okta.apps.read scope or an admin role that can view apps (Super Admin, App Admin)"
APPS_MANAGE = (
    "the okta.apps.manage scope or a role that may create OIDC apps "
    "(Super Admin, App Admin, API Access Management Admin)"
)
GROUPS_READ = "the okta.groups.read scope or an admin role that can view groups"
ROLES_READ = "the okta.roles.read scope or an admin role that can view admin roles"
LOGS_READ = "the okta.logs.read scope or an admin role that may view the System Log"
MAX_LOG_PAGES, LOG_PAGE_SIZE = 5, 1000  # a bounded read: at most 5,000 events (Okta's max page)
MAX_PAGES = 50  # a runaway pagination link must not loop forever
PAGE_SIZE = 200  # Okta's maximum for apps
NEW_SECRET_BODY = {"status": "ACTIVE"}  # Okta generates the value


class Gateway:
    def __init__(
        self,
        org_url: OrgUrl,
        credential: Credential,
        *,
        request_timeout: float = 30.0,
        max_wait: float = 120.0,
        on_wait: WaitListener | None = None,
    ) -> None:
        """`on_wait` is told before every wait for a rate limit (`retry.RateLimitWait`)."""
        self.org_url = org_url
        self.credential = credential
        self.request_timeout = request_timeout
        self.max_wait = max_wait  # bounded total of 429/5xx waits
        self.calls: Counter[str] = Counter()
        self._http = Transport(
            org_url,
            credential,
            request_timeout=request_timeout,
            max_wait=max_wait,
            calls=self.calls,
            on_wait=on_wait,
        )

    def __repr__(self) -> str:
        kind = type(self.credential).__name__
        return f"Gateway(org_url={self.org_url.origin!r}, credential={kind})"

    async def __aenter__(self) -> Gateway:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        await self._http.close()

    # -- step 1: who, where, what may they do
    async def org_metadata(self) -> OrgInfo:
        """`/.well-known/okta-organization` (no auth): proves the URL is an Okta org."""
        response = await self._http.oidc(
            "GET",
            f"{self.org_url.origin}/.well-known/okta-organization",
            route="/.well-known/okta-organization",
            action="read the org's metadata",
            accept=frozenset({404}),
        )
        info = parse.org_info_from_json(response.json(), self.org_url.origin)
        if response.status == 404 or not info.id:
            raise OktaError(
                ErrorKind.NOT_FOUND,
                f"{self.org_url.origin} does not look like an Okta org (no org metadata).",
                remedy="Copy the org URL from the Admin Console's address bar, without '-admin'.",
                status=response.status,
            )
        return info

    async def whoami(self) -> Actor:
        """The admin user behind an API token; for a service app, its client id (a service
        app has no user), once a call proved the credential works (an earlier one of this
        gateway's, else one made here)."""
        if isinstance(self.credential, ApiToken):
            response = await self._http.management(
                "GET", "/api/v1/users/me", action="read who the API token belongs to"
            )
            return parse.user_actor_from_json(response.json())
        if not self._http.proven:
            # No 403 accepted here: a missing scope or admin role stops step 1 with an error
            # that names it and where to grant it (service_app.management_error).
            await self._http.management(
                "GET", "/api/v1/apps", query={"limit": 1}, action="list apps", needs=APPS_READ
            )
        client_id = self.credential.client_id
        # `login` is what the journal and receipt record as the actor: the client id.
        return Actor(
            id=client_id, kind="service_app", login=client_id, display_name="OAuth service app"
        )

    async def probe_permissions(
        self, actor: Actor, *, can_read_apps: bool | None = None
    ) -> Permissions:
        """Read-only preflight: may it read apps and groups, and which admin roles does it hold.
        `can_read_apps`: the caller already knows (it read or was refused apps): not asked again.
        """
        if can_read_apps is None:
            can_read_apps = await self._can("GET", "/api/v1/apps", {"limit": 1}, "list apps")
        can_read_groups = await self._can("GET", "/api/v1/groups", {"limit": 1}, "list groups")
        roles = await self.list_roles(actor)
        missing = []
        if not can_read_apps:
            missing.append(APPS_READ)
        if not can_read_groups:
            missing.append(GROUPS_READ)
        if roles is None:
            missing.append(f"{ROLES_READ} (to confirm it may create OIDC apps)")
        elif may_create_oidc_apps(roles) is False:
            missing.append(APPS_MANAGE)
        return Permissions(can_read_apps, can_read_groups, roles, tuple(missing))

    async def list_roles(self, actor: Actor) -> tuple[Role, ...] | None:
        """The admin roles of the user or service app; None if they cannot be read. Real Okta
        lets only Super Admins read an admin's roles: anybody else gets 403 E0000006 here,
        and the preflight leaves the decision to Okta at create time."""
        if actor.kind == "user":
            route, params = "/api/v1/users/{id}/roles", {"id": actor.id}
        else:
            route, params = "/oauth2/v1/clients/{id}/roles", {"id": actor.id}
        response = await self._http.management(
            "GET",
            route,
            path_params=params,
            action="read the admin roles",
            needs=ROLES_READ,
            accept=frozenset({403, 404}),
        )
        if response.status != 200:
            return None
        return parse.roles_from_json(response.json())

    async def _can(self, method: str, route: str, query: dict[str, str | int], action: str) -> bool:
        response = await self._http.management(
            method, route, query=query, action=action, accept=frozenset({403})
        )
        return response.status != 403

    # -- steps 2-3: the app
    async def find_apps_by_label(self, label: str) -> list[OidcApp]:
        """OIDC apps whose label is exactly `label`. Okta has no label filter: `q=` is a prefix
        search on name or label, so every page is read and matched here."""
        items = await self._list_all(
            "/api/v1/apps",
            {"q": label, "limit": PAGE_SIZE},
            action=f"search apps labelled {label!r}",
            needs=APPS_READ,
        )
        return parse.apps_labelled(parse.apps_from_json(items), label)

    async def get_app(self, app_id: str) -> OidcApp:
        response = await self._http.management(
            "GET",
            "/api/v1/apps/{id}",
            path_params={"id": app_id},
            action=f"read app {app_id}",
            needs=APPS_READ,
        )
        return self._app_or_fail(response, f"read app {app_id}")

    async def create_oidc_app(
        self, settings: OidcAppSettings, *, label_absent: bool = False
    ) -> CreatedApp:
        """Create the app; its `client_secret` is in the answer, and only there.

        Never a duplicate: an app with this label already there is a CONFLICT (searched first,
        unless `label_absent`: the caller's own search found none moments ago); after an
        ambiguous failure (timeout, dropped connection, 5xx) Okta is searched before any second
        attempt, and an app that was created anyway is recovered with its secret.
        """
        existing = [] if label_absent else await self.find_apps_by_label(settings.label)
        if existing:
            ids = ", ".join(a.id for a in existing)
            raise OktaError(
                ErrorKind.CONFLICT,
                f"An app labelled {settings.label!r} already exists ({ids}).",
                remedy="Reuse it (okta-wizard apply finds it), or choose another --label.",
            )
        before: set[str] = set()  # ids that were there before this create: none
        body = parse.oidc_app_body(settings)
        failure: OktaError | None = None
        for attempt in (1, 2):
            if attempt == 2:
                await asyncio.sleep(backoff_delay(1))
            try:
                response = await self._http.management(
                    "POST",
                    "/api/v1/apps",
                    body=body,
                    action="create the app",
                    needs=APPS_MANAGE,
                )
            except OktaError as exc:
                if exc.kind is not ErrorKind.UNAVAILABLE:
                    raise
                failure = exc
            else:
                app = parse.app_from_json(response.json())
                secret = parse.client_secret_in_app_json(response.json())
                if app is not None and secret is not None:
                    return CreatedApp(app, secret)
            recovered = await self._recover_created_app(settings.label, before)
            if recovered is not None:
                return recovered
            if failure is None:
                break  # a 2xx we could not read, and no app: do not try again
        raise failure or OktaError(
            ErrorKind.UNAVAILABLE,
            "Okta's answer to the app creation could not be read, and no new app was found.",
            remedy="Check Admin Console > Applications, then run the same command again.",
        )

    async def _recover_created_app(self, label: str, before: set[str]) -> CreatedApp | None:
        """After an ambiguous create: the app Okta made anyway, with its secret, or None."""
        new = [a for a in await self.find_apps_by_label(label) if a.id not in before]
        if not new:
            return None
        app = max(new, key=lambda a: a.created)
        for secret in await self.list_client_secrets(app.id):
            if secret.status == "ACTIVE" and secret.value is not None:
                return CreatedApp(app, secret.value)
        created = await self.create_client_secret(app.id)
        if created.value is None:
            return None
        return CreatedApp(app, created.value)

    async def update_oidc_app(self, app: OidcApp, settings: OidcAppSettings) -> OidcApp:
        """Repair drift: `PUT` replaces the app's settings with the wizard's (same client id)."""
        response = await self._http.management(
            "PUT",
            "/api/v1/apps/{id}",
            path_params={"id": app.id},
            body=parse.oidc_app_body(settings, client_id=app.client_id),
            action=f"update app {app.id}",
            needs=APPS_MANAGE,
        )
        return self._app_or_fail(response, f"update app {app.id}")

    async def activate_app(self, app_id: str) -> None:
        await self._lifecycle("/api/v1/apps/{id}/lifecycle/activate", app_id, "activate")

    async def deactivate_app(self, app_id: str) -> None:
        await self._lifecycle("/api/v1/apps/{id}/lifecycle/deactivate", app_id, "deactivate")

    async def delete_app(self, app_id: str) -> None:
        """Okta deletes only an INACTIVE app (else a CONFLICT, E0000056). For `remove`."""
        await self._http.management(
            "DELETE",
            "/api/v1/apps/{id}",
            path_params={"id": app_id},
            action=f"delete app {app_id}",
            needs=APPS_MANAGE,
        )

    async def _lifecycle(self, route: str, app_id: str, verb: str) -> None:
        await self._http.management(
            "POST",
            route,
            path_params={"id": app_id},
            action=f"{verb} app {app_id}",
            needs=APPS_MANAGE,
            idempotent=True,  # activating twice is harmless
        )

    async def list_client_secrets(self, app_id: str) -> list[ClientSecret]:
        """With their values: the resume path when the create answer was lost."""
        response = await self._http.management(
            "GET",
            "/api/v1/apps/{id}/credentials/secrets",
            path_params={"id": app_id},
            action=f"read the client secrets of app {app_id}",
            needs=APPS_READ,
        )
        return parse.secrets_from_json(response.json())

    async def create_client_secret(
        self, app_id: str, *, existing: list[ClientSecret] | None = None
    ) -> ClientSecret:
        """A new secret generated by Okta (at most two per app). Not retried blindly either:
        after an ambiguous failure the new one is told from the secrets there before
        (`existing`, when the caller just listed them; else listed here first)."""
        listed = existing if existing is not None else await self.list_client_secrets(app_id)
        before = {s.id for s in listed}
        failure: OktaError | None
        try:
            response = await self._http.management(
                "POST",
                "/api/v1/apps/{id}/credentials/secrets",
                path_params={"id": app_id},
                body=dict(NEW_SECRET_BODY),
                action=f"create a client secret for app {app_id}",
                needs=APPS_MANAGE,
            )
        except OktaError as exc:
            if exc.kind is not ErrorKind.UNAVAILABLE:
                raise
            failure = exc
        else:
            secret = parse.secret_from_json(response.json())
            if secret is not None and secret.value is not None:
                return secret
            failure = None
        for secret in await self.list_client_secrets(app_id):
            if secret.id not in before and secret.value is not None:
                return secret
        raise failure or OktaError(
            ErrorKind.UNAVAILABLE,
            f"Okta's answer to the new client secret of app {app_id} could not be read.",
            remedy="Run the same command again to resume.",
        )

    async def deactivate_client_secret(self, app_id: str, secret_id: str) -> None:
        await self._http.management(
            "POST",
            "/api/v1/apps/{id}/credentials/secrets/{secretId}/lifecycle/deactivate",
            path_params={"id": app_id, "secretId": secret_id},
            action=f"deactivate client secret {secret_id}",
            needs=APPS_MANAGE,
            idempotent=True,
        )

    # -- step 4: groups
    async def search_groups(self, text: str, limit: int = 20) -> list[Group]:
        """Server-side search (`q=`, a prefix match on the name): never a full listing.
        `expand=stats` adds each group's member count, so empty groups can be flagged."""
        response = await self._http.management(
            "GET",
            "/api/v1/groups",
            query={"q": text, "limit": max(1, min(limit, PAGE_SIZE)), "expand": "stats"},
            action=f"search groups named {text!r}",
            needs=GROUPS_READ,
        )
        return parse.groups_from_json(response.json())

    async def find_group_by_name(self, name: str) -> Group | None:
        """The group named exactly `name`. Parsed names are in their visible form (parse.py),
        so `name` is compared in that form too (for printable names both are the same)."""
        wanted = visible(name)
        exact = [g for g in await self.search_groups(name, PAGE_SIZE) if g.name == wanted]
        # Okta and built-in groups first: an app-imported group may share the name.
        exact.sort(key=lambda g: g.type == "APP_GROUP")
        return exact[0] if exact else None

    async def everyone_group(self) -> Group:
        for group in await self.search_groups("Everyone", PAGE_SIZE):
            if group.type == "BUILT_IN" and group.name == "Everyone":
                return group
        raise OktaError(
            ErrorKind.NOT_FOUND,
            "The built-in Everyone group is not visible to this credential.",
            remedy="Okta hides Everyone from group admins: use --group NAME, or a token of a "
            "Super Admin or App Admin.",
        )

    async def assign_group(self, app_id: str, group_id: str) -> None:
        """Idempotent (`PUT`): safe to repeat on resume."""
        await self._http.management(
            "PUT",
            "/api/v1/apps/{id}/groups/{groupId}",
            path_params={"id": app_id, "groupId": group_id},
            action=f"assign group {group_id} to app {app_id}",
            needs=APPS_MANAGE,
        )

    async def list_assigned_group_ids(self, app_id: str) -> list[str]:
        items = await self._list_all(
            f"/api/v1/apps/{app_id}/groups",
            {"limit": PAGE_SIZE},
            action=f"list the groups assigned to app {app_id}",
            needs=APPS_READ,
            route="/api/v1/apps/{id}/groups",
        )
        return parse.assigned_group_ids_from_json(items)

    # -- step 5: issuer and secret check
    async def discovery(self, client_id: str) -> Discovery:
        """The org authorization server's metadata for this client; its `issuer` is what
        Upflow needs (never built by hand). An unknown client id is NOT_FOUND."""
        response = await self._http.oidc(
            "GET",
            f"{self.org_url.origin}/.well-known/openid-configuration",
            route="/.well-known/openid-configuration",
            params={"client_id": client_id},
            action="read the OpenID Connect discovery document",
            accept=frozenset({400, 404}),
        )
        found = parse.discovery_from_json(response.json()) if response.status == 200 else None
        if found is None:
            raise OktaError(
                ErrorKind.NOT_FOUND,
                f"Okta has no OpenID Connect client {client_id} (discovery answered "
                f"HTTP {response.status}).",
                remedy="Check that the app still exists and is active in Admin Console > "
                "Applications.",
                status=response.status,
            )
        self._require_on_org(found)
        return found

    def _require_on_org(self, discovery: Discovery) -> None:
        """Every endpoint of a discovery document must be on the org's origin: a secret or a
        token goes only where the admin pointed the wizard (a proxy, a wrong custom domain or a
        hostile answer is refused, never followed and never rewritten)."""
        for name, url in discovery.endpoints().items():
            on_org_origin(
                self.org_url,
                url,
                what=f"the discovery document's {name}",
                remedy="If that address is your org's custom domain (issuer mode CUSTOM_URL), "
                "run again with it as --org-url; otherwise check that no proxy rewrites "
                "Okta's answers.",
            )

    async def introspect_accepts(
        self, discovery: Discovery, client_id: str, secret: Secret, auth_method: str
    ) -> bool:
        """Does Okta accept this client id and secret? Introspects a dummy token: 200
        (`active: false`) means the client authenticated; 401 `invalid_client` means it did not."""
        self._require_on_org(discovery)  # the secret goes to the org, whoever built `discovery`
        url = discovery.introspection_endpoint
        if not url:
            raise OktaError(
                ErrorKind.NOT_FOUND,
                "Okta's discovery document names no introspection endpoint, so the client "
                "secret cannot be checked.",
                remedy="Check that --org-url is the org's own address; if it is, report this.",
            )
        form = {"token": "okta-wizard-check", "token_type_hint": "access_token"}
        auth: tuple[str, str] | None = None
        if auth_method == "client_secret_post":
            form |= {"client_id": client_id, "client_secret": secret.reveal()}
        else:
            auth = (client_id, secret.reveal())
        response = await self._http.oidc(
            "POST",
            url,
            route="/oauth2/v1/introspect",
            action="check the client secret",
            form=form,
            auth=auth,
            accept=frozenset({400, 401}),
        )
        if response.status == 200:
            return True
        body = response.json()
        error = body.get("error") if isinstance(body, dict) else None
        if response.status == 401 or error == "invalid_client":
            return False
        raise OktaError(
            ErrorKind.INVALID_INPUT,
            f"Okta rejected the secret check as malformed ({error or response.status}).",
            remedy=f"Check the app's client authentication method (now {auth_method!r}).",
            status=response.status,
        )

    # -- test sign-in (okta/oidc.py): the flow's calls and its temporary redirect URI
    def sign_in_client(self, endpoints: SignInEndpoints) -> OidcClient:
        """The OIDC calls of a test sign-in, counted and retried like every other call."""
        from okta_wizard.okta.oidc import OidcClient

        return OidcClient(self._http, endpoints)

    async def change_redirect_uris(
        self, app_id: str, *, add: str | None = None, remove: str | None = None
    ) -> OidcApp:
        """Add or remove one sign-in redirect URI: a read-modify-write of the whole app (`GET`,
        then `PUT` of what Okta sent with that one list changed), so nothing else changes, the
        other redirect URIs and the sign-out URIs included. No `PUT` when nothing changes."""
        from okta_wizard.okta.oidc import redirect_uris_in, with_redirect_uris

        read = f"read app {app_id}"
        response = await self._http.management(
            "GET", "/api/v1/apps/{id}", path_params={"id": app_id}, action=read, needs=APPS_READ
        )
        body, uris = response.json(), redirect_uris_in(response.json())
        if not isinstance(body, dict) or uris is None:
            raise OktaError(
                ErrorKind.UNAVAILABLE,
                f"Okta's answer for app {app_id} has no readable sign-in redirect URIs; "
                "nothing was changed.",
                remedy="Run the same command again; if it persists, report it.",
                request_id=response.request_id,
            )
        wanted = [u for u in uris if u != remove]
        if add and add not in wanted:
            wanted.append(add)
        if wanted == uris:
            return self._app_or_fail(response, read)
        update = f"update the sign-in redirect URIs of app {app_id}"
        response = await self._http.management(
            "PUT",
            "/api/v1/apps/{id}",
            path_params={"id": app_id},
            body=with_redirect_uris(body, wanted),
            action=update,
            needs=APPS_MANAGE,
        )
        return self._app_or_fail(response, update)

    # -- helpers
    async def _list_all(
        self,
        path: str,
        query: dict[str, str | int],
        *,
        action: str,
        needs: str,
        route: str | None = None,
    ) -> list[object]:
        """Every page of a list, following `Link: rel="next"` (on our org only)."""
        route = route or path
        items: list[object] = []
        response = await self._http.management(
            "GET", route, path=_with_query(path, query), action=action, needs=needs
        )
        for _ in range(MAX_PAGES):
            page = response.json()
            if isinstance(page, list):
                items.extend(page)
            next_link = parse.next_page_link(response.header_all("link"))
            if next_link is None:
                break
            next_path = parse.path_on_origin(next_link, self.org_url.origin)
            if next_path is None:
                # Never followed: the API token would go with the request.
                raise foreign_url(
                    f"Okta's answer (to {action})", "the next page", next_link, self.org_url.origin
                )
            response = await self._http.management(
                "GET", route, path=next_path, action=action, needs=needs
            )
        return items

    def _app_or_fail(self, response: RawResponse, action: str) -> OidcApp:
        app = parse.app_from_json(response.json())
        if app is None:
            raise OktaError(
                ErrorKind.UNAVAILABLE,
                f"Okta's answer could not be read while trying to {action}.",
                remedy="Run the same command again; if it persists, report it.",
                status=response.status,
                request_id=response.request_id,
            )
        return app

    # -- after the hand-off: the secret's rotation, the app's removal, the System Log
    async def delete_client_secret(self, app_id: str, secret_id: str) -> None:
        """Okta deletes only an INACTIVE secret (else 400 E0000001); a gone one is NOT_FOUND."""
        await self._http.management(
            "DELETE",
            "/api/v1/apps/{id}/credentials/secrets/{secretId}",
            path_params={"id": app_id, "secretId": secret_id},
            action=f"delete client secret {secret_id}",
            needs=APPS_MANAGE,
        )

    async def get_group(self, group_id: str) -> Group | None:
        """One group by id (a name for an assignment); None when Okta no longer has it."""
        response = await self._http.management(
            "GET",
            "/api/v1/groups/{id}",
            path_params={"id": group_id},
            action=f"read group {group_id}",
            needs=GROUPS_READ,
            accept=frozenset({404}),
        )
        return parse.group_from_json(response.json()) if response.status == 200 else None

    async def read_log_events(
        self,
        *,
        filter_expr: str,
        since: str,
        until: str,
        page_size: int = LOG_PAGE_SIZE,
        max_pages: int = MAX_LOG_PAGES,
    ) -> LogEvents:
        """The System Log between `since` and `until`, newest first, at most `max_pages` pages.

        A bounded query (`since` and `until`): the last page has no next link. Paging stops
        early, and says so, at the page bound or when the System Log's own rate-limit bucket
        has nothing left (`x-rate-limit-remaining: 0`): the next page would be a 429, and
        the log's bucket is shared with every other System Log reader of the org.
        """
        query: dict[str, str | int] = {
            "since": since,
            "until": until,
            "filter": filter_expr,
            "limit": max(1, min(page_size, LOG_PAGE_SIZE)),
            "sortOrder": "DESCENDING",
        }
        action, route = "read the System Log", "/api/v1/logs"
        path = _with_query(route, query)
        events: list[LogEvent] = []
        pages = 0
        while True:
            response = await self._http.management(
                "GET", route, path=path, action=action, needs=LOGS_READ
            )
            pages += 1
            events += parse.log_events_from_json(response.json())
            next_link = parse.next_page_link(response.header_all("link"))
            if next_link is None:
                return LogEvents(tuple(events), pages, complete=True)
            if pages >= max(1, max_pages):
                return LogEvents(tuple(events), pages, complete=False, stopped_by="page bound")
            if response.header("x-rate-limit-remaining") == "0":
                wait = rate_limit_delay(response.headers)
                return LogEvents(
                    tuple(events),
                    pages,
                    complete=False,
                    stopped_by="rate limit",
                    rate_limit_reset_in=wait,
                )
            next_path = parse.path_on_origin(next_link, self.org_url.origin)
            if next_path is None:
                raise foreign_url(
                    f"Okta's answer (to {action})", "the next page", next_link, self.org_url.origin
                )
            path = next_path


def _with_query(path: str, query: dict[str, str | int]) -> str:
    return f"{path}?{urlencode(query)}"

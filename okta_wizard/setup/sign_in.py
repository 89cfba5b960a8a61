"""A test sign-in through the Upflow app: proof that a person gets in, before Upflow tries.

    async with SignInTest(setup, SignInOptions(timeout=300)) as test:
        plan = await test.prepare()      # reads only; binds the loopback listener
        ...ask: plan.question (or --yes)...
        url = await test.begin()         # journal first, then the temporary redirect URI
        ...open `url` in a browser...
        result = await test.wait()       # the verdict: what Upflow will see, or what to do
    # leaving the block removes the redirect URI (success, failure, timeout, cancellation)

Okta matches redirect URIs exactly, port included, and the app holds only Upflow's. So the test
adds one loopback URI, `http://localhost:PORT/okta-wizard/callback`, for its duration: recorded
in the journal before the app changes, removed as the test ends, and cleared from the journal
once Okta confirms it is gone. A run killed in between (SIGKILL, a crash) leaves the record,
and the next run that may change the app (`apply` and the wizard at step 1, `verify --fix`,
`test-sign-in`) removes that URI, and only that one: `remove_leftover_test_redirect`.

Every change to the app is a read-modify-write of the whole app (`Gateway.change_redirect_uris`):
Upflow's redirect URI and the sign-out URIs go back exactly as Okta holds them. Never a second
app: the app is the one `find_existing` finds. The code and the tokens never leave memory;
the journal and the receipt record that a test passed, when, and the user's email domain.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from okta_wizard.errors import ExitCode, WizardError
from okta_wizard.okta.errors import ErrorKind, OktaError
from okta_wizard.savedfile import TEST_REDIRECT_URI
from okta_wizard.setup.spec import upflow_app_settings

if TYPE_CHECKING:
    from okta_wizard.handoff.receipt import Receipt
    from okta_wizard.okta.models import OidcApp
    from okta_wizard.okta.oidc import OidcClient, OidcRefusal, SignedInUser, SignInEndpoints
    from okta_wizard.secret import Secret
    from okta_wizard.setup.engine import Setup
    from okta_wizard.setup.loopback import LoopbackListener, Redirect

DEFAULT_TIMEOUT_S = 300.0
MIN_TIMEOUT_S, MAX_TIMEOUT_S = 5.0, 3600.0
PASSED_HEADLINE = "Okta will let this user into Upflow"
FAILED_HEADLINE = "The test sign-in did not pass"
ASSIGNMENT_MARKER = "not assigned"
# How Upflow (and this test) sends the secret: the app's settings of step 3.
UPFLOW_CLIENT_AUTH = upflow_app_settings().token_endpoint_auth_method


@dataclass(frozen=True)
class SignInOptions:
    timeout: float = DEFAULT_TIMEOUT_S  # seconds to wait for the browser's redirect
    prompt_login: bool = False  # Okta asks for credentials even with a session (another user)
    login_hint: str | None = None  # pre-fills the username on Okta's sign-in page
    email_domains: tuple[str, ...] = ()  # empty: the hand-off's (receipt), else the admin's


class SignInFailed(WizardError):
    """The test cannot pass as things stand (an inactive app); nothing was changed."""

    exit_code = ExitCode.SIGN_IN_FAILED


@dataclass(frozen=True)
class SignInPlan:
    """What the test will change, to ask about first."""

    app_id: str
    label: str
    redirect_uri: str
    redirect_uris_kept: tuple[str, ...]
    timeout: float

    @property
    def question(self) -> str:
        kept = ", ".join(self.redirect_uris_kept) or "none"
        return (
            f"The test adds the sign-in redirect URI {self.redirect_uri} to the app "
            f"{self.label!r} ({self.app_id}) while it waits for your sign-in (at most "
            f"{self.timeout:.0f} s), then removes it. Nothing else of the app changes: its "
            f"redirect URIs ({kept}) and sign-out URIs stay as they are."
        )


@dataclass(frozen=True)
class SignInResult:
    """The verdict. `reason`: passed, not_assigned, access_denied, invalid_scope,
    authorize_error, secret_rejected, code_rejected, token_error, id_token_invalid,
    userinfo_refused, no_email, email_domain or timeout."""

    passed: bool
    reason: str
    message: str
    remedy: str = ""
    user: SignedInUser | None = None
    email_domains: tuple[str, ...] = ()  # what Upflow is (or will be) given
    domain_matches: bool | None = None  # None: no domain to compare with
    redirect_to_verdict_ms: float | None = None

    @property
    def headline(self) -> str:
        return PASSED_HEADLINE if self.passed else FAILED_HEADLINE


class SignInTest:
    """One test sign-in on an open, locked `Setup` (not read-only)."""

    def __init__(self, setup: Setup, options: SignInOptions | None = None) -> None:
        if setup.read_only:
            raise RuntimeError("a test sign-in changes the app: open Setup without read_only")
        self.setup = setup
        self.options = options or SignInOptions()
        self.state = secrets.token_urlsafe(24)
        self.nonce = secrets.token_urlsafe(24)
        self.plan: SignInPlan | None = None
        self.removed = False  # the temporary URI was added, then confirmed gone
        self._listener: LoopbackListener | None = None
        self._app: OidcApp | None = None
        self._secret: Secret | None = None
        self._endpoints: SignInEndpoints | None = None
        self._issuer = ""
        self._email_domains: tuple[str, ...] = ()
        self._verifier: Secret | None = None
        self.added = False  # the journal records the URI: from here on, close() removes it
        self.redirect_uris_after: tuple[str, ...] = ()  # the app's, once the URI is gone

    async def __aenter__(self) -> SignInTest:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def _say(self, message: str) -> None:
        if self.setup.on_progress is not None:
            self.setup.on_progress(message)

    # -- before any change
    async def prepare(self) -> SignInPlan:
        """Everything that reads: a leftover URI removed, the app, its secret, discovery, the
        issuer Upflow has, the email domains; then the listener. Nothing else changes."""
        from okta_wizard.okta.oidc import sign_in_endpoints
        from okta_wizard.setup.engine import SecretMissing
        from okta_wizard.setup.loopback import LoopbackListener

        setup = self.setup
        await remove_leftover_test_redirect(setup)
        existing = await setup.find_existing()
        if existing is None:
            raise SecretMissing(
                f"No app labelled {setup.options.label!r} in {setup.origin}: nothing to sign in "
                "through.",
                remedy="Run `okta-wizard apply` first (or pass --label with the app's label).",
            )
        app = existing.app
        if not app.active:
            # Okta answers /authorize for an inactive app with a bare 400 page: no redirect.
            raise SignInFailed(
                f"The app {app.label!r} ({app.id}) is {app.status}: Okta lets nobody sign in "
                "through it (it shows a bare 400 page). Nothing was changed.",
                remedy="Reactivate it: `okta-wizard verify --fix` (or `okta-wizard apply`), "
                "then run the test again.",
            )
        if app.token_endpoint_auth_method != UPFLOW_CLIENT_AUTH:
            raise SignInFailed(
                f"The app {app.label!r} ({app.id}) authenticates its client with "
                f"{app.token_endpoint_auth_method or 'an unknown method'}, and Upflow uses "
                f"{UPFLOW_CLIENT_AUTH}: the code exchange would fail. Nothing was changed.",
                remedy="Repair it: `okta-wizard verify --fix`, then run the test again.",
            )
        self._secret = await asyncio.to_thread(
            setup.vault.load_client_secret, setup.origin, app.client_id
        )
        if not self._secret:
            raise SecretMissing(
                f"The keyring holds no client secret for app {app.id} on this machine.",
                remedy="Run `okta-wizard apply` to read it back from Okta, then test again.",
            )
        self._say("Reading the org's OpenID Connect discovery document")
        discovery = await setup.okta.discovery(app.client_id)
        self._endpoints = sign_in_endpoints(discovery, setup.options.org_url)
        receipt = _receipt_of(setup, app.client_id)
        # The issuer Upflow checks `iss` against: the one handed over, else discovery's.
        self._issuer = receipt.issuer if receipt else discovery.issuer
        self._email_domains = self._domains(receipt)
        listener = await LoopbackListener.start(self.state)
        while listener.redirect_uri in app.redirect_uris:  # someone's own URI: never ours
            await listener.close()
            listener = await LoopbackListener.start(self.state)
        self._listener, self._app = listener, app
        self.plan = SignInPlan(
            app.id,
            app.label,
            listener.redirect_uri,
            tuple(app.redirect_uris),
            self.options.timeout,
        )
        return self.plan

    def _domains(self, receipt: Receipt | None) -> tuple[str, ...]:
        if self.options.email_domains:
            return self.options.email_domains
        if receipt and receipt.email_domains:
            return receipt.email_domains
        login = self.setup.journal.actor_login or ""
        if "@" not in login:
            return ()
        from okta_wizard.handoff.options import default_email_domains

        try:
            return default_email_domains((), login)
        except WizardError:
            return ()

    @property
    def app(self) -> OidcApp | None:
        return self._app

    @property
    def issuer(self) -> str:
        """The issuer the ID token's `iss` must equal: the one handed to Upflow."""
        return self._issuer

    @property
    def redirect_uri(self) -> str:
        assert self._listener is not None, "call prepare() first"
        return self._listener.redirect_uri

    @property
    def port(self) -> int:
        assert self._listener is not None, "call prepare() first"
        return self._listener.port

    # -- the change
    async def begin(self) -> str:
        """Record the URI in the journal, then add it to the app; the authorization URL."""
        from okta_wizard.okta.oidc import AuthorizationRequest, Pkce, authorization_url
        from okta_wizard.setup import journal as journal_store

        assert self._app is not None and self._endpoints is not None, "call prepare() first"
        uri = self.redirect_uri
        self.setup.journal.test_redirect_uri = uri
        journal_store.save(self.setup.journal)  # before the change: a kill leaves the record
        self.added = True
        self._say(f"Adding the temporary redirect URI {uri}")
        app = await self.setup.okta.change_redirect_uris(self._app.id, add=uri)
        if uri not in app.redirect_uris:
            raise OktaError(
                ErrorKind.UNAVAILABLE,
                f"Okta did not keep the redirect URI {uri} on app {app.id}.",
                remedy="Run the test again; if it persists, report it.",
            )
        pkce = Pkce.new()
        self._verifier = pkce.verifier
        request = AuthorizationRequest(
            client_id=app.client_id,
            redirect_uri=uri,
            state=self.state,
            nonce=self.nonce,
            code_challenge=pkce.challenge,
            prompt_login=self.options.prompt_login,
            login_hint=self.options.login_hint,
        )
        return authorization_url(self._endpoints, request)

    # -- the verdict
    async def wait(self) -> SignInResult:
        """Wait for the browser's redirect, then judge it; the browser is shown the verdict."""
        from okta_wizard.setup.loopback import page

        assert self._listener is not None and self._verifier is not None, "call begin() first"
        try:
            redirect = await self._listener.wait(self.options.timeout)
        except TimeoutError:
            return self._timed_out()
        try:
            result = await self._judge(redirect)
        except BaseException:
            self._listener.answer(page(FAILED_HEADLINE, ["It stopped early: see the terminal."]))
            raise
        elapsed = (time.perf_counter() - redirect.received_at) * 1000
        result = replace(result, redirect_to_verdict_ms=round(elapsed, 1))
        self._listener.answer(_browser_page(result))
        if result.passed:
            self._record_pass(result)
        return result

    async def _judge(self, redirect: Redirect) -> SignInResult:
        from okta_wizard.okta.oidc import IdTokenRejected, OidcRefusal, verify_id_token

        assert self._app is not None and self._secret is not None
        assert self._endpoints is not None and self._verifier is not None
        if redirect.code is None:
            return self._authorize_refused(redirect)
        client: OidcClient = self.setup.okta.sign_in_client(self._endpoints)
        self._say("Exchanging the code with the client secret from the keyring")
        tokens = await client.exchange_code(
            client_id=self._app.client_id,
            client_secret=self._secret,
            code=redirect.code,
            redirect_uri=self.redirect_uri,
            verifier=self._verifier,
        )
        if isinstance(tokens, OidcRefusal):
            return self._token_refused(tokens)
        jwks = await client.signing_keys()
        try:
            claims = verify_id_token(
                tokens.id_token,
                jwks,
                issuer=self._issuer,
                client_id=self._app.client_id,
                nonce=self.nonce,
            )
        except IdTokenRejected as exc:
            return self._fail(
                "id_token_invalid",
                f"Okta's ID token failed verification: {exc.reason}. Upflow would refuse it too.",
                f"Check that Upflow has the issuer {self._issuer} (`okta-wizard credentials`); "
                "if the key is not among the org's keys, Okta may be rotating them: run the "
                "test again in a minute, and report it if it persists.",
            )
        info = await client.userinfo(tokens.access_token)
        if isinstance(info, OidcRefusal):
            return self._fail(
                "userinfo_refused",
                f"Okta refused the user's claims at userinfo ({_refusal_text(info)}).",
                "Run the test again; if it persists, report it.",
            )
        if info.get("sub") != claims.get("sub"):
            return self._fail(
                "userinfo_refused",
                "Okta's userinfo answered for another user than the ID token names.",
                "Run the test again; if it persists, report it.",
            )
        from okta_wizard.okta.oidc import signed_in_user

        return self._verdict_for(signed_in_user(claims, info))

    def _verdict_for(self, user: SignedInUser) -> SignInResult:
        domains = self._email_domains
        if not user.email:
            return self._fail(
                "no_email",
                "Okta let the user in but sent no email claim: Upflow finds its users by email.",
                "Give the user an email address in their Okta profile, then test again.",
                user=user,
            )
        if not domains:
            return SignInResult(
                True,
                "passed",
                f"{PASSED_HEADLINE}. No email domain to compare with: pass --email-domain to "
                "check that Upflow will match this user's.",
                "",
                user,
                (),
                None,
            )
        if user.email_domain not in domains:
            given = ", ".join(domains)
            return self._fail(
                "email_domain",
                f"Okta let {user.email} in, but Upflow is given the email domain(s) {given}: "
                "Upflow matches SSO users by email domain, so this user would not get in.",
                f"Hand Upflow this domain too (`okta-wizard send --email-domain "
                f"{' --email-domain '.join((*domains, user.email_domain))}`), or test with a "
                f"user of {given}.",
                user=user,
                domain_matches=False,
            )
        return SignInResult(
            True,
            "passed",
            f"{PASSED_HEADLINE}. Upflow must still have invited the user.",
            "",
            user,
            domains,
            True,
        )

    def _fail(
        self,
        reason: str,
        message: str,
        remedy: str,
        *,
        user: SignedInUser | None = None,
        domain_matches: bool | None = None,
    ) -> SignInResult:
        return SignInResult(
            False, reason, message, remedy, user, self._email_domains, domain_matches
        )

    def _authorize_refused(self, redirect: Redirect) -> SignInResult:
        said = f"{redirect.error}: {redirect.error_description.rstrip('.')}".rstrip(": ")
        if redirect.error == "access_denied" and ASSIGNMENT_MARKER in redirect.error_description:
            return self._fail(
                "not_assigned",
                f"Okta did not let this user in ({said}).",
                _assignment_remedy(self.setup),
            )
        if redirect.error == "access_denied":
            return self._fail(
                "access_denied",
                f"Okta denied the sign-in ({said}).",
                "Check the app's sign-on policy (Admin Console > Applications > the app > Sign "
                "On) and that the user may use it, then test again.",
            )
        if redirect.error == "invalid_scope":
            return self._fail(
                "invalid_scope",
                f"Okta refused the scopes openid email profile ({said}).",
                "Every OIDC app may ask for these on the org authorization server: check the "
                "app's Okta API Scopes and consent settings, and report it if they look right.",
            )
        return self._fail(
            "authorize_error",
            f"Okta answered the sign-in with an error ({said}).",
            "Read Okta's text above; fix what it names, then test again.",
        )

    def _token_refused(self, refusal: OidcRefusal) -> SignInResult:
        said = _refusal_text(refusal)
        if refusal.error == "invalid_client":
            return self._fail(
                "secret_rejected",
                f"Okta refused the client secret from the keyring ({said}): Upflow's sign-in "
                "would fail the same way.",
                "The keyring's secret is no longer an active secret of the app (rotated or "
                "deleted?): run `okta-wizard apply --new-secret`, hand it to Upflow with "
                "`okta-wizard send`, then test again.",
            )
        if refusal.error == "invalid_grant":
            return self._fail(
                "code_rejected",
                f"Okta refused the authorization code ({said}).",
                "Run the test again (a code lasts five minutes and works once).",
            )
        return self._fail(
            "token_error",
            f"Okta's token endpoint refused the code exchange ({said}).",
            "Check the app's client authentication (client secret, basic) with `okta-wizard "
            "verify`, then test again.",
        )

    def _timed_out(self) -> SignInResult:
        port = self.port
        return self._fail(
            "timeout",
            f"No sign-in came back within {self.options.timeout:.0f} s.",
            "Open the URL in a browser on this machine and finish the sign-in. Over SSH, "
            f"forward the port first (`ssh -L {port}:127.0.0.1:{port} HOST`) and open the URL "
            "on your computer. If Okta showed an error page instead of its sign-in, read it; "
            "then run the test again (a longer --timeout gives more time).",
        )

    def _record_pass(self, result: SignInResult) -> None:
        """The journal and the receipt say that a test passed, when, and the email domain."""
        from okta_wizard.handoff.receipt import write_receipt
        from okta_wizard.setup import journal as journal_store

        assert result.user is not None and self._app is not None
        journal = self.setup.journal
        journal.sign_in_passed_at = journal_store.now_iso()
        journal.sign_in_email_domain = result.user.email_domain or None
        journal_store.save(journal)
        receipt = _receipt_of(self.setup, self._app.client_id)
        if receipt is not None:
            updated = replace(
                receipt,
                sign_in_passed_at=journal.sign_in_passed_at,
                sign_in_email_domain=journal.sign_in_email_domain or "",
            )
            write_receipt(updated, journal_store.receipt_path(self.setup.origin))

    # -- the cleanup
    async def close(self) -> None:
        """Stop the listener and remove the temporary URI; idempotent. The journal's record
        is cleared only once Okta confirms the URI is gone."""
        if self._listener is not None:
            await self._listener.close()
        if self.added and not self.removed:
            app = await remove_leftover_test_redirect(self.setup)
            self.removed = self.setup.journal.test_redirect_uri is None
            self.redirect_uris_after = tuple(app.redirect_uris) if app else ()


def _refusal_text(refusal: OidcRefusal) -> str:
    return f"{refusal.error}: {refusal.description.rstrip('.')}".rstrip(": ")


def _assignment_remedy(setup: Setup) -> str:
    journal = setup.journal
    if journal.assignment_mode == "everyone":
        now = "The app is assigned to Everyone, yet Okta says this user is not assigned"
    elif journal.group_names:
        now = f"The app is assigned to {', '.join(journal.group_names)}"
    else:
        now = "The app has no recorded assignment"
    return (
        f"{now}. Step 4: assign a group this user belongs to (`okta-wizard apply --group "
        "NAME`) or Everyone (`okta-wizard apply --everyone`), or test as a user of an assigned "
        "group (`--prompt-login`)."
    )


def _browser_page(result: SignInResult) -> str:
    from okta_wizard.setup.loopback import page

    if result.passed and result.user is not None:
        who = result.user.name or result.user.preferred_username or result.user.sub
        email = f" ({result.user.email})" if result.user.email else ""
        return page(
            "Signed in",
            [f"Signed in as {who}{email}.", f"{PASSED_HEADLINE}.", "You can close this tab."],
        )
    return page(
        FAILED_HEADLINE,
        [result.message, "The terminal says what to do.", "You can close this tab."],
    )


def _receipt_of(setup: Setup, client_id: str) -> Receipt | None:
    """The saved receipt of this app, if any (what Upflow was given); a damaged one: exit 2."""
    from okta_wizard.handoff.receipt import read_receipt
    from okta_wizard.setup.journal import receipt_path

    receipt = read_receipt(receipt_path(setup.origin))
    return receipt if receipt is not None and receipt.client_id == client_id else None


async def remove_leftover_test_redirect(setup: Setup) -> OidcApp | None:
    """Remove the loopback redirect URI the journal says a test sign-in added (a run killed
    before its cleanup), and only that one; then clear the record. The app as Okta now holds
    it, or None when there was nothing to do (or the app is gone)."""
    from okta_wizard.setup import journal as journal_store

    journal = setup.journal
    uri = journal.test_redirect_uri
    if not uri:
        return None
    app: OidcApp | None = None
    if journal.app_id and TEST_REDIRECT_URI.fullmatch(uri):
        if setup.on_progress is not None:
            setup.on_progress(f"Removing the temporary redirect URI {uri} from {journal.app_id}")
        try:
            app = await setup.okta.change_redirect_uris(journal.app_id, remove=uri)
        except OktaError as exc:
            if exc.kind is not ErrorKind.NOT_FOUND:
                raise
        if app is not None and uri in app.redirect_uris:
            raise OktaError(
                ErrorKind.UNAVAILABLE,
                f"Okta still lists the temporary redirect URI {uri} on app {app.id}.",
                remedy="Run the same command again; or remove it in Admin Console > "
                "Applications > the app > General > Sign-in redirect URIs.",
            )
    journal.test_redirect_uri = None
    journal_store.save(journal)
    return app

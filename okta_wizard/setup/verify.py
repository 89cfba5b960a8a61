"""Step 5, the credentials and their proof: client_id from the app, the secret from the
keyring, the issuer from the org's discovery document (never built by hand); then the live
checks: the app as Upflow needs it, the issuer, and the secret really accepted by Okta.
"""

from __future__ import annotations

from okta_wizard.okta.errors import OktaError
from okta_wizard.okta.models import Discovery, OidcApp
from okta_wizard.secret import Secret
from okta_wizard.setup.lookup import current_app, require_app
from okta_wizard.setup.run import Run
from okta_wizard.setup.values import Check, Credentials

# The fields the wizard owns, in the order verify shows them (each is a drift `field`).
APP_CHECKS = (
    ("status", "app active"),
    ("redirect_uris", "sign-in redirect URIs exact"),
    ("post_logout_redirect_uris", "sign-out redirect URIs exact"),
    ("grant_types", "grant types exact"),
    ("response_types", "response types exact"),
    ("token_endpoint_auth_method", "client authentication"),
    ("pkce_required", "PKCE not required"),
    ("label", "label"),
)
REPAIR = "Run `okta-wizard verify --fix` (or apply --yes) to repair it."
READ_BACK = "Run `okta-wizard apply` to read it back from Okta"


async def discover(run: Run, client_id: str) -> Discovery:
    """The discovery document for the client, fetched once per run."""
    if client_id not in run.discovery:
        run.discovery[client_id] = await run.okta.discovery(client_id)
    return run.discovery[client_id]


async def read_credentials(run: Run) -> Credentials:
    app = await require_app(run, "read credentials from")
    secret = await run.require_stored_secret(
        app, remedy=f"{READ_BACK} (or `apply --new-secret` to make a new one)."
    )
    discovery = await discover(run, app.client_id)
    run.journal.issuer = discovery.issuer
    run.save()
    return Credentials(run.origin, app.client_id, discovery.issuer, secret)


async def verify(run: Run) -> tuple[Check, ...]:
    run.say("Verifying the app in Okta")
    app = await current_app(run)
    if app is None:
        label = run.options.label
        return (
            Check("app exists", False, f"no app labelled {label!r}", "Run `okta-wizard apply`."),
        )
    checks = [Check("app exists", True, app.id), *_app_checks(run, app)]
    discovery, issuer = await _issuer_check(run, app)
    checks.append(issuer)
    checks += await _secret_checks(run, app, discovery)
    ok = all(c.ok for c in checks)
    run.journal.record(5, "done" if ok else "failed")
    run.save()
    return tuple(checks)


def _app_checks(run: Run, app: OidcApp) -> list[Check]:
    drift = {d.field: d for d in run.drift(app)}
    checks = []
    for name, title in APP_CHECKS:
        d = drift.get(name)
        if d is None:
            checks.append(Check(title, True, "ok", fixable=True))
        else:
            detail = f"{d.actual} (expected {d.expected})"
            checks.append(Check(title, False, detail, REPAIR, fixable=True))
    return checks


async def _issuer_check(run: Run, app: OidcApp) -> tuple[Discovery | None, Check]:
    try:
        discovery = await discover(run, app.client_id)
    except OktaError as exc:
        return None, Check("issuer (discovery)", False, exc.message, exc.remedy)
    run.journal.issuer = discovery.issuer
    return discovery, Check("issuer (discovery)", True, discovery.issuer)


async def _secret_checks(run: Run, app: OidcApp, discovery: Discovery | None) -> list[Check]:
    secret = await run.stored_secret(app)
    if not secret:
        return [Check("secret in keyring", False, "not on this machine", f"{READ_BACK}.")]
    checks = [Check("secret in keyring", True, secret.fingerprint())]
    if not app.active:
        # Okta rejects every secret of an INACTIVE app: a failed introspect would say
        # nothing about the secret, and a new one would only add a second secret.
        checks.append(
            Check(
                "secret accepted by Okta",
                False,
                f"cannot be checked until the app is active ({app.status})",
                "Reactivate the app: run `okta-wizard verify --fix` (or "
                "`okta-wizard apply`), then verify again. No new secret is needed.",
            )
        )
    elif discovery is not None:
        checks.append(await _secret_accepted(run, app, discovery, secret))
    return checks


async def _secret_accepted(run: Run, app: OidcApp, discovery: Discovery, secret: Secret) -> Check:
    accepted = await run.okta.introspect_accepts(
        discovery, app.client_id, secret, app.token_endpoint_auth_method
    )
    if accepted:
        return Check("secret accepted by Okta", True, "introspect authenticated the client")
    return Check(
        "secret accepted by Okta",
        False,
        "invalid_client",
        "The keyring secret is not an active secret of this app: run "
        "`okta-wizard apply --new-secret` to make and store a new one.",
    )

"""What Upflow needs: the guide's values, in one place."""

from __future__ import annotations

from okta_wizard.okta.models import OidcAppSettings

DEFAULT_LABEL = "Upflow SSO"
SIGN_IN_REDIRECT_URI = "https://auth.upflow.io/__/auth/handler"
SIGN_OUT_REDIRECT_URI = "https://app.upflow.io/"
DEFAULT_SECRETS_URL = "https://secrets.upflow.io/"
KEYRING_SERVICE = "okta-wizard"


def upflow_app_settings(label: str = DEFAULT_LABEL) -> OidcAppSettings:
    """Step 3 of the guide: OIDC web app, Authorization Code only, client secret (basic)."""
    return OidcAppSettings(
        label=label,
        redirect_uris=(SIGN_IN_REDIRECT_URI,),
        post_logout_redirect_uris=(SIGN_OUT_REDIRECT_URI,),
        grant_types=("authorization_code",),
        response_types=("code",),
        token_endpoint_auth_method="client_secret_basic",
        pkce_required=False,
        application_type="web",
    )

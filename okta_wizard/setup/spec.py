"""What Upflow needs: the guide's values, in one place.

Light on purpose (no gateway import at module level): the wizard's first screen draws the
step titles and the defaults before the engine is loaded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from okta_wizard.okta.models import OidcAppSettings

STEP_TITLES: dict[int, str] = {
    1: "Sign in to Okta",
    2: "Create App Integration",
    3: "Web App settings",
    4: "Assignments",
    5: "Credentials",
    6: "Send to Upflow",
}
DEFAULT_LABEL = "Upflow SSO"
SIGN_IN_REDIRECT_URI = "https://auth.upflow.io/__/auth/handler"
SIGN_OUT_REDIRECT_URI = "https://app.upflow.io/"
DEFAULT_SECRETS_URL = "https://secrets.upflow.io/"
KEYRING_SERVICE = "okta-wizard"


def looks_like_client_id(text: str) -> bool:
    """A service app's client id: letters, digits, '-' and '_' only (the CLI and the wizard)."""
    return bool(text) and all(c in "-_" or (c.isascii() and c.isalnum()) for c in text)


def upflow_app_settings(label: str = DEFAULT_LABEL) -> OidcAppSettings:
    """Step 3 of the guide: OIDC web app, Authorization Code only, client secret (basic)."""
    from okta_wizard.okta.models import OidcAppSettings

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

"""What Upflow needs, and the rules for what an admin types: in one place, below both faces.

The CLI's argument checks and the wizard's field validators take these rules from here, so the
same text gets the same verdict in both. Light on purpose (no gateway import at module level):
the wizard's first screen draws the step titles and the defaults before the engine is loaded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from okta_wizard.errors import UsageError

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
MAX_LABEL_LENGTH = 100
CLIENT_ID_RULE = "letters, digits, '-' and '_' only"


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


def label_problem(value: str) -> str:
    """What is wrong with an app label, in a few words; empty when it is usable. Surrounding
    spaces do not count (they are dropped)."""
    text = value.strip()
    if not text:
        return "the app needs a name"
    if len(text) > MAX_LABEL_LENGTH:
        return f"at most {MAX_LABEL_LENGTH} characters"
    if not text.isprintable():
        return "no control characters (tabs, line breaks, escapes)"
    return ""


def check_label(value: str) -> str:
    """The label to use (stripped), or UsageError saying what is wrong."""
    problem = label_problem(value)
    if problem:
        raise UsageError(
            f"The app label is not usable: {problem}.",
            remedy=f"Pass --label TEXT (default: {DEFAULT_LABEL}).",
        )
    return value.strip()


def looks_like_client_id(text: str) -> bool:
    """A service app's client id: CLIENT_ID_RULE (Okta's look like `0oa...`)."""
    return bool(text) and all(c in "-_" or (c.isascii() and c.isalnum()) for c in text)

from __future__ import annotations

from okta_wizard.handoff.message import HandoffDetails, render_message
from okta_wizard.secret import Secret


def test_message_layout_is_fixed_and_complete() -> None:
    details = HandoffDetails(
        client_id="0oa1b2c3d4",
        client_secret=Secret("s3cr3t-Value_0123456789abcdef"),
        issuer="https://acme.okta.com",
        email_domains=("acme.com", "acme.fr"),
        label="Upflow SSO",
        org_url="https://acme.okta.com",
    )
    text = render_message(details)
    assert isinstance(text, Secret)
    assert text.reveal() == (
        "Okta single sign-on for Upflow (OIDC)\n"
        "\n"
        "Identity provider: Okta\n"
        "Client ID:         0oa1b2c3d4\n"
        "Client secret:     s3cr3t-Value_0123456789abcdef\n"
        "Issuer:            https://acme.okta.com\n"
        "Email domain(s):   acme.com, acme.fr\n"
        "App label:         Upflow SSO\n"
        "Okta org URL:      https://acme.okta.com\n"
        "\n"
        "Sent with okta-wizard.\n"
    )
    assert "s3cr3t" not in repr(details) and "s3cr3t" not in f"{text}"

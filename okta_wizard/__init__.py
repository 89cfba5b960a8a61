"""okta-wizard: connect an Okta org to Upflow through OIDC single sign-on."""

__version__ = "0.1.0"

"""The gateway: the only code that talks to Okta."""

from okta_wizard.okta.credentials import ApiToken, Credential, ServiceAppKey
from okta_wizard.okta.errors import ErrorKind, OktaError
from okta_wizard.okta.gateway import Gateway

__all__ = ["ApiToken", "Credential", "ErrorKind", "Gateway", "OktaError", "ServiceAppKey"]

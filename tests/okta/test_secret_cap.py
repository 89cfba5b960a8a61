"""The third client secret: real Okta answers 400 E0000001 "Api validation failed:
OAuth2ClientSecretMediated", cause "You have reached the maximum number of client secrets per
client." The product calls it a conflict with the app's state and says what to delete."""

from __future__ import annotations

import pytest

from okta_wizard.errors import ExitCode
from okta_wizard.okta.errors import ErrorKind, OktaError, error_for_response
from okta_wizard.okta.gateway import Gateway
from okta_wizard.sandbox.server import RunningSandbox

REAL_SUMMARY = "Api validation failed: OAuth2ClientSecretMediated"
REAL_CAUSE = "You have reached the maximum number of client secrets per client."


def _body(summary: str, *causes: str) -> dict[str, object]:
    return {
        "errorCode": "E0000001",
        "errorSummary": summary,
        "errorLink": "E0000001",
        "errorId": "oae0000000000000000000",
        "errorCauses": [{"errorSummary": c} for c in causes],
    }


@pytest.mark.parametrize(
    "body",
    [_body(REAL_SUMMARY, REAL_CAUSE), _body(REAL_SUMMARY)],  # the cause's text may change
    ids=["okta", "summary-only"],
)
def test_the_real_answer_is_a_conflict_with_a_remedy(body: dict[str, object]) -> None:
    err = error_for_response(400, body, action="create a client secret for app 0oa1")
    assert err.kind is ErrorKind.CONFLICT and err.exit_code is ExitCode.UNEXPECTED
    assert "two client secrets" in err.message and err.error_code == "E0000001"
    assert "Delete an inactive client secret" in err.remedy
    assert "never the one it signs in with" in err.remedy


def test_another_validation_error_is_still_invalid_input() -> None:
    err = error_for_response(400, _body("Api validation failed: label"), action="create the app")
    assert err.kind is ErrorKind.INVALID_INPUT


async def test_the_sandbox_answers_the_third_secret_like_okta(
    sb: RunningSandbox, gw: Gateway
) -> None:
    app = sb.org.add_oidc_app("Upflow SSO")
    await gw.create_client_secret(app.id)
    with pytest.raises(OktaError) as caught:
        await gw.create_client_secret(app.id)
    err = caught.value
    assert err.kind is ErrorKind.CONFLICT and err.status == 400
    assert "Delete an inactive client secret" in err.remedy
    assert len(app.secrets) == 2

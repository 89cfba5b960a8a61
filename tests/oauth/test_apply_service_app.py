"""`okta-wizard apply --client-id ID --private-key FILE` against the sandbox org, end to end:
real HTTP on loopback, the client secret in the real Secret Service, every failure with its
documented exit code and a message that says what to grant and where."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from okta_wizard.errors import ExitCode
from okta_wizard.sandbox.oauth import GeneratedServiceApp
from tests.leakscan import find_leaks
from tests.oauth.conftest import write_key
from tests.setup.conftest import Org, assert_converged

Cap = pytest.CaptureFixture[str]


@pytest.fixture
def oauth_org(org: Org, monkeypatch: pytest.MonkeyPatch) -> Iterator[Org]:
    """The end-to-end org, with no API token in the environment: OAuth only."""
    monkeypatch.delenv("OKTA_API_TOKEN", raising=False)
    yield org


@dataclass
class Signed:
    gen: GeneratedServiceApp
    key_path: Path

    def argv(self, *extra: str) -> list[str]:
        return ["--client-id", self.gen.client_id, "--private-key", str(self.key_path), *extra]

    def secrets(self, org: Org) -> list[str]:
        pem = self.gen.private_key_pem.reveal()
        body = "".join(line for line in pem.splitlines() if not line.startswith("-----"))
        tokens = [t.reveal() for t in org.sb.oauth.live_tokens()]
        return [pem, body, self.gen.private_jwk().reveal(), *tokens]


def service_app(org: Org, tmp_path: Path, *, jwk: bool = False, **kw: object) -> Signed:
    gen = org.sb.oauth.register_generated(**kw)  # type: ignore[arg-type]
    text = gen.private_jwk().reveal() if jwk else gen.private_key_pem.reveal()
    folder = tmp_path / "keys"
    folder.mkdir(parents=True, exist_ok=True)
    return Signed(gen, write_key(folder, text, "key.json" if jwk else "key.pem"))


def apply(org: Org, capsys: Cap, signed: Signed, *extra: str) -> tuple[int, str, str]:
    return org.run(capsys, "apply", *signed.argv("--group", "Finance", *extra))


def assert_nothing_changed(org: Org) -> None:
    assert org.sb.mutating_calls() == [], [c.key for c in org.sb.mutating_calls()]
    assert org.apps() == []


def test_full_apply_with_a_service_app_records_its_client_id_as_actor(
    oauth_org: Org, capsys: Cap, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    signed = service_app(oauth_org, tmp_path)
    code, out, err = apply(oauth_org, capsys, signed)
    assert code == ExitCode.OK, err
    assert_converged(oauth_org)
    assert oauth_org.journal()["actor_login"] == signed.gen.client_id
    assert signed.gen.client_id in out
    # A service app has no user: /users/me is never called.
    assert oauth_org.sb.calls_to("GET /api/v1/users/{id}") == []
    # The key stays where it was: nothing else holds it.
    leaks = find_leaks(
        signed.secrets(oauth_org),
        paths=[oauth_org.state_dir],
        texts=[*oauth_org.outputs, caplog.text],
    )
    assert leaks == []
    # A second run reuses the app and changes nothing.
    before = len(oauth_org.sb.calls)
    code, out, err = apply(oauth_org, capsys, signed, "--json")
    assert code == ExitCode.OK, err
    assert not [c for c in oauth_org.sb.calls[before:] if c.mutating]
    assert json.loads(out)["client_id"] == oauth_org.only_app().id
    assert find_leaks(signed.secrets(oauth_org), texts=[out, err]) == []


def test_apply_with_an_es256_jwk_and_dpop_required_with_rotating_nonces(
    oauth_org: Org, capsys: Cap, tmp_path: Path
) -> None:
    signed = service_app(oauth_org, tmp_path, alg="ES256", jwk=True, require_dpop=True)
    oauth_org.sb.oauth.rotate_nonce_every = 2  # the nonce changes mid-run, again and again
    code, _, err = apply(oauth_org, capsys, signed)
    assert code == ExitCode.OK, err
    assert_converged(oauth_org)
    nonce_retries = [
        c for c in oauth_org.sb.calls if c.route.startswith("/api/") and c.status == 401
    ]
    assert nonce_retries, "the nonce rotated and the calls were resent"
    assert find_leaks(signed.secrets(oauth_org), texts=oauth_org.outputs) == []


def test_a_token_that_expires_mid_run_is_renewed(
    oauth_org: Org, capsys: Cap, tmp_path: Path
) -> None:
    signed = service_app(oauth_org, tmp_path)
    oauth_org.sb.oauth.expire_tokens_every = 3
    code, _, err = apply(oauth_org, capsys, signed)
    assert code == ExitCode.OK, err
    assert_converged(oauth_org)
    assert oauth_org.sb.oauth.tokens_issued >= 2
    assert len(oauth_org.apps()) == 1  # a renewed token never made a second app


def test_a_wrong_key_exits_3_and_changes_nothing(
    oauth_org: Org, capsys: Cap, tmp_path: Path
) -> None:
    signed = service_app(oauth_org, tmp_path)
    impostor = service_app(oauth_org, tmp_path / "other")
    wrong = Signed(signed.gen, impostor.key_path)
    code, out, err = apply(oauth_org, capsys, wrong)
    assert code == ExitCode.AUTH
    assert "signature is invalid" in err and "Public Keys" in err
    assert_nothing_changed(oauth_org)
    assert find_leaks(impostor.secrets(oauth_org), texts=[out, err]) == []


def test_an_expired_assertion_exits_3_and_mentions_the_clock(
    oauth_org: Org, capsys: Cap, tmp_path: Path
) -> None:
    signed = service_app(oauth_org, tmp_path)
    oauth_org.sb.oauth.clock = lambda: time.time() + 3600  # this machine's clock is late
    code, _, err = apply(oauth_org, capsys, signed)
    assert code == ExitCode.AUTH
    assert "expired" in err and "clock" in err
    assert_nothing_changed(oauth_org)


def test_a_missing_scope_exits_4_naming_it_and_the_tab(
    oauth_org: Org, capsys: Cap, tmp_path: Path
) -> None:
    signed = service_app(oauth_org, tmp_path, scopes=("okta.apps.read", "okta.groups.read"))
    code, _, err = apply(oauth_org, capsys, signed)
    assert code == ExitCode.PERMISSION
    assert "okta.apps.manage" in err and "Okta API Scopes tab" in err
    assert_nothing_changed(oauth_org)


def test_a_missing_admin_role_exits_4_at_step_1(
    oauth_org: Org, capsys: Cap, tmp_path: Path
) -> None:
    signed = service_app(oauth_org, tmp_path, roles=())
    code, _, err = apply(oauth_org, capsys, signed)
    assert code == ExitCode.PERMISSION
    assert "admin role" in err and "Admin roles tab" in err
    assert "Application Administrator" in err
    assert_nothing_changed(oauth_org)


def test_a_role_that_cannot_create_apps_exits_4_before_a_duplicate(
    oauth_org: Org, capsys: Cap, tmp_path: Path
) -> None:
    signed = service_app(oauth_org, tmp_path, roles=("ORG_ADMIN",))
    code, _, err = apply(oauth_org, capsys, signed)
    assert code == ExitCode.PERMISSION
    assert "Admin roles tab" in err
    assert oauth_org.apps() == []


@pytest.mark.parametrize(
    ("problem", "expected"),
    [("missing", "does not exist"), ("public", "public key"), ("client id", "--client-id")],
)
def test_bad_service_app_input_exits_2_before_anything_is_sent(
    oauth_org: Org, capsys: Cap, tmp_path: Path, problem: str, expected: str
) -> None:
    signed = service_app(oauth_org, tmp_path)
    argv = signed.argv("--group", "Finance")
    if problem == "missing":
        argv[3] = str(tmp_path / "nope.pem")
    elif problem == "public":
        from cryptography.hazmat.primitives import serialization

        key = serialization.load_pem_private_key(signed.gen.private_key_pem.reveal().encode(), None)
        public = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        argv[3] = str(write_key(tmp_path, public.decode(), "public.pem"))
    else:
        argv[1] = "0oa1 extra words"
    code, _, err = oauth_org.run(capsys, "apply", *argv)
    assert code == ExitCode.USAGE
    assert expected in err
    assert oauth_org.sb.calls == []
    assert not list(oauth_org.state_dir.glob("*.json"))


def test_a_key_others_can_read_still_works_but_is_warned_about(
    oauth_org: Org, capsys: Cap, tmp_path: Path
) -> None:
    signed = service_app(oauth_org, tmp_path)
    signed.key_path.chmod(0o644)
    code, _, err = apply(oauth_org, capsys, signed)
    assert code == ExitCode.OK
    assert "chmod 600" in err

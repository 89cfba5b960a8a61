from __future__ import annotations

import stat
from pathlib import Path

import pytest

from okta_wizard.errors import ExitCode, UsageError
from okta_wizard.handoff.message import normalize_email_domain
from okta_wizard.handoff.receipt import Receipt, read_receipt, render_receipt, write_receipt
from okta_wizard.savedfile import SavedFileDamaged
from okta_wizard.secret import Secret
from tests.leakscan import find_leaks

SECRET = Secret("receipt-test-secret-value-0123456789")


def _receipt() -> Receipt:
    return Receipt(
        org_url="https://acme.okta.com",
        app_id="0oa1",
        client_id="0oa1",
        issuer="https://acme.okta.com",
        label="Upflow SSO",
        redirect_uris=("https://auth.upflow.io/__/auth/handler",),
        post_logout_redirect_uris=("https://app.upflow.io/",),
        groups=("Finance", "Sales"),
        run_by="admin@acme.com",
        created_at="2026-11-28T05:00:00+00:00",
        secret_fingerprint=SECRET.fingerprint(),
        link_server="https://secrets.upflow.io/",
        link_expire="1week",
        link_expires_at="2026-12-05T05:00:00+00:00",
        email_domains=("acme.com",),
    )


def test_receipt_is_written_0600_and_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "state" / "acme.receipt.json"
    write_receipt(_receipt(), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read_receipt(path) == _receipt()
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp file left
    text = render_receipt(_receipt())
    for needle in ("Finance, Sales", "admin@acme.com", "expires 2026-12-05", "sha256:"):
        assert needle in text
    assert find_leaks([SECRET.reveal()], paths=[path], texts=[text]) == []


def test_a_damaged_receipt_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    assert read_receipt(path) is None, "no receipt yet"
    path.write_text("{not json")
    with pytest.raises(SavedFileDamaged) as info:
        read_receipt(path)
    assert str(path) in str(info.value) and info.value.exit_code == ExitCode.USAGE


@pytest.mark.parametrize("raw", ["bob@acme.com", "https://acme.com", "acme", "ac me.com", "-a.com"])
def test_bad_email_domains_are_refused(raw: str) -> None:
    with pytest.raises(UsageError):
        normalize_email_domain(raw)


def test_email_domain_is_normalized() -> None:
    assert normalize_email_domain(" Acme.COM. ") == "acme.com"

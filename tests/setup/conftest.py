"""End-to-end fixtures: the sandbox org over real HTTP on loopback, the real Secret Service."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from okta_wizard.cli import main
from okta_wizard.sandbox.server import RunningSandbox, start_sandbox

# Not the sandbox's documented demo token: the leak scans look for this one.
TEST_TOKEN = "00e2e-Tok3n-for-okta-wizard-tests-9f8e7d6c5b4a"


@dataclass
class Org:
    """A running sandbox plus helpers to run commands against it and inspect what happened."""

    sb: RunningSandbox
    state_dir: Path
    outputs: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.sb.base_url

    def run(self, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
        code = main([argv[0], "--org-url", self.url, *argv[1:]])
        out = capsys.readouterr()
        self.outputs += [out.out, out.err]
        return code, out.out, out.err

    def apps(self, label: str = "Upflow SSO") -> list[object]:
        return list(self.sb.org.apps_by_label(label))

    def only_app(self, label: str = "Upflow SSO"):  # type: ignore[no-untyped-def]
        apps = self.sb.org.apps_by_label(label)
        assert len(apps) == 1, f"expected one app labelled {label!r}, found {len(apps)}"
        return apps[0]

    def journal_path(self) -> Path:
        files = [p for p in self.state_dir.glob("*.json") if "receipt" not in p.name]
        assert len(files) == 1, files
        return files[0]

    def journal(self) -> dict[str, object]:
        data: dict[str, object] = json.loads(self.journal_path().read_text())
        return data

    def group_id(self, name: str) -> str:
        group = self.sb.org.group_by_name(name)
        assert group is not None
        return group.id

    def secret_values(self) -> list[str]:
        return [s.value for a in self.sb.org.apps.values() for s in a.secrets]


@pytest.fixture
def org(
    secret_service: None, _isolated_state: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Org]:
    sb = start_sandbox(host="127.0.0.1", port=0, token=TEST_TOKEN)
    monkeypatch.setenv("OKTA_API_TOKEN", TEST_TOKEN)
    try:
        yield Org(sb, _isolated_state)
    finally:
        sb.stop()


def assert_converged(org: Org, groups: tuple[str, ...] = ("Finance",)) -> None:
    """One app, a working secret in the keyring, the requested assignments, a full journal."""
    from okta_wizard.secret import Secret
    from okta_wizard.vault import Vault

    app = org.only_app()
    assert app.status == "ACTIVE"
    stored = Vault().load_client_secret(org.url, app.id)
    assert stored is not None, "the secret is in the keyring"
    active = [s.value for s in app.secrets if s.status == "ACTIVE"]
    assert stored.reveal() in active, "the keyring holds an active secret of the app"
    assert stored == Secret(stored.reveal())
    assert set(app.assignments) == {org.group_id(g) for g in groups}
    journal = org.journal()
    assert journal["app_id"] == app.id and journal["client_id"] == app.id
    steps = journal["steps"]
    assert isinstance(steps, dict)
    assert {n: steps[n]["state"] for n in ("1", "2", "3", "4", "5")} == dict.fromkeys(
        ("1", "2", "3", "4", "5"), "done"
    )
    assert journal["issuer"] == org.url

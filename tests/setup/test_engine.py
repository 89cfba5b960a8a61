"""The engine's public API, as the TUI drives it, against the sandbox org."""

from __future__ import annotations

import pytest

from okta_wizard.okta.credentials import ApiToken
from okta_wizard.okta.models import Actor
from okta_wizard.orgurl import parse_org_url
from okta_wizard.secret import Secret
from okta_wizard.setup.engine import (
    AssignmentChoice,
    SecretNotStored,
    Setup,
    SetupOptions,
    list_saved_setups,
    role_remedy,
)
from okta_wizard.vault import MemoryVault, Vault
from tests.leakscan import find_leaks
from tests.setup.conftest import TEST_TOKEN, Org
from tests.setup.refusing_keyring import RefusingKeyring


def _options(org: Org, **kw: object) -> SetupOptions:
    return SetupOptions(
        org_url=parse_org_url(org.url),
        credential=ApiToken(Secret(TEST_TOKEN)),
        **kw,  # type: ignore[arg-type]
    )


async def test_step_by_step_as_the_tui_drives_it(org: Org) -> None:
    progress: list[str] = []
    async with Setup(_options(org), on_progress=progress.append) as setup:
        report = await setup.connect()
        assert report.ok and report.actor.login
        assert await setup.find_existing() is None
        picked = await setup.search_groups("Fin")
        assert "Finance" in [g.name for g in picked]
        app_report = await setup.create_or_reuse(repair=False)
        assert app_report.created and app_report.secret_source == "created"
        groups = await setup.assign(AssignmentChoice("groups", ("Finance",)))
        assert [g.name for g in groups] == ["Finance"]
        creds = await setup.read_credentials()
        assert creds.issuer == org.url and creds.client_id == app_report.app.id
        assert all(c.ok for c in await setup.verify())
    assert progress and any("Creating app" in p for p in progress)
    (saved,) = list_saved_setups()
    assert saved.app_id == app_report.app.id and saved.step_reached == 5
    assert saved.steps == {1: "done", 2: "done", 3: "done", 4: "done", 5: "done"}


async def test_refused_role_fails_the_preflight_check(org: Org) -> None:
    org.sb.org.set_admin_roles(["ORG_ADMIN"], own_roles_readable=True)  # roles readable
    async with Setup(_options(org)) as setup:
        report = await setup.connect()
    assert not report.ok
    (failed,) = [c for c in report.checks if not c.ok]
    assert failed.name == "may create OIDC apps" and "App Admin" in failed.remedy
    assert "API token" in failed.remedy  # a user signed in: the token must be another admin's
    with pytest.raises(Exception, match="Preflight refused"):
        report.raise_if_refused()


def test_a_service_app_is_told_to_get_a_role_not_a_token() -> None:
    service_app = Actor(id="0oaSERVICE", kind="service_app", login="0oaSERVICE", display_name="")
    remedy = role_remedy(service_app)
    assert "0oaSERVICE > Admin roles tab" in remedy and "App Admin" in remedy
    assert "API token" not in remedy


async def test_new_secret_then_retire_the_old_one(org: Org) -> None:
    async with Setup(_options(org, assignment=AssignmentChoice("none"))) as setup:
        await setup.create_or_reuse(repair=False)
        app = org.only_app()
        old = app.secrets[0].value
        new, source = await setup.recover_secret(create_new=True)
        assert source == "new" and new.reveal() != old
        assert Vault().load_client_secret(org.url, app.id) == new
        retired = await setup.retire_old_secrets()
        assert retired == [app.secrets[0].id]
        assert [s.status for s in app.secrets] == ["INACTIVE", "ACTIVE"]
        assert all(c.ok for c in await setup.verify()), "the kept secret still works"


async def test_keyring_refusal_carries_the_secret_for_a_one_time_view(org: Org) -> None:
    vault = Vault(backend=RefusingKeyring())
    async with Setup(_options(org), vault=vault) as setup:
        await setup.connect()
        with pytest.raises(SecretNotStored) as info:
            await setup.create_or_reuse(repair=False)
    app = org.only_app()
    assert info.value.secret.reveal() == app.secrets[0].value
    assert info.value.exit_code == 6
    rendered = [str(info.value), repr(info.value), repr(info.value.secret)]
    assert find_leaks([app.secrets[0].value], texts=rendered) == []
    assert org.journal()["app_id"] == app.id


async def test_demo_memory_vault_runs_the_same_flow(org: Org) -> None:
    vault = MemoryVault()
    async with Setup(_options(org), vault=vault) as setup:
        report = await setup.create_or_reuse(repair=False)
        assert vault.load_client_secret(org.url, report.app.id) is not None
        assert Vault().load_client_secret(org.url, report.app.id) is None


@pytest.mark.slow
async def test_group_names_resolve_server_side_in_a_big_org(org: Org) -> None:
    org.sb.org.add_generated_groups(50_000)
    async with Setup(_options(org)) as setup:
        groups = await setup.resolve_groups(AssignmentChoice("groups", ("Finance",)))
    assert [g.name for g in groups] == ["Finance"]
    calls = org.sb.calls_to("GET /api/v1/groups")
    assert len(calls) <= 2 and all("after=" not in c.query for c in calls)


async def test_forget_from_the_engine_keeps_the_app_in_okta(org: Org) -> None:
    async with Setup(_options(org, assignment=AssignmentChoice("none"))) as setup:
        report = await setup.create_or_reuse(repair=False)
        removed = await setup.forget()
    assert any("keyring entry" in r for r in removed)
    assert Vault().load_client_secret(org.url, report.app.id) is None
    assert list_saved_setups() == []
    assert len(org.apps()) == 1


async def test_a_label_changed_before_the_create_is_the_label_okta_gets(org: Org) -> None:
    """The wizard's step 3 renames the app before creating it (EngineSession.relabel)."""
    import dataclasses

    async with Setup(_options(org, assignment=AssignmentChoice("none"))) as setup:
        await setup.connect()
        assert await setup.find_existing() is None
        setup.options = dataclasses.replace(setup.options, label="Upflow Production")
        report = await setup.create_or_reuse(repair=False)
        assert report.app.label == "Upflow Production"
        assert all(c.ok for c in await setup.verify()), "no label drift against itself"
    assert org.apps("Upflow Production") and not org.apps("Upflow SSO")
    assert org.journal()["label"] == "Upflow Production"

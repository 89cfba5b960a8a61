"""The client against the sandbox's PrivateBin endpoint, over real HTTP on loopback."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
import pytest
from aiohttp import web

from okta_wizard.errors import ExitCode, HandoffError, UsageError
from okta_wizard.handoff.privatebin import (
    DeleteFailed,
    PasteGone,
    check_server,
    create_link,
    delete_link,
    parse_link,
    read_link,
)
from okta_wizard.secret import Secret
from tests.handoff.conftest import PasteServer
from tests.leakscan import find_leaks

SECRET_TEXT = "Client secret: Zq8-very-secret-value_0123456789 ünïcødé"
Impostor = Callable[
    [Callable[[web.Request], Awaitable[web.StreamResponse]]], Awaitable[tuple[str, list[str]]]
]
PBINCLI = str(Path(sys.executable).with_name("pbincli"))


async def test_burn_after_reading_really_burns(paste_server: PasteServer) -> None:
    link = await create_link(paste_server.secrets_url, Secret(SECRET_TEXT))
    assert link.burn_after_reading and link.paste_id in paste_server.store.pastes
    assert link.url.reveal().startswith(f"{paste_server.secrets_url}?{link.paste_id}#")
    # A link preview (no JSON header) sees the HTML page and does not burn the paste.
    async with httpx.AsyncClient() as http:
        preview = await http.get(link.url.reveal().split("#")[0])
    assert preview.headers["content-type"].startswith("text/html")
    assert link.paste_id in paste_server.store.pastes
    assert (await read_link(link.url)).reveal() == SECRET_TEXT
    assert link.paste_id not in paste_server.store.pastes
    with pytest.raises(HandoffError, match="does not exist") as info:
        await read_link(link.url)
    assert info.value.exit_code == ExitCode.HANDOFF


async def test_without_burn_the_paste_stays_readable(paste_server: PasteServer) -> None:
    link = await create_link(paste_server.secrets_url, Secret("x"), burn_after_reading=False)
    assert (await read_link(link.url)).reveal() == "x"
    assert (await read_link(link.url)).reveal() == "x"


async def test_delete_with_the_token(paste_server: PasteServer) -> None:
    link = await create_link(paste_server.secrets_url, Secret(SECRET_TEXT))
    with pytest.raises(DeleteFailed, match="Wrong deletion token") as wrong:
        await delete_link(link.server, link.paste_id, Secret("0" * 64))
    assert not isinstance(wrong.value, PasteGone), "a wrong token is not a gone paste"
    assert link.paste_id in paste_server.store.pastes
    await delete_link(link.server, link.paste_id, link.delete_token)
    assert link.paste_id not in paste_server.store.pastes
    with pytest.raises(HandoffError, match="does not exist"):
        await read_link(link.url)
    with pytest.raises(PasteGone, match="nothing is left to delete"):
        await delete_link(link.server, link.paste_id, link.delete_token)


@pytest.mark.parametrize(
    "fault",
    [{"status": 503}, {"status": 500}, {"drop": "before"}, {"drop": "after"}],
    ids=["503", "500", "dropped", "dropped-after-delete"],
)
async def test_a_delete_that_fails_is_never_taken_for_a_gone_paste(
    paste_server: PasteServer, fault: dict[str, object]
) -> None:
    link = await create_link(paste_server.secrets_url, Secret(SECRET_TEXT))
    paste_server.store.faults.add("DELETE /secrets/", nth=1, **fault)
    with pytest.raises(HandoffError) as failed:
        await delete_link(link.server, link.paste_id, link.delete_token)
    assert not isinstance(failed.value, PasteGone)
    deleted = fault.get("drop") == "after"
    assert (link.paste_id in paste_server.store.pastes) is not deleted
    if deleted:  # the retry learns that it is gone
        with pytest.raises(PasteGone):
            await delete_link(link.server, link.paste_id, link.delete_token)
    else:
        await delete_link(link.server, link.paste_id, link.delete_token)
    assert link.paste_id not in paste_server.store.pastes


async def test_an_answer_not_understood_is_a_failed_delete(impostor: Impostor) -> None:
    """A translated or unknown message: the paste may still be there (the token is kept).
    The client asks for English answers, the only ones it can classify."""
    languages: list[str] = []

    async def answer(request: web.Request) -> web.StreamResponse:
        languages.append(request.headers.get("Accept-Language", ""))
        message = "Le document n'existe pas, a expiré ou a été supprimé."
        return web.json_response({"status": 1, "message": message})

    url, _ = await impostor(answer)
    with pytest.raises(DeleteFailed, match="did not delete the link") as failed:
        await delete_link(url, "0123456789abcdef", Secret("f" * 64))
    assert not isinstance(failed.value, PasteGone) and languages == ["en"]


async def test_a_server_that_echoes_the_delete_token_does_not_get_it_shown(
    impostor: Impostor,
) -> None:
    token = "c0ffee" * 10 + "beef"

    async def echo(request: web.Request) -> web.StreamResponse:
        sent = json.loads(await request.read())["deletetoken"]
        return web.json_response({"status": 1, "message": f"bad token {sent}"})

    url, _ = await impostor(echo)
    with pytest.raises(DeleteFailed) as failed:
        await delete_link(url, "0123456789abcdef", Secret(token))
    assert token not in str(failed.value) and "[the delete token]" in str(failed.value)


@pytest.mark.parametrize(("expire", "ttl"), [("5min", 300), ("1day", 86400), ("never", None)])
async def test_expiry_is_sent(paste_server: PasteServer, expire: str, ttl: int | None) -> None:
    link = await create_link(
        paste_server.secrets_url, Secret("x"), expire=expire, burn_after_reading=False
    )
    stored = paste_server.store.pastes[link.paste_id]
    assert stored.expire == expire == link.expire
    async with httpx.AsyncClient() as http:
        answer = await http.get(
            paste_server.secrets_url,
            params={"pasteid": link.paste_id},
            headers={"X-Requested-With": "JSONHttpRequest"},
        )
    meta = answer.json()["meta"]
    if ttl is None:
        assert "time_to_live" not in meta and link.expires_at is None
    else:
        assert ttl - 5 <= meta["time_to_live"] <= ttl and link.expires_at is not None


async def test_an_expired_paste_is_gone(paste_server: PasteServer) -> None:
    link = await create_link(paste_server.secrets_url, Secret("x"), expire="5min")
    paste_server.store.pastes[link.paste_id].expires_at = time.time() - 1
    with pytest.raises(HandoffError, match="does not exist"):
        await read_link(link.url)


async def test_invalid_expiry_is_refused_before_any_request(paste_server: PasteServer) -> None:
    with pytest.raises(UsageError):
        await create_link(paste_server.secrets_url, Secret(SECRET_TEXT), expire="2days")
    assert paste_server.store.requests == []


async def test_status_1_errors_surface(paste_server: PasteServer) -> None:
    paste_server.store.traffic_limit_seconds = 10
    await create_link(paste_server.secrets_url, Secret("first"))
    with pytest.raises(HandoffError) as info:
        await create_link(paste_server.secrets_url, Secret(SECRET_TEXT))
    assert "Please wait 10 seconds between each post." in str(info.value)
    assert info.value.exit_code == ExitCode.HANDOFF
    paste_server.store.traffic_limit_seconds = 0
    paste_server.store.size_limit = 10
    with pytest.raises(HandoffError, match="limited to 10 bytes"):
        await create_link(paste_server.secrets_url, Secret(SECRET_TEXT))
    assert find_leaks([SECRET_TEXT], texts=[str(info.value), repr(info.value)]) == []


async def _html_page(request: web.Request) -> web.StreamResponse:
    return web.Response(text="<html><body>Welcome</body></html>", content_type="text/html")


async def _not_found(request: web.Request) -> web.StreamResponse:
    return web.Response(status=404, text="not found")


async def _json_not_privatebin(request: web.Request) -> web.StreamResponse:
    return web.json_response({"ok": True})


async def _ok_to_everything(request: web.Request) -> web.StreamResponse:
    return web.json_response({"status": 0, "id": "0123456789abcdef"})


async def _redirect_elsewhere(request: web.Request) -> web.StreamResponse:
    raise web.HTTPFound("https://evil.example/collect")


@pytest.mark.parametrize(
    ("handler", "expected"),
    [
        (_html_page, "text/html"),
        (_not_found, "HTTP 404"),
        (_json_not_privatebin, "not PrivateBin's JSON API"),
        (_ok_to_everything, "does not answer like a PrivateBin"),
        (_redirect_elsewhere, "redirect"),
    ],
)
async def test_a_non_privatebin_server_is_refused_before_the_secret_leaves(
    impostor: Impostor,
    handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
    expected: str,
) -> None:
    url, seen = await impostor(handler)
    with pytest.raises(HandoffError) as info:
        await create_link(url, Secret(SECRET_TEXT))
    assert expected in str(info.value)
    assert info.value.exit_code == ExitCode.HANDOFF
    assert len(seen) == 1 and seen[0].startswith("GET /?pasteid=")  # the probe, nothing else
    assert "POST" not in " ".join(seen)


async def test_a_same_host_redirect_is_explained_not_followed(impostor: Impostor) -> None:
    async def moved(request: web.Request) -> web.StreamResponse:
        raise web.HTTPMovedPermanently("/paste/")

    url, seen = await impostor(moved)
    with pytest.raises(HandoffError) as info:
        await create_link(url, Secret(SECRET_TEXT))
    assert f"{url}paste/" in str(info.value)  # the remedy names the final address
    assert len(seen) == 1


async def test_an_unreachable_server_is_a_handoff_error() -> None:
    with pytest.raises(HandoffError, match="Could not reach"):
        await check_server("http://127.0.0.1:9/")


@pytest.mark.parametrize(
    "url",
    [
        "http://secrets.example.com/",
        "ftp://secrets.example.com/",
        "https://user:pw@secrets.example.com/",
        "https://secrets.example.com/?x=1",
        "not a url",
    ],
)
async def test_unsafe_server_urls_are_refused(url: str) -> None:
    with pytest.raises(UsageError):
        await create_link(url, Secret(SECRET_TEXT))


async def test_password_protected_link(paste_server: PasteServer) -> None:
    link = await create_link(paste_server.secrets_url, Secret(SECRET_TEXT), password=Secret("pw"))
    with pytest.raises(HandoffError, match="wrong key or password"):
        await read_link(link.url)  # burns it: the wrong password loses the paste
    link = await create_link(paste_server.secrets_url, Secret(SECRET_TEXT), password=Secret("pw"))
    assert (await read_link(link.url, password=Secret("pw"))).reveal() == SECRET_TEXT
    with pytest.raises(UsageError, match="ASCII"):
        await create_link(paste_server.secrets_url, Secret("x"), password=Secret("pässwort"))


async def _run(*argv: str, cwd: Path) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        *argv, cwd=cwd, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await proc.communicate()
    return proc.returncode or 0, out.decode(), err.decode()


async def test_pbincli_reads_our_link_from_the_server(
    paste_server: PasteServer, tmp_path: Path
) -> None:
    link = await create_link(paste_server.secrets_url, Secret(SECRET_TEXT), expire="1day")
    code, out, err = await _run(PBINCLI, "get", link.url.reveal(), cwd=tmp_path)
    assert code == 0, out + err
    assert (tmp_path / f"paste-{link.paste_id}.txt").read_text() == SECRET_TEXT
    assert link.paste_id not in paste_server.store.pastes  # pbincli's read burned it


async def test_we_read_a_paste_pbincli_sent(paste_server: PasteServer, tmp_path: Path) -> None:
    code, out, err = await _run(
        PBINCLI,
        "send",
        "-s",
        paste_server.secrets_url,
        "-t",
        SECRET_TEXT,
        "-E",
        "1day",
        "-B",
        "--json",
        cwd=tmp_path,
    )
    assert code == 0, out + err
    result = json.loads(out.strip().splitlines()[-1])["result"]
    stored = paste_server.store.pastes[result["id"]]
    assert stored.expire == "1day" and stored.burn_after_reading
    assert (await read_link(Secret(result["link"]))).reveal() == SECRET_TEXT
    assert result["id"] not in paste_server.store.pastes


def test_parse_link_refuses_damaged_links() -> None:
    with pytest.raises(UsageError):
        parse_link(Secret("https://s.example/?0123456789abcdef"))  # no key
    with pytest.raises(UsageError):
        parse_link(Secret("https://s.example/?0123456789abcdef#0OIl"))  # not base58
    server, paste_id, _ = parse_link(Secret("https://s.example/p/?pasteid=0123456789abcdef#-2"))
    assert (server, paste_id) == ("https://s.example/p/", "0123456789abcdef")

"""The platform clipboards that cannot run here (the macOS pasteboard, Wayland's wl-copy, the
Win32 clipboard): their command lines and stdin, with stand-ins.

These are mocks, for what cannot run on this Linux machine: fake `osascript`, `pbcopy`,
`pbpaste`, `wl-copy` and `wl-paste` executables on PATH that record their argv and keep the
"clipboard" in a file, and fake user32/kernel32 objects for the Win32 calls. The real helpers
are driven the same way by the same code (`okta_wizard.clipboard.platforms`); what the real
ones do with the concealed and sensitive marks is not checked here.
"""

from __future__ import annotations

import ctypes
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from okta_wizard.clipboard.board import Clipboard
from okta_wizard.clipboard.platforms import (
    CF_UNICODETEXT,
    Win32Clipboard,
    find_platform_clipboard,
)
from okta_wizard.secret import Secret
from tests.leakscan import find_leaks

SECRET = "s3cr3t-Value-0f-the-Client_Secret-000000000000000000000000000000"

# One script for every fake helper: its name says what it does. The "clipboard" is a file.
FAKE_TMUX = "/tmp/x,1,0"  # path-ok: a made-up $TMUX value
FAKE_HELPER = """#!{python}
import json, os, sys

name = os.path.basename(sys.argv[0])
state = os.environ["FAKE_CLIPBOARD_DIR"]
store = os.path.join(state, "clipboard")
args = sys.argv[1:]
with open(os.path.join(state, "argv.jsonl"), "a") as log:
    log.write(json.dumps([name, *args]) + "\\n")
def put(data, kind):
    with open(store, "wb") as f:
        f.write(data)
    with open(os.path.join(state, "kind"), "w") as f:
        f.write(kind)
if name in ("pbpaste", "wl-paste"):
    sys.stdout.buffer.write(open(store, "rb").read() if os.path.exists(store) else b"")
elif name == "osascript":
    script = args[args.index("-e") + 1]
    if "setStringForType" in script:
        kind = "concealed" if "org.nspasteboard.ConcealedType" in script else "plain"
        put(sys.stdin.buffer.read(), kind)
    else:
        put(b"", "cleared")
elif name == "pbcopy":
    data = sys.stdin.buffer.read()
    put(data, "plain" if data else "cleared")
elif name == "wl-copy":
    if "--help" in args:
        print("Usage: wl-copy [options] text..." + (
            "\\n  -s, --sensitive  Hint that the data is sensitive"
            if os.environ.get("FAKE_WL_SENSITIVE") else ""))
    elif "--clear" in args:
        put(b"", "cleared")
    else:
        put(sys.stdin.buffer.read(), "sensitive" if "--sensitive" in args else "plain")
"""


class FakeHelpers:
    def __init__(self, root: Path, names: tuple[str, ...]) -> None:
        self.bin = root / "bin"
        self.state = root / "state"
        self.bin.mkdir()
        self.state.mkdir()
        for name in names:
            path = self.bin / name
            path.write_text(FAKE_HELPER.format(python=sys.executable))
            path.chmod(0o755)

    @property
    def clipboard(self) -> str:
        store = self.state / "clipboard"
        return store.read_text() if store.exists() else ""

    @property
    def kind(self) -> str:
        return (self.state / "kind").read_text()

    def argv(self) -> list[list[str]]:
        lines = (self.state / "argv.jsonl").read_text().splitlines()
        return [json.loads(line) for line in lines]


@pytest.fixture
def mac(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeHelpers:
    fakes = FakeHelpers(tmp_path, ("osascript", "pbcopy", "pbpaste"))
    monkeypatch.setenv("PATH", f"{fakes.bin}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_CLIPBOARD_DIR", str(fakes.state))
    return fakes


@pytest.fixture
def wayland(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeHelpers:
    fakes = FakeHelpers(tmp_path, ("wl-copy", "wl-paste"))
    monkeypatch.setenv("PATH", f"{fakes.bin}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_CLIPBOARD_DIR", str(fakes.state))
    return fakes


def board_on(platform: str, env: dict[str, str]) -> Clipboard:
    found = find_platform_clipboard(env, platform=platform)
    assert found is not None
    return Clipboard(send=None, env=env, platform=found)


def test_macos_copies_through_osascript_with_the_concealed_type(mac: FakeHelpers) -> None:
    board = board_on("darwin", {})
    outcome = board.copy(Secret(SECRET), what="the client secret", clear_after=30)
    assert outcome.copied
    assert outcome.message.startswith("Copied the client secret to the macOS pasteboard, marked")
    assert "It is cleared in 30 s if the macOS pasteboard still holds it." in outcome.message
    assert mac.clipboard == SECRET and mac.kind == "concealed"  # it came on stdin
    assert board.clear(outcome.ticket) == "Cleared the macOS pasteboard."
    assert mac.clipboard == "" and mac.kind == "cleared"
    names = [argv[0] for argv in mac.argv()]
    assert names == ["osascript", "pbpaste", "pbpaste", "osascript", "pbpaste"]
    assert find_leaks([SECRET], texts=[json.dumps(mac.argv())]) == []


def test_macos_clear_leaves_what_the_admin_copied_since(mac: FakeHelpers) -> None:
    board = board_on("darwin", {})
    outcome = board.copy(Secret(SECRET), what="the client secret", clear_after=30)
    (mac.state / "clipboard").write_text("the admin's own text")
    said = board.clear(outcome.ticket)
    assert said == "The macOS pasteboard holds something else now: left it as it is."
    assert mac.clipboard == "the admin's own text"


def test_macos_without_osascript_says_pbcopy_cannot_mark_it(
    mac: FakeHelpers, monkeypatch: pytest.MonkeyPatch
) -> None:
    (mac.bin / "osascript").unlink()
    monkeypatch.setenv("PATH", str(mac.bin))  # no real osascript either (there is none here)
    board = board_on("darwin", {})
    outcome = board.copy(Secret(SECRET), what="the client secret", clear_after=30)
    assert "It is not marked sensitive (pbcopy cannot add the concealed type" in outcome.message
    assert mac.clipboard == SECRET and [a[0] for a in mac.argv()] == ["pbcopy", "pbpaste"]
    assert board.clear(outcome.ticket) == "Cleared the macOS pasteboard (pbcopy)."
    assert find_leaks([SECRET], texts=[json.dumps(mac.argv())]) == []


@pytest.mark.parametrize("sensitive", [True, False], ids=["wl-copy 2.3", "wl-copy 2.1"])
def test_wayland_marks_sensitive_only_when_wl_copy_can(
    wayland: FakeHelpers, monkeypatch: pytest.MonkeyPatch, sensitive: bool
) -> None:
    if sensitive:
        monkeypatch.setenv("FAKE_WL_SENSITIVE", "1")
    board = board_on("linux", {"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"})
    outcome = board.copy(Secret(SECRET), what="the client secret", clear_after=30)
    assert wayland.clipboard == SECRET
    copy = next(argv for argv in wayland.argv() if argv[0] == "wl-copy" and "--help" not in argv)
    if sensitive:
        assert copy == ["wl-copy", "--sensitive"] and wayland.kind == "sensitive"
        assert "the Wayland clipboard (wl-copy), marked sensitive" in outcome.message
    else:
        assert copy == ["wl-copy"] and wayland.kind == "plain"
        assert "not marked sensitive (this wl-copy has no --sensitive" in outcome.message
    assert board.clear(outcome.ticket) == "Cleared the Wayland clipboard (wl-copy)."
    assert ["wl-copy", "--clear"] in wayland.argv()
    assert find_leaks([SECRET], texts=[json.dumps(wayland.argv())]) == []


# --------------------------------------------------------------------------- Win32


class FakeKernel32:
    """Global memory backed by real ctypes buffers, so the copy code's memmove is exercised."""

    def __init__(self) -> None:
        self.blocks: dict[int, Any] = {}

    def GlobalAlloc(self, flags: int, size: int) -> int:
        block = ctypes.create_string_buffer(size)
        self.blocks[ctypes.addressof(block)] = block
        return ctypes.addressof(block)

    def GlobalLock(self, handle: int) -> int:
        return handle

    def GlobalUnlock(self, handle: int) -> bool:
        return True

    def GlobalFree(self, handle: int) -> None:
        self.blocks.pop(handle, None)

    def GlobalSize(self, handle: int) -> int:
        return len(self.blocks[handle].raw)


class FakeUser32:
    def __init__(self, kernel32: FakeKernel32) -> None:
        self.kernel32 = kernel32
        self.data: dict[int, bytes] = {}
        self.formats: dict[str, int] = {}
        self.opened = 0

    def OpenClipboard(self, owner: None) -> bool:
        self.opened += 1
        return True

    def CloseClipboard(self) -> bool:
        self.opened -= 1
        return True

    def EmptyClipboard(self) -> bool:
        self.data.clear()
        return True

    def RegisterClipboardFormatW(self, name: str) -> int:
        return self.formats.setdefault(name, 0xC000 + len(self.formats))

    def SetClipboardData(self, fmt: int, handle: int) -> int:
        block = self.kernel32.blocks[handle]
        self.data[fmt] = bytes(block.raw)
        return handle

    def GetClipboardData(self, fmt: int) -> int:
        if fmt not in self.data:
            return 0
        block = ctypes.create_string_buffer(self.data[fmt], len(self.data[fmt]))
        self.kernel32.blocks[ctypes.addressof(block)] = block
        return ctypes.addressof(block)

    def text(self) -> str:
        return self.data.get(CF_UNICODETEXT, b"\0\0").decode("utf-16-le").rstrip("\0")

    def marker(self, name: str) -> bytes | None:
        return self.data.get(self.formats.get(name, -1))


def test_windows_clipboard_is_marked_for_history_and_monitors() -> None:
    kernel32 = FakeKernel32()
    user32 = FakeUser32(kernel32)
    board = Clipboard(send=None, env={}, platform=Win32Clipboard(user32, kernel32))
    outcome = board.copy(Secret(SECRET), what="the client secret", clear_after=30)
    assert outcome.copied and "the Windows clipboard, marked sensitive" in outcome.message
    assert user32.text() == SECRET
    assert user32.marker("ExcludeClipboardContentFromMonitorProcessing") is not None
    assert user32.marker("CanIncludeInClipboardHistory") == b"\0\0\0\0"
    assert user32.marker("CanUploadToCloudClipboard") == b"\0\0\0\0"
    assert board.clear(outcome.ticket) == "Cleared the Windows clipboard."
    assert user32.data == {} and user32.opened == 0  # every OpenClipboard was closed


def test_no_sighup_is_asked_for_on_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    import signal

    from okta_wizard.clipboard.board import guarded_signals

    assert set(guarded_signals()) == {signal.SIGTERM, signal.SIGHUP}
    monkeypatch.delattr(signal, "SIGHUP")  # as on Windows
    assert guarded_signals() == (signal.SIGTERM,)


def test_a_tmux_that_does_not_answer_is_not_described_as_known() -> None:
    """Inside tmux (TMUX set) without a working tmux client: nothing is claimed about tmux."""

    def no_tmux(argv: list[str], **_: Any) -> Any:
        raise FileNotFoundError(argv[0])

    sent: list[str] = []
    board = Clipboard(send=sent.append, env={"TMUX": FAKE_TMUX}, platform=None, run=no_tmux)
    outcome = board.copy(Secret(SECRET), what="the client secret", clear_after=30)
    assert outcome.copied and "tmux, which did not say how it is set up" in outcome.message
    said = board.clear(outcome.ticket)
    assert said is not None and "Could not ask tmux which paste buffers hold it" in said
    assert "Deleted" not in said and "tmux delete-buffer -b NAME" in said
    assert find_leaks([SECRET], texts=[outcome.message, said]) == []

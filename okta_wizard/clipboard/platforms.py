"""The platform's own clipboard: macOS pasteboard, Windows clipboard, Wayland, X11.

The value always travels on a helper's stdin, never in its argv (which every local user can
read in /proc or `ps`). Each clipboard can be read back, so a clear happens only while it still
holds our value. Marking as sensitive, so that clipboard managers skip their history:

- macOS: the `org.nspasteboard.ConcealedType` pasteboard type beside the text, set through
  `osascript` (JavaScript for Automation, AppKit); `pbcopy` alone cannot add it.
- Windows: the Win32 clipboard in-process (ctypes), with `ExcludeClipboardContentFromMonitor
  Processing` and `CanIncludeInClipboardHistory`/`CanUploadToCloudClipboard` set to 0.
- Wayland: `wl-copy --sensitive` (wl-clipboard 2.3 and later, which offers the
  `x-kde-passwordManagerHint` type); older wl-copy copies unmarked, and the message says so.
- X11: `xclip` serves a single type, so it cannot add `x-kde-passwordManagerHint`: unmarked.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from okta_wizard.clipboard.programs import HELPER_TIMEOUT, Runner, ask

Which = Callable[[str], "str | None"]


class ClipboardFailed(Exception):
    """A platform clipboard refused; the text says which and why, never the value."""


class PlatformClipboard(Protocol):
    name: str  # "the X11 clipboard (xclip)": how messages name it
    marked: bool  # the copy is marked sensitive for clipboard managers
    unmarked_why: str  # when not marked: why not

    def write(self, text: str) -> None: ...

    def read(self) -> str: ...

    def clear(self) -> None: ...


# JavaScript for Automation: the text comes on stdin; it is put on the general pasteboard with
# the concealed type beside it (http://nspasteboard.org), which clipboard managers skip.
MAC_COPY_JXA = (
    "ObjC.import('AppKit');"
    "var data = $.NSFileHandle.fileHandleWithStandardInput.readDataToEndOfFile;"
    "var text = $.NSString.alloc.initWithDataEncoding(data, $.NSUTF8StringEncoding);"
    "var pb = $.NSPasteboard.generalPasteboard;"
    "pb.clearContents;"
    "pb.setStringForType(text, $.NSPasteboardTypeString);"
    "pb.setStringForType($(''), 'org.nspasteboard.ConcealedType');"
)
MAC_CLEAR_JXA = "ObjC.import('AppKit'); $.NSPasteboard.generalPasteboard.clearContents;"


@dataclass(frozen=True)
class HelperCommands:
    """The argv of each helper: none of them carries the value."""

    name: str
    copy: tuple[str, ...]
    read: tuple[str, ...]
    clear: tuple[str, ...]
    clear_input: bytes | None = None  # what `clear` reads on stdin (xclip: an empty value)
    marked: bool = False
    unmarked_why: str = ""


class HelperClipboard:
    """A clipboard driven by helper programs, the value on stdin."""

    def __init__(self, commands: HelperCommands, run: Runner = subprocess.run) -> None:
        self.commands = commands
        self.name = commands.name
        self.marked = commands.marked
        self.unmarked_why = commands.unmarked_why
        self.run = run

    def _run(self, argv: tuple[str, ...], stdin: bytes | None, *, want_output: bool) -> bytes:
        feed: dict[str, Any] = (
            {"input": stdin} if stdin is not None else {"stdin": subprocess.DEVNULL}
        )
        try:
            done = self.run(
                list(argv),
                **feed,
                # xclip and wl-copy fork a child that keeps serving the clipboard: a pipe it
                # inherits would keep us waiting, so only the reader gets one.
                stdout=subprocess.PIPE if want_output else subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=HELPER_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise ClipboardFailed(f"{argv[0]} did not finish within {HELPER_TIMEOUT:g} s") from None
        except OSError as exc:
            raise ClipboardFailed(f"{argv[0]} could not start ({exc.strerror})") from None
        if done.returncode != 0:
            raise ClipboardFailed(f"{argv[0]} exited with status {done.returncode}")
        return done.stdout or b""

    def write(self, text: str) -> None:
        self._run(self.commands.copy, text.encode(), want_output=False)

    def read(self) -> str:
        try:
            return self._run(self.commands.read, None, want_output=True).decode(errors="replace")
        except ClipboardFailed:
            return ""  # xclip and wl-paste fail when the clipboard is empty or has no text

    def clear(self) -> None:
        self._run(self.commands.clear, self.commands.clear_input, want_output=False)


def mac_commands(which: Which) -> HelperCommands:
    if which("osascript"):
        return HelperCommands(
            "the macOS pasteboard",
            copy=("osascript", "-l", "JavaScript", "-e", MAC_COPY_JXA),
            read=("pbpaste",),
            clear=("osascript", "-l", "JavaScript", "-e", MAC_CLEAR_JXA),
            marked=True,
        )
    return HelperCommands(
        "the macOS pasteboard (pbcopy)",
        copy=("pbcopy",),
        read=("pbpaste",),
        clear=("pbcopy",),
        clear_input=b"",
        unmarked_why="pbcopy cannot add the concealed type without osascript",
    )


def wayland_commands(run: Runner) -> HelperCommands:
    sensitive = wl_copy_has_sensitive(run)
    return HelperCommands(
        "the Wayland clipboard (wl-copy)",
        copy=("wl-copy", "--sensitive") if sensitive else ("wl-copy",),
        read=("wl-paste", "--no-newline"),
        clear=("wl-copy", "--clear"),
        marked=sensitive,
        unmarked_why="this wl-copy has no --sensitive (wl-clipboard 2.3 adds it)",
    )


def wl_copy_has_sensitive(run: Runner) -> bool:
    done = ask(run, ["wl-copy", "--help"])
    return done is not None and b"--sensitive" in done.stdout + done.stderr


X11_COMMANDS = HelperCommands(
    "the X11 clipboard (xclip)",
    copy=("xclip", "-selection", "clipboard", "-in"),
    read=("xclip", "-selection", "clipboard", "-out"),
    clear=("xclip", "-selection", "clipboard", "-in"),
    clear_input=b"",
    unmarked_why="xclip cannot add the x-kde-passwordManagerHint type",
)


def find_platform_clipboard(
    env: Mapping[str, str],
    *,
    platform: str = sys.platform,
    which: Which = shutil.which,
    run: Runner = subprocess.run,
) -> PlatformClipboard | None:
    """The platform clipboard this session can reach, or None (then the terminal's is used)."""
    if platform == "win32":
        return Win32Clipboard()
    if platform == "darwin":
        return HelperClipboard(mac_commands(which), run) if which("pbpaste") else None
    if env.get("WAYLAND_DISPLAY") and which("wl-copy") and which("wl-paste"):
        return HelperClipboard(wayland_commands(run), run)
    if env.get("DISPLAY") and which("xclip"):
        return HelperClipboard(X11_COMMANDS, run)
    return None


# --- Windows: the Win32 clipboard, in-process (no helper sees the value)

CF_UNICODETEXT = 13
GMEM_MOVEABLE = 0x0002
# Clipboard managers, Windows' clipboard history (Win+V) and cloud clipboard honour these.
WIN32_MARKERS = (
    ("ExcludeClipboardContentFromMonitorProcessing", b"\x00\x00\x00\x00"),
    ("CanIncludeInClipboardHistory", b"\x00\x00\x00\x00"),
    ("CanUploadToCloudClipboard", b"\x00\x00\x00\x00"),
)


def _win32_libraries() -> tuple[Any, Any]:
    if sys.platform != "win32":
        raise ClipboardFailed("the Win32 clipboard exists only on Windows")
    import ctypes

    user32 = ctypes.WinDLL("user32", use_last_error=True)
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    handle, uint, boolean = ctypes.c_void_p, ctypes.c_uint, ctypes.c_int
    signatures: dict[Any, tuple[list[Any], Any]] = {
        user32.OpenClipboard: ([handle], boolean),
        user32.CloseClipboard: ([], boolean),
        user32.EmptyClipboard: ([], boolean),
        user32.GetClipboardData: ([uint], handle),
        user32.SetClipboardData: ([uint, handle], handle),
        user32.RegisterClipboardFormatW: ([ctypes.c_wchar_p], uint),
        kernel32.GlobalAlloc: ([uint, ctypes.c_size_t], handle),
        kernel32.GlobalLock: ([handle], handle),
        kernel32.GlobalUnlock: ([handle], boolean),
        kernel32.GlobalFree: ([handle], handle),
        kernel32.GlobalSize: ([handle], ctypes.c_size_t),
    }
    for function, (argtypes, restype) in signatures.items():
        function.argtypes, function.restype = argtypes, restype
    return user32, kernel32


class Win32Clipboard:
    """The Windows clipboard through user32/kernel32; `user32`/`kernel32` may be stand-ins."""

    name = "the Windows clipboard"
    marked = True
    unmarked_why = ""

    def __init__(self, user32: Any = None, kernel32: Any = None) -> None:
        self._libraries = (user32, kernel32) if user32 is not None else None

    def _dlls(self) -> tuple[Any, Any]:
        if self._libraries is None:
            self._libraries = _win32_libraries()
        return self._libraries

    def _open(self) -> Any:
        user32, _ = self._dlls()
        for _attempt in range(10):  # another program may hold the clipboard for a moment
            if user32.OpenClipboard(None):
                return user32
            time.sleep(0.05)
        raise ClipboardFailed("another program holds the Windows clipboard")

    def _put(self, fmt: int, data: bytes) -> None:
        import ctypes

        user32, kernel32 = self._dlls()
        memory = kernel32.GlobalAlloc(GMEM_MOVEABLE, len(data))
        if not memory:
            raise ClipboardFailed("Windows refused the clipboard memory")
        pointer = kernel32.GlobalLock(memory)
        ctypes.memmove(pointer, data, len(data))
        kernel32.GlobalUnlock(memory)
        if not user32.SetClipboardData(fmt, memory):  # on success the clipboard owns it
            kernel32.GlobalFree(memory)
            raise ClipboardFailed("Windows refused the clipboard data")

    def write(self, text: str) -> None:
        user32 = self._open()
        try:
            user32.EmptyClipboard()
            self._put(CF_UNICODETEXT, (text + "\0").encode("utf-16-le"))
            for marker, value in WIN32_MARKERS:
                self._put(user32.RegisterClipboardFormatW(marker), value)
        finally:
            user32.CloseClipboard()

    def read(self) -> str:
        import ctypes

        user32 = self._open()
        try:
            memory = user32.GetClipboardData(CF_UNICODETEXT)
            if not memory:
                return ""
            _, kernel32 = self._dlls()
            pointer = kernel32.GlobalLock(memory)
            try:
                raw = ctypes.string_at(pointer, kernel32.GlobalSize(memory)) if pointer else b""
            finally:
                kernel32.GlobalUnlock(memory)
            # UTF-16 on Windows whatever the C library's wchar_t; the text ends at the first NUL.
            return raw.decode("utf-16-le", errors="replace").split("\0", 1)[0]
        finally:
            user32.CloseClipboard()

    def clear(self) -> None:
        user32 = self._open()
        try:
            user32.EmptyClipboard()
        finally:
            user32.CloseClipboard()

"""The files okta-wizard keeps in its state folder: read and written without trusting them.

Another local user, a backup restored from elsewhere, a full disk or an editor can leave a
journal or a receipt that is not what this program wrote. So:

- the state folder must belong to the user and be writable by no one else (exit 2 with the
  fix otherwise; on Windows the user profile's ACLs protect it, see docs/security.md);
- a saved file is opened without following a symbolic link, must be a regular file with one
  name, and is read only up to a size bound, before any parsing;
- its JSON must be UTF-8, shallow enough to parse, and then checked field by field
  (`Fields`): types, shapes, ids and URLs by pattern, free text made safe to show with
  `textsafe.visible()`;
- writes go to a fresh temporary file (created exclusively, never through a link), are
  synced, then renamed over the old file: a crash leaves the old file or the new one.

A file that fails any check raises `SavedFileDamaged` (exit 2), which names the file and says
how to recover. Platform-specific modules are imported where they are used, so importing
this module works on every platform.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import stat
import sys
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from okta_wizard.errors import UsageError
from okta_wizard.textsafe import visible

# Not on Windows (there a planted link is refused by comparing the opened file with the path).
O_NOFOLLOW: int = getattr(os, "O_NOFOLLOW", 0)
# A FIFO planted at a saved file's path must not block the open.
O_NONBLOCK: int = getattr(os, "O_NONBLOCK", 0)
O_BINARY: int = getattr(os, "O_BINARY", 0)

T = TypeVar("T")


class SavedFileDamaged(UsageError):
    """A saved file okta-wizard will not use as it is: named, with how to recover."""

    def __init__(self, path: Path, problem: str, *, remedy: str) -> None:
        super().__init__(f"{visible(str(path))} cannot be used: {visible(problem)}.", remedy=remedy)
        self.path = path
        self.problem = visible(problem)


class StateFolderUnsafe(UsageError):
    """The state folder could be changed by someone else, or cannot be used at all."""


# ---------------------------------------------------------------------- the state folder


def check_state_folder(folder: Path) -> None:
    """Refuse a folder that someone other than the user could change (POSIX modes).

    On Windows the folder is protected by the ACLs it inherits from the user profile; the mode
    bits Python reports there mean nothing, so only the type is checked.
    """
    try:
        link = os.lstat(folder)
        info = os.stat(folder)
    except OSError as exc:
        raise StateFolderUnsafe(
            f"The state folder {folder} cannot be read ({exc.strerror}).",
            remedy="Check its permissions, or set OKTA_WIZARD_STATE_DIR to a folder of yours.",
        ) from None
    if not stat.S_ISDIR(info.st_mode):
        raise StateFolderUnsafe(
            f"The state folder {folder} is not a folder.",
            remedy="Move that file away, or set OKTA_WIZARD_STATE_DIR to a folder of yours.",
        )
    if sys.platform == "win32":
        return
    me = os.geteuid()
    if stat.S_ISLNK(link.st_mode) and link.st_uid != me:
        raise StateFolderUnsafe(
            f"The state folder {folder} is a symbolic link owned by another user "
            f"(uid {link.st_uid}), who could point it elsewhere at any time.",
            remedy="Remove the link, or set OKTA_WIZARD_STATE_DIR to a folder of yours.",
        )
    if info.st_uid != me:
        raise StateFolderUnsafe(
            f"The state folder {folder} belongs to another user (uid {info.st_uid}, you are "
            f"uid {me}): they could change or replace the saved progress.",
            remedy="Set OKTA_WIZARD_STATE_DIR to a folder of yours (the default is private).",
        )
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise StateFolderUnsafe(
            f"The state folder {folder} is writable by other users "
            f"(mode {stat.S_IMODE(info.st_mode):o}): they could plant files or links in it.",
            remedy=f"Check what is in it (ls -la {folder}), then run: chmod 700 {folder}",
        )
    if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        os.chmod(folder, 0o700)  # readable by others: ours, so simply made private again


def ensure_state_folder(folder: Path) -> Path:
    """Create the folder (0700) if needed, then check it as `check_state_folder` does."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise StateFolderUnsafe(
            f"The state folder {folder} cannot be created ({exc.strerror}).",
            remedy="Check the permissions of its parent, or set OKTA_WIZARD_STATE_DIR.",
        ) from None
    check_state_folder(folder)
    return folder


# ---------------------------------------------------------------------- reading


LINK_REFUSED = "it is a symbolic link, and okta-wizard never follows links in its state folder"


def _check_opened(path: Path, fd: int, remedy: str, *, same_as_path: bool) -> None:
    """The open file must be a regular file with one name (and, if asked, the one at `path`)."""
    opened = os.fstat(fd)
    if not stat.S_ISREG(opened.st_mode):
        raise SavedFileDamaged(path, "it is not a regular file", remedy=remedy)
    if opened.st_nlink > 1:
        raise SavedFileDamaged(path, "it has other names (a hard link)", remedy=remedy)
    if same_as_path and not is_open_at(fd, path):
        raise SavedFileDamaged(path, "it was replaced while being opened", remedy=remedy)


def is_open_at(fd: int, path: Path) -> bool:
    """True when `fd` is the file now at `path`. A link at `path` is refused, never followed."""
    try:
        here = os.lstat(path)
    except FileNotFoundError:
        return False
    if stat.S_ISLNK(here.st_mode):
        raise SavedFileDamaged(path, LINK_REFUSED, remedy=f"Check who made it, then delete {path}.")
    opened = os.fstat(fd)
    return (here.st_dev, here.st_ino) == (opened.st_dev, opened.st_ino)


def open_no_follow(
    path: Path, flags: int, remedy: str, *, mode: int = 0o600, same_as_path: bool = True
) -> int:
    """`os.open` that refuses a symbolic link (a dangling one too) instead of following it,
    and anything but a regular file with a single name (`SavedFileDamaged`). Only a missing
    file is an `OSError` (FileNotFoundError)."""
    if sys.platform == "win32" and os.path.islink(path):  # no O_NOFOLLOW there
        raise SavedFileDamaged(path, LINK_REFUSED, remedy=remedy)
    try:
        fd = os.open(path, flags | O_NOFOLLOW | O_NONBLOCK | O_BINARY, mode)
    except FileNotFoundError:
        raise
    except OSError as exc:
        # Linux and macOS say ELOOP for a link opened with O_NOFOLLOW, FreeBSD EMLINK.
        if exc.errno in (errno.ELOOP, errno.EMLINK) or os.path.islink(path):
            raise SavedFileDamaged(path, LINK_REFUSED, remedy=remedy) from None
        problem = (
            "it is a folder" if os.path.isdir(path) else f"it cannot be opened ({exc.strerror})"
        )
        raise SavedFileDamaged(path, problem, remedy=remedy) from None
    try:
        _check_opened(path, fd, remedy, same_as_path=same_as_path)
        if sys.platform != "win32":
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_bytes(path: Path, *, max_bytes: int, remedy: str) -> bytes | None:
    """The file's bytes, or None if there is none. Never follows a link, never reads more
    than `max_bytes` (a larger file is damaged, not truncated)."""
    try:
        fd = open_no_follow(path, os.O_RDONLY, remedy)
    except FileNotFoundError:
        return None
    try:
        if os.fstat(fd).st_size > max_bytes:
            raise SavedFileDamaged(
                path, f"it is larger than {max_bytes // 1024} KiB", remedy=remedy
            )
        chunks: list[bytes] = []
        size = 0
        while size <= max_bytes:
            chunk = os.read(fd, max_bytes + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise SavedFileDamaged(path, f"it cannot be read ({exc.strerror})", remedy=remedy) from None
    finally:
        os.close(fd)
    if size > max_bytes:  # it grew while being read
        raise SavedFileDamaged(path, f"it is larger than {max_bytes // 1024} KiB", remedy=remedy)
    return b"".join(chunks)


def parse_json_object(path: Path, raw: bytes, *, remedy: str) -> dict[str, Any]:
    """A JSON object from UTF-8 bytes; anything else (an array, deep nesting, NaN) is damage."""

    def refuse_constant(name: str) -> None:
        raise ValueError(f"{name} is not JSON")

    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=refuse_constant)
    except UnicodeDecodeError:
        raise SavedFileDamaged(path, "it is not UTF-8 text", remedy=remedy) from None
    except RecursionError:
        raise SavedFileDamaged(path, "its JSON is nested too deeply", remedy=remedy) from None
    except ValueError:
        raise SavedFileDamaged(path, "it is not valid JSON", remedy=remedy) from None
    if not isinstance(data, dict):
        raise SavedFileDamaged(
            path, f"it holds a JSON {_json_kind(data)}, not an object", remedy=remedy
        )
    return data


def _json_kind(value: object) -> str:
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool) or value is None:
        return "constant"
    return "number"


# ---------------------------------------------------------------------- writing


def write_atomic(path: Path, payload: bytes) -> None:
    """Replace `path` with `payload`, mode 0600: temp file (exclusive, never through a link),
    fsync, rename over the old one (a link at `path` is replaced, its target untouched)."""
    import tempfile  # only writes need it; keeps the first screen's imports small

    folder = path.parent
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        try:
            if sys.platform != "win32":
                os.fchmod(fd, 0o600)  # mkstemp makes it 0600 already; said here on purpose
            view = memoryview(payload)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_folder(folder)


def fsync_folder(folder: Path) -> None:
    """Make the rename durable. Windows cannot open a folder as a file; NTFS journals it."""
    if sys.platform == "win32":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove(path: Path, remedy: str) -> bool:
    """Delete the name `path` (a link is removed, never its target); False if there is none."""
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise UsageError(f"{path} cannot be deleted ({exc.strerror}).", remedy=remedy) from None
    return True


# ---------------------------------------------------------------------- checking fields


class InvalidField(ValueError):
    """One field of a saved file is not what okta-wizard writes there."""


class Fields:
    """Typed access to the fields of a saved JSON object; a wrong one raises `InvalidField`.

    A missing field gives its default (older versions wrote fewer fields). `lenient=True`
    (for `forget`, which must work on a damaged file) also gives the default for a wrong
    field, so whatever is still readable can be used.
    """

    def __init__(self, data: Mapping[str, Any], where: str = "", *, lenient: bool = False):
        self.data = data
        self.where = where
        self.lenient = lenient

    def _bad(self, key: str, expected: str, default: T) -> T:
        if self.lenient:
            return default
        raise InvalidField(f"field {self.where}{key} is not {expected}")

    def _get(self, key: str, default: T, check: Callable[[Any], T | None], expected: str) -> T:
        if key not in self.data:
            return default
        checked = check(self.data[key])
        return self._bad(key, expected, default) if checked is None else checked

    def _nullable(self, key: str, check: Callable[[Any], T | None], expected: str) -> T | None:
        if self.data.get(key) is None:
            return None
        return self._get(key, None, check, f"{expected} or null")

    def required(self, *keys: str) -> None:
        for key in keys:
            if key not in self.data and not self.lenient:
                raise InvalidField(f"field {self.where}{key} is missing")

    def text(self, key: str, default: str, *, max_len: int = 1000) -> str:
        """Free text, made safe to show (`textsafe.visible`)."""
        return self._get(key, default, lambda v: _text(v, max_len), f"text ({max_len} max)")

    def optional_text(self, key: str, *, max_len: int = 1000) -> str | None:
        return self._nullable(key, lambda v: _text(v, max_len), f"text ({max_len} max)")

    def matching(self, key: str, pattern: re.Pattern[str], what: str) -> str | None:
        return self._nullable(key, lambda v: _match(v, pattern), what)

    def checked(self, key: str, check: Callable[[str], bool], what: str) -> str | None:
        """A string `check` accepts (a URL, a timestamp), or null."""
        return self._nullable(key, lambda v: _accepted(v, check), what)

    def choice(self, key: str, choices: tuple[str, ...]) -> str | None:
        return self._nullable(
            key, lambda v: _accepted(v, choices.__contains__), f"one of {choices}"
        )

    def boolean(self, key: str, default: bool) -> bool:
        return self._get(key, default, lambda v: v if isinstance(v, bool) else None, "a boolean")

    def integer(self, key: str, default: int | None) -> int | None:
        return self._get(key, default, _integer, "an integer")

    def text_list(self, key: str, *, max_items: int = 10_000, max_len: int = 1000) -> list[str]:
        return self._list(key, lambda v: _text(v, max_len), max_items, f"texts ({max_len} max)")

    def matching_list(self, key: str, pattern: re.Pattern[str], what: str) -> list[str]:
        return self._list(key, lambda v: _match(v, pattern), 10_000, what)

    def checked_list(self, key: str, check: Callable[[str], bool], what: str) -> list[str]:
        return self._list(key, lambda v: _accepted(v, check), 1000, what)

    def _list(
        self, key: str, item: Callable[[Any], str | None], max_items: int, what: str
    ) -> list[str]:
        def check(value: Any) -> list[str] | None:
            if not isinstance(value, list) or len(value) > max_items:
                return None
            items = [item(v) for v in value]
            return None if None in items else [i for i in items if i is not None]

        return self._get(key, [], check, f"a list of at most {max_items} {what}")

    def object(self, key: str) -> Fields | None:
        """A nested object, checked with the same rules; None when absent or null."""
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            return self._bad(key, "an object", None)
        return Fields(value, f"{self.where}{key}.", lenient=self.lenient)


def _text(value: Any, max_len: int) -> str | None:
    return visible(value) if isinstance(value, str) and len(value) <= max_len else None


def _accepted(value: Any, check: Callable[[str], bool]) -> str | None:
    return value if isinstance(value, str) and check(value) else None


def _integer(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _match(value: Any, pattern: re.Pattern[str]) -> str | None:
    return value if isinstance(value, str) and pattern.fullmatch(value) else None


def now_iso() -> str:
    """Now, as saved files hold it: `2026-11-28T05:17:11Z`."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def is_timestamp(value: str) -> bool:
    """ISO 8601 as this program writes it (`2026-11-28T05:17:11Z`, `...+00:00`)."""
    if len(value) > 40:
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def is_org_origin(value: str) -> bool:
    """An org origin exactly as `parse_org_url` writes it (`https://acme.okta.com`)."""
    from okta_wizard.orgurl import parse_org_url  # with ipaddress: only once a file is read

    try:
        return parse_org_url(value).origin == value
    except UsageError:
        return False


def is_web_url(value: str) -> bool:
    """An https URL (http for loopback hosts), with no credentials, query or fragment."""
    from urllib.parse import urlsplit

    from okta_wizard.orgurl import is_loopback_host

    if len(value) > 2048 or not value.isprintable() or " " in value:
        return False
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018  (raises on a bad port)
    except ValueError:
        return False
    host = parts.hostname or ""
    secure = parts.scheme == "https" or (parts.scheme == "http" and is_loopback_host(host))
    clean = not (parts.username or parts.password or parts.query or parts.fragment)
    return secure and bool(host) and clean


def is_link_server(value: str) -> bool:
    """A one-time-link server URL exactly as `normalize_server_url` writes it."""
    from okta_wizard.handoff.privatebin import normalize_server_url

    try:
        return normalize_server_url(value) == value
    except UsageError:
        return False


def is_email_domain(value: str) -> bool:
    """An email domain exactly as `normalize_email_domain` writes it (`acme.com`)."""
    from okta_wizard.handoff.message import normalize_email_domain

    try:
        return normalize_email_domain(value) == value
    except UsageError:
        return False


# Okta's ids: apps are `0oa` + base62; client ids may be custom (RFC 6749 unreserved).
APP_ID = re.compile(r"0oa[0-9A-Za-z]{1,61}")
CLIENT_ID = re.compile(r"[0-9A-Za-z._~-]{1,255}")
# The loopback redirect URI a test sign-in adds for its duration (setup/loopback.py builds it).
TEST_REDIRECT_URI = re.compile(r"http://localhost:[1-9][0-9]{0,4}/okta-wizard/callback")

"""Search everything a run left behind for secret values. Used by the leak-scan tests.

keyrings.alt's files (`keyring_pass.cfg`, `crypted_pass.cfg` in keyring's data folder,
XDG_DATA_HOME/python_keyring) keep each value base64-encoded and wrapped over several lines,
which no plain search finds: their values are decoded and searched too, and
`keyring_files()` names that folder so that every scan can include it.
"""

from __future__ import annotations

import base64
import binascii
import configparser
from collections.abc import Iterable
from pathlib import Path


def _forms(secret: str) -> set[bytes]:
    raw = secret.encode()
    forms = {raw, base64.b64encode(raw), base64.urlsafe_b64encode(raw)}
    # A long secret split across lines or cells still leaks its middle part.
    if len(raw) >= 24:
        forms.add(raw[4:20])
    return forms


def keyring_files() -> list[Path]:
    """keyring's data folder (where keyrings.alt writes its files), when it exists."""
    from keyring.util import platform_

    folder = Path(platform_.data_root())
    return [folder] if folder.exists() else []


def _keyrings_alt_values(where: str, blob: bytes) -> list[tuple[str, bytes]]:
    """The decoded values of a keyrings.alt file (an ini file of base64 values); else none."""
    parser = configparser.RawConfigParser()
    try:
        parser.read_string(blob.decode())
    except (UnicodeDecodeError, configparser.Error):
        return []
    decoded = []
    for section in parser.sections():
        for option, value in parser.items(section):
            try:
                plain = base64.b64decode("".join(value.split()), validate=True)
            except (binascii.Error, ValueError):
                continue
            decoded.append((f"{where} [{section}] {option} (base64-decoded)", plain))
    return decoded


def find_leaks(
    secrets: Iterable[str], *, paths: Iterable[Path] = (), texts: Iterable[str] = ()
) -> list[str]:
    """Return where any secret (or an obvious encoding of it) appears; empty when clean."""
    hits: list[str] = []
    needles = [(s, f) for s in secrets if s for f in _forms(s)]
    assert needles, "a leak scan needs at least one secret to look for"
    blobs: list[tuple[str, bytes]] = [(f"text#{i}", t.encode()) for i, t in enumerate(texts)]
    for root in paths:
        files = [root] if root.is_file() else [p for p in root.rglob("*") if p.is_file()]
        for path in files:
            blob = path.read_bytes()
            blobs += [(str(path), blob), *_keyrings_alt_values(str(path), blob)]
    for where, blob in blobs:
        for secret, form in needles:
            if form in blob:
                hits.append(f"{where}: contains the secret ending …{secret[-4:]}")
    return hits

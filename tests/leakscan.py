"""Search everything a run left behind for secret values. Used by the leak-scan tests."""

from __future__ import annotations

import base64
from collections.abc import Iterable
from pathlib import Path


def _forms(secret: str) -> set[bytes]:
    raw = secret.encode()
    forms = {raw, base64.b64encode(raw), base64.urlsafe_b64encode(raw)}
    # A long secret split across lines or cells still leaks its middle part.
    if len(raw) >= 24:
        forms.add(raw[4:20])
    return forms


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
        blobs += [(str(p), p.read_bytes()) for p in files]
    for where, blob in blobs:
        for secret, form in needles:
            if form in blob:
                hits.append(f"{where}: contains the secret ending …{secret[-4:]}")
    return hits

"""PrivateBin v2-compatible one-time-link endpoint of the sandbox (issue 4 fills this in)."""

from __future__ import annotations

from typing import Any


def add_privatebin_routes(app: Any, prefix: str = "/secrets/") -> None:
    """Mount the endpoint on the sandbox's aiohttp application under `prefix`."""

"""What a hostile Okta admin (or a hostile server) can put in the text the wizard shows, and the
check that none of it reaches a terminal as control characters."""

from __future__ import annotations

import base64
from typing import Any

# The clipboard write a group name can carry: `ESC ] 52 ; c ; <base64> BEL`. tmux with
# `set-clipboard on` turns it into a paste buffer holding CLIPBOARD_PAYLOAD.
CLIPBOARD_PAYLOAD = "okta-data-wrote-your-clipboard"
OSC52 = "\x1b]52;c;" + base64.b64encode(CLIPBOARD_PAYLOAD.encode()).decode() + "\x07"
CLEAR_SCREEN = "\x1b[2J\x1b[H"
HYPERLINK = "\x1b]8;;https://evil.example/\x1b\\click me\x1b]8;;\x1b\\"
C1_CSI = "\x9b2J"  # the one-byte form of ESC [
C1_OSC = "\x9d52;c;" + base64.b64encode(CLIPBOARD_PAYLOAD.encode()).decode() + "\x9c"
BIDI = "\u202e"  # right-to-left override

HOSTILE_GROUP = f"Finance{OSC52} EMEA"
HOSTILE_GROUPS = [
    {"name": HOSTILE_GROUP, "description": f"see {HYPERLINK}", "usersCount": 4},
    {"name": f"Finance Ops{CLEAR_SCREEN}", "description": f"ops{C1_CSI}", "usersCount": 2},
    {"name": f"Finance{C1_OSC}{BIDI}", "usersCount": 1},
    {"name": "Sales", "usersCount": 9},
]
HOSTILE_REDIRECT = f"https://auth.upflow.io/__/auth/handler{OSC52}"
HOSTILE_ADMIN = {
    "login": f"ada{OSC52}@example.com",
    "email": f"ada{HYPERLINK}@example.com",
    "firstName": f"Ada{CLEAR_SCREEN}",
    "lastName": f"Admin{C1_CSI}{BIDI}",
    "roles": ["SUPER_ADMIN"],
}


def hostile_seed() -> dict[str, Any]:
    """A sandbox org whose admin, groups and existing "Upflow SSO" app hold terminal escapes
    (the app's sign-in redirect URI too, so that drift shows it)."""
    return {
        "admin": dict(HOSTILE_ADMIN),
        "groups": [dict(g) for g in HOSTILE_GROUPS],
        "apps": [{"label": "Upflow SSO", "redirect_uris": [HOSTILE_REDIRECT]}],
    }


# What may never reach a terminal from outside data: ESC, BEL, every other C0 control but the
# product's own newline, DEL, the C1 controls, and the bidi overrides and isolates.
_FORBIDDEN = {
    *(chr(c) for c in range(0x20) if c != 0x0A),
    "\x7f",
    *(chr(c) for c in range(0x80, 0xA0)),
    *(chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]),
}


def control_characters(text: str) -> list[str]:
    """The forbidden characters in `text`, with a little context (empty: safe to show)."""
    return [repr(text[max(0, i - 20) : i + 20]) for i, ch in enumerate(text) if ch in _FORBIDDEN]


def assert_terminal_safe(*texts: str) -> None:
    for text in texts:
        found = control_characters(text)
        assert found == [], f"control characters reached the output: {found[:5]}"

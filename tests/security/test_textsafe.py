"""The display boundary: no control, escape or reordering character survives `visible()`."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from okta_wizard.textsafe import is_visible, visible

HOSTILE = [
    "\x1b]52;c;c2VjcmV0\x07",  # OSC 52: write the clipboard
    "\x1b[2J\x1b[H",  # clear the screen
    "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\",  # hyperlink
    "\x9b2J",  # C1 CSI
    "\x9d52;c;eA==\x9c",  # C1 OSC ... ST
    "Finance\nPASS  everything is fine",  # a forged output line
    "admin\u202eexe.txt",  # bidi override
    "\x00\x08\x7f",
]


def test_hostile_text_keeps_no_control_character() -> None:
    for text in HOSTILE:
        shown = visible(text)
        assert is_visible(shown), repr(shown)
        assert not any(unicodedata.category(c) in ("Cc", "Cf") for c in shown), repr(shown)
        assert "\x1b" not in shown and "\x07" not in shown


def test_escapes_are_shown_not_dropped() -> None:
    assert visible("a\x1b[2Jb") == "a\\x1b[2Jb"
    assert visible("x\ny") == "x\\ny"
    assert visible("\x9b") == "\\x9b"
    assert visible("a\u202eb") == "a\\u202eb"


def test_ordinary_names_are_unchanged() -> None:
    for text in ["Upflow SSO", "Finance \u2013 EMEA", "Ärzte & Co", "財務", "emoji 🚀", "a\\b"]:
        assert visible(text) == text
        assert is_visible(text)


@given(st.text())
def test_any_text_becomes_visible(text: str) -> None:
    shown = visible(text)
    assert is_visible(shown)
    assert not any(unicodedata.category(c) == "Cc" for c in shown)
    assert visible(shown) == shown  # idempotent: applying it twice changes nothing

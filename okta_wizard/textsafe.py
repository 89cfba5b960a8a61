"""Text from outside the process, made safe to show: the one display boundary.

Okta's answers (group names, app labels, redirect URIs, profile fields, error text), saved
files and server messages may hold terminal escapes: `ESC]52;c;...` writes the clipboard,
`ESC[2J` clears the screen, `ESC]8;;` makes a hyperlink, C1 controls do the same in one byte,
a newline forges a line of output and bidi overrides reorder what is read. `visible()` turns
every such character into a visible escape (`\\x1b`, `\\n`, `\\u202e`) so that no renderer (the
terminal, Rich, Textual) ever interprets it. Printable text, non-ASCII letters included, is
unchanged, so well-behaved names look exactly as in the Admin Console.

Apply it where the text enters (parsing Okta's JSON, loading a saved file, reading a server's
message), not where it is drawn: then every renderer downstream gets safe text. Markup escaping
(`[` in Textual) is a renderer's concern and stays in the TUI.
"""

from __future__ import annotations

_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}

# Unicode format characters that reorder or hide text (Trojan Source, CVE-2021-42574), and the
# line and paragraph separators that some terminals treat as newlines.
_FORMAT = [
    0x061C,
    *range(0x200B, 0x2010),
    0x2028,
    0x2029,
    *range(0x202A, 0x202F),
    *range(0x2066, 0x206A),
    0xFEFF,
]


def _escape_for(code: int) -> str:
    char = chr(code)
    if char in _NAMED:
        return _NAMED[char]
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


_TABLE: dict[int, str] = {
    code: _escape_for(code) for code in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0), *_FORMAT]
}


def visible(text: str) -> str:
    """`text` with every control, escape and reordering character shown as a visible escape."""
    return text.translate(_TABLE)


def is_visible(text: str) -> bool:
    """True when `visible(text)` would change nothing (for validation and for tests)."""
    return not any(ord(c) in _TABLE for c in text)

"""How the wizard draws text it did not write itself: as text, never as markup.

Textual reads a plain string given to a widget (`Static`, an `Option`, `notify`) as content
markup: `[@click=app.screenshot('x.svg','/tmp')]` becomes a clickable action, a stray `[/]`
raises `MarkupError`, `[$x]` looks up a variable. Rich's `escape()` does not cover Textual's
grammar (`[$x]`, `[B]`), so it is not used. One rule for every screen and widget instead:

- a widget gets either a literal written in this code, or a `Content` made here;
- `styled(template, name=value)`: the template is markup written in this code, and each
  `$name` is replaced by its value as plain text, whatever characters it holds;
- `plain(text)`: text with no styling at all;
- `prose(text)`: a sentence shared with the CLI, where `command` marks a name to type: shown
  bold, without the backticks (`unquoted(text)` for toasts and the status line);
- toasts are sent with `markup=False`.

Control characters are not this module's concern: outside text is made visible where it
enters the program (`okta_wizard.textsafe`), before the TUI gets it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from textual.content import Content

_CODE = re.compile(r"`([^`\n]+)`")


def styled(template: str, /, **values: str) -> Content:
    """Markup written here, with outside text inserted as text: `styled("[b]$who[/b]", who=x)`."""
    return Content.from_markup(template, **values)


def plain(text: str) -> Content:
    """Text shown exactly as it is: no markup is read in it."""
    return Content(text)


def lines(parts: Iterable[Content | str]) -> Content:
    """Content pieces one per line (a `str` piece is plain text, not markup)."""
    return Content("\n").join(p if isinstance(p, Content) else Content(p) for p in parts)


def prose(text: str) -> Content:
    """A sentence written for the CLI too: each `name` in backticks shown bold, without them."""
    content = Content("")
    last = 0
    for found in _CODE.finditer(text):
        content += Content(text[last : found.start()])
        content += Content(found.group(1)).stylize("bold")
        last = found.end()
    return content + Content(text[last:])


def unquoted(text: str) -> str:
    """The same sentence as plain text (a toast, the status line): the backticks dropped."""
    return _CODE.sub(r"\1", text)

"""What a widget tells the admin goes up as a message; the app decides how it is said.

A widget posts `Announce`; it bubbles to the app, which shows it on the wizard's status line
and as a toast (or, in the accessible mode, on the status line alone). Widgets therefore know
nothing of the app they run in: the widget tests run them in a small app of their own.
"""

from __future__ import annotations

from typing import Literal

from textual.message import Message

Severity = Literal["information", "warning", "error"]


class Announce(Message):
    """Something to tell the admin: `quiet` ones go to the status line only, never a toast."""

    def __init__(self, text: str, *, severity: Severity = "information", quiet: bool = False):
        super().__init__()
        self.text = text
        self.severity: Severity = severity
        self.quiet = quiet

"""The wizard's end of copying: one `okta_wizard.clipboard` board per app, writing escape
sequences through Textual's driver. The rules (where a copy goes, when and how it is cleared,
what the messages say) live in `okta_wizard.clipboard`, shared with `credentials --copy`."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary, ref

if TYPE_CHECKING:
    from textual.app import App

    from okta_wizard.clipboard.board import Clipboard

_BOARDS: WeakKeyDictionary[App[Any], Clipboard] = WeakKeyDictionary()


def board_for(app: App[Any]) -> Clipboard:
    """The app's clipboard: built at the first copy, so startup loads none of it."""
    board = _BOARDS.get(app)
    if board is None:
        from okta_wizard.clipboard.board import Clipboard

        # A weak reference: the board is the app's value in a WeakKeyDictionary, and must not
        # keep its key alive.
        owner = ref(app)
        board = Clipboard(send=lambda sequence: _send(owner(), sequence), send_urgent=_send_now)
        _BOARDS[app] = board
    return board


def _send(app: App[Any] | None, sequence: str) -> None:
    # The same driver write that Textual's App.copy_to_clipboard makes for OSC 52.
    driver = app._driver if app is not None else None
    if driver is None:
        _send_now(sequence)
    else:
        driver.write(sequence)


def _send_now(sequence: str) -> None:
    """From a signal handler or at exit: straight to the terminal Textual draws on (stderr),
    not through the driver's writer thread, which may never run again."""
    stream = sys.__stderr__
    if stream is not None:
        os.write(stream.fileno(), sequence.encode())

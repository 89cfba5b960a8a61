"""A wait for Okta's rate limit, shown as a live countdown where the work's progress is shown.

When Okta answers 429, the engine waits until the reset and says so first: a `RateLimitWait`
comes through the progress callback (a line like the others, with `family`, `seconds` and
`until`). Here it becomes a line that counts down each second ("Okta's rate limit for apps:
waiting 41 s, until 14:05:12") and goes away when the call is sent again: the count reaches 0,
the next progress line comes, or the work ends.

Escape or Ctrl+C (the app's `stop_waiting`) cancels the work that waits. Okta did nothing with
the refused call and the engine records each change before it makes it, so stopping there
leaves nothing half-done; the admin starts the same action again when ready.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, TypeGuard

from textual.dom import DOMNode
from textual.timer import Timer
from textual.widgets import Static
from textual.worker import NoActiveWorker, Worker, get_current_worker

from okta_wizard.tui.messages import Announce
from okta_wizard.tui.text import plain

if TYPE_CHECKING:
    # Imported where a wait arrives, never at start: the engine (and the gateway under it)
    # is loaded by the first worker that needs it, not by the first screen.
    from okta_wizard.setup.values import RateLimitWait

TICK_SECONDS = 0.25  # the line is redrawn this often; it shows whole seconds
STOP_KEYS = "Esc or Ctrl+C stops waiting"


def stopped_text(wait: RateLimitWait) -> str:
    return (
        f"Stopped waiting for Okta's rate limit for {wait.family}. Okta did nothing with the "
        "refused call and it was not sent again, so nothing is half-done: start the same "
        "action again when you are ready."
    )


def waiting_worker() -> Worker[object] | None:
    """The worker the wait happens in (the progress callback runs inside it), if any."""
    try:
        return get_current_worker()
    except NoActiveWorker:
        return None


class RateLimitCountdown(Static):
    """Hidden until `start`; counts down to the wait's `until`, then hides itself."""

    DEFAULT_CSS = """
    RateLimitCountdown { display: none; height: auto; padding: 0 1; color: $warning; }
    RateLimitCountdown.-waiting { display: block; text-style: bold; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("", id=id, classes=classes, markup=False)
        self.wait: RateLimitWait | None = None
        self._worker: Worker[object] | None = None
        self._on_stop: Callable[[], None] | None = None
        self._timer: Timer | None = None

    @property
    def waiting(self) -> bool:
        return self.wait is not None

    @property
    def cancellable(self) -> bool:
        return self.waiting and self._worker is not None and not self._worker.is_finished

    def start(
        self,
        wait: RateLimitWait,
        worker: Worker[object] | None,
        *,
        on_stop: Callable[[], None] | None = None,
    ) -> None:
        """Show `wait`; `worker` is the work that waits (what Escape cancels); `on_stop` is
        called when the admin stops it (to clear what the work's progress line says)."""
        self.wait, self._worker, self._on_stop = wait, worker, on_stop
        self.add_class("-waiting")
        self._tick()
        if self._timer is None:
            self._timer = self.set_interval(TICK_SECONDS, self._tick)
        self.post_message(Announce(str(wait), quiet=True))  # the status line: said once
        self.app.refresh_bindings()  # the key bar shows how to stop

    def seconds_left(self) -> int:
        if self.wait is None:
            return 0
        return math.ceil((self.wait.until - datetime.now()).total_seconds())

    def _tick(self) -> None:
        wait = self.wait
        if wait is None:
            return
        left = self.seconds_left()
        if left <= 0 or (self._worker is not None and self._worker.is_finished):
            self.stop()  # the call goes again (or the work ended): nothing to count
            return
        line = str(type(wait)(wait.family, left, wait.until))
        self.update(plain(f"⏸ {line} · {STOP_KEYS}" if self.cancellable else f"⏸ {line}"))

    def stop(self) -> None:
        """Hide the line: the wait is over."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        was_waiting = self.wait is not None
        self.wait, self._worker, self._on_stop = None, None, None
        self.update("")
        self.remove_class("-waiting")
        if was_waiting and self.is_attached:
            self.app.refresh_bindings()

    def cancel(self) -> bool:
        """Escape or Ctrl+C: cancel the waiting work; False when there is none to cancel."""
        wait, worker, on_stop = self.wait, self._worker, self._on_stop
        if wait is None or worker is None or worker.is_finished:
            return False
        worker.cancel()
        self.stop()
        if on_stop is not None:
            on_stop()
        self.post_message(Announce(stopped_text(wait), severity="warning"))
        return True


def show_wait(node: DOMNode, message: str, *, on_stop: Callable[[], None] | None = None) -> bool:
    """The progress path's hook: a `RateLimitWait` starts the countdown in `node` (True: it is
    shown there); any other line ends a countdown under way (the call went again)."""
    countdown = next(iter(node.query(RateLimitCountdown).results(RateLimitCountdown)), None)
    if countdown is None:
        return False
    if type(message) is not str and _is_wait(message):
        countdown.start(message, waiting_worker(), on_stop=on_stop)
        return True
    countdown.stop()
    return False


def _is_wait(message: str) -> TypeGuard[RateLimitWait]:
    from okta_wizard.setup.values import RateLimitWait

    return isinstance(message, RateLimitWait)


def countdown_waiting(node: DOMNode) -> RateLimitCountdown | None:
    """The countdown under `node` that Escape or Ctrl+C would stop now, if any."""
    for countdown in node.query(RateLimitCountdown).results(RateLimitCountdown):
        if countdown.cancellable:
            return countdown
    return None

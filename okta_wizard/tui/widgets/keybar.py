"""The bottom line: the keys that work now, as Textual's Footer lists them, drawn as one line.

Textual's Footer rebuilds one widget per key each time the focus moves; on the wizard's first
screen that cost more than the rest of step 1 (the first screen is measured against a bare
Textual app by bench/tui_start.py). This bar is a single Static updated in place from the
screen's active bindings: the same keys (those shown, enabled or dimmed), clickable, the
command palette's key at the end. A click is mapped to its key by position: the text holds no
action markup (nothing on screen does, see tests/security/test_server_text_is_not_markup.py).
"""

from __future__ import annotations

from textual import events
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

PALETTE_ACTIONS = ("command_palette", "app.command_palette")


class KeyBar(Static):
    DEFAULT_CSS = """
    KeyBar { height: 1; dock: bottom; background: $footer-background; padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self._keys_at: list[tuple[int, int, str]] = []  # (first column, end column, key)

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if self.is_attached and screen is self.screen:
            self.update(self.describe(screen))

    def on_click(self, event: events.Click) -> None:
        column = event.x - self.gutter.left
        for start, end, key in self._keys_at:
            if start <= column < end:
                self.app.simulate_key(key)
                return

    def describe(self, screen: Screen[object]) -> Content:
        keys: list[tuple[Content, str]] = []
        palette: list[tuple[Content, str]] = []
        seen: set[str] = set()
        for key, active in screen.active_bindings.items():
            binding = active.binding
            palette_key = binding.action in PALETTE_ACTIONS
            if (not binding.show and not palette_key) or binding.action in seen:
                continue
            seen.add(binding.action)
            colour = "$footer-key-foreground" if active.enabled else "$text-disabled"
            display = Content(self.app.get_key_display(binding)).stylize(f"bold {colour}")
            shown = display + Content(f" {binding.description}")
            (palette if palette_key else keys).append((shown, key))
        line = Content("")
        self._keys_at = []
        for index, (shown, key) in enumerate([*keys, *palette]):
            if index:
                line += Content("  ·  " if index == len(keys) else "  ")
            self._keys_at.append((line.cell_length, line.cell_length + shown.cell_length, key))
            line += shown
        return line

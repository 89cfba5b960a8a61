"""The keys, in one modal, opened with F1 (or ? outside text fields).

Rendered from the bindings, never from a list kept by hand: the keys active where the admin
stands (the app's, the screen's, the focused field's), then the keys of the other controls on
the step (a secret view before it has focus). Each key says what it does through its binding's
tooltip, or through the node's `describe_key` when the words depend on the run (the configured
clipboard delay, what quitting keeps in the demo). In the demo it also shows the sandbox org's
address and the API token made for the run (nowhere else on screen).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.keys import format_key
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Static

from okta_wizard.tui.demo import DemoInfo, sandbox_help
from okta_wizard.tui.widgets.rows import Rows, rows_text

OURS = "okta_wizard."


@dataclass(frozen=True)
class KeySection:
    title: str
    rows: tuple[tuple[str, str], ...]  # (keys, what they do)


def key_name(key: str) -> str:
    """ "f1" -> "F1", "question_mark" -> "?", "ctrl+b" stays."""
    name = format_key(key)
    return name.upper() if len(name) <= 3 and name.startswith("f") and name[1:].isdigit() else name


def describe(node: DOMNode, binding: Binding) -> str:
    """What the key does: the node's own words for it if it has them, else the tooltip."""
    describe_key = getattr(node, "describe_key", None)
    told = describe_key(binding) if callable(describe_key) else None
    return str(told or binding.tooltip or binding.description)


def declared_here(node: DOMNode) -> list[Binding]:
    """The bindings the wizard's own classes declare for this node (not those it inherits from
    Textual's widgets: an Input's cursor keys are not the wizard's to explain)."""
    declared: list[Binding] = []
    for cls in type(node).__mro__:
        if cls.__module__.startswith(OURS) and "BINDINGS" in cls.__dict__:
            declared += [b for _, b in BindingsMap(cls.__dict__["BINDINGS"])]
    return declared


def _rows(bound: Iterable[tuple[DOMNode, Binding]]) -> tuple[tuple[str, str], ...]:
    """One row per action: its keys joined ("F1 / ?"), in the order first seen."""
    keys: dict[tuple[int, str], list[str]] = {}
    words: dict[tuple[int, str], str] = {}
    ours: dict[int, set[tuple[str, str]]] = {}
    for node, binding in bound:
        if id(node) not in ours:
            ours[id(node)] = {(b.key, b.action) for b in declared_here(node)}
        if (binding.key, binding.action) not in ours[id(node)]:
            continue
        action = (id(node), binding.action)
        keys.setdefault(action, []).append(key_name(binding.key))
        words.setdefault(action, describe(node, binding))
    return tuple((" / ".join(keys[a]), words[a]) for a in keys if words[a])


def help_sections(screen: Screen[object]) -> list[KeySection]:
    """The keys of `screen` as it is now: where the admin stands first, then the step."""
    active = list(screen.active_bindings.values())
    chain = list({id(a.node): a.node for a in active}.values())  # the focused widget first
    here = _rows(
        (a.node, a.binding) for node in reversed(chain) for a in active if a.node is node
    )  # the app's keys first, each node's in the order it declares them
    bound_here = {id(node) for node in chain}
    others: list[tuple[DOMNode, Binding]] = []
    for widget in _shown_controls(screen):
        if id(widget) not in bound_here:
            others += [(widget, b) for b in declared_here(widget)]
    sections = [KeySection("Keys", here)]
    if rows := _rows(others):
        sections.append(KeySection("On this step (move the focus there first, with tab)", rows))
    return sections


def _shown_controls(screen: Screen[object]) -> Iterable[Widget]:
    """The wizard's own widgets on screen that have keys of their own."""
    for widget in screen.query("*"):
        if widget.can_focus and widget.display and declared_here(widget):
            yield widget


class HelpScreen(ModalScreen[None]):
    BINDINGS = [("escape", "dismiss", "Close"), ("f1", "dismiss", "Close"), ("q", "dismiss")]

    def __init__(self, sections: list[KeySection], *, demo: DemoInfo | None = None) -> None:
        super().__init__()
        self.sections = sections
        self.demo = demo

    def compose(self) -> ComposeResult:
        width = max((len(k) for s in self.sections for k, _ in s.rows), default=0) + 2
        with VerticalScroll(id="help-box"):
            if self.demo is not None:
                yield Static("Sandbox (this demo run)", classes="step-title")
                yield Static(sandbox_help(self.demo), markup=False, id="help-sandbox")
            for index, section in enumerate(self.sections):
                yield Static(section.title, classes="step-title")
                key_id = "help-keys" if index == 0 else f"help-keys-{index}"
                yield Rows(section.rows, name_width=width, id=key_id, classes="help-keys")
            yield Static(
                "enter presses the focused button or submits the field. The client secret and the "
                "one-time link are shown only masked unless you press r; nothing you see here is "
                "written to a file. "
                "Escape closes this help.",
                classes="dim help-note",
            )


def shown_text(screen: Screen[object], selector: str) -> str:
    """The plain text of the help's keys (tests, and the accessible mode's reading order)."""
    return rows_text(screen, selector)

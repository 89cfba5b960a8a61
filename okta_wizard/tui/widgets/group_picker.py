"""Group picker: searches Okta as the admin types (debounced, server-side, stale results dropped).

Never lists every group: an org can hold 50,000. Each keystroke restarts one exclusive worker
that waits DEBOUNCE_SECONDS, asks the engine for at most SHOWN_AT_MOST groups, and shows the
answer only if the text is unchanged. Okta does not say how many groups match in all, so a
full page is said to be a page ("first 20 shown"), never a total. Each result is one line,
marked `[x]` when selected and `[ ]` when not (the state is text, not colour).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from okta_wizard.tui.text import plain, styled

if TYPE_CHECKING:
    from okta_wizard.setup.models import Group

DEBOUNCE_SECONDS = 0.12
SHOWN_AT_MOST = 20  # groups asked of Okta per search
EMPTY_GROUP_NOTE = "0 members: assigning it lets nobody sign in"
SEARCH_PROMPT = "Type to search your Okta groups."


def matches_text(count: int, text: str) -> str:
    """What the results are: all the matches, or only the first page of them."""
    if count >= SHOWN_AT_MOST:
        return f"First {count} groups matching “{text}” shown: type more to narrow."
    return f"{count} group{'s' if count != 1 else ''} match{'es' if count == 1 else ''} “{text}”."


def members_text(count: int | None) -> Text:
    """How many users a group holds; an empty group is flagged, an unknown count said so."""
    if count is None:
        return Text("members unknown", style="dim")
    if count == 0:
        return Text(f"⚠ {EMPTY_GROUP_NOTE}", style="bold yellow")
    return Text(f"{count:,} member{'s' if count != 1 else ''}", style="dim")


SearchGroups = Callable[[str, int], Awaitable[list["Group"]]]  # (text, at most) -> groups


class GroupPicker(Vertical):
    # One line per group: a long description is cut with an ellipsis, never wrapped onto a
    # row of its own that reads like another group.
    DEFAULT_CSS = """
    GroupPicker > #group-results { height: 8; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    class ResultsShown(Message):
        """Posted when results for `text` are on screen; `elapsed` since its last keystroke."""

        def __init__(self, text: str, count: int, elapsed: float) -> None:
            super().__init__()
            self.text = text
            self.count = count
            self.elapsed = elapsed

    class SelectionChanged(Message):
        def __init__(self, names: tuple[str, ...]) -> None:
            super().__init__()
            self.names = names

    def __init__(self, search: SearchGroups | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.search = search
        self.selected: dict[str, Group] = {}  # by group id
        self._results: list[Group] = []
        self._last_keystroke = 0.0
        self._status_text: Content = Content(SEARCH_PROMPT)
        self.history: list[GroupPicker.ResultsShown] = []  # every result shown (tests, bench)

    def compose(self) -> ComposeResult:
        yield Input(placeholder="Type part of a group name…", id="group-search")
        yield Static(SEARCH_PROMPT, id="group-status")
        yield OptionList(id="group-results")
        yield Static("Selected: none", id="group-selected")

    @on(Input.Changed, "#group-search")
    def _search_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._last_keystroke = time.perf_counter()
        self.run_search(event.value.strip())

    @work(exclusive=True, group="group-search", exit_on_error=False)
    async def run_search(self, text: str) -> None:
        await asyncio.sleep(DEBOUNCE_SECONDS)
        status = self.query_one("#group-status", Static)
        if not text:
            self._show([], SEARCH_PROMPT, text)
            return
        if self.search is None:
            return
        status.update(styled("Searching Okta for “$text”…", text=text))
        try:
            groups = await self.search(text, SHOWN_AT_MOST)
        except Exception as exc:  # shown in place; the admin can type again
            status.update(styled("Search failed: $why", why=_failure(exc)))
            status.add_class("error")
            return
        if self.query_one("#group-search", Input).value.strip() != text:
            return  # stale: the admin typed on while Okta answered
        if groups:
            exact = any(g.name.lower() == text.lower() for g in groups)
            note = "" if exact else f" No group is named exactly “{text}”."
            message = plain(f"{matches_text(len(groups), text)}{note} Enter adds the first.")
        else:
            message = plain(
                f"No group in Okta matches “{text}”. Check the name in the Admin Console."
            )
        self._show(groups, message, text)

    def _show(self, groups: list[Group], message: Content | str, text: str) -> None:
        status = self.query_one("#group-status", Static)
        status.remove_class("error")
        message = message if isinstance(message, Content) else plain(message)
        status.update(message)
        self._status_text = message
        self._results = groups
        results = self.query_one("#group-results", OptionList)
        results.clear_options()
        for group in groups:
            results.add_option(Option(self.option_text(group), id=group.id))
        elapsed = time.perf_counter() - self._last_keystroke
        shown = self.ResultsShown(text, len(groups), elapsed)
        self.history.append(shown)
        self.post_message(shown)

    def option_text(self, group: Group) -> Text:
        """One result: selected mark, name, kind, member count (empty flagged), description."""
        line = Text("[x] " if group.id in self.selected else "[ ] ")
        line.append(group.name)
        if group.type != "OKTA_GROUP":
            line.append(f"  ({group.type})", style="dim")
        line.append("  ")
        line.append_text(members_text(group.users_count))
        if group.description:
            line.append(f" — {group.description}", style="dim")
        return line

    @on(Input.Submitted, "#group-search")
    def _submit(self, event: Input.Submitted) -> None:
        event.stop()
        if self._results:
            self.toggle(self._results[0])

    @on(OptionList.OptionSelected, "#group-results")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        group = next((g for g in self._results if g.id == event.option.id), None)
        if group is not None:
            self.toggle(group)

    def toggle(self, group: Group) -> None:
        if group.id in self.selected:
            del self.selected[group.id]
        else:
            self.selected[group.id] = group
        self._selection_changed()

    def select(self, groups: list[Group]) -> None:
        """Select exactly `groups` (a resumed setup's saved choice)."""
        self.selected = {g.id: g for g in groups}
        self._selection_changed()

    def _selection_changed(self) -> None:
        names = tuple(sorted({g.name for g in self.selected.values()}))
        empty = sorted({g.name for g in self.selected.values() if g.users_count == 0})
        summary = Text("Selected: " + (", ".join(names) if names else "none"))
        if empty:
            summary.append(f"  ⚠ {', '.join(empty)}: {EMPTY_GROUP_NOTE}", style="bold yellow")
        self.query_one("#group-selected", Static).update(summary)
        text = self.query_one("#group-search", Input).value.strip()
        self._show(self._results, self._status_text, text)
        self.post_message(self.SelectionChanged(names))


def _failure(exc: BaseException) -> str:
    """What went wrong, in the error's own words when it is one of ours (a WizardError has a
    `message`), else its type only: a library's text could carry anything."""
    message = getattr(exc, "message", None)
    return message if isinstance(message, str) else f"unexpected error ({type(exc).__name__})"

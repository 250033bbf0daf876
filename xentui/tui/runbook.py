"""The runbook beside the main screen: a thin view over ``setup.runbook.Runbook``.

Feed it every event the app receives (``feed``); it redraws only when a step's state changed.
"""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual.widget import Widget

from xentui.model import Event
from xentui.setup.runbook import ItemState, Runbook, RunbookItem
from xentui.tui.format import plain
from xentui.tui.wrap import wrap

_CURRENT = "bold reverse"
_MARKS = {ItemState.DONE: "✓", ItemState.FAILED: "✗", ItemState.TODO: " "}


class RunbookView(Widget):
    """Five lines: mark, number, title, detail, and the key of the step to do next."""

    DEFAULT_CSS = """
    RunbookView { height: auto; min-width: 30; }
    """

    def __init__(
        self,
        runbook: Runbook | None = None,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.runbook = runbook or Runbook()

    def feed(self, event: Event) -> bool:
        """Pass one event on; True (and a redraw) when the runbook changed."""
        changed = self.runbook.feed(event)
        if changed:
            self.refresh(layout=True)
        return changed

    def conclude(self, headline: str, words: str) -> None:
        """The frozen verdict, in the panel's words (``Runbook.conclude``)."""
        if self.runbook.conclude(headline, words):
            self.refresh(layout=True)

    def render(self) -> Group:
        # each step wrapped here, under its title (not its mark), a value never parted from
        # its unit (issue 14.3); the current step's style fills its whole width (a band)
        current, width = self.runbook.current, max(1, self.size.width)
        lines: list[Text] = []
        for i, item in enumerate(self.runbook.items):
            for part in wrap(_line(item, i == current), width, self.app.console, indent=4):
                if i == current:
                    part.pad_right(width - part.cell_len)
                    part.stylize(_CURRENT, 0, len(part))
                part.no_wrap = True
                lines.append(part)
        return Group(*lines)


def _line(item: RunbookItem, current: bool) -> Text:
    mark = "▶" if current else _MARKS[item.state]
    style = _CURRENT if current else ("red" if item.state is ItemState.FAILED else "")
    text = Text(f"{mark} {item.number} {item.title}", style=style)
    if item.detail:  # a tool's message or a host's name may be in it: shown inert
        detail_style = "dim" if not current else style
        text.append(": ", style=detail_style).append_text(plain(item.detail, detail_style))
    if current and item.key:
        text.append(f"  [{item.key}]", style="bold")
    return text

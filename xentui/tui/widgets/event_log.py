"""The event log: one timestamped line per action, result, milestone, gap, stall or connection."""

from __future__ import annotations

from collections import deque

from rich.text import Text
from textual import events
from textual.widgets import RichLog

from xentui.model import Event
from xentui.tui.format import event_line

MAX_LINES = 1000


class EventLog(RichLog):
    """A RichLog that takes events; lines are built as Text, never parsed as markup.

    RichLog wraps a line once, at the width it has when written: the lines are kept so that a
    new width (a resized terminal, a panel shown or hidden) wraps them all again.
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(max_lines=MAX_LINES, min_width=20, wrap=True, markup=False, id=id)
        self.border_title = "Events"
        self.can_focus = False
        self._kept: deque[Text] = deque(maxlen=MAX_LINES)
        self._width = 0

    def add(self, event: Event) -> bool:
        """Log the event if it is news; returns whether a line was written."""
        line = event_line(event)
        if line is None:
            return False
        self._kept.append(line)
        self.write(line)
        return True

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._width:
            self._width = event.size.width
            self.clear()
            for line in self._kept:
                self.write(line)
            self.scroll_end(animate=False)

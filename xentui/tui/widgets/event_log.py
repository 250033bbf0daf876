"""The event log: one timestamped line per action, result, milestone, gap, stall or connection."""

from __future__ import annotations

from textual.widgets import RichLog

from xentui.model import Event
from xentui.tui.format import event_line


class EventLog(RichLog):
    """A RichLog that takes events; lines are built as Text, never parsed as markup."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(max_lines=1000, min_width=40, wrap=True, markup=False, id=id)
        self.border_title = "Events"
        self.can_focus = False

    def add(self, event: Event) -> bool:
        """Log the event if it is news; returns whether a line was written."""
        line = event_line(event)
        if line is None:
            return False
        self.write(line)
        return True

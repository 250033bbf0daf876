"""The event log: one timestamped line per action, result, milestone, gap, stall or connection."""

from __future__ import annotations

from collections import deque

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.widgets import RichLog

from xentui.model import Event
from xentui.tui.format import event_line
from xentui.tui.screens.output import OutputScreen, event_output

MAX_LINES = 1000
PICKED_STYLE = "reverse"


class EventLog(RichLog):
    """A RichLog that takes events; lines are built as Text, never parsed as markup.

    RichLog wraps a line once, at the width it has when written: the lines are kept so that a
    new width (a resized terminal, a panel shown or hidden) wraps them all again.

    RichLog has no selection, so a failure's whole output is reached through the smallest
    addition: focused (Tab), the log marks the newest line that has more behind it (a failed
    action, a host's failed list); Up and Down move the mark among those lines only, and Enter
    opens the whole output (``OutputScreen``).
    """

    BINDINGS = [  # noqa: RUF012 - Textual's own API
        Binding("up", "pick(-1)", "Earlier failure", show=False),
        Binding("down", "pick(1)", "Later failure", show=False),
        Binding("enter", "open", "Whole output", id="log.open"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(max_lines=MAX_LINES, min_width=20, wrap=True, markup=False, id=id)
        self.border_title = "Events"
        self.can_focus = True
        self._kept: deque[Text] = deque(maxlen=MAX_LINES)
        self._outputs: deque[str | None] = deque(maxlen=MAX_LINES)
        self._written = 0
        """Lines ever written: line ``n`` (0-based, ever) is ``_kept[n - first]``."""
        self.picked: int | None = None
        """The marked line, counted like ``_written``; None until the log is focused."""
        self._width = 0

    def add(self, event: Event) -> bool:
        """Log the event if it is news; returns whether a line was written."""
        line = event_line(event)
        if line is None:
            return False
        self._kept.append(line)
        self._outputs.append(event_output(event))
        self._written += 1
        self.write(line)
        return True

    @property
    def _first(self) -> int:
        return self._written - len(self._kept)

    def _openable(self) -> list[int]:
        return [self._first + i for i, out in enumerate(self._outputs) if out is not None]

    def picked_output(self) -> tuple[str, str] | None:
        """(the marked line, its whole output), or None when no such line is marked."""
        if self.picked is None or self.picked < self._first:
            return None
        i = self.picked - self._first
        output = self._outputs[i]
        return None if output is None else (self._kept[i].plain, output)

    def action_pick(self, step: int) -> None:
        lines = self._openable()
        if not lines:
            return
        if self.picked not in lines:
            self.picked = lines[-1]
        else:
            at = lines.index(self.picked) + step
            self.picked = lines[max(0, min(at, len(lines) - 1))]
        self._redraw(scroll_to_pick=True)

    def action_open(self) -> None:
        found = self.picked_output()
        if found is not None:
            self.app.push_screen(OutputScreen(*found))

    def on_focus(self) -> None:
        lines = self._openable()
        if lines and self.picked not in lines:
            self.picked = lines[-1]
        self._redraw(scroll_to_pick=True)

    def on_blur(self) -> None:
        self._redraw()

    def _redraw(self, *, scroll_to_pick: bool = False) -> None:
        """Write every kept line again, the marked one in reverse while the log has focus."""
        self.clear()
        marked = self.picked - self._first if self.has_focus and self.picked is not None else -1
        lines_before = 0
        for i, line in enumerate(self._kept):
            if i == marked:
                lines_before = len(self.lines)
                line = line.copy()
                line.stylize(PICKED_STYLE)
            self.write(line)
        if scroll_to_pick and marked >= 0:
            self.scroll_to(y=max(0, lines_before - self.size.height // 2), animate=False)
        else:
            self.scroll_end(animate=False)

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._width:
            self._width = event.size.width
            self._redraw()

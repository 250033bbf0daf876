"""The event log: one timestamped line per action, result, milestone, gap, stall or connection."""

from __future__ import annotations

from collections import deque

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.widgets import RichLog

from xentui.model import ConnectionEvent, ConnectionState, Event, NoticeEvent
from xentui.tui.format import clock, event_line
from xentui.tui.screens.output import OutputScreen, event_output
from xentui.tui.wrap import wrap

MAX_LINES = 200
"""Events kept (and wrapped lines the RichLog holds). Every line kept costs far more than its
text: its wrapped strips and the crops, styles and filters Textual caches on each (issue 10.10:
with 1,000 lines the app grew ~180 KB a migration until ~100 migrations filled the log). 200
lines is some 20 migrations back, ten screens of the log at 48 rows; each is cut there."""
LINE_CACHE = 100
"""Rendered rows RichLog keeps. Its cache (1,024) is keyed by a line's number since the log
began, so rows cut from the top stay in it until 1,024 newer ones push them out, each a strip
with its own caches (issue 10.10): the rows on screen are all it needs (a taller log crops
the rest again, which is cheap)."""
PICKED_STYLE = "reverse"
STAMP = len("12:04:31.412  ")
"""A line's timestamp and the gap after it: wrapped lines are indented under the message."""
DOWN = (ConnectionState.UNREACHABLE, ConnectionState.CLOSED)


def repeat_of(event: Event) -> tuple[str, tuple[object, ...] | None] | None:
    """(subject, key): a failure that says again what its subject's last line said has the
    same key, and collapses into that line (issue 14.6); a None key ends a subject's run (the
    host connected again); None: an event with no subject, never collapsed."""
    if isinstance(event, ConnectionEvent):
        key = (event.state, event.reason) if event.state in DOWN else None
        return event.host, key
    if isinstance(event, NoticeEvent):
        subject = event.text.partition(":")[0]
        return subject, ((event.level, event.text) if event.level != "info" else None)
    return None


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
        self._line_cache = LRUCache(LINE_CACHE)
        self.border_title = "Events"
        self.can_focus = True
        self._kept: deque[Text] = deque(maxlen=MAX_LINES)
        self._outputs: deque[str | None] = deque(maxlen=MAX_LINES)
        self._written = 0
        """Lines ever written: line ``n`` (0-based, ever) is ``_kept[n - first]``."""
        self.picked: int | None = None
        """The marked line, counted like ``_written``; None until the log is focused."""
        self._width = 0
        self._runs: dict[str, tuple[int, tuple[object, ...] | None, int]] = {}
        """Per subject (a host): its last line (counted like ``_written``), that line's key,
        and how many times it was said."""

    def add(self, event: Event) -> bool:
        """Log the event if it is news; returns whether a line was written (or a repeated
        failure's line counted up)."""
        line = event_line(event)
        if line is None:
            return False
        repeat = repeat_of(event)
        if repeat is not None:
            subject, key = repeat
            last = self._runs.get(subject)
            if key is not None and last is not None and last[1] == key and last[0] >= self._first:
                self._count_up(last[0], last[2] + 1, line, event)
                self._runs[subject] = (last[0], key, last[2] + 1)
                return True
            self._runs[subject] = (self._written, key, 1)
        self._kept.append(line)
        self._outputs.append(event_output(event))
        self._written += 1
        self._put(line)
        return True

    def _count_up(self, n: int, count: int, line: Text, event: Event) -> None:
        """The same failure again: one line, its first time, the count and the last time."""
        i = n - self._first
        first = self._kept[i][:STAMP]
        counted = Text.assemble(
            first, line[STAMP:], (f"  ×{count}, last {clock(event.wall)}", "dim")
        )
        self._kept[i] = counted
        self._outputs[i] = event_output(event) or self._outputs[i]
        self._redraw()

    def _wrap_width(self) -> int:
        """The width a line may take: the vertical scrollbar's room is kept from the start, so
        that a scrollbar appearing later never covers a line's last characters."""
        width = self.scrollable_content_region.width
        if not self.show_vertical_scrollbar:
            width -= self.styles.scrollbar_size_vertical
        return width

    def _put(self, line: Text) -> None:
        width = self._wrap_width()
        if width < 20:  # not laid out yet: written again at the first resize
            self.write(line)
            return
        for part in wrap(line, width, self.app.console, indent=STAMP):
            part.no_wrap = True
            self.write(part, width=width)

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
            self._put(line)
        if scroll_to_pick and marked >= 0:
            self.scroll_to(y=max(0, lines_before - self.size.height // 2), animate=False)
        else:
            # once the lines written are measured: the end of what was there before is not it
            self.scroll_end(animate=False)
            self.call_after_refresh(self.scroll_end, animate=False)

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._width:
            self._width = event.size.width
            self._redraw()
        elif not self.has_focus:  # shorter (a panel above grew): the newest line stays in view
            self.call_after_refresh(self.scroll_end, animate=False)

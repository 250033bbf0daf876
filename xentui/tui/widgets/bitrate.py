"""The bitrate line: one bar per second, scaled to the stream's usual rate so that flow fills it.

Textual's Sparkline scales to the window's peak, so a player's refill burst (several times the
media rate, after a pause or a migration) flattens normal flow to the lowest bar; and with fewer
points than columns it skips empty buckets, so its time axis is uneven. Here every point gets the
same number of columns, the scale is capped at 1.5x the median of the points that carried data,
a second with no data is the lowest bar (in red: a hole), and a burst saturates at full height.
"""

from __future__ import annotations

from collections.abc import Sequence
from statistics import median

from rich.text import Text
from textual.app import RenderResult
from textual.reactive import reactive
from textual.widget import Widget

BARS = "▁▂▃▄▅▆▇█"
HEADROOM = 1.5
"""The scale's top, as a multiple of the usual (median) rate: normal flow is about 2/3 high."""


def levels(points: Sequence[float | None], reference: float | None = None) -> list[int | None]:
    """Bar heights 0-7 for each point; 0 only for no data, None for a second not yet measured.

    ``reference`` is the usual rate (e.g. the media bitrate); by default the median of the
    points that carried data, so one burst cannot set the scale.
    """
    flowing = [p for p in points if p]
    if reference is None or reference <= 0:
        reference = median(flowing) if flowing else 0.0
    top = HEADROOM * reference
    out: list[int | None] = []
    for point in points:
        if point is None:
            out.append(None)
        elif point <= 0 or top <= 0:
            out.append(0)
        else:
            out.append(max(1, min(len(BARS) - 1, round(point / top * (len(BARS) - 1)))))
    return out


def bars(points: Sequence[float | None], width: int, reference: float | None = None) -> Text:
    """The line at ``width`` cells, newest on the right: the points that fit, all equally wide."""
    if width <= 0 or not points:
        return Text()
    shown = list(points)[-width:]
    each = width // len(shown)
    text = Text(" " * (width - each * len(shown)), no_wrap=True, overflow="crop")
    for level in levels(shown, reference):
        if level is None:
            text.append(" " * each)
        else:
            text.append(BARS[level] * each, style="red" if level == 0 else "green")
    return text


EIGHTHS = " ▁▂▃▄▅▆▇█"


def plot(
    points: Sequence[float | None], width: int, height: int, top: float, style: str = "green"
) -> Text:
    """``height`` rows of bars at ``width`` cells, each point scaled to ``top`` in eighths of a
    row (a taller plot for a big screen, issue 14.2): zero is a red floor (a hole), None blank.

    Laid out as `bars` is: newest on the right, every point equally wide.
    """
    if width <= 0 or height <= 0 or not points:
        return Text()
    shown = list(points)[-width:]
    each = width // len(shown)
    lead = width - each * len(shown)
    rows = [Text(" " * lead, no_wrap=True, overflow="crop") for _ in range(height)]
    for point in shown:
        if point is None:
            for row in rows:
                row.append(" " * each)
            continue
        eighths = 0 if top <= 0 else round(min(1.0, max(0.0, point / top)) * height * 8)
        if point > 0:
            eighths = max(1, eighths)
        for r, row in enumerate(rows):
            filled = max(0, min(8, eighths - (height - 1 - r) * 8))
            if point <= 0 and r == height - 1:
                row.append(EIGHTHS[1] * each, style="red")
            else:
                row.append(EIGHTHS[filled] * each, style=style)
    return Text("\n", no_wrap=True).join(rows)


class BitrateLine(Widget):
    """Kbit/s per second over the last minute, oldest on the left; one row high, or as tall
    as the stylesheet makes it (a big screen)."""

    DEFAULT_CSS = "BitrateLine { height: 1; }"

    data: reactive[tuple[float | None, ...]] = reactive(tuple)
    """One point a second, kbit/s; None for a second before the stream was measured."""
    reference: reactive[float | None] = reactive(None)
    """The usual rate in kbit/s if known (the media bitrate); else the median of the data."""

    def render(self) -> RenderResult:
        if self.size.height <= 1:
            return bars(self.data, self.size.width, self.reference)
        flowing = [p for p in self.data if p]
        reference = self.reference or (median(flowing) if flowing else 0.0)
        return plot(self.data, self.size.width, self.size.height, HEADROOM * reference)


class BufferPlot(Widget):
    """The player's buffer, in seconds, once a second over the last minute, scaled to its
    capacity: the audience sees it hold (or drain) through a migration (issue 14.2)."""

    DEFAULT_CSS = "BufferPlot { height: 3; }"

    data: reactive[tuple[float | None, ...]] = reactive(tuple)
    capacity: reactive[float] = reactive(1.0)

    def render(self) -> RenderResult:
        low = min((p for p in self.data[-1:] if p is not None), default=self.capacity)
        share = low / self.capacity if self.capacity > 0 else 0.0
        style = "cyan" if share >= 0.5 else ("yellow" if share > 0.15 else "red")
        return plot(self.data, self.size.width, self.size.height, self.capacity, style)

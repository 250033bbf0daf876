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


class BitrateLine(Widget):
    """Kbit/s per second over the last minute, oldest on the left."""

    DEFAULT_CSS = "BitrateLine { height: 1; }"

    data: reactive[tuple[float | None, ...]] = reactive(tuple)
    """One point a second, kbit/s; None for a second before the stream was measured."""
    reference: reactive[float | None] = reactive(None)
    """The usual rate in kbit/s if known (the media bitrate); else the median of the data."""

    def render(self) -> RenderResult:
        return bars(self.data, self.size.width, self.reference)

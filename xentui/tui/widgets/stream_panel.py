"""The stream panel: bitrate sparkline, the virtual player's buffer gauge and state, longest gap;
on a big screen a taller bitrate plot and the buffer level over time (issue 14.2)."""

from __future__ import annotations

from collections import deque

from rich.text import Text
from textual.app import ComposeResult, RenderResult
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static

from xentui.model import PlayerState, Sample, duration
from xentui.probe.mediatime import NOT_MEDIA
from xentui.tui.format import PLAYER_STYLE, plain
from xentui.tui.sources import ProbeSummaryLike
from xentui.tui.widgets.bitrate import BitrateLine, BufferPlot
from xentui.tui.widgets.line import Line

WINDOW = 60
"""Bitrate points: one a second over the last minute, padded so the time axis never moves."""
SILENT_S = 2
"""Whole seconds without a byte before the panel calls the silence a gap that is still going
on: the probe times a gap only when it ends, and a paced server (Icecast's one Ogg page a
second) can leave one second empty, never two."""


class Gauge(Widget):
    """A horizontal bar, filled to ``value / capacity``; the words beside it carry the numbers."""

    DEFAULT_CSS = "Gauge { height: 1; width: 1fr; }"

    value: reactive[float] = reactive(0.0)
    capacity: reactive[float] = reactive(1.0)

    def render(self) -> RenderResult:
        width = max(1, self.size.width)
        share = 0.0 if self.capacity <= 0 else min(1.0, max(0.0, self.value / self.capacity))
        full = round(share * width)
        style = "green" if share >= 0.5 else ("yellow" if share > 0.15 else "red")
        return Text.assemble(("█" * full, style), ("░" * (width - full), "dim"))


class StreamPanel(Vertical):
    """Shows one `ProbeSummary` at a time; knows nothing about where it came from."""

    def __init__(self, url: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = Text.assemble("Stream · ", plain(url))
        self._first_flow: float | None = None
        """When the first byte arrived (its second's end): the bitrate line starts there."""
        self._levels: deque[tuple[int, float]] = deque(maxlen=WINDOW)
        """The buffer level at each second shown (the plot's points), newest last."""

    def compose(self) -> ComposeResult:
        with Horizontal(classes="stream-row -plot"):
            yield BitrateLine(id="bitrate")
            yield Line(Text("- kbit/s", justify="right"), id="kbps")
        with Horizontal(classes="stream-row -plot", id="buffer-history"):
            yield BufferPlot(id="buffer-plot")
            yield Line(Text("buffer", justify="right"), id="buffer-scale")
        with Horizontal(classes="stream-row"):
            yield Static("buffer", classes="label")
            yield Gauge(id="buffer-gauge")
            yield Line("", id="buffer-figures")
            yield Line("", id="player-state")
            yield Line("", id="longest-gap")
        yield Line("", id="stream-message")

    def show(self, summary: ProbeSummaryLike, since: tuple[str, float] | None = None) -> None:
        """Display a summary; ``since`` is (the last action's name, its time) for the gap figure."""
        samples = summary.points[-WINDOW:]
        if self._first_flow is None:
            self._first_flow = next((p.t for p in samples if p.nbytes), None)
        first = self._first_flow
        # seconds before the stream ever flowed were not measured: blank, not a red gap
        points = [None if first is None or p.t < first else p.kbps for p in samples]
        self.query_one(BitrateLine).data = tuple([None] * (WINDOW - len(points)) + points)
        self.query_one("#kbps", Line).show(
            Text(f"{summary.bitrate_kbps:.0f} kbit/s", justify="right", style="bold")
        )
        gauge = self.query_one(Gauge)
        gauge.value, gauge.capacity = summary.buffer_s, summary.buffer_capacity_s
        self._plot_levels(summary)
        # each figure in a cell of its own width, a space either side: never run together
        self.query_one("#buffer-figures", Line).show(
            Text(
                f"{summary.buffer_s:.1f} s of {summary.buffer_capacity_s:.1f} s",
                justify="right",
                no_wrap=True,
            )
        )
        state = summary.state
        self.query_one("#player-state", Line).show(
            Text(f" {state.value.upper()} ", f"{PLAYER_STYLE[state]} reverse", justify="center")
        )
        self.set_class(state is PlayerState.STALLED, "-stalled")
        silent = silent_s(samples) if first is not None else 0
        self.query_one("#longest-gap", Line).show(gap_text(summary, since, silent))
        # stopped: why; a body that is not media: that, whatever state its estimate gives
        said = (state is PlayerState.STOPPED or summary.message.startswith(NOT_MEDIA)) and (
            summary.message
        )
        self.query_one("#stream-message", Line).show(
            plain(summary.message, "italic") if said else ""
        )

    def _plot_levels(self, summary: ProbeSummaryLike) -> None:
        """One buffer level a second, on the bitrate line's time axis (its latest second)."""
        if not summary.points or self._first_flow is None:
            return
        sec = int(summary.points[-1].t)
        if self._levels and self._levels[-1][0] == sec:
            self._levels[-1] = (sec, summary.buffer_s)
        else:
            self._levels.append((sec, summary.buffer_s))
        plot = self.query_one(BufferPlot)
        levels: list[float | None] = [None] * (WINDOW - len(self._levels))
        plot.data = tuple(levels + [lv for _, lv in self._levels])
        plot.capacity = summary.buffer_capacity_s
        self.query_one("#buffer-scale", Line).show(
            Text(f"buffer {summary.buffer_capacity_s:.1f} s", justify="right", style="dim")
        )


def silent_s(points: tuple[Sample, ...]) -> int:
    """Complete seconds without a byte at the end of the window (all of it: at least that)."""
    count = 0
    for point in reversed(points):
        if point.nbytes:
            break
        count += 1
    return count


def gap_text(summary: ProbeSummaryLike, since: tuple[str, float] | None, silent: int = 0) -> Text:
    """The longest gap that began since the last action (or in the window when there was none).

    A gap belongs to the action it began under: the pause's silence ends at the unpause and is
    not the unpause's. A silence still going on is the news, whatever ended before it:
    ``silent`` whole seconds (the probe's gaps are only known once data flows again).
    """
    if silent >= SILENT_S:
        more = "+" if silent >= WINDOW else ""
        return Text(f"NO DATA for {silent}{more} s and counting", style="bold red")
    start = since[1] if since else float("-inf")
    lengths = [g.length_s for g in summary.gaps if g.start >= start]
    label = f"since {since[0]}" if since else "so far"
    if not lengths:  # "no gap" is "none longer than the probe can see", never "none at all"
        res = summary.resolution_s
        over = f" over {res * 1000:.0f} ms" if res is not None else ""
        return Text(f"no gap{over} {label}", style="dim")
    return Text(f"longest gap {label}: {duration(max(lengths))}")

"""The main screen: routes events to the host panes, stream panel, migration panel and event log."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Container, Horizontal
from textual.screen import Screen

from xentui.config import LabConfig
from xentui.model import (
    ActionEvent,
    ActionKind,
    ConnectionEvent,
    Event,
    HostSnapshot,
    MigrationEvent,
    MigrationPhase,
    MigrationProgressEvent,
    MigrationRecord,
    NoticeEvent,
    SnapshotEvent,
)
from xentui.tui.format import plain
from xentui.tui.heap import HeapPolicy
from xentui.tui.messages import Incoming
from xentui.tui.runbook import RunbookView
from xentui.tui.screens.drain import PollDrain
from xentui.tui.sources import ProbeLike, ProbeSummaryLike
from xentui.tui.verdict import (
    Figures,
    figure_words,
    figures_from,
    hypervisor_line,
    loud_words,
    progress_lines,
    settle_left,
    settled,
    verdict_lines,
)
from xentui.tui.widgets.event_log import EventLog
from xentui.tui.widgets.host_pane import HostPane
from xentui.tui.widgets.key_bar import KeyBar
from xentui.tui.widgets.migration_panel import MigrationPanel
from xentui.tui.widgets.stream_panel import StreamPanel
from xentui.tui.widgets.title_bar import TitleBar


def pane_id(host: str) -> str:
    return f"host-{abs(hash(host)):x}"


class MainScreen(Screen[None]):
    """Everything the presenter sees; the widgets are views, this screen decides what goes where."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]  # noqa: RUF012 - Textual's own API
    # 40 rows and more: the stream gets plots; 46 and more, taller ones (issue 14.2)
    VERTICAL_BREAKPOINTS = [(0, "-short"), (40, "-tall"), (46, "-taller")]  # noqa: RUF012
    AUTO_FOCUS = ""  # None would inherit the app's "*"
    """No table is focused at start: the keys are the app's, and no row cursor shows."""

    def __init__(
        self,
        config: LabConfig,
        *,
        probe: ProbeLike | None,
        clock: Callable[[], float],
        wall: Callable[[], float],
    ) -> None:
        super().__init__(id="main")
        self.config, self.probe, self.clock, self.wall = config, probe, clock, wall
        self.guest = config.guest.name
        self.panes: dict[str, HostPane] = {
            h.name: HostPane(h.name, h.toolstack, self.guest, id=pane_id(h.name))
            for h in config.hosts
        }
        self.migration: MigrationRecord | None = None
        self.figures: Figures | None = None
        self.summary: ProbeSummaryLike | None = None
        self.last_action: tuple[str, float] | None = None
        self.drain = PollDrain(self)  # polls drawn a pane a paint, keys first (issue 11.6)
        self.heap = HeapPolicy()  # full collections on the tick, not inside a key (11.6)

    def compose(self) -> ComposeResult:
        yield TitleBar(self.guest, id="title-bar")
        with Container(id="hosts"):
            yield from self.panes.values()
        yield StreamPanel(self.config.guest.stream_url, id="stream")
        yield MigrationPanel(id="migration")
        with Horizontal(id="bottom"):
            yield RunbookView(id="runbook")
            yield EventLog(id="log")
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        self.query_one(RunbookView).border_title = "Runbook"
        self.query_one(MigrationPanel).clear()
        # after each layout (a scroll, a resize, a pane grown): draw what came into view
        self.screen_layout_refresh_signal.subscribe(self, self._draw_exposed)
        self.tick()
        self.call_after_refresh(self.heap.settle)

    def on_unmount(self) -> None:
        self.heap.restore()  # back to the collector's own rules as the app ends

    def _draw_exposed(self, _screen: Screen[None]) -> None:
        """A pane out of view keeps its latest poll undrawn: drawn once it is in view (11.6)."""
        for pane in self.panes.values():
            if pane.stale and pane.in_view(self):
                pane.draw()
                self.even_out(pane)

    def on_resize(self) -> None:
        # a new width re-wraps the log: keep the newest line in view
        self.query_one(EventLog).scroll_end(animate=False)
        self.call_after_refresh(self._even_all)  # the breakpoint class is set by then

    def even_out(self, pane: HostPane) -> None:
        """Side by side, two panes of a grid row show tables of one height (a tidy projector)."""
        panes = list(self.panes.values())
        index = panes.index(pane)
        row = [pane]
        if self.has_class("-wide") and (partner := index ^ 1) < len(panes):
            row.append(panes[partner])
        height = max(p.rows_wanted for p in row)
        name = max(p.name_wanted for p in row)
        for p in row:
            p.set_table_height(height)
            p.set_row_name_wanted(name)  # and the same columns (issue 14.1)

    def _even_all(self) -> None:
        for pane in self.panes.values():
            self.even_out(pane)

    @property
    def migration_running(self) -> bool:
        return self.migration is not None and not self.migration.finished

    def guest_host(self) -> str | None:
        """Where the guest is listed now (an active listing wins over a leftover one)."""
        found = [p for p in self.panes.values() if p.snapshot and p.snapshot.find(self.guest)]
        active = [p for p in found if p.snapshot and p.snapshot.find(self.guest).active]  # type: ignore[union-attr]
        best = active or found
        return best[0].host if best else None

    @on(Incoming)
    def _incoming(self, message: Incoming) -> None:
        self.apply(message.event)

    def queue_snapshot(self, event: SnapshotEvent) -> None:
        """Take a poll from a listener: only the latest per host is kept until it is drawn."""
        self.drain.queue(event)

    def on_key(self) -> None:
        self.drain.key()  # the presenter first: the key's frame holds no table drawn after it

    def on_screen_resume(self) -> None:
        # back from a dialog or the help: the polls taken meanwhile are drawn a pane a paint,
        # after the paint that uncovers the screen (its tables as they were)
        self.call_after_refresh(self.drain.catch_up)

    def apply(self, event: Event) -> None:
        """Route one event: to its host pane, the migration panel, and the log if it is news."""
        if isinstance(event, SnapshotEvent):
            self.take(event)
            return
        if isinstance(event, ConnectionEvent) and (pane := self.panes.get(event.host)):
            pane.show_connection(event, self.clock())
        elif isinstance(event, ActionEvent) and event.ok is None:
            self._action_requested(event)
        elif isinstance(event, MigrationEvent):
            if event.phase is MigrationPhase.REQUESTED or self.migration is None:
                self.figures = None
            self.migration = event.record
            self._show_migration()
            self.query_one(TitleBar).show(self.wall(), self.guest_host(), self._doing())
        elif isinstance(event, MigrationProgressEvent) and self.migration is not None:
            # a reading, or the finished job's figures: same migration, a newer record
            if (event.record.guest, event.record.milestones[:1]) == (
                self.migration.guest,
                self.migration.milestones[:1],
            ):
                self.migration = event.record
                self._show_migration()
            return
        self.query_one(RunbookView).feed(event)
        self.query_one(EventLog).add(event)

    def take(self, event: SnapshotEvent, *, draw: bool = True) -> None:
        """A host's poll to its pane (drawn if ``draw`` and in view), the title and the
        migration panel."""
        pane = self.panes.get(event.snapshot.host)
        if pane is not None:
            if pane.show_snapshot(event.snapshot, draw=draw):
                self.query_one(TitleBar).show(self.wall(), self.guest_host(), self._doing())
            self.even_out(pane)
        if self.migration_running:
            self._show_migration()

    def _action_requested(self, event: ActionEvent) -> None:
        # the verdict stays on screen until the next action
        self.last_action = (event.kind.value, event.t)
        if event.kind is not ActionKind.MIGRATE:
            self.migration, self.figures = None, None
            self.query_one(MigrationPanel).clear()

    def show_summary(self, summary: ProbeSummaryLike) -> None:
        self.summary = summary
        self.query_one(StreamPanel).show(summary, self.last_action)

    def show_figures(self, figures: Figures | None) -> None:
        self.figures = figures
        self._show_migration()

    def tick(self) -> None:
        """Once a second: clock, retry countdowns, the probe's summary, migration progress."""
        now = self.clock()
        self.query_one(TitleBar).show(self.wall(), self.guest_host(), self._doing())
        for pane in self.panes.values():
            pane.tick(now)
        if self.probe is not None:
            self.show_summary(self.probe.summary())
            record = self.migration
            if record is not None and self.summary is not None:
                start = record.at(MigrationPhase.REQUESTED)
                frozen = self.figures is not None and settled(
                    record, self.figures.now, self.figures.capacity_s
                )
                if start is not None and not frozen:
                    self.figures = figures_from(self.probe, self.summary, start, now)
                    done = record.outcome is MigrationPhase.COMPLETED
                    if done and settled(record, now, self.figures.capacity_s):
                        self._conclude(self.figures)
        self._show_migration()
        self.heap.tick()

    def _doing(self) -> Text | None:
        """The title's words for what runs now: a migration, live only when it is (14.7)."""
        record = self.migration
        if record is None or record.finished:
            return None
        kind = "live migration" if record.live else "migration, not live"
        return Text.assemble((kind, "bold magenta"), " → ", plain(record.target, "bold"))

    def _conclude(self, figures: Figures) -> None:
        """Once, as a finished migration's figures freeze: the panel says final, and the
        runbook and the event log say the verdict in the panel's words (issue 14.5)."""
        loud, words = loud_words(figures).plain, figure_words(figures)
        self.query_one(RunbookView).conclude(loud, words)
        line = f"verdict, final: {loud} · {words}"
        self.query_one(EventLog).add(NoticeEvent(t=self.clock(), wall=self.wall(), text=line))

    def _show_migration(self) -> None:
        record, panel = self.migration, self.query_one(MigrationPanel)
        if record is None:
            return
        if record.finished:
            note = hypervisor_line(record, self.figures)
            figures = self.figures
            left = None if figures is None else settle_left(record, figures.now, figures.capacity_s)
            if self.probe is None:  # figures given as they were (a record, a test): as final
                left = None
            panel.show(*verdict_lines(record, figures, left), finished=True, note=note)
        else:
            panel.show(*progress_lines(record, self.clock(), self.snapshots()), finished=False)

    def snapshots(self) -> dict[str, HostSnapshot]:
        return {h: p.snapshot for h, p in self.panes.items() if p.snapshot is not None}

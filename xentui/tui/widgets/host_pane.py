"""One host's pane: its connection in the title and its domain list, updated in place by row key.

Drawing costs, and fifty hosts poll every second (issue 11.6): a pane out of view keeps its
latest poll and draws it when it comes into view (`MainScreen` asks on each layout); a poll that
changes nothing on screen draws nothing; a poll redraws its own pane, never the others.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.dom import NoScreen
from textual.errors import NoWidget
from textual.screen import Screen

from xentui.model import ConnectionEvent, ConnectionState, Domain, HostSnapshot
from xentui.tui.format import (
    changed_columns,
    domain_cell,
    domain_cells,
    host_title,
    plain,
    unreachable_text,
)
from xentui.tui.widgets.columns import COLUMNS, Column, fit
from xentui.tui.widgets.host_table import HostTable, row_keys
from xentui.tui.widgets.line import Line

DOWN = (ConnectionState.UNREACHABLE, ConnectionState.CLOSED)


class HostPane(Vertical):
    """A host's title (name, toolstack, connection, latency) over a table of its domains."""

    TABLE: type[HostTable] = HostTable
    """The domain list's class (a test counts its refreshes and rendered lines in a subclass)."""

    def __init__(self, host: str, toolstack: str, guest: str, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="host-pane")
        self.host, self.toolstack, self.guest = host, toolstack, guest
        self.connection: ConnectionEvent | None = None
        self.snapshot: HostSnapshot | None = None
        """The host's latest poll, drawn or not: what the screen asks where the guest is."""
        self._drawn: HostSnapshot | None = None
        """The poll the table shows now (behind ``snapshot`` while the pane is out of view)."""
        self._title: Text | None = None
        self._domains: dict[str, Domain] = {}
        self._height = 0
        self._columns: tuple[Column, ...] = COLUMNS
        self._width = 0
        """The width the table's columns were laid out for (the pane's, without its border)."""
        self._row_name_wanted = 0
        """The widest name cell of the panes in this pane's grid row (the screen sets it)."""
        self.rows_wanted = 1
        """Table lines this host's list needs (header included)."""
        self.table_changed = False
        """Whether the latest poll taken changed the table on screen (`show_snapshot`)."""
        # kept, not queried: a query matches selectors, and 200 panes tick every second
        self._table = self.TABLE()
        self._more = Line("", classes="more-rows")
        self._reason = Line("", classes="down-reason")
        self._retitle()

    def compose(self) -> ComposeResult:
        self._table.set_columns(self._columns, self._width)
        yield self._table
        yield self._more
        yield self._reason

    @property
    def keys(self) -> tuple[str, ...]:
        """The columns shown at this pane's width (`columns.fit`)."""
        return tuple(c.key for c in self._columns)

    def _fit(self) -> None:
        """Columns for the pane's width, so that the table never scrolls sideways (14.1)."""
        width = self.size.width  # the table's: it fills the pane
        columns = fit(width, max(self.name_wanted, self._row_name_wanted))
        if not width or (columns, width) == (self._columns, self._width):
            return
        self._columns, self._width, table = columns, width, self.table
        with self.app.batch_update():
            table.set_columns(columns, width)
            for key, domain in self._domains.items():
                self._add_row(key, domain)

    def _add_row(self, key: str, domain: Domain) -> None:
        cells = domain_cells(domain, self.guest, self.keys)
        self.table.add_domain(key, cells, guest=domain.base_name == self.guest)

    @property
    def name_wanted(self) -> int:
        """Cells this host's longest name takes in the name column (``▶`` included)."""
        return max((len(d.name) + 2 for d in self._domains.values()), default=0)

    def set_row_name_wanted(self, cells: int) -> None:
        """Panes side by side show the same columns: fitted to the widest name of the row."""
        if cells != self._row_name_wanted:
            self._row_name_wanted = cells
            self._fit()

    @property
    def table(self) -> HostTable:
        return self._table

    @property
    def has_guest(self) -> bool:
        return self.snapshot is not None and self.snapshot.find(self.guest) is not None

    @property
    def stale(self) -> bool:
        """A poll came while the pane was out of view, and is not drawn yet."""
        return self.snapshot is not self._drawn

    def in_view(self, screen: Screen[Any] | None = None) -> bool:
        """Whether any of the pane was on screen at the last layout (scrolled away: not);
        ``screen``, its screen if the caller has it (cheaper than walking up to it)."""
        try:
            return bool((screen or self.screen).find_widget(self).visible_region)
        except (NoScreen, NoWidget):
            return True  # not laid out yet: drawn, so that its first layout has its rows

    def show_snapshot(self, snapshot: HostSnapshot, *, draw: bool = True) -> bool:
        """Take a poll; draw it now if ``draw`` and the pane is in view (else `draw` does it
        later).

        Returns whether the guest came or went on this host.
        """
        had_guest = self.has_guest
        self.snapshot = snapshot
        self.table_changed = draw and self.in_view() and self.draw()
        return had_guest != self.has_guest

    def draw(self) -> bool:
        """Put the latest poll on screen: only the cells that changed, rows keyed by domain
        name; nothing at all when nothing shown changed (the same rows, title and notes).

        Returns whether the table changed (it is then redrawn whole at the next paint)."""
        snapshot, drawn = self.snapshot, self._drawn
        if snapshot is None or snapshot is drawn:
            return False
        self._drawn = snapshot
        notes_before = drawn.notes if drawn is not None else ()
        if drawn is not None and drawn.domains == snapshot.domains:
            self._retitle()  # the latency, if its figure moved
            if snapshot.notes != notes_before:
                self.tick(snapshot.t)
            return False
        table = self.table
        fresh = row_keys(snapshot.domains)
        with self.app.batch_update():
            for key in [k for k in self._domains if k not in fresh]:
                table.remove_domain(key)
                del self._domains[key]
            for key, domain in fresh.items():
                old = self._domains.get(key)
                if old is None:
                    self._add_row(key, domain)
                elif old != domain:
                    for column in changed_columns(old, domain, self.keys):
                        table.set_cell(key, column, domain_cell(domain, column, self.guest))
                self._domains[key] = domain
            self._retitle()
            self._fit()  # a longer name may take a column's place
            wanted = len(fresh) + (1 if table.show_header else 0)
            if wanted != self.rows_wanted:  # rows came or went: what is out of view changed
                self.call_after_refresh(self.show_more)
            self.rows_wanted = wanted
        self.set_class(self.has_guest, "-has-guest")
        if snapshot.notes != notes_before:  # "no header" came or went: say it now
            self.tick(snapshot.t)
        return True

    def set_table_height(self, height: int) -> None:
        """An explicit height makes the grid re-measure its rows; the screen evens out a row."""
        if height != self._height:  # a relayout of every pane is costly: only on change
            self._height = self.table.styles.height = height

    def show_connection(self, connection: ConnectionEvent, now: float) -> None:
        self.connection = connection
        self.set_class(connection.state in DOWN, "-down")
        self._retitle()
        self.tick(now)

    def on_resize(self) -> None:
        # a new width: the columns that fit; a new height of the list (more rows, a narrower
        # terminal): laid out by now
        self._fit()
        self.show_more()

    def on_data_table_row_highlighted(self) -> None:
        # the cursor scrolled the list: say again what is out of view once it has moved
        self.call_after_refresh(self.show_more)

    def show_more(self) -> None:
        """Rows out of view, in words: the domain list has no scrollbar (see the stylesheet)."""
        table = self.table
        shown = table.size.height - (table.header_height if table.show_header else 0)
        if shown <= 0:  # not laid out yet
            return
        above = round(table.scroll_y)
        below = max(0, table.row_count - above - shown)
        parts = []
        if above:
            parts.append(f"▲ {above} more above")
        if below:
            parts.append(f"▼ {below} more below")
        self._more.show(" · ".join(parts))

    def tick(self, now: float) -> None:
        """Count the next retry down while the host is unreachable; rows out of view."""
        self.show_more()
        conn = self.connection
        reason = self._reason
        if conn is not None and conn.state in DOWN:
            reason.show(unreachable_text(conn, now))
        elif conn is not None and conn.state is ConnectionState.CONNECTING:
            reason.show(Text("connecting…", style="yellow"))
        elif self.snapshot is not None and self.snapshot.notes:
            # how the list was read (``no header``): the host's detail under its table
            reason.show(plain(" · ".join(self.snapshot.notes), "dim"))
        else:
            reason.show("")

    def _retitle(self) -> None:
        """The title from the drawn poll; set (which repaints the pane) only when it changed."""
        latency = self._drawn.latency_s if self._drawn is not None else None
        title = host_title(self.host, self.toolstack, self.connection, latency)
        if title != self._title:
            self._title = self.border_title = title

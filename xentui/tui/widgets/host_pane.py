"""One host's pane: its connection in the title and its domain list, updated in place by row key."""

from __future__ import annotations

from rich.console import JustifyMethod
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable

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
from xentui.tui.widgets.line import Line

DOWN = (ConnectionState.UNREACHABLE, ConnectionState.CLOSED)


def row_keys(domains: tuple[Domain, ...]) -> dict[str, Domain]:
    """Each domain under a row key unique in the list: its name, or for the n-th repeat of a
    name ``name`` + ZWSP + ``n`` (a tool listing one name twice must not crash the view).

    A repeat's key stays the same from poll to poll, so its row updates in place; the count per
    name is remembered, so 13,000 rows of one name cost what 13,000 names do (no rescan of the
    keys taken, no key growing with the repeats).
    """
    fresh: dict[str, Domain] = {}
    repeats: dict[str, int] = {}
    for domain in domains:
        key = name = domain.name
        n = repeats.get(name, 0)
        while key in fresh:  # once per repeat, unless a real name looks like a repeat's key
            n += 1
            key = f"{name}\u200b{n}"
        repeats[name] = n
        fresh[key] = domain
    return fresh


class HostTable(DataTable[Text]):
    """A domain list whose guest row is one band across the table (``host-table--guest``).

    A style on each cell's text would cover the text only, leaving patches; the row's own style
    fills every cell, its padding and the rest of the line, and the stylesheet keeps it legible
    in any theme.
    """

    COMPONENT_CLASSES = DataTable.COMPONENT_CLASSES | {"host-table--guest"}

    def __init__(self) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, show_cursor=False)
        self.guest_keys: set[str] = set()
        """Row keys of the guest's rows (its in-migration names included)."""

    def on_focus(self) -> None:
        # the row cursor is for walking a long list: shown only while the presenter is in it,
        # so that a cursor on Domain-0 never outshines the guest's band
        self.show_cursor = True

    def on_blur(self) -> None:
        self.show_cursor = False

    def _get_row_style(self, row_index: int, base_style: Style) -> Style:
        # Textual 8.2.8 has no public per-row style: this private hook (its zebra stripes') is
        # the one place a row's style is chosen. Textual is pinned, and test_views' band test
        # fails if a new version stops calling it. A style on the cells' text would leave the
        # padding and the row's tail unbanded, and would hide the row cursor.
        style = super()._get_row_style(row_index, base_style)
        if row_index >= 0 and self.guest_keys:
            key = self._row_locations.get_key(row_index)
            if key is not None and key.value in self.guest_keys:
                style += self._guest_style()
        return style

    def _guest_style(self) -> Style:
        # a component's rich style drops the alpha of `$accent 30%`: blend it on the table's own
        # background, as Textual does for a widget's background
        band = self.get_component_styles("host-table--guest").background
        return Style(bgcolor=(self.background_colors[1] + band).rich_color)


class HostPane(Vertical):
    """A host's title (name, toolstack, connection, latency) over a table of its domains."""

    def __init__(self, host: str, toolstack: str, guest: str, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="host-pane")
        self.host, self.toolstack, self.guest = host, toolstack, guest
        self.connection: ConnectionEvent | None = None
        self.snapshot: HostSnapshot | None = None
        self._domains: dict[str, Domain] = {}
        self._height = 0
        self._columns: tuple[Column, ...] = COLUMNS
        self._row_name_wanted = 0
        """The widest name cell of the panes in this pane's grid row (the screen sets it)."""
        self.rows_wanted = 1
        """Table lines this host's list needs (header included)."""
        self.border_title = host_title(host, toolstack, None, None)

    def compose(self) -> ComposeResult:
        table = HostTable()
        self._add_columns(table)
        yield table
        yield Line("", classes="more-rows")
        yield Line("", classes="down-reason")

    def _add_columns(self, table: HostTable) -> None:
        for label, key, width in self._columns:
            # numbers are right-aligned in their cells: so are their labels
            justify: JustifyMethod = "left" if key in ("name", "state") else "right"
            table.add_column(Text(label, justify=justify), key=key, width=width)

    @property
    def keys(self) -> tuple[str, ...]:
        """The columns shown at this pane's width (`columns.fit`)."""
        return tuple(c.key for c in self._columns)

    def _fit(self) -> None:
        """Columns for the pane's width, so that the table never scrolls sideways (14.1)."""
        columns = fit(self.size.width, max(self.name_wanted, self._row_name_wanted))
        if not self.size.width or columns == self._columns:
            return
        self._columns, table = columns, self.table
        with self.app.batch_update():
            table.clear(columns=True)
            self._add_columns(table)
            for key, domain in self._domains.items():
                table.add_row(*domain_cells(domain, self.guest, self.keys), key=key)

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
        return self.query_one(HostTable)

    @property
    def has_guest(self) -> bool:
        return self.snapshot is not None and self.snapshot.find(self.guest) is not None

    def show_snapshot(self, snapshot: HostSnapshot) -> bool:
        """Put a poll on screen: only the cells that changed, rows keyed by domain name.

        Returns whether the guest came or went on this host.
        """
        had_guest = self.has_guest
        notes_before = self.snapshot.notes if self.snapshot is not None else ()
        self.snapshot = snapshot
        table = self.table
        fresh = row_keys(snapshot.domains)
        with self.app.batch_update():
            for key in [k for k in self._domains if k not in fresh]:
                table.remove_row(key)
                table.guest_keys.discard(key)
                del self._domains[key]
            for key, domain in fresh.items():
                old = self._domains.get(key)
                if old is None:
                    if domain.base_name == self.guest:
                        table.guest_keys.add(key)
                    table.add_row(*domain_cells(domain, self.guest, self.keys), key=key)
                elif old != domain:
                    for column in changed_columns(old, domain, self.keys):
                        table.update_cell(key, column, domain_cell(domain, column, self.guest))
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
        return had_guest != self.has_guest

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
        self.query_one(".more-rows", Line).show(" · ".join(parts))

    def tick(self, now: float) -> None:
        """Count the next retry down while the host is unreachable; rows out of view."""
        self.show_more()
        conn = self.connection
        reason = self.query_one(".down-reason", Line)
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
        latency = self.snapshot.latency_s if self.snapshot is not None else None
        self.border_title = host_title(self.host, self.toolstack, self.connection, latency)

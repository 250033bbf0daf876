"""A host's domain list: rows keyed by domain name, and the guest's rows as one band."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.padding import Padding
from rich.segment import Segment
from rich.style import Style
from rich.text import Span, Text
from textual.strip import Strip
from textual.widgets import DataTable

from xentui.model import Domain
from xentui.tui.widgets.columns import PAD, Column, width_of


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


class Cell:
    """A cell's text with its own padding, drawn over its row's band if the row has one.

    DataTable pads a cell itself (``cell_padding``) in its row's style, and it takes a row's
    style only from a private hook (``_get_row_style``, Textual 8.2.8 ``_data_table.py``
    2335-2343 and 2530-2553): a style on the text alone would leave the padding unbanded. So the
    table pads nothing and each cell pads itself, filling its whole width in the band. The band
    is asked for as the cell is drawn: a new theme redraws the table, and the band follows.
    """

    __slots__ = ("band", "pad", "text")

    def __init__(self, text: Text, band: Callable[[], Style] | None = None, pad: int = 1) -> None:
        self.text, self.band, self.pad = text, band, pad

    @property
    def plain(self) -> str:
        """A cell reads as its text (``get_cell(...).plain``), padding and band aside."""
        return self.text.plain

    @property
    def spans(self) -> list[Span]:
        return self.text.spans

    def __str__(self) -> str:
        return self.text.plain

    def __repr__(self) -> str:
        return f"Cell({self.text!r}, banded={self.band is not None})"

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        style = self.band() if self.band is not None else Style.null()
        text, width = self.text, options.max_width
        inner = width - 2 * self.pad
        if "\n" in text.plain or inner < 1 or text.justify not in (None, "left", "right"):
            yield Padding(text, (0, self.pad), style=style, expand=True)
            return
        # one line, cut or padded to the column by hand: Rich's wrap and justify in a Padding
        # cost more than the rest of the cell, and a poll redraws a visible table's every cell
        line = list(Segment.apply_style(text.render(console, end=""), style))
        gap = inner - text.cell_len
        if gap < 0:
            line, gap = Segment.adjust_line_length(line, inner, style), 0
        left = gap if text.justify == "right" else 0
        yield Segment(" " * (self.pad + left), style)
        yield from line
        yield Segment(" " * (self.pad + gap - left), style)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        inner = Measurement.get(console, options, self.text)
        return Measurement(inner.minimum + 2 * self.pad, inner.maximum + 2 * self.pad)


FILL = "fill"
"""The last column: no data, as wide as the rest of the table, so that the band reaches the
table's edge (DataTable draws a row's tail past its columns in the private row style)."""
EMPTY = Text("")

ROWS_CACHED = 48
"""Rendered rows and lines a table keeps: a pane shows 12 rows at most (the stylesheet)."""
CELLS_CACHED = 256
"""Rendered cells: those rows' cells in each state (cursor, hover) they can be drawn in."""


class HostTable(DataTable[Cell]):
    """A domain list whose guest row is one band across the table (``host-table--guest``).

    The band is drawn by the cells (`Cell`): each fills its width, padding included, and a last
    empty column fills the table's width. The stylesheet keeps it legible in any theme; the row
    cursor's background wins over it (``cursor_background_priority="css"``).
    """

    COMPONENT_CLASSES = DataTable.COMPONENT_CLASSES | {"host-table--guest"}

    def __init__(self) -> None:
        super().__init__(
            cursor_type="row",
            zebra_stripes=False,
            show_cursor=False,
            cell_padding=0,
            cursor_background_priority="css",
        )
        # PRIVATE (Textual 8.2.8 has no public knob for them): DataTable keys its render caches
        # by a count that every cell update bumps: after a poll each entry is dead, yet kept
        # until evicted (up to 10,000 cells and 1,000 rows and lines a table). Fifty tables of
        # them made the heap grow for minutes, and every full garbage collection walked it:
        # 300-400 ms with the keys waiting (issue 11.6). A pane shows at most a screenful of
        # rows: a few of them is all a cache needs. Without these attributes the table works
        # as before, only with Textual's default sizes: hence getattr.
        for name, size in (
            ("_cell_render_cache", CELLS_CACHED),
            ("_row_render_cache", ROWS_CACHED),
            ("_row_renderable_cache", ROWS_CACHED),
            ("_line_cache", ROWS_CACHED),
        ):
            cache = getattr(self, name, None)
            if cache is not None and hasattr(cache, "maxsize"):
                cache.maxsize = size
        self.guest_keys: set[str] = set()
        """Row keys of the guest's rows (its in-migration names included)."""
        self._trimmed: dict[int, tuple[Strip, Strip]] = {}
        """Per line of the widget: DataTable's last strip and the same without its empty tail."""

    def on_focus(self) -> None:
        # the row cursor is for walking a long list: shown only while the presenter is in it,
        # so that a cursor on Domain-0 never outshines the guest's band
        self.show_cursor = True

    def on_blur(self) -> None:
        self.show_cursor = False

    def render_line(self, y: int) -> Strip:
        # the columns fill the table, yet DataTable still ends each line with the row's tail,
        # empty: it draws nothing, but would add a segment in the row's own style to the line.
        # The trimmed line is kept beside DataTable's own (a new Strip per paint is garbage the
        # collector must walk: issue 11.6).
        strip = super().render_line(y)
        source, trimmed = self._trimmed.get(y, (None, strip))
        if source is not strip:
            trimmed = strip
            if any(not segment.text for segment in strip):
                trimmed = Strip([seg for seg in strip if seg.text], strip.cell_length)
            self._trimmed[y] = (strip, trimmed)
        return trimmed

    def band(self) -> Style:
        """The guest's band in the theme now: the stylesheet's ``host-table--guest``."""
        # a component's rich style drops the alpha of `$foreground 12%`: blend it on the
        # table's own background, as Textual does for a widget's background
        band = self.get_component_styles("host-table--guest").background
        return Style(bgcolor=(self.background_colors[1] + band).rich_color)

    def set_columns(self, columns: Sequence[Column], width: int) -> None:
        """Empty the table and give it ``columns`` (their widths without padding), then the
        empty last column up to ``width``, the table's own."""
        self.clear(columns=True)
        self.guest_keys.clear()
        for label, key, cells in columns:
            # numbers are right-aligned in their cells: so are their labels (padded here: the
            # table pads nothing, and a right-justified text would lose its right padding)
            text = label.ljust(cells) if key in ("name", "state") else label.rjust(cells)
            self.add_column(Text(f" {text[:cells]} "), key=key, width=cells + PAD)
        if (rest := width - width_of(tuple(columns))) > 0:
            self.add_column(EMPTY, key=FILL, width=rest)

    def add_domain(self, key: str, cells: Sequence[Text], *, guest: bool) -> None:
        """A row for a domain; the guest's (by its base name) is drawn as the band."""
        if guest:
            self.guest_keys.add(key)
        row = [self._cell(key, text) for text in cells]
        if FILL in self.columns:
            row.append(self._cell(key, EMPTY, pad=0))
        self.add_row(*row, key=key)

    def set_cell(self, key: str, column: str, text: Text) -> None:
        self.update_cell(key, column, self._cell(key, text))

    def remove_domain(self, key: str) -> None:
        self.remove_row(key)
        self.guest_keys.discard(key)

    def _cell(self, key: str, text: Text, pad: int = PAD // 2) -> Cell:
        return Cell(text, self.band if key in self.guest_keys else None, pad)

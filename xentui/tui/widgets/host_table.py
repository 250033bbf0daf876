"""A host's domain list: rows keyed by domain name, and the guest's rows as one band."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.widgets import DataTable

from xentui.model import Domain


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


ROWS_CACHED = 48
"""Rendered rows and lines a table keeps: a pane shows 12 rows at most (the stylesheet)."""
CELLS_CACHED = 256
"""Rendered cells: those rows' cells in each state (cursor, hover) they can be drawn in."""


class HostTable(DataTable[Text]):
    """A domain list whose guest row is one band across the table (``host-table--guest``).

    A style on each cell's text would cover the text only, leaving patches; the row's own style
    fills every cell, its padding and the rest of the line, and the stylesheet keeps it legible
    in any theme.
    """

    COMPONENT_CLASSES = DataTable.COMPONENT_CLASSES | {"host-table--guest"}

    def __init__(self) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, show_cursor=False)
        # DataTable keys its render caches by a count that every cell update bumps: after a
        # poll each entry is dead, yet kept until evicted (up to 10,000 cells and 1,000 rows
        # and lines a table). Fifty tables of them made the heap grow for minutes, and every
        # full garbage collection walked it: 300-400 ms with the keys waiting (issue 11.6).
        # A pane shows at most a screenful of rows: a few of them is all a cache needs.
        for cache, size in (
            (self._cell_render_cache, CELLS_CACHED),
            (self._row_render_cache, ROWS_CACHED),
            (self._row_renderable_cache, ROWS_CACHED),
            (self._line_cache, ROWS_CACHED),
        ):
            cache.maxsize = size
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

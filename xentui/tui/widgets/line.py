"""A Static that redraws only when its text changed, and re-lays out only when its size may have.

With fifty host panes, a layout pass costs far more than a paint: numbers that change every
second are printed at a fixed width so that their updates need no layout at all. Its text wraps
with `tui.wrap`: a number never parts from its unit at the end of a line (issue 14.3).
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from xentui.tui.wrap import Kept


class Line(Static):
    def __init__(self, text: Text | str = "", *, id: str | None = None, classes: str = "") -> None:
        self._last: Text = Text(text) if isinstance(text, str) else text
        super().__init__(Kept(self._last), id=id, classes=classes)
        self.set_class(not self._last.plain, "-blank")

    @property
    def text(self) -> Text:
        return self._last

    def show(self, text: Text | str) -> None:
        new = Text(text) if isinstance(text, str) else text
        old = self._last
        if new == old:
            return
        self._last = new
        same_size = len(new.plain) == len(old.plain) and new.plain.count("\n") == old.plain.count(
            "\n"
        )
        self.set_class(not new.plain, "-blank")  # lets the stylesheet hide an empty line
        self.update(Kept(new), layout=not same_size)

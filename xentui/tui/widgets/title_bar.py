"""The top line: what this is about, what is happening now (a live migration, or one that is
not live: never called live when it is not, issue 14.7), and the wall-clock time."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from xentui.tui.format import clock, plain
from xentui.tui.widgets.line import Line


class TitleBar(Horizontal):
    def __init__(self, guest: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.guest = guest

    def compose(self) -> ComposeResult:
        title = Text.assemble(("xentui", "bold"), " · ", plain(self.guest, "bold"))
        yield Static(title, id="title-name")
        yield Line("", id="doing")
        yield Line("", id="where")
        yield Line("", id="clock")

    def show(self, wall: float, where: str | None, doing: Text | None = None) -> None:
        """``doing``: what runs now in words (``live migration → xen_host_2``), or nothing."""
        self.query_one("#doing", Line).show(doing or "")
        self.set_class(doing is not None, "-doing")  # 80 columns: it takes the guest's place
        self.query_one("#clock", Line).show(clock(wall))
        text = Text("guest on ") if where else Text("guest not found", style="bold red")
        if where:
            text.append_text(plain(where, "bold"))
        self.query_one("#where", Line).show(text)

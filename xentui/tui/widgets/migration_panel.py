"""The migration panel: progress while a migration runs, then the verdict, until the next action."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical

from xentui.tui.widgets.line import Line


class MigrationPanel(Vertical):
    """What is happening (or the verdict), what it means, and a note under the verdict (the
    hypervisor's figures beside the viewer's, shown only when there is one); hidden when idle."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Migration"

    def compose(self) -> ComposeResult:
        yield Line("", id="migration-head")
        yield Line("", id="migration-detail")
        yield Line("", id="migration-note")

    def show(self, head: Text, detail: Text, *, finished: bool, note: Text | None = None) -> None:
        self.query_one("#migration-head", Line).show(head)
        self.query_one("#migration-detail", Line).show(detail)
        self.query_one("#migration-note", Line).show(note or Text())
        self.set_class(finished, "-verdict")
        self.set_class(not finished, "-running")
        if not self.display:
            self.display = True

    def clear(self) -> None:
        self.display = False

"""The setup checklist's rows: mark, step number, title and result, the result wrapped in its
column so that at 80 columns it is read whole rather than cut at the screen's edge."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.text import Text
from textual.events import Resize
from textual.widgets import DataTable

from xentui.setup.results import Status, StepResult
from xentui.setup.steps import Step
from xentui.tui.format import plain

STYLES = {
    Status.PASSED: "green",
    Status.FAILED: "bold red",
    Status.UNKNOWN: "yellow",
    Status.BLOCKED: "dim",
    Status.PENDING: "dim",
}
COLUMNS = (("mark", ""), ("seed", "#"), ("title", "step"), ("why", "result"))


class ChecklistTable(DataTable[Text]):
    """One row per step; ``show`` draws them again, keeping the cursor on its row."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self._steps: Sequence[Step] = ()
        self._results: Mapping[str, StepResult] = {}
        self._laid_out_for = 0
        """The screen width the columns were last fitted to."""
        for key, label in COLUMNS:
            self.add_column(label, key=key, width=1)

    def on_resize(self, _: Resize) -> None:
        if self.screen.size.width != self._laid_out_for:
            self.show(self._steps, self._results)

    def widths(self, width: int) -> tuple[int, int, int, int]:
        """Column widths for ``width`` cells: the title takes up to a third, the result the
        rest (never under 24), so a long result wraps at a word."""
        pad = 2 * self.cell_padding
        numbers = max((len(s.number) for s in self._steps), default=1)
        titles = max((len(s.title) for s in self._steps), default=4)
        room = max(width - 2 - 4 * pad - 1 - numbers, 24)  # 2: the vertical scrollbar
        title = min(titles, max(14, room // 3))
        return 1, numbers, title, room - title

    def show(self, steps: Sequence[Step], results: Mapping[str, StepResult]) -> None:
        """Rows again, with heights to fit the wrapped results.

        DataTable measures an auto-height row once, when it is added: a result that changed
        length is drawn right only by adding the rows again (ten rows: nothing to notice).
        """
        self._steps, self._results = steps, results
        if not self.ordered_columns or not steps:
            return
        row = self.cursor_row
        width = self._laid_out_for = self.screen.size.width
        for column, cells in zip(self.ordered_columns, self.widths(width), strict=True):
            column.width, column.auto_width = cells, False
        self.clear()
        for step in steps:
            self.add_row(*cells_of(step, results[step.id]), key=step.id, height=None)
        self.move_cursor(row=max(row, 0), animate=False)


def cells_of(step: Step, result: StepResult) -> tuple[Text, ...]:
    style = STYLES[result.status]
    return (
        Text(result.status.symbol, style=style),
        Text(step.number),
        Text(step.title),
        plain(result.reason if result.status is not Status.PENDING else "checking…", style),
    )

"""The fix dialog of the setup checklist: a fix's commands and diff, applied only after a yes."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from xentui.setup.results import FixPlan
from xentui.setup.steps import Step
from xentui.tui.format import printable


class FixDialog(ModalScreen[bool]):
    """The fix's commands and diff; ``y`` applies it, ``n`` or Esc leaves everything as it is."""

    BINDINGS = [  # noqa: RUF012 - Textual's own API
        Binding("y", "answer(True)", "Apply", id="fix.yes"),
        Binding("n,escape", "answer(False)", "Cancel", id="fix.no"),
    ]

    def __init__(self, step: Step, plan: FixPlan) -> None:
        super().__init__(id="fix-dialog")
        self.step, self.plan = step, plan

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            title = f"Fix step {self.step.number}: {self.step.title}"
            yield Static(Text(title), id="dialog-title")
            with VerticalScroll(id="fix-plan"):
                yield Static(diff_text(self.plan.describe()))
            yield Static(Text("y apply · n / Esc cancel", style="dim"), id="dialog-keys")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


def diff_text(text: str) -> Text:
    """The plan's commands and diff, coloured by line; the files' lines are shown inert."""
    out = Text()
    for line in printable(text, newlines=True).splitlines(keepends=True):
        style = ""
        if line.startswith("+") and not line.startswith("+++"):
            style = "green"
        elif line.startswith("-") and not line.startswith("---"):
            style = "red"
        out.append(line, style=style)
    return out

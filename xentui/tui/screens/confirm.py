"""A yes/no question as a modal with a typed result (asked before quitting mid-migration)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static


class Confirm(ModalScreen[bool]):
    """``y`` answers yes; ``n`` or Esc answers no."""

    BINDINGS = [  # noqa: RUF012 - Textual's own API
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: Text) -> None:
        super().__init__(id="confirm")
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.question, id="dialog-title")
            yield Static(Text("y yes · n / Esc no", style="dim"), id="dialog-keys")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

"""A yes/no question as a modal with a typed result (asked before quitting mid-migration)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static


class Confirm(ModalScreen[bool]):
    """``y`` answers yes; ``n`` or Esc answers no. Subclasses change the keys and the words."""

    BINDINGS = [  # noqa: RUF012 - Textual's own API
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]
    KEYS_HINT = "y yes · n / Esc no"

    def __init__(
        self,
        question: Text,
        *,
        head: Text | None = None,
        id: str | None = "confirm",
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.question, self.head = question, head

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            if self.head is not None:
                yield Static(self.head, id="dialog-head")
            yield Static(self.question, id="dialog-title")
            yield Static(Text(self.KEYS_HINT, style="dim"), id="dialog-keys")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

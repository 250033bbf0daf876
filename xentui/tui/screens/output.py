"""A failure's whole output (Enter on its line in the event log): what the message cut.

A message leads with the decisive lines (toolstack.errtext); the audience may want the rest:
the command, its exit status or signal, stderr and stdout, each line as the terminal showed it
(carriage-return progress overwritten), inert through the one sanitizer.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from xentui.model import ActionEvent, Event, NoticeEvent
from xentui.toolstack.errtext import screen_text
from xentui.tui.format import plain


def event_output(event: Event) -> str | None:
    """The whole output behind an event's line, or None when the line is all there is: a
    failed action's command result, a host notice's failed list (``extra["output"]``)."""
    if isinstance(event, ActionEvent) and event.ok is False and event.result is not None:
        r = event.result
        status = r.unfinished or f"exit status {r.exit_status}"
        parts = [f"$ {' '.join(r.argv)}", status]
        for name, text in (("stderr", r.stderr), ("stdout", r.stdout)):
            if text.strip():
                parts += ["", f"--- {name} ---", screen_text(text.rstrip("\n"))]
        return "\n".join(parts)
    if isinstance(event, NoticeEvent) and event.extra.get("output"):
        return screen_text(event.extra["output"])
    return None


class OutputScreen(ModalScreen[None]):
    """The whole text, scrollable; Esc, Enter or q closes it."""

    DEFAULT_CSS = """
    OutputScreen { align: center middle; }
    OutputScreen #dialog { width: 100; max-width: 96%; max-height: 90%; }
    """
    BINDINGS = [  # noqa: RUF012 - Textual's own API
        Binding("escape,enter,q", "close", "Close", id="output.close"),
    ]

    def __init__(self, title: str, text: str) -> None:
        super().__init__(id="output")
        self.title_text, self.text = title, text

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog"):
            yield Static(plain(self.title_text, "bold"), id="dialog-title")
            yield Static(plain(self.text, newlines=True), id="output-text")
            yield Static(Text("Esc, Enter or q closes this", style="dim"), id="dialog-keys")

    def action_close(self) -> None:
        self.dismiss(None)

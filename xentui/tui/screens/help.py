"""The help screen (`?`): every key of the app and of its dialogs, with what it does."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

DIALOG_KEYS: tuple[tuple[str, str], ...] = (
    ("Enter", "migrate dialog: migrate to the highlighted host"),
    ("l", "migrate dialog: live migration on/off (on by default)"),
    ("Esc", "any dialog: cancel"),
    ("y / n", "quit while migrating: yes / no"),
    ("Enter / y", "new host key: trust it and record it in known_hosts"),
    ("n / Esc", "new host key: decline (the host stays unreachable; t asks again)"),
    ("a", "setup checklist: check every step again"),
    ("c", "setup checklist: check the selected step"),
    ("f", "setup checklist: show the selected step's fix, then ask"),
    ("y / n", "fix dialog: apply the fix / leave everything as it is"),
    ("Esc or w", "setup checklist: back to the main screen"),
    ("ctrl+p", "command palette: every action by name"),
    ("Tab", "event log: focus it; the newest failure with more output is marked"),
    ("↑ / ↓", "event log: the earlier / later failure"),
    ("Enter", "event log: the marked failure's whole output (Esc, Enter or q closes it)"),
)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [  # noqa: RUF012 - Textual's own API
        Binding("escape,question_mark,q", "close", "Close", id="help.close"),
    ]

    def __init__(self, keys: list[tuple[str, str]]) -> None:
        """``keys``: (key, what it does) for the app's own bindings."""
        super().__init__(id="help")
        self.keys = keys

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", justify="right")
        table.add_column()
        for key, what in [*self.keys, *DIALOG_KEYS]:
            table.add_row(Text(key), Text(what))
        with VerticalScroll(id="dialog"):
            yield Static(Text("Keys", style="bold"), id="dialog-title")
            yield Static(table)
            yield Static(Text("Esc, ? or q closes this screen", style="dim"), id="dialog-keys")

    def action_close(self) -> None:
        self.dismiss(None)

"""The help screen (`?`): every key of the app and of its dialogs, with what it does."""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

DIALOG_KEYS: tuple[tuple[str, str], ...] = (
    ("ctrl+p", "command palette: every action by name (also at the footer's right end)"),
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
    ("Esc or {setup}", "setup checklist: back to the main screen"),
    ("Tab", "event log: focus it; the newest failure with more output is marked"),
    ("↑ / ↓", "event log: the earlier / later failure"),
    ("Enter", "event log: the marked failure's whole output (Esc, Enter or q closes it)"),
)


class HelpScreen(ModalScreen[None]):
    """The app's keys beside the dialogs' keys on a wide screen, one under the other on a
    narrow one; the closing hint sits outside the scrolled part, so 80x24 shows it."""

    BINDINGS = [  # noqa: RUF012 - Textual's own API
        Binding("escape,q", "close", "Close", id="help.close"),
        Binding("question_mark", "close", show=False, id="help"),  # the help key, as [keys] has it
    ]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]  # noqa: RUF012 - Textual's API
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen #help-dialog {
        width: 96%; max-width: 150; height: auto; max-height: 96%;
        border: thick $accent; padding: 0 1; background: $surface;
    }
    HelpScreen #help-keys { height: auto; max-height: 70vh; }
    HelpScreen #help-columns { height: auto; }
    HelpScreen.-narrow #help-columns { layout: vertical; }
    HelpScreen .help-column { width: 1fr; height: auto; }
    """

    def __init__(
        self, keys: list[tuple[str, str]], *, setup_key: str = "w", help_key: str = "?"
    ) -> None:
        """``keys``: (key, what it does) for the app's own bindings; ``setup_key`` and
        ``help_key`` as the lab file's ``[keys]`` set them (they close their screens too)."""
        super().__init__(id="help")
        self.keys = keys
        self.setup_key, self.help_key = setup_key, help_key

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog"):
            yield Static(Text("Keys", style="bold"), id="dialog-title")
            with VerticalScroll(id="help-keys"), Horizontal(id="help-columns"):
                yield Static(_grid(self.keys), classes="help-column")
                dialog = [(k.format(setup=self.setup_key), what) for k, what in DIALOG_KEYS]
                yield Static(_grid(dialog), classes="help-column")
            closing = f"Esc, {self.help_key} or q closes this screen"
            yield Static(Text(closing, style="dim"), id="dialog-keys")

    def action_close(self) -> None:
        self.dismiss(None)


def _grid(keys: Iterable[tuple[str, str]]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", justify="right", no_wrap=True)
    table.add_column()
    for key, what in keys:
        table.add_row(Text(key), Text(what))
    return table

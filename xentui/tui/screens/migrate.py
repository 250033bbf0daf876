"""The migrate dialog: pick the target among the other hosts, live by default; a typed result."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from xentui.tui.format import plain


@dataclass(frozen=True, slots=True)
class MigrateChoice:
    target: str
    live: bool = True


class MigrateDialog(ModalScreen[MigrateChoice | None]):
    """Enter confirms the highlighted target, Esc cancels, ``l`` toggles live migration."""

    BINDINGS = [  # noqa: RUF012 - Textual's own API
        Binding("escape", "cancel", "Cancel", id="migrate.cancel"),
        Binding("l", "toggle_live", "Live on/off", id="migrate.live"),
        # the screen's own Enter, ahead of the list's: a quick "m, Enter" arrives before the
        # list is mounted and highlighted, and the list would drop it
        Binding("enter", "choose", "Migrate", id="migrate.choose", priority=True, show=False),
    ]

    def __init__(self, guest: str, source: str, targets: list[tuple[str, str | None]]) -> None:
        """``targets``: (host, why it cannot be chosen or None) for every other host."""
        super().__init__(id="migrate-dialog")
        self.guest, self.source, self.targets = guest, source, targets
        self.live = True

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(
                Text.assemble(
                    "Migrate ", plain(self.guest, "bold"), " from ", plain(self.source, "bold")
                ).append(" to:"),
                id="dialog-title",
            )
            options = []
            for host, why in self.targets:
                label = plain(host, "bold")
                if why:
                    label.append(" — ").append_text(plain(why, "italic"))
                options.append(Option(label, id=host, disabled=why is not None))
            yield OptionList(*options, id="targets")
            yield Static(self._live_text(), id="live")
            yield Static(
                Text("Enter migrate · l live on/off · Esc cancel", style="dim"), id="dialog-keys"
            )

    def on_mount(self) -> None:
        targets = self.query_one(OptionList)
        targets.focus()
        enabled = [i for i, (_, why) in enumerate(self.targets) if why is None]
        if enabled:
            targets.highlighted = enabled[0]

    def _live_text(self) -> Text:
        if self.live:
            return Text.assemble("[l] ", ("live", "bold green"), ": the guest keeps running")
        return Text.assemble("[l] ", ("not live", "bold yellow"), ": the guest pauses to move")

    def action_toggle_live(self) -> None:
        self.live = not self.live
        self.query_one("#live", Static).update(self._live_text())

    def action_choose(self) -> None:
        """The highlighted target, or before the list has one, the first that can be chosen."""
        lists = self.query(OptionList)
        index = lists.first().highlighted if lists else None
        if index is None:
            index = next((i for i, (_, why) in enumerate(self.targets) if why is None), None)
        if index is not None and self.targets[index][1] is None:
            self.dismiss(MigrateChoice(self.targets[index][0], self.live))

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.dismiss(MigrateChoice(event.option.id, self.live))

"""The footer: every shown key and what it does, dimmed when it cannot run now.

One line of Text redrawn only when it changes. Textual's Footer recomposes a widget per key on
every bindings update (+100 to +170 ms an update, measured), and shows every active key, so the
setup screen's run past 80 columns: docs/ARCHITECTURE.md, "The key bar", has the figures.
"""

from __future__ import annotations

from collections.abc import Collection

from rich.text import Text
from textual.screen import Screen
from textual.widgets import Static

from xentui.tui.keymap import footer_rank


class KeyBar(Static):
    DEFAULT_CSS = "KeyBar { dock: bottom; height: 1; width: 1fr; }"

    def __init__(self, *, id: str | None = None, only: Collection[str] | None = None) -> None:
        """``only``: the binding ids to show (a screen over the main one keeps its own keys in
        view at 80 columns; the app's keys still work there)."""
        super().__init__("", id=id)
        self._shown: Text | None = None
        self._only = frozenset(only) if only is not None else None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)
        self.bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen) -> None:
        if not self.is_attached or screen is not self.screen:
            return
        text = self.render_keys(screen)
        if text != self._shown:
            self._shown = text
            self.update(text, layout=False)

    def render_keys(self, screen: Screen) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        palette = None
        shown = sorted(screen.active_bindings.items(), key=lambda kv: footer_rank(kv[1].binding))
        for key, active in shown:
            binding = active.binding
            if key == self.app.COMMAND_PALETTE_BINDING:
                palette = self.app.get_key_display(binding)
            if not binding.show or (self._only is not None and binding.id not in self._only):
                continue
            style = "" if active.enabled else "dim"
            # the key's cell, a space and its word: 9 cells for "p Pause" as in Textual's Footer,
            # so the main screen's seven keys and the palette hint fit 80 columns (79)
            text.append(f" {self.app.get_key_display(binding)} ", style=f"bold reverse {style}")
            text.append(f" {binding.description}", style=style or "")
        if palette is not None and self.app.ENABLE_COMMAND_PALETTE:
            hint = f"  {palette} palette"
            width = self.size.width
            if width and text.cell_len + len(hint) > width:  # 80 columns: keys give way first
                text.truncate(max(width - len(hint), 0), overflow="ellipsis")
            text.append(hint, style="dim")
        return text

"""Which theme the app opens in, and the one chosen in it remembered (issue 14.11).

Order: ``--theme``, then the lab file's ``theme``, then the theme chosen last (the settings file,
``config.settings``), then textual-dark. A theme given with ``--theme`` or picked in the palette
("Theme", Textual's own picker) is remembered; the lab file's is not (it is in the file). Only
the themes of ``config.ui.THEMES`` are offered: each is measured readable
(tests/tui/test_theme_contrast.py), Textual's others are not.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual.theme import Theme

from xentui.config import LabConfig
from xentui.config.settings import read_settings, remember_theme
from xentui.config.ui import DEFAULT_THEME, THEMES

if TYPE_CHECKING:
    from xentui.tui.app import XentuiApp


class ThemeChoice:
    """The app's theme: set from the lab file at once; from the flag and the remembered one
    when the caller gives a settings file (the live app does; tests and replays do not)."""

    def __init__(self, app: XentuiApp, config: LabConfig) -> None:
        self.app, self.config = app, config
        self.settings: Path | None = None
        self.said: list[str] = []  # warnings for the event log once the screen is up
        self._seen = ""
        for name in list(app.available_themes):
            if name not in THEMES:
                app.unregister_theme(name)
        app.theme = config.theme or DEFAULT_THEME

    def use(self, settings: Path, flag: str | None = None) -> None:
        """Before the app runs: ``--theme`` or the lab file's, else the remembered one; changes
        from now on are remembered in ``settings``."""
        self.settings = settings
        remembered = read_settings(settings)
        if remembered.warning:
            self.said.append(remembered.warning)
        self.app.theme = flag or self.config.theme or remembered.theme or DEFAULT_THEME
        if flag and flag != remembered.theme:
            self._remember(flag)

    def mounted(self) -> None:
        """From here on a theme change is the presenter's choice (the picker, a command)."""
        self._seen = self.app.theme
        self.app.theme_changed_signal.subscribe(self.app, self._changed)
        for warning in self.said:
            self.app.say(warning, "warning", timeout=10)

    def _changed(self, theme: Theme) -> None:
        if theme.name == self._seen:
            return
        self._seen = theme.name
        if self.settings is None:
            return
        if self._remember(theme.name):
            said = f"Theme {theme.name}: remembered for the next start"
            if self.config.theme not in (None, theme.name):
                said += f" (the lab file's theme = {self.config.theme!r} comes first)"
            self.app.say(said, timeout=4)

    def _remember(self, name: str) -> bool:
        assert self.settings is not None
        warning = remember_theme(self.settings, name)
        if warning is not None:
            self.said.append(warning)
            if self.app.is_running:
                self.app.say(warning, "warning", timeout=10)
        return warning is None

"""The app's keys as the lab file's ``[keys]`` sets them (issue 14.12), through Textual's keymap.

Every app binding carries an id that is the action's name in ``[keys]``
(``config.ui.DEFAULT_KEYS``), and ``App.set_keymap`` moves it: the footer, which reads the
screen's active bindings, follows by itself; so do the setup screen's and help screen's "the
same key closes it". The help screen and the palette name keys through ``key_of``.

One binding per key: whether it can act now is ``XentuiApp.check_action`` alone (dimmed in the
key bar, refused in words when pressed: ``XentuiApp.run_action``), so footer, help and palette
read one source.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from textual.app import App
from textual.binding import Binding

from xentui.config.ui import DEFAULT_KEYS

K = DEFAULT_KEYS

APP_BINDINGS: list[Binding] = [
    Binding(K["pause"], "pause", "Pause", id="pause", tooltip="pause the guest where it runs"),
    Binding(K["unpause"], "unpause", "Unpause", id="unpause", tooltip="unpause the guest"),
    Binding(
        K["migrate"], "migrate", "Migrate", id="migrate", tooltip="move the guest to another host"
    ),
    Binding(K["setup"], "setup", "Setup", id="setup", tooltip="the setup checklist"),
    Binding(K["refresh"], "refresh", "Refresh", id="refresh", tooltip="poll every host now"),
    Binding(
        K["trust"], "trust_key", "Trust key", id="trust", tooltip="ask again about a declined key"
    ),
    Binding(K["help"], "help", "Help", id="help", tooltip="this list"),
    Binding(K["quit"], "quit", "Quit", id="quit", tooltip="quit (asks first mid-migration)"),
    Binding("ctrl+c", "quit", show=False, priority=True),  # as q, as the help says
]
"""The main screen's keys, in the footer's order; ids are the ``[keys]`` actions."""


def key_of(app: App[Any], keymap: Mapping[str, str], action_id: str) -> str:
    """How the footer shows the key of ``action_id`` (``[keys]`` or the default): ``?``, ``^x``."""
    key = keymap.get(action_id, DEFAULT_KEYS[action_id])
    return app.get_key_display(Binding(key, "", id=action_id))


def help_lines(app: App[Any], keymap: Mapping[str, str]) -> list[tuple[str, str]]:
    """(key, what it does) for the help screen, each key as configured."""
    return [
        (key_of(app, keymap, b.id), b.tooltip or b.description)
        for b in APP_BINDINGS
        if b.show and b.id is not None
    ]


def footer_rank(binding: Binding) -> int:
    """The footer keeps the app's order: a moved key is re-added last in Textual's map."""
    ids = [b.id for b in APP_BINDINGS if b.show]
    return ids.index(binding.id) if binding.id in ids else -1

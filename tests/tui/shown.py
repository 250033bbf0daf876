"""What the presenter sees of the app's notifications: the toasts on screen, read by their text.

Textual keeps its notifications in ``App._notifications`` (private; reading it pinned one exact
Textual). What a presenter reads is the toasts: widgets whose CSS type is ``Toast`` on the
active screen, each rendering its message. They are queried by that type name (the class lives
in the private ``textual.widgets._toast``) and read through ``Widget.render``, both public.
Textual's test harness shows no toast unless asked: run the app with
``run_test(notifications=True)``. A toast leaves the screen when its notification times out
(5 s, or the ``timeout`` given), as the private list forgot it.
"""

from __future__ import annotations

from typing import Any

from textual.app import App


def notes(app: App[Any]) -> list[str]:
    """The text of every toast on the active screen, oldest first (the rack's order)."""
    return [_text(toast.render()) for toast in app.screen.query("Toast")]


def _text(rendered: object) -> str:
    """A toast renders ``Content`` (Textual 2+) or Rich ``Text``: both say ``plain``."""
    plain = getattr(rendered, "plain", None)
    return plain if isinstance(plain, str) else str(rendered)

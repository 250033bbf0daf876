"""Telling every listener, the one way every layer does it: a listener that raises is logged
and the others still hear the event.

The engine, the stream probe and the setup checklist each kept a list of callbacks; one broken
callback (a TUI widget gone, a recorder whose disk filled) must not stop the hosts' updates, the
measurement or the checklist's other views. Beneath every layer; it imports nothing of xentui.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")


def notify(
    listeners: Iterable[Callable[[T], None]], event: T, log: logging.Logger, what: str
) -> None:
    """Call each of ``listeners`` (a copy: one may add or remove another) with ``event``.

    ``what`` names the source in the log line: ``"event listener failed on SnapshotEvent"``
    (the words tests and readers of the log look for).
    """
    for cb in list(listeners):
        try:
            cb(event)
        except Exception:  # a listener's bug is its own: the others still hear the event
            log.exception("%s listener failed on %s: %r", what, type(event).__name__, cb)

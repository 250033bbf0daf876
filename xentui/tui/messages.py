"""Messages from the engine and probe listeners into the main screen; polls of one host coalesce."""

from __future__ import annotations

from textual.message import Message

from xentui.model import Event, SnapshotEvent


class Incoming(Message, bubble=False):
    """One event from the engine or the probe, delivered on the app's loop."""

    def __init__(self, event: Event) -> None:
        super().__init__()
        self.event = event

    def can_replace(self, message: Message) -> bool:
        # a newer poll of a host makes a queued older one worthless: floods of polls coalesce
        mine, theirs = self.event, getattr(message, "event", None)
        return (
            isinstance(message, Incoming)
            and isinstance(mine, SnapshotEvent)
            and isinstance(theirs, SnapshotEvent)
            and mine.snapshot.host == theirs.snapshot.host
        )

"""The seed's demonstration as a checklist that ticks itself off from the app's events.

Open the stream; pause and time how long the player keeps playing (that time is the player's
buffer, which the seed asks the audience to remember); unpause; live migrate; the verdict: did
the player stall while the guest moved? Pure: fed ``model`` events, it keeps no clock of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from xentui.model import (
    ActionEvent,
    ActionKind,
    Event,
    GapEvent,
    MigrationEvent,
    MigrationPhase,
    StallEvent,
    StreamStatusEvent,
    duration,
)


class ItemState(StrEnum):
    TODO = "todo"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class RunbookItem:
    number: int
    title: str
    key: str | None
    """The app key that does this step, shown beside it; None when nothing is to press."""
    state: ItemState = ItemState.TODO
    detail: str = ""


_ITEMS = (
    RunbookItem(1, "open the stream", None),
    RunbookItem(2, "pause: measure the buffer", "p"),
    RunbookItem(3, "unpause", "u"),
    RunbookItem(4, "live migrate", "m"),
    RunbookItem(5, "verdict", None),
)
STREAM, PAUSE, UNPAUSE, MIGRATE, VERDICT = range(5)


class Runbook:
    """The five demonstration steps, their state, the measured buffer and the verdict."""

    def __init__(self) -> None:
        self._items = list(_ITEMS)
        self.buffer_s: float | None = None
        """Seconds from the pause to the player's stall: the buffer size the seed promises."""
        self.verdict: str | None = None
        self._paused_at: float | None = None
        self._pause_sent: float | None = None
        self._window: tuple[float, float | None] | None = None
        self._stall_in_window: float | None = None
        self._longest_gap: float | None = None
        self._final = False
        """The app froze the verdict (`conclude`): later events of that migration change nothing."""

    @property
    def items(self) -> tuple[RunbookItem, ...]:
        return tuple(self._items)

    @property
    def current(self) -> int | None:
        """Index of the step to do next: the first one not done (None when all are)."""
        return next((i for i, it in enumerate(self._items) if it.state is not ItemState.DONE), None)

    def _set(self, index: int, state: ItemState, detail: str) -> None:
        self._items[index] = replace(self._items[index], state=state, detail=detail)

    def feed(self, event: Event) -> bool:
        """Take one event; True when anything shown changed."""
        before = (tuple(self._items), self.buffer_s, self.verdict)
        if isinstance(event, StreamStatusEvent):
            self._on_stream(event)
        elif isinstance(event, ActionEvent):
            self._on_action(event)
        elif isinstance(event, StallEvent):
            self._on_stall(event)
        elif isinstance(event, GapEvent):
            self._on_gap(event)
        elif isinstance(event, MigrationEvent):
            self._on_migration(event)
        return before != (tuple(self._items), self.buffer_s, self.verdict)

    def _on_stream(self, event: StreamStatusEvent) -> None:
        # ticked on media played only (issue 10.7): a connection that sends headers and then
        # nothing, or a body that is not media, is said in its words and stays to do
        if event.playing:
            self._set(STREAM, ItemState.DONE, "playing")
        elif self._items[STREAM].state is not ItemState.DONE:
            self._set(STREAM, ItemState.TODO, event.message)

    def _on_action(self, event: ActionEvent) -> None:
        if event.kind is ActionKind.PAUSE:
            if event.ok is None:
                self._pause_sent = event.t  # the guest stops about now: time the buffer from here
            elif event.ok:
                self._paused_at = self._pause_sent if self._pause_sent is not None else event.t
                self._pause_sent = None
                if self.buffer_s is None:
                    self._set(PAUSE, ItemState.TODO, "paused: waiting for the player to stall")
            else:
                self._pause_sent = None  # refused or failed: an earlier pause still stands
                self._fail(PAUSE, event.message or "pause failed")
        elif event.kind is ActionKind.UNPAUSE and event.ok:
            if self._paused_at is not None and self.buffer_s is None:
                self._set(PAUSE, ItemState.TODO, "unpaused before the player stalled: pause longer")
            self._paused_at = None
            self._set(UNPAUSE, ItemState.DONE, "")
        elif event.kind is ActionKind.UNPAUSE and event.ok is False:
            self._fail(UNPAUSE, event.message or "unpause failed")

    def _fail(self, index: int, message: str) -> None:
        """A refusal after the step is done does not undo it."""
        if self._items[index].state is not ItemState.DONE:
            self._set(index, ItemState.FAILED, message)

    def _on_stall(self, event: StallEvent) -> None:
        start = event.stall.start
        if event.stall.end is None and self._paused_at is not None and start >= self._paused_at:
            self.buffer_s = start - self._paused_at
            self._set(PAUSE, ItemState.DONE, f"buffer = {self.buffer_s:.1f} s")
        if self._window is not None and _inside(start, self._window):
            self._stall_in_window = max(self._stall_in_window or 0.0, event.stall.length_s(start))
            self._judge()

    def _on_gap(self, event: GapEvent) -> None:
        if self._window is not None and _inside(event.gap.start, self._window):
            self._longest_gap = max(self._longest_gap or 0.0, event.gap.length_s)
            self._judge()

    def _on_migration(self, event: MigrationEvent) -> None:
        record = event.record
        start = record.at(MigrationPhase.REQUESTED)
        start = start if start is not None else event.t
        fresh = self._window is None or self._window[0] != start
        if fresh:
            self._window, self._stall_in_window, self._longest_gap = (start, None), None, None
            self.verdict, self._final = None, False
            self._set(VERDICT, ItemState.TODO, "")
        target = f"{record.source} → {record.target}"
        if event.phase is MigrationPhase.COMPLETED:
            self._window = (start, event.t)
            took = f" in {record.duration_s:.1f} s" if record.duration_s is not None else ""
            self._set(MIGRATE, ItemState.DONE, f"{target}{took}")
            self._judge()
        elif event.phase is MigrationPhase.FAILED:
            self._window = None
            self._set(MIGRATE, ItemState.FAILED, record.message or "migration failed")
        else:
            self._set(MIGRATE, ItemState.TODO, f"{target}: {event.phase.value}")

    def conclude(self, headline: str, words: str) -> bool:
        """The verdict as the app froze it, in the panel's words (issue 14.5): it replaces this
        runbook's own reading of the events and stays; True when it changed anything."""
        if self._window is None or self._window[1] is None:
            return False
        before = self.verdict
        self.verdict, self._final = f"{headline}: {words}", True
        self._set(VERDICT, ItemState.DONE, self.verdict)
        return before != self.verdict

    def _judge(self) -> None:
        if self._window is None or self._window[1] is None or self._final:
            return
        gap = f"stream gap {duration(self._longest_gap)}" if self._longest_gap is not None else ""
        buffer = f"{self.buffer_s:.1f} s buffer" if self.buffer_s is not None else ""
        if self._stall_in_window is not None:
            self.verdict = "STALL: the viewer saw the stream stop"
        else:
            against = ""
            if self.buffer_s is not None and self._longest_gap is not None:
                # said only when the figures show it: a gap near the buffer may still not stall
                than = "shorter" if self._longest_gap < self.buffer_s else "not shorter"
                against = f", {than} than the {buffer}"
            self.verdict = "NO STALL: the viewer saw nothing" + (
                f" ({gap}{against})" if gap else ""
            )
        self._set(VERDICT, ItemState.DONE, self.verdict)


GRACE_S = 2.0
"""A stall seen this soon after the migration ended still belongs to it (polling lag)."""


def _inside(t: float, window: tuple[float, float | None]) -> bool:
    start, end = window
    return t >= start and (end is None or t <= end + GRACE_S)

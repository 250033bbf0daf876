"""A recorded run played back: stand-ins for the engine and the probe, and a cursor in time.

No Textual: the replay app (`tui.replay_app`) drives a `Playback` and draws what it hands out.
The stand-ins answer as the live ones answered the app at the same moment (the summaries and
verdict figures were recorded as the app got them), and refuse every action: a replay is
read-only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from xentui.model import (
    ActionEvent,
    ActionKind,
    ConnectionEvent,
    Event,
    Gap,
    HostSnapshot,
    MigrationEvent,
    MigrationProgressEvent,
    MigrationRecord,
    SnapshotEvent,
)
from xentui.probe.summary import ProbeSummary
from xentui.record.reader import Run
from xentui.record.schema import Item, Poll, Query, SummaryRecord

REFUSAL = "disabled in a replay: a recorded run cannot act"


class ReplayEngine:
    """What the engine had said by now; every action refused."""

    def __init__(self, guest: str) -> None:
        self.guest = guest
        self.snapshots: dict[str, HostSnapshot] = {}
        self.connections: dict[str, ConnectionEvent] = {}
        self.migration: MigrationRecord | None = None

    def apply(self, event: Event) -> None:
        if isinstance(event, SnapshotEvent):
            self.snapshots[event.snapshot.host] = event.snapshot
        elif isinstance(event, ConnectionEvent):
            self.connections[event.host] = event
        elif isinstance(event, MigrationEvent | MigrationProgressEvent):
            self.migration = event.record

    def add_listener(self, cb: Callable[[Event], None]) -> None:
        """Nothing speaks live in a replay: the playback feeds the app itself."""

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    def guest_host(self) -> str | None:
        for name, snap in self.snapshots.items():
            found = snap.find(self.guest)
            if found is not None and found.active:
                return name
        return None

    def why_not(self, kind: ActionKind, target: str | None = None) -> str | None:
        return REFUSAL

    async def pause(self) -> ActionEvent:
        raise RuntimeError(REFUSAL)

    async def unpause(self) -> ActionEvent:
        raise RuntimeError(REFUSAL)

    async def migrate(self, target: str, *, live: bool = True) -> ActionEvent:
        raise RuntimeError(REFUSAL)

    async def refresh(self, host: str | None = None) -> None:
        return None

    def unknown_host_key(self, host: str) -> None:
        return None

    def trust_host_key(self, host: str, fingerprint: str | None = None) -> None:
        return None


class ReplayProbe:
    """The summary of the latest recorded tick, and the verdict figures asked at that tick."""

    def __init__(self, empty: ProbeSummary) -> None:
        self.current = empty
        self.answers: dict[tuple[str, float], object] = {}
        self.gaps: list[Gap] = []
        self.levels: list[tuple[float, float]] = []

    def add_listener(self, cb: Callable[[Event], None]) -> None:
        return None

    async def run(self) -> None:
        return None

    async def close(self) -> None:
        return None

    def summary(self) -> ProbeSummary:
        return self.current

    def longest_gap_since(self, t: float) -> Gap | None:
        if ("longest_gap_since", t) in self.answers:
            return self.answers["longest_gap_since", t]  # type: ignore[return-value]
        gaps = [g for g in self.gaps if g.end >= t]
        return max(gaps, key=lambda g: g.length_s, default=None)

    def min_buffer_since(self, t: float) -> float | None:
        if ("min_buffer_since", t) in self.answers:
            return self.answers["min_buffer_since", t]  # type: ignore[return-value]
        return min((lv for at, lv in self.levels if at >= t), default=None)


Apply = Callable[[Event | None], None]
"""The app's side: an event to show, or None for the app's once-a-second tick."""


class Playback:
    """A cursor over a run: `advance(to)` hands each item up to ``to`` to the app, in order,
    with the clock set to the item's own time; `restart()` goes back to the beginning."""

    def __init__(self, run: Run, empty: ProbeSummary) -> None:
        self.run, self.empty = run, empty
        self.items: tuple[Item, ...] = run.items
        self.times = [i.t for i in self.items]
        guest = run.header.lab.guest.name if run.header.lab is not None else ""
        self.guest = guest
        self.restart()

    def restart(self) -> None:
        self.engine = ReplayEngine(self.guest)
        self.probe = ReplayProbe(self.empty)
        self.cursor = 0
        self.now = self.start
        self.wall_now = self.run.header.wall
        self._full: dict[str, HostSnapshot] = {}

    @property
    def start(self) -> float:
        return self.run.header.t

    @property
    def end(self) -> float:
        return self.run.end

    def clock(self) -> float:
        return self.now

    def wall(self) -> float:
        return self.wall_now

    @property
    def finished(self) -> bool:
        return self.cursor >= len(self.items)

    def next_at(self) -> float | None:
        return self.times[self.cursor] if not self.finished else None

    def advance(self, to: float, show: Apply) -> None:
        """Everything recorded up to ``to``, in order, then the clock at ``to``."""
        while self.cursor < len(self.items) and self.times[self.cursor] <= to:
            item = self.items[self.cursor]
            self.cursor += 1
            self._move(item.t, item.wall)
            self._one(item, show)
        self._move(max(self.now, to), self.wall_now + max(0.0, to - self.now))

    def _move(self, t: float, wall: float) -> None:
        self.now, self.wall_now = t, wall

    def _one(self, item: Item, show: Apply) -> None:
        if isinstance(item, Poll):
            full = self._full.get(item.host)
            if full is None:
                return
            snap = replace(full, t=item.t, wall=item.wall, latency_s=item.latency_s)
            item = SnapshotEvent(t=item.t, wall=item.wall, snapshot=snap)
        if isinstance(item, Event):
            if isinstance(item, SnapshotEvent):
                self._full[item.snapshot.host] = item.snapshot
            self.engine.apply(item)
            if hasattr(item, "gap"):
                self.probe.gaps.append(item.gap)
            show(item)
        elif isinstance(item, SummaryRecord):
            self.probe.current = item.summary
            self.probe.levels.append((item.t, item.summary.buffer_s))
            self.probe.answers = self._answers()
            show(None)

    def _answers(self) -> dict[tuple[str, float], object]:
        """The verdict figures asked at this tick: the query lines right after its summary."""
        out: dict[tuple[str, float], object] = {}
        while not self.finished and isinstance(q := self.items[self.cursor], Query):
            out[q.fn, q.since] = q.result
            self.cursor += 1
        return out

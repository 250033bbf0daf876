"""What a report says, taken from a run record: migrations and their verdicts, the series
around each action, every gap and stall. Pure: the writers and the plots only lay it out."""

from __future__ import annotations

from dataclasses import dataclass

from xentui.model import (
    ActionEvent,
    Gap,
    GapEvent,
    MigrationEvent,
    MigrationPhase,
    MigrationProgressEvent,
    MigrationRecord,
    Stall,
    StallEvent,
)
from xentui.probe.summary import describe_verdict
from xentui.record.reader import Run

BEFORE_S, AFTER_S = 20.0, 40.0
"""The window of a plot around an action."""


@dataclass(frozen=True, slots=True)
class Verdict:
    record: MigrationRecord
    words: str
    """"longest gap 0.08 s, buffer never below 4.9 s, no stall": the app's own words."""
    stalled: bool

    @property
    def headline(self) -> str:
        if self.record.outcome is MigrationPhase.FAILED:
            return f"FAILED: {self.record.message or 'no message'}"
        return (
            "STALLED: the viewer saw the picture stop"
            if self.stalled
            else ("NO STALL: the viewer saw nothing")
        )


@dataclass(frozen=True, slots=True)
class Window:
    """An action and the stream around it, as seconds from the action."""

    title: str
    t: float
    wall: float
    bitrate: tuple[tuple[float, float], ...]
    buffer: tuple[tuple[float, float], ...]
    marks: tuple[tuple[str, float], ...]


def migrations(run: Run) -> list[MigrationRecord]:
    """Each migration's last record (the hypervisor's figures included where they came)."""
    out: dict[float, MigrationRecord] = {}
    for e in run.events:
        if isinstance(e, MigrationEvent | MigrationProgressEvent):
            start = e.record.at(MigrationPhase.REQUESTED)
            if start is not None:
                out[start] = e.record
    return [out[k] for k in sorted(out)]


def gaps(run: Run) -> list[Gap]:
    return [e.gap for e in run.events if isinstance(e, GapEvent)]


def stalls(run: Run) -> list[Stall]:
    """Each stall once, with its end where the run saw it end."""
    out: dict[float, Stall] = {}
    for e in run.events:
        if isinstance(e, StallEvent):
            out[e.stall.start] = e.stall
    return [out[k] for k in sorted(out)]


def verdicts(run: Run) -> list[Verdict]:
    levels = [(s.t, s.summary.buffer_s) for s in run.summaries]
    resolution = next(
        (s.summary.resolution_s for s in reversed(list(run.summaries)) if s.summary.resolution_s),
        None,
    )
    all_gaps, all_stalls, out = gaps(run), stalls(run), []
    for record in migrations(run):
        start = record.at(MigrationPhase.REQUESTED) or 0.0
        outcome = record.outcome
        end = record.at(outcome) if outcome is not None else run.end
        end = (end or run.end) + 7.0  # the buffer drains after the switch: look a while past it
        seen = [g for g in all_gaps if g.end >= start and g.start <= end]
        gap = max(seen, key=lambda g: g.length_s, default=None)
        low = min((lv for t, lv in levels if start <= t <= end), default=None)
        stalled = [s for s in all_stalls if start <= s.start <= end]
        words = describe_verdict(start, gap, low, stalled, lambda: run.end, resolution)
        out.append(Verdict(record, words, bool(stalled)))
    return out


def windows(run: Run) -> list[Window]:
    """One window per requested action: bitrate (kbit/s per second) and buffer level."""
    points: dict[float, float] = {}
    buffer: list[tuple[float, float]] = []
    for s in run.summaries:
        for p in s.summary.points:
            points[p.t] = p.kbps
        buffer.append((s.t, s.summary.buffer_s))
    records = migrations(run)
    out = []
    for e in run.events:
        if not isinstance(e, ActionEvent) or e.ok is not None:
            continue
        lo, hi = e.t - BEFORE_S, e.t + AFTER_S
        marks: list[tuple[str, float]] = [(e.kind.value, 0.0)]
        for r in records:
            start = r.at(MigrationPhase.REQUESTED)
            if start is not None and abs(start - e.t) < 2.0:
                marks = [(p.value, t - e.t) for p, t in r.milestones]
        target = f" → {e.target}" if e.target else ""
        out.append(
            Window(
                title=f"{e.kind.value} {e.guest} on {e.host}{target}",
                t=e.t,
                wall=e.wall,
                bitrate=tuple((t - e.t, v) for t, v in sorted(points.items()) if lo <= t <= hi),
                buffer=tuple((t - e.t, v) for t, v in buffer if lo <= t <= hi),
                marks=tuple(marks),
            )
        )
    return out

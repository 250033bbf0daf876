"""What the probe reports, apart from how it measures: the summary and the verdict in words."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from xentui.model import Gap, PlayerState, Sample, Stall, duration

LEVEL_HISTORY = 3600
"""Per-second buffer minima kept (one hour) for ``min_buffer_since``."""


@dataclass(frozen=True, slots=True)
class ProbeSummary:
    bitrate_kbps: float
    points: tuple[Sample, ...]
    buffer_s: float
    buffer_capacity_s: float
    state: PlayerState
    gaps: tuple[Gap, ...]
    stalls: tuple[Stall, ...]
    media_time_estimated: bool
    message: str
    resolution_s: float | None = None
    """The shortest gap the probe can see now (None: not connected, or still learning the
    stream's rhythm): a shorter one cannot be told from normal flow."""


class LevelHistory:
    """The buffer's lowest level in each second, so a verdict over an hour costs 3600 entries."""

    def __init__(self, maxlen: int = LEVEL_HISTORY) -> None:
        self._levels: deque[tuple[int, float]] = deque(maxlen=maxlen)

    def note(self, sec: int, level: float) -> None:
        if self._levels and self._levels[-1][0] == sec:
            if level < self._levels[-1][1]:
                self._levels[-1] = (sec, level)
        else:
            self._levels.append((sec, level))

    def min_since(self, t: float) -> float | None:
        levels = [lv for sec, lv in self._levels if sec >= int(t)]
        return min(levels) if levels else None


def describe_verdict(
    t: float,
    gap: Gap | None,
    low: float | None,
    stalls: Sequence[Stall],
    clock: Callable[[], float],
    resolution_s: float | None,
) -> str:
    """The verdict in the words the app's panel uses (issue 14.5, ``tui.verdict``):
    "stream gap 210 ms · buffer never below 4.6 s · no stall"."""
    parts = [f"stream gap {duration(gap.length_s)}" if gap else no_gap_words(resolution_s)]
    if low is not None:
        parts.append(f"buffer never below {low:.1f} s")
    if stalls:
        first = stalls[0]
        parts.append(f"stalled {first.start - t:.1f} s in, for {duration(first.length_s(clock()))}")
    else:
        parts.append("no stall")
    return " · ".join(parts)


def no_gap_words(resolution_s: float | None) -> str:
    """Without a gap, how short a one could have gone unseen (at 64 kbit/s, ~0.2 s)."""
    if resolution_s is None:
        return "no stream gap seen"
    return f"no stream gap over {resolution_s * 1000:.0f} ms"

"""Gap detector: times a gap from data arrivals, but counts it only if the player was starved.

Arrival times alone cannot tell a halt from a long normal interval between window openings, and
starvation alone times the gap late by whatever the kernel still held (stream-physics.md, "KS").
So: a gap is an interval between two arrivals during which a read waited longer than
``starve_s`` and that is longer than the resolution: the time-weighted mean of recent normal
intervals, i.e. the length of the interval around a random instant. The second condition matters
against a server that paces itself (Icecast), where the reader waits for every arrival.
"""

from __future__ import annotations

from collections import deque

from xentui.model import Gap

STARVE_S = 0.003
"""A read that waits longer than this is starvation; normal waits are p99.9 <= 0.4 ms."""


class GapDetector:
    """Feed it arrivals (in time order) and starvation notices; it returns each gap as it ends."""

    def __init__(
        self, starve_s: float = STARVE_S, history: int = 512, min_history: int = 8
    ) -> None:
        self.starve_s = starve_s
        self.min_history = min_history
        self._last: float | None = None
        self._starved = False
        self._normal: deque[float] = deque(maxlen=history)
        self._sum = 0.0
        self._sum_sq = 0.0

    def reset(self) -> None:
        """A new connection: the time before it is not a gap in this stream."""
        self._last = None
        self._starved = False

    def starving(self, waited_s: float) -> None:
        """The reader has been waiting ``waited_s`` for data on its current read."""
        if waited_s > self.starve_s and self._last is not None:
            self._starved = True

    def arrival(self, t: float) -> Gap | None:
        """Data arrived at ``t``; returns the gap that this arrival ends, if the player starved."""
        last, self._last = self._last, t
        if last is None:
            return None
        starved, self._starved = self._starved, False
        known = len(self._normal) >= self.min_history
        if starved and known and t - last > self.resolution_s:
            return Gap(last, t, self.resolution_s)
        self._remember(t - last)
        return None

    def _remember(self, dt: float) -> None:
        if len(self._normal) == self._normal.maxlen:
            old = self._normal[0]
            self._sum -= old
            self._sum_sq -= old * old
        self._normal.append(dt)
        self._sum += dt
        self._sum_sq += dt * dt

    @property
    def resolution_s(self) -> float:
        """Time-weighted mean normal interval, never below the starvation threshold."""
        if self._sum <= 0:
            return self.starve_s
        return max(self.starve_s, self._sum_sq / self._sum)

    @property
    def last_arrival(self) -> float | None:
        return self._last

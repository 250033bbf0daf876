"""Byte meter: fine time bins in a fixed ring, summed into the sparkline's one-second points.

A fixed ring (not a list of arrivals) so an hour of streaming costs the same memory as a minute.
"""

from __future__ import annotations

import math

from xentui.model import Sample

BIN_S = 0.1
KEEP_S = 61


class ByteMeter:
    """Counts bytes per ``BIN_S`` bin for the last ``KEEP_S`` seconds; bins are clock-aligned."""

    def __init__(self, bin_s: float = BIN_S, keep_s: int = KEEP_S) -> None:
        self.bin_s = bin_s
        self.per_s = round(1 / bin_s)
        self._n = keep_s * self.per_s
        self._bins = [0] * self._n
        self._latest: int | None = None
        """Index (time // bin_s) of the newest bin written."""
        self.total = 0

    def _advance(self, idx: int) -> None:
        if self._latest is None:
            self._latest = idx
            return
        if idx <= self._latest:
            return
        for i in range(self._latest + 1, min(idx, self._latest + self._n) + 1):
            self._bins[i % self._n] = 0
        self._latest = idx

    def add(self, t: float, nbytes: int) -> None:
        idx = math.floor(t * self.per_s)  # t // 0.1 puts 100.0 in bin 999: multiply instead
        self._advance(idx)
        assert self._latest is not None
        if idx > self._latest - self._n:  # bytes older than the ring are only totalled
            self._bins[idx % self._n] += nbytes
        self.total += nbytes

    def points(self, now: float, count: int = 60) -> tuple[Sample, ...]:
        """The last ``count`` complete seconds, oldest first, each as ``Sample(end, nbytes)``."""
        idx_now = math.floor(now * self.per_s)
        self._advance(idx_now)
        end_sec = math.floor(now)  # the current second is incomplete: stop at its start
        out = []
        for sec in range(end_sec - count, end_sec):
            first = sec * self.per_s
            nbytes = sum(
                self._bins[i % self._n]
                for i in range(first, first + self.per_s)
                if idx_now - self._n < i <= idx_now
            )
            out.append(Sample(t=float(sec + 1), nbytes=nbytes))
        return tuple(out)

    def kbps(self, now: float, over_s: int = 2) -> float:
        """Mean bitrate over the last ``over_s`` complete seconds."""
        pts = self.points(now, over_s)
        return sum(p.kbps for p in pts) / len(pts) if pts else 0.0

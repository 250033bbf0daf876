"""Byte meter: fine time bins in a fixed ring, summed into the sparkline's one-second points.

A fixed ring (not a list of arrivals) so an hour of streaming costs the same memory as a minute.
Each bin also holds the media seconds its bytes carried, for the bitrate figure (`bitrate_kbps`).
"""

from __future__ import annotations

import math

from xentui.model import Sample

BIN_S = 0.1
KEEP_S = 61
BITRATE_S = 2
"""The bitrate figure is a mean over this many complete seconds: steady, yet it follows a halt."""


class ByteMeter:
    """Counts bytes per ``BIN_S`` bin for the last ``KEEP_S`` seconds; bins are clock-aligned."""

    def __init__(self, bin_s: float = BIN_S, keep_s: int = KEEP_S) -> None:
        self.bin_s = bin_s
        self.per_s = round(1 / bin_s)
        self._n = keep_s * self.per_s
        self._bins = [0] * self._n
        self._media = [0.0] * self._n
        """Media seconds the bytes of each bin carried (the media timeline's count)."""
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
            self._media[i % self._n] = 0.0
        self._latest = idx

    def add(self, t: float, nbytes: int, media_s: float = 0.0) -> None:
        """``nbytes`` arrived at ``t``, carrying ``media_s`` seconds of media."""
        idx = math.floor(t * self.per_s)  # t // 0.1 puts 100.0 in bin 999: multiply instead
        self._advance(idx)
        assert self._latest is not None
        if idx > self._latest - self._n:  # bytes older than the ring are only totalled
            self._bins[idx % self._n] += nbytes
            self._media[idx % self._n] += media_s
        self.total += nbytes

    def _seconds(self, now: float, count: int) -> list[tuple[int, range]]:
        """The last ``count`` complete seconds, oldest first: each with its bins still held."""
        idx_now = math.floor(now * self.per_s)
        self._advance(idx_now)
        end_sec = math.floor(now)  # the current second is incomplete: stop at its start
        held = range(idx_now - self._n + 1, idx_now + 1)  # older bins were overwritten
        out = []
        for sec in range(end_sec - count, end_sec):
            first = sec * self.per_s
            lo, hi = max(first, held.start), min(first + self.per_s, held.stop)
            out.append((sec, range(lo, max(lo, hi))))
        return out

    def points(self, now: float, count: int = 60) -> tuple[Sample, ...]:
        """The last ``count`` complete seconds, oldest first, each as ``Sample(end, nbytes)``."""
        n = self._n
        return tuple(
            Sample(t=float(sec + 1), nbytes=sum(self._bins[i % n] for i in bins))
            for sec, bins in self._seconds(now, count)
        )

    def kbps(self, now: float, over_s: int = BITRATE_S) -> float:
        """Mean bitrate on the wire over the last ``over_s`` complete seconds."""
        pts = self.points(now, over_s)
        return sum(p.kbps for p in pts) / len(pts) if pts else 0.0

    def bitrate_kbps(self, now: float, bytes_per_media_s: float, over_s: int = BITRATE_S) -> float:
        """The bitrate the probe shows: the media seconds received per second over the last
        ``over_s`` complete seconds, at ``bytes_per_media_s``, the current chain link's own rate.

        Why not the bytes per second: a new link (a new song) would show only once the window
        is all its own, and its header pages and the player's refill after them are bytes of no
        media, read in a burst (+30 % over 2 s at 56 kbit/s). Counted as media, the old link's
        last second is worth what it played, and the figure is the new link's rate as soon as
        that rate is known (issue 11.1, docs/stream.md). On a steady link, and on a stream
        without an Ogg clock (a fixed rate), it is the bytes per second; a halt still takes it
        to zero, and a refill above the link's rate.
        """
        n = self._n
        media = sum(self._media[i % n] for _, bins in self._seconds(now, over_s) for i in bins)
        return media * bytes_per_media_s * 8 / 1000 / over_s if over_s > 0 else 0.0

"""Stream watchdog: notices, in words, a connected stream that is silent or too slow to play.

Pure and clock-free (times are passed in), so the wording is tested without a server.
"""

from __future__ import annotations

SILENT_S = 2.0
"""A connected stream quiet this long is reported (a pause looks like this too)."""
TOO_SLOW_PACE = 0.5
"""Media seconds per second below which a stream that is not playing can never catch up."""


class Watchdog:
    """Call ``connected``, ``data`` and ``check``; each returns a message to say, or None."""

    def __init__(self, now: float) -> None:
        self.last_data_at: float | None = None
        self.connected(now, 0.0)

    def connected(self, now: float, received_s: float) -> None:
        self.connected_at, self.last_data_at = now, None
        self._said_silent = self._said_slow = False
        self._mark = (now, received_s)

    def data(self, now: float) -> str | None:
        self.last_data_at = now
        if self._said_silent:
            self._said_silent = False
            return "data flows again"
        return None

    def check(self, now: float, playing: bool, received_s: float, kbps: float) -> str | None:
        quiet = now - (self.last_data_at if self.last_data_at is not None else self.connected_at)
        if quiet >= SILENT_S and not self._said_silent:
            self._said_silent = True
            what = "no data yet" if self.last_data_at is None else "no data"
            return f"connected, but {what} for {quiet:.0f} s: the server is silent"
        if playing:
            self._mark, self._said_slow = (now, received_s), False
            return None
        since, media_then = self._mark
        if quiet >= SILENT_S:
            # a silence is told as a silence; the pace is judged only from when data flows again
            self._mark = (now, received_s)
            return None
        if now - since < SILENT_S:
            return None
        self._mark = (now, received_s)
        pace = (received_s - media_then) / (now - since)
        if pace < TOO_SLOW_PACE and not self._said_slow:
            # data comes, yet media builds up at less than half of real time: it cannot play
            self._said_slow = True
            return (
                f"data trickles in at {kbps:.2f} kbit/s ({pace:.2f} s of media per second):"
                " too slow to play"
            )
        return None

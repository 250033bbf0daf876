"""Virtual player: the buffer model of a desktop player, driven by an injected clock.

It prebuffers ``buffer_s`` seconds of media, then plays at real time; when the buffer runs dry it
stalls and prebuffers again, as GStreamer's buffering messages make totem do. It never holds more
than ``buffer_s`` plus one read step, so the reader that asks ``wants_data`` reads like a player
and TCP backpressure paces the server.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from xentui.config import DEFAULT_BUFFER_S
from xentui.model import Gap, PlayerState, Stall

# The buffer defaults to the lab file's (config.DEFAULT_BUFFER_S, 5 s, nearer to what totem showed
# in the original demo) rather than stock GStreamer's ~2 s (queue2's "two seconds worth of data",
# gstqueue2.c DEFAULT_MAX_SIZE_TIME; docs/stream.md).

MAX_KEPT = 1000
"""Gaps and stalls kept: bounded so an hour-long run cannot grow memory."""


class VirtualPlayer:
    """Tracks media received vs played; reports state, buffer level, gaps and stalls."""

    def __init__(
        self,
        buffer_s: float = DEFAULT_BUFFER_S,
        *,
        clock: Callable[[], float],
        on_stall: Callable[[Stall], None] | None = None,
    ) -> None:
        if buffer_s <= 0:
            raise ValueError(f"buffer_s must be > 0, not {buffer_s}")
        self.buffer_s = buffer_s
        self._clock = clock
        self._on_stall = on_stall
        self.state = PlayerState.STOPPED
        self.received_s = 0.0
        """Media seconds received since the player started, over all connections."""
        self._base_s = 0.0
        self._played_s = 0.0
        self._since = clock()
        """When ``_played_s`` was last brought up to date (only advances while playing)."""
        self._stall: Stall | None = None
        self.gaps: deque[Gap] = deque(maxlen=MAX_KEPT)
        self.stalls: deque[Stall] = deque(maxlen=MAX_KEPT)

    # --- inputs ---------------------------------------------------------------------------
    def start(self) -> None:
        """A (new) connection: its media time starts at zero, after what is still buffered."""
        self.update()
        self._base_s = self.received_s
        if self.state is PlayerState.STOPPED:
            self.state = PlayerState.PREBUFFERING

    def stop(self) -> None:
        """The connection is gone: whatever is buffered still plays out, then it stalls."""
        self.update()

    def receive(self, media_s: float) -> None:
        """Media seconds received so far on the current connection (never goes backwards)."""
        self.update()
        self.received_s = max(self.received_s, self._base_s + media_s)
        self.update()

    def add_gap(self, gap: Gap) -> None:
        self.gaps.append(gap)

    # --- the model ------------------------------------------------------------------------
    def update(self) -> None:
        """Bring playback up to now: play out, stall when dry, restart once prebuffered."""
        now = self._clock()
        if self.state is PlayerState.PLAYING:
            dry_at = self._since + (self.received_s - self._played_s)
            if dry_at <= now:
                self._played_s = self.received_s
                self._since = dry_at
                self.state = PlayerState.STALLED
                self._stall = Stall(dry_at, None)
                self.stalls.append(self._stall)
                if self._on_stall:
                    self._on_stall(self._stall)
            else:
                self._played_s += now - self._since
                self._since = now
        if self.state in (PlayerState.PREBUFFERING, PlayerState.STALLED):
            self._since = now
            if self.received_s - self._played_s >= self.buffer_s - 1e-9:
                self.state = PlayerState.PLAYING
                if self._stall is not None:
                    ended = Stall(self._stall.start, now)
                    self.stalls[-1] = ended
                    self._stall = None
                    if self._on_stall:
                        self._on_stall(ended)

    def level_s(self) -> float:
        """Seconds of media buffered (received, not yet played)."""
        self.update()
        return max(0.0, self.received_s - self._played_s)

    def wants_data(self) -> bool:
        """True while the buffer has room: a player reads only then."""
        return self.level_s() < self.buffer_s - 1e-9

    def wait_s(self) -> float:
        """How long until the buffer has room again (0 if it has room now)."""
        level = self.level_s()
        if level < self.buffer_s:
            return 0.0
        return level - self.buffer_s if self.state is PlayerState.PLAYING else 0.0

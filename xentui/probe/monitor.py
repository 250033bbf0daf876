"""The probe as the rest of xentui sees it: a stream reader, media clock and virtual player in one.

It turns what the reader sees into the model's events (gaps, stalls, status in words) on the same
monotonic clock as the control layer, and keeps a cheap summary for the TUI's once-a-second look.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

import httpx

from xentui.listeners import notify
from xentui.model import (
    Event,
    Gap,
    GapEvent,
    NoticeEvent,
    PlayerState,
    Stall,
    StallEvent,
    StreamStatusEvent,
)
from xentui.probe.gaps import GapDetector
from xentui.probe.mediatime import MediaTimeline, not_media_words
from xentui.probe.meter import ByteMeter
from xentui.probe.player import VirtualPlayer
from xentui.probe.stream import StreamReader

# the summary names are also importable from here, where they lived before summary.py
from xentui.probe.summary import LEVEL_HISTORY as LEVEL_HISTORY
from xentui.probe.summary import LevelHistory, describe_verdict
from xentui.probe.summary import ProbeSummary as ProbeSummary
from xentui.probe.watchdog import Watchdog
from xentui.tasks import cancel_and_wait

log = logging.getLogger(__name__)

CRASH_WORDS = 200
"""A crash is said in one line of at most this many characters (the panel has one line)."""
TICK_S = 0.02
"""How often the player is brought up to date while no data comes (stall events on time)."""


class StreamProbe:
    """Reads ``url`` like a player with ``buffer_s`` seconds of buffer (docs/stream.md).

    Its public face is contract 6 in docs/ARCHITECTURE.md."""

    def __init__(
        self,
        url: str,
        *,
        buffer_s: float = 5.0,
        player_mode: bool = True,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
        fallback_kbps: float | None = None,
        reader_options: dict[str, Any] | None = None,
    ) -> None:
        self.url = url
        self.clock, self.wall = clock, wall
        self.player_mode = player_mode
        self.player = VirtualPlayer(buffer_s, clock=clock, on_stall=self._stalled)
        self.detector = GapDetector()
        self.meter = ByteMeter()
        self.fallback_kbps = fallback_kbps
        self.timeline = MediaTimeline(fallback_kbps)
        self.reader = StreamReader(
            url, self, player_mode=player_mode, clock=clock, **(reader_options or {})
        )
        self._listeners: list[Callable[[Event], None]] = []
        self.message = "not connected yet"
        self.is_connected = False
        self.queued_bytes = 0
        self._levels = LevelHistory()
        self._task: asyncio.Task[None] | None = None
        self.problems_reported = 0
        self.watchdog = Watchdog(clock())
        self._media_said = False
        """This connection's body was said: media that plays, or not Ogg media."""
        self.failure = ""
        """Set when the probe's own code failed and it stopped, in one line; else empty."""

    # --- contract 6 (docs/ARCHITECTURE.md) ------------------------------------------------------
    def add_listener(self, cb: Callable[[Event], None]) -> None:
        self._listeners.append(cb)

    async def run(self) -> None:
        """Read until cancelled. A failure of the probe's own code (the reader's, or the
        ticker's that keeps the player's clock) ends it, said first as one error line: the
        panel shows the probe stopped, never its last figures as if they were live."""
        if self._task is None:  # so that close() also stops a run() awaited in a task of yours
            self._task = asyncio.current_task()
        reading = asyncio.create_task(self.reader.run(), name="probe-read")
        ticker = asyncio.create_task(self._tick(), name="probe-tick")
        try:
            done, _ = await asyncio.wait((reading, ticker), return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                task.result()  # neither ends of itself: this raises what ended it
        except Exception as exc:
            self._crashed(exc)
            raise
        finally:
            await cancel_and_wait([reading, ticker])

    async def close(self) -> None:
        if self._task is not None and self._task is not asyncio.current_task():
            await cancel_and_wait([self._task])

    def start(self) -> asyncio.Task[None]:
        """Run in a task of its own (``close()`` stops it)."""
        self._task = asyncio.create_task(self.run(), name="stream-probe")
        return self._task

    def summary(self) -> ProbeSummary:
        now = self.clock()
        level = self.buffer_level()
        state = self.player.state
        if (not self.is_connected and state is not PlayerState.PLAYING) or self.failure:
            state = PlayerState.STOPPED
        if self.failure:  # nothing measures any more: no buffer is shown as held
            level = 0.0
        message = self.message
        if self.is_connected and self.timeline.not_ogg and not self.failure:
            message = not_media_words(self.timeline)  # said for as long as it lasts
        return ProbeSummary(
            bitrate_kbps=self.meter.bitrate_kbps(now, self.timeline.bytes_per_media_s()),
            points=self.meter.points(now),
            buffer_s=level,
            buffer_capacity_s=self.player.buffer_s,
            state=state,
            gaps=tuple(self.player.gaps),
            stalls=tuple(self.player.stalls),
            media_time_estimated=self.timeline.estimated,
            message=message,
            resolution_s=self._resolution(),
        )

    def longest_gap_since(self, t: float) -> Gap | None:
        gaps = [g for g in self.player.gaps if g.end >= t]
        return max(gaps, key=lambda g: g.length_s, default=None)

    def stalls_since(self, t: float) -> tuple[Stall, ...]:
        return tuple(s for s in self.player.stalls if s.end is None or s.end >= t)

    def describe_since(self, t: float) -> str:
        """The verdict in words: "longest gap 0.21 s, buffer never below 4.6 s, no stall"."""
        gap = self.longest_gap_since(t)
        low = self.min_buffer_since(t)
        stalls = [s for s in self.stalls_since(t) if s.start >= t]
        return describe_verdict(t, gap, low, stalls, self.clock, self._resolution())

    def _resolution(self) -> float | None:
        return self.detector.floor_s if self.is_connected else None

    def min_buffer_since(self, t: float) -> float | None:
        self._note_level()
        return self._levels.min_since(t)

    # --- derived figures ----------------------------------------------------------------------
    def buffer_level(self) -> float:
        """Seconds of media held: the player's buffer plus the bytes waiting in the kernel."""
        kernel = self.timeline.seconds_of(self.queued_bytes) if self.is_connected else 0.0
        return self.player.level_s() + kernel

    def _note_level(self) -> None:
        self._levels.note(int(self.clock()), self.buffer_level())

    def _emit(self, event: Event) -> None:
        notify(self._listeners, event, log, "stream probe")  # a bug there stops no measurement

    def _status(
        self,
        connected: bool,
        message: str,
        retry_in_s: float | None = None,
        *,
        playing: bool = False,
    ) -> None:
        self.message = message
        self._emit(
            StreamStatusEvent(
                t=self.clock(),
                wall=self.wall(),
                url=self.url,
                connected=connected,
                message=message,
                retry_in_s=retry_in_s,
                playing=playing,
            )
        )

    def _check_media(self) -> None:
        """Say once a connection what its body is: media that plays, or not Ogg media.

        Plays means the player reached PLAYING on the Ogg clock: random bytes "play" on an
        estimate at 128 kbit/s, and headers followed by silence never leave PREBUFFERING;
        neither is media played (issue 10.7).
        """
        if self._media_said:
            return
        timeline = self.timeline
        if timeline.not_ogg:
            self._media_said = True
            self._status(True, not_media_words(timeline))
        elif (
            timeline.ogg.is_ogg
            and timeline.ogg.media_s > 0
            and self.player.state is PlayerState.PLAYING
        ):
            self._media_said = True
            self._status(True, f"playing: {timeline.describe()}", playing=True)

    def _crashed(self, exc: Exception) -> None:
        words = " ".join(f"{type(exc).__name__}: {exc}".split())[:CRASH_WORDS]
        self.failure = f"the stream probe stopped: {words}"
        self.is_connected = False
        self.queued_bytes = 0
        self.message = self.failure
        log.debug("%s", self.failure, exc_info=exc)  # the event says it; no text over the TUI
        self._emit(NoticeEvent(t=self.clock(), wall=self.wall(), text=self.failure, level="error"))

    def _stalled(self, stall: Stall) -> None:
        self._emit(StallEvent(t=self.clock(), wall=self.wall(), stall=stall))

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(TICK_S)
            self.player.update()
            self._note_level()
            self._check_silence()

    def _check_silence(self) -> None:
        if self.is_connected:
            now = self.clock()
            playing = self.player.state is PlayerState.PLAYING
            said = self.watchdog.check(now, playing, self.player.received_s, self.meter.kbps(now))
            if said:
                self._status(True, said)

    # --- ReaderSink ---------------------------------------------------------------------------
    def connected(self, t: float, response: httpx.Response) -> None:
        self.is_connected = True
        self.timeline = MediaTimeline(self.fallback_kbps)
        br = response.headers.get("icy-br", "").split(",")[0].strip()
        if br.isdigit():
            self.timeline.header_kbps = float(br)
        self.detector.reset()
        self.player.start()
        self.problems_reported = 0
        self._media_said = False
        self.watchdog.connected(t, self.player.received_s)
        via = f" (redirected to {response.url})" if response.history else ""
        self._status(True, f"connected: HTTP {response.status_code}{via}")

    def data(self, t: float, chunk: bytes) -> None:
        if said := self.watchdog.data(t):
            self._status(True, said)
        self._note_level()
        before = self.timeline.media_s
        media_s = self.timeline.feed(chunk)
        self.meter.add(t, len(chunk), media_s - before)
        self.player.receive(media_s)
        ogg = self.timeline.ogg
        if ogg.problem_count != self.problems_reported:
            self.problems_reported = ogg.problem_count
            self._status(True, f"stream data: {ogg.problems[-1]}")
        self._check_media()

    def arrival(self, t: float) -> None:
        gap = self.detector.arrival(t)
        if gap is not None:
            self.player.add_gap(gap)
            self._emit(GapEvent(t=self.clock(), wall=self.wall(), gap=gap))

    def starving(self, waited_s: float) -> None:
        self.detector.starving(waited_s)

    def kernel_queued(self, nbytes: int) -> None:
        self.queued_bytes = nbytes

    def disconnected(self, t: float, why: str, retry_in_s: float | None) -> None:
        if self.is_connected and (mid := self.timeline.ogg.end_of_stream()):
            why = f"{why}; {mid}"
        self.is_connected = False
        self.queued_bytes = 0
        self.detector.reset()
        self.player.stop()
        retry = f"; retrying in {retry_in_s:.2g} s" if retry_in_s is not None else ""
        self._status(False, f"{why}{retry}", retry_in_s)

    def room_wait(self) -> float:
        return self.player.wait_s()

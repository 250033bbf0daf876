"""Media time of the bytes received: the Ogg clock where there is one, else a bitrate estimate.

Each piece counts as ``len / rate`` seconds. Page granules jump (a page is ~0.2 s of video, and
muxed pages are not in byte order of time): a player fed those jumps would stop reading for a
page's worth of time and miss any gap shorter than that. So the bytes are spread at a rate.

The rate is each chain link's own (issue 11.1): a radio or playlist stream is one chained Ogg
stream, a link per song, and songs differ in bitrate, sample rate and channels. A rate averaged
over the connection would follow a new song only after tens of seconds, and the buffer would be
wrong by the same factor meanwhile. A link's rate is its bytes over its own granule time between
its first page with a granule and its latest, read on one of its logical streams (the first to
give a time); before it has ``CALIBRATED_AFTER_S`` of that, its headers' nominal bitrate, else
the link before's rate. The spread is also steered to that granule clock: the link's headers
and its first guess are made up at its first granule, later drift over ``STEER_S``, so an early
guess or a bitrate that wanders within a song leaves no lasting error in the buffer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xentui.probe.ogg import Mark, OggClock

DEFAULT_KBPS = 128.0
"""Assumed when nothing better is known: the commonest MP3 rate."""
CALIBRATED_AFTER_S = 0.5
"""Media seconds of a link's own granules before its byte rate replaces its nominal bitrate."""
STEER_S = 2.0
"""A difference between the spread and the link's granule clock is made up over this much media."""
SNAP_S = 0.5
"""A difference larger than this is made up at once: a hold (the bytes add no media until the
granules catch up) or a step forward."""
JUMP_LIMIT_S = 2.0
"""Granules that run this far ahead of the bytes are a discontinuity (a source that skipped):
the link is timed afresh from there rather than the player being handed the skipped time."""
JOIN_SLACK_S = 1.0
"""A link whose first granule is within this of the bytes' time began at its start; a later
one was joined mid-way (Icecast starts a listener within the song)."""
MIN_RATE = 100.0
"""Bytes per media second never taken as less (a corrupt granule must not make every byte hours)."""
NOT_OGG_AFTER = 128 * 1024
"""Bytes without a single valid Ogg page before the stream is taken as not Ogg."""
NOT_MEDIA = "not Ogg media: "
"""How the panel and the runbook start the words for a body that is not Ogg media."""


@dataclass(slots=True)
class _Link:
    """One chain link as the timeline sees it: where it began and what its granules said."""

    number: int
    start_media: float
    """The timeline's media seconds where the link's first page begins."""
    streams: int = 0
    """Its logical streams with a clock, as far as known when the link began."""
    first: Mark | None = None
    """The first time mark: its stream is the clock the spread is steered to."""
    offset_s: float = 0.0
    """Timeline media seconds = ``offset_s`` + the clock stream's granule time."""
    spans: dict[int, tuple[Mark, Mark]] = field(default_factory=dict)
    """Per logical stream: its first and latest time marks."""

    def note(self, mark: Mark) -> None:
        first = self.spans.get(mark.serial, (mark, mark))[0]
        self.spans[mark.serial] = (first, mark)

    def rate(self) -> float | None:
        """Bytes per media second: the sum of its streams' own rates (page bytes over granule
        time, headers left out), once each has ``CALIBRATED_AFTER_S`` of time."""
        if not self.spans or len(self.spans) < self.streams:
            return None
        total = 0.0
        for first, last in self.spans.values():
            span = (last.secs or 0.0) - (first.secs or 0.0)
            if span < CALIBRATED_AFTER_S:
                return None
            total += (last.nbytes - first.nbytes) / span
        return max(MIN_RATE, total)


class MediaTimeline:
    """Bytes in, media seconds out; ``estimated`` is True when no Ogg clock backs the figure."""

    def __init__(self, fallback_kbps: float | None = None) -> None:
        self.ogg = OggClock(keep_marks=True)
        self.nbytes = 0
        self._configured = fallback_kbps
        self.header_kbps: float | None = None
        """A bitrate the server announced (``icy-br``), if any."""
        self._media_s = 0.0
        self._accounted = 0
        """Stream offset up to which bytes have been turned into media seconds."""
        self._link = _Link(0, 0.0)
        self._previous_rate: float | None = None
        self._debt = 0.0
        """Media seconds the spread is behind (+) or ahead of (-) the link's granule clock."""
        self._at_once = False
        """Make up the whole debt with the next bytes (the link's first time, or a large one)."""

    @property
    def fallback_kbps(self) -> float:
        return self._configured or self.header_kbps or DEFAULT_KBPS

    @property
    def estimated(self) -> bool:
        """No Ogg page seen: the media time is bytes over an assumed bitrate."""
        return not self.ogg.is_ogg

    @property
    def not_ogg(self) -> bool:
        return not self.ogg.is_ogg and self.nbytes >= NOT_OGG_AFTER

    @property
    def link(self) -> int:
        """The chain link being received (1 for the first; 0 before any link header)."""
        return self._link.number

    def bytes_per_media_s(self) -> float:
        """The current link's rate: its own granules, else its headers, else the link before."""
        rate = self._link.rate()
        if rate is not None:
            return rate
        ogg = self.ogg
        if ogg.links == self._link.number and ogg.nominal_known:
            return ogg.nominal_bps / 8
        if self._previous_rate is not None:
            return self._previous_rate
        return self.fallback_kbps * 125

    def feed(self, data: bytes) -> float:
        """Account for ``data``; returns media seconds received so far (never decreasing)."""
        self.nbytes += len(data)
        if not self.not_ogg:
            self.ogg.feed(data)
            for mark in self.ogg.marks:  # split the piece where links start and pages end
                self._advance(mark.at)
                self._on_mark(mark)
            self.ogg.marks.clear()
        self._advance(self.nbytes)
        return self._media_s

    def _advance(self, at: int) -> None:
        """Turn the bytes up to offset ``at`` into media seconds, steered by the debt."""
        n = at - self._accounted
        if n <= 0:
            return
        inc = n / self.bytes_per_media_s()
        if self._debt:
            share = 1.0 if self._at_once else min(1.0, inc / STEER_S)
            step = max(self._debt * share, -inc)  # a hold takes at most all of this piece
            inc += step
            self._debt -= step
        self._media_s += inc
        self._accounted = at

    def _on_mark(self, mark: Mark) -> None:
        if mark.secs is None:  # a new link: its own rate from here on
            self._previous_rate = self.bytes_per_media_s()
            known = self.ogg.timed_streams if self.ogg.links == mark.link else 0
            self._link = _Link(mark.link, self._media_s, known)
            self._debt, self._at_once = 0.0, False
            return
        link = self._link
        if self.ogg.links == link.number:  # its BOS pages may have come in later pieces
            link.streams = max(link.streams, self.ogg.timed_streams)
        link.note(mark)
        first = link.first is None
        if link.first is None:
            since = self._media_s - link.start_media
            joined = mark.secs > since + JOIN_SLACK_S
            link.first = mark
            link.offset_s = self._media_s - mark.secs if joined else link.start_media
        elif mark.serial != link.first.serial:
            return  # the spread follows one stream's clock: muxed pages lead by different times
        debt = link.offset_s + mark.secs - self._media_s
        if debt > JUMP_LIMIT_S:  # granules skipped ahead: time the link afresh from here
            link.first, link.offset_s, debt = mark, self._media_s - mark.secs, 0.0
            link.spans.clear()
        self._debt = debt
        self._at_once = first or abs(debt) > SNAP_S

    @property
    def media_s(self) -> float:
        return self._media_s

    def seconds_of(self, nbytes: int) -> float:
        """Media seconds in ``nbytes`` at the stream's current rate."""
        return nbytes / self.bytes_per_media_s()

    def describe(self) -> str:
        if self.ogg.is_ogg:
            codecs = "+".join(self.ogg.codecs) or "unknown codec"
            return f"Ogg ({codecs}), media time from granule positions"
        return f"not Ogg: media time estimated at {self.fallback_kbps:g} kbit/s"


def not_media_words(timeline: MediaTimeline) -> str:
    """A body with no Ogg page, in words: the player's figures are an estimate, not media."""
    return (
        f"{NOT_MEDIA}no Ogg page in the first {timeline.nbytes // 1024} KiB"
        f" (its times are an estimate at {timeline.fallback_kbps:g} kbit/s)"
    )

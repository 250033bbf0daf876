"""Media time of the bytes received: the Ogg clock where there is one, else a bitrate estimate.

Each piece counts as ``len / rate`` seconds, where the rate (bytes per media second) is calibrated
by the Ogg clock over the whole connection. Page granules jump (a page is ~0.2 s of video, and
muxed pages are not in byte order of time): a player fed those jumps would stop reading for a
page's worth of time and miss any gap shorter than that.
"""

from __future__ import annotations

from xentui.probe.ogg import OggClock

DEFAULT_KBPS = 128.0
"""Assumed when nothing better is known: the commonest MP3 rate."""
CALIBRATED_AFTER_S = 0.5
"""Media seconds of Ogg before its own byte rate replaces the headers' nominal bitrate."""
NOT_OGG_AFTER = 128 * 1024
"""Bytes without a single valid Ogg page before the stream is taken as not Ogg."""
NOT_MEDIA = "not Ogg media: "
"""How the panel and the runbook start the words for a body that is not Ogg media."""


class MediaTimeline:
    """Bytes in, media seconds out; ``estimated`` is True when no Ogg clock backs the figure."""

    def __init__(self, fallback_kbps: float | None = None) -> None:
        self.ogg = OggClock()
        self.nbytes = 0
        self._configured = fallback_kbps
        self.header_kbps: float | None = None
        """A bitrate the server announced (``icy-br``), if any."""
        self._media_s = 0.0

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

    def bytes_per_media_s(self) -> float:
        ogg = self.ogg
        if ogg.media_s >= CALIBRATED_AFTER_S and ogg.bytes_at_media > 0:
            return ogg.bytes_at_media / ogg.media_s
        if ogg.is_ogg and ogg.nominal_bps > 0:
            return ogg.nominal_bps / 8
        return self.fallback_kbps * 125

    def feed(self, data: bytes) -> float:
        """Account for ``data``; returns media seconds received so far (never decreasing)."""
        self.nbytes += len(data)
        if not self.not_ogg:
            self.ogg.feed(data)
        self._media_s += len(data) / self.bytes_per_media_s()
        return self._media_s

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

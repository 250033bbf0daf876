"""Media clock: follows Ogg pages as they arrive and turns granule positions into media seconds.

Written by hand rather than with mutagen (not a dependency, and file-oriented: it wants a whole,
seekable file, while a stream arrives in arbitrary pieces that may be cut mid-page, corrupted or
chained). An Ogg page is a 27-byte header, a segment table and a body; only what the clock needs
is read: the CRC (to resync after corruption), the BOS/EOS flags (chains), the granule position
and, from each logical stream's first packet, the Vorbis or Theora identification header.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field
from typing import NamedTuple

_CAPTURE = b"OggS"
_HEADER = struct.Struct("<4sBBqIII B")
_REVERSE = bytes(int(f"{i:08b}"[::-1], 2) for i in range(256))


def ogg_crc(data: bytes) -> int:
    """Ogg's CRC-32 (poly 0x04C11DB7, MSB first, init 0, no final xor), computed in C.

    zlib's CRC-32 is the same polynomial run LSB first; feeding it bit-reversed bytes from an
    internal start of 0 mirrors the whole computation, so reversing its 32-bit result gives Ogg's.
    A Python per-byte loop would cost more than the rest of the probe at 100 Mbit/s.
    """
    return _mirrored_crc(data.translate(_REVERSE))


def _mirrored_crc(mirrored: bytes | bytearray) -> int:
    """Ogg's CRC of data whose bytes were already bit-reversed."""
    crc = ~zlib.crc32(mirrored, 0xFFFFFFFF) & 0xFFFFFFFF
    return int(f"{crc:032b}"[::-1], 2)


@dataclass(slots=True)
class _Logical:
    """One logical stream (one codec) within the current chain link."""

    codec: str = "unknown"
    rate: float = 0.0
    """Granule units per second: samples/s for Vorbis, frames/s for Theora."""
    granule_shift: int = 0
    theora_offset: int = 0
    """1 for Theora before 3.2.1, whose granule counts frames from 0 rather than 1."""
    nominal_bps: int = 0
    last_s: float = 0.0
    ended: bool = False
    nbytes: int = 0

    def seconds(self, granule: int) -> float | None:
        if granule < 0 or self.rate <= 0:
            return None
        if self.codec == "theora":
            frames = (granule >> self.granule_shift) + (granule & ((1 << self.granule_shift) - 1))
            return (frames + self.theora_offset) / self.rate
        return granule / self.rate


class Mark(NamedTuple):
    """``secs`` None: link ``link`` begins at stream offset ``at``. Else stream ``serial``'s
    granule time reached ``secs`` with its page ending at ``at``, its own pages ``nbytes`` long
    so far. The media timeline splits pieces at links and rates each stream on its own pages:
    muxed streams' pages interleave unevenly (mediatime.py)."""

    at: int
    link: int
    secs: float | None
    serial: int = 0
    nbytes: int = 0


@dataclass(slots=True)
class OggClock:
    """Feed it stream bytes in any pieces; it tracks media seconds received and what went wrong.

    ``media_s`` is the media time at the end of the last complete page with a granule position,
    summed over chain links (a server that loops a file starts a new link each time).
    """

    max_problems: int = 20
    media_s: float = 0.0
    bytes_at_media: int = 0
    """Stream offset of the end of the page that set ``media_s``."""
    pages: int = 0
    bad_pages: int = 0
    skipped_bytes: int = 0
    links: int = 0
    problems: list[str] = field(default_factory=list)
    problem_count: int = 0
    keep_marks: bool = False
    """Collect a ``Mark`` per link start and per timed page in ``marks`` (the reader empties it)."""
    marks: list[Mark] = field(default_factory=list)
    _buf: bytearray = field(default_factory=bytearray)
    _offset: int = 0
    """Stream offset of ``_buf[0]``."""
    _pos: int = 0
    """Parse position in ``_buf``: bytes before it are done with."""
    _streams: dict[int, _Logical] = field(default_factory=dict)
    _link_base_s: float = 0.0
    _synced: bool = False
    _in_bos_group: bool = False

    @property
    def is_ogg(self) -> bool:
        return self.pages > 0

    @property
    def codecs(self) -> tuple[str, ...]:
        return tuple(sorted({s.codec for s in self._streams.values()}))

    @property
    def nominal_bps(self) -> int:
        return sum(s.nominal_bps for s in self._streams.values())

    @property
    def nominal_known(self) -> bool:
        """Every logical stream of the current link announced a bitrate in its headers."""
        return bool(self._streams) and all(s.nominal_bps > 0 for s in self._streams.values())

    @property
    def timed_streams(self) -> int:
        """Logical streams of the current link whose granules give a time."""
        return sum(1 for s in self._streams.values() if s.rate > 0)

    @property
    def received(self) -> int:
        return self._offset + len(self._buf)

    @property
    def pending(self) -> int:
        """Bytes held while waiting for the rest of a page (bounded by one page)."""
        return len(self._buf) - self._pos

    def _problem(self, text: str) -> None:
        self.problem_count += 1
        self.problems.append(text)
        del self.problems[: -self.max_problems]

    def feed(self, data: bytes) -> None:
        if self._pos:  # drop what was parsed once per piece, not once per page
            del self._buf[: self._pos]
            self._offset += self._pos
            self._pos = 0
        self._buf += data
        while self._step():
            pass

    def end_of_stream(self) -> str | None:
        """The stream closed: say so if it stopped in the middle of a page."""
        if self.pending and self._synced:
            why = f"the stream ended mid-page ({self.pending} bytes of an unfinished page)"
            self._problem(why)
            return why
        return None

    @property
    def _at(self) -> int:
        """Stream offset of the parse position."""
        return self._offset + self._pos

    def _step(self) -> bool:
        buf, pos = self._buf, self._pos
        have = len(buf) - pos
        at = buf.find(_CAPTURE, pos)
        if at < 0:
            lost = have - min(have, 3)  # a capture pattern may straddle two pieces
            if lost:
                self._lost(lost)
            return False
        if at > pos:
            self._lost(at - pos)
            return True
        if have < 27:
            return False
        _, version, flags, granule, serial, _seq, crc, nseg = _HEADER.unpack_from(buf, pos)
        if version != 0:
            self._bad(f"an Ogg page of unknown version {version} at byte {self._at}")
            return True
        if have < 27 + nseg:
            return False
        lacing = bytes(buf[pos + 27 : pos + 27 + nseg])
        size = 27 + nseg + sum(lacing)
        if have < size:
            return False
        mirrored = buf[pos : pos + size].translate(_REVERSE)
        mirrored[22:26] = b"\0\0\0\0"
        if _mirrored_crc(mirrored) != crc:
            self._bad(f"a page with a wrong checksum at byte {self._at}")
            return True
        body = pos + 27 + nseg
        first = bytes(buf[body : body + lacing[0]]) if flags & 0x02 and lacing else b""
        self._page(size, first, flags, granule, serial)
        self._pos += size
        return True

    def _lost(self, n: int) -> None:
        if self._synced:
            self._problem(f"lost Ogg sync at byte {self._at}: skipping to the next page")
        elif not self.pages and not self.skipped_bytes:
            self._problem(f"not Ogg data at byte {self._at}")
        self._synced = False
        self.skipped_bytes += n
        self._pos += n

    def _bad(self, why: str) -> None:
        self.bad_pages += 1
        self._problem(why)
        self._synced = False
        self.skipped_bytes += 1
        self._pos += 1  # resync: look for the next capture pattern after this one

    def _page(self, size: int, first: bytes, flags: int, granule: int, serial: int) -> None:
        self.pages += 1
        self._synced = True
        end = self._at + size
        if flags & 0x02:  # beginning of stream: a new logical stream, maybe a new chain link
            if not self._in_bos_group:  # BOS pages come first in a link; one after data starts one
                self._link_base_s = self.media_s
                self._streams.clear()
                self.links += 1
                self._in_bos_group = True
                if self.keep_marks:
                    self.marks.append(Mark(self._at, self.links, None))
            self._streams[serial] = _identify(first)
        else:
            self._in_bos_group = False
        stream = self._streams.get(serial)
        if stream is None:  # joined mid-stream or lost the BOS page: note once
            stream = self._streams[serial] = _Logical()
            self._problem(f"an Ogg stream (serial {serial}) without its header page")
        stream.nbytes += size
        secs = stream.seconds(granule)
        if secs is not None and secs >= stream.last_s:
            if secs > stream.last_s and self.keep_marks:
                self.marks.append(Mark(end, self.links, secs, serial, stream.nbytes))
            stream.last_s = secs
            media = self._link_base_s + secs
            if media > self.media_s:
                self.media_s, self.bytes_at_media = media, end
        if flags & 0x04:
            stream.ended = True


def _identify(packet: bytes) -> _Logical:
    """Read a first packet: Vorbis or Theora identification header, else an unknown codec."""
    if packet[:7] == b"\x01vorbis" and len(packet) >= 30:
        rate = struct.unpack_from("<I", packet, 12)[0]
        nominal = struct.unpack_from("<i", packet, 20)[0]
        return _Logical("vorbis", float(rate), nominal_bps=max(nominal, 0))
    if packet[:7] == b"\x80theora" and len(packet) >= 42:
        vmaj, vmin, vrev = packet[7], packet[8], packet[9]
        num, den = struct.unpack_from(">II", packet, 22)
        bitrate = int.from_bytes(packet[37:40], "big")
        shift = ((packet[40] & 0x03) << 3) | (packet[41] >> 5)
        old = (vmaj, vmin, vrev) < (3, 2, 1)
        rate = num / den if den else 0.0
        return _Logical("theora", rate, shift, int(old), bitrate)
    if packet[:8] == b"OpusHead":
        return _Logical("opus", 48000.0)
    return _Logical()

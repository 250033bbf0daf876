"""The lab guest's media: shipped Ogg clips, served as an endless chained Ogg stream.

A demo must never run out of media, yet the shipped clips are a few seconds long. Replaying the
bytes as they are would repeat serial numbers inside one physical stream, which Ogg forbids, so
each loop iteration becomes a new link of a chained stream: every logical stream gets a fresh
serial number and every page its recomputed CRC.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
KINDS = {"video": "TruthHappens.ogg", "audio": "TruthHappens-audio.ogg"}
"""Theora + Vorbis test pattern (~390 kbit/s) and Vorbis only (64 kbit/s); see make_media.sh."""

HEADER_LEN = 27
_SERIAL = struct.Struct("<I")
_REVERSE_BITS = bytes(int(f"{i:08b}"[::-1], 2) for i in range(256))


class MediaError(ValueError):
    """The media is not a well-formed Ogg stream (one line saying what and where)."""


def media_path(kind: str = "video") -> Path:
    """The shipped clip of this kind: ``video`` (Theora + Vorbis) or ``audio`` (Vorbis)."""
    try:
        name = KINDS[kind]
    except KeyError:
        raise MediaError(f"unknown media kind {kind!r}: expected one of {sorted(KINDS)}") from None
    return DATA_DIR / name


def ogg_crc(data: bytes | bytearray | memoryview) -> int:
    """Ogg's page CRC: CRC-32, polynomial 0x04C11DB7, MSB first, init 0, no final xor.

    zlib's CRC-32 is the bit-reflected twin of this one, so reflecting the input bytes and the
    result gives Ogg's CRC at C speed. The seeds cancel zlib's pre- and post-inversion.
    """
    reflected = zlib.crc32(bytes(data).translate(_REVERSE_BITS), 0xFFFFFFFF) ^ 0xFFFFFFFF
    return int(f"{reflected:032b}"[::-1], 2)


def split_pages(data: bytes) -> list[tuple[int, int]]:
    """(offset, length) of every page; raises MediaError on anything that is not a valid page."""
    pages: list[tuple[int, int]] = []
    pos = 0
    while pos < len(data):
        if data[pos : pos + 4] != b"OggS" or len(data) - pos < HEADER_LEN:
            raise MediaError(f"no Ogg page at byte {pos}")
        nseg = data[pos + 26]
        table = data[pos + HEADER_LEN : pos + HEADER_LEN + nseg]
        length = HEADER_LEN + nseg + sum(table)
        if len(table) < nseg or pos + length > len(data):
            raise MediaError(f"Ogg page at byte {pos} runs past the end of the data")
        page = bytearray(data[pos : pos + length])
        stored = _SERIAL.unpack_from(page, 22)[0]
        page[22:26] = b"\0\0\0\0"
        if ogg_crc(page) != stored:
            raise MediaError(f"Ogg page at byte {pos} has a bad CRC")
        pages.append((pos, length))
        pos += length
    if not pages:
        raise MediaError("the media is empty")
    return pages


class ChainedLoop:
    """The clip repeated forever; link ``n`` is the clip with serials renumbered for that pass."""

    def __init__(self, media: bytes) -> None:
        self._media = media
        self._pages = split_pages(media)
        order: list[int] = []
        for off, _ in self._pages:
            serial = _SERIAL.unpack_from(media, off + 14)[0]
            if serial not in order:
                order.append(serial)
        self._index = {serial: i for i, serial in enumerate(order)}
        self._first = order[0]
        self._cached: tuple[int, bytes] | None = None

    @property
    def link_size(self) -> int:
        return len(self._media)

    @property
    def streams_per_link(self) -> int:
        return len(self._index)

    def serial(self, link: int, original: int) -> int:
        """The serial number the logical stream ``original`` carries in link ``link``."""
        return (self._first + link * len(self._index) + self._index[original]) & 0xFFFFFFFF

    def link(self, n: int) -> bytes:
        """The bytes of loop pass ``n`` (cached: a reader asks for one link many times)."""
        if self._cached is not None and self._cached[0] == n:
            return self._cached[1]
        out = bytearray(self._media)
        for off, length in self._pages:
            original = _SERIAL.unpack_from(out, off + 14)[0]
            _SERIAL.pack_into(out, off + 14, self.serial(n, original))
            out[off + 22 : off + 26] = b"\0\0\0\0"
            _SERIAL.pack_into(out, off + 22, ogg_crc(memoryview(out)[off : off + length]))
        data = bytes(out)
        self._cached = (n, data)
        return data

    def chunks(self, start: int = 0, size: int = 2048) -> Iterator[bytes]:
        """The endless stream from byte ``start`` on, in pieces of ``size`` bytes."""
        n, pos = divmod(start, self.link_size)
        while True:
            data = self.link(n)
            while pos < len(data):
                yield data[pos : pos + size]
                pos += size
            n, pos = n + 1, 0

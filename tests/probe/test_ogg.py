"""The Ogg media clock on the shipped clips, on damaged input, and under hypothesis."""

from __future__ import annotations

import itertools
import struct
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xentui.probe.mediatime import NOT_OGG_AFTER, MediaTimeline
from xentui.probe.ogg import OggClock, ogg_crc

DATA = Path(__file__).resolve().parents[2] / "xentui" / "data"
VIDEO = DATA / "TruthHappens.ogg"
AUDIO = DATA / "TruthHappens-audio.ogg"


def _crc_slow(data: bytes) -> int:
    """The spec's bitwise CRC (poly 0x04C11DB7, MSB first), to check the fast one against."""
    crc = 0
    for byte in data:
        crc ^= byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) if crc & 0x80000000 else crc << 1
            crc &= 0xFFFFFFFF
    return crc


@given(st.binary(max_size=300))
def test_fast_crc_matches_the_spec(data: bytes) -> None:
    assert ogg_crc(data) == _crc_slow(data)


def _pages(data: bytes) -> list[bytes]:
    out, pos = [], 0
    while pos < len(data):
        nseg = data[pos + 26]
        size = 27 + nseg + sum(data[pos + 27 : pos + 27 + nseg])
        out.append(data[pos : pos + size])
        pos += size
    return out


def test_video_clip_headers_and_duration() -> None:
    clock = OggClock()
    data = VIDEO.read_bytes()
    for i in range(0, len(data), 1000):  # pieces cut anywhere, as a socket delivers them
        clock.feed(data[i : i + 1000])
    assert clock.codecs == ("theora", "vorbis")
    assert clock.bad_pages == 0 and clock.problems == []
    assert 5.0 < clock.media_s < 60.0
    assert clock.pending == 0
    assert clock.nominal_bps > 64000


def test_audio_clip_chained_twice_adds_up() -> None:
    data = AUDIO.read_bytes()
    once = OggClock()
    once.feed(data)
    twice = OggClock()
    twice.feed(data)
    twice.feed(data)  # a server looping the file starts a new chain link
    assert once.codecs == ("vorbis",)
    assert once.nominal_bps == 64000
    assert twice.links == 2
    assert twice.media_s == pytest.approx(2 * once.media_s)


def _small_stream() -> bytes:
    return (AUDIO if AUDIO.exists() else VIDEO).read_bytes()


def test_wrong_checksum_is_reported_and_the_clock_resyncs() -> None:
    pages = _pages(_small_stream())
    broken = bytearray(pages[5])
    broken[-1] ^= 0xFF
    clock = OggClock()
    clock.feed(b"".join(pages[:5]) + bytes(broken) + b"".join(pages[6:]))
    assert clock.bad_pages == 1
    assert any("wrong checksum" in p for p in clock.problems)
    assert clock.pages == len(pages) - 1  # every other page still counted


def test_truncated_page_then_good_pages() -> None:
    pages = _pages(_small_stream())
    clock = OggClock()
    clock.feed(b"".join(pages[:4]) + pages[4][:40] + b"".join(pages[5:]))
    assert clock.pages >= len(pages) - 2
    assert clock.problems  # said in words
    good = OggClock()
    good.feed(b"".join(pages))
    assert clock.media_s == pytest.approx(good.media_s)


def test_stream_that_ends_mid_page() -> None:
    pages = _pages(_small_stream())
    clock = OggClock()
    clock.feed(b"".join(pages[:6]) + pages[6][:100])
    why = clock.end_of_stream()
    assert why is not None and "mid-page" in why


def test_not_ogg_falls_back_to_an_estimate() -> None:
    timeline = MediaTimeline(fallback_kbps=128)
    media = 0.0
    blob = bytes(range(256)) * 64
    for _ in range(NOT_OGG_AFTER // len(blob) + 4):
        media = timeline.feed(blob)
    assert timeline.estimated and timeline.not_ogg
    assert media == pytest.approx(timeline.nbytes / 16000)
    assert "estimated" in timeline.describe()
    assert timeline.ogg.problems[0].startswith("not Ogg data")
    assert timeline.ogg.pending <= 3  # non-Ogg bytes are not kept


def test_unknown_version_page() -> None:
    page = b"OggS" + struct.pack("<BBqIIIB", 1, 2, 0, 1, 0, 0, 0)
    clock = OggClock()
    clock.feed(page)
    assert any("unknown version" in p for p in clock.problems)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.binary(max_size=400), max_size=20))
def test_fuzz_random_bytes_never_crash(pieces: list[bytes]) -> None:
    clock = OggClock()
    for piece in pieces:
        clock.feed(piece)
    assert clock.pending <= 27 + 255 + 255 * 255 + 400
    assert len(clock.problems) <= clock.max_problems
    clock.end_of_stream()


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 10**9), st.integers(0, 255)), max_size=8),
    st.lists(st.integers(7, 5000), min_size=1, max_size=30),
)
def test_fuzz_corrupted_clip_keeps_time_monotonic(
    flips: list[tuple[int, int]], cuts: list[int]
) -> None:
    data = bytearray(AUDIO.read_bytes()[:30000])
    for pos, value in flips:
        data[pos % len(data)] = value
    timeline = MediaTimeline()
    last, pos = 0.0, 0
    for cut in itertools.cycle(cuts):
        media = timeline.feed(bytes(data[pos : pos + cut]))
        assert media >= last
        last, pos = media, pos + cut
        if pos >= len(data):
            break
    assert timeline.ogg.pages + timeline.ogg.bad_pages > 0


def test_fallback_bitrate_order_configured_then_header_then_default() -> None:
    timeline = MediaTimeline()
    assert timeline.fallback_kbps == 128.0
    timeline.header_kbps = 96.0  # icy-br
    assert timeline.fallback_kbps == 96.0
    assert MediaTimeline(fallback_kbps=64.0).fallback_kbps == 64.0
    assert timeline.feed(b"\xff\xfb" * 6000) == pytest.approx(12000 / 12000)

"""The shipped clips and the chained loop, checked with the tests' own Ogg walker."""

from __future__ import annotations

import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.lab.oggwalk import crc, links, walk
from xentui.lab.streaming.media import ChainedLoop, MediaError, media_path, ogg_crc, split_pages


@given(st.binary(max_size=300))
def test_fast_crc_is_oggs_crc(data: bytes) -> None:
    assert ogg_crc(data) == crc(data)


@pytest.mark.parametrize("kind", ["video", "audio"])
def test_shipped_clips_are_valid_ogg(kind: str) -> None:
    data = media_path(kind).read_bytes()
    pages = walk(data)
    assert all(p.crc_ok for p in pages)
    assert sum(len(link) for link in links(pages)) == len(pages)
    assert pages[0].offset == 0 and sum(1 for _ in split_pages(data)) == len(pages)


def test_clips_are_small_with_the_bitrates_of_real_media() -> None:
    video, audio = media_path("video"), media_path("audio")
    assert video.stat().st_size + audio.stat().st_size < 1_500_000
    assert video.read_bytes().find(b"\x80theora") > 0 and b"\x01vorbis" in video.read_bytes()
    # Vorbis granules count samples at 44.1 kHz: the audio clip's bitrate is ~64 kbit/s.
    pages = walk(audio.read_bytes())
    seconds = max(p.granule for p in pages) / 44100
    assert 5 <= seconds <= 20.5
    assert audio.stat().st_size * 8 / seconds / 1000 == pytest.approx(64, rel=0.15)
    vpages = walk(video.read_bytes())
    vorbis_serial = vpages[1].serial if vpages[0].serial != vpages[1].serial else None
    assert vorbis_serial is not None
    vsec = max(p.granule for p in vpages if p.serial == vorbis_serial) / 44100
    assert 200 < video.stat().st_size * 8 / vsec / 1000 < 900


def test_each_link_renumbers_serials_and_keeps_the_payload() -> None:
    data = media_path("video").read_bytes()
    loop = ChainedLoop(data)
    a, b = loop.link(0), loop.link(5)
    assert a == data  # the clip's own serials are consecutive, so link 0 is the file
    assert len(b) == len(data)
    pa, pb = walk(a), walk(b)
    assert [p.offset for p in pa] == [p.offset for p in pb]
    assert all(p.crc_ok for p in pb)
    assert {p.serial for p in pa}.isdisjoint({p.serial for p in pb})
    for x, y in zip(pa, pb, strict=True):  # only the serial and CRC fields differ
        end = x.offset + 27
        assert a[x.offset : x.offset + 14] == b[y.offset : y.offset + 14]
        assert a[x.offset + 18 : x.offset + 22] == b[y.offset + 18 : y.offset + 22]
        assert a[x.offset + 26 : end] == b[y.offset + 26 : end]


def test_chunks_start_anywhere_and_cross_link_boundaries() -> None:
    data = media_path("audio").read_bytes()
    loop = ChainedLoop(data)
    whole = loop.link(0) + loop.link(1) + loop.link(2)
    start = len(data) - 5000
    got = b""
    for piece in loop.chunks(start, 2048):
        got += piece
        if len(got) > len(data) + 10_000:
            break
    assert got == whole[start : start + len(got)]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the media is empty"),
        (b"RIFF" + bytes(100), "no Ogg page at byte 0"),
        (media_path("audio").read_bytes()[:5000], "runs past the end"),
    ],
)
def test_bad_media_is_one_clear_line(data: bytes, message: str) -> None:
    with pytest.raises(MediaError, match=message) as err:
        ChainedLoop(data)
    assert "\n" not in str(err.value)


def test_bad_crc_is_reported_where() -> None:
    data = bytearray(media_path("audio").read_bytes())
    second = walk(bytes(data))[1].offset
    data[second + 40] ^= 0xFF
    with pytest.raises(MediaError, match=f"page at byte {second} has a bad CRC"):
        split_pages(bytes(data))


def test_unknown_kind_names_the_choices() -> None:
    with pytest.raises(MediaError, match=r"unknown media kind 'mp3'.*\['audio', 'video'\]"):
        media_path("mp3")


def test_make_media_script_is_kept_and_executable() -> None:
    script = media_path().parent.parent.parent / "scripts" / "make_media.sh"
    assert os.access(script, os.X_OK)
    text = script.read_text()
    assert "libtheora" in text and "libvorbis" in text and "-serial_offset" in text

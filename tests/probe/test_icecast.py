"""The same reader against a server that paces itself: a real Icecast2 fed by ffmpeg -re."""

from __future__ import annotations

import asyncio

import pytest

from xentui.model import PlayerState
from xentui.probe.monitor import StreamProbe

from .icecast import Icecast
from .servers import AUDIO


@pytest.fixture
def icecast():
    server = Icecast(AUDIO)
    yield server
    server.close()


async def test_icecast_stream_plays_without_false_gaps(icecast: Icecast) -> None:
    probe = StreamProbe(icecast.url, buffer_s=1.0, reader_options={"backoff_s": (0.1, 0.5)})
    said: list[str] = []
    probe.add_listener(lambda e: said.append(getattr(e, "message", "")))
    probe.start()
    try:
        loop = asyncio.get_running_loop()
        end = loop.time() + 12
        while probe.summary().state is not PlayerState.PLAYING:
            assert loop.time() < end, f"never played: {said}; {icecast.errors()}"
            await asyncio.sleep(0.1)
        await asyncio.sleep(4.0)
        summary = probe.summary()
        assert summary.state is PlayerState.PLAYING, summary.message
        assert not summary.media_time_estimated
        # paced by the server at the media's own rate (64 kbit/s); over 4 s, since Icecast sends
        # a page every ~0.5-0.8 s and 2 s may hold two pages or four
        kbps = probe.meter.kbps(probe.clock(), over_s=4)
        assert 40 < kbps < 120, summary.points[-6:]
        assert probe.timeline.ogg.bad_pages == 0
        # Icecast delivers in page-sized bursts: the reader waits for each one, which must not
        # count as a gap. The one false gap once allowed here was the first page after the
        # connect burst, judged by the burst's sub-ms rhythm; the detector now learns for 1 s
        # (WARM_S) and wants twice the rhythm when the server paces itself (SELF_PACED_FACTOR).
        assert list(summary.gaps) == [], summary.gaps
    finally:
        await probe.close()

"""The probe against the lab guest's gnump3d-like server: a halt is a gap, a pause is a stall."""

from __future__ import annotations

import asyncio

import pytest

from xentui.model import Event, GapEvent, PlayerState, StallEvent
from xentui.probe.monitor import StreamProbe

stream = pytest.importorskip("xentui.lab.stream")
media = pytest.importorskip("xentui.lab.media")


async def _until(pred, timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not pred():
        assert loop.time() < end, "timed out"
        await asyncio.sleep(0.02)


async def test_halt_is_a_gap_and_a_pause_is_a_stall() -> None:
    if not media.media_path("video").exists():
        pytest.skip("the lab's clips are not built yet")
    server = stream.StreamServer("127.0.0.1", 0, media.media_path("video"))
    await server.start()
    probe = StreamProbe(server.url, buffer_s=1.0)
    events: list[Event] = []
    probe.add_listener(events.append)
    probe.start()
    try:
        await _until(lambda: probe.summary().state is PlayerState.PLAYING)
        await asyncio.sleep(1.5)  # learn the stream's rhythm
        mark = probe.clock()
        server.halt("migration")
        await asyncio.sleep(0.3)
        server.resume("migration")
        await _until(lambda: any(isinstance(e, GapEvent) and e.gap.end > mark for e in events))
        rec = server.halts[-1]
        gap = probe.longest_gap_since(mark)
        assert gap is not None and rec.t_wire_quiet is not None and rec.t_resume is not None
        assert gap.length_s == pytest.approx(rec.t_resume - rec.t_wire_quiet, abs=0.01)
        assert gap.resolution_s < 0.1
        low = probe.min_buffer_since(mark)
        assert low is not None and 0.5 < low < 1.0  # the buffer covered the gap
        verdict = probe.describe_since(mark)
        assert verdict.startswith(f"longest gap {gap.length_s:.2f} s") and "no stall" in verdict

        await asyncio.sleep(0.5)
        mark = probe.clock()
        server.halt("paused")
        await _until(lambda: any(isinstance(e, StallEvent) for e in events), timeout=4)
        rec = server.halts[-1]
        stall = probe.player.stalls[-1]
        assert stall.start - rec.t_halt == pytest.approx(1.0, abs=0.1)  # the stall is the buffer
        assert probe.summary().state is PlayerState.STALLED
        server.resume("unpaused")
        await _until(lambda: probe.summary().state is PlayerState.PLAYING)
        assert probe.player.stalls[-1].end is not None
        assert "stalled 1.0 s in" in probe.describe_since(mark)
    finally:
        await probe.close()
        await server.close()

"""The probe against the lab guest's gnump3d-like server: a halt is a gap, a pause is a stall."""

from __future__ import annotations

import asyncio

import pytest

from xentui.lab.streaming import media, stream
from xentui.model import Event, GapEvent, PlayerState, StallEvent, duration
from xentui.probe.backend import SockStream
from xentui.probe.monitor import StreamProbe

from .servers import until


def _polling() -> bool:
    """Whether the 1 kHz TCP_INFO poll runs (it wakes the event loop a thousand times a second)."""
    return any(t.get_name() == "probe-tcp-info" for t in asyncio.all_tasks())


@pytest.mark.parametrize(
    ("ask_stamps", "kernel_stamps"),
    [(True, True), (False, True), (True, False)],
    ids=["read-timestamps", "tcp-info-poll", "kernel-gives-no-timestamps"],
)
async def test_halt_is_a_gap_and_a_pause_is_a_stall(
    ask_stamps: bool, kernel_stamps: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not kernel_stamps:  # a kernel that takes SO_TIMESTAMPNS but reports no time: the poll
        monkeypatch.setattr(SockStream, "_arrival", lambda self, anc: None)
    stamped = ask_stamps and kernel_stamps
    server = stream.StreamServer("127.0.0.1", 0, media.media_path("video"))
    await server.start()
    probe = StreamProbe(server.url, buffer_s=1.0, reader_options={"timestamps": ask_stamps})
    events: list[Event] = []
    probe.add_listener(events.append)
    probe.start()
    try:
        await until(lambda: probe.summary().state is PlayerState.PLAYING)
        if stamped:  # Linux: each read says when its data arrived
            assert not _polling()
        else:  # asked for none, or none came for a while: the poll
            await until(_polling)
        await asyncio.sleep(1.5)  # learn the stream's rhythm
        mark = probe.clock()
        server.halt("migration")
        await asyncio.sleep(0.3)
        server.resume("migration")
        await until(lambda: any(isinstance(e, GapEvent) and e.gap.end > mark for e in events))
        rec = server.halts[-1]
        gap = probe.longest_gap_since(mark)
        assert gap is not None and rec.t_wire_quiet is not None and rec.t_resume is not None
        # The gap spans the wire's silence: it ends with the first byte after the resume and
        # starts with the last before the queue ran dry. Only the server's own 1 ms watch of
        # its queue, and a loaded loop, make it look longer (precision: probe_accuracy.py).
        assert gap.start <= rec.t_wire_quiet + 0.002 and gap.end >= rec.t_resume - 0.002
        assert gap.length_s == pytest.approx(rec.t_resume - rec.t_wire_quiet, abs=0.05)
        assert gap.resolution_s < 0.1
        low = probe.min_buffer_since(mark)
        assert low is not None and 0 < low < 1.0 - 0.2  # the buffer drained by the gap, no more
        verdict = probe.describe_since(mark)
        said = f"stream gap {duration(gap.length_s)}"  # the panel's words (issue 14.5)
        assert verdict.startswith(said) and "no stall" in verdict

        await asyncio.sleep(0.5)
        mark = probe.clock()
        server.halt("paused")
        await until(lambda: any(isinstance(e, StallEvent) for e in events))
        rec = server.halts[-1]
        stall = probe.player.stalls[-1]
        # the stall is the buffer (1 s) plus the few ms the kernel still held, less whatever
        # the reader was behind when the halt came
        assert 0.8 < stall.start - rec.t_halt < 1.15
        assert probe.summary().state is PlayerState.STALLED
        server.resume("unpaused")
        await until(lambda: probe.summary().state is PlayerState.PLAYING)
        assert probe.player.stalls[-1].end is not None
        assert f"stalled {stall.start - mark:.1f} s in, for " in probe.describe_since(mark)
    finally:
        await probe.close()
        await server.close()


async def test_at_64_kbits_no_gap_is_said_with_what_could_be_missed() -> None:
    """At 64 kbit/s data comes only every ~150 ms: "no gap" would claim more than was seen."""
    server = stream.StreamServer("127.0.0.1", 0, media.media_path("audio"))
    await server.start()
    probe = StreamProbe(server.url, buffer_s=0.5)
    probe.start()
    try:
        mark = probe.clock()
        assert probe.describe_since(mark).startswith("no stream gap seen")  # nothing known yet
        await until(lambda: probe.summary().resolution_s is not None)
        floor = probe.summary().resolution_s
        assert floor is not None and floor > 0.05  # 512 B reads of 8 kB/s: >= 64 ms apart
        verdict = probe.describe_since(mark)
        assert verdict.startswith(f"no stream gap over {floor * 1000:.0f} ms"), verdict
        assert not probe.player.gaps
    finally:
        await probe.close()
        await server.close()

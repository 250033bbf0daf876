"""Issue 11.2: the event log names every significant gap once, by `xentui probe`'s rule.

The app runs with a real probe on the lab's 64 kbit/s stream (a rhythm of 150-260 ms), and the
lab server halts: first so that the gap is over 0.1 s and the rhythm but within twice it (a gap
the probe times, which the log said before, though `xentui probe` does not count it), then for
1 s, a significant gap, said once.
"""

from __future__ import annotations

import asyncio

from tests.tui.records import config
from tests.tui.waits import until
from xentui.lab.streaming.media import media_path
from xentui.lab.streaming.stream import StreamServer
from xentui.model import Gap, PlayerState, duration
from xentui.probe.gaps import SIGNIFICANT_S, significant
from xentui.probe.monitor import StreamProbe
from xentui.tui.app import XentuiApp
from xentui.tui.session import live


async def _halt(server: StreamServer, probe: StreamProbe, seconds: float) -> Gap | None:
    """Halt the lab's server for ``seconds``; the gap the probe timed, if any."""
    seen = len(probe.player.gaps)
    server.halt("test")
    await asyncio.sleep(seconds)
    server.resume("test")
    await asyncio.sleep(1.0)
    return probe.player.gaps[-1] if len(probe.player.gaps) > seen else None


async def test_the_log_names_each_significant_gap_once() -> None:
    server = StreamServer("127.0.0.1", 0, media_path("audio"))
    await server.start()
    try:
        probe = StreamProbe(server.url, buffer_s=2.0)
        app = XentuiApp(config(), probe=probe)
        async with live(None, probe), app.run_test(size=(160, 48)) as pilot:
            await until(pilot, lambda: probe.player.state is PlayerState.PLAYING, why="playing")
            await until(pilot, lambda: probe.detector.floor_s is not None, why="the rhythm")
            await pilot.pause(1.0)
            small = None
            floor = probe.detector.floor_s or 0.0
            halt_s = 1.5 * floor + 0.12  # the server's queue drains for 70-170 ms first
            for _ in range(5):  # the wire gap is what the halt leaves after the drain
                gap = await _halt(server, probe, halt_s)
                if gap is not None and not significant(gap) and gap.length_s >= SIGNIFICANT_S:
                    small = gap
                    break
                halt_s += -0.08 if gap is not None and significant(gap) else 0.08
            assert small is not None, (floor, list(probe.player.gaps))
            large = await _halt(server, probe, 1.0)
            lines = [s.text for s in app.main.query_one("#log").lines]
            gaps = list(probe.player.gaps)
    finally:
        await server.close()
    assert large is not None and significant(large), large
    said = [line.partition("  ")[2] for line in lines if "stream gap" in line]
    assert said == [f"stream gap {duration(g.length_s)}" for g in gaps if significant(g)]
    assert len(said) < len(gaps)  # the small one, over 0.1 s and the rhythm, is not news

"""Issue 10.11: a crashed probe is one error line in the app, never a panel of stale figures.

The probe reads a real HTTP stream; a bug in its own code that the stream's bytes reach (here
a parser error raised once the data passes a mark, as a malformed page would) ends it. The
session used to await it under ``suppress(Exception)``: the panel froze on its last figures,
PLAYING, with no word anywhere.
"""

from __future__ import annotations

import struct

from textual.widgets import Static

from tests.probe.servers import BadServer
from tests.tui.records import config
from tests.tui.waits import until
from xentui.model import PlayerState
from xentui.probe.monitor import StreamProbe
from xentui.tui.app import XentuiApp
from xentui.tui.session import live
from xentui.tui.widgets.event_log import EventLog
from xentui.tui.widgets.line import Line

CRASH = "unpack requires a buffer of 27 bytes"


class BrittleProbe(StreamProbe):
    """The real probe with a bug the stream's data reaches once it passes ``crash_at`` bytes."""

    crash_at: int | None = None

    def data(self, t: float, chunk: bytes) -> None:
        super().data(t, chunk)
        if self.crash_at is not None and self.meter.total >= self.crash_at:
            raise struct.error(CRASH)


def log_lines(app: XentuiApp) -> list[str]:
    """One entry per logged event, however the log wraps it on screen."""
    return [line.plain for line in app.main.query_one(EventLog)._kept]


def shown(app: XentuiApp, widget: str) -> str:
    return app.main.query_one(f"#{widget}", Line).text.plain.strip()


async def test_a_crashed_probe_is_one_error_line_and_no_live_figures() -> None:
    async with BadServer("good") as server:
        probe = BrittleProbe(server.url, buffer_s=2.0)
        app = XentuiApp(config(), probe=probe, tick_s=0.1)
        async with live(None, probe), app.run_test(size=(160, 48)) as pilot:
            await until(pilot, lambda: probe.player.state is PlayerState.PLAYING, why="playing")
            await until(pilot, lambda: shown(app, "player-state") == "PLAYING")
            probe.crash_at = probe.meter.total + 10_000  # the stream's next bytes hit the bug
            said = f"the stream probe stopped: error: {CRASH}"
            await until(
                pilot, lambda: any(said in line for line in log_lines(app)), why="the crash logged"
            )
            await until(pilot, lambda: shown(app, "stream-message") == said, why="the panel")
            assert [line for line in log_lines(app) if "probe stopped" in line] == [
                next(line for line in log_lines(app) if said in line)
            ], log_lines(app)
            assert shown(app, "player-state") == "STOPPED"
            figures = str(app.main.query_one("#buffer-figures", Static).content)
            assert figures.strip().startswith("0.0 s of 2.0 s"), figures

"""Issue 10.7: the runbook's "open the stream" ticks on media played, nothing less.

A body of random bytes showed PLAYING at 128 kbit/s with the step ticked, and headers followed by
silence ticked "open the stream: playing" while the panel said PREBUFFERING. Each case runs the
app with a real probe on a real HTTP server on loopback (``tests/probe/servers.py``): the step
stays to do and its words say why, the panel says a body is not media; a real Ogg stream ticks.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from textual.pilot import Pilot

from tests.probe.servers import BadServer
from tests.tui.records import config
from tests.tui.waits import until
from xentui.model import PlayerState
from xentui.probe.monitor import StreamProbe
from xentui.setup.runbook import STREAM, ItemState, RunbookItem
from xentui.tui.app import XentuiApp
from xentui.tui.runbook import RunbookView
from xentui.tui.session import live
from xentui.tui.widgets.line import Line


def step(app: XentuiApp) -> RunbookItem:
    return app.main.query_one(RunbookView).runbook.items[STREAM]


def panel_words(app: XentuiApp) -> str:
    return app.main.query_one("#stream-message", Line).text.plain


def player_state(app: XentuiApp) -> str:
    return app.main.query_one("#player-state", Line).text.plain.strip()


@contextlib.asynccontextmanager
async def app_on(mode: str) -> AsyncIterator[tuple[XentuiApp, Pilot, StreamProbe]]:
    """The app with no hosts' engine and a real probe reading ``mode``'s server."""
    async with BadServer(mode) as server:
        probe = StreamProbe(server.url, buffer_s=5.0)  # the lab file's default buffer
        app = XentuiApp(config(), probe=probe)
        async with live(None, probe), app.run_test(size=(200, 50)) as pilot:
            yield app, pilot, probe


async def test_random_bytes_are_not_media_and_do_not_tick() -> None:
    async with app_on("random") as (app, pilot, probe):
        # the estimate at 128 kbit/s fills the 5 s buffer (80 kB) before 128 KiB say "not Ogg"
        await until(pilot, lambda: probe.player.state is PlayerState.PLAYING, why="estimate")
        await until(pilot, lambda: "not Ogg media" in step(app).detail, why="the words")
        assert step(app).state is ItemState.TODO, step(app)
        assert step(app).detail.startswith("not Ogg media: no Ogg page in the first 128 KiB")
        await until(pilot, lambda: "not Ogg media" in panel_words(app), why="the panel's words")
        assert "estimate at 128 kbit/s" in panel_words(app)
        await pilot.pause(1.5)  # more random bytes change nothing
        assert step(app).state is ItemState.TODO


async def test_headers_then_silence_do_not_tick() -> None:
    async with app_on("headers_only") as (app, pilot, _probe):
        await until(pilot, lambda: "silent" in step(app).detail, why="the watchdog's words")
        assert step(app).state is ItemState.TODO
        assert step(app).detail == "connected, but no data yet for 2 s: the server is silent"
        assert player_state(app) == "PREBUFFERING"


async def test_a_real_ogg_stream_ticks_once_it_plays() -> None:
    async with app_on("good") as (app, pilot, probe):
        await until(pilot, lambda: step(app).state is ItemState.DONE, why="the step ticked")
        assert step(app).detail == "playing"
        assert probe.player.state is PlayerState.PLAYING and not probe.timeline.estimated
        assert panel_words(app) == ""

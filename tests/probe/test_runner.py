"""Issue 11.3: the probe on its own loop in a thread keeps its times while the app's loop is busy.

The lab's StreamServer runs on a loop of its own in a thread (the lab runs beside the app, never
on its loop), the probe in a `ProbeThread`, and the test's loop plays the app: it blocks itself
for 300 ms with a deliberate long callback, once where the player runs dry and once where it
refills after the halt. In the app's loop the refill would be seen only after the block.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from tests.probe.servers import BadServer, until
from xentui.lab.streaming.media import media_path
from xentui.lab.streaming.stream import StreamServer
from xentui.model import Event, PlayerState, StreamStatusEvent
from xentui.probe.monitor import StreamProbe
from xentui.probe.runner import ProbeThread
from xentui.probe.summary import ProbeSummary
from xentui.tasks import cancel_and_wait

BUFFER_S = 1.0
STEP = 512
BLOCK_S = 0.3
SLACK_S = 0.002
"""Beyond one read step (512 B: ~10 ms of the lab's video), probe_accuracy's stall target."""
REFILL_WITHIN_S = 0.15
"""The refill after a resume takes tens of ms on loopback: far under the 300 ms block."""


class ServerThread:
    """A StreamServer on a loop in a thread of its own; ``call`` runs a function on it."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.server = StreamServer("127.0.0.1", 0, media_path("video"))
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def call(self, fn: Callable[..., Any], *args: Any) -> Any:
        done: concurrent.futures.Future[Any] = concurrent.futures.Future()
        self.loop.call_soon_threadsafe(lambda: done.set_result(fn(*args)))
        return done.result(timeout=5)


@asynccontextmanager
async def server_thread() -> AsyncIterator[ServerThread]:
    hold = ServerThread()
    hold.thread.start()
    started = asyncio.run_coroutine_threadsafe(hold.server.start(), hold.loop)
    await asyncio.wrap_future(started)
    try:
        yield hold
    finally:
        closing = asyncio.run_coroutine_threadsafe(hold.server.close(), hold.loop)
        await asyncio.wrap_future(closing)
        hold.loop.call_soon_threadsafe(hold.loop.stop)
        await asyncio.to_thread(hold.thread.join, 5)
        hold.loop.close()


async def test_a_busy_app_loop_does_not_move_the_stall() -> None:
    async with server_thread() as lab:
        probe = StreamProbe(lab.server.url, buffer_s=BUFFER_S, reader_options={"step": STEP})
        runner = ProbeThread(probe)
        task = asyncio.create_task(runner.run())
        try:
            await until(lambda: runner.summary().state is PlayerState.PLAYING, 15)
            await asyncio.sleep(2.0)  # a history of arrivals
            levels: list[tuple[float, float]] = []

            async def sample() -> None:  # on the probe's own loop: what it held, each ms
                while True:
                    levels.append((time.monotonic(), probe.buffer_level()))
                    await asyncio.sleep(0.001)

            assert runner.loop is not None
            sampler = asyncio.run_coroutine_threadsafe(sample(), runner.loop)
            loop = asyncio.get_running_loop()
            lab.call(lab.server.halt, "test")
            await asyncio.sleep(BUFFER_S - 0.15)
            loop.call_soon(time.sleep, BLOCK_S)  # the app's loop busy as the buffer runs dry
            await asyncio.sleep(BLOCK_S + 0.35)
            lab.call(lab.server.resume, "test")
            loop.call_soon(time.sleep, BLOCK_S)  # and busy again as the buffer refills
            await asyncio.sleep(BLOCK_S + 0.5)
            sampler.cancel()
            record = lab.call(lambda: lab.server.halts[-1])
            step_s = runner.ask(probe.timeline.seconds_of, STEP)
        finally:
            await cancel_and_wait([task])

    assert record.t_wire_quiet is not None and record.t_resume is not None
    stalls = runner.stalls_since(record.t_halt)
    assert len(stalls) == 1, stalls
    stall = stalls[0]
    held = min(levels, key=lambda tl: abs(tl[0] - record.t_wire_quiet))[1]
    # the truth: the wire went quiet with ``held`` seconds buffered, played out in real time
    assert abs(stall.start - (record.t_wire_quiet + held)) <= step_s + SLACK_S, (
        stall,
        record,
        held,
    )
    assert stall.end is not None and stall.end - record.t_resume <= REFILL_WITHIN_S, (
        stall,
        record,
    )


async def test_events_reach_the_callers_loop_in_order_and_close_ends_the_thread() -> None:
    async with BadServer("good") as server:
        before = set(threading.enumerate())
        runner = ProbeThread(StreamProbe(server.url, buffer_s=1.0))
        assert set(threading.enumerate()) == before  # built, not started: no thread yet
        heard: list[tuple[Event, threading.Thread]] = []
        runner.add_listener(lambda e: heard.append((e, threading.current_thread())))
        task = asyncio.create_task(runner.run())
        await until(lambda: any(getattr(e, "playing", False) for e, _ in heard), 15)
        assert {thread for _, thread in heard} == {threading.current_thread()}
        words = [e.message for e, _ in heard if isinstance(e, StreamStatusEvent)]
        assert words[0].startswith("connected: HTTP 200") and words[-1].startswith("playing: ")
        summary = runner.summary()
        assert isinstance(summary, ProbeSummary) and summary.state is PlayerState.PLAYING
        assert runner.loop is not None
        assert "stream-probe" in {t.name for t in set(threading.enumerate()) - before}
        await runner.close()
        assert task.done() and runner.loop is None
        assert set(threading.enumerate()) == before  # its thread and its executor's are gone
        assert runner.summary().resolution_s is None  # disconnected: answered directly now

"""Issue 10.11: stopping a task never eats a cancel aimed at whoever stops it.

``task.cancel()`` then ``with suppress(CancelledError): await task`` swallowed the stopper's own
cancel: a caller asked to stop while it waited carried on as if nobody had asked. Each place
that stops tasks is driven here while one of its tasks takes a moment to stop (its clean-up),
and the stopper is cancelled meanwhile: the stopper must end cancelled.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from tests.remote.sshd import free_port
from tests.tui.records import config
from xentui.control.engine import Engine
from xentui.control.tracker import MigrationTracker
from xentui.probe.arrivals import KernelArrivals
from xentui.probe.monitor import StreamProbe
from xentui.tasks import cancel_and_wait
from xentui.tui.session import live

CLEAN_UP_S = 0.3


class SlowToStop:
    """A task that, asked to stop, cleans up for a moment first (``asked`` is set then)."""

    def __init__(self) -> None:
        self.asked = asyncio.Event()

    async def body(self) -> None:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            self.asked.set()
            await asyncio.sleep(CLEAN_UP_S)
            raise

    def task(self) -> asyncio.Task[None]:
        return asyncio.create_task(self.body(), name="slow to stop")


async def stopper_ends_cancelled(stop: Callable[[], Awaitable[Any]], slow: SlowToStop) -> None:
    """Run ``stop()`` in a task, cancel that task while it waits for ``slow``: it ends so."""
    stopper = asyncio.create_task(stop(), name="stopper")
    async with asyncio.timeout(10):
        await slow.asked.wait()
    stopper.cancel()
    await asyncio.wait([stopper], timeout=10)
    assert stopper.done(), "the stopper never ended"
    assert stopper.cancelled(), f"the stopper's cancel was swallowed: {stopper!r}"


async def test_the_lab_closing(lab) -> None:
    slow = SlowToStop()
    lab.spawn(slow.body(), "slow to stop")
    await asyncio.sleep(0)
    await stopper_ends_cancelled(lab.close, slow)
    assert lab._tmp is None or not lab.workdir  # its files went even so


async def test_a_lab_ssh_server_closing(lab) -> None:
    slow = SlowToStop()
    endpoint = lab.endpoints["xen_host_1"]
    endpoint._tasks.add(slow.task())
    await asyncio.sleep(0)
    await stopper_ends_cancelled(endpoint.close, slow)


async def test_the_probe_kernel_timing_stopping() -> None:
    slow = SlowToStop()
    arrivals = KernelArrivals(sink=None, clock=time.monotonic, poll_s=0.001)  # type: ignore[arg-type]
    arrivals.tasks.append(slow.task())
    await asyncio.sleep(0)
    await stopper_ends_cancelled(arrivals.stop, slow)


async def test_the_probe_closing_a_run_in_a_task_of_the_callers() -> None:
    """``close()`` stops a ``run()`` awaited in the caller's own task (its documented use)."""
    probe = StreamProbe(f"http://127.0.0.1:{free_port()}/x.ogg")  # refused: it retries
    slow = SlowToStop()

    async def mine() -> None:
        try:
            await probe.run()
        except asyncio.CancelledError:
            slow.asked.set()
            await asyncio.sleep(CLEAN_UP_S)
            raise

    owner = asyncio.create_task(mine())
    await asyncio.sleep(0.05)
    await stopper_ends_cancelled(probe.close, slow)
    await cancel_and_wait([owner])


class SlowProbe(StreamProbe):
    """The real probe, run by the app's session, whose caller cleans up slowly."""

    slow = SlowToStop()

    async def run(self) -> None:
        try:
            await super().run()
        except asyncio.CancelledError:
            self.slow.asked.set()
            await asyncio.sleep(CLEAN_UP_S)
            raise


async def test_the_app_session_stopping_its_probe_and_engine() -> None:
    """The app quit and the session stops its sources; a cancel then (Ctrl-C) is not lost."""
    probe = SlowProbe(f"http://127.0.0.1:{free_port()}/x.ogg")  # refused: it retries
    probe.slow = SlowToStop()
    engine = Engine(config())

    async def session() -> None:
        async with live(engine, probe):
            await asyncio.sleep(0.05)  # the app runs, then quits

    await stopper_ends_cancelled(session, probe.slow)
    assert not engine._started, "the engine was left running"


async def test_the_engine_stopping_a_job_watch() -> None:
    engine = Engine(config())
    slow = SlowToStop()
    watch = slow.task()
    tracker = MigrationTracker("g", "xen_host_1", "xen_host_2", live=True, t=0.0)
    tracker.figures_pending = True
    await asyncio.sleep(0)
    await stopper_ends_cancelled(lambda: engine.final_figures(tracker, "xen_host_1", watch), slow)
    assert not tracker.figures_pending  # nobody waits for figures that will never come

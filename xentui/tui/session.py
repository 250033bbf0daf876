"""Live sources around the app: build the engine and probe for a lab file, start them, stop them."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from xentui.config import LabConfig
from xentui.control.engine import Engine
from xentui.probe.monitor import StreamProbe
from xentui.probe.runner import ProbeThread
from xentui.record.recorder import Recorder
from xentui.record.tap import RecordingProbe
from xentui.tasks import cancel_and_wait
from xentui.tui.app import XentuiApp
from xentui.tui.sources import EngineLike, ProbeLike


def build_live_app(
    config: LabConfig, *, trust_new_host_keys: bool = False, recorder: Recorder | None = None
) -> XentuiApp:
    """The app wired to a real engine (SSH to the hosts) and a real probe (HTTP to the guest);
    with a recorder, both are recorded and the app sees the probe through it (issue 15).

    The probe runs on a loop of its own in a thread (issue 11.3: its times are not late when
    the screen paints); the thread starts with the sources in `live`, so after any ``setns``.
    """
    engine = Engine(config, trust_new_host_keys=trust_new_host_keys)
    probe = ProbeThread(StreamProbe(config.guest.stream_url, buffer_s=config.probe.buffer_s))
    if recorder is None:
        return XentuiApp(config, engine=engine, probe=probe)
    engine.add_listener(recorder.on_event)
    probe.add_listener(recorder.on_event)
    return XentuiApp(config, engine=engine, probe=RecordingProbe(probe, recorder))


@contextlib.asynccontextmanager
async def live(engine: EngineLike | None, probe: ProbeLike | None) -> AsyncIterator[None]:
    """Engine polling and probe reading for the duration; both stopped however it ends."""
    task: asyncio.Task[None] | None = None
    if engine is not None:
        await engine.start()
    if probe is not None:
        task = asyncio.create_task(probe.run(), name="stream probe")
    try:
        yield
    finally:
        # a cancel aimed at the caller goes on to it, once both are stopped
        try:
            if task is not None:  # a crash was said by the probe itself, when it happened
                await cancel_and_wait([task])
        finally:
            try:
                if probe is not None:
                    await probe.close()
            finally:
                if engine is not None:
                    await engine.stop()


async def run_live(app: XentuiApp) -> None:
    """Run the app in this loop with its sources live around it."""
    async with live(app.engine, app.probe):
        await app.run_async()

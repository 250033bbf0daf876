"""Stopping the engine mid-action ends everything it started: no task outlives stop()."""

from __future__ import annotations

import asyncio

from xentui.model import MigrationEvent
from xentui.model import MigrationPhase as P


def engine_tasks() -> list[asyncio.Task[object]]:
    names = ("poll ", "follow migration")
    return [t for t in asyncio.all_tasks() if not t.done() and t.get_name().startswith(names)]


async def test_stop_mid_migration_leaves_no_task_behind(lab, engine_factory) -> None:
    engine, rec = await engine_factory(lab.config)
    task = asyncio.create_task(engine.migrate("xen_host_2"))
    await rec.wait_for(lambda e: isinstance(e, MigrationEvent) and e.phase is P.STARTED)
    await engine.stop()
    async with asyncio.timeout(10):
        event = await task
    assert event.ok is False and event.message
    assert engine_tasks() == [] and not engine.background

"""The engine under loss: the source host vanishes mid-migration, backoff, and a broken listener."""

from __future__ import annotations

import asyncio

from tests.control.conftest import connection
from xentui.model import (
    ActionEvent,
    ActionKind,
    ConnectionEvent,
    ConnectionState,
    MigrationEvent,
    MigrationPhase,
    SnapshotEvent,
)


async def test_source_vanishes_mid_migration_and_returns(lab, engine_factory) -> None:
    engine, rec = await engine_factory(lab.config, interval=0.2, backoff_cap_s=0.4)
    task = asyncio.create_task(engine.migrate("xen_host_2"))
    await rec.wait_for(
        lambda e: isinstance(e, MigrationEvent) and e.phase is MigrationPhase.STARTED
    )
    await asyncio.sleep(0.1)
    await lab.stop_host("xen_host_1")
    event = await task
    await asyncio.sleep(0.5)
    await lab.start_host("xen_host_1")
    record = await engine.wait_migration(30)
    assert record is not None and record.finished, record
    finals = [e for e in rec.of(ActionEvent) if e.kind is ActionKind.MIGRATE and e.ok is not None]
    assert finals == [event]  # one answer for one request
    assert [e.phase for e in rec.of(MigrationEvent)].count(record.outcome) == 1
    await engine.refresh(timeout=5)
    # the timeline's last word on where the guest is agrees with the hosts
    assert record.guest_now_on == lab.where_is_guest() == engine.guest_host()
    assert engine.why_not(ActionKind.PAUSE) is None or "paused" in engine.why_not(ActionKind.PAUSE)


async def test_reconnect_backoff_grows_and_is_capped(lab, engine_factory) -> None:
    _, rec = await engine_factory(lab.config, interval=0.1, backoff_cap_s=0.4)
    await lab.stop_host("xen_host_2")

    def downs() -> list[ConnectionEvent]:
        return [
            e
            for e in rec.of(ConnectionEvent)
            if e.host == "xen_host_2" and e.state is ConnectionState.UNREACHABLE
        ]

    await rec.wait_until(lambda: len(downs()) >= 5, timeout=20)
    retries = [e.retry_in_s for e in downs()]
    assert retries[:3] == [0.1, 0.2, 0.4] and max(retries) == 0.4
    last = downs()[-1]
    await lab.start_host("xen_host_2")
    await rec.wait_for(connection("xen_host_2", ConnectionState.CONNECTED, after=last.t))


async def test_a_listener_that_raises_does_not_stop_the_others(lab, engine_factory) -> None:
    engine, rec = await engine_factory(lab.config, interval=0.2)

    def broken(event) -> None:
        raise RuntimeError("listener bug")

    engine.add_listener(broken)
    n = len(rec.of(SnapshotEvent))
    await rec.wait_until(lambda: len(rec.of(SnapshotEvent)) >= n + 4)
    assert (await engine.pause()).ok

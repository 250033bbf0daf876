"""The engine against the lab's real SSH hosts: lists, actions, migrations, hosts that go away."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from tests.control.conftest import connection, polls_when
from xentui.model import (
    ActionEvent,
    ActionKind,
    ConnectionEvent,
    ConnectionState,
    DomainState,
    MigrationEvent,
    MigrationPhase,
    SnapshotEvent,
)

P = MigrationPhase


async def test_first_lists_connections_and_where_the_guest_is(lab, engine_factory) -> None:
    engine, rec = await engine_factory(lab.config)
    assert set(engine.snapshots) == {"xen_host_1", "xen_host_2"}
    assert all(engine.reachable(h) for h in lab.host_names)
    assert engine.guest_host() == "xen_host_1" == lab.where_is_guest()
    states = [e.state for e in rec.of(ConnectionEvent) if e.host == "xen_host_1"]
    assert states[:2] == [ConnectionState.CONNECTING, ConnectionState.CONNECTED]
    snap = engine.snapshots["xen_host_1"]
    assert 0 < snap.latency_s < 10 and snap.find("virt_server") is not None
    assert rec.of(SnapshotEvent)


MATRIX = [("xm", "3.0.2"), ("xm", "3.0.3"), ("xm", "3.1.0"), ("xm", "4.0.0"), ("xl", "3.0.3")]


@pytest.mark.parametrize(("toolstack", "version"), MATRIX)
async def test_pause_unpause_and_a_second_request_is_refused_not_queued(
    lab_factory, engine_factory, toolstack, version
) -> None:
    lab = await lab_factory(toolstack=toolstack, xm_version=version)
    engine, rec = await engine_factory(lab.config)
    first, second = await asyncio.gather(engine.pause(), engine.pause())
    assert first.ok, first.message
    assert second.ok is False and "still running" in second.message and second.result is None
    sent = [e for e in rec.of(ActionEvent) if e.kind is ActionKind.PAUSE and e.ok is None]
    assert len(sent) == 1  # requested once, sent once
    assert engine.snapshots["xen_host_1"].find("virt_server").state is DomainState.PAUSED
    assert engine.why_not(ActionKind.PAUSE) == "virt_server is already paused on xen_host_1"
    again = await engine.unpause()
    assert again.ok and again.result is not None and again.result.ok
    assert engine.snapshots["xen_host_1"].find("virt_server").state is not DomainState.PAUSED


@pytest.mark.parametrize(("toolstack", "version"), MATRIX)
async def test_live_migration_timeline(lab_factory, engine_factory, toolstack, version) -> None:
    lab = await lab_factory(toolstack=toolstack, xm_version=version)
    engine, rec = await engine_factory(lab.config)
    task = asyncio.create_task(engine.migrate("xen_host_2"))
    await rec.wait_for(lambda e: isinstance(e, MigrationEvent) and e.phase is P.STARTED)
    refused = await engine.pause()
    assert refused.ok is False and "migrate of virt_server is still running" in refused.message
    done = await task
    assert done.ok, done.message
    record = await engine.wait_migration(20)
    assert record is not None and record.outcome is P.COMPLETED, record
    phases = [p for p, _ in record.milestones]
    assert phases[0] is P.REQUESTED and phases[1] is P.STARTED and phases[-1] is P.COMPLETED
    times = [t for _, t in record.milestones]
    assert times == sorted(times)
    assert P.SEEN_ON_TARGET in phases
    assert engine.guest_host() == "xen_host_2" == lab.where_is_guest()
    emitted = [e.phase for e in rec.of(MigrationEvent)]
    assert emitted == phases  # each milestone exactly once, in order
    assert engine.why_not(ActionKind.MIGRATE, "xen_host_1") is None  # free again


async def test_failed_migration_carries_the_tools_words_and_where_the_guest_is(
    lab, engine_factory
) -> None:
    hosts = tuple(
        dataclasses.replace(h, migrate_address="no-such-host") if h.name == "xen_host_2" else h
        for h in lab.config.hosts
    )
    engine, _ = await engine_factory(dataclasses.replace(lab.config, hosts=hosts))
    event = await engine.migrate("xen_host_2")
    assert event.ok is False and event.result is not None
    assert "Name or service not known" in event.message
    record = engine.migration
    assert record is not None and record.outcome is P.FAILED
    assert record.guest_now_on == "xen_host_1" and "Name or service not known" in record.message


async def test_refusals_name_the_reason(lab, engine_factory) -> None:
    engine, _ = await engine_factory(lab.config)
    assert (
        engine.why_not(ActionKind.MIGRATE, "xen_host_1") == "virt_server is already on xen_host_1"
    )
    assert "no host named" in engine.why_not(ActionKind.MIGRATE, "elsewhere")
    assert engine.why_not(ActionKind.UNPAUSE) == "virt_server is not paused on xen_host_1"
    refused = await engine.migrate("elsewhere")
    assert refused.ok is False and refused.message.startswith("refused: no host named")


async def test_a_host_that_goes_away_is_marked_and_comes_back(lab, engine_factory) -> None:
    engine, rec = await engine_factory(lab.config, interval=0.2, backoff_cap_s=0.4)

    def is_down(e) -> bool:
        return (
            isinstance(e, ConnectionEvent)
            and e.host == "xen_host_2"
            and e.state is ConnectionState.UNREACHABLE
        )

    counts = polls_when(engine, "xen_host_2", is_down)
    before = engine.pollers["xen_host_2"].polls_started
    await lab.stop_host("xen_host_2")
    down = await rec.wait_for(is_down)
    # within two intervals, counted in polls: the one in flight or the next one says it
    assert counts[0] - before <= 2 and down.reason

    def host_1_lists() -> int:
        return len([e for e in rec.of(SnapshotEvent) if e.snapshot.host == "xen_host_1"])

    n = host_1_lists()
    await rec.wait_until(lambda: host_1_lists() >= n + 2)  # the other host kept updating
    assert not engine.reachable("xen_host_2") and "unreachable" in engine.why_not(
        ActionKind.MIGRATE, "xen_host_2"
    )
    await lab.start_host("xen_host_2")
    await rec.wait_for(connection("xen_host_2", ConnectionState.CONNECTED, after=down.t))
    assert engine.reachable("xen_host_2")


async def test_xm_gets_a_forecast_from_the_previous_migrations_link_rate(
    lab, engine_factory
) -> None:
    """xm reports no progress: the second migration is forecast from the guest's memory (its
    list's Mem) over what the first one moved per second, and the forecast stays beside it."""
    engine, _ = await engine_factory(lab.config)
    first = await engine.migrate("xen_host_2")
    assert first.ok, first.message
    one = await engine.wait_migration(20)
    assert one is not None and one.outcome is P.COMPLETED and one.forecast_s is None
    assert one.progress is None and one.hypervisor is None  # xm has no domjobinfo
    memory = engine.guest_memory("xen_host_2")
    assert memory and one.duration_s
    assert engine.link_bps == pytest.approx(memory / one.duration_s)
    async with asyncio.timeout(10):  # the guest is free once the follow-up lets go of it
        while engine.why_not(ActionKind.MIGRATE, "xen_host_1"):
            await asyncio.sleep(0.05)
    back = await engine.migrate("xen_host_1")
    assert back.ok, back.message
    two = await engine.wait_migration(20)
    assert two is not None and two.outcome is P.COMPLETED
    assert two.forecast_s == pytest.approx(one.duration_s)  # same memory, same link

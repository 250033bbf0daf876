"""Issue 10.4: a lab killed or stopped mid-migration, as `xentui demo` runs it (a child).

The app used to say "migrate failed", keep the panel counting and refuse p / m as "still
running" for the whole migrate timeout (600 s). Now: every host of the migration unreachable
means lost, at once; the guest is free; the next lists say where it is, as a correction.
"""

from __future__ import annotations

import asyncio
import signal
import time

from tests.control.labchild import lab_child
from xentui.control.timeline import correction, timeline_lines
from xentui.model import ActionKind, Event, MigrationEvent, MigrationPhase
from xentui.tui.format import event_line

P = MigrationPhase
GUEST = "virt_server"


def milestone(phase: MigrationPhase, after: float = float("-inf")):
    return lambda e: isinstance(e, MigrationEvent) and e.phase is phase and e.t > after


def outcome_after(t: float):
    outcomes = (P.COMPLETED, P.FAILED)
    return lambda e: isinstance(e, MigrationEvent) and e.phase in outcomes and e.t > t


def said(event: Event) -> str:
    line = event_line(event)
    assert line is not None
    return line.plain.split("  ", 1)[1]  # without the clock


async def test_a_lab_killed_mid_migration_is_lost_at_once(tmp_path, engine_factory) -> None:
    async with lab_child(tmp_path) as (child, config):
        engine, rec = await engine_factory(config, interval=0.25)
        assert engine.guest_host() == "xen_host_1"
        migrating = asyncio.create_task(engine.migrate("xen_host_2"))
        await rec.wait_for(milestone(P.RENAMED_ON_SOURCE), timeout=20)
        killed = time.monotonic()
        child.kill()

        lost = await rec.wait_for(milestone(P.LOST), timeout=20)
        assert lost.t - killed < 10, "lost only after the hosts' own timeouts"
        event = await asyncio.wait_for(migrating, 10)
        assert event.ok is False
        # the guest is free: p and m say why they cannot run, never "still running"
        for kind in (ActionKind.PAUSE, ActionKind.MIGRATE):
            why = engine.why_not(kind)
            assert why is not None and "still running" not in why, why
        record = await engine.wait_migration(5)
        assert record is not None and record.outcome is P.LOST
        assert record.message.startswith("every host of the migration is unreachable (xen_host_1")
        assert timeline_lines(record)[-1].startswith("LOST: every host of the migration")
        assert said(lost).startswith("migration LOST: every host of the migration is unreachable")
        # the command's own end: its dropped channel, or LOST when the lists went first
        assert said(event).startswith("migrate virt_server on xen_host_1 → xen_host_2: ")


async def test_a_lab_stopped_mid_migration_tells_one_story(tmp_path, engine_factory) -> None:
    """SIGSTOP, then SIGCONT: lost at once, then the hosts' lists correct it explicitly."""
    # a faster link (the lab's flag: time only, not logic): ~5 s to migrate, not ~11 s; the
    # stop still comes seconds before the end, as the rename is seen within a poll of 0.25 s
    async with lab_child(tmp_path, link_mbit=200) as (child, config):
        engine, rec = await engine_factory(config, interval=0.25)
        migrating = asyncio.create_task(engine.migrate("xen_host_2"))
        await rec.wait_for(milestone(P.RENAMED_ON_SOURCE), timeout=20)
        child.send_signal(signal.SIGSTOP)

        lost = await rec.wait_for(milestone(P.LOST), timeout=20)
        # the command's answer is not waited for (or its channel dropped with the connection):
        # the guest is free while the lab is frozen
        event = await asyncio.wait_for(migrating, 10)
        assert event.ok is False
        why = engine.why_not(ActionKind.PAUSE)
        assert why is not None and "still running" not in why, why

        child.send_signal(signal.SIGCONT)
        final = await rec.wait_for(outcome_after(lost.t), timeout=60)
        assert final.phase is P.COMPLETED, final.record
        assert correction(final.record) == (
            "migration of virt_server: reported lost, but xen_host_2 now runs it: "
            "completed after all"
        )
        assert said(final).startswith(correction(final.record) + " (")
        phases = [e.phase for e in rec.of(MigrationEvent)]
        assert phases.count(P.COMPLETED) == 1 and phases.index(P.LOST) < phases.index(P.COMPLETED)
        assert engine.guest_host() == "xen_host_2" == final.record.guest_now_on
        assert engine.why_not(ActionKind.PAUSE) is None  # and the guest can be paused there

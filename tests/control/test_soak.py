"""A soak (slow): migrations back and forth, pauses between, every action answered exactly once."""

from __future__ import annotations

import asyncio

import pytest

from xentui.model import ActionEvent, MigrationPhase

ROUNDS = 10


@pytest.mark.slow
async def test_back_and_forth(lab, engine_factory) -> None:
    engine, rec = await engine_factory(lab.config, interval=0.3)
    requested = 0
    for i in range(ROUNDS):
        target = "xen_host_2" if i % 2 == 0 else "xen_host_1"
        for action in (engine.pause, engine.unpause):
            requested += 1
            assert (await action()).ok
        requested += 1
        # a burst of duplicate requests while one runs: exactly one is sent
        events = await asyncio.gather(*(engine.migrate(target) for _ in range(3)))
        assert sum(1 for e in events if e.ok) == 1
        record = await engine.wait_migration(30)
        assert record is not None and record.outcome is MigrationPhase.COMPLETED, record
        assert lab.where_is_guest() == target == engine.guest_host()
    answered = [e for e in rec.of(ActionEvent) if e.ok is not None and e.result is not None]
    assert len(answered) == requested

"""Can the migrate key run at all: ``why_not(MIGRATE, None)`` asks about every other host."""

from __future__ import annotations

import asyncio
import dataclasses

from xentui.model import ActionKind, ConnectionEvent, ConnectionState, MigrationEvent
from xentui.model import MigrationPhase as P

M = ActionKind.MIGRATE


def down(host: str):
    return lambda e: (
        isinstance(e, ConnectionEvent) and e.host == host and e.state is ConnectionState.UNREACHABLE
    )


async def test_any_target_until_every_other_host_is_down(lab_factory, engine_factory) -> None:
    lab = await lab_factory(hosts=3)
    engine, rec = await engine_factory(lab.config, interval=0.2, backoff_cap_s=0.4)
    assert engine.why_not(M, None) is None
    assert engine.why_not(M) is None  # the default target is None too
    await lab.stop_host("xen_host_2")
    await rec.wait_for(down("xen_host_2"))
    assert engine.why_not(M, None) is None  # xen_host_3 can still take it
    assert engine.why_not(M, "xen_host_2") == "xen_host_2 is unreachable"
    await lab.stop_host("xen_host_3")
    await rec.wait_for(down("xen_host_3"))
    assert engine.why_not(M, None) == "every other host is unreachable (xen_host_2, xen_host_3)"


async def test_the_only_other_host_down_is_named(lab, engine_factory) -> None:
    engine, rec = await engine_factory(lab.config, interval=0.2, backoff_cap_s=0.4)
    await lab.stop_host("xen_host_2")
    await rec.wait_for(down("xen_host_2"))
    assert engine.why_not(M, None) == "xen_host_2 is unreachable"


async def test_a_lab_of_one_host_has_nowhere_to_go(lab, engine_factory) -> None:
    one = dataclasses.replace(lab.config, hosts=lab.config.hosts[:1])
    engine, _ = await engine_factory(one)
    assert engine.why_not(M, None) == "there is no host but xen_host_1 in the lab file"


async def test_guest_not_found_is_said(lab, engine_factory) -> None:
    guest = dataclasses.replace(lab.config.guest, name="nobody")
    engine, _ = await engine_factory(dataclasses.replace(lab.config, guest=guest))
    assert engine.why_not(M, None) == "nobody is not running on any reachable host"


async def test_a_running_migration_is_said(lab, engine_factory) -> None:
    engine, rec = await engine_factory(lab.config)
    task = asyncio.create_task(engine.migrate("xen_host_2"))
    await rec.wait_for(lambda e: isinstance(e, MigrationEvent) and e.phase is P.STARTED)
    reason = engine.why_not(M, None)
    assert reason is not None and reason.startswith("a migrate of virt_server is still running")
    assert (await task).ok


async def test_xm_and_xl_hosts_are_never_offered_to_each_other(lab_factory, engine_factory) -> None:
    """The key says why before the tool fails: xend's port 8002 vs xl's ssh rune."""
    lab = await lab_factory(toolstack=("xm", "xl"))
    engine, _ = await engine_factory(lab.config)
    said = "xen_host_1 runs xm and xen_host_2 runs xl: they cannot migrate to each other"
    assert engine.why_not(M, None) == said
    assert engine.why_not(M, "xen_host_2") == said
    refused = await engine.migrate("xen_host_2")
    assert not refused.ok and said in refused.message
    assert lab.where_is_guest() == "xen_host_1"


async def test_a_host_of_the_same_toolstack_is_still_a_target(lab_factory, engine_factory) -> None:
    lab = await lab_factory(toolstack=("xm", "xl", "xm"), hosts=3)
    engine, _ = await engine_factory(lab.config)
    assert engine.why_not(M, None) is None
    assert engine.why_not(M, "xen_host_3") is None
    assert engine.why_not(M, "xen_host_2") is not None

"""End to end through a real OpenSSH sshd: its `xm` forwards to a lab host, the engine drives it."""

from __future__ import annotations

import dataclasses

from xentui.model import DomainState, MigrationPhase


def through_sshd(lab, sshd):
    """xen_host_1 is reached through the real sshd, whose `xm` runs on the lab's xen_host_1."""
    lab_host = lab.config.host("xen_host_1")
    sshd.forward_tool("xm", lab_host)
    real = dataclasses.replace(sshd.host_config("xen_host_1"), migrate_address="xen_host_1")
    hosts = tuple(real if h.name == "xen_host_1" else h for h in lab.config.hosts)
    return dataclasses.replace(lab.config, hosts=hosts)


async def test_pause_unpause_migrate_through_openssh(lab, sshd, engine_factory) -> None:
    engine, _ = await engine_factory(through_sshd(lab, sshd))
    assert engine.reachable("xen_host_1"), engine.errors
    assert engine.guest_host() == "xen_host_1"
    paused = await engine.pause()
    assert paused.ok, paused.message
    assert engine.snapshots["xen_host_1"].find("virt_server").state is DomainState.PAUSED
    assert lab.host("xen_host_1").find("virt_server").paused
    resumed = await engine.unpause()
    assert resumed.ok, resumed.message
    moved = await engine.migrate("xen_host_2")
    assert moved.ok, moved.message
    assert moved.result is not None and moved.result.argv == (
        "xm",
        "migrate",
        "-l",
        "virt_server",
        "xen_host_2",
    )
    record = await engine.wait_migration(20)
    assert record is not None and record.outcome is MigrationPhase.COMPLETED, record
    assert lab.where_is_guest() == "xen_host_2" == engine.guest_host()

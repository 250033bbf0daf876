"""The seed's words on a real VM: `xentui lab --vm --toolstack xm` (and xl) in a child, the engine
and the probe here, inside its namespace, as in test_real_migration.py.

QEMU's own figures of a migration (downtime, total time) reach the test through the lab-only
``xentui-lab-qmp query-migrate`` on the source host's SSH: a real xm reports none of them to the
engine, and the engine is not given them here either.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass

import asyncssh
import pytest

from tests.lab.vm.conftest import Labs
from tests.lab.vm.test_real_migration import watching
from xentui.config import HostConfig, LabConfig, load_config
from xentui.control.engine import Engine
from xentui.lab.vm import netns
from xentui.lab.vm.child import VmLabChild
from xentui.lab.vm.netns import BRIDGE, GUEST_IP
from xentui.lab.vm.wiretruth import WireCapture
from xentui.model import MigrationPhase

pytestmark = pytest.mark.timeout(300)


@dataclass
class QmpLab:
    config: LabConfig

    def host(self, name: str) -> HostConfig:
        return next(h for h in self.config.hosts if h.name == name)

    async def run(self, name: str, command: str) -> asyncssh.SSHCompletedProcess:
        ssh = self.host(name).ssh
        assert ssh.identity_file is not None and ssh.known_hosts is not None
        async with asyncssh.connect(
            "127.0.0.1",
            port=ssh.port,
            username="root",
            client_keys=[str(ssh.identity_file)],
            known_hosts=str(ssh.known_hosts),
        ) as conn:
            return await conn.run(command, check=False)

    async def qmp(self, name: str, what: str) -> dict | None:
        done = await self.run(name, f"xentui-lab-qmp {what}")
        return json.loads(str(done.stdout)) if done.exit_status == 0 else None

    async def where(self) -> dict[str, str]:
        """Each host whose QEMU holds the guest, with its QMP run state (the truth below xm)."""
        found = {}
        for host in self.config.hosts:
            status = await self.qmp(host.name, "query-status")
            listed = str((await self.run(host.name, f"{host.toolstack} list")).stdout)
            assert (status is not None) == (self.config.guest.name in listed), listed
            if status is not None:
                assert status["name"] == self.config.guest.name, status
                found[host.name] = status["status"]
        return found


def _joined(child: VmLabChild) -> Iterator[QmpLab]:
    with netns.joined(child.netns):
        yield QmpLab(load_config(child.config_path))


@pytest.fixture(scope="module")
def xm_lab(vm_labs: Labs) -> Iterator[QmpLab]:
    """The xm lab of the package's three (conftest.vm_labs, which asserts it gone at the end)."""
    yield from _joined(vm_labs.children["xm"])


async def test_xm_migrate_l_moves_the_real_guest_and_the_probe_sees_qemus_downtime(
    xm_lab: QmpLab,
) -> None:
    assert await xm_lab.where() == {"xen_host_1": "running"}
    assert "migrating-" not in str((await xm_lab.run("xen_host_2", "xm list")).stdout)
    async with watching(xm_lab) as (engine, probe):  # type: ignore[arg-type]
        with WireCapture(BRIDGE, (GUEST_IP, 8888)) as wire:
            t0 = time.monotonic()
            moving = asyncio.ensure_future(engine.migrate("xen_host_2"))  # xm returns at the end
            await asyncio.sleep(2.0)  # mid-transfer at 100 Mbit/s (~7.6 s): both ends listed
            source = str((await xm_lab.run("xen_host_1", "xm list")).stdout)
            target = str((await xm_lab.run("xen_host_2", "xm list")).stdout)
            assert not moving.done()
            assert "migrating-virt_server" in source, source
            assert any(
                ln.startswith("virt_server ") and "--p---" in ln for ln in target.split("\n")
            )
            event = await moving
            assert event.ok, event.message
            record = await engine.wait_migration(90)
            assert record is not None and record.outcome is MigrationPhase.COMPLETED, record
            await asyncio.sleep(1.5)  # the stream flows again: the gap is closed and timed
            t1 = time.monotonic()
        assert engine.guest_host() == "xen_host_2"
        assert probe.stalls_since(t0) == ()
        truth = wire.longest_gap(t0, t1)
        seen = probe.longest_gap_since(t0)
    assert await xm_lab.where() == {"xen_host_2": "running"}
    assert record.hypervisor is None  # the real xm reports no figures, and neither does ours
    figures = await xm_lab.qmp("xen_host_1", "query-migrate")
    assert figures is not None and figures["status"] == "completed", figures
    assert figures["total-time"] > 5000  # capped at 100 Mbit/s: ~96 MB take ~7.6 s
    assert truth is not None and seen is not None
    assert abs(seen.length_s - truth.length_s) <= 0.010, (seen, truth)
    downtime = figures["downtime"] / 1000
    assert downtime - 0.005 <= seen.length_s <= downtime + 0.300, (seen, figures)


async def test_xm_pause_and_unpause_stop_and_continue_the_real_qemu(xm_lab: QmpLab) -> None:
    engine = Engine(xm_lab.config)
    await engine.start()
    try:
        await engine.refresh(timeout=20, fresh=False)
        home = engine.guest_host()
        assert home is not None
        assert (await engine.pause()).ok
        assert await xm_lab.where() == {home: "paused"}
        listed = str((await xm_lab.run(home, "xm list virt_server")).stdout)
        assert listed.splitlines()[1].split()[4] == "--p---", listed
        assert (await engine.unpause()).ok
        assert await xm_lab.where() == {home: "running"}
    finally:
        await engine.stop()
    refused = await xm_lab.run(home, "xm pause Domain-0")
    assert refused.exit_status == 1
    assert "Error: Cannot pause privileged domain Domain-0" in str(refused.stderr)
    other = next(h.name for h in xm_lab.config.hosts if h.name != home)
    lost = await xm_lab.run(home, f"xm migrate -l virt_server {other}-nowhere")
    assert lost.exit_status == 1 and "can't connect" in str(lost.stderr)
    assert await xm_lab.where() == {home: "running"}


@pytest.fixture
def xl_lab(vm_labs: Labs) -> Iterator[QmpLab]:
    yield from _joined(vm_labs.children["xl"])


async def test_xl_migrate_at_qemus_own_speed_says_libxls_words(xl_lab: QmpLab) -> None:
    engine = Engine(xl_lab.config)
    await engine.start()
    try:
        await engine.refresh(timeout=20, fresh=False)
        assert (await engine.migrate("xen_host_2")).ok
        record = await engine.wait_migration(60)
        assert record is not None and record.outcome is MigrationPhase.COMPLETED, record
        assert engine.guest_host() == "xen_host_2"
    finally:
        await engine.stop()
    assert await xl_lab.where() == {"xen_host_2": "running"}
    figures = await xl_lab.qmp("xen_host_1", "query-migrate")
    assert figures is not None and figures["status"] == "completed"
    assert figures["total-time"] < 5000  # no cap: QEMU's default max-bandwidth
    back = await xl_lab.run("xen_host_2", "xl migrate virt_server xen_host_1")
    assert back.exit_status == 0 and str(back.stderr).endswith("Migration successful.\n")
    assert await xl_lab.where() == {"xen_host_1": "running"}
    assert (await xl_lab.run("xen_host_1", "xl unpause virt_server")).stderr.endswith(
        "Unpausing domain: Invalid argument\n"
    )

"""A real live migration, end to end: `xentui lab --vm` in a child, the engine and probe here.

The test process joins the lab's namespace (as `xentui demo --vm` does) so that the probe reads
the guest's own TCP connection, and a packet capture on the lab's bridge gives the truth the
probe is judged by. One booted lab serves every test of this module (started beside
test_real_xm.py's two, tests/lab/vm/conftest.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.lab.vm.conftest import Labs
from tests.lab.vm.test_cleanup import programs_in
from xentui.config import LabConfig, load_config
from xentui.control.engine import Engine
from xentui.lab.vm import netns
from xentui.lab.vm.child import VmLabChild
from xentui.lab.vm.netns import BRIDGE, GUEST_IP, NETNS_DIR
from xentui.lab.vm.wiretruth import WireCapture
from xentui.model import MigrationPhase
from xentui.probe.monitor import StreamProbe

pytestmark = pytest.mark.timeout(300)

READY_TIMEOUT_S = 240.0


@dataclass
class RunningLab:
    config: LabConfig
    netns: str
    log: Path
    child: VmLabChild
    tun_before: tuple[int, int]
    """/dev/net/tun's owner and mode before the lab started (it lends the device while it runs)."""

    def where(self) -> list[str]:
        """The hosts whose real libvirt runs the guest (asked with root's own virsh)."""
        found = []
        for host in self.config.hosts:
            uri = host.migrate_uri
            assert uri is not None
            out = subprocess.run(
                ["virsh", "-c", uri, "list", "--name"], capture_output=True, text=True, timeout=30
            )
            if self.config.guest.name in out.stdout.split():
                found.append(host.name)
        return found


@pytest.fixture(scope="module")
def vm_lab(vm_labs: Labs) -> Iterator[RunningLab]:
    """The virsh lab of the package's three (conftest.vm_labs), this module's thread inside its
    namespace; the package fixture asserts at the end that it removed everything it made."""
    child = vm_labs.children["virsh"]
    with netns.joined(child.netns):
        config = load_config(child.config_path)
        yield RunningLab(config, child.netns, child.log, child, vm_labs.tun_before)


@contextlib.asynccontextmanager
async def watching(lab: RunningLab):  # type: ignore[no-untyped-def]
    """The engine and a player-like probe on the guest's stream, its buffer full."""
    engine = Engine(lab.config)
    await engine.start()
    await engine.refresh(timeout=20, fresh=False)
    probe = StreamProbe(lab.config.guest.stream_url, buffer_s=lab.config.probe.buffer_s)
    task = probe.start()
    try:
        deadline = time.monotonic() + 30
        while probe.buffer_level() < lab.config.probe.buffer_s - 0.05:
            assert time.monotonic() < deadline, probe.summary().message
            await asyncio.sleep(0.1)
        yield engine, probe
    finally:
        await probe.close()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await engine.stop()


async def test_virsh_live_migration_keeps_the_stream_and_the_probe_sees_the_wire(vm_lab) -> None:
    source = vm_lab.where()
    assert len(source) == 1
    target = next(h.name for h in vm_lab.config.hosts if h.name != source[0])
    async with watching(vm_lab) as (engine, probe):
        with WireCapture(BRIDGE, (GUEST_IP, 8888)) as wire:
            t0 = time.monotonic()
            event = await engine.migrate(target)
            assert event.ok, event.message
            record = await engine.wait_migration(90)
            assert record is not None and record.outcome is MigrationPhase.COMPLETED, record
            await asyncio.sleep(1.5)  # the stream flows again: the gap is closed and timed
            t1 = time.monotonic()
        assert vm_lab.where() == [target] and engine.guest_host() == target
        assert probe.stalls_since(t0) == ()
        truth = wire.longest_gap(t0, t1)
        seen = probe.longest_gap_since(t0)
        assert truth is not None and seen is not None
        assert abs(seen.length_s - truth.length_s) <= 0.010, (seen, truth)
        hyper = record.hypervisor
        assert hyper is not None and hyper.total_downtime_ms is not None, record
        downtime = hyper.total_downtime_ms / 1000
        # the viewer's gap: the hypervisor's downtime plus up to TCP's 200 ms timer after it
        assert downtime - 0.005 <= seen.length_s <= downtime + 0.300, (seen, hyper)


async def test_a_pause_of_6_s_stalls_the_player_after_its_buffer(vm_lab) -> None:
    # 6 s: past the 5 s buffer by a whole second of stall (it was 8 s; the property is the same)
    buffer_s = vm_lab.config.probe.buffer_s
    assert buffer_s + 0.5 < 6.0
    async with watching(vm_lab) as (engine, probe):
        with WireCapture(BRIDGE, (GUEST_IP, 8888)) as wire:
            t0 = time.monotonic()
            assert (await engine.pause()).ok
            await asyncio.sleep(6.0)
            assert (await engine.unpause()).ok
            deadline = time.monotonic() + 15
            while not probe.stalls_since(t0) or probe.stalls_since(t0)[-1].end is None:
                assert time.monotonic() < deadline, probe.summary().message
                await asyncio.sleep(0.1)
            t1 = time.monotonic()
        truth = wire.longest_gap(t0, t1)
        assert truth is not None and 5.9 <= truth.length_s <= 7.5, truth
        stalls = probe.stalls_since(t0)
        assert len(stalls) == 1
        # the buffer was full when the wire went quiet: the player runs dry buffer_s later
        assert abs(stalls[0].start - (truth.start + buffer_s)) <= 0.050, (stalls, truth)
    assert len(vm_lab.where()) == 1


def test_the_lab_refuses_an_unknown_toolstack_in_one_line() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "xentui", "lab", "--vm", "--toolstack", "xe"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "virsh, xm or xl" in done.stderr, done.stderr


def test_a_crashed_libvirtd_stops_the_lab_in_one_line_and_removes_everything(vm_lab) -> None:
    """A libvirtd killed under a ready lab: the lab stops, says why in one line, and leaves
    nothing. It ends this module's lab, so it comes last here (pytest keeps the file's order);
    it used to boot a lab of its own in test_cleanup.py, the same `xentui lab --vm`."""
    child = vm_lab.child
    assert child.proc.poll() is None, "the module's lab ended before this test"
    inode = os.stat(NETNS_DIR / child.netns).st_ino
    daemons = [
        p
        for p in programs_in(inode)
        if os.path.basename(os.readlink(f"/proc/{p}/exe")) == "libvirtd"
    ]
    assert len(daemons) == 2
    os.kill(daemons[0], signal.SIGKILL)
    assert child.proc.wait(30) == 1
    assert "exited: stopping the lab" in child.text()
    assert child.netns not in netns.ours() and programs_in(inode) == []
    after = os.stat("/dev/net/tun")
    assert (after.st_uid, after.st_mode) == vm_lab.tun_before

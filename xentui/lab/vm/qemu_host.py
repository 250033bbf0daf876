"""A VM lab host for the xm/xl face: its Domain-0 row and, when the guest is there, its QEMU.

With ``--toolstack xm`` or ``xl`` there is no libvirt: the lab starts the guest's QEMU itself,
one QMP socket per host (in the host's own folder), and what `xm list` shows is read from that
QEMU each time it is asked: the run state from QMP ``query-status``, the memory from
``query-memory-size-summary``, the CPU time from ``/proc/PID/stat``. The rows are the simulated
lab's ``SimDomain`` objects fed with those readings, so both labs print through one renderer.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xentui.lab.vm.qemu import QemuError, QemuGuest
from xentui.lab.vm.qmp import QmpError
from xentui.lab.xen.domains import SimDomain, domain0

PAUSED_STATES = frozenset({"paused", "inmigrate", "prelaunch", "restore-vm", "save-vm", "debug"})
"""QEMU run states a Xen toolstack would list as paused (``--p---``)."""
SUSPENDED_STATES = frozenset({"finish-migrate", "postmigrate", "suspended"})
"""Stopped by the migration itself: xm lists a domain in stop-and-copy as suspended (``---s--``)."""


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (``/proc/PID/stat``), 0.0 if it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat[stat.rindex(")") + 2 :].split()  # the name may hold spaces and parentheses
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def guest_row(
    name: str, domid: int, mem_mib: int, status: str, cpu_s: float, pause_count: int = 0
) -> SimDomain:
    """One `xm list` row for a QEMU in QMP run state ``status``; pure, for the tests too."""
    paused = status in PAUSED_STATES
    return SimDomain(
        name,
        domid,
        mem_mib,
        cpu_s=cpu_s,
        cpu_rate=0.0,  # the time is QEMU's own, read fresh for every list
        pause_count=max(pause_count, 1) if paused else 0,
        suspended=status in SUSPENDED_STATES,
    )


@dataclass
class Vm:
    """The guest's QEMU on one host, with the name and domid the toolstack lists it under."""

    qemu: QemuGuest
    domid: int
    name: str
    mem_mib: int
    pause_count: int = 0
    """xl's pause count (the hypervisor counts pauses; QEMU does not): stopped while > 0."""

    async def status(self) -> str:
        reply = await self.qemu.qmp.execute("query-status")
        return str(reply.get("status", "unknown"))

    async def row(self) -> SimDomain | None:
        """This QEMU's row as read now; None when its QMP no longer answers (it is gone)."""
        try:
            status = await self.status()
            size = await self.qemu.qmp.execute("query-memory-size-summary")
        except (QmpError, QemuError):
            return None
        mem = int(size.get("base-memory", self.mem_mib * 2**20)) // 2**20
        pid = self.qemu.pid
        cpu = cpu_seconds(pid) if pid is not None else 0.0
        return guest_row(self.name, self.domid, mem, status, cpu, self.pause_count)


@dataclass
class QemuHost:
    """One lab host: its name, tap and folder (the QMP socket lives there), and its domains."""

    name: str
    index: int
    tap: str
    root: Path
    dom0: SimDomain = field(init=False)
    next_domid: int = field(init=False)
    vm: Vm | None = None
    last_migration: dict[str, Any] | None = None
    """QMP ``query-migrate`` at the end of the last migration from this host (total-time,
    downtime, setup-time, ram), for the tests: the real xm tells the engine none of it."""

    def __post_init__(self) -> None:
        self.dom0 = domain0(self.index)
        self.next_domid = 2 * self.index + 1  # as the simulated hosts: up for a while
        self.root.mkdir(mode=0o755, parents=True, exist_ok=True)

    def take_domid(self) -> int:
        domid, self.next_domid = self.next_domid, self.next_domid + 1
        return domid

    async def rows(self) -> list[SimDomain]:
        """Domain-0 and the guest (if its QEMU is here and answers), read now."""
        rows = [self.dom0]
        if self.vm is not None and (row := await self.vm.row()) is not None:
            rows.append(row)
        return rows

    def find_vm(self, ref: str) -> Vm | None:
        """The guest by its listed name or domid, as xm and xl accept either."""
        vm = self.vm
        if vm is not None and (vm.name == ref or (ref.isdigit() and vm.domid == int(ref))):
            return vm
        return None

    def is_dom0(self, ref: str) -> bool:
        return ref == self.dom0.name or ref == "0"

    async def close(self) -> None:
        """Quit this host's QEMU (QMP ``quit``, then the process is reaped either way)."""
        vm, self.vm = self.vm, None
        if vm is not None:
            with contextlib.suppress(QmpError, QemuError):
                await vm.qemu.qmp.execute("quit", timeout=3)
            await vm.qemu.close()

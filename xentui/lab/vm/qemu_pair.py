"""The xm/xl face's two hosts and the one guest between them: boot, and a real QEMU migration.

A migration is what xend or libxl would do, done with QEMU: a destination QEMU started with
``-incoming tcp:127.0.0.1:PORT`` on the target's tap, then on the source QMP
``migrate-set-parameters {max-bandwidth}`` (the lab's ``--link-mbit``; none: QEMU's default)
and ``migrate {uri}``, ``query-migrate`` polled until it completes or fails. Meanwhile the hosts
list the guest under the names the real tools use (``Names``). After ``completed`` the source
QEMU (``postmigrate``) is quit and the target continued if it is not running; after a failure
the target QEMU goes and the guest runs on at the source. The final ``query-migrate`` stays on
the source host (``QemuHost.last_migration``): QEMU's downtime, for the tests to hold the
viewer's gap against. The engine is told none of it, as a real xm or xl tells it nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from collections.abc import Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xentui.lab.vm.image import VmImage
from xentui.lab.vm.netns import Tap
from xentui.lab.vm.qemu import QemuError, QemuGuest
from xentui.lab.vm.qemu_host import QemuHost, Vm
from xentui.lab.vm.qmp import QmpError

POLL_S = 0.1
DONE = frozenset({"completed", "failed", "cancelled"})


@dataclass(frozen=True)
class Names:
    """What each host lists the guest as while it moves: xm's ``migrating-NAME`` on the source
    and ``NAME`` on the target; xl's ``NAME--incoming`` and, once the pages are over,
    ``NAME--migratedaway`` (migrate_cmd.py and xl_migrate.py, after xend and libxl)."""

    outgoing: str
    incoming: str
    transferred: str


def xm_names(guest: str) -> Names:
    return Names(f"migrating-{guest}", guest, f"migrating-{guest}")


def xl_names(guest: str) -> Names:
    return Names(guest, f"{guest}--incoming", f"{guest}--migratedaway")


@dataclass(frozen=True)
class MigrationOutcome:
    ok: bool
    stage: str
    """``connect``: the destination never listened; ``transfer``: QEMU's migration failed."""
    detail: str
    """QEMU's own words (empty when it worked)."""
    figures: dict[str, Any]


def free_port() -> int:
    """A free port on the namespace's loopback for the destination to listen on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class QemuPair:
    """The hosts (by name), the guest's image and settings, and the running migration if any."""

    def __init__(
        self,
        image: VmImage,
        taps: dict[str, Tap],
        workdir: Path,
        *,
        guest_name: str,
        mem_mib: int,
        link_mbit: float | None,
    ) -> None:
        self.image = image
        self.guest_name = guest_name
        self.mem_mib = mem_mib
        self.link_mbit = link_mbit
        self.mac = next(iter(taps.values())).mac
        self.hosts = {
            name: QemuHost(name, i, tap.name, workdir / name)
            for i, (name, tap) in enumerate(taps.items(), start=1)
        }
        self.migrating = False
        self._tasks: set[asyncio.Task[Any]] = set()

    def _qemu(self, host: QemuHost, incoming: str | None = None) -> QemuGuest:
        return QemuGuest(
            self.image, name=self.guest_name, workdir=host.root, tap=host.tap, mac=self.mac,
            mem_mib=self.mem_mib, incoming=incoming,
        )  # fmt: skip

    async def boot(self, name: str) -> QemuGuest:
        """The guest's QEMU on host ``name`` (the caller waits for its ready line)."""
        host = self.hosts[name]
        qemu = self._qemu(host)
        await qemu.start(wait_ready=False)
        host.vm = Vm(qemu, host.take_domid(), self.guest_name, self.mem_mib)
        return qemu

    def where(self) -> list[str]:
        """Hosts whose QEMU holds the guest under its own name (QMP answering or not)."""
        return [n for n, h in self.hosts.items() if h.vm and h.vm.name == self.guest_name]

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Run a migration in the lab, not in the SSH session: xend's and libxl's run on when
        the client goes, and the lab's close waits for none of them."""
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def start_migration(
        self, source: QemuHost, target: QemuHost, names: Names, *, live: bool = True
    ) -> asyncio.Task[MigrationOutcome]:
        """Move the guest from ``source`` to ``target`` (see the module doc) in a task of the
        lab's; ``migrating`` is set before this returns, so a second request sees it."""
        vm = source.vm
        assert vm is not None and not self.migrating
        self.migrating = True
        vm.name = names.outgoing

        async def run() -> MigrationOutcome:
            try:
                outcome = await self._migrate(source, target, vm, names, live)
            finally:
                self.migrating = False
            if not outcome.ok and source.vm is vm:
                vm.name = self.guest_name  # the guest runs on at the source, under its name
            return outcome

        return self.spawn(run())

    async def _migrate(
        self,
        source: QemuHost,
        target: QemuHost,
        vm: Vm,
        names: Names,
        live: bool,
    ) -> MigrationOutcome:
        port = free_port()
        dest = self._qemu(target, f"tcp:127.0.0.1:{port}")
        try:
            await dest.start(wait_ready=False)
        except (QemuError, QmpError, OSError) as err:
            return MigrationOutcome(False, "connect", str(err), {})
        target.vm = incoming = Vm(dest, target.take_domid(), names.incoming, vm.mem_mib)
        qmp = vm.qemu.qmp
        try:
            was_running = await vm.status() == "running"
            if not live:  # xm without -l: the domain stops, then its memory is sent once
                await qmp.execute("stop")
            if self.link_mbit is not None:
                rate = round(self.link_mbit * 1e6 / 8)  # bytes/s, as QMP wants it
                await qmp.execute("migrate-set-parameters", {"max-bandwidth": rate})
            await qmp.execute("migrate", {"uri": f"tcp:127.0.0.1:{port}"})
            final = await self._follow(vm)
        except (QmpError, QemuError) as err:
            was_running, final = True, {"status": "failed", "error-desc": str(err)}
        source.last_migration = final
        if final.get("status") != "completed":
            target.vm = None
            await dest.close()
            with contextlib.suppress(QmpError, QemuError):
                if was_running and await vm.status() != "running":
                    await qmp.execute("cont")  # the guest runs on where it was
            why = str(final.get("error-desc") or f"migration {final.get('status')}")
            return MigrationOutcome(False, "transfer", why, final)
        vm.name = names.transferred
        try:
            if await incoming.status() != "running":
                await dest.qmp.execute("cont")  # as XendCheckpoint.restore unpauses
        except (QmpError, QemuError) as err:
            target.vm = None
            await dest.close()
            return MigrationOutcome(False, "transfer", f"the target did not start: {err}", final)
        incoming.name, incoming.pause_count = self.guest_name, 0
        await source.close()
        return MigrationOutcome(True, "", "", final)

    async def _follow(self, vm: Vm) -> dict[str, Any]:
        """``query-migrate`` until the job ends; cancelled if it outlasts any sane link."""
        link = self.link_mbit or 1000.0
        limit = 60.0 + 4 * vm.mem_mib * 2**20 * 8 / (link * 1e6)
        deadline = time.monotonic() + limit
        qmp = vm.qemu.qmp
        while True:
            info = await qmp.execute("query-migrate")
            if info.get("status") in DONE:
                return info
            if time.monotonic() > deadline:
                await qmp.execute("migrate_cancel")
                return {**info, "status": "failed", "error-desc": f"no end after {limit:.0f} s"}
            await asyncio.sleep(POLL_S)

    async def close(self) -> None:
        """Every QEMU goes, a migration in flight first (whatever state it reached)."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for host in self.hosts.values():
            await host.close()

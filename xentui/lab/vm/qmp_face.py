"""The seed's `xm` (and `xl`) on a VM lab host, acting on the real QEMU through QMP.

`xm list` is the simulated lab's own renderer fed with rows read from QEMU (qemu_host.py);
`xm pause`/`unpause` are QMP ``stop``/``cont``; `xm migrate -l virt_server xen_host_2` is a real
QEMU migration (qemu_pair.py), with the names xend lists meanwhile. Every answer, error or not,
is in the tool's own words from the simulated lab's texts (xm_cli.XmText, xl_cli, xl_migrate),
so the engine reads a VM lab host exactly as a simulated or a real one. QEMU's own words for a
failure go to the lab's log, as xend's went to xend.log.

Like a real xm, nothing here reports the migration's figures to the engine. The tests read them
through a lab-only command, ``xentui-lab-qmp query-migrate`` (the final QMP ``query-migrate`` of
the last migration from this host, as JSON) and ``xentui-lab-qmp query-status`` (this host's
QEMU run state now), which no real host has and the app never runs.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Callable
from dataclasses import dataclass

from xentui.lab.machine.shell import Machine, Out, Stdin
from xentui.lab.vm.qemu import QemuError
from xentui.lab.vm.qemu_host import QemuHost, Vm
from xentui.lab.vm.qemu_pair import QemuPair, xl_names, xm_names
from xentui.lab.vm.qmp import QmpError
from xentui.lab.xen import xl_cli, xl_migrate
from xentui.lab.xen.domains import xl_list, xm_list
from xentui.lab.xen.migrate_cmd import EAI_NONAME, ECONNREFUSED, xm_migrate_args
from xentui.lab.xen.xm_cli import HELP, SHORT_HELP, XmText

LAB_QMP = "xentui-lab-qmp"


def not_served(tool: str, cmd: str) -> Out:
    return Out(stderr=f"xentui lab --vm: `{tool} {cmd}` is not served by the VM lab\n", rc=1)


@dataclass
class QmpFace:
    """One host's `xm` or `xl` (``tool``), its QEMU reached through ``pair``."""

    pair: QemuPair
    host: QemuHost
    tool: str
    xm_version: str = "3.0.3"
    log: Callable[[str], None] = print

    async def __call__(self, m: Machine, argv: list[str], stdin: Stdin) -> Out:
        if self.tool == "xm":
            return await self._xm(XmText(self.xm_version), argv[1:])
        return await self._xl(argv[1:])

    async def _stop_or_cont(self, vm: Vm, stop: bool) -> str | None:
        """QMP ``stop``/``cont``; QEMU's words if it refused."""
        try:
            await vm.qemu.qmp.execute("stop" if stop else "cont")
        except (QmpError, QemuError) as err:
            return str(err)
        return None

    def _target(self, name: str) -> QemuHost | None:
        return self.pair.hosts.get(name)

    # --- xm ----------------------------------------------------------------------------------

    async def _xm(self, text: XmText, argv: list[str]) -> Out:
        if not argv or argv[0] in ("help", "-h", "--help"):
            return Out(stdout=SHORT_HELP, rc=0 if argv else 1)
        cmd, args = argv[0], argv[1:]
        if cmd == "list":
            if any(a in ("-l", "--long") for a in args):
                return not_served("xm", "list --long")
            rows, names = await self.host.rows(), [a for a in args if not a.startswith("-")]
            for ref in names:
                if not any(r.name == ref or str(r.domid) == ref for r in rows):
                    return text.no_domain("list", ref)
            if names:
                rows = [r for r in rows if r.name in names or str(r.domid) in names]
            return Out(stdout=xm_list(self.xm_version, rows))
        if cmd in ("pause", "unpause"):
            if len(args) != 1:
                return text.arg_count(cmd, 1)
            if self.host.is_dom0(args[0]):
                return text.error(cmd, f"Cannot {cmd} privileged domain {args[0]}")
            vm = self.host.find_vm(args[0])
            if vm is None:
                return text.no_domain(cmd, args[0])
            why = await self._stop_or_cont(vm, cmd == "pause")
            return text.error(cmd, why, with_usage=False) if why else Out()
        if cmd == "migrate":
            return await self._xm_migrate(text, args)
        if cmd in HELP:
            return not_served("xm", cmd)
        return Out(stdout=SHORT_HELP, stderr=f"Error: Subcommand {cmd} not found!\n", rc=1)

    async def _xm_migrate(self, text: XmText, args: list[str]) -> Out:
        parsed = xm_migrate_args(text, args)
        if isinstance(parsed, Out):
            return parsed
        live, _port, ref, dst = parsed
        if self.host.is_dom0(ref):
            return text.error("migrate", "Cannot migrate Domain-0", with_usage=False)
        vm = self.host.find_vm(ref)
        if vm is None:
            return text.no_domain("migrate", ref)
        try:
            status = await vm.status()
        except (QmpError, QemuError):
            status = "gone"
        paused = status != "running"
        if vm.name != self.pair.guest_name or self.pair.migrating or (paused and text.v >= (3, 3)):
            return text.error("migrate", "Domain is not running")
        target = self._target(dst)
        if target is None:
            return text.error("migrate", text.cant_connect(EAI_NONAME, "Name or service not known"))
        if target is self.host:
            return text.error("migrate", f"xentui lab --vm: {dst} is this host", with_usage=False)
        domid = vm.domid
        task = self.pair.start_migration(self.host, target, xm_names(vm.name), live=live)
        outcome = await asyncio.shield(task)  # xend runs on if the xm client goes
        if outcome.ok:
            return Out()
        self.log(f"{self.host.name}: xm migrate to {dst} failed: {outcome.detail}")
        if outcome.stage == "connect":
            return text.error("migrate", text.cant_connect(ECONNREFUSED, "Connection refused"))
        flag = 1 if live else 0
        return text.error(
            "migrate", f"/usr/lib/xen/bin/xc_save 20 {domid} 0 0 {flag} failed", with_usage=False
        )

    # --- xl ----------------------------------------------------------------------------------

    async def _xl(self, argv: list[str]) -> Out:
        if not argv:
            return xl_cli.short_help()
        cmd, args = argv[0], argv[1:]
        if cmd not in xl_cli.HELP:
            return Out(stderr="command not implemented\n", rc=1)
        need = {"list": 0, "create": 0}.get(cmd, 2 if cmd == "migrate" else 1)
        parsed = xl_cli.getopt(cmd, args, need)
        if isinstance(parsed, Out):
            return parsed
        opts, rest = parsed
        if cmd == "list":
            if "l" in opts:
                return not_served("xl", "list -l")
            rows = await self.host.rows()
            if rest:
                rows = [r for r in rows if r.name == rest[0] or str(r.domid) == rest[0]]
                if not rows:
                    return xl_cli.invalid(rest[0])
            return Out(stdout=xl_list(rows))
        if cmd not in ("pause", "unpause", "migrate"):
            return not_served("xl", cmd)
        if self.host.is_dom0(rest[0]):
            if cmd == "migrate":
                return xl_migrate.not_migratable(0)
            return not_served("xl", f"{cmd} Domain-0")
        vm = self.host.find_vm(rest[0])
        if vm is None:
            return xl_cli.invalid(rest[0])
        if cmd == "migrate":
            return await self._xl_migrate(vm, rest[1], paused="p" in opts)
        row = await vm.row()
        if row is None:
            return xl_cli.invalid(rest[0])
        refused = xl_cli.pause_refusal(row, cmd == "pause")
        if refused is not None:
            return refused
        vm.pause_count = row.pause_count + (1 if cmd == "pause" else -1)
        why = await self._stop_or_cont(vm, vm.pause_count > 0)
        # main_pause/main_unpause ignore libxl's result: a failure is a log line, exit 0
        return Out(stderr=f"libxl: error: {why}\n") if why else Out()

    async def _xl_migrate(self, vm: Vm, dst: str, *, paused: bool) -> Out:
        pid = 4000 + os.getpid() % 1000
        if vm.name != self.pair.guest_name or self.pair.migrating:
            return xl_migrate.not_migratable(vm.domid)
        target = self._target(dst)
        if target is None or target is self.host:
            said = f"ssh: Could not resolve hostname {dst}: Name or service not known\r\n"
            if target is self.host:
                said = f"xentui lab --vm: {dst} is this host\n"
            return xl_migrate.no_banner(said, 255, pid)
        domid = vm.domid
        task = self.pair.start_migration(self.host, target, xl_names(vm.name))
        outcome = await asyncio.shield(task)  # libxl's child runs on if the xl client goes
        if not outcome.ok:
            self.log(f"{self.host.name}: xl migrate to {dst} failed: {outcome.detail}")
            if outcome.stage == "connect":
                return xl_migrate.no_banner("", 1, pid)
            return xl_migrate.transfer_failed(pid)
        err = xl_migrate.READY + xl_migrate.transferred(domid)
        err += xl_migrate.PERMISSION + xl_migrate.STARTING
        if paused and target.vm is not None:  # -p: migrate-receive leaves it paused
            target.vm.pause_count = 1
            await self._stop_or_cont(target.vm, True)
        return Out(stderr=err + xl_migrate.STARTED)


@dataclass
class LabQmp:
    """``xentui-lab-qmp query-migrate|query-status``: QEMU's truth for the tests (module doc)."""

    host: QemuHost

    async def __call__(self, m: Machine, argv: list[str], stdin: Stdin) -> Out:
        what = argv[1:]
        if what == ["query-migrate"]:
            last = self.host.last_migration
            if last is None:
                return Out(stderr=f"{LAB_QMP}: no migration has left {self.host.name}\n", rc=1)
            return Out(stdout=json.dumps(last) + "\n")
        if what == ["query-status"]:
            vm = self.host.vm
            if vm is None:
                return Out(stderr=f"{LAB_QMP}: no guest QEMU on {self.host.name}\n", rc=1)
            try:
                status = await vm.status()
            except (QmpError, QemuError) as err:
                return Out(stderr=f"{LAB_QMP}: {err}\n", rc=1)
            return Out(stdout=json.dumps({"name": vm.name, "status": status}) + "\n")
        return Out(stderr=f"usage: {LAB_QMP} query-migrate|query-status\n", rc=2)

"""The `virsh` a lab host's SSH server runs: the real one, against that host's own libvirtd.

Two things a single machine cannot give two libvirt hosts are supplied here, and only these:
each host's tap has its own name (one kernel, one namespace), so a migration carries the
domain's XML with the target's tap and console file (``--xml``, as libvirt's docs advise for a
target whose devices differ); and the lab's link speed becomes ``--bandwidth``. Everything else,
words and exit status included, is libvirt's own.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from xentui.lab.machine.shell import Machine, Out, Stdin

if TYPE_CHECKING:
    from xentui.lab.vm.libvirt import LibvirtHost

# virsh migrate's options that take a value (libvirt 9's opts_migrate), so the positional
# domain and destination URI can be told from them
_VALUED = {
    "--auto-converge-increment",
    "--auto-converge-initial",
    "--bandwidth",
    "--comp-methods",
    "--comp-mt-dthreads",
    "--comp-mt-level",
    "--comp-mt-threads",
    "--comp-xbzrle-cache",
    "--comp-zlib-level",
    "--comp-zstd-level",
    "--compression-methods",
    "--desturi",
    "--disks-port",
    "--disks-uri",
    "--dname",
    "--domain",
    "--graphicsuri",
    "--listen-address",
    "--migrate-disks",
    "--migrateuri",
    "--parallel-connections",
    "--persistent-xml",
    "--timeout",
    "--tls-destination",
    "--xml",
}


@dataclass
class LabLibvirt:
    """One lab host's virsh, and how to find the other hosts' daemons by their URIs."""

    host: LibvirtHost
    tap: str
    serial: str
    peers: Callable[[str], tuple[LibvirtHost, str, str] | None]
    """The target's (daemon, tap, console file) for a destination URI, None if not the lab's."""
    bandwidth_mib: int | None = None

    async def __call__(self, m: Machine, argv: list[str], stdin: Stdin) -> Out:
        args = argv[1:]
        # `-c URI` / `--connect URI`: on this host, virsh talks to this host's daemon
        while args and args[0] in ("-c", "--connect") and len(args) > 1:
            args = args[2:]
        if args and args[0] == "migrate":
            return await self._migrate(args[1:])
        rc, out, err = await self.host.virsh(*args)
        return Out(out, err, rc)

    async def _migrate(self, args: list[str]) -> Out:
        positional, i = [], 0
        while i < len(args):
            word = args[i]
            if word in _VALUED:
                i += 2
                continue
            if not word.startswith("--"):
                positional.append(word)
            i += 1
        extra: list[str] = []
        target = self.peers(positional[1]) if len(positional) >= 2 else None
        if target is not None and "--xml" not in args:
            dom = positional[0]
            rc, xml, err = await self.host.virsh("dumpxml", "--migratable", dom)
            if rc != 0:
                return Out("", err, rc)
            daemon, tap, serial = target
            xml = retarget(xml, self.tap, tap, self.serial, serial)
            path = daemon.root / "incoming.xml"
            path.write_text(xml)
            owner = daemon.root.stat()
            os.chown(path, owner.st_uid, owner.st_gid)
            extra += ["--xml", str(path)]
        if self.bandwidth_mib is not None and "--bandwidth" not in args:
            extra += ["--bandwidth", str(self.bandwidth_mib)]
        rc, out, err = await self.host.virsh("migrate", *extra, *args)
        return Out(out, err, rc)


def retarget(xml: str, tap: str, new_tap: str, serial: str, new_serial: str) -> str:
    """The domain's XML as the target must run it: its own tap and its own console file."""
    xml = re.sub(rf"(<target\s+dev=['\"]){re.escape(tap)}(['\"])", rf"\g<1>{new_tap}\g<2>", xml)
    return xml.replace(serial, new_serial)

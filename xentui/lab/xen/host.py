"""One simulated dom0: its domains and domids, its files, and what its daemons last read.

A daemon only sees a config file when it is (re)started, as on a real host: editing
xend-config.sxp changes nothing until ``service xend restart``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from xentui.lab.machine.vfs import Vfs, VfsError
from xentui.lab.xen import files
from xentui.lab.xen.domains import SimDomain, domain0

if TYPE_CHECKING:
    from xentui.lab.lab import Lab
    from xentui.lab.machine.shell import Machine

XEND_CONFIG = "/etc/xen/xend-config.sxp"
EXPORTS = "/etc/exports"
SHARED = "/xen"

_SXP_LINE = re.compile(r"^\s*\((xend-relocation-[a-z-]+)\s+(.*?)\)\s*$")


@dataclass(frozen=True, slots=True)
class Relocation:
    """xend's relocation options as last read (code defaults: off, port 8002, all, all)."""

    server: bool = False
    port: int = 8002
    address: str = ""
    hosts_allow: tuple[str, ...] = ()


def parse_relocation(text: str) -> Relocation:
    values: dict[str, str] = {}
    for line in text.splitlines():
        m = _SXP_LINE.match(line)
        if m:
            raw = m.group(2).strip()
            if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"":
                raw = raw[1:-1]
            values[m.group(1)] = raw.replace("\\\\", "\\")
    port = values.get("xend-relocation-port", "8002")
    return Relocation(
        server=values.get("xend-relocation-server", "no").lower() in ("yes", "true", "1"),
        port=int(port) if port.isdigit() else 8002,
        address=values.get("xend-relocation-address", ""),
        hosts_allow=tuple(values.get("xend-relocation-hosts-allow", "").split()),
    )


def hosts_allow_admits(patterns: tuple[str, ...], fqdn: str, ip: str) -> bool:
    """xend's rule: empty admits all, else any regex must re.match the peer's FQDN or IP."""
    if not patterns:
        return True
    for pattern in patterns:
        try:
            rx = re.compile(pattern)
        except re.error:
            continue
        if rx.match(fqdn) or rx.match(ip):
            return True
    return False


@dataclass(frozen=True, slots=True)
class Export:
    path: str
    clients: str  # e.g. "*(rw,sync,no_root_squash)"


@dataclass(frozen=True, slots=True)
class Mount:
    source: str  # "xen_host_1:/xen"
    point: str
    server: str


def parse_exports(text: str) -> list[Export]:
    out = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            path, _, rest = line.partition(" ")
            out.append(Export(path, rest.strip() or "(ro)"))
    return out


@dataclass
class SimHost:
    """A dom0 with its toolstack, domains, files and daemons."""

    name: str
    index: int
    ip: str
    """The host's own loopback address: its relocation server and its outgoing migrations."""
    toolstack: str = "xm"
    xm_version: str = "3.0.3"
    reloc_port: int = 8002
    fresh: bool = False
    clock: Callable[[], float] = time.monotonic
    vfs: Vfs = field(default_factory=Vfs)
    domains: list[SimDomain] = field(default_factory=list)
    next_domid: int = 1
    relocation: Relocation = Relocation()
    nfs_running: bool = False
    nfs_on_boot: bool = False
    exported: list[Export] = field(default_factory=list)
    mounts: list[Mount] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Hosts have been up for a while: their next domids differ, as on real hosts.
        self.next_domid = 2 * self.index + 1
        self.domains.append(domain0(self.index, self.clock))
        v = self.vfs
        for d in ("/etc/xen", "/home/mp3", "/proc", "/root", SHARED, "/var/log/xen"):
            v.mkdir(d)
        make = files.shipped_xend_config if self.fresh else files.ready_xend_config
        v.write(XEND_CONFIG, make(self.xm_version, self.reloc_port))
        is_server = self.index == 1
        v.write(EXPORTS, files.READY_EXPORTS if is_server and not self.fresh else "")
        v.write("/etc/hosts", "127.0.0.1\tlocalhost.localdomain localhost\n")
        v.add_dynamic("/proc/mounts", self.render_proc_mounts)
        self.relocation = parse_relocation(v.read_text(XEND_CONFIG))
        if is_server:
            v.write(f"{SHARED}/virt_server.img", "(the guest's disk image)\n")
            if not self.fresh:
                self.nfs_running = self.nfs_on_boot = True
                self.exported = parse_exports(files.READY_EXPORTS)

    # --- domains ---------------------------------------------------------------------------

    def find(self, ref: str) -> SimDomain | None:
        """A domain by name or by id, as xm and xl accept either."""
        for d in self.domains:
            if d.name == ref or (ref.isdigit() and d.domid == int(ref)):
                return d
        return None

    def new_domain(self, name: str, mem_mib: int, *, paused: bool) -> SimDomain:
        dom = SimDomain(
            name, self.next_domid, mem_mib, pause_count=1 if paused else 0, clock=self.clock
        )
        self.next_domid += 1
        self.domains.append(dom)
        return dom

    def remove(self, dom: SimDomain) -> None:
        if dom in self.domains:
            self.domains.remove(dom)

    # --- storage ---------------------------------------------------------------------------

    @property
    def storage_server(self) -> bool:
        return self.index == 1

    def shared_storage_ok(self) -> bool:
        """The guest's disk is reachable: the exporting host itself, or /xen mounted over NFS."""
        return self.storage_server or any(m.point == SHARED for m in self.mounts)

    def render_proc_mounts(self) -> str:
        lines = [
            "rootfs / rootfs rw 0 0",
            "/dev/root / ext3 rw,data=ordered 0 0",
            "/dev /dev tmpfs rw 0 0",
            "/proc /proc proc rw 0 0",
            "/sys /sys sysfs rw 0 0",
            "/proc/bus/usb /proc/bus/usb usbfs rw 0 0",
            "devpts /dev/pts devpts rw 0 0",
            "/dev/sda1 /boot ext3 rw,data=ordered 0 0",
            "tmpfs /dev/shm tmpfs rw 0 0",
            "none /proc/sys/fs/binfmt_misc binfmt_misc rw 0 0",
            "sunrpc /var/lib/nfs/rpc_pipefs rpc_pipefs rw 0 0",
            "xenfs /proc/xen xenfs rw 0 0",
        ]
        for m in self.mounts:
            lines.append(
                f"{m.source} {m.point} nfs rw,vers=3,rsize=32768,wsize=32768,hard,proto=tcp,"
                f"timeo=600,retrans=2,sec=sys,addr={m.server} 0 0"
            )
        return "\n".join(lines) + "\n"

    def reread_xend_config(self) -> Relocation:
        try:
            text = self.vfs.read_text(XEND_CONFIG)
        except VfsError:
            text = ""
        self.relocation = parse_relocation(text)
        return self.relocation

    def reread_exports(self) -> list[Export]:
        try:
            text = self.vfs.read_text(EXPORTS)
        except VfsError:
            text = ""
        self.exported = [e for e in parse_exports(text) if self.vfs.is_dir(e.path)]
        return self.exported


def lab_and_host(m: Machine) -> tuple[Lab, SimHost]:
    """The lab behind a host's shell command, and that host's own state."""
    lab = m.state
    return lab, lab.host(m.hostname)

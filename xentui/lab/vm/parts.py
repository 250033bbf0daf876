"""What the VM lab needs from the machine, and the one-line refusal when something is missing.

Every check names the missing part and the command that supplies it, so the CLI can exit with
that line and the tests can skip (outside CI) with it: a user should never have to guess why the
real VM lab would not start.
"""

from __future__ import annotations

import os
import shutil
import stat
import struct
from collections.abc import Iterable
from pathlib import Path

BUSYBOX = Path("/bin/busybox")
NEED_BYTES = 100 * 1024 * 1024
"""A build holds the kernel package (~70 MB) and the image (~20 MB) in the cache dir at once."""

PARTS = ("qemu", "busybox", "apt", "libvirt", "iproute2", "tun", "netadmin")
"""Every part ``missing_parts`` knows: pass a subset to check only what a task needs."""

_CAP_NET_ADMIN = 12
_CAP_SYS_ADMIN = 21


class VmLabUnavailable(Exception):
    """The real VM lab cannot run here: one line naming what is missing and how to get it."""


def is_static_elf(path: Path) -> bool:
    """True if ``path`` is an ELF executable without a program interpreter (statically linked).

    The guest has no dynamic loader or libc, so only a static busybox runs in it; Debian's
    ``busybox`` package is the dynamic build and ``busybox-static`` the static one.
    """
    try:
        with path.open("rb") as f:
            head = f.read(64)
            if head[:4] != b"\x7fELF" or head[4] != 2:  # 64-bit ELF only: the guest is x86_64
                return False
            order = "<" if head[5] == 1 else ">"
            (phoff,) = struct.unpack_from(order + "Q", head, 32)
            phentsize, phnum = struct.unpack_from(order + "HH", head, 54)
            f.seek(phoff)
            table = f.read(phentsize * phnum)
    except OSError:
        return False
    types = [struct.unpack_from(order + "I", table, i * phentsize)[0] for i in range(phnum)]
    return len(table) == phentsize * phnum and 3 not in types  # 3 = PT_INTERP


def _capabilities() -> int:
    """The effective capability set of this process (0 if /proc does not say)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("CapEff:"):
                return int(line.split()[1], 16)
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _check(part: str) -> str | None:
    if part == "qemu" and shutil.which("qemu-system-x86_64") is None:
        return "qemu-system-x86_64 not found: apt-get install qemu-system-x86"
    if part == "busybox" and not is_static_elf(BUSYBOX):
        what = "is not statically linked" if BUSYBOX.exists() else "not found"
        return f"static busybox {what} at {BUSYBOX}: apt-get install busybox-static"
    if part == "apt":
        for tool in ("apt-get", "apt-cache", "dpkg-deb"):
            if shutil.which(tool) is None:
                return f"{tool} not found: the guest is built from Debian packages (Debian/Ubuntu)"
    if part == "libvirt":
        for tool, package in (("virsh", "libvirt-clients"), ("libvirtd", "libvirt-daemon")):
            if shutil.which(tool, path=f"{os.environ.get('PATH', '')}:/usr/sbin") is None:
                return f"{tool} not found: apt-get install {package}"
    if (
        part == "iproute2"
        and shutil.which("ip", path=f"{os.environ.get('PATH', '')}:/sbin") is None
    ):
        return "ip not found (the lab's namespace, bridge and taps): apt-get install iproute2"
    if part == "tun":
        try:
            if not stat.S_ISCHR(os.stat("/dev/net/tun").st_mode):
                return "/dev/net/tun is not a character device: modprobe tun"
        except OSError:
            return "/dev/net/tun missing: modprobe tun (or run where the tun device exists)"
    if part == "netadmin":
        caps = _capabilities()
        if not (caps >> _CAP_NET_ADMIN) & 1 or not (caps >> _CAP_SYS_ADMIN) & 1:
            return "not root (needs CAP_NET_ADMIN and CAP_SYS_ADMIN): run it as root (sudo)"
    return None


def missing_parts(parts: Iterable[str] = PARTS) -> list[str]:
    """One line per missing part among ``parts`` (names from ``PARTS``); empty if all are here."""
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        raise ValueError(f"unknown VM lab parts {unknown}: expected some of {list(PARTS)}")
    return [why for part in parts if (why := _check(part)) is not None]


def require(parts: Iterable[str]) -> None:
    """Raise ``VmLabUnavailable`` with the first missing part's line."""
    missing = missing_parts(parts)
    if missing:
        raise VmLabUnavailable(missing[0])


def check_disk_space(directory: Path, need: int = NEED_BYTES) -> None:
    """Refuse before a download that would fill the disk, naming the directory and the figures."""
    probe = directory
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    free = shutil.disk_usage(probe).free
    if free < need:
        raise VmLabUnavailable(
            f"not enough disk space in {directory}: {free // 2**20} MB free, the VM image build "
            f"needs ~{need // 2**20} MB (free some space or set XDG_CACHE_HOME elsewhere)"
        )

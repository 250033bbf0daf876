"""The VM lab's own network: a namespace with a bridge and one tap per host, and nothing outside.

Why a namespace: the guest keeps its TCP connection across a migration only when its NIC is a
tap on a bridge (slirp's sockets live in the source QEMU and die with it), and taps and bridges
outside a namespace would touch the machine's own network. Everything the lab starts (its SSH
servers, the libvirt daemons, the QEMUs) runs inside, so removing the lab is: kill every process
in the namespace, delete it. A namespace is named after the lab's pid, so the next lab can tell a
stale one (its lab is dead) from a running one and sweep it.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

PREFIX = "xentui-vm-"
BRIDGE = "br0"
BRIDGE_CIDR = "10.0.2.1/24"
GUEST_IP = "10.0.2.15"
NETNS_DIR = Path("/run/netns")
CLONE_NEWNET = 0x40000000


class NetnsError(Exception):
    """A step of building or removing the namespace failed, in ``ip``'s own words."""


def _ip(*args: str, check: bool = True) -> str:
    try:
        done = subprocess.run(
            ["ip", *args], capture_output=True, text=True, timeout=10, check=False
        )
    except FileNotFoundError:
        raise NetnsError("ip not found: apt-get install iproute2") from None
    except subprocess.TimeoutExpired:
        raise NetnsError(f"ip {' '.join(args)}: no answer within 10 s") from None
    if check and done.returncode != 0:
        why = done.stderr.strip().splitlines()[-1:] or [f"exit {done.returncode}"]
        raise NetnsError(f"ip {' '.join(args)}: {why[0]}")
    return done.stdout


def name_for(pid: int) -> str:
    return f"{PREFIX}{pid}"


def owner_pid(name: str) -> int | None:
    """The pid of the lab that made this namespace, from its name (None: not one of ours)."""
    if not name.startswith(PREFIX):
        return None
    tail = name[len(PREFIX) :]
    return int(tail) if tail.isdigit() else None


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie is dead for our purpose: its namespace is nobody's
    with contextlib.suppress(OSError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[-1].split()[0] != "Z"
    return True


def ours() -> list[str]:
    """Every namespace a VM lab made, running or stale."""
    names = [line.split()[0] for line in _ip("netns", "list").splitlines() if line.strip()]
    return [n for n in names if owner_pid(n) is not None]


def pids_in(name: str) -> list[int]:
    out = _ip("netns", "pids", name, check=False)
    return [int(w) for w in out.split() if w.isdigit()]


LAB_PROGRAMS = frozenset({"qemu-system-x86_64", "libvirtd", "virtlogd", "virtlockd", "virsh"})
"""What a lab starts in its namespace. Only these are killed: a presenter's app or a test run
that joined the namespace to reach the guest lives there too, and must not be."""


def _program(pid: int) -> str:
    try:
        return os.path.basename(os.readlink(f"/proc/{pid}/exe"))
    except OSError:
        return ""


def kill_all(name: str, *, grace_s: float = 3.0, rounds: int = 6) -> None:
    """SIGTERM the lab's programs in the namespace, then SIGKILL, until none is left.

    Each round lists them afresh: a daemon that is dying may still start another (libvirtd
    spawns virtlogd on demand), which a single list taken at the start would miss.
    """
    for round_no in range(rounds):
        victims = [p for p in pids_in(name) if _program(p) in LAB_PROGRAMS and p != os.getpid()]
        if not victims:
            return
        sig = signal.SIGTERM if round_no == 0 else signal.SIGKILL
        for pid in victims:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        deadline = time.monotonic() + grace_s
        while time.monotonic() < deadline and [p for p in victims if alive(p)]:
            time.sleep(0.05)


def remove(name: str) -> None:
    """Kill what runs in it and delete it (its taps and bridge go with it)."""
    kill_all(name)
    _ip("netns", "delete", name, check=False)


def sweep_stale() -> list[str]:
    """Remove the namespaces of labs that died without cleaning up; returns their names."""
    swept = []
    for name in ours():
        pid = owner_pid(name)
        if pid is not None and not alive(pid):
            remove(name)
            swept.append(name)
    return swept


@dataclass(frozen=True)
class Tap:
    name: str
    mac: str


def create(name: str, taps: Sequence[Tap], *, tap_user: str) -> None:
    """The namespace, loopback up, a bridge without STP delay, and the hosts' taps on it.

    STP off and forward_delay 0: with the default 15 s of learning the bridge would drop the
    guest's frames after a migration and fake a gap the hypervisor never made.
    """
    _ip("netns", "add", name)
    try:
        n = ("-n", name)
        _ip(*n, "link", "set", "lo", "up")
        _ip(*n, "link", "add", BRIDGE, "type", "bridge", "stp_state", "0", "forward_delay", "0")
        _ip(*n, "addr", "add", BRIDGE_CIDR, "dev", BRIDGE)
        _ip(*n, "link", "set", BRIDGE, "up")
        for tap in taps:
            _ip(*n, "tuntap", "add", "dev", tap.name, "mode", "tap", "user", tap_user)
            _ip(*n, "link", "set", tap.name, "master", BRIDGE)
            _ip(*n, "link", "set", tap.name, "up")
    except BaseException:
        _ip("netns", "delete", name, check=False)
        raise


def join(name: str) -> None:
    """Move the calling thread (and the threads and processes it starts later) into ``name``.

    Python 3.11 has no ``os.setns``; libc's does the same. Sockets opened afterwards live in the
    namespace: its loopback, its bridge.
    """
    fd = os.open(NETNS_DIR / name, os.O_RDONLY | os.O_CLOEXEC)
    try:
        _setns(fd)
    finally:
        os.close(fd)


def _setns(fd: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise NetnsError(f"setns: {os.strerror(err)}")


@contextlib.contextmanager
def joined(name: str) -> Iterator[None]:
    """Inside ``name`` for the block, back in the thread's own namespace after it."""
    home = os.open("/proc/thread-self/ns/net", os.O_RDONLY | os.O_CLOEXEC)
    try:
        join(name)
        try:
            yield
        finally:
            _setns(home)
    finally:
        os.close(home)

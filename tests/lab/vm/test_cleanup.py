"""The VM lab stays in its box: Ctrl-C while it boots, a killed lab (a crashed daemon: at the end
of test_real_migration.py, on that module's lab).

After each, no namespace, daemon or QEMU of that lab is left, and /dev/net/tun is as it was.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.lab.vm.conftest import need
from xentui.lab.vm import netns, tunperm
from xentui.lab.vm.netns import LAB_PROGRAMS, NETNS_DIR

pytestmark = pytest.mark.timeout(240)


def programs_in(inode: int) -> list[int]:
    """The lab's programs still running in the namespace with this inode, named or not."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.stat(entry / "ns" / "net").st_ino != inode:
                continue
            if os.path.basename(os.readlink(entry / "exe")) in LAB_PROGRAMS:
                found.append(int(entry.name))
        except OSError:
            continue
    return found


class Child:
    def __init__(self, tmp: Path) -> None:
        self.log = tmp / "lab.log"
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "xentui", "lab", "--vm"],
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        self.netns = netns.name_for(self.proc.pid)
        self.inode: int | None = None

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def until(self, word: str, timeout: float = 150) -> None:
        deadline = time.monotonic() + timeout
        while word not in self.text():
            assert self.proc.poll() is None, self.text()
            assert time.monotonic() < deadline, self.text()
            if self.inode is None and (NETNS_DIR / self.netns).exists():
                self.inode = os.stat(NETNS_DIR / self.netns).st_ino
            time.sleep(0.1)
        if self.inode is None:
            self.inode = os.stat(NETNS_DIR / self.netns).st_ino

    def exit_code(self, timeout: float = 30) -> int:
        return self.proc.wait(timeout)


@pytest.fixture
def child(tmp_path: Path) -> Iterator[Child]:
    need("qemu", "busybox", "apt", "libvirt", "tun", "netadmin")
    tun = os.stat("/dev/net/tun")
    c = Child(tmp_path)
    try:
        yield c
    finally:
        if c.proc.poll() is None:
            c.proc.kill()
            c.proc.wait()
        netns.sweep_stale()
        tunperm.sweep()
    after = os.stat("/dev/net/tun")
    assert (after.st_uid, after.st_mode) == (tun.st_uid, tun.st_mode)


def gone(c: Child) -> None:
    assert c.netns not in netns.ours()
    assert c.inode is not None and programs_in(c.inode) == []


def test_ctrl_c_while_the_guest_boots_removes_everything(child: Child) -> None:
    child.until("booting the guest")
    assert programs_in(child.inode or 0)  # libvirtd and QEMU are up
    child.proc.send_signal(signal.SIGINT)
    assert child.exit_code() == 130
    assert "lab stopped before it was ready" in child.text()
    gone(child)


def test_a_killed_lab_is_swept_by_the_next_start(child: Child) -> None:
    # killed as soon as all it leaves behind is up (the namespace, the tun grant, both daemons
    # and the guest's QEMU): waiting for "ready" would add only the SSH servers, which live in
    # the lab's own process and die with it, and ~9 s of TCG boot
    child.until("booting the guest")
    running = [
        os.path.basename(os.readlink(f"/proc/{p}/exe")) for p in programs_in(child.inode or 0)
    ]
    assert running.count("libvirtd") == 2 and "qemu-system-x86_64" in running, running
    child.proc.kill()  # no clean-up at all: namespace, daemons and QEMU stay behind
    child.proc.wait()
    assert child.netns in netns.ours() and programs_in(child.inode or 0)
    assert os.stat("/dev/net/tun").st_uid != 0  # still given to the lab's user
    swept = netns.sweep_stale()  # what the next `xentui lab --vm` does first
    tunperm.sweep()
    assert child.netns in swept
    gone(child)
    assert os.stat("/dev/net/tun").st_uid == 0

"""`xentui demo --vm` as a presenter meets it: in a terminal (tmux), quit, nothing left behind."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.lab.vm.conftest import need
from tests.need import missing
from xentui.lab.vm import netns

pytestmark = pytest.mark.timeout(300)


def tmux(*args: str) -> str:
    done = subprocess.run(["tmux", *args], capture_output=True, text=True, timeout=10)
    return done.stdout


def screen_until(session: str, *words: str, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        text = tmux("capture-pane", "-p", "-t", session)
        if all(w in text for w in words):
            return text
        time.sleep(0.5)
    raise AssertionError(f"never showed {words}; the screen:\n{text}")


def test_demo_vm_shows_the_real_hosts_and_stream_and_leaves_nothing(tmp_path) -> None:
    need("qemu", "busybox", "apt", "libvirt", "tun", "netadmin")
    if shutil.which("tmux") is None:
        missing("tmux not found: apt-get install tmux")
    before = set(netns.ours())
    tun = os.stat("/dev/net/tun")
    session = f"xentui-demo-vm-{os.getpid()}"
    done = tmp_path / "exit"
    command = f"{sys.executable} -m xentui demo --vm; echo $? > {done}; sleep 60"
    tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "36", command)
    try:
        # the build and boot show their stages before the app opens
        screen_until(session, "xentui demo --vm:", timeout=60)
        text = screen_until(
            session, "xen_host_1", "xen_host_2", "virt_server", "kbit/s", timeout=180
        )
        assert "10.0.2.15" in text  # the real guest's own address: no relay in between
        tmux("send-keys", "-t", session, "q")
        deadline = time.monotonic() + 60
        while not done.exists():
            assert time.monotonic() < deadline, tmux("capture-pane", "-p", "-t", session)
            time.sleep(0.2)
        assert done.read_text().strip() == "0"
    finally:
        tmux("kill-session", "-t", session)
    assert set(netns.ours()) <= before
    after = os.stat("/dev/net/tun")
    assert (after.st_uid, after.st_gid, after.st_mode) == (tun.st_uid, tun.st_gid, tun.st_mode)


def test_a_killed_demo_stops_its_lab_and_leaves_nothing() -> None:
    """SIGTERM (or a closed terminal's SIGHUP) while the guest boots: the lab child goes too."""
    need("qemu", "busybox", "apt", "libvirt", "iproute2", "tun", "netadmin")
    before = set(netns.ours())
    demo = subprocess.Popen(
        [sys.executable, "-m", "xentui", "demo", "--vm"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert demo.stderr is not None
        for line in demo.stderr:
            if "booting the guest" in line:
                break
        else:
            raise AssertionError("the demo never showed the boot")
        demo.terminate()
        assert demo.wait(60) == 128 + 15
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.wait()
    assert set(netns.ours()) <= before
    assert not [p for p in Path("/proc").iterdir() if p.name.isdigit() and "lab --vm" in cmdline(p)]


def cmdline(proc: Path) -> str:
    try:
        return (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""

"""QEMU processes for the VM lab: the command line, a guest's lifetime, and libvirt's domain XML.

This exact command line was measured to work on this project's machines (docs/vm-lab.md): TCG
(KVM hangs here), no display or monitor, the console in a file the lab watches for the guest's
ready line, an e1000 on a tap (slirp cannot keep a TCP connection across a migration) and QMP on
a unix socket. A guest runs in its own process group and is killed and reaped however its
owner exits, so no QEMU outlives the lab.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import subprocess
import time
import weakref
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from xentui.lab.vm.domain import check_mac, check_name, check_path, check_tap, domain_xml
from xentui.lab.vm.image import VmImage
from xentui.lab.vm.initramfs import APPEND, READY_MARKER
from xentui.lab.vm.parts import VmLabUnavailable
from xentui.lab.vm.qmp import Qmp

__all__ = ["QemuError", "QemuGuest", "domain_xml", "qemu_argv"]

Progress = Callable[[str, float | None], None]
QEMU = "qemu-system-x86_64"
BOOT_EXPECT_S = 10.0
"""Measured 8-10 s to the ready line under TCG here; the progress bar is scaled to it."""


class QemuError(Exception):
    """QEMU failed to start, exited early, or its guest never said it was ready."""


def qemu_argv(
    image: VmImage,
    *,
    name: str,
    tap: str | None,
    mac: str,
    mem_mib: int,
    qmp_path: Path,
    serial_path: Path,
    incoming: str | None = None,
    netdev: str | None = None,
    qemu: str = QEMU,
) -> list[str]:
    """The measured command line. ``netdev`` replaces the tap (``user,id=n0,...``: tests only)."""
    check_name(name)
    check_mac(mac)
    for path in (image.kernel, image.initrd, qmp_path, serial_path):
        check_path(path)
    if (tap is None) == (netdev is None):
        raise ValueError("give exactly one of tap (the lab's network) and netdev (tests)")
    if tap is not None:
        netdev = f"tap,id=n0,ifname={check_tap(tap)},script=no,downscript=no"
    if not 16 <= mem_mib <= 65536:
        raise ValueError(f"guest memory {mem_mib} MiB: expected 16 to 65536")
    argv = [qemu, "-name", name, "-accel", "tcg", "-display", "none", "-monitor", "none"]
    argv += ["-serial", f"file:{serial_path}", "-m", str(mem_mib), "-no-reboot"]
    argv += ["-kernel", str(image.kernel), "-initrd", str(image.initrd), "-append", APPEND]
    argv += ["-netdev", str(netdev), "-device", f"e1000,netdev=n0,mac={mac}"]
    argv += ["-qmp", f"unix:{qmp_path},server=on,wait=off"]
    if incoming is not None:
        argv += ["-incoming", incoming]
    return argv


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


class QemuGuest:
    """One QEMU: ``await start()``, then ``qmp``; ``await close()`` kills and reaps it.

    ``wrap`` prefixes the command (``["ip", "netns", "exec", NS]``: it execs QEMU in place, so
    the process group is still QEMU's). A destination (``incoming``) prints no ready line: start
    it with ``wait_ready=False``.
    """

    def __init__(
        self,
        image: VmImage,
        *,
        name: str,
        workdir: Path,
        tap: str | None = None,
        netdev: str | None = None,
        mac: str = "52:54:00:12:34:56",
        mem_mib: int = 128,
        incoming: str | None = None,
        wrap: Sequence[str] = (),
    ) -> None:
        self.name = check_name(name)
        self.serial_path = workdir / f"{name}.serial"
        self.qmp_path = workdir / f"{name}.qmp"
        self.stderr_path = workdir / f"{name}.stderr"
        self._wrapped = len(wrap)
        self.argv = [
            *wrap,
            *qemu_argv(
                image, name=name, tap=tap, netdev=netdev, mac=mac, mem_mib=mem_mib,
                qmp_path=self.qmp_path, serial_path=self.serial_path, incoming=incoming,
            ),
        ]  # fmt: skip
        self.proc: asyncio.subprocess.Process | None = None
        self._qmp: Qmp | None = None
        self._reaper: weakref.finalize | None = None

    @property
    def qmp(self) -> Qmp:
        if self._qmp is None:
            raise QemuError(f"{self.name} is not started")
        return self._qmp

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def serial_text(self) -> str:
        """What the guest printed on its console so far."""
        with contextlib.suppress(OSError):
            return self.serial_path.read_text(errors="replace")
        return ""

    def _exit_words(self) -> str:
        code = self.proc.returncode if self.proc else None
        text = ""
        with contextlib.suppress(OSError):
            text = self.stderr_path.read_text(errors="replace").strip()
        last = text.splitlines()[-1] if text else self.serial_text().strip()[-200:]
        return f"QEMU {self.name} exited (code {code}): {last or 'no message'}"

    async def start(
        self, *, progress: Progress | None = None, ready_timeout: float = 90.0,
        wait_ready: bool = True,
    ) -> None:  # fmt: skip
        """Start QEMU, connect QMP and (``wait_ready``) wait for the guest's ready line."""
        say: Progress = progress or (lambda _text, _fraction: None)
        qemu = self.argv[self._wrapped]
        if shutil.which(qemu) is None:
            raise VmLabUnavailable(f"{qemu} not found: apt-get install qemu-system-x86")
        self.serial_path.parent.mkdir(parents=True, exist_ok=True)
        for stale in (self.serial_path, self.qmp_path):
            stale.unlink(missing_ok=True)
        try:
            with self.stderr_path.open("wb") as err:
                self.proc = await asyncio.create_subprocess_exec(
                    *self.argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                    stderr=err, start_new_session=True,
                )  # fmt: skip
            self._reaper = weakref.finalize(self, _kill_group, self.proc.pid)
            say(f"{self.name}: starting QEMU", 0.0)
            self._qmp = await self._unless_exit(Qmp.connect(self.qmp_path, timeout=30))
            if wait_ready:
                await self._wait_ready(say, ready_timeout)
        except BaseException:
            await self.close()
            raise

    async def _unless_exit(self, coro: Any) -> Any:
        """Await ``coro`` unless QEMU exits first (then QemuError with QEMU's own words)."""
        assert self.proc is not None
        task = asyncio.ensure_future(coro)
        exited = asyncio.ensure_future(self.proc.wait())
        try:
            await asyncio.wait({task, exited}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            exited.cancel()
        if not task.done():
            task.cancel()
            with contextlib.suppress(BaseException):
                await task
            raise QemuError(self._exit_words())
        return task.result()

    async def _wait_ready(self, say: Progress, timeout: float) -> None:
        began = time.monotonic()
        while READY_MARKER not in self.serial_text():
            elapsed = time.monotonic() - began
            if self.proc is None or self.proc.returncode is not None:
                raise QemuError(self._exit_words())
            if elapsed > timeout:
                tail = self.serial_text().strip()[-200:] or "nothing on its console"
                raise QemuError(f"{self.name} not ready after {timeout:g} s: {tail}")
            say(f"{self.name}: booting, waiting for its ready line ({elapsed:.0f} s)",
                min(elapsed / BOOT_EXPECT_S, 0.99))  # fmt: skip
            await asyncio.sleep(0.2)
        say(f"{self.name}: ready", 1.0)

    async def close(self) -> None:
        """Stop QEMU (SIGTERM, then SIGKILL to its group) and reap it; safe to call twice."""
        proc, qmp = self.proc, self._qmp
        self._qmp = None
        try:
            if proc is not None and proc.returncode is None:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(proc.pid, signal.SIGTERM)
                try:
                    await asyncio.wait_for(proc.wait(), 5)
                except TimeoutError:
                    _kill_group(proc.pid)
                    await asyncio.wait_for(proc.wait(), 10)
        finally:
            if proc is not None and proc.returncode is None:
                _kill_group(proc.pid)  # cancelled or timed out above: never leave it running
            if qmp is not None:
                await qmp.close()
            self.qmp_path.unlink(missing_ok=True)
            if self._reaper is not None and proc is not None and proc.returncode is not None:
                self._reaper.detach()

    async def __aenter__(self) -> QemuGuest:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

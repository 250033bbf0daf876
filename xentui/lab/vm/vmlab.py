"""The real VM lab: two libvirt hosts on one machine and a real Linux guest that streams.

The lab process moves itself into a network namespace it creates, so that everything it starts
(the hosts' SSH servers, two ``libvirtd``, the QEMUs) lives there and goes with it. The hosts
are reached over the lab's SSH like the simulated ones, but their ``virsh`` is the real one; the
guest is a QEMU (TCG) VM on a tap, on a bridge, serving Ogg over HTTP from its own kernel.
With ``toolstack`` xm or xl there is no libvirt: the lab runs the QEMUs itself and the hosts'
`xm`/`xl` drive them through QMP (qmp_face.py, qemu_pair.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pwd
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import asyncssh

from xentui.lab.machine import coreutils
from xentui.lab.machine.shell import Handler, Machine
from xentui.lab.machine.sshserver import SshEndpoint
from xentui.lab.machine.vfs import Vfs
from xentui.lab.vm import netns, tunperm
from xentui.lab.vm.image import VmImage, ensure_image
from xentui.lab.vm.libvirt import LibvirtHost
from xentui.lab.vm.netns import GUEST_IP, Tap
from xentui.lab.vm.parts import require
from xentui.lab.vm.qemu import domain_xml
from xentui.lab.vm.qemu_pair import QemuPair
from xentui.lab.vm.qmp_face import LAB_QMP, LabQmp, QmpFace
from xentui.lab.vm.virsh_face import LabLibvirt

Progress = Callable[[str, float | None], None]

STREAM_PORT = 8888
BOOT_TIMEOUT_S = 120.0
READY_MARKER = b"XENTUI-GUEST-READY"
GUEST_MAC = "52:54:00:12:34:56"
LAB_USER = "nobody"


@dataclass(frozen=True)
class VmLabOptions:
    guest_name: str = "virt_server"
    mem_mib: int = 128
    link_mbit: float | None = 100.0
    """The migration link (``virsh migrate --bandwidth``); None: libvirt's default."""
    rebuild: bool = False
    cache_dir: Path | None = None
    poll_interval_s: float = 1.0
    buffer_s: float = 5.0
    toolstack: str = "virsh"
    """virsh: real libvirt; xm or xl: the seed's commands on the lab's own QEMUs, through QMP."""
    xm_version: str = "3.0.3"


class VmLab:
    """Two ``libvirtd`` hosts and the guest in a namespace of the lab's own; see the module doc."""

    def __init__(self, options: VmLabOptions | None = None) -> None:
        self.options = options or VmLabOptions()
        self.netns = netns.name_for(os.getpid())
        self.hosts: dict[str, LibvirtHost] = {}
        """The libvirt hosts (toolstack virsh); with xm or xl the hosts are ``pair.hosts``."""
        self.pair: QemuPair | None = None
        self.endpoints: dict[str, SshEndpoint] = {}
        self.taps: dict[str, Tap] = {}
        self.workdir = Path()
        self.image: VmImage | None = None
        self.config_path = Path()
        self.client_key_path = Path()
        self.known_hosts_path = Path()
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._made_netns = False
        self._granted = False

    # --- lifecycle -------------------------------------------------------------------------

    async def start(self, progress: Progress | None = None) -> None:
        say: Progress = progress or (lambda _t, _f: None)
        virsh = self.options.toolstack == "virsh"
        require(
            (
                "qemu",
                "busybox",
                "apt",
                *(("libvirt",) if virsh else ()),
                "iproute2",
                "tun",
                "netadmin",
            )
        )
        try:
            await self._start(say)
        except BaseException:
            await self.close()
            raise

    async def _start(self, say: Progress) -> None:
        swept = netns.sweep_stale()
        tunperm.sweep()
        if swept:
            say(f"removed what a killed lab left: {', '.join(swept)}", None)
        self.image = await ensure_image(
            cache_dir=self.options.cache_dir, rebuild=self.options.rebuild, progress=say
        )
        say("network namespace, bridge and taps", None)
        self._tmp = tempfile.TemporaryDirectory(prefix="xentui-vmlab-")
        self.workdir = Path(self._tmp.name)
        self.workdir.chmod(0o755)  # the lab's user must reach its hosts' folders
        images = self.workdir / "image"
        images.mkdir(mode=0o755)
        for src in (self.image.kernel, self.image.initrd):
            shutil.copy(src, images / src.name)
            (images / src.name).chmod(0o644)
        names = ["xen_host_1", "xen_host_2"]
        self.taps = {n: Tap(f"tap{i}", GUEST_MAC) for i, n in enumerate(names, start=1)}
        netns.create(self.netns, list(self.taps.values()), tap_user=LAB_USER)
        self._made_netns = True
        netns.join(self.netns)
        opts = self.options
        if opts.toolstack == "virsh":
            await self._start_libvirt(names, images, say)
        else:  # root runs the QEMUs: no libvirt, no grant
            self.pair = QemuPair(
                self._image_in(images), self.taps, self.workdir,
                guest_name=opts.guest_name, mem_mib=opts.mem_mib, link_mbit=opts.link_mbit,
            )  # fmt: skip
            say(f"starting the guest's QEMU on {names[0]}", None)
            qemu = await self.pair.boot(names[0])
            await self._wait_booted(qemu.serial_path, say)
        await self._serve_ssh()
        self._write_lab_file()

    async def _start_libvirt(self, names: list[str], images: Path, say: Progress) -> None:
        tunperm.grant(pwd.getpwnam(LAB_USER).pw_uid)
        self._granted = True
        say("starting libvirtd on both hosts", None)
        for i, name in enumerate(names, start=1):
            self.hosts[name] = LibvirtHost(
                name, self.workdir / name, str(uuid.UUID(int=(0x5E17 << 64) + i)), user=LAB_USER
            )
        await asyncio.gather(*(h.start() for h in self.hosts.values()))
        await self._boot_guest(images, say)

    def serial_path(self, name: str) -> Path:
        return self.hosts[name].root / "console.log"

    def _image_in(self, images: Path) -> VmImage:
        """The cached image as copied into the lab's folder (readable by the lab's user)."""
        assert self.image is not None
        i = self.image
        k, r = images / i.kernel.name, images / i.initrd.name
        return VmImage(k, r, i.kernel_package, i.kernel_version, i.media_name, i.media_seconds)

    async def _boot_guest(self, images: Path, say: Progress) -> None:
        first = "xen_host_1"
        host = self.hosts[first]
        xml = domain_xml(
            self._image_in(images),
            name=self.options.guest_name,
            uuid=str(uuid.uuid4()),
            tap=self.taps[first].name,
            mac=GUEST_MAC,
            mem_mib=self.options.mem_mib,
            serial_path=self.serial_path(first),
        )
        path = host.root / "guest.xml"
        path.write_text(xml)
        rc, _out, err = await host.virsh("create", str(path))
        if rc != 0:
            raise RuntimeError(f"virsh create on {first}: {err.strip()}")
        await self._wait_booted(self.serial_path(first), say)

    async def _wait_booted(self, console: Path, say: Progress) -> None:
        """The guest's ready marker on its console, then its HTTP server answering."""
        started = time.monotonic()
        deadline = started + BOOT_TIMEOUT_S
        while True:
            waited = time.monotonic() - started
            with contextlib.suppress(OSError):
                if READY_MARKER in console.read_bytes():
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"the guest did not boot within {BOOT_TIMEOUT_S:g} s")
            say("booting the guest (TCG, ~10 s)", min(waited / 10.0, 0.99))
            await asyncio.sleep(0.25)
        while time.monotonic() < deadline:
            try:
                _r, w = await asyncio.wait_for(
                    asyncio.open_connection(GUEST_IP, STREAM_PORT), timeout=2.0
                )
                w.close()
                say("guest is serving its stream", 1.0)
                return
            except (OSError, TimeoutError):
                await asyncio.sleep(0.25)
        raise RuntimeError(f"the guest's HTTP server did not answer on {GUEST_IP}:{STREAM_PORT}")

    async def _serve_ssh(self) -> None:
        opts = self.options
        client_key = asyncssh.generate_private_key("ssh-ed25519", comment="xentui-vmlab")
        self.client_key_path = self.workdir / "client_key"
        self.client_key_path.write_bytes(client_key.export_private_key("openssh"))
        self.client_key_path.chmod(0o600)
        mib = None
        if opts.link_mbit is not None:
            mib = max(1, round(opts.link_mbit * 1e6 / 8 / 2**20))
        for name in self.taps:
            commands: dict[str, Handler] = dict(coreutils.COMMANDS)
            if self.pair is not None:
                qhost = self.pair.hosts[name]
                commands[opts.toolstack] = QmpFace(
                    self.pair, qhost, opts.toolstack, opts.xm_version
                )
                commands[LAB_QMP] = LabQmp(qhost)
            else:
                serial = str(self.serial_path(name))
                face = LabLibvirt(self.hosts[name], self.taps[name].name, serial, self._peer, mib)
                commands["virsh"] = face
            machine = Machine(name, Vfs(), commands, self)
            self.endpoints[name] = SshEndpoint(
                machine, "127.0.0.1", asyncssh.generate_private_key("ssh-ed25519"), client_key
            )
        await asyncio.gather(*(ep.start() for ep in self.endpoints.values()))

    def _peer(self, uri: str) -> tuple[LibvirtHost, str, str] | None:
        for name, host in self.hosts.items():
            if host.uri == uri:
                return host, self.taps[name].name, str(self.serial_path(name))
        return None

    def _write_lab_file(self) -> None:
        from xentui.lab.vm.labfile import render

        self.known_hosts_path = self.workdir / "known_hosts"
        self.known_hosts_path.write_text(
            "".join(ep.known_hosts_line() for ep in self.endpoints.values())
        )
        self.config_path = self.workdir / "xentui.toml"
        self.config_path.write_text(render(self), encoding="utf-8")

    async def close(self) -> None:
        """Everything the lab made goes, whatever state the start reached."""
        for ep in self.endpoints.values():
            with contextlib.suppress(Exception):
                await ep.close()
        if self.pair is not None:
            with contextlib.suppress(Exception):
                await self.pair.close()
        for host in self.hosts.values():
            with contextlib.suppress(Exception):
                await host.stop()
        if self._made_netns:
            await asyncio.to_thread(netns.kill_all, self.netns)
            await asyncio.to_thread(netns.remove, self.netns)
            self._made_netns = False
        if self._granted:
            tunperm.release()
            self._granted = False
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    # --- what tests and the CLI ask ------------------------------------------------------------

    @property
    def host_names(self) -> list[str]:
        return list(self.taps)

    def ssh_port(self, name: str) -> int:
        return self.endpoints[name].port

    @property
    def guest_url(self) -> str:
        assert self.image is not None
        return f"http://{GUEST_IP}:{STREAM_PORT}/{self.image.media_name}"

    async def where_is_guest(self) -> list[str]:
        """Every host whose libvirt (or QEMU) runs the guest right now (the truth below the app)."""
        if self.pair is not None:
            return self.pair.where()
        found = []
        for name, host in self.hosts.items():
            rc, out, _err = await host.virsh("list", "--name")
            if rc == 0 and self.options.guest_name in out.split():
                found.append(name)
        return found

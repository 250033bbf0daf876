"""The lab as a whole: hosts and guest on their own loopback addresses, SSH servers, the lab file.

Everything that spans machines lives here: name resolution inside the lab, the guest's single
domain, relocation listeners that follow each host's xend config, and the ground truth.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import tempfile
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

from xentui.config import LabConfig
from xentui.lab.addresses import RELOCATION_PORT
from xentui.lab.machine.sshserver import SshEndpoint
from xentui.lab.options import LabOptions
from xentui.lab.xen.domains import SimDomain
from xentui.lab.xen.files import version_tuple
from xentui.lab.xen.host import SimHost
from xentui.lab.xen.truth import GroundTruth
from xentui.tasks import cancel_and_wait

if TYPE_CHECKING:
    import asyncssh

    from xentui.lab.labstate import LabState
    from xentui.lab.machine.shell import Out
    from xentui.lab.streaming.guest import Guest
    from xentui.lab.xen.migrecv import RelocationServer

__all__ = ["Lab", "LabOptions"]

T = TypeVar("T")


class Lab:
    """Simulated Xen hosts and the guest, served over real SSH, TCP and HTTP on loopback."""

    # Set by build() during start(), absent before: close() after a failed start checks for them.
    base: str
    """The lab's 127.A.B block: hosts at .1.., the guest at .200."""
    client_key: asyncssh.SSHKey
    guest: Guest
    guest_endpoint: SshEndpoint
    state: LabState
    """Where the last start was, when kept (``LabOptions.keep_state``); its notes say what moved."""

    def __init__(
        self,
        options: LabOptions | None = None,
        workdir: Path | str | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.options = options or LabOptions()
        self.workdir = Path(workdir) if workdir is not None else None
        self.clock = clock
        self.hosts: dict[str, SimHost] = {}
        self.endpoints: dict[str, SshEndpoint] = {}
        self.relocation: dict[str, RelocationServer] = {}
        self.ground_truth = GroundTruth(self)
        self.config_path = Path()
        self.config: LabConfig | None = None
        self.client_key_path = Path()
        self.known_hosts_path = Path()
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._tasks: set[asyncio.Task[object]] = set()
        self.incoming: tuple[SimHost, SimDomain] | None = None
        """The guest's domain on a migration's target while the transfer runs."""

    # --- lifecycle ---------------------------------------------------------------------------

    async def __aenter__(self) -> Lab:
        await self.start()
        return self

    async def __aexit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def start(self) -> None:
        opts = self.options
        if opts.hosts < 1:
            raise ValueError("a lab needs at least one host")
        v = version_tuple(opts.xm_version)
        if not (3, 0) <= v <= (4, 4, 99):
            raise ValueError(f"xm_version {opts.xm_version!r}: expected a Xen version 3.0.0 to 4.4")
        for i in range(1, opts.hosts + 1):
            if opts.toolstack_of(i) not in ("xm", "xl"):
                raise ValueError(f"toolstack {opts.toolstack_of(i)!r}: expected xm or xl")
        # a failed start is closed here: the caller's `async with` never reaches __aexit__
        try:
            await self._build()
        except BaseException:
            await self.close()
            raise

    async def _build(self) -> None:
        from xentui.lab.build import build

        await build(self)

    async def close(self) -> None:
        try:
            for ep in [*self.endpoints.values(), getattr(self, "guest_endpoint", None)]:
                if ep is not None:
                    await ep.close()
            for server in list(self.relocation.values()):
                with contextlib.suppress(Exception):
                    await server.close()
            self.relocation.clear()
            await cancel_and_wait(list(self._tasks))
        finally:  # a cancel aimed at close() itself goes on once the guest and files are gone
            await self._close_rest()

    async def _close_rest(self) -> None:
        if hasattr(self, "guest"):
            await self.guest.stopped()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    # --- contract 4 (docs/ARCHITECTURE.md): what tests and fixtures drive ----------------------

    @property
    def host_names(self) -> list[str]:
        return list(self.hosts)

    def host(self, name: str) -> SimHost:
        return self.hosts[name]

    def ssh_port(self, name: str) -> int:
        if name == self.options.guest_name:
            return self.guest_endpoint.port
        return self.endpoints[name].port

    @property
    def guest_url(self) -> str:
        return self.guest.url

    @property
    def guest_ssh_port(self) -> int:
        return self.guest_endpoint.port

    def where_is_guest(self) -> str | None:
        return self.guest.host.name if self.guest.host is not None else None

    async def stop_host(self, name: str) -> None:
        await self.endpoints[name].close()

    async def start_host(self, name: str) -> None:
        await self.endpoints[name].start()

    def guest_domains(self) -> list[tuple[str, SimDomain]]:
        """Every domain, on any host, that is the guest under any of its names."""
        g = self.options.guest_name
        names = {g, f"migrating-{g}", f"{g}--incoming", f"{g}--migratedaway"}
        return [(h.name, d) for h in self.hosts.values() for d in h.domains if d.name in names]

    # --- names inside the lab --------------------------------------------------------------------

    def resolve(self, name: str, asker: SimHost | None = None) -> str | None:
        if name in ("localhost", "localhost.localdomain", "127.0.0.1"):
            return asker.ip if asker is not None else "127.0.0.1"
        if name in self.hosts:
            return self.hosts[name].ip
        if name == self.options.guest_name:
            return self.guest.ip
        try:
            ip = ipaddress.IPv4Address(name)
        except ValueError:
            return None
        return str(ip) if ip.is_loopback else None

    def name_of(self, ip: str) -> str:
        """What socket.getfqdn would answer for a lab address."""
        for host in self.hosts.values():
            if host.ip == ip:
                return host.name
        return self.options.guest_name if ip == self.guest.ip else ip

    def host_by_name(self, name: str) -> SimHost | None:
        ip = self.resolve(name)
        return next((h for h in self.hosts.values() if h.ip == ip), None)

    def host_by_ip(self, ip: str) -> SimHost | None:
        return next((h for h in self.hosts.values() if h.ip == ip), None)

    # --- what the tools do to domains --------------------------------------------------------

    def set_paused(
        self, host: SimHost, dom: SimDomain, *, paused: bool, count: int | None = None
    ) -> None:
        dom.set_paused(count if count is not None else (1 if paused else 0))
        if dom is self.guest.dom:
            if dom.paused:
                self.guest.halt("paused")
            else:
                self.guest.resume("paused")

    async def stop_domain(self, host: SimHost, dom: SimDomain) -> None:
        host.remove(dom)
        if dom is self.guest.dom:
            await self.guest.stopped()

    async def create_guest(self, host: SimHost, path: str, *, console: bool, tool: str) -> Out:
        from xentui.lab.xen.create_cmd import create_guest

        return await create_guest(self, host, path, console=console, tool=tool)

    async def _guest_gate(self) -> None:
        """SSH into the guest waits while it cannot run, and fails if it runs nowhere."""
        if not self.guest.running:
            raise ConnectionError("guest is not running")
        await self.guest.can_run.wait()

    # --- xend's relocation listener ------------------------------------------------------------

    def relocation_port(self, host: SimHost | None) -> int:
        """xend's port on an xm host; an xl host listens on none (xl migrates over ssh)."""
        if host is None:
            return RELOCATION_PORT
        return host.relocation.port if host.toolstack == "xm" else host.reloc_port

    async def restart_xend(self, host: SimHost) -> None:
        host.reread_xend_config()
        await self._apply_relocation(host)

    async def _apply_relocation(self, host: SimHost) -> None:
        from xentui.lab.xen.relocation import apply_relocation

        await apply_relocation(self, host)

    def spawn(self, coro: Coroutine[Any, Any, T], name: str) -> asyncio.Task[T]:
        task = asyncio.create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

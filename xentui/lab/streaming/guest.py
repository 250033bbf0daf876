"""The demo guest: where its domain lives, its own files and gnump3d, and its stream's halts.

The stream keeps one address however often the guest moves, as a migrated guest keeps its IP
and its TCP connections; the lab halts it while the guest cannot run (paused, stop-and-copy).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

from xentui.lab.machine.vfs import Vfs
from xentui.lab.streaming.stream import HaltRecord, StreamServer
from xentui.lab.xen.domains import SimDomain
from xentui.lab.xen.host import SimHost

MEDIA_DIR = "/home/mp3"
MEDIA_NAME = "TruthHappens.ogg"


class Guest:
    """virt_server: one domain on at most one host, plus what runs inside it."""

    def __init__(
        self,
        name: str,
        ip: str,
        stream_port: int,
        media: Path,
        *,
        mem_mib: int = 128,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name, self.ip, self.stream_port = name, ip, stream_port
        self.media, self.mem_mib, self.clock = media, mem_mib, clock
        self.host: SimHost | None = None
        self.dom: SimDomain | None = None
        self.vfs = Vfs()
        for d in (MEDIA_DIR, "/root", "/usr/local/bin", "/etc/gnump3d", "/proc"):
            self.vfs.mkdir(d)
        self.vfs.write("/usr/local/bin/gnump3d", "#!/usr/bin/perl\n# GNUMP3d 2.9.9.9\n")
        self.vfs.write("/etc/gnump3d/gnump3d.conf", "port = 8888\nroot = /home/mp3\n")
        self.stream: StreamServer | None = None
        self.old_halts: list[HaltRecord] = []
        self._why: set[str] = set()
        self.can_run = asyncio.Event()
        self.migrating = False

    # --- where it runs ---------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.host is not None

    def place(self, host: SimHost, dom: SimDomain) -> None:
        self.host, self.dom = host, dom
        self._sync()

    async def stopped(self) -> None:
        """Shut down or destroyed: gnump3d dies with it and its listeners close."""
        self.host, self.dom = None, None
        self._why.clear()
        self.can_run.clear()
        if self.stream is not None:
            self.old_halts.extend(self.stream.halts)
            await self.stream.close()
            self.stream = None

    def halt(self, why: str) -> None:
        self._why.add(why)
        self._sync()

    def resume(self, why: str) -> None:
        self._why.discard(why)
        self._sync()

    def _sync(self) -> None:
        """The stream flows exactly when nothing stops the guest's CPU."""
        blocked = bool(self._why) or self.host is None
        if blocked:
            self.can_run.clear()
        else:
            self.can_run.set()
        if self.stream is None:
            return
        if blocked:
            self.stream.halt(", ".join(sorted(self._why)) or "stopped")
        elif self.stream.halted:
            self.stream.resume("running")

    @property
    def halts(self) -> list[HaltRecord]:
        return [*self.old_halts, *(self.stream.halts if self.stream else [])]

    # --- gnump3d -----------------------------------------------------------------------------

    @property
    def media_present(self) -> bool:
        return self.vfs.exists(f"{MEDIA_DIR}/{MEDIA_NAME}")

    def put_media(self) -> None:
        self.vfs.write(f"{MEDIA_DIR}/{MEDIA_NAME}", self.media.read_bytes())

    @property
    def gnump3d_running(self) -> bool:
        return self.stream is not None

    async def start_gnump3d(self) -> None:
        data = self.vfs.read(f"{MEDIA_DIR}/{MEDIA_NAME}")
        server = StreamServer(
            self.ip,
            self.stream_port,
            data if isinstance(data, bytes) else data.encode(),
            clock=self.clock,
            path=f"/{MEDIA_NAME}",
        )
        await server.start()
        self.stream = server
        self._sync()

    @property
    def url(self) -> str:
        return f"http://{self.ip}:{self.stream_port}/{MEDIA_NAME}"

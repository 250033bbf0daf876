"""The lab guest's gnump3d: an HTTP/1.0 media server whose output freezes with the guest.

A real paused guest sends nothing, not even what its kernel had queued. A user-space server on
this host cannot freeze the kernel, so it keeps the kernel's unsent queue at most one chunk deep
(``leansock.py``); a halt then stops the wire within one chunk. Raw non-blocking sockets,
because asyncio's transports hide a 64 KiB buffer. Everything is timed on one monotonic clock
for the ground truth (``freeze.py``).
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from xentui.lab.pacing import TokenBucket
from xentui.lab.streaming.freeze import HaltRecord, OutputGate
from xentui.lab.streaming.gnump3d import Request, error_page, header_bytes, read_request
from xentui.lab.streaming.leansock import (
    lean_listener,
    make_lean,
    unsent_bytes,
    wait_queue_empty,
    wait_writable,
)
from xentui.lab.streaming.media import ChainedLoop, media_path
from xentui.tasks import cancel_and_wait

__all__ = ["CHUNK", "HaltRecord", "StreamServer"]

CHUNK = 2048
"""gnump3d reads and writes its file in 2 KiB pieces."""
VIRTUAL_SIZE = 2**31 - 1
"""The size the endless loop announces: whole links up to this, like a file of ~2 GB."""


@dataclass(slots=True, eq=False)
class _Conn:
    sock: socket.socket
    peer: str
    task: asyncio.Task[None] | None = None
    bytes_sent: int = 0
    closed: bool = False


class StreamServer:
    """gnump3d-like server of one endless chained Ogg file; halts and resumes with the guest."""

    def __init__(
        self,
        host: str,
        port: int = 0,
        media: bytes | Path | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        path: str = "/TruthHappens.ogg",
        chunk: int = CHUNK,
        link_mbit: float = 100.0,
    ) -> None:
        self.host = host
        self.port = port
        self.path = path
        self.chunk = chunk
        self._clock = clock
        source = media if media is not None else media_path("video")
        if isinstance(source, Path):
            self._media = source.read_bytes()
            self._mtime = source.stat().st_mtime
        else:
            self._media = bytes(source)
            self._mtime = time.time()
        self._loop_media = ChainedLoop(self._media)  # validates the media once, up front
        self.total_size = max(1, VIRTUAL_SIZE // len(self._media)) * len(self._media)
        self._gate = OutputGate(clock, lambda: [self._unsent(c) for c in self._conns])
        self.halts: list[HaltRecord] = self._gate.halts
        self._listener: socket.socket | None = None
        self._accept_task: asyncio.Task[None] | None = None
        self._conns: set[_Conn] = set()
        self.bytes_sent = 0
        self.requests = 0
        # The guest's NIC (the seed's 100 Mbit/s Ethernet), shared by all its connections; it
        # also keeps a client that reads as fast as loopback allows from starving the loop.
        self._nic = TokenBucket(link_mbit * 1e6 / 8)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}{self.path}"

    @property
    def halted(self) -> bool:
        return self._gate.halted

    @property
    def connections(self) -> int:
        return len(self._conns)

    async def start(self) -> None:
        """Listen (again, on the same port after close()); connections are served at once."""
        if self._listener is not None:
            return
        lsock = lean_listener(self.host, self.port)
        self._listener = lsock
        self.port = lsock.getsockname()[1]
        self._accept_task = asyncio.create_task(self._accept_loop(), name="stream-accept")

    async def close(self) -> None:
        """Stop listening and drop every connection."""
        accept, self._accept_task = self._accept_task, None
        try:
            if accept is not None:
                await cancel_and_wait([accept])
        finally:  # a cancel aimed at close() itself goes on once all is closed
            if self._listener is not None:
                self._listener.close()
                self._listener = None
            tasks = [c.task for c in self._conns if c.task is not None]
            self.disconnect_all()
            try:
                await cancel_and_wait(tasks)
            finally:
                await self._gate.close()

    def halt(self, why: str) -> None:
        """Stop sending (paused, stop-and-copy, shut down); connections stay open.

        Halts do not nest: halting a halted guest only adds ``why`` to the current record.
        """
        self._gate.halt(why)

    def resume(self, why: str) -> None:
        """Send again: the first chunk follows within one loop turn."""
        self._gate.resume()

    def disconnect_all(self) -> None:
        """The guest was destroyed or shut down: its TCP connections end."""
        for conn in list(self._conns):
            if conn.task is not None:
                conn.task.cancel()
            else:
                self._drop(conn)

    # --- internals -----------------------------------------------------------------------------

    def _unsent(self, conn: _Conn) -> int:
        if conn.closed:
            return 0
        try:
            return unsent_bytes(conn.sock)
        except OSError:
            return 0

    async def _accept_loop(self) -> None:
        loop = asyncio.get_running_loop()
        assert self._listener is not None
        while True:
            try:
                sock, addr = await loop.sock_accept(self._listener)
            except OSError:
                await asyncio.sleep(0.05)  # e.g. EMFILE: keep serving the others
                continue
            try:
                make_lean(sock)
            except OSError:
                sock.close()
                continue
            conn = _Conn(sock=sock, peer=addr[0])
            self._conns.add(conn)
            conn.task = asyncio.create_task(self._serve(conn), name=f"stream-{addr[0]}:{addr[1]}")

    def _drop(self, conn: _Conn) -> None:
        if not conn.closed:
            conn.closed = True
            conn.sock.close()
        self._conns.discard(conn)

    async def _serve(self, conn: _Conn) -> None:
        try:
            request = await read_request(conn.sock)
            if request is None:
                return
            self.requests += 1
            await self._respond(conn, request)
        except (ConnectionError, OSError, TimeoutError):
            pass  # the client went away: gnump3d logs a 410 and moves on
        finally:
            self._drop(conn)

    async def _respond(self, conn: _Conn, request: Request) -> None:
        await self._gate.wait_open()  # a frozen guest answers nothing, not even a header
        icy_name = Path(self.path).stem
        where = f"{self.host}:{self.port}"
        if request.method != "GET" or request.path != self.path:
            head = header_bytes(404, "text/html", icy=request.icy, icy_name=icy_name, host=where)
            await self._send(conn, head + error_page())
            return
        start = min(request.range_start, self.total_size)
        head = header_bytes(
            200,
            "application/ogg",
            size=self.total_size,
            range_start=start,
            mtime=self._mtime,
            icy=request.icy,
            icy_name=icy_name,
            host=where,
        )
        await self._send(conn, head)
        left = self.total_size - start
        for piece in self._loop_media.chunks(start, self.chunk):
            piece = piece[:left]
            await self._send(conn, piece)
            left -= len(piece)
            if left <= 0:
                return

    async def _send(self, conn: _Conn, data: bytes) -> None:
        view = memoryview(data)
        while view:
            await self._gate.wait_open()
            await wait_queue_empty(conn.sock)
            if self.halted:
                continue  # halted while the queue drained: send nothing more
            await self._nic.take(min(len(view), self.chunk))
            if self.halted:
                continue
            try:
                n = conn.sock.send(view)
            except BlockingIOError:
                await wait_writable(conn.sock)  # the send buffer is full of bytes not yet ACKed
                continue
            conn.bytes_sent += n
            self.bytes_sent += n
            view = view[n:]

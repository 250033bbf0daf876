"""A small httpcore network backend that reads like a player and knows when its data arrived.

httpcore's stock backend applies socket options after ``connect()`` (too late for the window
scale and the MSS) and anyio moves the whole kernel queue into user space at once, hiding bytes
from FIONREAD and opening the window in big jumps (docs/stream.md, "Backpressure"). This
backend sets the options on a fresh socket before connecting and does one ``sock_recv`` of at most
``step`` bytes per read, and it notes when a read has been waiting (starvation).

On Linux each read also asks the kernel when the data it returns arrived (``SO_TIMESTAMPNS``: TCP
reports the receive time of the newest segment a read copied), so gaps are timed from kernel
arrivals without polling TCP_INFO a thousand times a second.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import struct
import sys
import time
from collections.abc import Callable, Iterable
from typing import Any

import httpcore

SocketOption = (
    tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]
)
"""The socket options httpcore accepts (its own ``SOCKET_OPTION``, spelled out)."""


SO_TIMESTAMPNS = 35
"""Linux's SO_TIMESTAMPNS (== SCM_TIMESTAMPNS); Python's socket module does not name it."""
_STAMP_SPACE = socket.CMSG_SPACE(16) if hasattr(socket, "CMSG_SPACE") else 0

ReadHook = Callable[[float, float | None], None]
"""Called after each read with how long it waited and when its data arrived (None: unknown)."""


def enable_timestamps(sock: socket.socket) -> bool:
    """Ask for kernel receive times on each read; False where the OS cannot give them."""
    if not sys.platform.startswith("linux") or not _STAMP_SPACE:
        return False
    try:
        sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    except OSError:
        return False
    return True


class SockStream(httpcore.AsyncNetworkStream):
    """One connected socket; ``waiting_since`` is set while a read waits for data."""

    def __init__(
        self, sock: socket.socket, step: int, clock: Callable[[], float], stamped: bool = False
    ) -> None:
        self.sock = sock
        self.step = step
        self._clock = clock
        self.stamped = stamped
        """Each read learns when its data reached the kernel (``on_read``'s second argument)."""
        self.on_read: ReadHook | None = None
        self.waiting_since: float | None = None
        self.last_read_at: float | None = None

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        started = self.waiting_since = self._clock()
        arrived: float | None = None
        try:
            async with asyncio.timeout(timeout):
                if self.stamped:
                    data, arrived = await self._recv_stamped(min(max_bytes, self.step))
                else:
                    loop = asyncio.get_running_loop()
                    data = await loop.sock_recv(self.sock, min(max_bytes, self.step))
        except TimeoutError as exc:
            raise httpcore.ReadTimeout(f"no data for {timeout:g} s") from exc
        except OSError as exc:
            raise httpcore.ReadError(str(exc) or type(exc).__name__) from exc
        finally:
            self.waiting_since = None
        done = self.last_read_at = self._clock()
        if self.on_read is not None and data:
            self.on_read(done - started, arrived)
        return data

    async def _recv_stamped(self, n: int) -> tuple[bytes, float | None]:
        """One ``recvmsg``, waiting for readability if need be; the data and its arrival time."""
        while True:
            try:
                data, anc, _, _ = self.sock.recvmsg(n, _STAMP_SPACE)
            except (BlockingIOError, InterruptedError):
                await self._readable()
                continue
            return data, self._arrival(anc)

    async def _readable(self) -> None:
        loop = asyncio.get_running_loop()
        fd = self.sock.fileno()
        ready: asyncio.Future[None] = loop.create_future()
        loop.add_reader(fd, _settle, ready)
        try:
            await ready
        finally:
            loop.remove_reader(fd)

    def _arrival(self, anc: list[tuple[int, int, bytes]]) -> float | None:
        """The kernel's receive time (CLOCK_REALTIME) as a reading of this stream's clock."""
        for level, kind, blob in anc:
            if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(blob) >= 16:
                sec, nsec = struct.unpack_from("qq", blob)
                ago = time.time() - (sec + nsec / 1e9)
                return self._clock() - max(0.0, ago)
        return None

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                await loop.sock_sendall(self.sock, buffer)
        except TimeoutError as exc:
            raise httpcore.WriteTimeout(f"could not send the request in {timeout:g} s") from exc
        except OSError as exc:
            raise httpcore.WriteError(str(exc) or type(exc).__name__) from exc

    async def aclose(self) -> None:
        self.sock.close()

    def get_extra_info(self, info: str) -> Any:
        if info == "socket":
            return self.sock
        if info == "is_readable":
            return False
        if info in ("client_addr", "server_addr"):
            with contextlib.suppress(OSError):
                return self.sock.getsockname() if info == "client_addr" else self.sock.getpeername()
        return None


def _settle(fut: asyncio.Future[None]) -> None:
    if not fut.done():
        fut.set_result(None)


class SockBackend(httpcore.AsyncNetworkBackend):
    """Connects with the socket options set before ``connect()``; reads at most ``step`` bytes."""

    def __init__(
        self,
        step: int = 1024,
        clock: Callable[[], float] = time.monotonic,
        timestamps: bool = False,
    ) -> None:
        self.step = step
        self.clock = clock
        self.timestamps = timestamps
        self.last_stream: SockStream | None = None

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> SockStream:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
                sock = await _connect_first(infos, local_address, list(socket_options or ()))
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(f"no answer from {host}:{port} in {timeout:g} s") from exc
        except socket.gaierror as exc:
            raise httpcore.ConnectError(f"cannot resolve {host!r}: {exc.strerror}") from exc
        except OSError as exc:  # asyncio words refusals "Connect call failed": say the errno's
            why = os.strerror(exc.errno) if exc.errno else str(exc)
            raise httpcore.ConnectError(why) from exc
        stamped = self.timestamps and enable_timestamps(sock)
        self.last_stream = SockStream(sock, self.step, self.clock, stamped)
        return self.last_stream

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not supported by the probe")

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


async def _connect_first(
    infos: list[tuple[Any, ...]], local_address: str | None, options: list[SocketOption]
) -> socket.socket:
    """Each resolved address in turn, as curl does: ``localhost`` may give ::1 first while the
    server listens on 127.0.0.1 only. The last address's error is the one raised."""
    loop = asyncio.get_running_loop()
    for i, (family, kind, proto, _, addr) in enumerate(infos):
        sock = socket.socket(family, kind, proto)
        try:
            sock.setblocking(False)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            for option in options:
                sock.setsockopt(*option)
            if local_address:
                sock.bind((local_address, 0))
            await loop.sock_connect(sock, addr)
            return sock
        except OSError:
            sock.close()
            if i == len(infos) - 1:
                raise
        except BaseException:
            sock.close()
            raise
    raise OSError("no address to connect to")  # getaddrinfo raises rather than return none


def player_socket_options(rcvbuf: int = 1024, mss: int | None = 536) -> list[SocketOption]:
    """A tiny receive buffer and, where the OS has it, a small MSS.

    Linux doubles the buffer and floors it at 2304 bytes: 1024 asked gives the floor, measured to
    halve the data hidden in the kernel against 2048 (a 50 ms halt of a 400 kbit/s stream went
    from sometimes missed to always seen).
    """
    opts: list[SocketOption] = [(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)]
    if mss and hasattr(socket, "TCP_MAXSEG"):
        opts.append((socket.IPPROTO_TCP, socket.TCP_MAXSEG, mss))
    return opts

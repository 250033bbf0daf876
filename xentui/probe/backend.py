"""A small httpcore network backend that reads like a player, and the httpx transport around it.

httpcore's stock backend applies socket options after ``connect()`` (too late for the window
scale and the MSS) and anyio moves the whole kernel queue into user space at once, hiding bytes
from FIONREAD and opening the window in big jumps (stream-physics.md, "Practical advice"). This
backend sets the options on a fresh socket before connecting and does one ``sock_recv`` of at most
``step`` bytes per read, and it notes when a read has been waiting (starvation).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from typing import Any

import httpcore
import httpx

SocketOption = (
    tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]
)
"""The socket options httpcore accepts (its own ``SOCKET_OPTION``, spelled out)."""


class SockStream(httpcore.AsyncNetworkStream):
    """One connected socket; ``waiting_since`` is set while a read waits for data."""

    def __init__(self, sock: socket.socket, step: int, clock: Callable[[], float]) -> None:
        self.sock = sock
        self.step = step
        self._clock = clock
        self.waiting_since: float | None = None
        self.last_read_at: float | None = None

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        loop = asyncio.get_running_loop()
        self.waiting_since = self._clock()
        try:
            async with asyncio.timeout(timeout):
                data = await loop.sock_recv(self.sock, min(max_bytes, self.step))
        except TimeoutError as exc:
            raise httpcore.ReadTimeout(f"no data for {timeout:g} s") from exc
        except OSError as exc:
            raise httpcore.ReadError(str(exc) or type(exc).__name__) from exc
        finally:
            self.waiting_since = None
        self.last_read_at = self._clock()
        return data

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


class SockBackend(httpcore.AsyncNetworkBackend):
    """Connects with the socket options set before ``connect()``; reads at most ``step`` bytes."""

    def __init__(self, step: int = 1024, clock: Callable[[], float] = time.monotonic) -> None:
        self.step = step
        self.clock = clock
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
        self.last_stream = SockStream(sock, self.step, self.clock)
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


_EXCEPTIONS: tuple[tuple[type[Exception], type[httpx.HTTPError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.ProxyError, httpx.ProxyError),
)


@contextlib.contextmanager
def _mapped() -> Iterator[None]:
    """httpcore's errors as httpx's, as httpx's own transport does (its helper is private)."""
    try:
        yield
    except Exception as exc:
        mapped = next((to for frm, to in _EXCEPTIONS if isinstance(exc, frm)), None)
        if mapped is None:
            raise
        raise mapped(str(exc)) from exc


class _Body(httpx.AsyncByteStream):
    def __init__(self, stream: AsyncIterator[bytes] | Any) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _mapped():
            async for part in self._stream:
                yield part

    async def aclose(self) -> None:
        if hasattr(self._stream, "aclose"):
            with _mapped():
                await self._stream.aclose()


class PlayerTransport(httpx.AsyncBaseTransport):
    """httpx transport over an httpcore pool that uses a given network backend."""

    def __init__(
        self,
        backend: httpcore.AsyncNetworkBackend | None = None,
        socket_options: Iterable[SocketOption] = (),
    ) -> None:
        self._pool = httpcore.AsyncConnectionPool(
            network_backend=backend, socket_options=list(socket_options), max_connections=1
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.AsyncByteStream)
        req = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _mapped():
            resp = await self._pool.handle_async_request(req)
        return httpx.Response(
            status_code=resp.status,
            headers=resp.headers,
            stream=_Body(resp.stream),
            extensions=resp.extensions,
        )

    async def aclose(self) -> None:
        await self._pool.aclose()


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

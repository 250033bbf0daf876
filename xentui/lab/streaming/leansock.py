"""Sockets that keep at most one chunk unsent, so a halted sender goes quiet on the wire at once.

On loopback the kernel would queue megabytes below a server (docs/stream.md): a small send
buffer, TCP_NOTSENT_LOWAT 1 and a write only once SIOCOUTQNSD reads 0 keep that queue to one
chunk. The MSS is clamped on the listener, because loopback's 64 KiB MSS with such small
buffers collapses to ~30 KB/s, and it must be set before the handshake.
"""

from __future__ import annotations

import asyncio
import fcntl
import socket
import struct

SIOCOUTQNSD = 0x894B
"""ioctl: bytes in the send queue that were not sent yet (not counting those in flight)."""
MSS = 1448
SNDBUF = 4096
WAKE_POLL_S = 0.005
"""Fallback re-check of the unsent queue if no writability wake-up comes."""


def unsent_bytes(sock: socket.socket) -> int:
    """SIOCOUTQNSD: what the kernel holds for this socket that has not left yet."""
    buf = fcntl.ioctl(sock.fileno(), SIOCOUTQNSD, b"\0\0\0\0")
    return struct.unpack("i", buf)[0]


def lean_listener(host: str, port: int, sndbuf: int = SNDBUF) -> socket.socket:
    """A non-blocking listener whose accepted sockets inherit the MSS and send buffer."""
    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        lsock.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, MSS)
        lsock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, sndbuf)
        lsock.bind((host, port))
        lsock.listen(16)
        lsock.setblocking(False)
    except OSError:
        lsock.close()
        raise
    return lsock


def make_lean(sock: socket.socket) -> None:
    """Options for an accepted socket (raises OSError if the peer is already gone)."""
    sock.setblocking(False)
    # Nagle would hold a chunk's sub-MSS tail until the client's delayed ACK.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NOTSENT_LOWAT, 1)


async def wait_writable(sock: socket.socket) -> None:
    """One wake-up: the socket polls writable, or a short timer for a missed wake-up.

    With TCP_NOTSENT_LOWAT 1 the socket polls writable only once its unsent queue is empty.
    """
    loop = asyncio.get_running_loop()
    fd = sock.fileno()
    wake = loop.create_future()
    loop.add_writer(fd, _settle, wake)
    timer = loop.call_later(WAKE_POLL_S, _settle, wake)
    try:
        await wake
    finally:
        timer.cancel()
        loop.remove_writer(fd)


async def wait_queue_empty(sock: socket.socket) -> None:
    """Wait until the kernel has nothing unsent for this socket."""
    while unsent_bytes(sock) > 0:
        await wait_writable(sock)


def _settle(fut: asyncio.Future[None]) -> None:
    if not fut.done():
        fut.set_result(None)

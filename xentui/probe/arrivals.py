"""Kernel arrival timing, apart from the reader: gaps are timed by when data reached the host."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import socket
import struct
import termios
from collections.abc import Callable
from typing import Protocol

from xentui.probe.backend import SockStream
from xentui.tasks import cancel_and_wait

TCP_INFO_LEN = 232
BYTES_RECEIVED_AT = 128
"""Offset of ``tcpi_bytes_received`` (u64) in Linux's struct tcp_info."""
STAMPLESS_READS = 3
STAMPLESS_S = 0.5
"""A connection whose reads bring no kernel receive time, for this many reads and this long
since the first, gets the poll instead. Not sooner: Linux turns receive timestamps on a moment
after the first socket asks (a deferred static key), so a loaded machine's first reads may lack
them on a kernel that does give them."""
QUEUE_POLL_S = 0.02
"""With read timestamps, how often the kernel's unread bytes are looked at between reads."""


class ArrivalSink(Protocol):
    """The part of the reader's sink that kernel timing feeds; ``t`` is from the reader's clock."""

    def arrival(self, t: float) -> None: ...
    def starving(self, waited_s: float) -> None: ...
    def kernel_queued(self, nbytes: int) -> None: ...


def tcp_bytes_received(sock: socket.socket) -> int:
    info = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, TCP_INFO_LEN)
    return struct.unpack_from("Q", info, BYTES_RECEIVED_AT)[0]


def fionread(sock: socket.socket) -> int:
    return struct.unpack("i", fcntl.ioctl(sock.fileno(), termios.FIONREAD, b"\0\0\0\0"))[0]


class KernelArrivals:
    """One connection's kernel timing until ``stop()``.

    Each read's kernel receive time where Linux gives it (``SO_TIMESTAMPNS``), else a 1 ms task
    polling the arrival counter (TCP_INFO). The bytes the kernel holds unread (FIONREAD) count as
    buffered media.
    """

    def __init__(self, sink: ArrivalSink, clock: Callable[[], float], poll_s: float) -> None:
        self.sink = sink
        self.clock = clock
        self.poll_s = poll_s
        self.tasks: list[asyncio.Task[None]] = []

    def start(self, stream: SockStream) -> None:
        def poll() -> None:
            for task in self.tasks:  # the queue watch: the poll reads the queue itself
                task.cancel()
            task = asyncio.create_task(self._poll(stream), name="probe-tcp-info")
            self.tasks.append(task)

        if stream.stamped:
            stream.on_read = self._stamped_hook(stream, poll)
            watch = asyncio.create_task(self._watch_queue(stream), name="probe-fionread")
            self.tasks.append(watch)
        else:
            poll()

    async def stop(self) -> None:
        await cancel_and_wait(self.tasks)

    def _stamped_hook(
        self, stream: SockStream, fall_back: Callable[[], None]
    ) -> Callable[[float, float | None], None]:
        """After each read: starvation, then the arrival of its newest segment if it is new.

        A segment read in several steps, or segments the kernel merged, carry one time: only a
        later time is an arrival, so arrivals stay in order and a read of old data adds none.
        A read without a time counts as arriving when it was read (what the poll would see).
        A kernel that accepts the option but never sends a time gets the TCP_INFO poll instead.
        """
        sink, sock, clock = self.sink, stream.sock, self.clock
        last, unstamped, since, seen = [float("-inf")], [0], [0.0], [False]

        def hook(waited_s: float, arrived: float | None) -> None:
            with contextlib.suppress(OSError):
                sink.kernel_queued(fionread(sock))
            sink.starving(waited_s)
            if arrived is None:
                now = clock()
                unstamped[0] += 1
                if unstamped[0] == 1:
                    since[0] = now
                if (
                    not seen[0]
                    and unstamped[0] >= STAMPLESS_READS
                    and now - since[0] >= STAMPLESS_S
                ):
                    stream.stamped, stream.on_read = False, None
                    fall_back()
                    return
                arrived = now
            else:
                seen[0], unstamped[0] = True, 0
            if arrived > last[0]:
                last[0] = arrived
                sink.arrival(arrived)

        return hook

    async def _watch_queue(self, stream: SockStream) -> None:
        """Between reads (the player's buffer is full), the bytes the kernel holds unread."""
        while True:
            await asyncio.sleep(QUEUE_POLL_S)
            try:
                self.sink.kernel_queued(fionread(stream.sock))
            except OSError:
                return  # closed under us: the reader reports why

    async def _poll(self, stream: SockStream) -> None:
        """~1 kHz: kernel arrivals (bytes_received changed), starvation, bytes queued unread."""
        sock, sink, clock = stream.sock, self.sink, self.clock
        prev_t, prev = clock(), tcp_bytes_received(sock)
        was_waiting = False
        while True:
            await asyncio.sleep(self.poll_s)
            t = clock()
            try:
                now = tcp_bytes_received(sock)
                queued = fionread(sock)
            except OSError:
                return  # closed under us: the reader reports why
            since = stream.waiting_since
            if since is not None:
                sink.starving(t - since)
            if now != prev:
                at = (prev_t + t) / 2
                # a read that was waiting and returned in this interval was woken by this very
                # arrival (within tens of microseconds): a tighter time than the poll's midpoint
                done = stream.last_read_at
                if was_waiting and done is not None and prev_t < done <= t:
                    at = done
                sink.arrival(at)
            was_waiting = since is not None
            prev_t, prev = t, now
            sink.kernel_queued(queued)

"""Stream reader: one httpx streaming GET at a time, read like a player, reconnecting with backoff.

In player mode it reads one small step only when the sink (the virtual player) has room, through
a socket with a tiny receive buffer, so TCP backpressure paces a push server such as gnump3d.
Gaps are timed from kernel arrivals: each read's kernel receive time where Linux gives it
(``SO_TIMESTAMPNS``), else a 1 ms task polling the arrival counter (TCP_INFO). The bytes the
kernel holds unread (FIONREAD) count as buffered media. Unthrottled mode reads as fast as the
network allows with ordinary buffers.

gnump3d ends some header lines with a bare ``\n``; h11 0.16 splits header lines on ``\r?\n``, so
httpx parses its real header as is (tests/probe/test_reader.py serves it verbatim).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import socket
import struct
import termios
import time
from collections.abc import Callable
from typing import Protocol

import httpx

from xentui.probe.backend import SockBackend, SockStream, player_socket_options
from xentui.probe.transport import PlayerTransport
from xentui.probe.words import describe_error, describe_status, looks_like_html

TCP_INFO_LEN = 232
COALESCE_S = 0.003
"""Unthrottled mode: pause after a small read so the next one takes more (CPU at 100 Mbit/s)."""
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


class ReaderSink(Protocol):
    """What the reader tells the probe; every ``t`` is from the reader's clock."""

    def connected(self, t: float, response: httpx.Response) -> None: ...
    def data(self, t: float, chunk: bytes) -> None: ...
    def arrival(self, t: float) -> None: ...
    def starving(self, waited_s: float) -> None: ...
    def kernel_queued(self, nbytes: int) -> None: ...
    def disconnected(self, t: float, why: str, retry_in_s: float | None) -> None: ...
    def room_wait(self) -> float: ...


def tcp_bytes_received(sock: socket.socket) -> int:
    info = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, TCP_INFO_LEN)
    return struct.unpack_from("Q", info, BYTES_RECEIVED_AT)[0]


def fionread(sock: socket.socket) -> int:
    return struct.unpack("i", fcntl.ioctl(sock.fileno(), termios.FIONREAD, b"\0\0\0\0"))[0]


class StreamReader:
    """Connects, reads and reconnects until cancelled; tells ``sink`` everything, in words."""

    def __init__(
        self,
        url: str,
        sink: ReaderSink,
        *,
        player_mode: bool = True,
        step: int = 512,
        rcvbuf: int = 1024,
        mss: int | None = 536,
        connect_timeout_s: float = 5.0,
        idle_timeout_s: float = 60.0,
        backoff_s: tuple[float, float] = (0.5, 10.0),
        poll_s: float = 0.001,
        timestamps: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = url
        self.sink = sink
        self.player_mode = player_mode
        self.step = step if player_mode else 256 * 1024
        self.options = player_socket_options(rcvbuf, mss) if player_mode else []
        self.timeout = httpx.Timeout(connect_timeout_s, read=idle_timeout_s)
        self.backoff_s = backoff_s
        self.poll_s = poll_s
        self.timestamps = timestamps
        """Time arrivals from each read's kernel receive time where possible (no 1 kHz poll)."""
        self.clock = clock
        self.kernel_timing = player_mode and hasattr(socket, "TCP_INFO")
        self.connections = 0
        self.coalesce_s = 0.0 if player_mode else COALESCE_S

    async def run(self) -> None:
        failures = 0
        while True:
            got_data, why = await self.connect_once()
            failures = 0 if got_data else failures + 1
            delay = min(self.backoff_s[1], self.backoff_s[0] * 2 ** max(0, failures - 1))
            self.sink.disconnected(self.clock(), why, delay)
            await asyncio.sleep(delay)

    async def connect_once(self) -> tuple[bool, str]:
        """One connection from request to end; returns (whether data came, why it ended)."""
        backend = SockBackend(self.step, self.clock, self.kernel_timing and self.timestamps)
        transport = PlayerTransport(backend, self.options)
        got = [False]
        headers = {"User-Agent": "xentui-probe", "Accept": "*/*"}
        try:
            async with (
                httpx.AsyncClient(
                    transport=transport, timeout=self.timeout, follow_redirects=True
                ) as client,
                client.stream("GET", self.url, headers=headers) as resp,
            ):
                return got[0], await self._serve(resp, backend.last_stream, got)
        except httpx.HTTPError as exc:
            return got[0], describe_error(exc, self.url)
        except OSError as exc:
            return got[0], f"network error: {exc.strerror or exc}"
        except (httpx.InvalidURL, httpx.StreamError, ValueError) as exc:  # e.g. a bad redirect
            return got[0], f"cannot read the stream: {exc}"

    async def _serve(self, resp: httpx.Response, stream: SockStream | None, got: list[bool]) -> str:
        if resp.status_code not in (200, 206):
            return describe_status(resp.status_code, resp.reason_phrase, self.url)
        ctype = resp.headers.get("content-type", "")
        if ctype.split(";")[0].strip().lower() == "text/html":
            return f"the server sent an HTML page ({ctype}), not media: wrong URL?"
        self.connections += 1
        self.sink.connected(self.clock(), resp)
        pollers: list[asyncio.Task[None]] = []
        if self.kernel_timing and stream is not None:
            sock_stream = stream

            def poll() -> None:
                for task in pollers:  # the queue watch: the poll reads the queue itself
                    task.cancel()
                task = asyncio.create_task(self._poll(sock_stream), name="probe-tcp-info")
                pollers.append(task)

            if stream.stamped:
                stream.on_read = self._stamped_hook(stream, poll)
                watch = asyncio.create_task(self._watch_queue(stream), name="probe-fionread")
                pollers.append(watch)
            else:
                poll()
        try:
            return await self._read(resp, got)
        finally:
            for task in pollers:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    async def _read(self, resp: httpx.Response, got: list[bool]) -> str:
        body = resp.aiter_raw()
        sink, clock, nbytes = self.sink, self.clock, 0
        app_timing = not self.kernel_timing
        last = 0
        while True:
            if self.player_mode:
                wait = sink.room_wait()
            else:  # let a small read's successor accumulate: fewer, larger reads
                wait = self.coalesce_s if 0 < last < self.step // 4 else 0.0
            if wait > 0:
                await asyncio.sleep(min(wait, 0.25))
                last = 0
                continue
            t0 = clock()
            try:
                chunk = await body.__anext__()
            except StopAsyncIteration:
                return f"the server ended the stream after {nbytes} bytes"
            t1 = clock()
            if not got[0]:
                got[0] = True
                if looks_like_html(chunk):
                    return "the server sent an HTML page, not media: wrong URL?"
            if app_timing:
                sink.starving(t1 - t0)
                sink.arrival(t1)
            last = len(chunk)
            nbytes += last
            sink.data(t1, chunk)

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

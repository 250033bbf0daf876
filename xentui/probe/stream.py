"""Stream reader: one httpx streaming GET at a time, read like a player, reconnecting with backoff.

In player mode it reads one small step only when the sink (the virtual player) has room, through
a socket with a tiny receive buffer, so TCP backpressure paces a push server such as gnump3d.
Gaps are timed from kernel arrivals (``xentui.probe.arrivals``). Unthrottled mode reads as fast
as the network allows with ordinary buffers.

gnump3d ends some header lines with a bare ``\n``; h11 0.16 splits header lines on ``\r?\n``, so
httpx parses its real header as is (tests/probe/test_reader.py serves it verbatim).
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Callable
from typing import Protocol

import httpx

from xentui.probe.arrivals import ArrivalSink, KernelArrivals
from xentui.probe.backend import SockBackend, SockStream, player_socket_options
from xentui.probe.transport import PlayerTransport
from xentui.probe.words import describe_error, describe_status, looks_like_html

COALESCE_S = 0.003
"""Unthrottled mode: pause after a small read so the next one takes more (CPU at 100 Mbit/s)."""


class ReaderSink(ArrivalSink, Protocol):
    """What the reader tells the probe; every ``t`` is from the reader's clock."""

    def connected(self, t: float, response: httpx.Response) -> None: ...
    def data(self, t: float, chunk: bytes) -> None: ...
    def disconnected(self, t: float, why: str, retry_in_s: float | None) -> None: ...
    def room_wait(self) -> float: ...


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
        kernel = KernelArrivals(self.sink, self.clock, self.poll_s)
        if self.kernel_timing and stream is not None:
            kernel.start(stream)
        try:
            return await self._read(resp, got)
        finally:
            await kernel.stop()

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

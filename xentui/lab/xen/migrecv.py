"""A host's relocation listener: takes a guest's pages over TCP, like xend on port 8002.

``serve`` also takes them over any other byte stream: an xl host receives over its sshd.

Off means not listening (the source's connect is refused). A peer that ``admit`` refuses is
accepted and dropped at once, as xend does for ``xend-relocation-hosts-allow``; a failure while
receiving is answered with an ERROR frame carrying its text.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from xentui.lab.xen import migframe as f
from xentui.lab.xen.migframe import MigrationError
from xentui.tasks import cancel_and_wait


@dataclass(slots=True)
class IncomingMigration:
    """A guest arriving at this host; counts fill in as its pages come."""

    peer_ip: str
    source_ip: str
    pages: int
    hot_pages: int
    t_start: float
    rounds: int = 0
    pages_received: int = 0
    bytes_received: int = 0
    completed: bool = False
    t_complete: float | None = None
    error: str = ""


class RelocationServer:
    """One per host; a real TCP listener on ``bind_ip:port``."""

    def __init__(
        self,
        bind_ip: str,
        port: int,
        *,
        admit: Callable[[str], str | None],
        on_incoming: Callable[[IncomingMigration], Awaitable[None]] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.bind_ip = bind_ip
        self.port = port
        self._admit = admit
        self._on_incoming = on_incoming
        self._clock = clock
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.log: list[str] = []
        """xend-like log lines: rejected peers, failed and completed transfers."""
        self.incoming: list[IncomingMigration] = []

    async def start(self) -> None:
        self._server = await asyncio.start_server(
            self._handle, self.bind_ip, self.port, reuse_address=True
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        await cancel_and_wait(list(self._tasks))

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        peer_ip, peer_port = writer.get_extra_info("peername")[:2]
        try:
            await self.serve(reader, writer, peer_ip, peer_port)
        finally:
            self._tasks.discard(task)
            writer.close()

    async def serve(self, reader: Any, writer: Any, peer_ip: str, peer_port: int) -> bool:
        """One transfer over any byte stream (a socket, or xl's SSH session); True if received."""
        try:
            why = self._admit(peer_ip)
            if why is not None:
                self.log.append(
                    f"Rejected connection from {peer_ip}:{peer_port} ({why}) for port {self.port}."
                )
                return False
            return await self._receive(reader, writer, peer_ip)
        except (ConnectionError, asyncio.IncompleteReadError):
            self.log.append(f"Connection from {peer_ip}:{peer_port} lost during the transfer.")
            return False

    async def _receive(self, reader: Any, writer: Any, peer_ip: str) -> bool:
        incoming: IncomingMigration | None = None
        try:
            kind, body = await f.read_frame(reader)
            if kind != f.HELLO:
                raise MigrationError(f"expected HELLO, got frame {kind}")
            hello = f.parse_hello(body)
            incoming = IncomingMigration(
                peer_ip=peer_ip,
                source_ip=hello.source if hello.source is not None else peer_ip,
                pages=hello.pages,
                hot_pages=hello.hot_pages,
                t_start=self._clock(),
            )
            self.incoming.append(incoming)
            if self._on_incoming is not None:
                try:
                    await self._on_incoming(incoming)
                except MigrationError:
                    raise
                except Exception as e:  # the host could not take the domain: tell the source
                    raise MigrationError(str(e) or type(e).__name__) from e
            writer.write(f.frame(f.READY, b""))
            await writer.drain()
            await self._pages(reader, writer, incoming)
            return True
        except MigrationError as e:
            if incoming is not None:
                incoming.error = str(e)
            self.log.append(f"Migration from {peer_ip} failed: {e}")
            writer.write(f.frame(f.ERROR, str(e).encode()))
            with contextlib.suppress(ConnectionError):
                await writer.drain()
            return False

    async def _pages(self, reader: Any, writer: Any, inc: IncomingMigration) -> None:
        in_round = 0
        while True:
            kind, body = await f.read_frame(reader)
            inc.bytes_received += f.HEAD.size + len(body)
            if kind == f.PAGES:
                round_index, n = f.parse_pages(body, inc.pages)
                if round_index <= inc.rounds:
                    raise MigrationError(f"pages of round {round_index} after its end")
                in_round += n
                inc.pages_received += n
            elif kind == f.END_ROUND:
                round_index, pages, last = f.END.unpack(body)
                if pages != in_round:
                    raise MigrationError(f"round {round_index}: {in_round} of {pages} pages came")
                inc.rounds, in_round = round_index, 0
                if last:
                    break
            else:
                raise MigrationError(f"unexpected frame {kind} during the transfer")
        kind, body = await f.read_frame(reader)
        if kind != f.CONTEXT:
            raise MigrationError(f"expected the vCPU context, got frame {kind}")
        inc.bytes_received += f.HEAD.size + len(body)
        inc.completed, inc.t_complete = True, self._clock()
        writer.write(f.ack(inc.pages_received, inc.bytes_received))
        await writer.drain()
        self.log.append(f"Domain received from {inc.peer_ip}: {inc.pages_received} pages.")

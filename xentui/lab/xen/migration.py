"""The lab's live migration: guest pages as real bytes over TCP to the target's relocation port.

The sender runs Xen 3.0's pre-copy rounds (``precopy.py``), paced by a token bucket at
``link_mbit x speed`` on the event loop, and calls ``before_stop_and_copy`` exactly once, just
before the last round (the lab halts the guest's stream there). The target reads every byte and
acknowledges the last round; the downtime runs from that call to the acknowledgement plus the
target's restore time. Wire format: ``migframe.py``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from xentui.lab.pacing import TokenBucket
from xentui.lab.xen import migframe as f
from xentui.lab.xen.migframe import MigrationError, MigrationRefused, MigrationStats, RoundRecord
from xentui.lab.xen.migrecv import IncomingMigration, RelocationServer
from xentui.lab.xen.precopy import PAGE_SIZE, GuestMemory, PrecopyPolicy

__all__ = [
    "ConnectRefused",
    "GuestMemory",
    "IncomingMigration",
    "MigrationError",
    "MigrationRefused",
    "MigrationStats",
    "RelocationServer",
    "RoundRecord",
    "send_guest",
]

BATCH_PAGES = 16
"""64 KiB per write: about 5 ms at 100 Mbit/s, fine-grained enough for pacing."""
RESTORE_S = 0.05
"""The target's work after the last page (build the domain, reconnect devices, unpause), in
guest seconds. Xen 3.0's manual gives 60-300 ms downtime in all; Clark et al. as low as 60 ms."""
HANDSHAKE_TIMEOUT_S = 30.0
"""xend 4.x gives the relocation connect 30 s."""


class ConnectRefused(MigrationRefused, ConnectionRefusedError):
    """Nothing listens on the relocation port (the relocation server is off)."""


async def send_guest(
    memory: GuestMemory,
    *,
    source_ip: str,
    target: tuple[str, int],
    link_mbit: float,
    speed: float,
    dirty_pages_per_s: float,
    max_rounds: int = 30,
    on_round: Callable[[RoundRecord], None] | None = None,
    before_stop_and_copy: Callable[[], None] | None = None,
    clock: Callable[[], float] = time.monotonic,
    live: bool = True,
    restore_s: float = RESTORE_S,
    connect: Callable[[], Awaitable[tuple[Any, Any]]] | None = None,
) -> MigrationStats:
    """Migrate ``memory`` to ``target``; raises MigrationRefused / MigrationError with the text.

    ``speed`` scales the link and the guest's clock together, so a faster run has the same
    rounds. ``live=False`` is ``xm migrate`` without ``-l``: one stop-and-copy round.
    ``connect`` opens another byte stream instead of TCP to ``target`` (xl's SSH session).
    """
    if link_mbit <= 0 or speed <= 0:
        raise MigrationError(f"link speed and speed factor must be positive ({link_mbit}, {speed})")
    policy = PrecopyPolicy(memory, dirty_pages_per_s, max_rounds=max_rounds, live=live)
    try:
        async with asyncio.timeout(HANDSHAKE_TIMEOUT_S / speed + 1):
            if connect is not None:
                reader, writer = await connect()
            else:
                reader, writer = await asyncio.open_connection(
                    target[0], target[1], local_addr=(source_ip, 0)
                )
    except ConnectionRefusedError as e:
        raise ConnectRefused("can't connect: Connection refused") from e
    except TimeoutError as e:
        raise MigrationError("can't connect: timed out") from e
    stats = MigrationStats(link_mbit=link_mbit, speed=speed, t_start=clock())
    try:
        await _handshake(reader, writer, memory, source_ip)
        await _rounds(
            reader, writer, memory, policy, stats, speed, clock, on_round, before_stop_and_copy
        )
        await asyncio.sleep(restore_s / speed)
        stats.t_resumed = clock()
        stats.t_end = stats.t_resumed
        return stats
    except (ConnectionError, asyncio.IncompleteReadError) as e:
        raise MigrationError(f"connection to the target lost: {e}") from e
    finally:
        writer.close()


async def _handshake(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, memory: GuestMemory, source: str
) -> None:
    writer.write(f.hello(memory, source))
    try:
        await writer.drain()
        async with asyncio.timeout(HANDSHAKE_TIMEOUT_S):
            kind, body = await f.read_frame(reader)
    except (ConnectionError, asyncio.IncompleteReadError) as e:
        # xend drops a peer that hosts-allow rejects: the source only sees the socket close.
        raise MigrationRefused("the target closed the connection") from e
    except TimeoutError as e:
        raise MigrationRefused("the target did not answer") from e
    if kind == f.ERROR:
        raise MigrationRefused(body.decode("utf-8", "replace"))
    if kind != f.READY:
        raise MigrationError(f"unexpected frame {kind} from the target instead of READY")


async def _rounds(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    memory: GuestMemory,
    policy: PrecopyPolicy,
    stats: MigrationStats,
    speed: float,
    clock: Callable[[], float],
    on_round: Callable[[RoundRecord], None] | None,
    before_stop_and_copy: Callable[[], None] | None,
) -> None:
    bucket = TokenBucket(stats.link_mbit * 1e6 / 8 * speed)
    pages = policy.first_round()
    payload = bytes(range(256)) * (BATCH_PAGES * PAGE_SIZE // 256)
    while True:
        last = policy.last
        if last:
            if before_stop_and_copy is not None:
                before_stop_and_copy()
            stats.t_stop_and_copy = clock()
        t0 = time.monotonic()
        t_start = clock()
        sent_bytes = 0
        pfns = memory.pfns(policy.round, pages)
        for i in range(0, pages, BATCH_PAGES):
            batch = pfns[i : i + BATCH_PAGES]
            frame = f.pages_frame(policy.round, batch, payload)
            await bucket.take(len(frame))
            writer.write(frame)
            await writer.drain()
            sent_bytes += len(frame)
        end = f.end_round(policy.round, pages, last)
        writer.write(end)
        sent_bytes += len(end)
        if last:
            context = f.context_frame()  # the vCPU state goes with the last round
            await bucket.take(len(context))
            writer.write(context)
            sent_bytes += len(context)
        await writer.drain()
        if last:
            await _await_ack(reader, stats.pages + pages, stats.total_bytes + sent_bytes)
        record = RoundRecord(policy.round, pages, sent_bytes, t_start, clock(), last)
        stats.rounds.append(record)
        stats.pages += pages
        stats.total_bytes += sent_bytes
        if on_round is not None:
            on_round(record)
        if last:
            return
        pages = policy.after_round(pages, (time.monotonic() - t0) * speed)


async def _await_ack(reader: asyncio.StreamReader, pages: int, nbytes: int) -> None:
    kind, body = await f.read_frame(reader)
    if kind == f.ERROR:
        raise MigrationError(body.decode("utf-8", "replace"))
    if kind != f.ACK:
        raise MigrationError(f"unexpected frame {kind} from the target instead of ACK")
    got_pages, got_bytes = f.parse_ack(body)
    if (got_pages, got_bytes) != (pages, nbytes):
        raise MigrationError(
            f"the target received {got_pages} pages / {got_bytes} bytes, sent {pages} / {nbytes}"
        )

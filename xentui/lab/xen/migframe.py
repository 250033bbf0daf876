"""The lab migration's wire format and records: small frames carrying real page bytes.

Every frame is a 1-byte kind and a 4-byte length, then the body. A PAGES frame carries a
round's batch: its page frame numbers, then 4 KiB of data per page. The receiver counts every
byte after HELLO, and its ACK must match what the sender counted.
"""

from __future__ import annotations

import asyncio
import json
import struct
from collections.abc import Sequence
from dataclasses import dataclass, field

from xentui.lab.xen.precopy import PAGE_SIZE, GuestMemory

HELLO, READY, ERROR, PAGES, END_ROUND, CONTEXT, ACK = range(1, 8)
MAGIC = b"XENTUI-MIGRATE 1\n"
HEAD = struct.Struct(">BI")
PAGES_HEAD = struct.Struct(">HH")
END = struct.Struct(">HIB")
ACK_BODY = struct.Struct(">QQ")
CONTEXT_SIZE = 5120
"""About a PV vCPU context (``vcpu_guest_context_t``) plus the start-info page."""
MAX_BODY = 1 << 24


class MigrationError(Exception):
    """The migration failed after it began (one line of text)."""


class MigrationRefused(MigrationError):
    """The target would not take the guest: not listening, hosts-allow, or its own error."""


@dataclass(frozen=True, slots=True)
class RoundRecord:
    """One pre-copy round (or the final stop-and-copy one), timed on the lab's clock."""

    index: int
    pages: int
    bytes: int
    t_start: float
    t_end: float
    stop_and_copy: bool = False

    @property
    def duration_s(self) -> float:
        return self.t_end - self.t_start


@dataclass(slots=True)
class MigrationStats:
    """What a migration did: rounds, bytes on the wire, total time and guest downtime."""

    link_mbit: float
    speed: float
    t_start: float
    rounds: list[RoundRecord] = field(default_factory=list)
    pages: int = 0
    total_bytes: int = 0
    t_stop_and_copy: float | None = None
    t_resumed: float | None = None
    """When the guest could run on the target: the last round acknowledged, plus restore."""
    t_end: float | None = None

    @property
    def bytes(self) -> int:
        return self.total_bytes

    @property
    def total_s(self) -> float:
        return (self.t_end or self.t_start) - self.t_start

    @property
    def downtime_s(self) -> float:
        if self.t_stop_and_copy is None or self.t_resumed is None:
            return 0.0
        return self.t_resumed - self.t_stop_and_copy

    @property
    def link_s(self) -> float:
        """How long the bytes sent take at the (scaled) link speed: the floor for total_s."""
        return self.total_bytes * 8 / (self.link_mbit * 1e6 * self.speed)


def frame(kind: int, body: bytes) -> bytes:
    return HEAD.pack(kind, len(body)) + body


async def read_frame(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    kind, length = HEAD.unpack(await reader.readexactly(HEAD.size))
    if length > MAX_BODY:
        raise MigrationError(f"frame of {length} bytes is too long")
    return kind, await reader.readexactly(length)


def hello(memory: GuestMemory, source_ip: str) -> bytes:
    info: dict[str, int | str] = {
        "pages": memory.pages,
        "hot_pages": memory.hot_pages,
        "page_size": PAGE_SIZE,
        "source": source_ip,
    }
    return frame(HELLO, MAGIC + json.dumps(info).encode())


@dataclass(frozen=True, slots=True)
class Hello:
    """What a HELLO announces; ``source`` is None when the sender did not name itself."""

    pages: int
    hot_pages: int
    source: str | None


def parse_hello(body: bytes) -> Hello:
    if not body.startswith(MAGIC):
        raise MigrationError("not a xentui migration stream")
    try:
        info = json.loads(body[len(MAGIC) :])
        if not isinstance(info, dict):
            raise TypeError(f"expected an object, got {type(info).__name__}")
        pages = int(info["pages"])
        hot_pages = int(info.get("hot_pages", 1))
    except (ValueError, KeyError, TypeError) as e:
        raise MigrationError(f"bad migration header: {e}") from e
    if pages < 1 or info.get("page_size") != PAGE_SIZE:
        raise MigrationError("bad migration header: page count or size")
    source = info.get("source")
    return Hello(pages, hot_pages, source if isinstance(source, str) else None)


def pages_frame(round_index: int, pfns: Sequence[int], payload: bytes) -> bytes:
    n = len(pfns)
    body = PAGES_HEAD.pack(round_index, n) + struct.pack(f">{n}I", *pfns)
    return frame(PAGES, body + payload[: n * PAGE_SIZE])


def parse_pages(body: bytes, max_pfn: int) -> tuple[int, int]:
    """(round, page count) of a PAGES body, after checking its size and frame numbers."""
    round_index, n = PAGES_HEAD.unpack_from(body)
    if len(body) != PAGES_HEAD.size + n * (4 + PAGE_SIZE):
        raise MigrationError(f"PAGES frame of round {round_index} has the wrong size")
    pfns = struct.unpack_from(f">{n}I", body, PAGES_HEAD.size)
    if pfns and max(pfns) >= max_pfn:
        raise MigrationError(f"page frame {max(pfns)} is beyond the guest's memory")
    return round_index, n


def end_round(round_index: int, pages: int, last: bool) -> bytes:
    return frame(END_ROUND, END.pack(round_index, pages, int(last)))


def context_frame() -> bytes:
    return frame(CONTEXT, bytes(CONTEXT_SIZE))


def ack(pages: int, nbytes: int) -> bytes:
    return frame(ACK, ACK_BODY.pack(pages, nbytes))


def parse_ack(body: bytes) -> tuple[int, int]:
    pages, nbytes = ACK_BODY.unpack(body)
    return pages, nbytes

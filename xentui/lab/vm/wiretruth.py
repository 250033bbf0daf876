"""The stream's packets as the bridge saw them: the truth below the app, for tests and benchmarks.

An AF_PACKET socket on the lab's bridge gets every frame with the kernel's receive time; the
data segments from the guest's HTTP port give the stream's real gaps, with no player, no TCP
buffer and no event loop between. The probe's figures are judged against these. Only segments
that carry new bytes count: when a gap ends with a retransmission of data the client already
has (the guest's TCP after its 200 ms timer), the viewer waits on for the next new segment, one
round trip later (~12 ms seen), and so does the truth.
"""

from __future__ import annotations

import contextlib
import itertools
import select
import socket
import struct
import threading
import time
from dataclasses import dataclass

ETH_P_ALL = 0x0003
SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)
_TS = struct.Struct("qq")


@dataclass(frozen=True, slots=True)
class WireGap:
    start: float
    """Arrival (monotonic clock) of the last data segment before the silence."""
    end: float
    """Arrival of the first data segment after it."""

    @property
    def length_s(self) -> float:
        return self.end - self.start


def data_end(frame: bytes, src_ip: bytes, src_port: int) -> tuple[int, int] | None:
    """(client port, TCP sequence number after the payload) of an Ethernet/IPv4/TCP frame from
    ``src_ip:src_port``; None if the frame is not one or carries no payload."""
    if len(frame) < 14 + 20 + 20 or frame[12:14] != b"\x08\x00":
        return None
    ip = frame[14:]
    ihl = (ip[0] & 0x0F) * 4
    if ip[9] != 6 or ip[12:16] != src_ip:
        return None
    total = int.from_bytes(ip[2:4], "big")
    tcp = ip[ihl:]
    if int.from_bytes(tcp[0:2], "big") != src_port:
        return None
    payload = total - ihl - (tcp[12] >> 4) * 4
    if payload <= 0:
        return None
    end = (int.from_bytes(tcp[4:8], "big") + payload) % 2**32
    return int.from_bytes(tcp[2:4], "big"), end


def data_segment(frame: bytes, src_ip: bytes, src_port: int) -> bool:
    """An Ethernet/IPv4/TCP frame from ``src_ip:src_port`` that carries payload."""
    return data_end(frame, src_ip, src_port) is not None


def advances(end: int, highest: int | None) -> bool:
    """``end`` lies beyond ``highest`` in sequence space (mod 2**32, RFC 1982 style)."""
    return highest is None or 0 < (end - highest) % 2**32 < 2**31


class WireCapture:
    """Arrival times of the data segments ``src`` sends, read on ``interface`` in a thread.

    Create it in the namespace whose bridge it watches (the socket belongs to the namespace of
    the thread that opens it).
    """

    def __init__(self, interface: str, src: tuple[str, int]) -> None:
        self._sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        self._sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        self._sock.bind((interface, 0))
        self._src_ip, self._src_port = socket.inet_aton(src[0]), src[1]
        # kernel stamps are CLOCK_REALTIME: one offset puts them on the monotonic clock
        self._offset = time.time() - time.monotonic()
        self.arrivals: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read, name="wire-capture", daemon=True)

    def __enter__(self) -> WireCapture:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2.0)
        with contextlib.suppress(OSError):
            self._sock.close()

    def _read(self) -> None:
        space = socket.CMSG_SPACE(_TS.size)
        highest: dict[int, int] = {}  # per connection (client port): the bytes sent so far
        while not self._stop.is_set():
            ready, _, _ = select.select([self._sock], [], [], 0.1)
            if not ready:
                continue
            try:
                frame, ancdata, _flags, _addr = self._sock.recvmsg(256, space)
            except OSError:
                return
            segment = data_end(frame, self._src_ip, self._src_port)
            if segment is None or not advances(segment[1], highest.get(segment[0])):
                continue  # no payload, or a retransmission of bytes already sent
            highest[segment[0]] = segment[1]
            stamp = None
            for level, kind, data in ancdata:
                if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
                    sec, nsec = _TS.unpack(data[: _TS.size])
                    stamp = sec + nsec / 1e9 - self._offset
            self.arrivals.append(stamp if stamp is not None else time.monotonic())

    def gaps(self, since: float, until: float | None = None) -> list[WireGap]:
        """Every silence between two data segments that arrived in [since, until]."""
        times = [t for t in self.arrivals if t >= since and (until is None or t <= until)]
        return [WireGap(a, b) for a, b in itertools.pairwise(times)]

    def longest_gap(self, since: float, until: float | None = None) -> WireGap | None:
        return max(self.gaps(since, until), key=lambda g: g.length_s, default=None)

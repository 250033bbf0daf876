"""The wire truth counts new bytes only: a retransmission that ends a silence does not end it."""

from __future__ import annotations

import socket

from xentui.lab.vm.wiretruth import advances, data_end, data_segment

GUEST = socket.inet_aton("10.0.2.15")


def frame(seq: int, payload: bytes, *, src: bytes = GUEST, sport: int = 8888) -> bytes:
    tcp = sport.to_bytes(2, "big") + (40000).to_bytes(2, "big") + seq.to_bytes(4, "big")
    tcp += bytes(4) + bytes([5 << 4, 0x18]) + bytes(6)
    ip = bytes([0x45, 0]) + (20 + len(tcp) + len(payload)).to_bytes(2, "big") + bytes(5)
    ip += bytes([6]) + bytes(2) + src + socket.inet_aton("10.0.2.1")
    return bytes(6) * 2 + b"\x08\x00" + ip + tcp + payload


def test_a_data_segment_ends_where_its_payload_ends() -> None:
    assert data_end(frame(1000, b"x" * 100), GUEST, 8888) == (40000, 1100)
    assert data_end(frame(2**32 - 10, b"x" * 20), GUEST, 8888) == (40000, 10)  # wraps
    assert data_end(frame(1000, b""), GUEST, 8888) is None  # a bare ACK
    assert data_end(frame(1000, b"x", sport=22), GUEST, 8888) is None
    assert not data_segment(frame(1000, b"x", src=socket.inet_aton("10.0.2.1")), GUEST, 8888)


def test_only_bytes_beyond_the_highest_sent_are_new() -> None:
    assert advances(1100, None)
    assert advances(1200, 1100)
    assert not advances(1100, 1100)  # the same segment again: a retransmission
    assert not advances(1000, 1100)
    assert advances(10, 2**32 - 10)  # past the wrap

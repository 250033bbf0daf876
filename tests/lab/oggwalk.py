"""A small Ogg page walker for the tests, written apart from xentui's own Ogg code on purpose."""

from __future__ import annotations

from dataclasses import dataclass


def _table() -> list[int]:
    table = []
    for i in range(256):
        r = i << 24
        for _ in range(8):
            r = ((r << 1) ^ 0x04C11DB7) if r & 0x80000000 else r << 1
        table.append(r & 0xFFFFFFFF)
    return table


_T = _table()


def crc(data: bytes) -> int:
    c = 0
    for b in data:
        c = ((c << 8) & 0xFFFFFFFF) ^ _T[((c >> 24) ^ b) & 0xFF]
    return c


@dataclass
class Page:
    offset: int
    serial: int
    seq: int
    bos: bool
    eos: bool
    granule: int
    crc_ok: bool


def walk(data: bytes) -> list[Page]:
    """Every complete page from the start; a page cut off at the end is left out."""
    pages, pos = [], 0
    while pos + 27 <= len(data):
        assert data[pos : pos + 4] == b"OggS", f"no capture pattern at {pos}"
        assert data[pos + 4] == 0, f"bad version at {pos}"
        nseg = data[pos + 26]
        if pos + 27 + nseg > len(data):
            break
        length = 27 + nseg + sum(data[pos + 27 : pos + 27 + nseg])
        if pos + length > len(data):
            break
        raw = bytearray(data[pos : pos + length])
        stored = int.from_bytes(raw[22:26], "little")
        raw[22:26] = b"\0\0\0\0"
        flags = data[pos + 5]
        pages.append(
            Page(
                offset=pos,
                serial=int.from_bytes(data[pos + 14 : pos + 18], "little"),
                seq=int.from_bytes(data[pos + 18 : pos + 22], "little"),
                bos=bool(flags & 2),
                eos=bool(flags & 4),
                granule=int.from_bytes(data[pos + 6 : pos + 14], "little", signed=True),
                crc_ok=crc(bytes(raw)) == stored,
            )
        )
        pos += length
    return pages


def links(pages: list[Page]) -> list[list[Page]]:
    """Split a chained stream into links, checking the chaining rules on the way.

    A link starts with the BOS pages of all its streams; every stream of a link ends (EOS)
    before the next link's BOS; a serial is never used by two links; page sequence numbers
    run 0, 1, 2 ... per stream.
    """
    out: list[list[Page]] = []
    open_serials: set[int] = set()
    used: set[int] = set()
    next_seq: dict[int, int] = {}
    for p in pages:
        if p.bos:
            if not open_serials or all(q.bos for q in out[-1]):
                if not open_serials:
                    out.append([])
                assert p.serial not in used, f"serial {p.serial} reused at {p.offset}"
                used.add(p.serial)
                open_serials.add(p.serial)
                next_seq[p.serial] = 0
            else:
                raise AssertionError(f"BOS in the middle of a link at {p.offset}")
        assert p.serial in open_serials, f"page of a closed or unknown stream at {p.offset}"
        assert p.seq == next_seq[p.serial], f"sequence gap at {p.offset}"
        next_seq[p.serial] += 1
        out[-1].append(p)
        if p.eos:
            open_serials.discard(p.serial)
    return out

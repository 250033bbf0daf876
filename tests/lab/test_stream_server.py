"""The lab's gnump3d over real loopback TCP: bytes, quirks, loops, halts that stop the wire."""

from __future__ import annotations

import asyncio
import fcntl
import itertools
import socket
import struct
import termios
import time

import pytest

from tests.lab.oggwalk import links, walk
from xentui.lab.streaming.gnump3d import last_modified
from xentui.lab.streaming.media import media_path
from xentui.lab.streaming.stream import CHUNK, StreamServer

HOST = "127.0.0.2"


@pytest.fixture
async def server():
    srv = StreamServer(HOST, media=media_path("audio"))
    await srv.start()
    yield srv
    await srv.close()


async def connect(srv: StreamServer, request: bytes, rcvbuf: int | None = None) -> socket.socket:
    loop = asyncio.get_running_loop()
    sock = socket.socket()
    if rcvbuf:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)  # before connect
    sock.setblocking(False)
    await loop.sock_connect(sock, (srv.host, srv.port))
    await loop.sock_sendall(sock, request)
    return sock


async def read_until(sock: socket.socket, n: int, timeout: float = 5.0) -> bytes:
    loop = asyncio.get_running_loop()
    data = b""
    async with asyncio.timeout(timeout):
        while len(data) < n:
            got = await loop.sock_recv(sock, 65536)
            if not got:
                break
            data += got
    return data


async def read_all(sock: socket.socket, timeout: float = 5.0) -> bytes:
    return await read_until(sock, 1 << 30, timeout)


def split_head(data: bytes) -> tuple[bytes, bytes]:
    head, sep, body = data.partition(b"\r\n\r\n")
    assert sep, "no end of header"
    return head + sep, body


def fionread(sock: socket.socket) -> int:
    return struct.unpack("i", fcntl.ioctl(sock.fileno(), termios.FIONREAD, b"\0\0\0\0"))[0]


GET = b"GET /TruthHappens.ogg HTTP/1.0\r\nHost: virt_server:8888\r\n\r\n"


async def test_header_bytes_are_gnump3ds(server: StreamServer) -> None:
    sock = await connect(server, GET)
    head, _ = split_head(await read_until(sock, 4096))
    sock.close()
    size = server.total_size
    mtime = media_path("audio").stat().st_mtime
    assert head == (
        b"HTTP/1.0 200 OK\r\n"
        b"Connection: close\r\n"
        b"Server: GNUMP3d 3.0\r\n"
        b"Content-type: application/ogg\r\n"
        + f"Content-Range: bytes 0-{size}/{size}\n".encode()
        + f"Content-length: {size}\n".encode()
        + f"Last-Modified: {last_modified(mtime)}\n".encode()
        + b"Connection: close\r\n\r\n"
    )
    # The endless loop announces whole links, about 2 GB, like a big file.
    assert size % len(media_path("audio").read_bytes()) == 0
    assert 2**30 < size < 2**31


def test_last_modified_pads_the_day_with_a_space() -> None:
    # Perl's scalar(gmtime) gives "Thu Nov  5 ..." and gnump3d cuts it with fixed widths.
    t = time.mktime((2026, 11, 5, 13, 19, 15, 0, 0, 0)) - time.timezone
    assert last_modified(t) == "Thu,  5 Nov 2026 13:19:15 GMT"


async def test_icy_request_gets_the_shoutcast_header(server: StreamServer) -> None:
    sock = await connect(server, b"GET /TruthHappens.ogg HTTP/1.0\r\nIcy-MetaData: 1\r\n\r\n")
    head, body = split_head(await read_until(sock, 4096))
    sock.close()
    lines = head.split(b"\r\n")
    assert lines[:6] == [
        b"ICY 200 OK",
        b"icy-notice1:This stream is served using GNUMP3d",
        b"icy-genre:Mixed",
        b"icy-name:TruthHappens",
        f"icy-url:{HOST}:{server.port}".encode(),
        b"icy-pub:1",
    ]
    assert b"Content-type: application/ogg\r\n" in head
    assert body.startswith(b"OggS")


async def test_other_paths_get_gnump3ds_404(server: StreamServer) -> None:
    sock = await connect(server, b"GET /nothing.ogg HTTP/1.0\r\n\r\n")
    data = await read_all(sock)
    sock.close()
    head, body = split_head(data)
    assert head == (
        b"HTTP/1.0 404 OK\r\nConnection: close\r\nServer: GNUMP3d 3.0\r\n"
        b"Content-type: text/html\r\nConnection: close\r\n\r\n"
    )
    assert b"not found" in body and body.rstrip().endswith(b"</html>")


async def test_range_gives_206_ok_from_that_byte(server: StreamServer) -> None:
    sock = await connect(server, b"GET /TruthHappens.ogg HTTP/1.0\r\nRange: bytes=1000-\r\n\r\n")
    head, body = split_head(await read_until(sock, 8192))
    sock.close()
    size = server.total_size
    assert head.startswith(b"HTTP/1.0 206 OK\r\n")
    assert f"Content-Range: bytes 1000-{size}/{size}\n".encode() in head
    assert f"Content-length: {size - 1000}\n".encode() in head
    media = media_path("audio").read_bytes()
    assert body[:200] == media[1000:1200]  # link 0 keeps the file's own serials


async def test_stream_is_a_valid_chained_ogg_across_loop_boundaries(server: StreamServer) -> None:
    media = media_path("audio").read_bytes()
    sock = await connect(server, GET)
    data = await read_until(sock, 2 * len(media) + 50_000, timeout=10)
    sock.close()
    _, body = split_head(data)
    pages = walk(body)
    assert pages and all(p.crc_ok for p in pages)
    chain = links(pages)
    assert len(chain) == 3  # two whole loops and the start of the third
    first = {p.serial for p in chain[0]}
    for link in chain[1:]:
        assert {p.serial for p in link}.isdisjoint(first)
        assert link[0].bos and link[0].granule == 0
    # Every link but the last is the whole clip: same page count, all streams closed.
    assert len(chain[0]) == len(chain[1]) == len(walk(media))
    assert sum(p.eos for p in chain[1]) == len({p.serial for p in chain[1]})


async def test_video_stream_multiplexes_two_streams_per_link() -> None:
    srv = StreamServer(HOST, media=media_path("video"))
    await srv.start()
    try:
        media = media_path("video").read_bytes()
        sock = await connect(srv, GET)
        _, body = split_head(await read_until(sock, len(media) + 40_000, timeout=10))
        sock.close()
    finally:
        await srv.close()
    chain = links(walk(body))
    assert len(chain) == 2
    assert all(p.crc_ok for link in chain for p in link)
    assert len({p.serial for p in chain[0]}) == 2 == len({p.serial for p in chain[1]})


async def _reader(
    sock: socket.socket,
    log: list[tuple[float, int]],
    pace_bps: float = 0,
    emptied: list[float] | None = None,
) -> None:
    """Read and log (t, n); with ``pace_bps`` read 1 KiB at a time at that rate, like a player.

    ``emptied`` gets the time of each read that left the client's kernel queue empty.
    """
    loop = asyncio.get_running_loop()
    start, total = time.monotonic(), 0
    while True:
        if pace_bps:
            due = start + total / pace_bps
            await asyncio.sleep(max(0.0, due - time.monotonic()))
        got = await loop.sock_recv(sock, 1024 if pace_bps else 65536)
        if not got:
            return
        total += len(got)
        t = time.monotonic()
        log.append((t, len(got)))
        if emptied is not None and fionread(sock) == 0:
            emptied.append(t)


@pytest.mark.parametrize("pace_bps", [0, 64_000], ids=["free-reader", "player-64KBps"])
async def test_halt_stops_the_wire_within_one_chunk(server: StreamServer, pace_bps) -> None:
    sock = await connect(server, GET, rcvbuf=4096)
    log: list[tuple[float, int]] = []
    emptied: list[float] = []
    task = asyncio.create_task(_reader(sock, log, pace_bps, emptied))
    await asyncio.sleep(0.5)
    in_client_kernel = fionread(sock)
    read_before = sum(n for _, n in log)
    sent_at_halt = server.bytes_sent
    server.halt("paused")
    record = server.halts[-1]
    assert record.queued_at_halt <= CHUNK
    async with asyncio.timeout(10):
        while record.t_wire_quiet is None:
            await asyncio.sleep(0.005)
    await asyncio.sleep(0.6)
    assert server.bytes_sent == sent_at_halt  # the application wrote nothing while halted
    t_resume = time.monotonic()
    server.resume("unpaused")
    async with asyncio.timeout(10):  # a loaded machine may take a while to read again
        while not any(t >= t_resume for t, _ in log):
            await asyncio.sleep(0.01)
    task.cancel()
    sock.close()

    during = [(t, n) for t, n in log if record.t_halt <= t < t_resume]
    # What reached the client after the halt is what its kernel held plus at most one chunk.
    assert sum(n for _, n in during) <= in_client_kernel + record.queued_at_halt + 1024
    # Nothing at all once the wire was quiet and the client had drained its own queue (the read
    # that emptied it, not a time allowance: a loaded machine's reader may come late).
    drained = min((t for t in emptied if t >= record.t_wire_quiet), default=record.t_wire_quiet)
    assert [t for t, _ in during if t > drained] == []
    # The same connection carries on after the resume.
    assert sum(n for t, n in log if t >= t_resume) > 0
    assert sum(n for _, n in log) > read_before
    assert record.t_resume is not None and record.t_halt < record.t_wire_quiet < record.t_resume


async def test_request_during_a_halt_is_answered_after_resume(server: StreamServer) -> None:
    server.halt("paused")
    sock = await connect(server, GET)
    loop = asyncio.get_running_loop()
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.3):
            await loop.sock_recv(sock, 100)
    server.resume("unpaused")
    data = await read_until(sock, 100)
    sock.close()
    assert data.startswith(b"HTTP/1.0 200 OK\r\n")


async def test_nested_halt_keeps_one_record_with_both_reasons(server: StreamServer) -> None:
    server.halt("paused")
    server.halt("stop-and-copy")
    server.resume("running")
    assert [h.why for h in server.halts] == ["paused, stop-and-copy"]
    assert not server.halted


async def test_disconnect_all_closes_client_connections(server: StreamServer) -> None:
    sock = await connect(server, GET)
    await read_until(sock, 10_000)
    server.halt("destroyed")
    server.disconnect_all()
    loop = asyncio.get_running_loop()
    async with asyncio.timeout(2):
        while await loop.sock_recv(sock, 65536):
            pass
    sock.close()
    assert server.connections == 0


async def test_close_while_halted_leaves_no_task() -> None:
    srv = StreamServer(HOST, media=media_path("audio"))
    await srv.start()
    sock = await connect(srv, GET, rcvbuf=4096)
    await read_until(sock, 10_000)
    await asyncio.sleep(0.05)  # the client stops reading: the server's queue stays full
    srv.halt("paused")
    await srv.close()
    sock.close()
    assert [t for t in asyncio.all_tasks() if t is not asyncio.current_task()] == []


async def test_player_at_500_kbit_gets_a_smooth_stream(server: StreamServer) -> None:
    rate = 62_500  # bytes/s
    sock = await connect(server, GET, rcvbuf=4096)
    log: list[tuple[float, int]] = []
    task = asyncio.create_task(_reader(sock, log, rate))
    await asyncio.sleep(2.0)
    task.cancel()
    sock.close()
    t0 = log[0][0]
    steady = [t for t, _ in log if t > t0 + 0.2]
    got = sum(n for t, n in log if t > t0 + 0.2)
    span = steady[-1] - steady[0]
    assert got / span == pytest.approx(rate, rel=0.1)
    gaps = sorted(b - a for a, b in itertools.pairwise(steady))
    # 1 KiB every ~16 ms; the loopback persist-timer collapse is 200 ms: 150 ms still tells them
    # apart and leaves a loaded machine's scheduler (and a GC pause) room
    assert gaps[-1] < 0.15


async def test_restart_after_close_keeps_the_port() -> None:
    srv = StreamServer(HOST, media=media_path("audio"))
    await srv.start()
    port = srv.port
    await srv.close()
    await srv.start()
    try:
        assert srv.port == port
        sock = await connect(srv, GET)
        assert (await read_until(sock, 20)).startswith(b"HTTP/1.0 200 OK")
        sock.close()
    finally:
        await srv.close()


async def test_a_free_reader_gets_the_nics_rate_and_the_loop_stays_responsive() -> None:
    srv = StreamServer(HOST, media=media_path("audio"), link_mbit=8.0)  # 1 MB/s
    await srv.start()
    lags: list[float] = []

    async def ticker() -> None:
        while True:
            t = time.monotonic()
            await asyncio.sleep(0.005)
            lags.append(time.monotonic() - t - 0.005)

    tick = asyncio.create_task(ticker())
    try:
        sock = await connect(srv, GET)
        log: list[tuple[float, int]] = []
        reader = asyncio.create_task(_reader(sock, log))
        await asyncio.sleep(1.2)
        reader.cancel()
        sock.close()
    finally:
        tick.cancel()
        await srv.close()
    late = [n for t, n in log if t > log[0][0] + 0.2]
    assert sum(late) / (log[-1][0] - log[0][0] - 0.2) == pytest.approx(1e6, rel=0.15)
    assert max(lags) < 0.05


def test_a_link_of_no_speed_is_refused_in_one_line() -> None:
    with pytest.raises(ValueError, match=r"positive number of bytes per second, not 0\.0"):
        StreamServer(HOST, media=media_path("audio"), link_mbit=0.0)


async def test_accepted_sockets_are_lean_with_a_clamped_mss(server: StreamServer) -> None:
    sock = await connect(server, GET)
    await read_until(sock, 100)
    (conn,) = server._conns
    s = conn.sock
    assert s.getsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG) <= 1448  # not loopback's 65483
    assert s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NOTSENT_LOWAT) == 1
    assert s.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF) <= 16384
    assert s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
    sock.close()

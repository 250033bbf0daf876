"""The migration engine over real loopback TCP: bytes, pacing, refusals, the stop-and-copy hook."""

from __future__ import annotations

import asyncio
import socket
import struct

import pytest

from xentui.lab.streaming.media import media_path
from xentui.lab.streaming.stream import StreamServer
from xentui.lab.xen import migframe
from xentui.lab.xen.migration import (
    ConnectRefused,
    GuestMemory,
    IncomingMigration,
    MigrationError,
    MigrationRefused,
    RelocationServer,
    RoundRecord,
    send_guest,
)

TARGET, SOURCE = "127.0.0.3", "127.0.0.4"


@pytest.fixture
async def target():
    arrived: list[IncomingMigration] = []

    async def on_incoming(inc: IncomingMigration) -> None:
        arrived.append(inc)

    srv = RelocationServer(TARGET, 0, admit=lambda ip: None, on_incoming=on_incoming)
    await srv.start()
    srv.arrived = arrived  # type: ignore[attr-defined]
    yield srv
    await srv.close()


async def migrate(srv: RelocationServer, memory: GuestMemory, **kw):
    args = {"link_mbit": 100.0, "speed": 8.0, "dirty_pages_per_s": 200.0} | kw
    return await send_guest(memory, source_ip=SOURCE, target=(TARGET, srv.port), **args)


async def test_moves_every_page_as_real_bytes_and_the_target_counts_them(target) -> None:
    mem = GuestMemory.of_mib(16)
    events: list[object] = []
    stats = await migrate(
        target,
        mem,
        on_round=events.append,
        before_stop_and_copy=lambda: events.append("stop-and-copy"),
    )
    inc = target.arrived[0]
    assert inc.completed and inc.peer_ip == SOURCE and inc.pages == mem.pages
    assert inc.bytes_received == stats.total_bytes == sum(r.bytes for r in stats.rounds)
    assert inc.pages_received == stats.pages == sum(r.pages for r in stats.rounds)
    assert stats.rounds[0].pages == mem.pages
    assert stats.total_bytes > mem.pages * 4096  # page data plus headers
    # Headers stay small: under 1 % on top of the page data.
    assert stats.total_bytes < stats.pages * 4096 * 1.01 + 10_000
    # The hook fires once, between the last pre-copy round and the final round.
    assert events.count("stop-and-copy") == 1
    i = events.index("stop-and-copy")
    rounds = [e for e in events if isinstance(e, RoundRecord)]
    assert events[i + 1] is rounds[-1] and rounds[-1].stop_and_copy
    assert not any(r.stop_and_copy for r in rounds[:-1]) and events[i - 1] is rounds[-2]
    assert [r.index for r in rounds] == list(range(1, len(rounds) + 1))
    assert stats.t_stop_and_copy is not None and stats.downtime_s > 0
    assert stats.t_stop_and_copy >= rounds[-2].t_end
    assert target.log[-1] == f"Domain received from {SOURCE}: {stats.pages} pages."


async def test_pacing_follows_the_link_and_the_speed_factor(target) -> None:
    mem = GuestMemory.of_mib(8)
    stats = await migrate(target, mem, link_mbit=100.0, speed=4.0)
    # 8 MiB at 400 Mbit/s is ~0.17 s: never faster than the link, and not much slower.
    assert stats.link_s == pytest.approx(stats.total_bytes * 8 / 400e6)
    assert 0.97 * stats.link_s <= stats.total_s - 0.05 / 4 <= 1.5 * stats.link_s + 0.05


async def test_non_live_migration_is_one_stop_and_copy_round(target) -> None:
    calls = []
    stats = await migrate(
        target, GuestMemory.of_mib(2), live=False, before_stop_and_copy=lambda: calls.append(1)
    )
    assert calls == [1] and len(stats.rounds) == 1 and stats.rounds[0].stop_and_copy
    assert stats.downtime_s >= stats.rounds[0].duration_s


async def test_nothing_listening_is_connection_refused() -> None:
    probe = socket.socket()
    probe.bind((TARGET, 0))
    port = probe.getsockname()[1]
    probe.close()
    with pytest.raises(ConnectRefused, match=r"^can't connect: Connection refused$") as err:
        await send_guest(
            GuestMemory.of_mib(1),
            source_ip=SOURCE,
            target=(TARGET, port),
            link_mbit=100,
            speed=10,
            dirty_pages_per_s=0,
        )
    assert isinstance(err.value, ConnectionRefusedError)
    assert isinstance(err.value, MigrationRefused)


async def test_a_peer_that_admit_refuses_is_dropped_like_xend_hosts_allow() -> None:
    calls = []
    srv = RelocationServer(TARGET, 0, admit=lambda ip: "hosts-allow")
    await srv.start()
    try:
        with pytest.raises(MigrationRefused, match="the target closed the connection"):
            await migrate(srv, GuestMemory.of_mib(1), before_stop_and_copy=lambda: calls.append(1))
    finally:
        await srv.close()
    assert calls == []  # refused before any round: the guest never stopped
    assert srv.log[0].startswith(f"Rejected connection from {SOURCE}:")
    assert srv.log[0].endswith(f"(hosts-allow) for port {srv.port}.")


async def test_a_target_that_cannot_take_the_domain_answers_its_error() -> None:
    async def no_storage(inc: IncomingMigration) -> None:
        raise OSError("Disk image does not exist: /xen/virt_server.img")

    srv = RelocationServer(TARGET, 0, admit=lambda ip: None, on_incoming=no_storage)
    await srv.start()
    try:
        with pytest.raises(MigrationRefused, match=r"^Disk image does not exist: /xen/virt_se"):
            await migrate(srv, GuestMemory.of_mib(1))
    finally:
        await srv.close()


async def test_the_receiver_answers_garbage_with_an_error_frame(target) -> None:
    reader, writer = await asyncio.open_connection(TARGET, target.port)
    writer.write(migframe.frame(migframe.HELLO, b"GET / HTTP/1.0\r\n\r\n"))
    await writer.drain()
    kind, length = struct.unpack(">BI", await reader.readexactly(5))
    body = await reader.readexactly(length)
    writer.close()
    assert (kind, body) == (migframe.ERROR, b"not a xentui migration stream")


async def test_a_target_that_dies_mid_transfer_is_a_migration_error(target) -> None:
    async def kill_soon() -> None:
        while not target.arrived:
            await asyncio.sleep(0.005)
        await asyncio.sleep(0.05)
        await target.close()

    killer = asyncio.create_task(kill_soon())
    with pytest.raises(MigrationError, match="connection to the target lost"):
        await migrate(target, GuestMemory.of_mib(64), speed=1.0)
    await killer


async def test_bad_link_speed_is_one_line(target) -> None:
    with pytest.raises(MigrationError, match=r"must be positive \(0\.0, 1\.0\)"):
        await migrate(target, GuestMemory.of_mib(1), link_mbit=0.0, speed=1.0)


async def test_the_stream_halts_for_exactly_the_downtime(target) -> None:
    """The lab's use: halt the guest's stream at stop-and-copy, resume when the target runs."""
    stream = StreamServer("127.0.0.2", media=media_path("audio"))
    await stream.start()
    try:
        stats = await migrate(
            target,
            GuestMemory.of_mib(8),
            dirty_pages_per_s=2000.0,
            before_stop_and_copy=lambda: stream.halt("stop-and-copy"),
        )
        stream.resume("running on the target")
    finally:
        await stream.close()
    (halt,) = stream.halts
    assert halt.t_halt <= stats.t_stop_and_copy
    assert halt.t_resume is not None and halt.t_resume >= stats.t_resumed
    assert halt.t_resume - halt.t_halt == pytest.approx(stats.downtime_s, abs=0.005)


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (b"GET / HTTP/1.0\r\n", "not a xentui migration stream"),
        (migframe.MAGIC + b"[1, 2]", "bad migration header: expected an object, got list"),
        (migframe.MAGIC + b'{"pages": "many"}', "bad migration header: invalid literal"),
        (migframe.MAGIC + b'{"pages": 4, "hot_pages": "x", "page_size": 4096}', "bad migration"),
        (migframe.MAGIC + b'{"hot_pages": 1}', "bad migration header: 'pages'"),
        (migframe.MAGIC + b'{"pages": 4, "page_size": 512}', "bad migration header: page count"),
        (migframe.MAGIC + b"{not json", "bad migration header: Expecting property name"),
    ],
)
def test_a_bad_hello_is_one_migration_error(body: bytes, said: str) -> None:
    """A receiver answers a broken header with its words, never with a dropped connection."""
    with pytest.raises(migframe.MigrationError) as caught:
        migframe.parse_hello(body)
    assert str(caught.value).startswith(said), str(caught.value)


def test_a_good_hello_round_trips_and_names_its_sender() -> None:
    info = b'{"pages": 8, "hot_pages": 2, "page_size": 4096, "source": "127.1.1.1"}'
    got = migframe.parse_hello(migframe.MAGIC + info)
    assert (got.pages, got.hot_pages, got.source) == (8, 2, "127.1.1.1")
    anonymous = migframe.parse_hello(
        migframe.MAGIC + b'{"pages": 8, "page_size": 4096, "source": 7}'
    )
    assert anonymous.source is None and anonymous.hot_pages == 1

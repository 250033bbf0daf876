"""The stream check reads only the first bytes of a real HTTP answer on loopback."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from xentui.lab.streaming.gnump3d import header_bytes
from xentui.setup.guest_steps import check_url
from xentui.setup.results import Status

# the handlers outlive the check (they sleep): the fixture stops them, else their sockets are
# left to a closed loop
handlers: set[asyncio.Task[object]] = set()


async def serve(reply: bytes | None) -> tuple[asyncio.Server, str]:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        handlers.add(asyncio.current_task())
        try:
            await reader.readuntil(b"\r\n\r\n")
            if reply is None:  # accepts, then says nothing
                await asyncio.sleep(5)
            else:
                writer.write(reply)
                await writer.drain()
                # a stream stays open past the check's timeout: the check must not wait for its end
                await asyncio.sleep(60)
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    return server, f"http://127.0.0.1:{port}/TruthHappens.ogg"


@pytest.fixture
async def servers() -> AsyncIterator[list[asyncio.Server]]:
    made: list[asyncio.Server] = []
    yield made
    for server in made:
        server.close()
    for task in handlers:
        task.cancel()
    await asyncio.gather(*handlers, return_exceptions=True)
    handlers.clear()


OGG = b"OggS\x00\x02" + b"\x00" * 200


@pytest.mark.parametrize(
    ("reply", "status", "words"),
    [
        (
            header_bytes(200, "application/ogg", size=10_000_000) + OGG,
            Status.PASSED,
            "answers 200 application/ogg, starts with OggS",
        ),
        (header_bytes(200, "audio/ogg", size=10_000_000) + OGG, Status.PASSED, "audio/ogg"),
        (header_bytes(404, "text/html") + b"<html>", Status.FAILED, "answers 404"),
        (header_bytes(200, "text/html", size=100) + b"<html>" * 20, Status.FAILED, "not with Ogg"),
        (header_bytes(200, "application/ogg", size=100) + b"<html>" * 20, Status.FAILED, "not"),
        (None, Status.FAILED, "no answer"),
    ],
)
async def test_check_url(servers, reply: bytes | None, status: Status, words: str) -> None:
    server, url = await serve(reply)
    servers.append(server)
    # the silent server is waited out (0.5 s); one that answers gets a loaded machine's slack
    finding = await check_url(url, timeout=0.5 if reply is None else 10)
    assert finding.status is status, finding
    assert words in finding.reason
    assert "b'" not in finding.reason + finding.found  # bytes read as text, not Python syntax


async def test_nothing_listening_is_a_failure_in_words() -> None:
    finding = await check_url("http://127.0.0.1:9/TruthHappens.ogg", timeout=0.5)
    assert finding.status is Status.FAILED
    assert finding.reason.startswith("no answer: ConnectError")

"""The probe against servers that misbehave on purpose: each is said in words, then it recovers."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from xentui.model import Event, PlayerState, StreamStatusEvent
from xentui.probe.monitor import StreamProbe
from xentui.probe.words import describe_error, describe_status

from .servers import AUDIO, BadServer, until

FAST = {"backoff_s": (0.05, 0.2), "idle_timeout_s": 5.0, "connect_timeout_s": 2.0}


class Run:
    """A probe on ``url`` in a task, with every status message it said."""

    def __init__(self, url: str, **kw) -> None:
        self.probe = StreamProbe(url, buffer_s=0.5, reader_options={**FAST, **kw})
        self.events: list[Event] = []
        self.probe.add_listener(self.events.append)

    @property
    def messages(self) -> list[str]:
        return [e.message for e in self.events if isinstance(e, StreamStatusEvent)]

    def said(self, *words: str) -> bool:
        return any(all(w in m for w in words) for m in self.messages)

    async def __aenter__(self) -> Run:
        self.probe.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.probe.close()


async def _recovers(server: BadServer, run: Run) -> None:
    server.mode = "good"
    await until(lambda: run.probe.summary().state is PlayerState.PLAYING)
    assert not run.probe.summary().media_time_estimated


@pytest.mark.parametrize(
    ("mode", "words"),
    [
        ("html200", ("HTML page", "not media")),
        ("status404", ("HTTP 404", "not in its root")),
        ("mid_page", ("ended", "mid-page")),
        ("short_body", ("ended early",)),
    ],
)
async def test_bad_answer_is_said_then_recovers(mode: str, words: tuple[str, ...]) -> None:
    async with BadServer(mode) as server, Run(server.url) as run:
        await until(lambda: run.said(*words))
        assert run.said("retrying in")
        await _recovers(server, run)


async def test_not_ogg_is_played_on_an_estimate() -> None:
    async with BadServer("not_ogg") as server, Run(server.url) as run:
        await until(lambda: run.said("not Ogg data"))
        assert run.probe.summary().media_time_estimated
        assert "estimated" in run.probe.timeline.describe()


async def test_headers_then_nothing() -> None:
    # the watchdog speaks at 2 s, the idle timeout ends the connection at 4 s: a slow machine
    # has 2 s to see the first before the second changes the state
    async with BadServer("headers_only") as server, Run(server.url, idle_timeout_s=4.0) as run:
        await until(lambda: run.said("no data yet", "silent"))
        assert not run.said("went silent")
        assert run.probe.summary().state is PlayerState.PREBUFFERING
        server.mode = "good"
        await until(lambda: run.said("went silent"))  # the idle timeout ends it
        await _recovers(server, run)


async def test_redirect_is_followed_and_said() -> None:
    async with BadServer("redirect") as server, Run(server.url) as run:
        await until(lambda: run.said("redirected to", "/moved.ogg"))
        await until(lambda: run.probe.summary().state is PlayerState.PLAYING)


async def test_chunked_encoding() -> None:
    async with BadServer("chunked") as server, Run(server.url) as run:
        await until(lambda: run.probe.summary().state is PlayerState.PLAYING)
        assert run.probe.timeline.ogg.bad_pages == 0


async def test_gnump3d_mixed_line_endings_parse() -> None:
    # h11 splits header lines on \r?\n, so gnump3d's bare-\n lines need no special handling
    async with BadServer("good") as server, Run(server.url) as run:
        await until(lambda: run.probe.summary().state is PlayerState.PLAYING)
        assert run.said("connected: HTTP 200")


async def test_slow_drip_is_said() -> None:
    async with BadServer("drip") as server, Run(server.url) as run:
        await until(lambda: run.said("trickles in", "too slow"))
        assert run.probe.summary().state is PlayerState.PREBUFFERING
        # the drip ends after a few bytes; the next connection gets the stream
        await _recovers(server, run)
        assert run.said("ended the stream after")


async def test_refused_then_the_server_comes() -> None:
    async with BadServer("good") as server:
        url, port = server.url, server.port
    async with Run(url) as run:
        await until(lambda: run.said("connection refused", "retrying in"))
        assert run.probe.summary().state is PlayerState.STOPPED
        async with BadServer("good", port):
            await until(lambda: run.probe.summary().state is PlayerState.PLAYING)


def test_gnump3ds_404_ok_is_said_as_a_404() -> None:
    url = "http://virt_server:8888/wrong.ogg"
    assert describe_status(404, "OK", url) == (
        f"HTTP 404 for {url}: no such file on the server (gnump3d: not in its root, "
        "/home/mp3 by default)"
    )
    assert describe_status(404, "Not Found", url).startswith("HTTP 404 Not Found for ")


def test_dns_and_timeouts_in_words() -> None:
    url = "http://virt_server:8888/TruthHappens.ogg"
    dns = httpx.ConnectError("cannot resolve 'virt_server': Name or service not known")
    assert describe_error(dns, url).startswith("DNS: ")
    assert "virt_server:8888" in describe_error(httpx.ConnectTimeout("no answer"), url)


async def test_unthrottled_mode_reads_everything_fast() -> None:
    async with BadServer("good") as server:
        probe = StreamProbe(server.url, buffer_s=0.5, player_mode=False, reader_options=FAST)
        probe.start()
        try:
            await until(lambda: probe.meter.total >= 20 * AUDIO.stat().st_size)
            assert probe.reader.options == []  # ordinary buffers
            assert probe.timeline.ogg.links == 20
        finally:
            await probe.close()


async def test_a_failing_listener_does_not_stop_the_probe() -> None:
    def broken(event) -> None:
        raise RuntimeError("listener bug")

    async with BadServer("good") as server, Run(server.url) as run:
        run.probe.add_listener(broken)
        await until(lambda: run.probe.summary().state is PlayerState.PLAYING)


async def test_a_name_with_two_addresses_tries_the_second(monkeypatch) -> None:
    # as `localhost` can resolve to ::1 first while the server listens on 127.0.0.1 only;
    # the name is resolved here (no DNS in tests), the connections are real
    import socket

    loop = asyncio.get_running_loop()

    async def resolve(host, port, **kw):
        assert host == "stream.test"
        tcp = (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "")
        return [(*tcp, ("127.0.0.9", port)), (*tcp, ("127.0.0.1", port))]

    monkeypatch.setattr(loop, "getaddrinfo", resolve)
    async with BadServer("good") as server:
        url = f"http://stream.test:{server.port}/TruthHappens.ogg"
        async with Run(url) as run:
            await until(lambda: run.probe.summary().state is PlayerState.PLAYING)
            assert not run.said("refused")


async def test_a_name_that_does_not_resolve_is_said_as_dns(monkeypatch) -> None:
    # the resolver is replaced (a real lookup would leave loopback); the failure it raises is
    # the one getaddrinfo raises for an unknown name, and the probe keeps retrying
    import socket

    loop = asyncio.get_running_loop()

    async def resolve(host, port, **kw):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(loop, "getaddrinfo", resolve)
    async with Run("http://virt_server:8888/TruthHappens.ogg") as run:
        await until(lambda: run.said("DNS: cannot resolve 'virt_server'", "retrying in"))
        await until(lambda: len([m for m in run.messages if m.startswith("DNS")]) >= 2)
        assert run.probe.summary().state is PlayerState.STOPPED

"""A chained stream whose links differ (issue 11.1): the media clock is each link's own.

A playlist or radio stream changes bitrate, sample rate, channels and codecs at every song. The
probe's bitrate and buffer must follow a new link within 2 s of its first page; the truth is each
link's bytes and duration from its own granules (tests/probe/chain.py).
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from xentui.model import PlayerState
from xentui.probe.mediatime import MediaTimeline
from xentui.probe.monitor import StreamProbe

from .chain import PLAYLIST, Link, build, link_at, media_at
from .icecast import Icecast
from .servers import BadServer

FOLLOW_S = 2.0
"""The new link's figures hold from this long after its first page (the issue's target)."""
TOLERANCE = 0.12


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, list[Link]]:
    return build(PLAYLIST, tmp_path_factory.mktemp("chain"))


def _claims(data: bytes, truth: list[Link]) -> None:
    """The media itself: five links of 5 s, each about x2 or x0.5 the bitrate of the one before."""
    assert [round(link.duration_s) for link in truth] == [5] * len(PLAYLIST)
    for before, after in itertools.pairwise(truth):
        ratio = after.rate / before.rate
        assert 1.6 < ratio < 2.6 or 0.38 < ratio < 0.62, (before.kbps, after.kbps)
    assert media_at(truth, len(data)) == pytest.approx(sum(x.duration_s for x in truth))
    assert media_at(truth, truth[1].data_start) == pytest.approx(truth[0].duration_s)


def test_each_link_is_timed_on_its_own_granules(chain: tuple[bytes, list[Link]]) -> None:
    """Fed as a socket delivers it, in 512-byte reads: from 2 s of media into each link on,
    the bytes per media second are that link's, and so is the media each byte counts for."""
    data, truth = chain
    _claims(data, truth)
    timeline = MediaTimeline()
    rows: list[tuple[int, float, float]] = []
    for i in range(0, len(data), 512):
        media = timeline.feed(data[i : i + 512])
        rows.append((timeline.nbytes, media, timeline.bytes_per_media_s()))
    for k, link in enumerate(truth):
        start = link.data_start + int(FOLLOW_S * link.rate)
        window = [r for r in rows if start <= r[0] <= start + int(2 * link.rate)]
        rates = [r[2] / link.rate for r in window]
        assert all(abs(x - 1) < TOLERANCE for x in rates), (k, min(rates), max(rates))
        (b0, m0, _), (b1, m1, _) = window[0], window[-1]
        per_byte = (m1 - m0) / ((b1 - b0) / link.rate)
        assert abs(per_byte - 1) < TOLERANCE, (k, per_byte)
    assert timeline.ogg.links == len(truth)


@dataclass
class Seen:
    t: float
    nbytes: int
    media_s: float
    metered: int
    link: int
    state: PlayerState


async def _watch(probe: StreamProbe, done: Callable[[list[Seen]], bool]) -> list[Seen]:
    """Every 50 ms, what the probe holds, until ``done`` says it has seen enough."""
    loop = asyncio.get_running_loop()
    end, seen = loop.time() + 60, []
    while not seen or not done(seen):
        assert loop.time() < end, f"timed out at {probe.timeline.nbytes} bytes: {probe.message}"
        timeline = probe.timeline
        seen.append(
            Seen(
                probe.clock(),
                timeline.nbytes,
                timeline.media_s,
                probe.meter.total,
                timeline.ogg.links,
                probe.player.state,
            )
        )
        await asyncio.sleep(0.05)
    return seen


def _in_link(seen: list[Seen], k: int, after_s: float) -> bool:
    """The probe has been in link ``k`` (from 0) for ``after_s``, or is past it."""
    first = next((s for s in seen if s.link >= k + 1), None)
    return first is not None and seen[-1].t >= first.t + after_s


def _follows(seen: list[Seen], truth: list[Link], k: int) -> list[str]:
    """What is wrong with link ``k`` from FOLLOW_S after its first page: the bytes read per
    second (the bitrate) and the media counted per byte (the buffer) against the truth."""
    link = truth[k]
    first = next(s for s in seen if s.link == k + 1)
    rows = [s for s in seen if first.t + FOLLOW_S <= s.t <= first.t + FOLLOW_S + 2.0]
    rows = [s for s in rows if s.link == k + 1]
    if len(rows) < 10:
        return [f"link {k}: only {len(rows)} samples in its window"]
    a, b = rows[0], rows[-1]
    wrong = []
    kbps = (b.metered - a.metered) * 8 / (b.t - a.t) / 1000
    true_kbps = link.rate * 8 / 1000
    if abs(kbps / true_kbps - 1) > 0.15:
        wrong.append(f"link {k}: bitrate {kbps:.0f} kbit/s, truly {true_kbps:.0f}")
    per_byte = (b.media_s - a.media_s) / ((b.nbytes - a.nbytes) / link.rate)
    if abs(per_byte - 1) > TOLERANCE:
        wrong.append(f"link {k}: {per_byte:.2f} media s counted per true media s")
    return wrong


async def _pushed(data: bytes, links: int) -> list[Seen]:
    """A server that does not pace itself: TCP and the player's buffer set the pace."""
    async with BadServer("body", body=data) as server:
        probe = StreamProbe(server.url, buffer_s=1.0)
        probe.start()
        try:
            return await _watch(probe, lambda seen: _in_link(seen, links - 1, 4.2))
        finally:
            await probe.close()


async def _relayed(server: Icecast, links: int) -> list[Seen]:
    """A listener of a real Icecast2 whose source sends each song at the media's pace."""
    probe = StreamProbe(server.url, buffer_s=1.0, reader_options={"backoff_s": (0.1, 0.5)})
    probe.start()
    try:
        return await _watch(probe, lambda seen: _in_link(seen, links - 1, 4.2))
    finally:
        await probe.close()


@dataclass
class Runs:
    pushed: list[Seen] | BaseException
    relayed: list[Seen] | BaseException
    icecast_errors: str


@pytest.fixture(scope="module")
def runs(chain: tuple[bytes, list[Link]]) -> Runs:
    """Both live runs of the chain, watched at the same time: each is paced by the media (~25 s
    of it), not by the CPU (two ~100 kbit/s streams), so side by side they take the time of one.
    Each test below judges its own run as before; a run that failed raises in its own test."""
    data, truth = chain
    server = Icecast(chain=(data, lambda offset: media_at(truth, offset)))
    try:

        async def both() -> list[list[Seen] | BaseException]:
            return await asyncio.gather(
                _pushed(data, len(truth)), _relayed(server, len(truth)), return_exceptions=True
            )

        pushed, relayed = asyncio.run(both())
        errors = server.errors()
    finally:
        server.close()
    return Runs(pushed, relayed, errors)


def _seen(run: list[Seen] | BaseException) -> list[Seen]:
    if isinstance(run, BaseException):
        raise run
    return run


def test_a_chain_pushed_as_fast_as_tcp_allows(chain: tuple[bytes, list[Link]], runs: Runs) -> None:
    """A server that does not pace itself, a chain of five different links: the player's
    bitrate and its media per byte follow every link within 2 s, and it never stalls."""
    _data, truth = chain
    seen = _seen(runs.pushed)
    assert link_at(truth, seen[-1].nbytes) == len(truth) - 1
    wrong = [w for k in range(len(truth)) for w in _follows(seen, truth, k)]
    assert not wrong, wrong
    states = [s.state for s in seen]
    played = states[states.index(PlayerState.PLAYING) :]
    assert set(played) == {PlayerState.PLAYING}, "it stalled"


def test_an_icecast_source_that_changes_songs(chain: tuple[bytes, list[Link]], runs: Runs) -> None:
    """A real Icecast2 relaying a source that sends a new link per song at the media's pace: the
    listener joins within the first song; from 2 s into each later song the media the probe
    counts per byte is that song's, so the buffer neither swells nor drains, and no stall."""
    _data, truth = chain
    seen = _seen(runs.relayed)
    wrong = [w for k in range(1, len(truth)) for w in _follows(seen, truth, k)]
    assert not wrong, (wrong, runs.icecast_errors)
    states = [s.state for s in seen]
    played = states[states.index(PlayerState.PLAYING) :]
    assert set(played) == {PlayerState.PLAYING}, "it stalled"

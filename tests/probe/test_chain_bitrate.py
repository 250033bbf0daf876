"""The bitrate the app and ``xentui probe`` show follows a new chain link within 2 s (issue 11.1).

A playlist or radio stream changes bitrate at every song. The figure is a mean over two seconds,
so it is steady, yet from 2 s after a link's first page it must be within 15 % of that link's
own rate: its bytes over its duration from its own granules (tests/probe/chain.py), for a link
at twice the bitrate of the one before and for one at half. Three short links (~9 s of media)
are served by the lab's own HTTP server, which pushes as fast as TCP allows; the probe reads it
as a player does.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from xentui.lab.streaming.stream import StreamServer
from xentui.probe.monitor import StreamProbe

from .chain import Link, Spec, build

LINK_S = 3.0
CHAIN = (
    Spec(44100, 2, "56k", seconds=LINK_S),  # ~55 kbit/s
    Spec(44100, 2, "160k", noise="white", seconds=LINK_S),  # ~113: x2
    Spec(22050, 1, "56k", seconds=LINK_S),  # ~60: x0.5
)
FOLLOW_S = 2.0
"""From this long after a link's first page the figure is the link's (the issue's target)."""
UNTIL_S = 2.8
"""Sampled up to here: the link's last page comes ~3 s in, after its media."""
TOLERANCE = 0.15


async def _bitrates(url: str, links: int) -> list[tuple[int, float, float]]:
    """(link, seconds since its first page was read, the summary's bitrate) every 50 ms, until
    the probe has been ``UNTIL_S`` into the last of ``links``."""
    probe = StreamProbe(url, buffer_s=1.0)
    probe.start()
    loop = asyncio.get_running_loop()
    end, firsts, seen = loop.time() + 40, dict[int, float](), []
    try:
        while True:
            assert loop.time() < end, f"timed out: {probe.message}"
            link, now = probe.timeline.ogg.links, probe.clock()
            firsts.setdefault(link, now)
            seen.append((link, now - firsts[link], probe.summary().bitrate_kbps))
            if link > links or (link == links and now - firsts[link] >= UNTIL_S):
                return seen
            await asyncio.sleep(0.05)
    finally:
        await probe.close()


def _wrong(seen: list[tuple[int, float, float]], truth: list[Link], k: int) -> list[str]:
    """Link ``k``'s figures from ``FOLLOW_S`` after its first page that miss its own rate."""
    true_kbps = truth[k].rate * 8 / 1000
    figures = [kbps for link, since, kbps in seen if link == k + 1 and FOLLOW_S <= since <= UNTIL_S]
    if len(figures) < 5:
        return [f"link {k}: only {len(figures)} figures from {FOLLOW_S} s on"]
    off = [kbps for kbps in figures if abs(kbps / true_kbps - 1) > TOLERANCE]
    shown = ", ".join(f"{kbps:.0f}" for kbps in figures)
    return [f"link {k}: shows {shown} kbit/s, truly {true_kbps:.0f}"] if off else []


async def test_the_bitrate_follows_a_link_at_twice_and_at_half_the_rate(tmp_path: Path) -> None:
    data, truth = build(CHAIN, tmp_path)
    assert 1.7 < truth[1].rate / truth[0].rate < 2.5 and 0.4 < truth[2].rate / truth[1].rate < 0.6
    server = StreamServer("127.0.0.1", 0, data)
    await server.start()
    try:
        seen = await _bitrates(server.url, len(CHAIN))
    finally:
        await server.close()
    wrong = _wrong(seen, truth, 1) + _wrong(seen, truth, 2)
    assert not wrong, wrong

"""An hour of stream, sped up: the probe's memory must stay flat (RSS within +/- 5 MB).

A child process pushes the lab's video clip, looped, at ``--speed`` times its media rate, with a
30 ms pause every ``--gap-every`` s (so gaps pile up too); the probe reads it unthrottled on a
clock that runs ``--speed`` times faster, so an hour of its time (byte ring, buffer history, gaps,
Ogg chain links) passes in ``60 / speed`` minutes. The TUI's once-a-second ``summary()`` runs
throughout. RSS is sampled after a warm-up. Last line: JSON.

    .venv/bin/python benchmarks/probe_memory.py [--minutes 60] [--speed 60]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time

from xentui.lab.streaming.media import media_path
from xentui.probe.monitor import StreamProbe
from xentui.probe.ogg import OggClock

SERVER = r"""
import socket, sys, time
data = open(sys.argv[1], "rb").read()
rate = float(sys.argv[2])
lsock = socket.socket()
lsock.bind(("127.0.0.1", 0))
lsock.listen(1)
print(lsock.getsockname()[1], flush=True)
conn, _ = lsock.accept()
conn.recv(65536)
conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: application/ogg\r\n\r\n")
start, sent, next_pause = time.monotonic(), 0, 2.0
try:
    while True:
        for i in range(0, len(data), 16384):
            conn.sendall(data[i : i + 16384])
            sent += 16384
            now = time.monotonic() - start
            if now >= next_pause:
                time.sleep(0.03)
                next_pause += float(sys.argv[3])
                start += 0.03
            ahead = sent / rate - (time.monotonic() - start)
            if ahead > 0:
                time.sleep(ahead)
except OSError:
    pass
"""


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


async def soak(url: str, seconds: float, speed: float) -> dict[str, float]:
    t0 = time.monotonic()

    def fast_clock() -> float:
        return t0 + (time.monotonic() - t0) * speed

    probe = StreamProbe(url, buffer_s=5.0, player_mode=False, clock=fast_clock)
    probe.start()
    samples: list[float] = []
    warm = min(10.0, seconds / 6)
    try:
        elapsed = 0.0
        while elapsed < seconds:  # measured after each second, so a short run still samples
            await asyncio.sleep(1.0)
            elapsed = time.monotonic() - t0
            summary = probe.summary()
            probe.longest_gap_since(fast_clock() - 600)
            probe.min_buffer_since(fast_clock() - 600)
            if elapsed >= warm:
                samples.append(rss_mb())
                if len(samples) % 10 == 1:
                    print(
                        f"{(fast_clock() - t0) / 60:6.1f} min of stream: RSS {samples[-1]:6.1f} MB"
                        f"  {probe.meter.total / 1e6:7.1f} MB read  {len(summary.gaps)} gaps"
                        f"  {probe.timeline.ogg.links} Ogg links"
                    )
    finally:
        await probe.close()
    return {
        "stream_minutes": round((fast_clock() - t0) / 60, 1),
        "mb_read": round(probe.meter.total / 1e6, 1),
        "gaps_kept": len(probe.player.gaps),
        "rss_start_mb": round(samples[0], 2),
        "rss_end_mb": round(samples[-1], 2),
        "rss_min_mb": round(min(samples), 2),
        "rss_max_mb": round(max(samples), 2),
        "rss_growth_mb": round(samples[-1] - samples[0], 2),
        "rss_spread_mb": round(max(samples) - min(samples), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=60.0, help="stream time to cover")
    parser.add_argument("--speed", type=float, default=60.0)
    parser.add_argument(
        "--gap-every", type=float, default=2.0, help="wall seconds between 30 ms pauses"
    )
    args = parser.parse_args()
    clip = media_path("video")
    probe_clock = OggClock()
    probe_clock.feed(clip.read_bytes())
    byte_rate = clip.stat().st_size / probe_clock.media_s
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(clip), str(byte_rate * args.speed), str(args.gap_every)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        url = f"http://127.0.0.1:{server.stdout.readline().strip()}/TruthHappens.ogg"
        figures = asyncio.run(soak(url, args.minutes * 60 / args.speed, args.speed))
    finally:
        server.terminate()
        server.wait(5)
    figures["targets_met"] = figures["rss_spread_mb"] <= 5.0
    print(json.dumps(figures))


if __name__ == "__main__":
    main()

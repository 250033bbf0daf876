"""What timing gaps costs in player mode: read timestamps vs the 1 kHz TCP_INFO poll vs neither.

The probe runs in the TUI's event loop, so its steady cost while a stream plays matters more than
its peak. A child process serves the lab clip (gnump3d-like, paced by the player's backpressure);
the probe reads it in player mode three ways, each for ``--seconds``: kernel arrival times from
each read (``SO_TIMESTAMPNS``, the default), the TCP_INFO poll (the fallback), and no kernel
timing at all (the baseline: what reading and playing cost). CPU is this process's
``time.process_time``. Last line: JSON, with each way's CPU as a ratio to the baseline.

    .venv/bin/python benchmarks/probe_player_cost.py [--clip video|audio] [--seconds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time

from xentui.model import PlayerState
from xentui.probe.monitor import StreamProbe

SERVER = r"""
import asyncio, sys
from xentui.lab.streaming.media import media_path
from xentui.lab.streaming.stream import StreamServer

async def main():
    server = StreamServer("127.0.0.1", 0, media_path(sys.argv[1]))
    await server.start()
    print(server.port, flush=True)
    await asyncio.sleep(3600)

asyncio.run(main())
"""

WAYS = {"timestamps": {"timestamps": True}, "poll": {"timestamps": False}, "baseline": {}}


async def cpu_pct(url: str, way: str, seconds: float) -> float:
    probe = StreamProbe(url, buffer_s=2.0, reader_options=WAYS[way])
    probe.reader.kernel_timing = way != "baseline"
    probe.start()
    try:
        end = time.monotonic() + 15
        while probe.summary().state is not PlayerState.PLAYING:
            if time.monotonic() > end:
                raise SystemExit(f"the probe never played: {probe.message}")
            await asyncio.sleep(0.05)
        await asyncio.sleep(1.0)  # past the prebuffer burst: the steady state
        c0, t0 = time.process_time(), time.monotonic()
        await asyncio.sleep(seconds)
        c1, t1 = time.process_time(), time.monotonic()
    finally:
        await probe.close()
    return (c1 - c0) / (t1 - t0) * 100


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clip", choices=("video", "audio"), default="video")
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, args.clip], stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        url = f"http://127.0.0.1:{server.stdout.readline().strip()}/TruthHappens.ogg"
        cpu = {way: asyncio.run(cpu_pct(url, way, args.seconds)) for way in WAYS}
    finally:
        server.terminate()
        server.wait(5)
    for way, pct in cpu.items():
        print(f"{args.clip} {way:10} {pct:5.2f} % of one core")
    base = max(cpu["baseline"], 0.01)
    figures = {f"{way}_cpu_pct": round(pct, 2) for way, pct in cpu.items()}
    figures.update(
        clip=args.clip,
        timestamps_vs_baseline=round(cpu["timestamps"] / base, 2),
        poll_vs_baseline=round(cpu["poll"] / base, 2),
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()

"""Fan-out: 50 lab hosts polled at 1 Hz by one Engine. Every host's poll must re-arm on time (no
late cycles) and the median poll latency must stay within 3x that of a single host polled alone.

The lab runs as a child process (`xentui lab`), as in `xentui demo`, so its work does not share our
event loop. Baseline from the same run: one host of the same lab, polled alone by its own Engine.
Last line: the figures as JSON.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import json
import statistics
import sys
import tempfile
from pathlib import Path

from xentui.config import LabConfig, load_config
from xentui.control.engine import Engine
from xentui.model import Event, SnapshotEvent

HOSTS = 50
INTERVAL = 1.0
RUN_S = 12.0
WARMUP_S = 2.0
SLACK_S = 0.1


async def start_lab(workdir: Path) -> tuple[asyncio.subprocess.Process, Path]:
    out = workdir / "lab.toml"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "xentui", "lab", "--hosts", str(HOSTS), "--config-out", str(out),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    assert proc.stdout is not None
    async with asyncio.timeout(60):
        while line := await proc.stdout.readline():
            if line.startswith(b"ready: "):
                return proc, out
    raise RuntimeError("the lab did not start")


async def measure(config: LabConfig) -> tuple[list[float], int, int]:
    """(latencies after warm-up, late cycles, cycles) for RUN_S seconds of polling."""
    snaps: dict[str, list[tuple[float, float]]] = {}

    def on(event: Event) -> None:
        if isinstance(event, SnapshotEvent):
            s = event.snapshot
            snaps.setdefault(s.host, []).append((s.t - s.latency_s, s.latency_s))

    engine = Engine(config)
    engine.add_listener(on)
    await engine.start()
    t0 = engine.clock()
    await asyncio.sleep(RUN_S)
    await engine.stop()
    lat, late, cycles = [], 0, 0
    for polls in snaps.values():
        polls = [p for p in polls if p[0] >= t0 + WARMUP_S]
        lat += [latency for _, latency in polls]
        for (s0, _), (s1, l1) in itertools.pairwise(polls):
            cycles += 1
            late += (s1 - s0 > INTERVAL + SLACK_S) or l1 > INTERVAL
    missing = len(config.hosts) - len(snaps)
    return lat, late + missing, cycles


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        proc, path = await start_lab(Path(tmp))
        try:
            config = dataclasses.replace(load_config(path), poll_interval_s=INTERVAL)
            single = dataclasses.replace(config, hosts=config.hosts[:1])
            one_lat, one_late, _ = await measure(single)
            lat, late, cycles = await measure(config)
        finally:
            proc.terminate()
            await proc.wait()
    p50, single_p50 = statistics.median(lat) * 1000, statistics.median(one_lat) * 1000
    p95 = statistics.quantiles(lat, n=20)[-1] * 1000
    print(
        f"{HOSTS} hosts at {INTERVAL:g} Hz for {RUN_S:g} s: {cycles} cycles, {late} late; "
        f"poll p50 {p50:.1f} ms (p95 {p95:.1f}), one host alone p50 {single_p50:.1f} ms"
    )
    print(json.dumps({
        "hosts": HOSTS, "interval_s": INTERVAL, "cycles": cycles, "late_cycles": late,
        "p50_ms": round(p50, 2), "p95_ms": round(p95, 2), "single_p50_ms": round(single_p50, 2),
        "ratio_to_single": round(p50 / single_p50, 2), "single_late_cycles": one_late,
    }))  # fmt: skip


if __name__ == "__main__":
    asyncio.run(main())

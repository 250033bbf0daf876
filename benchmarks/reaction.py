"""Reaction: from an action's completion (the command's result) to the next list of that host,
over the lab's real SSH. Goal: median under 100 ms. The baseline from the same run is the time
the host would wait for its next scheduled poll at the configured interval (median ~interval/2).
Last line: the figures as JSON.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import tempfile
from pathlib import Path

from xentui.control.engine import Engine
from xentui.lab import Lab, LabOptions
from xentui.model import Event, SnapshotEvent

ROUNDS = 20


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        async with Lab(LabOptions(), workdir=Path(tmp)) as lab:
            engine = Engine(lab.config)
            snaps: list[tuple[str, float]] = []

            def on(event: Event) -> None:
                if isinstance(event, SnapshotEvent):
                    snaps.append((event.snapshot.host, event.snapshot.t))

            engine.add_listener(on)
            await engine.start()
            await engine.refresh(timeout=10, fresh=False)
            reactions, waits = [], []
            for i in range(ROUNDS):
                event = await (engine.pause() if i % 2 == 0 else engine.unpause())
                if not event.ok or event.result is None:
                    sys.exit(f"action failed: {event.message}")
                done = event.result.finished
                host = event.host
                nxt = next(t for h, t in snaps if h == host and t >= done)
                reactions.append(nxt - done)
                # when the scheduled poll would have come: the last poll before + the interval
                before = max(t for h, t in snaps if h == host and t < done)
                waits.append(max(0.0, before + lab.config.poll_interval_s - done))
                await asyncio.sleep(0.137)  # land at different points of the poll cycle
            await engine.stop()
    med = statistics.median(reactions) * 1000
    base = statistics.median(waits) * 1000
    worst = max(reactions) * 1000
    print(
        f"action done -> next snapshot: median {med:.1f} ms, max {worst:.1f} ms "
        f"({ROUNDS} actions); the scheduled poll would have waited {base:.0f} ms"
    )
    print(json.dumps({
        "rounds": ROUNDS, "median_ms": round(med, 2), "max_ms": round(worst, 2),
        "scheduled_wait_ms": round(base, 2), "ratio": round(base / med, 1) if med else None,
    }))  # fmt: skip


if __name__ == "__main__":
    asyncio.run(main())

"""CPU of the app showing one host's list of N rows all named alike, against N distinct names.

Issue 10.9: 2,000 rows of one name cost 95 % of a core and 13,000 froze the app, because the
host pane found each repeat's row key by rescanning and growing it. Drives the real app headless
(`run_test`); a new poll of the host (every domain's Time(s) moved) goes in once a second by the
engine listener's own path (`app.deliver`). The figure is the process's CPU time per wall second
over the run, for each list, and their ratio (duplicates / distinct): about 1 when a repeat
costs what a distinct name costs. The last line printed is the figures as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from pathlib import Path

from xentui.config import GuestConfig, HostConfig, LabConfig, SshTarget
from xentui.model import Domain, DomainState, HostSnapshot, SnapshotEvent
from xentui.tui.app import XentuiApp

GUEST = "virt_server"


def config() -> LabConfig:
    host = HostConfig(ssh=SshTarget(name="xen_host_1", address="127.0.0.1", port=9))
    return LabConfig(
        path=Path("bench.toml"),
        guest=GuestConfig(GUEST, "http://virt_server:8888/TruthHappens.ogg"),
        hosts=(host,),
    )


def poll(rows: int, alike: bool, tick: int) -> SnapshotEvent:
    """Domain-0, the guest, and ``rows`` domains (all ``clone`` when ``alike``)."""
    doms = [Domain("Domain-0", "Domain-0", 0, 491, 1, DomainState.RUNNING, "r-----", 1e3 + tick)]
    doms.append(Domain(GUEST, GUEST, 1, 128, 1, DomainState.BLOCKED, "-b----", 3.0 + tick))
    for d in range(rows):
        name = "clone" if alike else f"clone_{d}"
        doms.append(Domain(name, name, d + 2, 128, 1, DomainState.BLOCKED, "-b----", d + tick))
    t = time.monotonic()
    snap = HostSnapshot("xen_host_1", t, time.time(), 0.002, tuple(doms))
    return SnapshotEvent(t=t, wall=snap.wall, snapshot=snap)


async def cpu_share(rows: int, alike: bool, seconds: float) -> float:
    """CPU seconds per wall second while the list is polled once a second (first fill left out)."""
    app = XentuiApp(config())
    async with app.run_test(size=(160, 48)) as pilot:
        app.deliver(poll(rows, alike, 0))
        await pilot.pause()
        await asyncio.sleep(0.5)
        cpu0, wall0 = time.process_time(), time.perf_counter()
        tick = 1
        while time.perf_counter() - wall0 < seconds:
            app.deliver(poll(rows, alike, tick))
            tick += 1
            await asyncio.sleep(1.0)
        share = (time.process_time() - cpu0) / (time.perf_counter() - wall0)
        assert app.main.panes["xen_host_1"].table.row_count == rows + 2
    return share


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    distinct = await cpu_share(args.rows, False, args.seconds)
    alike = await cpu_share(args.rows, True, args.seconds)
    print(f"{args.rows} distinct names: {distinct * 100:5.1f} % of a core")
    print(f"{args.rows} rows of one name: {alike * 100:5.1f} % of a core")
    figures = {
        "rows": args.rows,
        "seconds": args.seconds,
        "distinct_cpu_pct": round(distinct * 100, 1),
        "duplicates_cpu_pct": round(alike * 100, 1),
        "ratio": round(alike / distinct, 2),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    asyncio.run(main())

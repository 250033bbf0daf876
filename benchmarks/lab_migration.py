"""Lab live migration: is the total time what the link allows for the bytes actually sent?

Runs the engine over real loopback TCP (a RelocationServer and send_guest), with the guest's
stream halted at stop-and-copy as the lab does, and compares:
- total_s: first byte to the guest resumed on the target, measured;
- link_s: the bytes actually sent at link_mbit x speed, the baseline from the same run;
- capacity_mbit: an unpaced transfer in the same run, to show the machine was not the limit.
Default: 256 MiB at 100 Mbit/s, speed 1 (about 22 s). ``--fast``: 32 MiB at speed 4.
The last line printed is the figures as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json

from xentui.lab.streaming.media import media_path
from xentui.lab.streaming.stream import StreamServer
from xentui.lab.xen.migration import GuestMemory, RelocationServer, send_guest

TARGET, SOURCE, GUEST = "127.0.0.3", "127.0.0.4", "127.0.0.2"


async def run(mib: float, link_mbit: float, speed: float, dirty: float) -> dict[str, object]:
    target = RelocationServer(TARGET, 0, admit=lambda ip: None)
    await target.start()
    stream = StreamServer(GUEST, media=media_path("video"))
    await stream.start()
    try:
        # Baseline: the same engine unpaced (a link far faster than loopback), 32 MiB.
        raw = await send_guest(
            GuestMemory.of_mib(32),
            source_ip=SOURCE,
            target=(TARGET, target.port),
            link_mbit=1e6,
            speed=1.0,
            dirty_pages_per_s=0.0,
            restore_s=0.0,
        )
        capacity_mbit = raw.total_bytes * 8 / raw.total_s / 1e6
        stats = await send_guest(
            GuestMemory.of_mib(mib),
            source_ip=SOURCE,
            target=(TARGET, target.port),
            link_mbit=link_mbit,
            speed=speed,
            dirty_pages_per_s=dirty,
            on_round=lambda r: print(
                f"round {r.index:2d}{' (stop-and-copy)' if r.stop_and_copy else ''}: "
                f"{r.pages} pages, {r.bytes} bytes, {r.duration_s * 1000:.1f} ms"
            ),
            before_stop_and_copy=lambda: stream.halt("stop-and-copy"),
        )
        stream.resume("running on the target")
    finally:
        await stream.close()
        await target.close()
    halt = stream.halts[-1]
    wire_gap = None if halt.t_wire_quiet is None else halt.t_resume - halt.t_wire_quiet  # type: ignore[operator]
    print(
        f"sent {stats.total_bytes} bytes in {stats.total_s:.3f} s; "
        f"the link allows {stats.link_s:.3f} s"
    )
    print(
        f"downtime {stats.downtime_s * 1000:.1f} ms (x speed {speed}: "
        f"{stats.downtime_s * speed * 1000:.1f} ms at the nominal link)"
    )
    print(f"unpaced capacity of this machine: {capacity_mbit:.0f} Mbit/s")
    return {
        "mib": mib,
        "link_mbit": link_mbit,
        "speed": speed,
        "dirty_pages_per_s": dirty,
        "rounds": len(stats.rounds),
        "bytes": stats.total_bytes,
        "total_s": round(stats.total_s, 4),
        "link_s": round(stats.link_s, 4),
        "ratio": round(stats.total_s / stats.link_s, 4),
        "downtime_ms": round(stats.downtime_s * 1000, 2),
        "stream_halt_ms": round((halt.t_resume - halt.t_halt) * 1000, 2),  # type: ignore[operator]
        "stream_wire_gap_ms": None if wire_gap is None else round(wire_gap * 1000, 2),
        "capacity_mbit": round(capacity_mbit),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fast", action="store_true", help="32 MiB at speed 4 (about a second)")
    ap.add_argument("--mib", type=float, default=None)
    ap.add_argument("--link-mbit", type=float, default=100.0)
    ap.add_argument("--speed", type=float, default=None)
    ap.add_argument("--dirty", type=float, default=200.0, help="pages dirtied per second")
    a = ap.parse_args()
    mib = a.mib if a.mib is not None else (32.0 if a.fast else 256.0)
    speed = a.speed if a.speed is not None else (4.0 if a.fast else 1.0)
    figures = asyncio.run(run(mib, a.link_mbit, speed, a.dirty))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()

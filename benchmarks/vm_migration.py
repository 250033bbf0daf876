"""Real VM live migrations (`xentui lab --vm`): what libvirt reports beside what the viewer saw.

For each link setting (100 Mbit/s, and libvirt's own default with ``0``) a real VM lab is
started, and the guest is migrated ``--runs`` times each way through the engine, with a
player-like probe attached and the bridge's packets captured as the truth. Per migration:
- hypervisor_total_ms / hypervisor_downtime_ms: ``virsh domjobinfo --completed``;
- probe_gap_ms: the probe's longest gap from the request until the stream flowed again;
- wire_gap_ms: the same silence on the wire (the baseline measured in the same run);
- stalls: times the virtual player ran dry.
Ratios: probe gap / wire gap (how true the probe is), and the viewer's gap over the
hypervisor's downtime. Needs root and the VM lab's parts; prints the figures as JSON last.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from xentui.config import LabConfig, load_config
from xentui.control.engine import Engine
from xentui.lab.vm import netns
from xentui.lab.vm.child import vm_lab_child
from xentui.lab.vm.netns import BRIDGE, GUEST_IP
from xentui.lab.vm.parts import missing_parts
from xentui.lab.vm.wiretruth import WireCapture
from xentui.model import MigrationPhase
from xentui.probe.monitor import StreamProbe


async def migrations(config: LabConfig, runs: int) -> list[dict[str, Any]]:
    engine = Engine(config)
    await engine.start()
    await engine.refresh(timeout=20, fresh=False)
    probe = StreamProbe(config.guest.stream_url, buffer_s=config.probe.buffer_s)
    task = probe.start()
    rows: list[dict[str, Any]] = []
    try:
        while probe.buffer_level() < config.probe.buffer_s - 0.05:
            await asyncio.sleep(0.1)
        hosts = [h.name for h in config.hosts]
        for _ in range(runs * 2):
            here = engine.guest_host()
            target = next(h for h in hosts if h != here)
            with WireCapture(BRIDGE, (GUEST_IP, 8888)) as wire:
                t0 = time.monotonic()
                event = await engine.migrate(target)
                record = await engine.wait_migration(120)
                await asyncio.sleep(1.5)
                t1 = time.monotonic()
            ok = event.ok and record is not None and record.outcome is MigrationPhase.COMPLETED
            seen, truth = probe.longest_gap_since(t0), wire.longest_gap(t0, t1)
            job = record.hypervisor if record is not None else None
            rows.append(
                {
                    "to": target,
                    "ok": ok,
                    "duration_s": record.duration_s if record is not None else None,
                    "hypervisor_total_ms": job.elapsed_ms if job else None,
                    "hypervisor_downtime_ms": job.total_downtime_ms if job else None,
                    "probe_gap_ms": round(seen.length_s * 1000, 1) if seen else None,
                    "wire_gap_ms": round(truth.length_s * 1000, 1) if truth else None,
                    "stalls": len(probe.stalls_since(t0)),
                }
            )
            print(json.dumps(rows[-1]), flush=True)
            await asyncio.sleep(1.0)
    finally:
        await probe.close()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await engine.stop()
    return rows


def spread(values: list[float]) -> dict[str, float] | None:
    if not values:
        return None
    return {
        "min": min(values),
        "median": statistics.median(values),
        "max": max(values),
    }


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    def col(key: str) -> list[float]:
        return [r[key] for r in rows if r[key] is not None]

    pairs = [
        (r["probe_gap_ms"], r["wire_gap_ms"])
        for r in rows
        if r["probe_gap_ms"] and r["wire_gap_ms"]
    ]
    over = [
        r["probe_gap_ms"] - r["hypervisor_downtime_ms"]
        for r in rows
        if r["probe_gap_ms"] is not None and r["hypervisor_downtime_ms"] is not None
    ]
    return {
        "migrations": len(rows),
        "completed": sum(1 for r in rows if r["ok"]),
        "stalls": sum(r["stalls"] for r in rows),
        "hypervisor_total_ms": spread(col("hypervisor_total_ms")),
        "hypervisor_downtime_ms": spread(col("hypervisor_downtime_ms")),
        "probe_gap_ms": spread(col("probe_gap_ms")),
        "wire_gap_ms": spread(col("wire_gap_ms")),
        "probe_over_wire_ratio": spread([p / w for p, w in pairs]),
        "probe_minus_wire_ms": spread([abs(p - w) for p, w in pairs]),
        "viewer_gap_over_downtime_ms": spread(over),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="migrations each way per link (3)")
    parser.add_argument(
        "--links", default="100,0", help="link caps in Mbit/s, 0 = libvirt's default (100,0)"
    )
    parser.add_argument("--vm-mem", type=int, default=128)
    args = parser.parse_args()
    missing = missing_parts()
    if missing:
        print(f"vm_migration: {missing[0]}", file=sys.stderr)
        return 2
    figures: dict[str, Any] = {"runs_each_way": args.runs, "vm_mem_mib": args.vm_mem}
    for link in args.links.split(","):
        with tempfile.TemporaryDirectory() as tmp:
            flags = ["--link-mbit", link, "--vm-mem", str(args.vm_mem)]
            with vm_lab_child(Path(tmp), *flags) as child, netns.joined(child.netns):
                rows = asyncio.run(migrations(load_config(child.config_path), args.runs))
        name = "unlimited" if float(link) == 0 else f"{float(link):g}_mbit"
        figures[name] = summarise(rows)
        print(json.dumps({name: figures[name]}), flush=True)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())

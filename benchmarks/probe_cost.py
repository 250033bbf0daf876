"""What the probe costs when it reads a fast loopback stream unthrottled, beside curl on the same.

A child process serves the lab's video clip, looped, paced at ``--mbit`` (default 120 Mbit/s).
The probe (player mode off: ordinary buffers, large reads, Ogg clock and meter still running)
reads it for ``--seconds``; its CPU is this process's ``time.process_time``. Then ``curl -o
/dev/null`` reads the same stream for as long; its CPU is ``RUSAGE_CHILDREN``. Last line: JSON.

    .venv/bin/python benchmarks/probe_cost.py [--mbit 120] [--seconds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import shutil
import subprocess
import sys
import time

from xentui.lab.streaming.media import media_path
from xentui.probe.monitor import StreamProbe

SERVER = r"""
import socket, sys, threading, time
data = open(sys.argv[1], "rb").read() * 8
rate = float(sys.argv[2])
lsock = socket.socket()
lsock.bind(("127.0.0.1", 0))
lsock.listen(4)
print(lsock.getsockname()[1], flush=True)

def serve(conn):
    try:
        conn.recv(65536)
        conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: application/ogg\r\n\r\n")
        start, sent, chunk = time.monotonic(), 0, 65536
        while True:
            for i in range(0, len(data), chunk):
                piece = data[i : i + chunk]
                conn.sendall(piece)
                sent += len(piece)
                ahead = sent / rate - (time.monotonic() - start)
                if ahead > 0:
                    time.sleep(ahead)
    except OSError:
        pass
    finally:
        conn.close()

while True:
    c, _ = lsock.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
"""


async def probe_run(url: str, seconds: float) -> tuple[float, float]:
    probe = StreamProbe(url, player_mode=False)
    probe.start()
    try:
        await asyncio.sleep(1.0)  # connect and warm up
        b0, c0, t0 = probe.meter.total, time.process_time(), time.monotonic()
        await asyncio.sleep(seconds)
        b1, c1, t1 = probe.meter.total, time.process_time(), time.monotonic()
    finally:
        await probe.close()
    if probe.timeline.ogg.bad_pages:
        raise SystemExit(f"the Ogg clock saw {probe.timeline.ogg.bad_pages} bad pages")
    return (b1 - b0) * 8 / 1e6 / (t1 - t0), (c1 - c0) / (t1 - t0)


def curl_run(url: str, seconds: float) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    proc = subprocess.run(
        ["curl", "-s", "-o", "/dev/null", "--max-time", f"{seconds + 1:g}", "-w",
         "%{size_download}", url],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return int(proc.stdout or 0) * 8 / 1e6 / wall, cpu / wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mbit", type=float, default=120.0)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(media_path("video")), str(args.mbit * 1e6 / 8)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        url = f"http://127.0.0.1:{server.stdout.readline().strip()}/TruthHappens.ogg"
        mbit, cpu = asyncio.run(probe_run(url, args.seconds))
        print(f"probe: {mbit:7.1f} Mbit/s with {cpu * 100:5.1f} % of one core")
        figures = {"probe_mbit_s": round(mbit, 1), "probe_cpu_pct": round(cpu * 100, 2)}
        if shutil.which("curl"):
            c_mbit, c_cpu = curl_run(url, args.seconds)
            print(f"curl:  {c_mbit:7.1f} Mbit/s with {c_cpu * 100:5.1f} % of one core")
            ok = mbit > 0 and c_cpu > 0 and c_mbit > 0
            ratio = (cpu / mbit) / (c_cpu / c_mbit) if ok else None
            figures.update(
                curl_mbit_s=round(c_mbit, 1),
                curl_cpu_pct=round(c_cpu * 100, 2),
                cpu_per_bit_vs_curl=round(ratio, 2) if ratio else None,
            )
        figures["targets_met"] = mbit >= 100 and cpu < 0.15
        print(json.dumps(figures))
    finally:
        server.terminate()
        server.wait(5)


if __name__ == "__main__":
    main()

"""Lab figures: start to every host answering `xm list` (< 1 s), and `xm list` latency with 20 hosts
(median < 50 ms), over real SSH with asyncssh clients. Last line: the figures as JSON.

Baselines from the same run: one bare asyncssh server started and answering a command, and the
shell builtin `true` on the same connections, so the ratios show what the lab itself adds.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path

import asyncssh

from xentui.lab import Lab, LabOptions


async def _connect(lab: Lab, name: str) -> asyncssh.SSHClientConnection:
    return await asyncssh.connect(
        "127.0.0.1",
        lab.ssh_port(name),
        username="root",
        client_keys=[str(lab.client_key_path)],
        known_hosts=str(lab.known_hosts_path),
    )


async def start_to_answer(workdir: Path, hosts: int) -> float:
    t0 = time.perf_counter()
    lab = Lab(LabOptions(hosts=hosts), workdir=workdir)
    await lab.start()
    try:

        async def one(name: str) -> None:
            async with await _connect(lab, name) as conn:
                await conn.run("xm list", check=True)

        await asyncio.gather(*(one(n) for n in lab.host_names))
        return time.perf_counter() - t0
    finally:
        await lab.close()


async def bare_server_baseline() -> float:
    """One asyncssh server with a fresh key, answering one command: the floor for a start."""
    t0 = time.perf_counter()
    key = asyncssh.generate_private_key("ssh-ed25519")
    client = asyncssh.generate_private_key("ssh-ed25519")

    def handler(process: asyncssh.SSHServerProcess) -> None:
        process.exit(0)

    server = await asyncssh.create_server(
        asyncssh.SSHServer,
        "127.0.0.1",
        0,
        server_host_keys=[key],
        authorized_client_keys=asyncssh.import_authorized_keys(client.export_public_key().decode()),
        process_factory=handler,
    )
    port = server.sockets[0].getsockname()[1]
    async with asyncssh.connect(
        "127.0.0.1", port, username="root", client_keys=[client], known_hosts=None
    ) as conn:
        await conn.run("true")
    server.close()
    await server.wait_closed()
    return time.perf_counter() - t0


async def list_latency(workdir: Path, hosts: int, rounds: int) -> tuple[float, float, float]:
    async with Lab(LabOptions(hosts=hosts), workdir=workdir) as lab:
        conns = await asyncio.gather(*(_connect(lab, n) for n in lab.host_names))
        try:
            xm, true = [], []
            for _ in range(rounds):
                for conn in conns:
                    for cmd, bucket in (("xm list", xm), ("true", true)):
                        t = time.perf_counter()
                        await conn.run(cmd, check=True)
                        bucket.append(time.perf_counter() - t)
            polls = []  # all hosts at once, as the engine polls them
            for _ in range(rounds):
                t = time.perf_counter()
                await asyncio.gather(*(c.run("xm list", check=True) for c in conns))
                polls.append(time.perf_counter() - t)
            return statistics.median(xm), statistics.median(true), statistics.median(polls)
        finally:
            for conn in conns:
                conn.close()


async def main() -> dict[str, float | bool]:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        starts = [await start_to_answer(base / f"s{i}", 2) for i in range(5)]
        baselines = [await bare_server_baseline() for _ in range(5)]
        start = statistics.median(starts)
        floor = statistics.median(baselines)
        xm_med, true_med, poll_med = await list_latency(base / "l", 20, 10)
    figures = {
        "start_to_all_answering_s": round(start, 4),
        "bare_asyncssh_server_baseline_s": round(floor, 4),
        "start_ratio_to_baseline": round(start / floor, 2),
        "start_under_1s": start < 1.0,
        "xm_list_median_ms_20_hosts": round(xm_med * 1000, 2),
        "true_median_ms_20_hosts": round(true_med * 1000, 2),
        "xm_list_ratio_to_true": round(xm_med / true_med, 2),
        "xm_list_under_50ms": xm_med < 0.05,
        "all_20_hosts_polled_at_once_median_ms": round(poll_med * 1000, 2),
    }
    print(
        f"lab start (2 hosts) median of 5: {start * 1000:.1f} ms "
        f"(bare asyncssh server {floor * 1000:.1f} ms)"
    )
    print(f"xm list with 20 hosts, median: {xm_med * 1000:.2f} ms (true: {true_med * 1000:.2f} ms)")
    return figures


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main())))

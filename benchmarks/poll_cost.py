"""Poll cost: `xm list` over xentui's persistent connection vs a fresh OpenSSH `ssh` per call,
and vs OpenSSH with ControlMaster multiplexing, all against the same real sshd in one run.

Goal: ratio (fresh ssh / xentui) >= 10; ratio_controlmaster (ControlMaster / xentui) >= ~1.
The sshd's `xm` is a script printing a real xm 3.0.3 list, so the figures are the transport's
(the fixture's sshd keeps bash from reading the local root's ~/.bashrc: tests/remote/sshd.py).
Last line: the figures as JSON.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.remote.sshd import RealSshd, sshd_missing
from xentui.remote.ssh import SshRunner

N = 40
XM = (
    'case "$1" in list)\n'
    "printf 'Name                                      ID Mem(MiB) VCPUs State  Time(s)\\n'\n"
    "printf '%-40s %3d %8d %5d %5s %8.1f\\n' Domain-0 0 491 1 r----- 1204.3\n"
    "printf '%-40s %3d %8d %5d %5s %8.1f\\n' virt_server 3 128 1 -b---- 37.2 ;;\nesac\n"
)


def ssh_argv(sshd: RealSshd, *extra: str) -> list[str]:
    return [
        "ssh", "-F", "/dev/null", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes",
        "-o", f"UserKnownHostsFile={sshd.known_hosts}", "-i", str(sshd.client_key),
        "-p", str(sshd.port), *extra, "root@127.0.0.1",
    ]  # fmt: skip


def time_processes(argv: list[str]) -> list[float]:
    times = []
    for _ in range(N):
        t0 = time.perf_counter()
        out = subprocess.run(argv, capture_output=True, check=True).stdout
        times.append(time.perf_counter() - t0)
        assert b"virt_server" in out
    return times


async def time_xentui(sshd: RealSshd) -> list[float]:
    runner = SshRunner(sshd.host_config())
    try:
        await runner.run(["xm", "list"], timeout=10)  # connect once, like the poller
        times = []
        for _ in range(N):
            t0 = time.perf_counter()
            res = await runner.run(["xm", "list"], timeout=10)
            times.append(time.perf_counter() - t0)
            assert "virt_server" in res.stdout
        return times
    finally:
        await runner.close()


def time_controlmaster(sshd: RealSshd, workdir: Path) -> list[float]:
    sock = workdir / "cm.sock"
    master = subprocess.Popen(
        ssh_argv(sshd, "-M", "-N", "-S", str(sock), "-o", "ControlPersist=no"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            if sock.exists():
                break
            time.sleep(0.02)
        return time_processes(
            [*ssh_argv(sshd, "-S", str(sock), "-o", "ControlMaster=no"), "xm", "list"]
        )
    finally:
        master.terminate()
        master.wait(5)


def main() -> None:
    why = sshd_missing()
    if why:
        print(json.dumps({"skipped": why}))
        return
    with tempfile.TemporaryDirectory() as tmp, RealSshd.start(Path(tmp) / "sshd") as sshd:
        sshd.put_tool("xm", XM)
        fresh = time_processes([*ssh_argv(sshd), "xm", "list"])
        cm = time_controlmaster(sshd, Path(tmp))
        ours = asyncio.run(time_xentui(sshd))
    med = {
        k: statistics.median(v) * 1000 for k, v in (("xentui", ours), ("fresh", fresh), ("cm", cm))
    }
    print(
        f"xm list, median of {N}: xentui {med['xentui']:.2f} ms, fresh ssh {med['fresh']:.2f} ms, "
        f"ControlMaster {med['cm']:.2f} ms"
    )
    print(json.dumps({
        "n": N,
        "xentui_ms": round(med["xentui"], 3),
        "fresh_ssh_ms": round(med["fresh"], 3),
        "controlmaster_ms": round(med["cm"], 3),
        "ratio": round(med["fresh"] / med["xentui"], 2),
        "ratio_controlmaster": round(med["cm"] / med["xentui"], 2),
    }))  # fmt: skip


if __name__ == "__main__":
    main()

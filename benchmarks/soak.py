"""A soak through the app: live migrations driven by keys (Pilot), pauses mixed in, probe attached.

The embedded lab's two xm hosts over real SSH and its guest's stream over real HTTP; the app
migrates the guest back and forth with m, Enter, and every ``--pause-every`` migrations pauses
and unpauses it with p and u. After ``--warmup`` migrations (connections made; the event log
full at its 200 lines, ~36 migrations; Rich's and Textual's bounded caches filled) the start
figures are taken; after the last, the end figures. It holds when every migration
completed, the probe saw no stall, nothing raised (the loop's handler, an ERROR log, the app),
RSS ends within 10 % of its start, and the open fds and asyncio tasks are as many as at the
start (issue 10, "Soak"). ``--trace`` also traces allocations (tracemalloc, 25 frames) from the
start figures on and prints the sites that grew most: how issue 10.10's growth was found.

    .venv/bin/python benchmarks/soak.py [--migrations 100] [--pause-every 3] [--trace]

The last line printed is the figures as JSON; the exit status is 1 when one of them fails.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from textual import events

from xentui.config import LabConfig, load_config
from xentui.lab import Lab, LabOptions
from xentui.model import DomainState, MigrationPhase
from xentui.tui.app import XentuiApp
from xentui.tui.session import build_live_app, live

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' toast reader
from tests.tui.shown import notes

READY = "ready: "
FAST = LabOptions(speed=1.0, link_mbit=1000.0, transfer_mib=2.0, poll_interval_s=0.25)
"""A migration in well under a second: the soak counts migrations, not their length."""


class Errors(logging.Handler):
    """Every ERROR logged, and every exception the loop was left with, counted."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.seen.append(record.getMessage()[:200])

    def on_loop(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        self.seen.append(str(context.get("exception") or context.get("message"))[:200])


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def fds() -> int:
    return len(os.listdir("/proc/self/fd"))


async def until(pilot: Any, what: Any, why: str, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while not what():
        if time.monotonic() > end:
            app = pilot.app
            log = [strip.text for strip in app.main.query_one("#log").lines][-6:]
            said = notes(app)[-3:]  # the toasts: none unless run with notifications
            raise TimeoutError(f"timed out waiting for {why}; the log ends {log}, notes {said}")
        await pilot.pause(0.05)


async def key(pilot: Any, name: str) -> None:
    """A key as the terminal sends it (Pilot's press waits for an idle CPU the probe never
    leaves: see tests/tui/test_lab.py)."""
    pilot.app.post_message(events.Key(name, "\r" if name == "enter" else name))
    await pilot.pause(0.05)


def guest_paused(app: XentuiApp) -> bool:
    host = app.main.guest_host()
    pane = app.main.panes.get(host) if host else None
    snap = pane.snapshot if pane is not None else None
    dom = snap.find("virt_server") if snap is not None else None
    return dom is not None and dom.state is DomainState.PAUSED


async def migrate(pilot: Any, app: XentuiApp) -> bool:
    """m, Enter; True when the migration completed and the guest is shown on its target."""
    await until(pilot, lambda: app.check_action("migrate", ()), "migrate enabled")
    before = app.main.migration
    await key(pilot, "m")
    await key(pilot, "enter")
    await until(pilot, lambda: app.main.migration is not before, "the migration starts")
    await until(pilot, lambda: app.main.migration.finished, "its outcome")
    record = app.main.migration
    if record.outcome is not MigrationPhase.COMPLETED:
        return False
    await until(pilot, lambda: app.main.guest_host() == record.target, "the guest on its target")
    return True


async def pause_unpause(pilot: Any, app: XentuiApp) -> None:
    await until(pilot, lambda: app.check_action("pause", ()), "pause enabled")
    await key(pilot, "p")
    await until(pilot, lambda: guest_paused(app), "the guest paused")
    await until(pilot, lambda: app.check_action("unpause", ()), "unpause enabled")
    await key(pilot, "u")
    await until(pilot, lambda: not guest_paused(app), "the guest running again")


def figures_now() -> dict[str, float]:
    return {"rss_mb": round(rss_mb(), 1), "fds": fds(), "tasks": len(asyncio.all_tasks())}


async def settled(pilot: Any) -> dict[str, float]:
    """Figures at a quiet moment: the fewest tasks seen over a second (a poll in flight is a
    task for a moment, not a leak)."""
    best: dict[str, float] | None = None
    for _ in range(10):
        await pilot.pause(0.1)
        now = figures_now()
        if best is None or (now["tasks"], now["fds"]) < (best["tasks"], best["fds"]):
            best = now
    assert best is not None
    return best


def top_growth(before: tracemalloc.Snapshot, n: int = 12) -> None:
    after = tracemalloc.take_snapshot()
    stats = after.compare_to(before, "traceback")
    print(f"traced: {sum(s.size_diff for s in stats) / 1024:.0f} KiB grown; the top sites:")
    for stat in stats[:n]:
        print(f"\n{stat.size_diff / 1024:+.1f} KiB in {stat.count_diff:+d} blocks")
        for line in stat.traceback.format(limit=25, most_recent_first=True)[::2]:
            if "/asyncio/" not in line:
                print("   ", line.strip())


async def serve_lab(workdir: Path) -> None:
    """The lab alone (``--serve-lab DIR``), as `xentui demo` runs it beside the app: ``ready:
    FILE`` once it answers, then until stdin closes (its parent ended, however it ended)."""
    lab = Lab(FAST, workdir=workdir)
    await lab.start()
    try:
        print(f"{READY}{lab.config_path}", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    finally:
        await lab.close()


@contextlib.contextmanager
def lab_child(workdir: Path) -> Iterator[LabConfig]:
    """The lab in a child process: the app's memory, fds, tasks and traced allocations are the
    app's own, and the lab's SSH timers never wait on the app's loop."""
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve-lab", str(workdir)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        if not line.startswith(READY):
            raise RuntimeError(f"the lab did not start: {line!r}")
        yield load_config(line[len(READY) :].strip())
    finally:
        assert child.stdin is not None
        child.stdin.close()
        try:
            child.wait(20)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


async def soak(args: argparse.Namespace) -> dict[str, Any]:
    errors = Errors()
    logging.getLogger().addHandler(errors)
    asyncio.get_running_loop().set_exception_handler(errors.on_loop)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("XDG_STATE_HOME", tmp)  # the app's record of the run
        with lab_child(Path(tmp) / "lab") as config:
            return await drive(build_live_app(config), args, errors)


async def drive(app: XentuiApp, args: argparse.Namespace, errors: Errors) -> dict[str, Any]:
    completed = paused = 0
    started = time.monotonic()
    async with live(app.engine, app.probe), app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: app.main.guest_host(), "the guest's host")
        await until(pilot, lambda: app.main.summary and app.main.summary.bitrate_kbps > 0, "data")
        for _ in range(args.warmup):
            completed += await migrate(pilot, app)
        start = await settled(pilot)
        traced = traced_at = None
        if args.trace:
            tracemalloc.start(args.trace_frames)
            traced, traced_at = tracemalloc.take_snapshot(), tracemalloc.get_traced_memory()[0]
        for i in range(args.migrations - args.warmup):
            if args.pause_every and i % args.pause_every == 0:
                await pause_unpause(pilot, app)
                paused += 1
            completed += await migrate(pilot, app)
            if (i + 1) % 10 == 0:
                traced_now = tracemalloc.get_traced_memory()[0] / 1024
                print(
                    f"{completed} migrations, {time.monotonic() - started:.0f} s, "
                    f"RSS {rss_mb():.1f} MB" + (f", traced {traced_now:.0f} KiB" if traced else ""),
                    flush=True,
                )
        end = await settled(pilot)
        stalls = len(app.main.summary.stalls) if app.main.summary else 0
        if traced is not None:
            grown = tracemalloc.get_traced_memory()[0] - traced_at
            per = grown / max(1, args.migrations - args.warmup) / 1024
            print(f"traced memory: {grown / 1024:+.0f} KiB, {per:+.1f} KiB per migration")
            top_growth(traced)
            tracemalloc.stop()
    ok = (
        completed == args.migrations
        and stalls == 0
        and not errors.seen
        and abs(end["rss_mb"] - start["rss_mb"]) <= 0.10 * start["rss_mb"]
        and end["fds"] == start["fds"]
        and end["tasks"] == start["tasks"]
    )
    return {
        "migrations": args.migrations,
        "completed": completed,
        "pauses": paused,
        "stalls": stalls,
        "exceptions": len(errors.seen),
        "first_exceptions": errors.seen[:3],
        "start": start,
        "end": end,
        "seconds": round(time.monotonic() - started, 1),
        "ok": ok,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--migrations", type=int, default=100)
    parser.add_argument(
        "--warmup", type=int, default=40, help="migrations before the start figures (at most half)"
    )
    parser.add_argument("--pause-every", type=int, default=3, help="0: no pauses")
    parser.add_argument("--trace", action="store_true", help="print the sites memory grew in")
    parser.add_argument("--trace-frames", type=int, default=25, help="frames per allocation")
    parser.add_argument("--serve-lab", metavar="DIR", help="run only the lab (the soak's child)")
    args = parser.parse_args()
    if args.serve_lab:
        asyncio.run(serve_lab(Path(args.serve_lab)))
        return
    args.warmup = min(args.warmup, args.migrations // 2)
    figures = asyncio.run(soak(args))
    print(json.dumps(figures))
    sys.exit(0 if figures["ok"] else 1)


if __name__ == "__main__":
    main()

"""Regenerate the README's screenshots: the real app on the embedded lab, driven by keys.

    python scripts/screenshots.py [--out screenshots]

Starts the lab in this process (loopback only), opens the app headless at 160x48 and 80x24,
waits for the stream to play, then runs the seed's demo with the presenter's keys (pause until
the player stalls, unpause, live migrate), saving an SVG of the main screen, the migrate
dialog, the migration in progress and the verdict (also in the light theme); then, on a fresh
lab, the setup checklist and one fix as it asks for confirmation.

    sudo python scripts/screenshots.py --vm

shoots the real VM lab instead (`xentui lab --vm`: real libvirt, a real QEMU guest): a live
migration in progress with libvirt's own progress, and its verdict beside libvirt's downtime.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from xentui.config import LabConfig
from xentui.lab import Lab, LabOptions
from xentui.model import PlayerState
from xentui.setup.results import Status
from xentui.tui.app import XentuiApp
from xentui.tui.screens.migrate import MigrateDialog
from xentui.tui.session import build_live_app, live
from xentui.tui.setup_screen import FixDialog, SetupScreen
from xentui.tui.widgets.line import Line

# slow enough that the migration can be caught in progress, fast enough for a script
OPTIONS = LabOptions(speed=1.0, link_mbit=100.0, transfer_mib=96.0)


async def until(what: Callable[[], object], timeout: float, why: str) -> None:
    deadline = time.monotonic() + timeout
    while not what():
        if time.monotonic() > deadline:
            raise SystemExit(f"screenshots: timed out waiting for {why}")
        await asyncio.sleep(0.1)


def playing(app: XentuiApp, seconds: int) -> bool:
    """The player plays and the sparkline holds ``seconds`` of data."""
    summary = app.main.summary
    if summary is None or summary.state is not PlayerState.PLAYING:
        return False
    return sum(1 for p in summary.points if p.nbytes) >= seconds


def state(app: XentuiApp) -> PlayerState | None:
    return app.main.summary.state if app.main.summary is not None else None


def final(app: XentuiApp) -> bool:
    return app.main.query_one("#migration-detail", Line).text.plain.endswith("final")


def full(app: XentuiApp) -> bool:
    summary = app.main.summary
    return summary is not None and summary.buffer_s >= 0.95 * summary.buffer_capacity_s


async def shoot(
    lab: Lab, out: Path, size: tuple[int, int], names: dict[str, str], warm_s: int
) -> None:
    assert lab.config is not None
    app = build_live_app(lab.config)
    async with live(app.engine, app.probe), app.run_test(size=size) as pilot:
        await until(lambda: app.check_action("migrate", ()), 30, "the hosts and the guest")
        await until(lambda: playing(app, warm_s), warm_s + 30, "the stream to play")

        def save(key: str) -> None:
            if key in names:
                app.save_screenshot(names[key], str(out))
                print(f"wrote {out / names[key]}")

        save("main")
        if not {"dialog", "migrating", "verdict"} & names.keys():
            return
        # the seed's runbook: pause until the player stalls, unpause, then migrate live
        await pilot.press("p")
        await until(lambda: state(app) is PlayerState.STALLED, 30, "the stall after the pause")
        await until(lambda: app.check_action("unpause", ()), 10, "unpause enabled")
        await pilot.press("u")
        await until(lambda: playing(app, 0), 30, "the stream to play again")
        with contextlib.suppress(SystemExit):  # refilled if the server bursts; else go on
            await until(lambda: full(app), 20, "the buffer to refill")
        await until(lambda: app.check_action("migrate", ()), 10, "migrate enabled")
        await pilot.press("m")
        await until(lambda: isinstance(app.screen, MigrateDialog), 5, "the migrate dialog")
        save("dialog")
        await pilot.press("enter")
        await until(lambda: app.main.migration_running, 10, "the migration to start")
        await until(lambda: len(app.main.migration.milestones) >= 3, 20, "the source's rename")
        save("migrating")
        await until(lambda: not app.main.migration_running, 120, "the migration's end")
        # the verdict's stream figures settle, then freeze: the panel says "final" (issue 14.5)
        await until(lambda: final(app), 30, "the verdict to be final")
        save("verdict")
        if "verdict-light" in names:  # the same verdict in the light theme (issue 14.11)
            app.theme = "textual-light"
            await pilot.pause(0.5)
            save("verdict-light")
            app.theme = "textual-dark"


async def shoot_setup(lab: Lab, out: Path, size: tuple[int, int]) -> None:
    """A fresh lab's checklist, then the relocation step's fix as the presenter sees it."""
    from textual.widgets import DataTable

    assert lab.config is not None
    app = build_live_app(lab.config)
    async with live(app.engine, app.probe), app.run_test(size=size) as pilot:
        await until(lambda: app.engine.snapshots.keys() >= set(lab.host_names), 30, "the hosts")
        await pilot.press("w")
        await until(lambda: isinstance(app.screen, SetupScreen), 10, "the setup screen")
        screen = app.screen
        assert isinstance(screen, SetupScreen)
        results = screen.checklist.results
        await until(
            lambda: all(r.status is not Status.PENDING for r in results.values()), 60, "checks"
        )
        row = [step.id for step in screen.checklist.steps].index("relocation")
        screen.query_one(DataTable).move_cursor(row=row)
        await pilot.pause(0.5)
        app.save_screenshot("setup.svg", str(out))
        print(f"wrote {out / 'setup.svg'}")
        await pilot.press("f")
        await until(lambda: isinstance(app.screen, FixDialog), 20, "the fix dialog")
        await pilot.pause(0.5)
        app.save_screenshot("setup-fix.svg", str(out))
        print(f"wrote {out / 'setup-fix.svg'}")
        await pilot.press("escape")


async def shoot_vm(config: LabConfig, out: Path, size: tuple[int, int]) -> None:
    """A real live migration: libvirt's progress while it runs, then the verdict."""
    app = build_live_app(config)
    async with live(app.engine, app.probe), app.run_test(size=size) as pilot:
        await until(lambda: app.check_action("migrate", ()), 30, "the hosts and the guest")
        await until(lambda: playing(app, 20), 60, "the stream to play")
        await until(lambda: full(app), 20, "the buffer to fill")
        await pilot.press("m")
        await until(lambda: isinstance(app.screen, MigrateDialog), 5, "the migrate dialog")
        await pilot.press("enter")
        await until(lambda: app.main.migration_running, 10, "the migration to start")
        await until(lambda: app.main.migration.progress is not None, 20, "libvirt's progress")
        await asyncio.sleep(2.5)
        app.save_screenshot("vm-migrating.svg", str(out))
        print(f"wrote {out / 'vm-migrating.svg'}")
        await until(lambda: not app.main.migration_running, 120, "the migration's end")
        await until(lambda: final(app), 30, "the verdict to be final")
        app.save_screenshot("vm-verdict.svg", str(out))
        print(f"wrote {out / 'vm-verdict.svg'}")


def main_vm(out: Path) -> None:
    from xentui.config import load_config
    from xentui.lab.vm import netns
    from xentui.lab.vm.child import vm_lab_child

    with (
        tempfile.TemporaryDirectory(prefix="xentui-shots-vm-") as tmp,
        vm_lab_child(Path(tmp)) as child,
        netns.joined(child.netns),
    ):
        asyncio.run(shoot_vm(load_config(child.config_path), out, (160, 48)))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent.parent / "screenshots")
    parser.add_argument("--vm", action="store_true", help="the real VM lab's screenshots only")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.vm:
        await asyncio.to_thread(main_vm, args.out)
        return
    wide = {
        "main": "main.svg",
        "dialog": "migrate-dialog.svg",
        "migrating": "migrating.svg",
        "verdict": "verdict.svg",
        "verdict-light": "verdict-light.svg",
    }
    with tempfile.TemporaryDirectory(prefix="xentui-shots-") as tmp:
        async with Lab(OPTIONS, workdir=Path(tmp) / "wide") as lab:
            await shoot(lab, args.out, (160, 48), wide, warm_s=30)
        async with Lab(OPTIONS, workdir=Path(tmp) / "narrow") as lab:
            await shoot(lab, args.out, (80, 24), {"main": "main-80x24.svg"}, warm_s=10)
            # two host panes side by side, their columns fitted (issue 14.1)
            await shoot(lab, args.out, (120, 36), {"main": "main-120x36.svg"}, warm_s=10)
        fresh = dataclasses.replace(OPTIONS, fresh=True)
        async with Lab(fresh, workdir=Path(tmp) / "fresh") as lab:
            await shoot_setup(lab, args.out, (120, 36))


if __name__ == "__main__":
    asyncio.run(main())

"""Screenshots for issue 15: a lab run recorded through the app (a live migration), its
report page in headless Chromium (screenshots/report.png) and its replay mid-migration
(screenshots/replay.svg). Run: .venv/bin/python scripts/run_screenshots.py"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from textual.pilot import Pilot

from tests.report import chromium
from xentui.lab import Lab, LabOptions
from xentui.model import MigrationPhase
from xentui.record.reader import read_run
from xentui.record.recorder import Recorder
from xentui.report.write import write_report
from xentui.tui.replay_app import ReplayApp
from xentui.tui.session import build_live_app, live

OUT = Path(__file__).resolve().parents[1] / "screenshots"


async def until(pilot: Pilot, what: Callable[[], object], timeout: float = 60) -> None:
    for _ in range(int(timeout / 0.1)):
        if what():
            return
        await pilot.pause(0.1)
    raise TimeoutError(what)


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        options = LabOptions(speed=1.0, link_mbit=100.0, transfer_mib=96.0)
        path = Path(tmp) / "run.jsonl"
        async with Lab(options, workdir=Path(tmp) / "lab") as lab:
            assert lab.config is not None
            rec = Recorder(path, command="app", lab=lab.config)
            app = build_live_app(lab.config, recorder=rec)
            async with live(app.engine, app.probe), app.run_test(size=(160, 48)) as pilot:
                await until(pilot, lambda: app.check_action("migrate", ()))
                await pilot.pause(12)
                await pilot.press("m", "enter")
                await until(pilot, lambda: app.main.migration and app.main.migration.finished)
                await pilot.pause(12)
            rec.close()
        run = read_run(path)
        written = write_report(run, Path(tmp) / "report")
        chromium.screenshot(written.html.as_uri(), OUT / "report.png", size="1100,1500")
        record = next(e.record for e in run.events if hasattr(e, "phase"))
        middle = (record.at(MigrationPhase.REQUESTED) or run.start) + 3.0
        assert run.header.lab is not None
        replay = ReplayApp(run, run.header.lab)
        async with replay.run_test(size=(160, 48)) as pilot:
            replay.paused = True
            await replay.seek(middle)
            replay.say(f"Paused at {replay.position()}")
            await pilot.pause(0.5)
            (OUT / "replay.svg").write_text(replay.export_screenshot(title="xentui replay"))
    print(OUT / "report.png", OUT / "replay.svg")


asyncio.run(main())

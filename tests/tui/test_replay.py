"""Issue 15: a lab run recorded through the app, then replayed: the same screens at the same
moments (before, during and after a live migration), and a replay that refuses to act."""

from __future__ import annotations

from pathlib import Path

from textual.widget import Widget

from tests.tui.shown import notes
from tests.tui.test_lab import flowing, press, ready
from tests.tui.waits import until
from xentui.record.reader import read_run
from xentui.record.recorder import Recorder
from xentui.tui.app import XentuiApp
from xentui.tui.replay_app import ReplayApp
from xentui.tui.session import build_live_app, live

SIZE = (160, 48)
WIDGETS = ("#title-bar", "#stream", "#migration", "#runbook", "#log")


def screen_text(app: XentuiApp) -> dict[str, str]:
    """The rendered text of each main widget, cut from the composited screen (not pixels)."""
    main = app.main
    lines = [strip.text for strip in main._compositor.render_strips()]
    parts: list[Widget] = [main.query_one(s) for s in WIDGETS]
    parts += list(main.panes.values())
    out = {}
    for w in parts:
        r = w.region
        out[w.id or "?"] = "\n".join(line[r.x : r.right] for line in lines[r.y : r.bottom])
    return out


def quiet(app: XentuiApp) -> bool:
    """Every event the sources emitted so far has been drawn: nothing queued for the screen."""
    main = app.main
    return main._message_queue.empty() and not main.drain.pending and not main.drain.running


class AtTick:
    """Captures the live screen right after one of the app's ticks (none of it in flight)."""

    def __init__(self, app: XentuiApp) -> None:
        self.app, self.armed, self.shot = app, False, None
        tick = app.main.tick

        def wrapped() -> None:
            tick()
            if self.armed and quiet(app) and app.screen is app.main:
                self.armed = False
                self.shot = (app.clock(), screen_text(app))

        app.main.tick = wrapped  # type: ignore[method-assign]

    async def take(self, pilot) -> tuple[float, dict[str, str]]:
        self.shot, self.armed = None, True
        await until(pilot, lambda: self.shot is not None, why="a tick with nothing in flight")
        assert self.shot is not None
        return self.shot


async def test_a_replay_shows_the_live_screens_at_the_same_moments(lab_factory, tmp_path: Path):
    lab = await lab_factory(poll_interval_s=0.25, speed=1.0, link_mbit=40.0)  # ~3.5 s migration
    path = tmp_path / "run.jsonl"
    recorder = Recorder(path, command="app", lab=lab.config)
    app = build_live_app(lab.config, recorder=recorder)
    moments: list[tuple[float, dict[str, str]]] = []
    async with live(app.engine, app.probe), app.run_test(size=SIZE) as pilot:
        at_tick = AtTick(app)
        await ready(pilot, app)
        await until(pilot, lambda: flowing(app), why="the stream flowing")
        moments.append(await at_tick.take(pilot))
        await until(pilot, lambda: app.check_action("migrate", ()), why="migrate enabled")
        await press(pilot, "m", "enter")
        await until(pilot, lambda: app.main.migration_running, why="the migration running")
        await until(pilot, lambda: len(app.main.migration.milestones) >= 2, why="started")
        moments.append(await at_tick.take(pilot))
        await until(pilot, lambda: app.main.migration.finished, timeout=30, why="its outcome")
        await until(pilot, lambda: app.main.figures is not None, why="the verdict's figures")
        moments.append(await at_tick.take(pilot))
    recorder.close()
    assert recorder.failed is None and recorder.dropped == 0

    run = read_run(path)
    assert run.header.lab is not None
    replay = ReplayApp(run, run.header.lab)
    async with replay.run_test(size=SIZE, notifications=True) as pilot:
        replay.paused = True
        for n, (t, live_text) in enumerate(moments):
            await replay.seek(t)
            replay.clear_notifications()
            await until(pilot, lambda: not replay.main.query("Toast"), why="no toast over it")
            await pilot.pause()
            replayed = screen_text(replay)
            for part, text in live_text.items():
                assert replayed[part] == text, f"moment {n + 1}, {part}:\n{replayed[part]}"
        # the verdict and both hosts are there (not two empty screens that agree)
        last = moments[-1][1]
        assert "virt_server" in last["migration"] and "xen_host_2" in last["migration"]
        assert any("virt_server" in v for k, v in last.items() if k.startswith("host-"))
        # read-only: an action key says so and sends nothing
        await press(pilot, "p")
        assert notes(replay)[-1].startswith("Cannot pause: disabled in a replay")
        # seeking back rebuilds the screens from the start
        await replay.seek(moments[0][0])
        await pilot.pause()
        assert screen_text(replay)["stream"] == moments[0][1]["stream"]

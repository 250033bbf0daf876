"""Every key against the embedded lab over real SSH and HTTP: the app as the presenter drives it."""

from __future__ import annotations

import asyncio
import time

import pytest
from textual import events
from textual.widgets import DataTable, Static

from tests.tui.shown import notes
from tests.tui.waits import Ticks, until
from xentui.lab.xen.files import shipped_xend_config
from xentui.lab.xen.host import XEND_CONFIG
from xentui.model import Event, SnapshotEvent
from xentui.tui.app import XentuiApp
from xentui.tui.screens.confirm import Confirm
from xentui.tui.screens.migrate import MigrateDialog
from xentui.tui.session import build_live_app, live
from xentui.tui.widgets.line import Line

GUEST = "virt_server"


CHARS = {"enter": "\r", "escape": "\x1b", "question_mark": "?"}


async def press(pilot, *keys: str) -> None:
    """Keys as the terminal sends them, each handled before the next, without Pilot's wait for
    an idle CPU: the lab and the probe (it polls its socket at 1 kHz) never let this process
    idle, so each `pilot.press` waited out its one-second limit twice."""
    for key in keys:
        char = CHARS.get(key, key if len(key) == 1 else None)
        pilot.app.post_message(events.Key(key, char))
        await pilot.pause(0.05)  # every message queued so far is handled by then,
        await pilot.pause(0)  # and those of a dialog the key opened


def type_ahead(pilot, *keys: str) -> None:
    """Keys that arrive together, as a terminal delivers a quick "m, Enter" in one read."""
    for key in keys:
        pilot.app.post_message(events.Key(key, CHARS.get(key, key if len(key) == 1 else None)))


def guest_state(app: XentuiApp, host: str) -> str | None:
    table = app.main.panes[host].query_one(DataTable)
    keys = [r.key.value for r in table.ordered_rows]
    key = next((k for k in keys if k is not None and GUEST in k), None)
    return None if key is None else table.get_cell(key, "state").plain


def log_text(app: XentuiApp) -> str:
    return "\n".join(strip.text for strip in app.main.query_one("#log").lines)


def panel(app: XentuiApp, part: str) -> str:
    return str(app.main.query_one(f"#migration-{part}", Static).content)


def flowing(app: XentuiApp) -> bool:
    return app.main.summary is not None and app.main.summary.bitrate_kbps > 0


def gap_words(app: XentuiApp) -> str:
    return app.main.query_one("#longest-gap", Line).text.plain.strip()


@pytest.fixture
async def quick_lab(lab_factory):
    return await lab_factory(poll_interval_s=0.25)


async def ready(pilot, app: XentuiApp) -> None:
    await until(pilot, lambda: guest_state(app, "xen_host_1"), why="the guest on xen_host_1")
    await until(pilot, lambda: app.main.panes["xen_host_2"].snapshot, why="xen_host_2's list")


async def test_pause_then_unpause(quick_lab):
    app = build_live_app(quick_lab.config)
    async with (
        live(app.engine, app.probe),
        app.run_test(size=(160, 48), notifications=True) as pilot,
    ):
        await ready(pilot, app)
        await until(pilot, lambda: flowing(app), why="the stream flowing")
        await press(pilot, "p")
        await until(pilot, lambda: (guest_state(app, "xen_host_1") or "").startswith("paused"))
        await until(pilot, lambda: "pause virt_server on xen_host_1: ok" in log_text(app))
        # the paused guest sends nothing: the panel says so while it lasts, not "no gap"
        await until(pilot, lambda: gap_words(app).startswith("NO DATA for "), why="NO DATA")
        await until(pilot, lambda: app.check_action("unpause", ()) and not app.workers)
        await press(pilot, "p")  # already paused: refused in words, nothing sent
        assert notes(app)[-1] == "Cannot pause: virt_server is already paused on xen_host_1"
        await press(pilot, "u")
        await until(pilot, lambda: not (guest_state(app, "xen_host_1") or "p").startswith("paused"))
        await until(pilot, lambda: "unpause virt_server on xen_host_1: ok" in log_text(app))
        await until(pilot, lambda: not gap_words(app).startswith("NO DATA"), why="data again")


async def test_full_migration_ends_with_the_verdict(quick_lab):
    app = build_live_app(quick_lab.config)
    async with live(app.engine, app.probe), app.run_test(size=(160, 48)) as pilot:
        await ready(pilot, app)
        await until(pilot, lambda: app.check_action("migrate", ()), why="migrate enabled")
        await press(pilot, "m")
        assert isinstance(app.screen, MigrateDialog)
        assert app.screen.targets == [("xen_host_2", None)]
        await press(pilot, "enter")
        await until(pilot, lambda: app.main.migration is not None, why="the migration starts")
        await until(pilot, lambda: app.main.migration.finished, timeout=30, why="its outcome")
        head = panel(app, "head")
        assert head.startswith("virt_server: xen_host_1 → xen_host_2 in "), head
        await until(pilot, lambda: guest_state(app, "xen_host_2"), why="the guest on xen_host_2")
        assert quick_lab.where_is_guest() == "xen_host_2"
        assert app.main.guest_host() == "xen_host_2"
        assert "virt_server running on xen_host_2" in log_text(app)


async def test_refused_migration_shows_the_tools_error(quick_lab):
    target = quick_lab.host("xen_host_2")
    target.vfs.write(XEND_CONFIG, shipped_xend_config(target.xm_version, target.reloc_port))
    await quick_lab.restart_xend(target)  # relocation server off, as xend ships
    app = build_live_app(quick_lab.config)
    async with (
        live(app.engine, app.probe),
        app.run_test(size=(80, 24), notifications=True) as pilot,
    ):
        await ready(pilot, app)
        await until(pilot, lambda: app.check_action("migrate", ()), why="migrate enabled")
        type_ahead(pilot, "m", "enter")  # the Enter lands before the dialog has its list
        await until(pilot, lambda: app.main.migration and app.main.migration.finished, timeout=30)
        detail = panel(app, "detail")
        assert detail.startswith("MIGRATION FAILED "), detail
        assert app.main.migration.message in detail and app.main.migration.message
        assert any(n.startswith("migrate failed: ") for n in notes(app)), notes(app)
        assert quick_lab.where_is_guest() == "xen_host_1"


async def test_a_host_killed_and_restarted(quick_lab):
    app = build_live_app(quick_lab.config)
    async with (
        live(app.engine, app.probe),
        app.run_test(size=(80, 24), notifications=True) as pilot,
    ):
        await ready(pilot, app)
        pane = app.main.panes["xen_host_2"]
        await quick_lab.stop_host("xen_host_2")
        await until(pilot, lambda: pane.has_class("-down"), why="xen_host_2 shown down")
        reason = str(pane.query_one(".down-reason", Static).content)
        assert reason.startswith("UNREACHABLE: ") and "next retry in" in reason
        await press(pilot, "m")
        assert notes(app)[-1] == "Cannot migrate: xen_host_2 is unreachable"
        await quick_lab.start_host("xen_host_2")
        await until(pilot, lambda: not pane.has_class("-down"), timeout=30, why="back up")
        assert "xen_host_2 connected" in log_text(app)


async def test_quit_during_a_migration_asks_then_quits(lab_factory, caplog):
    slow = await lab_factory(poll_interval_s=0.25, speed=1.0, link_mbit=20.0)  # ~7 s to migrate
    app = build_live_app(slow.config)
    polls: list[Event] = []
    app.engine.add_listener(lambda e: polls.append(e) if isinstance(e, SnapshotEvent) else None)
    async with live(app.engine, app.probe):
        async with app.run_test(size=(80, 24)) as pilot:
            await ready(pilot, app)
            await until(pilot, lambda: app.check_action("migrate", ()), why="migrate enabled")
            await press(pilot, "m", "enter")
            await until(pilot, lambda: app.main.migration_running, why="the migration running")
            await press(pilot, "q")
            assert isinstance(app.screen, Confirm)
            await press(pilot, "y")
            await until(pilot, lambda: not app.is_running, why="the app quits")
        # as in `xentui demo`, the hosts are polled a little longer than the app runs: those
        # polls must not reach the closed app (it printed a traceback over the shell)
        seen, deadline = len(polls), time.monotonic() + 15
        while len(polls) < seen + 2 and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert len(polls) >= seen + 2, "no poll after the quit"
    failures = [r.getMessage() for r in caplog.records if "listener failed" in r.getMessage()]
    assert failures == []


async def test_refresh_polls_every_host_now(lab_factory):
    slow = await lab_factory(poll_interval_s=60.0)  # no poll of its own during the test
    app = build_live_app(slow.config)
    ticks = Ticks(app)
    lists: list[SnapshotEvent] = []
    app.engine.add_listener(lambda e: lists.append(e) if isinstance(e, SnapshotEvent) else None)
    async with live(app.engine, app.probe), app.run_test(size=(80, 24)) as pilot:
        await ready(pilot, app)
        host, dom = next((h, d) for h, d in slow.guest_domains() if d.name == GUEST)
        seen = len(lists)
        slow.set_paused(slow.host(host), dom, paused=True)  # behind the app's back
        await ticks.wait(pilot)  # the app's redraw: what it shows now is what it knows
        assert len(lists) == seen, "a list was read without a poll"
        assert not guest_state(app, host).startswith("paused")  # not seen until a poll
        await press(pilot, "r")
        await until(pilot, lambda: guest_state(app, host).startswith("paused"), why="a poll")


async def test_a_key_refused_while_an_action_runs_says_why(lab_factory):
    slow = await lab_factory(poll_interval_s=0.25, speed=1.0, link_mbit=20.0)  # ~7 s to migrate
    app = build_live_app(slow.config)
    async with (
        live(app.engine, app.probe),
        app.run_test(size=(80, 24), notifications=True) as pilot,
    ):
        await ready(pilot, app)
        await until(pilot, lambda: app.check_action("migrate", ()), why="migrate enabled")
        await press(pilot, "m", "enter")
        await until(pilot, lambda: app.main.migration_running, why="the migration running")
        await press(pilot, "p")
        assert notes(app)[-1] == "Cannot pause: an action is already running: wait for its result"
        await press(pilot, "m")
        assert notes(app)[-1].startswith("Cannot migrate: ") and app.screen is app.main


async def test_a_key_refused_when_the_guest_is_gone_says_why(quick_lab):
    app = build_live_app(quick_lab.config)
    async with (
        live(app.engine, app.probe),
        app.run_test(size=(80, 24), notifications=True) as pilot,
    ):
        await ready(pilot, app)
        host, dom = next((h, d) for h, d in quick_lab.guest_domains() if d.name == GUEST)
        await quick_lab.stop_domain(quick_lab.host(host), dom)
        await until(pilot, lambda: guest_state(app, host) is None, why="the guest gone")
        await until(pilot, lambda: not app.check_action("pause", ()), why="pause disabled")
        await press(pilot, "p")
        assert notes(app)[-1] == (
            f"Cannot pause: {GUEST} is not running on any reachable host"
            " - press w for the setup checklist"  # a fresh lab's refusal points on (14.7)
        )
        title = app.main.query_one("#where", Line).text.plain
        assert title == "guest not found"
        await press(pilot, "r")  # seen at once, before any list comes back
        await until(pilot, lambda: notes(app)[-1] == "Polling every host now", why="r said")

"""Issue 10.4 in the app: every host of a migration gone is LOST at once on the panel, the keys
work again, and the hosts' next lists say where the guest is, as a correction in the log."""

from __future__ import annotations

from tests.tui.shown import notes
from tests.tui.test_lab import panel, press, ready
from tests.tui.waits import until
from xentui.model import MigrationPhase
from xentui.tui.app import XentuiApp
from xentui.tui.session import build_live_app, live
from xentui.tui.widgets.event_log import EventLog

HOSTS = ("xen_host_1", "xen_host_2")


def log_text(app: XentuiApp) -> str:
    """One line per logged event, however the log wraps them on screen."""
    return "\n".join(line.plain for line in app.main.query_one(EventLog)._kept)


async def test_both_hosts_gone_mid_migration_is_lost_then_corrected(lab_factory) -> None:
    slow = await lab_factory(poll_interval_s=0.25, speed=1.0, link_mbit=40.0)  # ~3.5 s to migrate
    app = build_live_app(slow.config)
    async with (
        live(app.engine, app.probe),
        app.run_test(size=(160, 48), notifications=True) as pilot,
    ):
        await ready(pilot, app)
        await until(pilot, lambda: app.check_action("migrate", ()), why="migrate enabled")
        await press(pilot, "m", "enter")
        await until(pilot, lambda: app.main.migration_running, why="the migration running")
        for host in HOSTS:
            await slow.stop_host(host)

        await until(pilot, lambda: panel(app, "detail").startswith("MIGRATION LOST "), timeout=15)
        head = panel(app, "head")
        assert head.startswith("virt_server: xen_host_1 → xen_host_2 lost after "), head
        assert "where virt_server runs is read from the next lists" in head
        assert "migration LOST: every host of the migration is unreachable" in log_text(app)
        await until(pilot, lambda: not app.workers, why="the migrate action ended")
        await press(pilot, "p")  # refused for what is true now, not for a migration running
        assert notes(app)[-1].startswith("Cannot pause: "), notes(app)
        assert "still running" not in notes(app)[-1] and "already running" not in notes(app)[-1]

        for host in HOSTS:
            await slow.start_host(host)
        await until(pilot, lambda: app.main.migration.outcome is not MigrationPhase.LOST, 30)
        record = app.main.migration
        where = slow.where_is_guest()
        await until(pilot, lambda: app.main.guest_host() == where, why="the guest's place")
        if record.outcome is MigrationPhase.COMPLETED:
            words = "reported lost, but xen_host_2 now runs it: completed after all"
            assert "completed after all (reported lost)" in panel(app, "head")
        else:
            words = "reported lost, and xen_host_1 still runs it: it did not move"
        await until(pilot, lambda: words in log_text(app), why=words)

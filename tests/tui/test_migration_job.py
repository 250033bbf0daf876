"""The migration panel with the hypervisor's figures: a progress bar with rate and time left
while the job runs (or 'NOT CONVERGING'), then the hypervisor's pause beside the viewer's."""

from __future__ import annotations

import dataclasses

from textual.widgets import Static

from tests.tui.records import T0, WALL0, action, migration, steady
from xentui.control.progress import TCP_WHY, ProgressFollower
from xentui.model import (
    ActionKind,
    Gap,
    JobInfo,
    MigrationPhase,
    MigrationProgressEvent,
    MigrationRecord,
)
from xentui.tui.verdict import Figures

MiB = 1024 * 1024
P = MigrationPhase
RUNNING = [(P.REQUESTED, T0 + 1), (P.STARTED, T0 + 1.1)]
DONE = [*RUNNING, (P.SEEN_ON_TARGET, T0 + 3.0), (P.COMPLETED, T0 + 3.4)]


def text(app, id: str) -> str:
    widget = app.main.query_one(f"#{id}", Static)
    return str(widget.content) if widget.display else ""


def reading(record: MigrationRecord, follower: ProgressFollower, t: float, **job) -> object:
    base = dict(job_type="Unbounded", data_total=128 * MiB, page_bytes=4096, iteration=1)
    progress = follower.add(t, JobInfo(**(base | job)))
    record = dataclasses.replace(record, progress=progress)
    return MigrationProgressEvent(t=t, wall=WALL0 + t - T0, record=record)


async def test_a_running_job_shows_a_bar_rate_and_time_left_then_not_converging(app, clock):
    async with app.run_test(size=(160, 48)) as pilot:
        app.feed(*steady(), action(ActionKind.MIGRATE, T0 + 1, None, "xen_host_2"))
        started = migration(RUNNING)
        app.feed(started)
        follower = ProgressFollower()
        clock.t = T0 + 2
        app.feed(
            reading(
                started.record,
                follower,
                T0 + 2,
                data_processed=64 * MiB,
                data_remaining=64 * MiB,
                memory_bps=16 * MiB,
                expected_downtime_ms=30,
            )
        )
        await pilot.pause()
        head = text(app, "migration-head")
        assert "██████████░░░░░░░░░░  50 %" in head
        assert text(app, "migration-detail") == (
            "64.0 MiB of 128.0 MiB sent · 16.0 MiB/s · pass 1 · expected downtime 30 ms"
            " · about 4 s left"
        )
        app.feed(
            reading(
                started.record,
                follower,
                T0 + 2.5,
                data_processed=120 * MiB,
                data_remaining=30 * MiB,
                memory_bps=16 * MiB,
                dirty_pages_s=5000,
                iteration=3,
            )
        )
        await pilot.pause()
        assert text(app, "migration-detail") == (
            "NOT CONVERGING: the guest dirties 19.5 MiB/s, as fast as the link sends (16.0 MiB/s)"
        )
        assert not text(app, "migration-note")  # nothing under a running migration


async def test_the_verdict_puts_the_hypervisors_pause_beside_the_viewers(app, clock):
    async with app.run_test(size=(160, 48)) as pilot:
        app.feed(*steady(), action(ActionKind.MIGRATE, T0 + 1, None, "xen_host_2"))
        clock.t = T0 + 5
        done = migration(DONE, now_on="xen_host_2")
        app.feed(done)
        app.main.show_figures(Figures(Gap(T0 + 3.0, T0 + 3.245, 0.02), 4.5, 4.8, (), clock.t))
        await pilot.pause()
        assert not text(app, "migration-note")  # the figures are not in yet
        figures = JobInfo(job_type="Completed", elapsed_ms=2130, total_downtime_ms=14)
        record = dataclasses.replace(done.record, hypervisor=figures)
        app.feed(MigrationProgressEvent(t=T0 + 3.5, wall=WALL0 + 3.5, record=record))
        await pilot.pause()
        assert text(app, "migration-head").startswith("virt_server: xen_host_1 → xen_host_2")
        assert text(app, "migration-note") == (
            "Hypervisor paused the guest 14 ms; the viewer's stream paused 245 ms: " + TCP_WHY
        )
        # close figures need no explanation
        app.main.show_figures(Figures(Gap(T0 + 3.0, T0 + 3.05, 0.02), 4.5, 4.8, (), clock.t))
        await pilot.pause()
        assert text(app, "migration-note") == (
            "Hypervisor paused the guest 14 ms; the viewer's stream paused 50 ms"
        )


async def test_xm_shows_elapsed_against_the_forecast_and_then_beside_it(app, clock):
    async with app.run_test(size=(160, 48)) as pilot:
        app.feed(*steady(), action(ActionKind.MIGRATE, T0 + 1, None, "xen_host_2"))
        running = migration(RUNNING)
        forecast = dataclasses.replace(running.record, forecast_s=4.0)
        app.feed(dataclasses.replace(running, record=forecast))
        clock.t = T0 + 3
        app.main.tick()
        await pilot.pause()
        assert "██████████░░░░░░░░░░ of ~4.0 s forecast" in text(app, "migration-head")
        done = migration(DONE, now_on="xen_host_2")
        app.feed(dataclasses.replace(done, record=dataclasses.replace(done.record, forecast_s=4.0)))
        await pilot.pause()
        assert text(app, "migration-note") == "Forecast 4.0 s, took 2.4 s"

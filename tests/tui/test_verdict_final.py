"""The verdict is final once the migration completes (issue 14.5): figures measured over a
settling window that the panel counts down, then frozen and said so, in one wording on the
panel, in the runbook and in the event log."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Static

from tests.tui.records import Clock, Summary, config, migration, steady
from tests.tui.scenes import PHASES
from xentui.model import Event, Gap
from xentui.tui.app import XentuiApp
from xentui.tui.runbook import RunbookView
from xentui.tui.widgets.event_log import EventLog

END = PHASES[-1][1]


class RecordedProbe:
    """Recorded figures that keep moving after the migration (a later gap, a lower buffer,
    a finer resolution), as the seed's run showed: ``27 ms`` became ``25 ms`` 4 s later."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    def add_listener(self, cb: Callable[[Event], None]) -> None:
        pass

    async def run(self) -> None:
        pass

    async def close(self) -> None:
        pass

    def summary(self) -> Summary:
        late = self.clock.t - END
        return Summary(buffer_capacity_s=5.0, resolution_s=0.027 if late < 3 else 0.025)

    def longest_gap_since(self, t: float) -> Gap | None:
        return Gap(END - 1, END - 1 + 0.036, 0.02) if self.clock.t < END + 20 else None

    def min_buffer_since(self, t: float) -> float | None:
        return 5.0 if self.clock.t < END + 4 else 4.9


def text(app: XentuiApp, id: str) -> str:
    return str(app.main.query_one(f"#{id}", Static).content)


async def test_the_verdict_counts_down_then_freezes_and_every_face_says_it_alike():
    clock = Clock()
    app = XentuiApp(config(), probe=RecordedProbe(clock), clock=clock, wall=clock.wall, tick_s=3600)
    async with app.run_test(size=(160, 48)) as pilot:
        app.feed(*steady(), migration(PHASES[:2]))
        clock.t = END + 0.5
        app.feed(migration(PHASES, now_on="xen_host_2"))
        app.main.tick()
        await pilot.pause()
        assert "measuring · final in 7 s" in text(app, "migration-detail")
        head = text(app, "migration-head")
        assert "stream gap 36 ms" in head and "buffer never below 5.0 s of 5.0 s" in head
        for t in (END + 4.5, END + 7.6):  # the window: figures may move, and are said to
            clock.t = t
            app.main.tick()
        await pilot.pause()
        final = text(app, "migration-head")
        assert "buffer never below 4.9 s of 5.0 s" in final
        assert text(app, "migration-detail").endswith("final")
        for t in (END + 12, END + 30):  # frozen: nothing the probe says now changes it
            clock.t = t
            app.main.tick()
            await pilot.pause()
            assert text(app, "migration-head") == final
            assert text(app, "migration-detail").endswith("final")
        words = "stream gap 36 ms · buffer never below 4.9 s of 5.0 s · no stall"
        assert final.endswith(words)
        runbook = app.main.query_one(RunbookView).runbook
        assert runbook.verdict == f"NO STALL — the viewer saw nothing: {words}"
        log = [line.plain for line in app.main.query_one(EventLog)._kept]
        finals = [line for line in log if "verdict, final" in line]
        assert len(finals) == 1 and finals[0].endswith(words)

"""Issue 11.6: fifty hosts polled every second draw only what changed and what can be seen.

The host tables are counted through a subclass (`HostPane.TABLE`): ``refresh`` calls (work the
app asks of Textual) and ``render_line`` calls (lines Textual actually drew). Polls go in by the
engine listener's own path (`app.deliver`, coalesced and drawn a pane at a time).
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from textual import events
from textual.strip import Strip

from tests.tui.records import Clock, config, dom0, guest, snap
from tests.tui.waits import until
from xentui.model import Domain, DomainState
from xentui.tui.app import XentuiApp
from xentui.tui.screens.help import HelpScreen
from xentui.tui.widgets.host_pane import HostPane
from xentui.tui.widgets.host_table import HostTable


class CountingTable(HostTable):
    """A host table that counts what it is asked to redraw and the lines it draws."""

    refreshes = 0
    lines = 0

    def refresh(self, *regions: Any, **kw: Any) -> Any:
        self.refreshes += 1
        return super().refresh(*regions, **kw)

    def render_line(self, y: int) -> Strip:
        self.lines += 1
        return super().render_line(y)

    def reset(self) -> None:
        self.refreshes = self.lines = 0


@pytest.fixture(autouse=True)
def counted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(HostPane, "TABLE", CountingTable)


def table(app: XentuiApp, host: str) -> CountingTable:
    found = app.main.panes[host].table
    assert isinstance(found, CountingTable)
    return found


def domains(host: int, cpu: float, count: int = 8) -> list[Domain]:
    rows = [dom0(cpu)]
    rows += [
        Domain(f"vm_{host}_{d}", f"vm_{host}_{d}", d, 256, 1, DomainState.BLOCKED, "-b----", cpu)
        for d in range(1, count)
    ]
    return rows


def shown_cpu(found: CountingTable) -> str | None:
    """Domain-0's Time(s) as the table holds it (None: no such row drawn yet)."""
    if "Domain-0" not in {key.value for key in found.rows}:
        return None
    return str(found.get_cell("Domain-0", "time")).strip()


async def painted(app: XentuiApp, frames: int = 3) -> None:
    """Until the screen has gone through ``frames`` refreshes: what was asked is drawn by then."""
    for _ in range(frames):
        done = asyncio.Event()
        app.screen.call_after_refresh(done.set)
        await asyncio.wait_for(done.wait(), 5)
        await asyncio.sleep(0.02)


async def test_an_unchanged_poll_draws_nothing_and_a_poll_redraws_only_its_host() -> None:
    clock = Clock()
    app = XentuiApp(config(), clock=clock, wall=clock.wall)
    async with app.run_test(size=(160, 48)) as pilot:
        first = [snap("xen_host_1", dom0(), guest()), snap("xen_host_2", dom0(845.0))]
        for event in first:
            app.deliver(event)
        one, two = table(app, "xen_host_1"), table(app, "xen_host_2")
        await until(pilot, lambda: one.row_count == 2 and two.row_count == 1, why="both drawn")
        await painted(app)
        one.reset()
        two.reset()

        # the next poll of each host, with nothing changed: no refresh asked, no line drawn
        for event in first:
            app.deliver(snap(event.snapshot.host, *event.snapshot.domains, t=clock.t + 1))
        await painted(app)
        assert (one.refreshes, one.lines, two.refreshes, two.lines) == (0, 0, 0, 0)

        # one cell of host 1 changes: its table redraws, host 2's draws nothing
        app.deliver(snap("xen_host_1", dom0(1300.0), guest(), t=clock.t + 2))
        await until(pilot, lambda: one.lines > 0, why="host 1's table redrawn")
        await painted(app)
        assert one.refreshes > 0
        assert shown_cpu(one) == "1300.0"
        assert (two.refreshes, two.lines) == (0, 0)


async def test_an_off_screen_pane_does_not_redraw_until_it_is_in_view() -> None:
    clock = Clock()
    app = XentuiApp(config(hosts=50), clock=clock, wall=clock.wall)
    async with app.run_test(size=(160, 48)) as pilot:
        for i, host in enumerate(app.main.panes, start=1):
            app.deliver(snap(host, *domains(i, 100.0)))
        last = app.main.panes["xen_host_50"]
        tail = table(app, "xen_host_50")
        panes = app.main.panes.values()
        await until(pilot, lambda: all(p.snapshot for p in panes), why="every poll taken")
        await until(pilot, lambda: table(app, "xen_host_1").row_count == 8, why="host 1 drawn")
        await painted(app)
        hosts = app.main.query_one("#hosts")
        assert not last.region.overlaps(hosts.region), "the test needs host 50 out of view"
        tail.reset()

        app.deliver(snap("xen_host_50", *domains(50, 999.0), t=clock.t + 1))
        kept = "the poll kept, undrawn out of view"
        await until(pilot, lambda: last.snapshot is not None and last.stale, why=kept)
        await painted(app)
        assert (tail.refreshes, tail.lines) == (0, 0)
        assert last.snapshot is not None and last.snapshot.domains[0].cpu_s == 999.0

        # scrolled into view, it draws the latest poll
        last.scroll_visible(animate=False)
        await until(pilot, lambda: shown_cpu(tail) == "999.0", why="drawn once in view")
        await until(pilot, lambda: tail.lines > 0, why="its lines drawn")
        assert not last.stale


async def test_polls_under_the_help_are_kept_and_drawn_once_it_closes() -> None:
    """The main screen is not painted under the help: its polls are taken, not drawn, and the
    panes in view catch up after the help has gone (a pane a paint, not all in that paint)."""
    clock = Clock()
    app = XentuiApp(config(), clock=clock, wall=clock.wall)
    async with app.run_test(size=(160, 48)) as pilot:
        for event in (snap("xen_host_1", dom0(), guest()), snap("xen_host_2", dom0(845.0))):
            app.deliver(event)
        one, two = table(app, "xen_host_1"), table(app, "xen_host_2")
        await until(pilot, lambda: (shown_cpu(one), shown_cpu(two)) == ("1204.0", "845.0"))
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await painted(app)
        one.reset()
        two.reset()

        app.deliver(snap("xen_host_1", dom0(1300.0), guest(), t=clock.t + 1))
        app.deliver(snap("xen_host_2", dom0(900.0), t=clock.t + 1))
        panes = app.main.panes
        taken = "both polls taken"
        await until(
            pilot, lambda: panes["xen_host_1"].stale and panes["xen_host_2"].stale, why=taken
        )
        await painted(app)
        assert (one.refreshes, two.refreshes) == (0, 0)
        assert (shown_cpu(one), shown_cpu(two)) == ("1204.0", "845.0")

        await pilot.press("escape")
        new = ("1300.0", "900.0")
        await until(pilot, lambda: (shown_cpu(one), shown_cpu(two)) == new, why="caught up")
        assert not panes["xen_host_1"].stale and not panes["xen_host_2"].stale


async def tables_per_paint(key: str | None = None) -> list[int]:
    """Four hosts in view, drawn, then polled again at once (just after ``key``, as the terminal
    sends it, if given): the host tables each paint the drain waited for held changed."""
    clock = Clock()
    app = XentuiApp(config(hosts=4), clock=clock, wall=clock.wall)
    async with app.run_test(size=(160, 48)) as pilot:
        hosts = list(app.main.panes)
        for i, host in enumerate(hosts, start=1):
            app.deliver(snap(host, *domains(i, 100.0, count=3)))
        tables = [table(app, host) for host in hosts]
        await until(pilot, lambda: all(shown_cpu(t) == "100.0" for t in tables), why="drawn")
        assert all(app.main.panes[h].in_view() for h in hosts), "the test needs all in view"
        await painted(app)
        for found in tables:
            found.reset()

        changed_per_paint: list[int] = []
        wait = app.main.wait_for_refresh

        async def counted() -> bool:
            changed_per_paint.append(sum(1 for t in tables if t.refreshes))
            for found in tables:
                found.reset()
            return await wait()

        app.main.wait_for_refresh = counted  # type: ignore[method-assign]
        if key is not None:
            app.post_message(events.Key(key, key))
        for i, host in enumerate(hosts, start=1):
            app.deliver(snap(host, *domains(i, 200.0, count=3), t=clock.t + 1))
        await until(pilot, lambda: all(shown_cpu(t) == "200.0" for t in tables), why="all drawn")
    return changed_per_paint


async def test_a_paint_holds_one_changed_table_at_most() -> None:
    """Polls of four hosts in view land at once: the drain changes one table, waits for its
    paint, then the next (a key pressed meanwhile waits behind one table's redraw)."""
    assert await tables_per_paint() == [1, 1, 1, 1]


async def test_a_key_is_painted_in_a_frame_of_its_own_before_the_next_table() -> None:
    """A key pressed as four hosts in view poll at once: the drain lets the key's frame go
    first, holding no table it changed (a table repaints whole), then draws the rest a table a
    paint; p95 key-to-screen with fifty hosts 47-59 ms before, 17-27 ms after."""
    changed_per_paint = await tables_per_paint(key="x")  # no binding takes x: only its frame
    # whether the key reached the screen before or after the drain's first table, the
    # frame after it holds none; each of the four tables still has a paint of its own
    assert 0 in changed_per_paint and sorted(changed_per_paint) == [0, 1, 1, 1, 1]

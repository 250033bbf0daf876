"""Layout at every width a presenter meets (issue 14.1-14.4): the guest row always drawn, no
value parted from its unit, panes that align, and a big screen used for the stream."""

from __future__ import annotations

import re

import pytest
from textual.geometry import Region

from tests.tui import scenes
from tests.tui.records import Clock, config
from xentui.tui.app import XentuiApp
from xentui.tui.widgets.bitrate import BufferPlot
from xentui.tui.widgets.host_pane import HostPane

SIZES = [(80, 24), (100, 30), (110, 30), (120, 36), (132, 40), (154, 40), (160, 48), (200, 50)]
IDS = [f"{w}x{h}" for w, h in SIZES]
PANELS = ("#stream", "#migration", "#runbook", "#log")
UNIT = r"(?:ms|s|kbit/s|[KMG]iB(?:/s)?|%)"
PARTED = re.compile(
    rf"(?<![\w.])[\d.]*\d\s*\n\s*[│║]?\s*{UNIT}(?![\w/])"  # a number, its unit below
    r"|=\s*\n|\S\s*\n\s*[│║]?\s*= "  # a label and its value on two lines
)
RUN_TOGETHER = re.compile(rf"(?<![\w.])[\d.]*\d {UNIT}[A-Za-z]")


def screen_lines(app: XentuiApp, region: Region | None = None) -> list[str]:
    """The characters on screen, row by row, cut to ``region`` when one is given."""
    strips = app.screen._compositor.render_strips()
    rows = ["".join(seg.text for seg in strip) for strip in strips]
    if region is None:
        return rows
    return [row[region.x : region.right] for row in rows[region.y : region.bottom]]


async def shown(scene, size: tuple[int, int]):
    clock = Clock()
    app = XentuiApp(config(), clock=clock, wall=clock.wall, tick_s=3600)
    return app, clock


@pytest.mark.parametrize("size", SIZES, ids=IDS)
@pytest.mark.parametrize("name", list(scenes.LAYOUT_SCENES))
async def test_every_domain_row_of_both_hosts_is_drawn(name, size):
    app, clock = await shown(scenes.LAYOUT_SCENES[name], size)
    async with app.run_test(size=size) as pilot:
        scenes.LAYOUT_SCENES[name](app, clock)
        await pilot.pause()
        await pilot.pause()
        for host, pane in app.main.panes.items():
            table = pane.table
            # never wider than the pane, so never a horizontal scrollbar over the last row
            assert table.virtual_size.width <= table.size.width, (host, pane.keys)
            assert not table.show_horizontal_scrollbar
            text = "\n".join(screen_lines(app, pane.region))
            assert pane.snapshot is not None
            for domain in pane.snapshot.domains:
                assert domain.name in text, f"{host} at {size}: {domain.name} not drawn\n{text}"
            assert "more below" not in text


@pytest.mark.parametrize("size", SIZES, ids=IDS)
@pytest.mark.parametrize("name", list(scenes.LAYOUT_SCENES))
async def test_no_value_is_parted_from_its_unit_or_run_into_the_next(name, size):
    app, clock = await shown(scenes.LAYOUT_SCENES[name], size)
    async with app.run_test(size=size) as pilot:
        scenes.LAYOUT_SCENES[name](app, clock)
        await pilot.pause()
        await pilot.pause()
        for selector in PANELS:
            panel = app.main.query_one(selector)
            if not panel.display:
                continue
            text = "\n".join(line.rstrip(" │║") for line in screen_lines(app, panel.region))
            assert not PARTED.search(text), f"{selector} at {size}:\n{text}"
            assert not RUN_TOGETHER.search(text), f"{selector} at {size}:\n{text}"


@pytest.mark.parametrize("size", [s for s in SIZES if s[0] >= 110], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_panes_align_with_one_padding_and_no_gap(size):
    app, clock = await shown(scenes.verdict, size)
    async with app.run_test(size=size) as pilot:
        scenes.verdict(app, clock)
        await pilot.pause()
        left, right = app.main.query(HostPane)
        assert left.region.width == right.region.width
        assert left.region.right == right.region.x  # as the runbook meets the events
        runbook, log = app.main.query_one("#runbook"), app.main.query_one("#log")
        assert runbook.region.right == log.region.x
        # one blank column inside every border, as the tables' cells have
        for selector in PANELS:
            lines = screen_lines(app, app.main.query_one(selector).region)[1:-1]
            assert lines and all(line[1] == " " for line in lines), (selector, lines)
        for pane in (left, right):
            lines = screen_lines(app, pane.region)[1:-1]
            assert lines[0].startswith("│ Name"), lines
        assert left.keys == right.keys  # side by side, the same columns


@pytest.mark.parametrize(
    ("size", "tall"), [((120, 36), False), ((132, 40), True), ((160, 48), True), ((200, 50), True)]
)
async def test_a_big_screen_plots_the_bitrate_and_the_buffer_level_over_time(size, tall):
    app, clock = await shown(scenes.verdict, size)
    async with app.run_test(size=size) as pilot:
        scenes.verdict(app, clock)
        await pilot.pause()
        plot = app.main.query_one(BufferPlot)
        bitrate = app.main.query_one("#bitrate")
        if not tall:
            assert not plot.display or plot.region.height == 0
            assert bitrate.region.height == 1
            return
        assert plot.region.height >= 3 and bitrate.region.height >= 3
        assert plot.region.width == bitrate.region.width  # one time axis
        if size[1] >= 48:
            assert bitrate.region.height >= 5
        # the events keep the rest, and still have room to read
        assert app.main.query_one("#log").region.height >= 10

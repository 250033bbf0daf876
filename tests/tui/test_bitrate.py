"""The bitrate line: normal flow fills it, a gap is a hole, a refill burst cannot set the scale."""

from __future__ import annotations

from tests.tui.records import T0, Summary, migrated_summary, steady
from xentui.model import Sample
from xentui.tui.widgets.bitrate import BARS, BitrateLine, bars, levels

STEADY = [390.0 + (i % 3) * 10 for i in range(60)]


def with_burst_and_gap() -> list[float | None]:
    points: list[float | None] = list(STEADY)
    points[40], points[41], points[42] = 0.0, 2000.0, 1300.0  # gap, then the player's refill
    return points


def test_steady_flow_with_a_refill_burst_stays_high_and_the_gap_is_the_lowest_bar():
    heights = levels(with_burst_and_gap())
    normal = [h for i, h in enumerate(heights) if i not in (40, 41, 42)]
    assert all(h is not None and 4 <= h <= 6 for h in normal), normal
    assert heights[40] == 0  # the hole
    assert heights[41] == heights[42] == len(BARS) - 1  # the burst saturates
    # a dip is lower than normal flow but still shows data flowed
    assert levels([*STEADY[:59], 100.0])[-1] in (1, 2)


def test_a_known_media_rate_sets_the_scale():
    assert levels([400.0, 0.0, 800.0], reference=400.0) == [5, 0, 7]
    assert levels([0.0, 0.0]) == [0, 0]  # nothing flowed: no scale, no crash
    assert levels([None, 300.0]) == [None, 5]  # a second not yet measured is not a gap


def test_one_column_per_point_when_points_outnumber_the_cells_or_not():
    points = with_burst_and_gap()
    line = bars(points, 60)
    assert len(line.plain) == 60 and line.plain[40] == BARS[0] and line.plain[41] == BARS[-1]
    wide = bars(points, 150)  # two cells a point, right-aligned: an even time axis
    assert len(wide.plain) == 150 and wide.plain[:30] == " " * 30
    assert wide.plain[30 + 80 : 30 + 82] == BARS[0] * 2
    assert wide.plain[30 + 82 : 30 + 84] == BARS[-1] * 2
    narrow = bars(points, 20)  # the newest 20 seconds
    assert narrow.plain == bars(points[-20:], 20).plain
    assert bars([None] * 3 + [400.0], 4).plain[:3] == "   "
    assert bars(points, 0).plain == ""


def test_a_gap_is_red_so_it_reads_as_a_hole():
    line = bars([400.0, 0.0, 400.0], 3)
    assert [str(span.style) for span in line.spans] == ["green", "red", "green"]


async def test_the_stream_panel_shows_flow_high_and_the_migration_gap_as_a_hole(app, clock):
    async with app.run_test(size=(100, 30)) as pilot:
        app.feed(*steady())
        clock.t = T0 + 25
        app.main.show_summary(migrated_summary(clock.t))
        await pilot.pause()
        widget = app.main.query_one(BitrateLine)
        shown = widget.render().plain
        assert len(shown) == widget.size.width
        cells = shown.strip()
        assert len(cells) == 60 * (widget.size.width // 60)
        high = sum(c in BARS[4:] for c in cells)
        assert high >= 0.9 * len(cells), shown
        assert BARS[0] in cells
        app.main.show_summary(Summary(points=()))
        await pilot.pause()
        assert widget.render().plain.strip() == ""  # not measured yet: no fake bars


async def test_on_a_big_screen_the_bitrate_is_a_tall_plot_with_the_gap_as_a_hole(app, clock):
    """160x48 (issue 14.2): rows of bars, flow filling the lower rows, the gap a red floor."""
    async with app.run_test(size=(160, 48)) as pilot:
        app.feed(*steady())
        clock.t = T0 + 25
        app.main.show_summary(migrated_summary(clock.t))
        await pilot.pause()
        widget = app.main.query_one(BitrateLine)
        assert widget.size.height >= 4
        rendered = widget.render()
        rows = rendered.plain.split("\n")
        assert len(rows) == widget.size.height
        assert all(len(row) == widget.size.width for row in rows)
        bottom = rows[-1].strip()
        assert len(bottom) == 60 * (widget.size.width // 60)
        assert sum(c == "█" for c in bottom) >= 0.9 * len(bottom), rows
        assert "▁" in bottom  # the migration's gap
        assert any(str(span.style) == "red" for span in rendered.spans)


async def test_seconds_before_the_stream_first_flowed_are_blank_later_ones_red(app, clock):
    async with app.run_test(size=(80, 24)) as pilot:
        app.feed(*steady())
        rates = [0] * 10 + [50_000] * 20 + [0] * 5 + [50_000] * 25  # start, then a 5 s outage
        points = tuple(Sample(T0 - 60 + i, n) for i, n in enumerate(rates))
        app.main.show_summary(Summary(points=points))
        await pilot.pause()
        line = app.main.query_one(BitrateLine)
        shown = line.render().plain[-60:]
        assert shown[:10] == " " * 10
        assert shown[30:35] == BARS[0] * 5 and BARS[0] not in shown[10:30] + shown[35:]
        # a minute later the start has scrolled out; an outage at the window's start is red
        later = tuple(Sample(T0 + i, 0 if i < 3 else 50_000) for i in range(60))
        app.main.show_summary(Summary(points=later))
        await pilot.pause()
        assert line.render().plain[-60:][:3] == BARS[0] * 3

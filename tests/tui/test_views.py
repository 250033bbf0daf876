"""The main screen as a view: records in, words and rows out (no engine, fixed clock)."""

from __future__ import annotations

import pytest
from rich.text import Text
from textual.color import Color
from textual.content import Content
from textual.widgets import DataTable, Static

from tests.tui.records import (
    GUEST,
    T0,
    Summary,
    action,
    config,
    dom0,
    gap_event,
    guest,
    migrated_figures,
    migration,
    snap,
    steady,
    unreachable,
)
from xentui.model import (
    ActionKind,
    DomainState,
    MigrationPhase,
    MigrationRole,
    PlayerState,
    Sample,
    Stall,
)
from xentui.tui.app import XentuiApp
from xentui.tui.widgets.host_pane import HostPane
from xentui.tui.widgets.stream_panel import StreamPanel

DONE = [
    (MigrationPhase.REQUESTED, T0 + 1),
    (MigrationPhase.STARTED, T0 + 1.1),
    (MigrationPhase.RENAMED_ON_SOURCE, T0 + 2),
    (MigrationPhase.SEEN_ON_TARGET, T0 + 3),
    (MigrationPhase.COMPLETED, T0 + 24.4),
]


def text_of(widget: Static) -> str:
    content = widget.content
    return content.plain if isinstance(content, Text) else str(content)


def pane(app, host: str) -> HostPane:
    return app.main.panes[host]


async def test_rows_update_in_place_and_keep_the_cursor(app, clock):
    async with app.run_test(size=(160, 48)) as pilot:
        app.feed(*steady())
        await pilot.pause()
        table = pane(app, "xen_host_1").query_one(DataTable)
        table.move_cursor(row=1)
        keys_before = [r.key.value for r in table.ordered_rows]
        app.feed(snap("xen_host_1", dom0(1300.0), guest(state=DomainState.PAUSED, flags="--p---")))
        await pilot.pause()
        assert [r.key.value for r in table.ordered_rows] == keys_before == ["Domain-0", GUEST]
        assert table.cursor_row == 1
        assert table.get_cell("Domain-0", "time").plain == "1300.0"
        assert table.get_cell(GUEST, "state").plain == "paused --p---"
        assert table.get_cell(GUEST, "name").plain == f"▶ {GUEST}"


async def test_guest_is_highlighted_under_its_in_migration_name(app):
    async with app.run_test(size=(160, 48)) as pilot:
        app.feed(*steady())
        app.feed(
            snap("xen_host_1", dom0(), guest("migrating-virt_server", role=MigrationRole.OUTGOING))
        )
        await pilot.pause()
        table = pane(app, "xen_host_1").query_one(DataTable)
        assert [r.key.value for r in table.ordered_rows] == ["Domain-0", "migrating-virt_server"]
        name = table.get_cell("migrating-virt_server", "name")
        assert name.plain.startswith("▶ ") and "bold" in str(name.spans[-1].style)
        assert table.get_cell("migrating-virt_server", "state").plain.startswith("migrating →")
        assert table.get_cell("Domain-0", "name").plain == "  Domain-0"
        assert_guest_row_is_one_band(table)


def contrast(ink: Color, paper: Color) -> float:
    """WCAG contrast ratio: 1 (none) to 21 (black on white)."""

    def luminance(color: Color) -> float:
        def channel(v: int) -> float:
            v1 = v / 255
            return v1 / 12.92 if v1 <= 0.03928 else ((v1 + 0.055) / 1.055) ** 2.4

        return 0.2126 * channel(color.r) + 0.7152 * channel(color.g) + 0.0722 * channel(color.b)

    dark, light = sorted((luminance(ink), luminance(paper)))
    return (light + 0.05) / (dark + 0.05)


def assert_guest_row_is_one_band(table: DataTable, state_word: str = "migrating →") -> None:
    """The guest's row (line 2) has one background, from its first cell to the table's edge."""
    guest_row, dom0_row = table.render_line(2), table.render_line(1)
    band = {seg.style.bgcolor for seg in guest_row if seg.style is not None}
    plain_row = {seg.style.bgcolor for seg in dom0_row if seg.style is not None}
    assert len(band) == 1 and len(plain_row) == 1 and band != plain_row
    assert guest_row.cell_length == table.size.width
    background = Color.from_rich_color(band.pop())
    paper = Color.from_rich_color(plain_row.pop())
    for seg in guest_row:
        if seg.text.strip():  # every word stays about as legible as on a plain row
            ink = Color.from_rich_color(seg.style.color, table.app.ansi_theme, ansi=False)
            assert contrast(ink, background) >= 0.7 * contrast(ink, paper), seg
    name = next(seg for seg in guest_row if "virt_server" in seg.text)
    assert name.style.bold
    ink = Color.from_rich_color(name.style.color, table.app.ansi_theme, ansi=False)
    assert contrast(ink, background) >= 4.5, name
    state = next(seg for seg in guest_row if state_word in seg.text)
    assert state.style.color != name.style.color  # the state keeps its colour


async def test_guest_band_is_legible_in_the_light_theme(app):
    app.theme = "textual-light"
    async with app.run_test(size=(80, 24)) as pilot:
        app.feed(*steady())
        app.feed(
            snap("xen_host_1", dom0(), guest("migrating-virt_server", role=MigrationRole.OUTGOING))
        )
        await pilot.pause()
        assert_guest_row_is_one_band(pane(app, "xen_host_1").query_one(DataTable))


async def test_guest_band_follows_a_theme_chosen_while_it_shows(app):
    async with app.run_test(size=(80, 24)) as pilot:
        app.feed(*steady())
        await pilot.pause()
        table = pane(app, "xen_host_1").query_one(DataTable)
        dark = table.render_line(2)
        app.theme = "textual-light"
        await pilot.pause()
        assert table.render_line(2) != dark
        assert_guest_row_is_one_band(table, "blocked")


async def test_hostile_domain_names_show_literally(app):
    names = ["[bold red]x[/]", "evil\x1b[31mred\x07"]
    async with app.run_test(size=(160, 48)) as pilot:
        app.feed(*steady())
        app.feed(
            snap(
                "xen_host_2", dom0(), *(guest(n, base=n, dom_id=9 + i) for i, n in enumerate(names))
            )
        )
        await pilot.pause()
        table = pane(app, "xen_host_2").query_one(DataTable)
        cells = [table.get_cell(n, "name").plain for n in names]
        assert cells == ["  [bold red]x[/]", "  evil\\x1b[31mred\\x07"]


async def test_unreachable_host_says_why_and_counts_down_the_retry(app, clock):
    async with app.run_test(size=(80, 24)) as pilot:
        app.feed(*steady())
        app.feed(unreachable("xen_host_2", reason="Connection refused by 127.0.0.1:2202"))
        clock.t = T0 + 2
        app.main.tick()
        await pilot.pause()
        p = pane(app, "xen_host_2")
        assert p.has_class("-down")
        assert Content.from_markup(p.border_title).plain == "xen_host_2 · xm · unreachable"
        reason = p.query_one(".down-reason").text.plain
        assert reason == "UNREACHABLE: Connection refused by 127.0.0.1:2202 · next retry in 3 s"


async def test_stream_panel_shows_rate_buffer_state_and_gap_since_the_action(app, clock):
    async with app.run_test(size=(160, 48)) as pilot:
        app.feed(*steady(), action(ActionKind.PAUSE, T0 + 1, None))
        summary = Summary(
            state=PlayerState.STALLED,
            buffer_s=0.0,
            stalls=(Stall(T0 + 6, None),),
            gaps=(gap_event(T0 + 0.5, 0.3).gap, gap_event(T0 + 9, 7.5).gap),
        )
        app.main.show_summary(summary)
        await pilot.pause()
        panel = app.main.query_one(StreamPanel)
        assert text_of(panel.query_one("#kbps", Static)).strip() == "512 kbit/s"
        assert text_of(panel.query_one("#player-state", Static)).strip() == "STALLED"
        assert text_of(panel.query_one("#buffer-figures", Static)).strip() == "0.0 s of 4.8 s"
        assert (
            text_of(panel.query_one("#longest-gap", Static)).strip()
            == "longest gap since pause: 7.50 s"
        )
        assert panel.has_class("-stalled")


async def test_the_pauses_gap_is_not_the_unpauses(app, clock):
    """The silence of a pause ends at the unpause: after it, the panel speaks of the unpause."""
    async with app.run_test(size=(80, 24)) as pilot:
        app.feed(*steady(), action(ActionKind.PAUSE, T0 + 1, None))
        app.feed(action(ActionKind.UNPAUSE, T0 + 9, None))
        gap = app.main.query_one(StreamPanel).query_one("#longest-gap", Static)
        paused = gap_event(T0 + 9.01, 7.5).gap  # began under the pause, ended by the unpause
        app.main.show_summary(Summary(gaps=(paused,)))
        await pilot.pause()
        assert text_of(gap).strip() == "no gap over 20 ms since unpause"
        app.main.show_summary(Summary(gaps=(paused,), resolution_s=None))  # still learning
        await pilot.pause()
        assert text_of(gap).strip() == "no gap since unpause"
        later = gap_event(T0 + 20, 0.2).gap
        app.main.show_summary(Summary(gaps=(paused, later)))
        await pilot.pause()
        assert text_of(gap).strip() == "longest gap since unpause: 200 ms"


async def test_a_silence_still_going_on_is_shown_as_it_grows(app, clock):
    """The probe times a gap only once data flows again: the panel must not say "no gap"
    while the paused guest sends nothing, and the words must fit an 80-column terminal."""

    def flowing_then_silent(silent: int) -> Summary:
        points = tuple(Sample(T0 - 60 + i, 0 if i >= 60 - silent else 50_000) for i in range(60))
        return Summary(state=PlayerState.STALLED, buffer_s=0.0, points=points)

    async with app.run_test(size=(80, 24)) as pilot:
        app.feed(*steady(), action(ActionKind.PAUSE, T0 + 1, None))
        panel = app.main.query_one(StreamPanel)
        gap = panel.query_one("#longest-gap", Static)
        app.main.show_summary(flowing_then_silent(60))  # never flowed: nothing to time yet
        await pilot.pause()
        assert text_of(gap).strip() == "no gap over 20 ms since pause"
        app.main.show_summary(flowing_then_silent(1))  # one empty second is a paced server
        await pilot.pause()
        assert text_of(gap).strip() == "no gap over 20 ms since pause"
        app.main.show_summary(flowing_then_silent(7))
        await pilot.pause()
        assert text_of(gap).strip() == "NO DATA for 7 s and counting"
        assert gap.region.right <= 80 and gap.region.width >= len(text_of(gap))
        app.main.show_summary(flowing_then_silent(60))  # the whole window: at least that
        await pilot.pause()
        assert text_of(gap).strip() == "NO DATA for 60+ s and counting"


async def test_migration_progress_then_the_verdict(app, clock):
    async with app.run_test(size=(160, 48)) as pilot:
        app.feed(*steady(), action(ActionKind.MIGRATE, T0 + 1, None, "xen_host_2"))
        app.feed(migration(DONE[:3]))
        clock.t = T0 + 5
        app.feed(
            snap("xen_host_2", dom0(), guest(state=DomainState.PAUSED, flags="--p---", dom_id=7))
        )
        await pilot.pause()
        head = text_of(app.main.query_one("#migration-head", Static))
        shows = text_of(app.main.query_one("#migration-detail", Static))
        assert head.startswith(
            "LIVE MIGRATION virt_server: xen_host_1 → xen_host_2 · renamed on source"
        )
        assert head.endswith("4.0 s")
        assert shows == "xen_host_1: virt_server (blocked) · xen_host_2: virt_server (paused)"
        assert app.main.migration_running
        clock.t = T0 + 25
        app.feed(migration(DONE, now_on="xen_host_2"))
        app.main.show_figures(migrated_figures(clock.t))
        await pilot.pause()
        head = text_of(app.main.query_one("#migration-head", Static))
        assert head == (
            "virt_server: xen_host_1 → xen_host_2 in 23.4 s · stream gap 180 ms · "
            "buffer never below 4.6 s of 4.8 s · no stall"
        )
        assert text_of(app.main.query_one("#migration-detail", Static)).startswith("NO STALL")
        # the verdict stays until the next action
        app.feed(action(ActionKind.PAUSE, T0 + 30, None))
        await pilot.pause()
        assert not app.main.query_one("#migration").display


async def test_refused_migration_shows_the_tools_error(app, clock):
    async with app.run_test(size=(80, 24)) as pilot:
        app.feed(*steady())
        error = "Error: can't connect: Connection refused"
        app.feed(
            migration(
                [(MigrationPhase.REQUESTED, T0 + 1), (MigrationPhase.FAILED, T0 + 1.2)],
                error,
                "xen_host_1",
            )
        )
        await pilot.pause()
        assert (
            text_of(app.main.query_one("#migration-detail", Static)) == f"MIGRATION FAILED {error}"
        )
        head = text_of(app.main.query_one("#migration-head", Static))
        assert (
            head == "virt_server: xen_host_1 → xen_host_2 refused after 0.2 s · "
            "virt_server is on xen_host_1"
        )


async def test_event_log_lines_have_timestamps(app, clock):
    async with app.run_test(size=(160, 48)) as pilot:
        app.feed(*steady(), action(ActionKind.PAUSE, T0 + 1.25, True))
        await pilot.pause()
        lines = [strip.text for strip in app.main.query_one("#log").lines]
        assert lines[0].startswith("20:26:40.000  xen_host_1 connected")
        assert lines[-1].startswith("20:26:41.250  pause virt_server on xen_host_1: ok (42 ms)")


def test_printable_makes_escapes_and_controls_inert():
    from xentui.tui.format import printable

    assert printable("virt_server") == "virt_server"
    assert printable("a\x1b[2Jb\x07\u202e") == "a\\x1b[2Jb\\x07\\u202e"
    assert printable("one\ntwo") == "one\\ntwo"
    assert printable("one\ntwo\x1b", newlines=True) == "one\ntwo\\x1b"


async def test_no_row_cursor_until_the_presenter_walks_a_table(app):
    async with app.run_test(size=(160, 48)) as pilot:
        app.feed(*steady())
        await pilot.pause()
        table = pane(app, "xen_host_1").query_one(DataTable)
        assert app.focused is None
        assert_guest_row_is_one_band(table, "blocked")  # Domain-0's row is plain, not a cursor
        table.focus()
        await pilot.press("down")
        assert table.cursor_row == 1
        await pilot.press("tab")  # leaving the table hides its cursor again
        assert app.focused is not table and not table.show_cursor


async def test_the_row_cursor_shows_over_the_guest_band(app):
    """The band is the cells' own background; the cursor's, while the table has focus, wins
    over it on every cell, the padding and the row's tail; unfocused, the band is back."""
    async with app.run_test(size=(160, 48)) as pilot:
        app.feed(*steady())
        await pilot.pause()
        table = pane(app, "xen_host_1").query_one(DataTable)
        band = {seg.style.bgcolor for seg in table.render_line(2) if seg.style is not None}
        table.focus()
        await pilot.press("down")
        assert table.cursor_row == 1  # the guest's row
        cursor = table.get_component_rich_style("datatable--cursor").bgcolor
        line = table.render_line(2)
        assert {seg.style.bgcolor for seg in line if seg.style is not None} == {cursor}
        assert line.cell_length == table.size.width and {cursor} != band
        await pilot.press("tab")
        assert_guest_row_is_one_band(table, "blocked")


async def test_a_migration_request_is_one_log_line(app, clock):
    """The action's "requested" line says it all; the timeline's REQUESTED adds no second line."""
    request = action(ActionKind.MIGRATE, T0 + 1.0, None, target="xen_host_2")
    requested = [(MigrationPhase.REQUESTED, T0 + 1.0)]
    timeline = [migration(requested), migration([*requested, (MigrationPhase.STARTED, T0 + 1.1)])]
    async with app.run_test(size=(160, 48)) as pilot:
        app.feed(*steady(), request, *timeline)
        await pilot.pause()
        lines = [strip.text for strip in app.main.query_one("#log").lines]
        assert sum("requested" in line for line in lines) == 1
        assert any("migration of virt_server started" in line for line in lines)


def composed(app, widget, word: str) -> tuple[Color, Color]:
    """The ink and paper of ``word`` as the screen shows it (bands and panels composed)."""
    region = widget.content_region
    for y in range(region.height):
        x = widget.render_line(y).text.find(word)
        if x >= 0:
            style = app.screen.get_style_at(region.x + x, region.y + y)
            theme = app.ansi_theme
            return (
                Color.from_rich_color(style.color, theme, ansi=False),
                Color.from_rich_color(style.bgcolor, theme, ansi=False),
            )
    raise AssertionError(f"{word!r} not shown")


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_state_words_are_legible_in_both_themes(app, clock, theme):
    """Paused, running, blocked and migrating pass 4.5:1 on the band, a pane and the panel."""
    app.theme = theme
    async with app.run_test(size=(160, 48)) as pilot:
        app.feed(*steady(), action(ActionKind.MIGRATE, T0 + 1, None, "xen_host_2"))
        app.feed(migration(DONE[:3]))
        app.feed(
            snap("xen_host_1", dom0(), guest("migrating-virt_server", role=MigrationRole.OUTGOING)),
            snap("xen_host_2", dom0(), guest(state=DomainState.PAUSED, flags="--p---", dom_id=7)),
        )
        await pilot.pause()
        source = pane(app, "xen_host_1").query_one(DataTable)
        target = pane(app, "xen_host_2").query_one(DataTable)
        detail = app.main.query_one("#migration-detail", Static)
        for where, word in [
            (target, "paused"),  # on the guest's band
            (target, "running"),  # Domain-0, on the pane
            (source, "migrating →"),
            (detail, "paused"),
            (detail, "blocked"),
        ]:
            ink, paper = composed(app, where, word)
            assert contrast(ink, paper) >= 4.5, (theme, word, ink.hex, paper.hex)


async def shows(pilot, widget: Static, words: str) -> None:
    """Wait (10 s at most) for a line that follows a layout to read ``words``."""
    for _ in range(200):
        if text_of(widget) == words:
            return
        await pilot.pause(0.05)
    assert text_of(widget) == words


async def test_a_long_domain_list_says_in_words_what_is_out_of_view(app, clock):
    """Domain lists have no scrollbar (a cost at fifty panes): the pane counts what is hidden."""
    many = [guest(f"web_{i:02d}", dom_id=10 + i, base=f"web_{i:02d}") for i in range(19)]
    async with app.run_test(size=(160, 48)) as pilot:
        app.feed(*steady(), snap("xen_host_2", dom0(845.0), *many))
        more = pane(app, "xen_host_2").query_one(".more-rows", Static)
        table = pane(app, "xen_host_2").query_one(DataTable)
        await shows(pilot, more, "▼ 9 more below")  # 20 rows, 11 in view under the header
        assert table.scrollbar_size_vertical == 0
        assert not pane(app, "xen_host_1").query_one(".more-rows").display  # 2 rows: nothing
        table.focus()
        await pilot.press(*["down"] * 13)  # the cursor on row 13 of 20
        await shows(pilot, more, "▲ 3 more above · ▼ 6 more below")
        table.move_cursor(row=19)
        await shows(pilot, more, "▲ 9 more above")
    narrow = XentuiApp(config(), clock=clock, wall=clock.wall)
    async with narrow.run_test(size=(80, 24)) as pilot:  # stacked: five rows in view
        narrow.feed(*steady(), snap("xen_host_2", dom0(845.0), *many))
        more = pane(narrow, "xen_host_2").query_one(".more-rows", Static)
        await shows(pilot, more, "▼ 15 more below")
        assert more.region.height == 1


def test_the_log_keeps_gaps_an_audience_would_notice() -> None:
    from xentui.tui.format import event_line

    assert event_line(gap_event(T0 + 5, 0.03)) is None  # a scheduling hiccup, not news
    line = event_line(gap_event(T0 + 5, 0.18))
    assert line is not None and line.plain.endswith("stream gap 180 ms")

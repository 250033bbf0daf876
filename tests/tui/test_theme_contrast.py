"""Every word on the screen reads in every theme xentui offers (issue 14.11): each character's
ink against its paper passes the 4.5:1 of `test_views.contrast`, as the terminal gets them
(ANSI colours through the theme's palette, dim blended, reverse swapped). Box drawing, block
and braille characters are lines and plots, not words, and are left out; under a dialog only
the dialog is read (the screen behind is dimmed on purpose)."""

from __future__ import annotations

import dataclasses

import pytest
from textual.color import Color
from textual.screen import ModalScreen

from tests.tui import scenes
from tests.tui.records import Clock, Summary, config, connected, dom0, guest, snap, unreachable
from tests.tui.test_views import contrast
from xentui.config.ui import THEMES
from xentui.model import ConnectionEvent, ConnectionState, DomainState, MigrationRole, PlayerState
from xentui.tui.app import XentuiApp

SIZES = [(160, 48), (80, 24)]
HELP = "help"
SCENES = [*scenes.SCENES, "measured", "new_key", HELP]


def _graphic(char: str) -> bool:
    return 0x2500 <= ord(char) <= 0x259F or 0x2800 <= ord(char) <= 0x28FF


def unreadable(app: XentuiApp) -> list[str]:
    """Each run of characters under 4.5:1 on screen: where, what, ink, paper and ratio."""
    palette = app.ansi_theme
    area = None
    if isinstance(app.screen, ModalScreen):
        area = app.screen.query("#dialog, #help-dialog").first().region
    found: dict[tuple[int, str, str], list] = {}
    for y, strip in enumerate(app.screen._compositor.render_strips()):
        x = 0
        for seg in strip:
            style = seg.style
            for i, char in enumerate(seg.text):
                if style is None or char.isspace() or _graphic(char):
                    continue
                if area is not None and not area.contains(x + i, y):
                    continue
                ink = (
                    style.color.get_truecolor(palette) if style.color else palette.foreground_color
                )
                paper = (
                    style.bgcolor.get_truecolor(palette, foreground=False)
                    if style.bgcolor
                    else palette.background_color
                )
                if style.reverse:
                    ink, paper = paper, ink
                ink_c, paper_c = Color(*ink), Color(*paper)
                if contrast(ink_c, paper_c) < 4.5:
                    key = (y, ink_c.hex, paper_c.hex)
                    found.setdefault(key, [x + i, ""])[1] += char
            x += seg.cell_length
    return [
        f"({x},{y}) {text!r} {ink} on {paper}: {contrast(Color.parse(ink), Color.parse(paper)):.2f}"
        for (y, ink, paper), (x, text) in found.items()
    ]


def themed(theme: str, hosts: int = 2) -> tuple[XentuiApp, Clock]:
    clock = Clock()
    app = XentuiApp(config(hosts), clock=clock, wall=clock.wall, tick_s=3600)
    app.theme = theme
    return app, clock


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("name", SCENES)
async def test_every_word_of_every_scene_reads(theme: str, name: str) -> None:
    bad = []
    for size in SIZES:
        app, clock = themed(theme)
        async with app.run_test(size=size) as pilot:
            if name == HELP:
                scenes.main(app, clock)
                await pilot.press("question_mark")
            else:
                getattr(scenes, name)(app, clock)
            await pilot.pause()
            bad += [f"{size}: {line}" for line in unreadable(app)]
    assert not bad, "\n".join(bad)


def every_state() -> list:
    """A domain in each state and role, and each host's connection state: every style of
    `tui.format` (STATE_STYLE, CONNECTION_STYLE, in-migration and inactive) on screen."""
    rows = [
        guest(f"s_{state.value}", state=state, flags="r-----", dom_id=10 + n, base="x")
        for n, state in enumerate(DomainState)
    ]
    rows.append(guest("s_out", role=MigrationRole.OUTGOING, dom_id=20, base="x"))
    rows.append(guest("s_in", role=MigrationRole.INCOMING, dom_id=21, base="x"))
    inactive = guest("s_off", state=DomainState.SHUTDOWN, flags="shut off", dom_id=22, base="x")
    rows.append(dataclasses.replace(inactive, id=None, active=False))
    closed = ConnectionEvent(
        t=connected("x").t,
        wall=connected("x").wall,
        host="xen_host_4",
        state=ConnectionState.CLOSED,
        reason="closed",
    )
    return [
        connected("xen_host_1"),
        snap("xen_host_1", dom0(), guest(), *rows),
        unreachable("xen_host_3"),
        closed,
    ]


@pytest.mark.parametrize("theme", THEMES)
async def test_every_state_connection_and_player_style_reads(theme: str) -> None:
    app, _ = themed(theme, hosts=4)
    bad = []
    async with app.run_test(size=(160, 48)) as pilot:
        app.feed(*every_state())
        for state in DomainState:  # the guest's band in each state
            app.feed(snap("xen_host_1", dom0(), guest(state=state, flags="-b-p--")))
            app.main.show_summary(Summary(state=PlayerState.PLAYING))
            await pilot.pause()
            bad += [f"guest {state.value}: {line}" for line in unreadable(app)]
        app.feed(*every_state())
        for player in PlayerState:
            app.main.show_summary(Summary(state=player))
            await pilot.pause()
            bad += [f"player {player.value}: {line}" for line in unreadable(app)]
    assert not bad, "\n".join(bad)

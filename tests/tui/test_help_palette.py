"""The palette, ctrl+c, the help and the footer at the sizes a presenter meets (issue 14.10)."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from tests.tui.records import T0, migration, steady
from xentui.model import MigrationPhase
from xentui.tui.app import XentuiApp
from xentui.tui.screens.confirm import Confirm
from xentui.tui.screens.help import HelpScreen
from xentui.tui.widgets.key_bar import KeyBar


async def test_the_palette_has_each_command_once_and_no_keys_panel(app: XentuiApp) -> None:
    async with app.run_test(size=(80, 24)):
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Keys" not in titles, titles
        assert len(titles) == len(set(titles)), titles
        assert titles.count("Help") == 1


async def test_ctrl_c_quits_as_q_does_asking_first_mid_migration(app: XentuiApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        app.feed(*steady(), migration([(MigrationPhase.REQUESTED, T0 + 1)]))
        await pilot.press("ctrl+c")
        assert isinstance(app.screen, Confirm)
        await pilot.press("y")
        await pilot.pause()
        assert not app.is_running


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_help_closing_hint_in_view_and_width_used(app: XentuiApp, size) -> None:
    width, height = size
    async with app.run_test(size=size) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.pause()
        hint = app.screen.query_one("#dialog-keys", Static)
        assert "closes this screen" in str(hint.render())
        assert hint.region.y >= 0 and hint.region.bottom <= height, hint.region
        assert app.screen.get_widget_at(hint.region.x + 1, hint.region.y)[0] is hint
        dialog = app.screen.query_one("#help-dialog")
        if width >= 160:  # both lists side by side, the whole of them in view
            assert dialog.region.width >= 140, dialog.region
            assert dialog.region.bottom <= height
            columns = app.screen.query(".help-column")
            assert len({c.region.x for c in columns}) == 2


async def test_the_80_column_footer_shows_the_palette(app: XentuiApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        shown = app.main.query_one(KeyBar).render_keys(app.main).plain
        assert shown.rstrip().endswith("^p palette"), shown
        assert len(shown) <= 80
